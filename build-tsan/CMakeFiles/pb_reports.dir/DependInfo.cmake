
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/reports/charts.c" "CMakeFiles/pb_reports.dir/reports/charts.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/charts.c.o.d"
  "/work/main/reports/emit/emitter.c" "CMakeFiles/pb_reports.dir/reports/emit/emitter.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/emit/emitter.c.o.d"
  "/work/main/reports/emit/format.c" "CMakeFiles/pb_reports.dir/reports/emit/format.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/emit/format.c.o.d"
  "/work/main/reports/emit/summary.c" "CMakeFiles/pb_reports.dir/reports/emit/summary.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/emit/summary.c.o.d"
  "/work/main/reports/html.c" "CMakeFiles/pb_reports.dir/reports/html.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/html.c.o.d"
  "/work/main/reports/markdown.c" "CMakeFiles/pb_reports.dir/reports/markdown.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/markdown.c.o.d"
  "/work/main/reports/massif_data.c" "CMakeFiles/pb_reports.dir/reports/massif_data.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/massif_data.c.o.d"
  "/work/main/reports/overview.c" "CMakeFiles/pb_reports.dir/reports/overview.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/overview.c.o.d"
  "/work/main/reports/report.c" "CMakeFiles/pb_reports.dir/reports/report.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/report.c.o.d"
  "/work/main/reports/sbuf.c" "CMakeFiles/pb_reports.dir/reports/sbuf.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/sbuf.c.o.d"
  "/work/main/reports/series.c" "CMakeFiles/pb_reports.dir/reports/series.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/series.c.o.d"
  "/work/main/reports/warnings.c" "CMakeFiles/pb_reports.dir/reports/warnings.c.o" "gcc" "CMakeFiles/pb_reports.dir/reports/warnings.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-tsan/CMakeFiles/pb_model.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
