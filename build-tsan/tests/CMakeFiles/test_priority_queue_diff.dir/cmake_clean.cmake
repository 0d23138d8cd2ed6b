file(REMOVE_RECURSE
  "CMakeFiles/test_priority_queue_diff.dir/pb_test.c.o"
  "CMakeFiles/test_priority_queue_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_priority_queue_diff.dir/test_priority_queue_diff.c.o"
  "CMakeFiles/test_priority_queue_diff.dir/test_priority_queue_diff.c.o.d"
  "test_priority_queue_diff"
  "test_priority_queue_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_priority_queue_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
