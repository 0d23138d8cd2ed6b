file(REMOVE_RECURSE
  "CMakeFiles/pb_reports.dir/reports/charts.c.o"
  "CMakeFiles/pb_reports.dir/reports/charts.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/emit/emitter.c.o"
  "CMakeFiles/pb_reports.dir/reports/emit/emitter.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/emit/format.c.o"
  "CMakeFiles/pb_reports.dir/reports/emit/format.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/emit/summary.c.o"
  "CMakeFiles/pb_reports.dir/reports/emit/summary.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/html.c.o"
  "CMakeFiles/pb_reports.dir/reports/html.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/markdown.c.o"
  "CMakeFiles/pb_reports.dir/reports/markdown.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/massif_data.c.o"
  "CMakeFiles/pb_reports.dir/reports/massif_data.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/overview.c.o"
  "CMakeFiles/pb_reports.dir/reports/overview.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/report.c.o"
  "CMakeFiles/pb_reports.dir/reports/report.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/sbuf.c.o"
  "CMakeFiles/pb_reports.dir/reports/sbuf.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/series.c.o"
  "CMakeFiles/pb_reports.dir/reports/series.c.o.d"
  "CMakeFiles/pb_reports.dir/reports/warnings.c.o"
  "CMakeFiles/pb_reports.dir/reports/warnings.c.o.d"
  "libpb_reports.a"
  "libpb_reports.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pb_reports.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
