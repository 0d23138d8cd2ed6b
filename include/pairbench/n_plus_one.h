/*
 * n_plus_one: the task scheduler's refresh of seed 004 ("3 separate DB
 * queries per refresh", fixed by getTasksForScheduling) on a real SQLite
 * roadmap database (impl_shared/shared_roadmap.h).
 *
 * A refresh returns the scheduling candidates (tasks pending or blocked),
 * ORDER BY priority DESC, created_at, id, each with its blocking
 * dependencies and its latest event:
 *   n_plus_one_naive      what an ORM does: one query for the candidates
 *                         (materialised first), then per candidate one
 *                         query for its dependencies and one for its latest
 *                         event, each statement prepared and finalised per
 *                         call: 1 + 2C statements for C candidates
 *   n_plus_one_optimized  one statement, prepared once at open: the
 *                         candidates with their dependency counts and
 *                         latest event as correlated subqueries (index
 *                         seeks per row inside one statement)
 * Both run on the seed's indexed schema (open() creates
 * ROADMAP_SEED_INDEXES if missing), so what differs is the number of
 * statements, not the indexes. Observable results are identical (the
 * order is total: id breaks every tie; the latest event is the one with
 * the greatest timestamp, then the greatest id).
 *
 * Return codes: NP_OK; NP_EINVAL (r, n or path NULL, out NULL with cap >
 * 0: nothing run); NP_ENOMEM; NP_EIO (SQLite failed: the file cannot be
 * opened, is not a roadmap database, is locked past the busy timeout, or
 * an I/O error); np->error() then gives SQLite's message. A failed refresh
 * leaves the handle usable and the database unchanged; the rows written
 * before the failure are in out, *n of them (for the naive one, a failure
 * in a per-task query leaves *n at the candidates read so far, their
 * counts possibly partial: a failed refresh's rows are not to be used). A
 * failed open leaves *out NULL and np_open_error() has the message.
 */
#ifndef PAIRBENCH_N_PLUS_ONE_H
#define PAIRBENCH_N_PLUS_ONE_H

#include <stddef.h>
#include <stdint.h>

#define NP_ID_MAX 24     /* id, status and event type: at most 23 bytes + NUL
                            (longer values are truncated, alike in both) */

enum { NP_OK = 0, NP_EINVAL = 1, NP_ENOMEM = 2, NP_EIO = 3 };

typedef struct np_entry {
    char    id[NP_ID_MAX];
    char    status[NP_ID_MAX];          /* "pending" | "blocked" */
    int64_t priority;
    int64_t created_at;
    int64_t blockers;                   /* its "blocks" dependencies */
    int64_t open_blockers;              /* of those, on a task not done or
                                           missing: 0 means ready */
    char    last_event[NP_ID_MAX];      /* "" when it has no event */
    int64_t last_event_at;              /* 0 when it has no event */
} np_entry;

typedef struct n_plus_one n_plus_one;   /* opaque */
struct sqlite3;

typedef struct n_plus_one_ops {
    const char *name;                   /* "naive" | "optimized" */
    /* Opens the roadmap at path read-write and creates the seed's indexes
     * if missing. NP_OK with *out, or NP_EINVAL / NP_ENOMEM / NP_EIO. */
    int  (*open)(const char *path, n_plus_one **out);
    /* Finalises and closes; NULL is a no-op. */
    void (*close)(n_plus_one *r);
    /* The connection, for the harness's SQL probe (pb_watch_sqlite). */
    struct sqlite3 *(*db)(n_plus_one *r);
    /* The message of the last failure on this handle ("" if none). */
    const char *(*error)(n_plus_one *r);
    /* The first cap candidates in order into out, *n of them. */
    int  (*refresh)(n_plus_one *r, np_entry *out, size_t cap, size_t *n);
} n_plus_one_ops;

extern const n_plus_one_ops n_plus_one_naive;
extern const n_plus_one_ops n_plus_one_optimized;

/* The message of the last failed open in this thread ("" if none). */
const char *np_open_error(void);

#endif
