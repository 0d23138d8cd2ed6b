file(REMOVE_RECURSE
  "libpb_model.a"
)
