# Empty custom commands generated dependencies file for pb_git_rev.
# This may be replaced when dependencies are built.
