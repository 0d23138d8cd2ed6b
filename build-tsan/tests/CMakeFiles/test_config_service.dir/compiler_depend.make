# Empty compiler generated dependencies file for test_config_service.
# This may be replaced when dependencies are built.
