file(REMOVE_RECURSE
  "CMakeFiles/test_task_store_diff.dir/pb_test.c.o"
  "CMakeFiles/test_task_store_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_task_store_diff.dir/test_task_store_diff.c.o"
  "CMakeFiles/test_task_store_diff.dir/test_task_store_diff.c.o.d"
  "test_task_store_diff"
  "test_task_store_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_task_store_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
