# Empty compiler generated dependencies file for test_context_clone_diff.
# This may be replaced when dependencies are built.
