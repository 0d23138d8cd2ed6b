file(REMOVE_RECURSE
  "libpb_components.a"
)
