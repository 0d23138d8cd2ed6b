file(REMOVE_RECURSE
  "CMakeFiles/test_resources.dir/test_resources.c.o"
  "CMakeFiles/test_resources.dir/test_resources.c.o.d"
  "test_resources"
  "test_resources.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_resources.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
