# Empty dependencies file for test_object_pool_diff.
# This may be replaced when dependencies are built.
