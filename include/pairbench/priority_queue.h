/*
 * priority_queue: the TaskPriorityQueue of seed 000 (sort-per-dequeue vs. heap).
 *
 * A queue owns copies of the tasks enqueued in it. Each queued task has an
 * int32 priority, given at enqueue and separate from the task's own
 * `priority` field (which is payload, stored and returned as is). The first
 * task is the one with the lowest priority number; among equal priorities,
 * the one that arrived first (FIFO). Every successful enqueue is a new
 * arrival: a task removed and enqueued again goes behind the tasks already
 * queued at its priority. Three implementations share this ops table:
 *   priority_queue_naive      the seed's "before" code: a map priority ->
 *                             array of ids, two maps id -> task and
 *                             id -> priority; every dequeue copies and sorts
 *                             the priority keys and shifts an array; remove
 *                             is indexOf + splice.
 *   priority_queue_optimized  a heap keyed by (priority, arrival sequence)
 *                             with a hash index id -> position: O(log n)
 *                             enqueue/dequeue/remove, O(1) peek/contains.
 *   priority_queue_glib       a peer on GLib 2.74, the way a GLib program
 *                             keeps a sorted queue (GLib has no heap): a
 *                             GSequence of {task, priority, arrival} sorted
 *                             by (priority, arrival) with
 *                             g_sequence_insert_sorted, and a GHashTable
 *                             id -> GSequenceIter for remove and contains:
 *                             O(log n) enqueue/dequeue/remove/peek, O(1)
 *                             contains/size, two allocations per task.
 * All three give identical observable results; the naive one is the test
 * oracle of the other two. Scenarios call through the inline wrappers below.
 *
 * Ways the implementations may differ (nothing else may):
 *   ENOMEM   naive and optimized return it (create: NULL) and leave the
 *            queue unchanged; the GLib peer never does: GLib's allocators
 *            end the process when memory runs out (g_malloc's contract:
 *            g_error, SIGTRAP in GLib 2.74), so its create never returns
 *            NULL and no operation PQ_ENOMEM.
 *   memory   how much each allocates, and when (not observable through
 *            this interface): naive per enqueue and per dequeue, optimized
 *            only when its arrays grow or shrink, the GLib peer an entry and
 *            a tree node per enqueue, freed by dequeue and remove.
 */
#ifndef PAIRBENCH_PRIORITY_QUEUE_H
#define PAIRBENCH_PRIORITY_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "pairbench/task_store.h"   /* task, TASK_ID_MAX and the id rules */

/* Status codes. */
enum {
    PQ_OK     = 0,
    PQ_EEXIST = 1,   /* enqueue: a task with this id is already queued */
    PQ_ENOENT = 2,   /* dequeue/peek: the queue is empty; remove: no such id */
    PQ_EINVAL = 3,   /* id NULL, empty or without a NUL in TASK_ID_MAX bytes;
                        task pointer NULL */
    PQ_ENOMEM = 4    /* allocation failed; the queue is unchanged */
};

typedef struct priority_queue priority_queue;   /* opaque */

typedef struct priority_queue_ops {
    const char *name;                           /* "naive" | "optimized" | "glib" */

    /* A new empty queue, or NULL when out of memory (glib: never NULL). */
    priority_queue *(*create)(void);
    /* Frees the queue and every task in it. NULL is a no-op. */
    void (*destroy)(priority_queue *q);

    /* Queues a copy of *t (all of its bytes) with this priority, behind every
     * queued task of a lower or equal priority number. The task's status is
     * not checked. EINVAL (t NULL or bad id) before EEXIST; ENOMEM (not
     * glib). The queue is unchanged on error. */
    int (*enqueue)(priority_queue *q, const task *t, int32_t priority);
    /* Removes the first task and copies it to *out and its priority to
     * *priority_out; either pointer may be NULL. ENOENT when empty. An
     * implementation that allocates here (naive) may return ENOMEM. On error
     * the queue and the outputs are untouched. */
    int (*dequeue)(priority_queue *q, task *out, int32_t *priority_out);
    /* The same as dequeue without removing the task. */
    int (*peek)(const priority_queue *q, task *out, int32_t *priority_out);
    /* Removes the task with this id; the order of the others is unchanged.
     * EINVAL (bad id) before ENOENT; never ENOMEM. */
    int (*remove)(priority_queue *q, const char *id);

    /* 1 if a task with this id is queued, else 0 (also for a bad id). */
    int (*contains)(const priority_queue *q, const char *id);
    /* The number of queued tasks. */
    size_t (*size)(const priority_queue *q);
} priority_queue_ops;

extern const priority_queue_ops priority_queue_naive;
extern const priority_queue_ops priority_queue_optimized;
extern const priority_queue_ops priority_queue_glib;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline priority_queue *priority_queue_create(const priority_queue_ops *o) { return o->create(); }
static inline void priority_queue_destroy(const priority_queue_ops *o, priority_queue *q) { o->destroy(q); }
static inline int priority_queue_enqueue(const priority_queue_ops *o, priority_queue *q, const task *t, int32_t priority) { return o->enqueue(q, t, priority); }
static inline int priority_queue_dequeue(const priority_queue_ops *o, priority_queue *q, task *out, int32_t *priority_out) { return o->dequeue(q, out, priority_out); }
static inline int priority_queue_peek(const priority_queue_ops *o, const priority_queue *q, task *out, int32_t *priority_out) { return o->peek(q, out, priority_out); }
static inline int priority_queue_remove(const priority_queue_ops *o, priority_queue *q, const char *id) { return o->remove(q, id); }
static inline int priority_queue_contains(const priority_queue_ops *o, const priority_queue *q, const char *id) { return o->contains(q, id); }
static inline size_t priority_queue_size(const priority_queue_ops *o, const priority_queue *q) { return o->size(q); }

#endif
