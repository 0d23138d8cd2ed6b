# Empty compiler generated dependencies file for pb_cli.
# This may be replaced when dependencies are built.
