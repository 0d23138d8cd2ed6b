/*
 * ready_tasks_index, naive: the seed's schema before its fix, primary keys
 * only. Every dependency query scans: ready() scans tasks for the pending
 * ones and, per pending task, task_dependencies (or an automatic index
 * SQLite builds for the statement, O(D log D) each call); by_epic,
 * by_parent, events and quality scan their table, O(rows) a call.
 */
#include "../impl_shared/ready_tasks_index_queries.h"

static int open_naive(const char *path, ready_tasks_index **out)
{
    return rti_q_open(path, NULL, out);
}

const ready_tasks_index_ops ready_tasks_index_naive = {
    .name = "naive",
    .open = open_naive,
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
