# Empty dependencies file for test_config_service_diff.
# This may be replaced when dependencies are built.
