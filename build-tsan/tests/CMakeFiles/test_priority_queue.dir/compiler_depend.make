# Empty compiler generated dependencies file for test_priority_queue.
# This may be replaced when dependencies are built.
