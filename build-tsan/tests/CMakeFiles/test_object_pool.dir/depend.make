# Empty dependencies file for test_object_pool.
# This may be replaced when dependencies are built.
