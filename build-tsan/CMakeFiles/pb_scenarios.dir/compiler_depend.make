# Empty compiler generated dependencies file for pb_scenarios.
# This may be replaced when dependencies are built.
