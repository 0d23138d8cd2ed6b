file(REMOVE_RECURSE
  "CMakeFiles/test_state_history.dir/pb_test.c.o"
  "CMakeFiles/test_state_history.dir/pb_test.c.o.d"
  "CMakeFiles/test_state_history.dir/test_state_history.c.o"
  "CMakeFiles/test_state_history.dir/test_state_history.c.o.d"
  "test_state_history"
  "test_state_history.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_state_history.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
