file(REMOVE_RECURSE
  "CMakeFiles/test_lru_ttl_cache.dir/pb_test.c.o"
  "CMakeFiles/test_lru_ttl_cache.dir/pb_test.c.o.d"
  "CMakeFiles/test_lru_ttl_cache.dir/test_lru_ttl_cache.c.o"
  "CMakeFiles/test_lru_ttl_cache.dir/test_lru_ttl_cache.c.o.d"
  "test_lru_ttl_cache"
  "test_lru_ttl_cache.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_lru_ttl_cache.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
