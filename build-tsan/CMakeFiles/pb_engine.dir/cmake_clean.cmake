file(REMOVE_RECURSE
  "CMakeFiles/pb_engine.dir/harness/alloc_track.c.o"
  "CMakeFiles/pb_engine.dir/harness/alloc_track.c.o.d"
  "CMakeFiles/pb_engine.dir/harness/cleanup.c.o"
  "CMakeFiles/pb_engine.dir/harness/cleanup.c.o.d"
  "CMakeFiles/pb_engine.dir/harness/gbench_shim.cc.o"
  "CMakeFiles/pb_engine.dir/harness/gbench_shim.cc.o.d"
  "CMakeFiles/pb_engine.dir/harness/memory.c.o"
  "CMakeFiles/pb_engine.dir/harness/memory.c.o.d"
  "CMakeFiles/pb_engine.dir/harness/probe.c.o"
  "CMakeFiles/pb_engine.dir/harness/probe.c.o.d"
  "CMakeFiles/pb_engine.dir/harness/probe_sql.c.o"
  "CMakeFiles/pb_engine.dir/harness/probe_sql.c.o.d"
  "CMakeFiles/pb_engine.dir/harness/proc.c.o"
  "CMakeFiles/pb_engine.dir/harness/proc.c.o.d"
  "CMakeFiles/pb_engine.dir/harness/runner.c.o"
  "CMakeFiles/pb_engine.dir/harness/runner.c.o.d"
  "libpb_engine.a"
  "libpb_engine.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C CXX)
  include(CMakeFiles/pb_engine.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
