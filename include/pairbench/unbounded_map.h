/*
 * unbounded_map: seed 004's per-task bookkeeping of the orchestrator, items
 * 8 and 9: the ResilienceManager's `taskAttempts` (task id -> attempts) and
 * the AgentPool's `assignments` (task id -> agent id), as one task tracker
 * holding the two tables (two hash tables, as the seed has two Maps in two
 * classes; impl_shared/unbounded_map_table.h, shared by both).
 *
 *   unbounded_map_naive      the "before": nothing is ever removed. A task
 *                            that completed or gave up keeps both entries
 *                            for the tracker's lifetime, so the tables grow
 *                            with every task ever processed
 *   unbounded_map_optimized  the seed's fix (remove on task:completed and in
 *                            completeTask()) made complete: both entries are
 *                            also removed when a task gives up after its
 *                            last retry (the seed's fix misses that path: a
 *                            task that fails its last attempt never
 *                            completes), and a table that becomes sparse
 *                            shrinks, so a burst of live tasks does not pin
 *                            its capacity. Memory is bounded by the live
 *                            tasks
 *
 * A task id is a NUL-terminated string of 1 to UM_TASK_MAX bytes, compared
 * byte for byte ("task-" + 16 hex digits in the scenarios); an agent id is
 * any uint32_t. Every operation that takes a task id returns UM_EINVAL,
 * changing nothing, when it is NULL, empty or longer than UM_TASK_MAX
 * bytes.
 *
 * The life of a task (what the caller does; the tracker keeps no state
 * besides the two tables): a task is *live* from an assign that returned
 * an attempt number until complete returned UM_OK or fail returned
 * UM_GAVE_UP; then it is *finished*. Between a fail that returned UM_RETRY
 * and the next assign it is live, awaiting its retry (its assignment still
 * names the agent of the failed attempt).
 *
 * Both tables always hold the same task ids, each id once per table, so
 * entries() is always even. Which ids they hold:
 *   naive      every id ever successfully assigned on this tracker;
 *              entries() = 2 x that number
 *   optimized  the live tasks; entries() = 2 x the live tasks
 *
 * Legitimate differences (everything else observed is identical):
 *   - operations on a finished task id: the naive one answers from its
 *     stale entries as if the task were still live with the attempts and
 *     agent it finished with (complete UM_OK, fail UM_RETRY or UM_GAVE_UP
 *     by its old count, attempts and assignment its old values); the
 *     optimized one has forgotten it: complete, fail, attempts and
 *     assignment return UM_ENOENT;
 *   - a finished task id assigned again: the naive one continues its old
 *     count (attempt k + 1 after finishing at attempt k, or UM_EXHAUSTED
 *     when k = max_attempts: the retry budget of a task that gave up is
 *     spent for good, the seed's behaviour); the optimized one starts a new
 *     count at attempt 1. From then on the two may answer differently
 *     about that id, even while it is live again;
 *   - entries() and the memory held (naive: O(tasks ever assigned);
 *     optimized: O(live tasks));
 *   - allocations: the same on the way in (a key copy per table for a new
 *     id, a table growing), but the naive one grows its tables further,
 *     and the optimized one frees on removal and may reallocate a table
 *     smaller.
 * So for the ids that never finished, and for ids never seen, every return
 * value and output is identical; the naive one is the optimized one's
 * oracle there, and a specification (above) judges each one elsewhere.
 *
 * Memory (both): per table, an array of 24-byte slots (a power of two,
 * at least 8, at most 3/4 full) plus a malloc'd copy of each key. The
 * optimized one's arrays shrink when under 1/8 full, so after every
 * operation each holds at most max(8, 8 x live tasks) slots (unless the
 * shrink's allocation failed; it is tried again at the next removal).
 */
#ifndef PAIRBENCH_UNBOUNDED_MAP_H
#define PAIRBENCH_UNBOUNDED_MAP_H

#include <stddef.h>
#include <stdint.h>

#define UM_TASK_MAX              63     /* bytes of a task id, NUL excluded */
#define UM_DEFAULT_MAX_ATTEMPTS  3      /* the seed's retry budget */
#define UM_MAX_ATTEMPTS_LIMIT    1000000

/* Success codes (>= 0) and errors (< 0). */
enum {
    UM_OK        = 0,
    UM_RETRY     = 1,      /* fail: attempts < max_attempts, task stays live */
    UM_GAVE_UP   = 2       /* fail: the budget is spent, the task finished */
};
enum {
    UM_EINVAL    = -1,     /* bad argument: nothing changed */
    UM_ENOMEM    = -2,     /* out of memory: nothing changed */
    UM_ENOENT    = -3,     /* the tracker holds no entry for the task */
    UM_EXHAUSTED = -4      /* assign: the task already used max_attempts */
};

