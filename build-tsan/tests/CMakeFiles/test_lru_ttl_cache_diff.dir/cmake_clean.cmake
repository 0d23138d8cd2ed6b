file(REMOVE_RECURSE
  "CMakeFiles/test_lru_ttl_cache_diff.dir/pb_test.c.o"
  "CMakeFiles/test_lru_ttl_cache_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_lru_ttl_cache_diff.dir/test_lru_ttl_cache_diff.c.o"
  "CMakeFiles/test_lru_ttl_cache_diff.dir/test_lru_ttl_cache_diff.c.o.d"
  "test_lru_ttl_cache_diff"
  "test_lru_ttl_cache_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_lru_ttl_cache_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
