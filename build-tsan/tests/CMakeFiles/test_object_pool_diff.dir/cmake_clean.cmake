file(REMOVE_RECURSE
  "CMakeFiles/test_object_pool_diff.dir/pb_test.c.o"
  "CMakeFiles/test_object_pool_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_object_pool_diff.dir/test_object_pool_diff.c.o"
  "CMakeFiles/test_object_pool_diff.dir/test_object_pool_diff.c.o.d"
  "test_object_pool_diff"
  "test_object_pool_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_object_pool_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
