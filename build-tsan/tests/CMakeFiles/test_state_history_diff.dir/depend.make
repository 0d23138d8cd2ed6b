# Empty dependencies file for test_state_history_diff.
# This may be replaced when dependencies are built.
