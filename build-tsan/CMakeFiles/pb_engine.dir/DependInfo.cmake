
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/harness/alloc_track.c" "CMakeFiles/pb_engine.dir/harness/alloc_track.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/alloc_track.c.o.d"
  "/work/main/harness/cleanup.c" "CMakeFiles/pb_engine.dir/harness/cleanup.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/cleanup.c.o.d"
  "/work/main/harness/memory.c" "CMakeFiles/pb_engine.dir/harness/memory.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/memory.c.o.d"
  "/work/main/harness/probe.c" "CMakeFiles/pb_engine.dir/harness/probe.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/probe.c.o.d"
  "/work/main/harness/probe_sql.c" "CMakeFiles/pb_engine.dir/harness/probe_sql.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/probe_sql.c.o.d"
  "/work/main/harness/proc.c" "CMakeFiles/pb_engine.dir/harness/proc.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/proc.c.o.d"
  "/work/main/harness/runner.c" "CMakeFiles/pb_engine.dir/harness/runner.c.o" "gcc" "CMakeFiles/pb_engine.dir/harness/runner.c.o.d"
  "/work/main/harness/gbench_shim.cc" "CMakeFiles/pb_engine.dir/harness/gbench_shim.cc.o" "gcc" "CMakeFiles/pb_engine.dir/harness/gbench_shim.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
