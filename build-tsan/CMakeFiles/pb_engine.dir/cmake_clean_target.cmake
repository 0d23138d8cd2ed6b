file(REMOVE_RECURSE
  "libpb_engine.a"
)
