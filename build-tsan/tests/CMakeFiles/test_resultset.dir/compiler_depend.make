# Empty compiler generated dependencies file for test_resultset.
# This may be replaced when dependencies are built.
