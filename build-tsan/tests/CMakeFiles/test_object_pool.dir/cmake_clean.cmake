file(REMOVE_RECURSE
  "CMakeFiles/test_object_pool.dir/pb_test.c.o"
  "CMakeFiles/test_object_pool.dir/pb_test.c.o.d"
  "CMakeFiles/test_object_pool.dir/test_object_pool.c.o"
  "CMakeFiles/test_object_pool.dir/test_object_pool.c.o.d"
  "test_object_pool"
  "test_object_pool.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_object_pool.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
