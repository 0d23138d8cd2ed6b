
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/scenarios/config_service.c" "CMakeFiles/pb_scenarios.dir/scenarios/config_service.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/config_service.c.o.d"
  "/work/main/scenarios/context_clone.c" "CMakeFiles/pb_scenarios.dir/scenarios/context_clone.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/context_clone.c.o.d"
  "/work/main/scenarios/harness.c" "CMakeFiles/pb_scenarios.dir/scenarios/harness.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/harness.c.o.d"
  "/work/main/scenarios/list.c" "CMakeFiles/pb_scenarios.dir/scenarios/list.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/list.c.o.d"
  "/work/main/scenarios/lru_ttl_cache.c" "CMakeFiles/pb_scenarios.dir/scenarios/lru_ttl_cache.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/lru_ttl_cache.c.o.d"
  "/work/main/scenarios/object_pool.c" "CMakeFiles/pb_scenarios.dir/scenarios/object_pool.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/object_pool.c.o.d"
  "/work/main/scenarios/priority_queue.c" "CMakeFiles/pb_scenarios.dir/scenarios/priority_queue.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/priority_queue.c.o.d"
  "/work/main/scenarios/state_history.c" "CMakeFiles/pb_scenarios.dir/scenarios/state_history.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/state_history.c.o.d"
  "/work/main/scenarios/string_intern.c" "CMakeFiles/pb_scenarios.dir/scenarios/string_intern.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/string_intern.c.o.d"
  "/work/main/scenarios/task_store.c" "CMakeFiles/pb_scenarios.dir/scenarios/task_store.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/task_store.c.o.d"
  "/work/main/scenarios/telemetry_writer.c" "CMakeFiles/pb_scenarios.dir/scenarios/telemetry_writer.c.o" "gcc" "CMakeFiles/pb_scenarios.dir/scenarios/telemetry_writer.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-tsan/CMakeFiles/pb_engine.dir/DependInfo.cmake"
  "/work/main/build-tsan/CMakeFiles/pb_components.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
