file(REMOVE_RECURSE
  "CMakeFiles/pb_cli.dir/cli/atomic.c.o"
  "CMakeFiles/pb_cli.dir/cli/atomic.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/child.c.o"
  "CMakeFiles/pb_cli.dir/cli/child.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cli.c.o"
  "CMakeFiles/pb_cli.dir/cli/cli.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_exec.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_exec.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_gate.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_gate.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_instr.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_instr.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_list.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_list.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_massif.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_massif.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_report.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_report.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_run.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_run.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/cmd_summary.c.o"
  "CMakeFiles/pb_cli.dir/cli/cmd_summary.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/opts.c.o"
  "CMakeFiles/pb_cli.dir/cli/opts.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/profiler.c.o"
  "CMakeFiles/pb_cli.dir/cli/profiler.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/select.c.o"
  "CMakeFiles/pb_cli.dir/cli/select.c.o.d"
  "CMakeFiles/pb_cli.dir/cli/str.c.o"
  "CMakeFiles/pb_cli.dir/cli/str.c.o.d"
  "libpb_cli.a"
  "libpb_cli.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pb_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
