# Empty compiler generated dependencies file for pb_engine.
# This may be replaced when dependencies are built.
