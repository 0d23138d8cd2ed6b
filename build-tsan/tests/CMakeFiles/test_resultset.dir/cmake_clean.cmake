file(REMOVE_RECURSE
  "CMakeFiles/test_resultset.dir/test_resultset.c.o"
  "CMakeFiles/test_resultset.dir/test_resultset.c.o.d"
  "test_resultset"
  "test_resultset.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_resultset.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
