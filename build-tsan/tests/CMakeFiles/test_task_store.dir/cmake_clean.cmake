file(REMOVE_RECURSE
  "CMakeFiles/test_task_store.dir/pb_test.c.o"
  "CMakeFiles/test_task_store.dir/pb_test.c.o.d"
  "CMakeFiles/test_task_store.dir/test_task_store.c.o"
  "CMakeFiles/test_task_store.dir/test_task_store.c.o.d"
  "test_task_store"
  "test_task_store.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_task_store.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
