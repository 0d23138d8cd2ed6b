
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/pb_test.c" "tests/CMakeFiles/test_string_intern_diff.dir/pb_test.c.o" "gcc" "tests/CMakeFiles/test_string_intern_diff.dir/pb_test.c.o.d"
  "/work/main/tests/test_string_intern_diff.c" "tests/CMakeFiles/test_string_intern_diff.dir/test_string_intern_diff.c.o" "gcc" "tests/CMakeFiles/test_string_intern_diff.dir/test_string_intern_diff.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-tsan/CMakeFiles/pb_components.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
