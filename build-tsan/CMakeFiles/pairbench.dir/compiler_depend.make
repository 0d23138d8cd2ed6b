# Empty compiler generated dependencies file for pairbench.
# This may be replaced when dependencies are built.
