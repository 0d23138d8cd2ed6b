file(REMOVE_RECURSE
  "CMakeFiles/pairbench.dir/cli/main.c.o"
  "CMakeFiles/pairbench.dir/cli/main.c.o.d"
  "pairbench"
  "pairbench.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pairbench.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
