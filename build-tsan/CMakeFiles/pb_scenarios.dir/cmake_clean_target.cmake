file(REMOVE_RECURSE
  "libpb_scenarios.a"
)
