/*
 * ready_tasks_index, optimized: the seed's composite indexes, and
 * idx_tasks_ready, which the seed lacks: tasks(status, priority DESC,
 * created_at, id) matches ready()'s WHERE and ORDER BY, so SQLite walks
 * the pending tasks in order, probes idx_deps_task_type per task and stops
 * at the LIMIT (O(limit x deps) instead of O(pending) plus a sort).
 * by_epic, by_parent, dependents, events and quality are index seeks,
 * O(log N + rows). ANALYZE after creating them gives the planner the
 * tables' sizes.
 */
#include "../impl_shared/ready_tasks_index_queries.h"
#include "../impl_shared/shared_roadmap.h"

/* One transaction: one commit (and its fsyncs) for all of it. */
static const char ddl[] =
    "BEGIN;"
    ROADMAP_SEED_INDEXES
    "CREATE INDEX IF NOT EXISTS idx_tasks_ready ON tasks(status, priority DESC,"
    " created_at, id);"
    "ANALYZE;"
    "COMMIT;";

static int open_optimized(const char *path, ready_tasks_index **out)
{
    return rti_q_open(path, ddl, out);
}

const ready_tasks_index_ops ready_tasks_index_optimized = {
    .name = "optimized",
    .open = open_optimized,
    .close = rti_q_close,
    .db = rti_q_db,
    .error = rti_q_error,
    .ready = rti_q_ready,
    .by_epic = rti_q_by_epic,
    .by_parent = rti_q_by_parent,
    .dependents = rti_q_dependents,
    .events = rti_q_events,
    .quality = rti_q_quality,
};
