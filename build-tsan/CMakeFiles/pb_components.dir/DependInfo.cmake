
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/impl_naive/config_service.c" "CMakeFiles/pb_components.dir/impl_naive/config_service.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/config_service.c.o.d"
  "/work/main/impl_naive/context_clone.c" "CMakeFiles/pb_components.dir/impl_naive/context_clone.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/context_clone.c.o.d"
  "/work/main/impl_naive/lru_ttl_cache.c" "CMakeFiles/pb_components.dir/impl_naive/lru_ttl_cache.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/lru_ttl_cache.c.o.d"
  "/work/main/impl_naive/object_pool.c" "CMakeFiles/pb_components.dir/impl_naive/object_pool.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/object_pool.c.o.d"
  "/work/main/impl_naive/priority_queue.c" "CMakeFiles/pb_components.dir/impl_naive/priority_queue.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/priority_queue.c.o.d"
  "/work/main/impl_naive/state_history.c" "CMakeFiles/pb_components.dir/impl_naive/state_history.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/state_history.c.o.d"
  "/work/main/impl_naive/string_intern.c" "CMakeFiles/pb_components.dir/impl_naive/string_intern.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/string_intern.c.o.d"
  "/work/main/impl_naive/task_store.c" "CMakeFiles/pb_components.dir/impl_naive/task_store.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/task_store.c.o.d"
  "/work/main/impl_naive/telemetry_writer.c" "CMakeFiles/pb_components.dir/impl_naive/telemetry_writer.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_naive/telemetry_writer.c.o.d"
  "/work/main/impl_optimized/config_service.c" "CMakeFiles/pb_components.dir/impl_optimized/config_service.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/config_service.c.o.d"
  "/work/main/impl_optimized/context_clone.c" "CMakeFiles/pb_components.dir/impl_optimized/context_clone.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/context_clone.c.o.d"
  "/work/main/impl_optimized/lru_ttl_cache.c" "CMakeFiles/pb_components.dir/impl_optimized/lru_ttl_cache.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/lru_ttl_cache.c.o.d"
  "/work/main/impl_optimized/object_pool.c" "CMakeFiles/pb_components.dir/impl_optimized/object_pool.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/object_pool.c.o.d"
  "/work/main/impl_optimized/priority_queue.c" "CMakeFiles/pb_components.dir/impl_optimized/priority_queue.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/priority_queue.c.o.d"
  "/work/main/impl_optimized/state_history.c" "CMakeFiles/pb_components.dir/impl_optimized/state_history.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/state_history.c.o.d"
  "/work/main/impl_optimized/string_intern.c" "CMakeFiles/pb_components.dir/impl_optimized/string_intern.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/string_intern.c.o.d"
  "/work/main/impl_optimized/task_store.c" "CMakeFiles/pb_components.dir/impl_optimized/task_store.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/task_store.c.o.d"
  "/work/main/impl_optimized/telemetry_writer.c" "CMakeFiles/pb_components.dir/impl_optimized/telemetry_writer.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_optimized/telemetry_writer.c.o.d"
  "/work/main/impl_shared/config_service_storage.c" "CMakeFiles/pb_components.dir/impl_shared/config_service_storage.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_shared/config_service_storage.c.o.d"
  "/work/main/impl_shared/telemetry_writer_file.c" "CMakeFiles/pb_components.dir/impl_shared/telemetry_writer_file.c.o" "gcc" "CMakeFiles/pb_components.dir/impl_shared/telemetry_writer_file.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
