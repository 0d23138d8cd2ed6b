# Empty dependencies file for pb_components.
# This may be replaced when dependencies are built.
