# Empty compiler generated dependencies file for pb_model.
# This may be replaced when dependencies are built.
