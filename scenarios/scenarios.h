/*
 * The registry of components, as one X-macro list (libuv's test-list.h
 * pattern): adding a pair means adding one line here and its scenarios file.
 */
#ifndef PAIRBENCH_SCENARIOS_H
#define PAIRBENCH_SCENARIOS_H

#include "pairbench/harness.h"

#define PB_COMPONENT_LIST(X) \
    X(harness)               \
    X(task_store)            \
    X(priority_queue)        \
    X(state_history)         \
    X(config_service)        \
    X(lru_ttl_cache)         \
    X(context_clone)         \
    X(object_pool)           \
    X(string_intern)         \
    X(telemetry_writer)      \
    X(ready_tasks_index)     \
    X(n_plus_one)            \
    X(health_cache)          \
    X(checkpoint)            \
    X(chart_discovery)       \
    X(request_batching)      \
    X(parallel_processor)    \
    X(listener_leak)         \
    X(snapshot_throttle)     \
    X(unbounded_map)         \
    X(dispatch_race)

#define PB_DECLARE_COMPONENT(name) extern const pb_component pb_component_##name;
PB_COMPONENT_LIST(PB_DECLARE_COMPONENT)
#undef PB_DECLARE_COMPONENT

/* Every component, in list order, NULL-terminated. */
extern const pb_component *const pb_all_components[];

#endif
