file(REMOVE_RECURSE
  "CMakeFiles/test_context_clone.dir/pb_test.c.o"
  "CMakeFiles/test_context_clone.dir/pb_test.c.o.d"
  "CMakeFiles/test_context_clone.dir/test_context_clone.c.o"
  "CMakeFiles/test_context_clone.dir/test_context_clone.c.o.d"
  "test_context_clone"
  "test_context_clone.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_context_clone.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
