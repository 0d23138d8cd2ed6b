# Empty dependencies file for test_lru_ttl_cache_diff.
# This may be replaced when dependencies are built.
