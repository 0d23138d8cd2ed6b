/*
 * task_store: the task queue state of seed 000 (array spread vs. index).
 *
 * A store owns copies of the tasks added to it and keeps them in insertion
 * order. Four implementations share this ops table:
 *   task_store_naive      the seed's "before" code: every add allocates a new
 *                         array of n+1 and copies, remove builds a filtered
 *                         copy, get/update scan linearly, update copies the
 *                         array, metrics runs one filtered scan per status.
 *   task_store_optimized  hash index id -> slot, insertion order kept across
 *                         removals, O(1) add/get/update/remove, O(1) metrics,
 *                         per-status listing in O(k).
 *   task_store_uthash     peer: one malloc'd item per task in a uthash table
 *                         keyed by id; uthash's own list keeps the order;
 *                         O(1) add/get/update/remove, O(1) metrics,
 *                         per-status listing in O(n).
 *   task_store_ghashtable peer: GLib's GHashTable id -> node plus a GQueue
 *                         of the nodes for the order; costs as uthash's.
 * All four give identical observable results for every operation: return
 * codes (EINVAL checked first, as below), copies, listings (insertion
 * order, so the order is not a place where they may differ), counts and
 * metrics; the naive one is the test oracle of the others. They differ
 * only in cost and in running out of memory:
 *   - ENOMEM: naive's add, remove and update may return it; optimized's
 *     and uthash's add only (uthash is built with HASH_NONFATAL_OOM, so a
 *     failed allocation inside uthash is reported, not exit(-1));
 *     ghashtable never returns it and its create never returns NULL:
 *     GLib's allocator aborts the process when out of memory.
 *   - The borrowed pointers of list/list_by_status point into different
 *     storage (the naive array's copies, the optimized slot array, the
 *     peers' items); all are valid until the next mutation and no longer.
 * Scenarios call through the inline wrappers below.
 */
#ifndef PAIRBENCH_TASK_STORE_H
#define PAIRBENCH_TASK_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef enum task_status {
    TASK_PENDING = 0,
    TASK_RUNNING,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_STATUS_COUNT
} task_status;

/* Ids are NUL-terminated strings of 1..TASK_ID_MAX-1 bytes, compared bytewise. */
#define TASK_ID_MAX 40

typedef struct task {
    char        id[TASK_ID_MAX];
    task_status status;
    int32_t     priority;
    int64_t     created_at_ms;
    int64_t     updated_at_ms;
    uint32_t    attempts;
} task;

/* A partial update: only the fields named in `fields` are written. */
enum {
    TASK_UPDATE_STATUS     = 1u << 0,
    TASK_UPDATE_PRIORITY   = 1u << 1,
    TASK_UPDATE_UPDATED_AT = 1u << 2,
    TASK_UPDATE_ATTEMPTS   = 1u << 3,
    TASK_UPDATE_ALL        = (1u << 4) - 1
};

typedef struct task_update {
    unsigned    fields;        /* TASK_UPDATE_* bits */
    task_status status;
    int32_t     priority;
    int64_t     updated_at_ms;
    uint32_t    attempts;
} task_update;

typedef struct task_metrics {
    size_t total;
    size_t by_status[TASK_STATUS_COUNT];
} task_metrics;

/* Status codes returned by the mutating operations and get. EINVAL is
 * checked before EEXIST and ENOENT; a NULL task, id, update or out pointer
 * is EINVAL. */
enum {
    TASK_STORE_OK     = 0,
    TASK_STORE_EEXIST = 1,   /* add: a task with this id is already stored */
    TASK_STORE_ENOENT = 2,   /* remove/get/update: no task with this id */
    TASK_STORE_EINVAL = 3,   /* id empty or too long, status out of range,
                                update with unknown field bits */
    TASK_STORE_ENOMEM = 4    /* allocation failed; the store is unchanged
                                (never from ghashtable: GLib aborts) */
};

typedef struct task_store task_store;   /* opaque */

typedef struct task_store_ops {
    const char *name;                   /* "naive" | "optimized" | "uthash" |
                                           "ghashtable" */

    /* A new empty store, or NULL when out of memory (ghashtable: aborts). */
    task_store *(*create)(void);
    /* Frees the store and every task in it. NULL is a no-op. */
    void (*destroy)(task_store *s);

    /* Stores a copy of *t at the end of the insertion order.
     * EINVAL (bad id or status), EEXIST, ENOMEM; the store is unchanged on error. */
    int (*add)(task_store *s, const task *t);
    /* Removes the task; the order of the others is kept. ENOENT, EINVAL;
     * ENOMEM from implementations that copy on remove (the store is then
     * unchanged). */
    int (*remove)(task_store *s, const char *id);
    /* Copies the task into *out. ENOENT, EINVAL; *out untouched on error. */
    int (*get)(const task_store *s, const char *id, task *out);
    /* Applies the fields of *u; the task keeps its place in the order.
     * ENOENT, EINVAL (bad id, unknown field bits, status out of range when
     * TASK_UPDATE_STATUS is set); ENOMEM as for remove. */
    int (*update)(task_store *s, const char *id, const task_update *u);

    size_t (*count)(const task_store *s);

    /* Fills out[0..min(n,cap)) with borrowed pointers to the stored tasks in
     * insertion order and returns n, the number of stored tasks (as snprintf
     * does, n may exceed cap). Pointers are valid until the next mutation. */
    size_t (*list)(const task_store *s, const task **out, size_t cap);
    /* The same for the tasks whose status is `st`, in insertion order.
     * A status out of range lists nothing and returns 0. */
    size_t (*list_by_status)(const task_store *s, task_status st,
                             const task **out, size_t cap);
    /* Total and per-status counts. */
    void (*metrics)(const task_store *s, task_metrics *out);
} task_store_ops;

extern const task_store_ops task_store_naive;
extern const task_store_ops task_store_optimized;
extern const task_store_ops task_store_uthash;
extern const task_store_ops task_store_ghashtable;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline task_store *task_store_create(const task_store_ops *o) { return o->create(); }
static inline void task_store_destroy(const task_store_ops *o, task_store *s) { o->destroy(s); }
static inline int task_store_add(const task_store_ops *o, task_store *s, const task *t) { return o->add(s, t); }
static inline int task_store_remove(const task_store_ops *o, task_store *s, const char *id) { return o->remove(s, id); }
static inline int task_store_get(const task_store_ops *o, const task_store *s, const char *id, task *out) { return o->get(s, id, out); }
static inline int task_store_update(const task_store_ops *o, task_store *s, const char *id, const task_update *u) { return o->update(s, id, u); }
static inline size_t task_store_count(const task_store_ops *o, const task_store *s) { return o->count(s); }
static inline size_t task_store_list(const task_store_ops *o, const task_store *s, const task **out, size_t cap) { return o->list(s, out, cap); }
static inline size_t task_store_list_by_status(const task_store_ops *o, const task_store *s, task_status st, const task **out, size_t cap) { return o->list_by_status(s, st, out, cap); }
static inline void task_store_metrics(const task_store_ops *o, const task_store *s, task_metrics *out) { o->metrics(s, out); }

#endif