typedef struct um_options {
    /* Attempts a task may have (1 to UM_MAX_ATTEMPTS_LIMIT; 0 means
     * UM_DEFAULT_MAX_ATTEMPTS). */
    uint32_t max_attempts;
} um_options;

typedef struct um_tracker um_tracker;    /* opaque */

typedef struct unbounded_map_ops {
    const char *name;                    /* "naive" | "optimized" */

    /* A new empty tracker into *out. opt NULL: the defaults. UM_OK;
     * UM_EINVAL (out NULL, max_attempts above UM_MAX_ATTEMPTS_LIMIT);
     * UM_ENOMEM. On error *out is untouched and nothing is allocated.
     * Three allocations (the tracker and the two tables' first arrays). */
    int (*create)(const um_options *opt, um_tracker **out);
    /* Frees the tracker and every key copy. NULL: no-op. */
    void (*destroy)(um_tracker *t);

    /* The task starts, or restarts, an attempt on `agent`: its attempts
     * count goes up by one (from 0 for an id the tracker holds no entry
     * for) and its assignment becomes `agent`. Returns the new attempt
     * number (1-based, >= 1); UM_EXHAUSTED when the count already equals
     * max_attempts (nothing changed); UM_EINVAL (t NULL, a bad id);
     * UM_ENOMEM (nothing changed: every lookup and entries() answer as
     * before, no capacity changed). An id already held allocates nothing;
     * a new one allocates a key copy per table, and a table that would
     * pass 3/4 full allocates its doubled array first: 2 to 4
     * allocations, all made before anything is changed. O(1) expected
     * (amortised over the doublings), O(id length) to hash it. */
    int (*assign)(um_tracker *t, const char *task, uint32_t agent);
    /* task:completed. UM_OK: the task finished (naive: both entries kept;
     * optimized: both removed, each table possibly shrunk); UM_ENOENT (no
     * entry for the task; nothing changed); UM_EINVAL. Never UM_ENOMEM: a
     * shrink whose allocation fails keeps the larger array. O(1)
     * expected, a shrink O(old capacity) amortised O(1). */
    int (*complete)(um_tracker *t, const char *task);
    /* The task's current attempt failed. UM_RETRY when its attempts are
     * below max_attempts (nothing changes: the task stays live, awaiting
     * an assign; its assignment still names the failed attempt's agent);
     * UM_GAVE_UP when they equal max_attempts: the task finished (naive:
     * entries kept; optimized: removed as by complete); UM_ENOENT (no entry;
     * nothing changed); UM_EINVAL. Never UM_ENOMEM. Costs as complete. */
    int (*fail)(um_tracker *t, const char *task);

    /* The task's attempts count (>= 1); UM_ENOENT; UM_EINVAL. O(1)
     * expected. */
    int (*attempts)(const um_tracker *t, const char *task);
    /* The agent of the task's last assign into *agent: UM_OK; UM_ENOENT
     * (*agent untouched); UM_EINVAL (agent NULL too). O(1) expected. */
    int (*assignment)(const um_tracker *t, const char *task, uint32_t *agent);
    /* Entries the two tables hold together (see above: 2 per id held).
     * 0 for NULL. O(1). */
    size_t (*entries)(const um_tracker *t);
} unbounded_map_ops;

extern const unbounded_map_ops unbounded_map_naive;
extern const unbounded_map_ops unbounded_map_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline int um_create(const unbounded_map_ops *o, const um_options *opt,
                            um_tracker **out) { return o->create(opt, out); }
static inline void um_destroy(const unbounded_map_ops *o, um_tracker *t) { o->destroy(t); }
static inline int um_assign(const unbounded_map_ops *o, um_tracker *t, const char *task,
                            uint32_t agent) { return o->assign(t, task, agent); }
static inline int um_complete(const unbounded_map_ops *o, um_tracker *t,
                              const char *task) { return o->complete(t, task); }
static inline int um_fail(const unbounded_map_ops *o, um_tracker *t, const char *task)
{ return o->fail(t, task); }
static inline int um_attempts(const unbounded_map_ops *o, const um_tracker *t,
                              const char *task) { return o->attempts(t, task); }
static inline int um_assignment(const unbounded_map_ops *o, const um_tracker *t,
                                const char *task, uint32_t *agent)
{ return o->assignment(t, task, agent); }
static inline size_t um_entries(const unbounded_map_ops *o, const um_tracker *t)
{ return o->entries(t); }

#endif
