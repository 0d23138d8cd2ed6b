file(REMOVE_RECURSE
  "CMakeFiles/test_context_clone_diff.dir/pb_test.c.o"
  "CMakeFiles/test_context_clone_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_context_clone_diff.dir/test_context_clone_diff.c.o"
  "CMakeFiles/test_context_clone_diff.dir/test_context_clone_diff.c.o.d"
  "test_context_clone_diff"
  "test_context_clone_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_context_clone_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
