file(REMOVE_RECURSE
  "CMakeFiles/test_state_history_diff.dir/pb_test.c.o"
  "CMakeFiles/test_state_history_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_state_history_diff.dir/test_state_history_diff.c.o"
  "CMakeFiles/test_state_history_diff.dir/test_state_history_diff.c.o.d"
  "test_state_history_diff"
  "test_state_history_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_state_history_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
