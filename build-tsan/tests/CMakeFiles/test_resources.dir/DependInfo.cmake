
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/test_resources.c" "tests/CMakeFiles/test_resources.dir/test_resources.c.o" "gcc" "tests/CMakeFiles/test_resources.dir/test_resources.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-tsan/CMakeFiles/pb_cli.dir/DependInfo.cmake"
  "/work/main/build-tsan/CMakeFiles/pb_reports.dir/DependInfo.cmake"
  "/work/main/build-tsan/CMakeFiles/pb_model.dir/DependInfo.cmake"
  "/work/main/build-tsan/CMakeFiles/pb_engine.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
