file(REMOVE_RECURSE
  "CMakeFiles/pb_scenarios.dir/scenarios/config_service.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/config_service.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/context_clone.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/context_clone.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/harness.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/harness.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/list.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/list.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/lru_ttl_cache.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/lru_ttl_cache.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/object_pool.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/object_pool.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/priority_queue.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/priority_queue.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/state_history.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/state_history.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/string_intern.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/string_intern.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/task_store.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/task_store.c.o.d"
  "CMakeFiles/pb_scenarios.dir/scenarios/telemetry_writer.c.o"
  "CMakeFiles/pb_scenarios.dir/scenarios/telemetry_writer.c.o.d"
  "libpb_scenarios.a"
  "libpb_scenarios.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pb_scenarios.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
