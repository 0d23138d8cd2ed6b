file(REMOVE_RECURSE
  "CMakeFiles/test_config_service_diff.dir/pb_test.c.o"
  "CMakeFiles/test_config_service_diff.dir/pb_test.c.o.d"
  "CMakeFiles/test_config_service_diff.dir/test_config_service_diff.c.o"
  "CMakeFiles/test_config_service_diff.dir/test_config_service_diff.c.o.d"
  "test_config_service_diff"
  "test_config_service_diff.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_service_diff.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
