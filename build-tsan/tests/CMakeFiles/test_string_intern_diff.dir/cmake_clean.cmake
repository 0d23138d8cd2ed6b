file(REMOVE_RECURSE
  "CMakeFiles/test_string_intern_diff.dir/pb_test.c.o"
  "CMakeFiles/test_string_intern_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_string_intern_diff.dir/test_string_intern_diff.c.o"
  "CMakeFiles/test_string_intern_diff.dir/test_string_intern_diff.c.o.d"
  "test_string_intern_diff"
  "test_string_intern_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_string_intern_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
