# Empty dependencies file for test_state_history.
# This may be replaced when dependencies are built.
