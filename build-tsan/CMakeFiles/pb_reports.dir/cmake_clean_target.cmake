file(REMOVE_RECURSE
  "libpb_reports.a"
)
