# Empty dependencies file for test_string_intern.
# This may be replaced when dependencies are built.
