# Empty dependencies file for test_priority_queue_diff.
# This may be replaced when dependencies are built.
