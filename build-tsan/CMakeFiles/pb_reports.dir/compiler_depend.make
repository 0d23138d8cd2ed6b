# Empty compiler generated dependencies file for pb_reports.
# This may be replaced when dependencies are built.
