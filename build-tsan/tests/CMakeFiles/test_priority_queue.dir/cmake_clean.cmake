file(REMOVE_RECURSE
  "CMakeFiles/test_priority_queue.dir/pb_test.c.o"
  "CMakeFiles/test_priority_queue.dir/pb_test.c.o.d"
  "CMakeFiles/test_priority_queue.dir/test_priority_queue.c.o"
  "CMakeFiles/test_priority_queue.dir/test_priority_queue.c.o.d"
  "test_priority_queue"
  "test_priority_queue.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_priority_queue.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
