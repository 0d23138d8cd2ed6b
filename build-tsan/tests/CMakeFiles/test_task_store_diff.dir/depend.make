# Empty dependencies file for test_task_store_diff.
# This may be replaced when dependencies are built.
