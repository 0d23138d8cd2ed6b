# Empty compiler generated dependencies file for test_resources.
# This may be replaced when dependencies are built.
