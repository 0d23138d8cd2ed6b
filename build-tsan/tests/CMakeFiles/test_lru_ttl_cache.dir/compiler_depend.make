# Empty compiler generated dependencies file for test_lru_ttl_cache.
# This may be replaced when dependencies are built.
