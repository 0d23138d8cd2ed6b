/*
 * shared_roadmap: the orchestrator's roadmap database of seed 004, shared
 * by the database group (ready_tasks_index, n_plus_one, health_cache,
 * checkpoint): its tables, the settings every connection uses, and a
 * seeded generator of realistic roadmaps in a real database file. Not part
 * of any ops table; the tables carry no index beyond their primary keys:
 * which indexes exist is what an implementation chooses.
 *
 * Tables (the seed's state machine):
 *   tasks(id TEXT PRIMARY KEY, title, epic_id, parent_id, status, priority,
 *         created_at)                      status: pending, in_progress,
 *                                          blocked, done
 *   task_dependencies(task_id, depends_on_task_id, dependency_type)
 *                                          type: blocks, related
 *   events(id INTEGER PRIMARY KEY, task_id, event_type, timestamp, data)
 *   quality_metrics(id INTEGER PRIMARY KEY, task_id, dimension, score,
 *                   timestamp)
 *   context_entries(id INTEGER PRIMARY KEY, timestamp, entry_type, content)
 *
 * The generator (roadmap_build), from (n tasks, seed), always the same
 * file content for the same pair:
 *   epics       max(1, n / 50): task i is in epic i * epics / n (runs of
 *               about 50 consecutive tasks)
 *   ids         "T%07lld" for task i, "E%05lld" for epic e
 *   parents     a quarter of the tasks have a parent: an earlier task of
 *               the same epic
 *   status      by the epic's progress: epics early in the roadmap are
 *               mostly done, late ones mostly pending; overall about 45%
 *               done, 10% in progress, 5% blocked, 40% pending
 *   created_at  ms, increasing with i (one task a minute) plus jitter
 *   deps        chains (40%: depends on the previous task of its epic,
 *               "blocks"), fans (10%: on one of the epic's hub tasks,
 *               every 20th, "blocks"), and 15% "related" to a random
 *               earlier task; always on earlier tasks (a DAG), no
 *               duplicate pair
 *   events      1 to 6 per task (created, then started, progress ...,
 *               completed for done tasks), timestamps increasing
 *   quality     3 dimensions (correctness, maintainability, performance)
 *               for every done task, score in [0, 1]
 *   context     n / 4 entries, timestamps increasing
 */
#ifndef PAIRBENCH_SHARED_ROADMAP_H
#define PAIRBENCH_SHARED_ROADMAP_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;

/* The settings every connection of the group uses, stated in the results'
 * context by the scenarios: rollback journal (DELETE) unless a scenario
 * asks for WAL, synchronous NORMAL, foreign keys off, 4 MiB page cache. */
#define ROADMAP_SYNCHRONOUS "NORMAL"
#define ROADMAP_CACHE_KIB   4096

/* The seed's eight indexes (its "Indexes Added" block), IF NOT EXISTS, as
 * one string of statements for sqlite3_exec: what ready_tasks_index's
 * optimized open() adds and the schema the other three pairs of the group
 * run on (their fix is not an index, so naive and optimized share it). */
#define ROADMAP_SEED_INDEXES                                                      \
    "CREATE INDEX IF NOT EXISTS idx_tasks_epic ON tasks(epic_id);"                \
    "CREATE INDEX IF NOT EXISTS idx_tasks_parent ON tasks(parent_id);"            \
    "CREATE INDEX IF NOT EXISTS idx_tasks_created ON tasks(created_at);"          \
    "CREATE INDEX IF NOT EXISTS idx_deps_task_type ON task_dependencies(task_id," \
    " dependency_type);"                                                          \
    "CREATE INDEX IF NOT EXISTS idx_deps_depends_type ON task_dependencies("      \
    "depends_on_task_id, dependency_type);"                                       \
    "CREATE INDEX IF NOT EXISTS idx_events_task_type ON events(task_id,"          \
    " event_type);"                                                               \
    "CREATE INDEX IF NOT EXISTS idx_quality_task_dim ON quality_metrics(task_id," \
    " dimension);"                                                                \
    "CREATE INDEX IF NOT EXISTS idx_context_timestamp ON"                         \
    " context_entries(timestamp);"

/* Builds a new roadmap database at path (which must not exist) with n
 * tasks (1 <= n <= 10,000,000) from seed, in one transaction, journal mode
 * DELETE, then closes it. 0, or -1 with one line in err (the SQLite error;
 * "PATH exists" with errno EEXIST); a failed build removes the file it
 * made. */
int roadmap_build(const char *path, int64_t n, uint64_t seed, char *err, size_t cap);

/* Opens an existing roadmap at path (read-only when readonly) with the
 * group's settings. 0 and *db, or -1 with one line in err and *db NULL. */
int roadmap_open(const char *path, int readonly, struct sqlite3 **db, char *err,
                 size_t cap);

/* roadmap_open read-write, then ROADMAP_SEED_INDEXES in one transaction
 * (nothing to do when they exist): the open of the pairs that run on the
 * seed's indexed schema. 0 and *db, or -1 with one line in err, *db NULL
 * and errno ENOMEM when SQLite ran out of memory (else EIO). */
int roadmap_open_indexed(const char *path, struct sqlite3 **db, char *err, size_t cap);

/* Copies the file at from to to (which must not exist), for a fixture
 * copied from a template: 0, or -1 with errno set (to removed). */
int roadmap_copy(const char *from, const char *to);

/* The id of task i and of epic e, into buf. */
void roadmap_task_id(char *buf, size_t cap, int64_t i);
void roadmap_epic_id(char *buf, size_t cap, int64_t e);
/* The number of epics of a roadmap of n tasks. */
int64_t roadmap_epics(int64_t n);

#endif
