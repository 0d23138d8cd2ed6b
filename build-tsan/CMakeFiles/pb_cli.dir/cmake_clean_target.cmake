file(REMOVE_RECURSE
  "libpb_cli.a"
)
