/*
 * ready_tasks_index: the state machine's dependency queries of seed 004 on
 * a real SQLite roadmap database (impl_shared/shared_roadmap.h), with and
 * without the seed's composite indexes.
 *
 * Both implementations run the same SQL text; they differ only in the
 * indexes their open() creates on the database:
 *   ready_tasks_index_naive      none: the seed's schema before the fix
 *                                (primary keys only). SQLite may still
 *                                build a transient automatic index for a
 *                                statement (counted by the harness's probe,
 *                                sql_autoindexes_per_op): that is SQLite's
 *                                behaviour on the unindexed schema, kept.
 *   ready_tasks_index_optimized  the seed's indexes (idx_tasks_epic,
 *                                idx_tasks_parent, idx_tasks_created,
 *                                idx_deps_task_type, idx_deps_depends_type,
 *                                idx_events_task_type, idx_quality_task_dim,
 *                                idx_context_timestamp) and one more, which
 *                                the seed lacks: idx_tasks_ready on
 *                                tasks(status, priority DESC, created_at,
 *                                id), so ready() walks the pending tasks in
 *                                its ORDER BY and stops at the limit instead
 *                                of sorting every pending task; then
 *                                ANALYZE, so the planner knows the sizes.
 * Observable results are identical (every query has an ORDER BY that
 * orders rows completely); only time, VM steps, full-scan steps, sorts and
 * automatic indexes differ.
 *
 * The queries (every id is compared exactly, bytewise):
 *   ready       pending tasks none of whose "blocks" dependencies is on a
 *               task that is not done (a dependency on a task that does not
 *               exist blocks), ORDER BY priority DESC, created_at, id,
 *               LIMIT limit: the scheduler's getReadyTasks
 *   by_epic     the tasks of an epic, ORDER BY created_at, id
 *   by_parent   the children of a task, ORDER BY created_at, id
 *   dependents  the tasks with a "blocks" dependency on a task, ORDER BY id
 *   events      the events of a task of one type, ORDER BY timestamp, id
 *   quality     the mean score and count of a task's metrics of one
 *               dimension (count 0, mean 0 when none)
 *
 * Return codes: RTI_OK; RTI_EINVAL (r, n or an id NULL, out NULL with cap
 * > 0, an id or type of RTI_ID_MAX bytes or more: nothing run); RTI_ENOMEM; RTI_EIO (SQLite
 * failed: the file cannot be opened, is not a roadmap database, is locked
 * past the busy timeout, or an I/O error); rti_error() then gives SQLite's
 * message. After any failure of a query the handle stays usable and
 * nothing was written; *n is the rows written before the failure (0 for a
 * failed open, which leaves *out NULL and creates no index).
 */
#ifndef PAIRBENCH_READY_TASKS_INDEX_H
#define PAIRBENCH_READY_TASKS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define RTI_ID_MAX 24     /* id and type buffers: at most 23 bytes + NUL */

enum { RTI_OK = 0, RTI_EINVAL = 1, RTI_ENOMEM = 2, RTI_EIO = 3 };

typedef struct rti_task {
    char    id[RTI_ID_MAX];
    char    epic_id[RTI_ID_MAX];     /* "" when NULL */
    char    status[RTI_ID_MAX];
    int64_t priority;
    int64_t created_at;
} rti_task;

typedef struct rti_event {
    int64_t id;
    int64_t timestamp;
} rti_event;

typedef struct ready_tasks_index ready_tasks_index;   /* opaque */
struct sqlite3;

typedef struct ready_tasks_index_ops {
    const char *name;                 /* "naive" | "optimized" */
    /* Opens the roadmap database at path read-write, creates the
     * implementation's indexes (IF NOT EXISTS, so a reopen is cheap) and
     * prepares every statement. RTI_OK with *out; RTI_EINVAL (NULL);
     * RTI_ENOMEM; RTI_EIO (not openable, not a roadmap: rti_open_error
     * has the message). */
    int  (*open)(const char *path, ready_tasks_index **out);
    /* Finalizes and closes; NULL is a no-op. */
    void (*close)(ready_tasks_index *r);
    /* The connection, for the harness's SQL probe (pb_watch_sqlite). */
    struct sqlite3 *(*db)(ready_tasks_index *r);
    /* The message of the last failure on this handle ("" if none). */
    const char *(*error)(ready_tasks_index *r);

    /* Each writes at most cap rows to out and sets *n to the rows written:
     * the query's first cap rows in its order (ready: cap is its LIMIT). */
    int (*ready)(ready_tasks_index *r, rti_task *out, size_t cap, size_t *n);
    int (*by_epic)(ready_tasks_index *r, const char *epic, rti_task *out, size_t cap,
                   size_t *n);
    int (*by_parent)(ready_tasks_index *r, const char *parent, rti_task *out, size_t cap,
                     size_t *n);
    int (*dependents)(ready_tasks_index *r, const char *task, rti_task *out, size_t cap,
                      size_t *n);
    int (*events)(ready_tasks_index *r, const char *task, const char *type,
                  rti_event *out, size_t cap, size_t *n);
    int (*quality)(ready_tasks_index *r, const char *task, const char *dimension,
                   double *mean, int64_t *count);
} ready_tasks_index_ops;

extern const ready_tasks_index_ops ready_tasks_index_naive;
extern const ready_tasks_index_ops ready_tasks_index_optimized;

/* The message of the last failed open in this thread ("" if none). */
const char *rti_open_error(void);

#endif
