file(REMOVE_RECURSE
  "CMakeFiles/pb_model.dir/reports/model/analysis.c.o"
  "CMakeFiles/pb_model.dir/reports/model/analysis.c.o.d"
  "CMakeFiles/pb_model.dir/reports/model/instr.c.o"
  "CMakeFiles/pb_model.dir/reports/model/instr.c.o.d"
  "CMakeFiles/pb_model.dir/reports/model/results.c.o"
  "CMakeFiles/pb_model.dir/reports/model/results.c.o.d"
  "libpb_model.a"
  "libpb_model.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pb_model.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
