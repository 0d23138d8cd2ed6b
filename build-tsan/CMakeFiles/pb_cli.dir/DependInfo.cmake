
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/cli/atomic.c" "CMakeFiles/pb_cli.dir/cli/atomic.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/atomic.c.o.d"
  "/work/main/cli/child.c" "CMakeFiles/pb_cli.dir/cli/child.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/child.c.o.d"
  "/work/main/cli/cli.c" "CMakeFiles/pb_cli.dir/cli/cli.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cli.c.o.d"
  "/work/main/cli/cmd_exec.c" "CMakeFiles/pb_cli.dir/cli/cmd_exec.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_exec.c.o.d"
  "/work/main/cli/cmd_gate.c" "CMakeFiles/pb_cli.dir/cli/cmd_gate.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_gate.c.o.d"
  "/work/main/cli/cmd_instr.c" "CMakeFiles/pb_cli.dir/cli/cmd_instr.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_instr.c.o.d"
  "/work/main/cli/cmd_list.c" "CMakeFiles/pb_cli.dir/cli/cmd_list.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_list.c.o.d"
  "/work/main/cli/cmd_massif.c" "CMakeFiles/pb_cli.dir/cli/cmd_massif.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_massif.c.o.d"
  "/work/main/cli/cmd_report.c" "CMakeFiles/pb_cli.dir/cli/cmd_report.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_report.c.o.d"
  "/work/main/cli/cmd_run.c" "CMakeFiles/pb_cli.dir/cli/cmd_run.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_run.c.o.d"
  "/work/main/cli/cmd_summary.c" "CMakeFiles/pb_cli.dir/cli/cmd_summary.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/cmd_summary.c.o.d"
  "/work/main/cli/opts.c" "CMakeFiles/pb_cli.dir/cli/opts.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/opts.c.o.d"
  "/work/main/cli/profiler.c" "CMakeFiles/pb_cli.dir/cli/profiler.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/profiler.c.o.d"
  "/work/main/cli/select.c" "CMakeFiles/pb_cli.dir/cli/select.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/select.c.o.d"
  "/work/main/cli/str.c" "CMakeFiles/pb_cli.dir/cli/str.c.o" "gcc" "CMakeFiles/pb_cli.dir/cli/str.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-tsan/CMakeFiles/pb_reports.dir/DependInfo.cmake"
  "/work/main/build-tsan/CMakeFiles/pb_model.dir/DependInfo.cmake"
  "/work/main/build-tsan/CMakeFiles/pb_engine.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
