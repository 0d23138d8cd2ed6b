file(REMOVE_RECURSE
  "CMakeFiles/test_config_service.dir/pb_test.c.o"
  "CMakeFiles/test_config_service.dir/pb_test.c.o.d"
  "CMakeFiles/test_config_service.dir/test_config_service.c.o"
  "CMakeFiles/test_config_service.dir/test_config_service.c.o.d"
  "test_config_service"
  "test_config_service.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_config_service.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
