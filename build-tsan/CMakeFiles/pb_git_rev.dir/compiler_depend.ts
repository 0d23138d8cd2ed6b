# CMAKE generated file: DO NOT EDIT!
# Timestamp file for custom commands dependencies management for pb_git_rev.
