file(REMOVE_RECURSE
  "CMakeFiles/test_emit.dir/test_emit.c.o"
  "CMakeFiles/test_emit.dir/test_emit.c.o.d"
  "test_emit"
  "test_emit.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_emit.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
