file(REMOVE_RECURSE
  "CMakeFiles/test_string_intern.dir/pb_test.c.o"
  "CMakeFiles/test_string_intern.dir/pb_test.c.o.d"
  "CMakeFiles/test_string_intern.dir/test_string_intern.c.o"
  "CMakeFiles/test_string_intern.dir/test_string_intern.c.o.d"
  "test_string_intern"
  "test_string_intern.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_string_intern.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
