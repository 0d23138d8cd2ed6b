# Empty dependencies file for test_context_clone.
# This may be replaced when dependencies are built.
