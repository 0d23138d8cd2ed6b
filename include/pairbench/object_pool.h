/*
 * object_pool: acquire/release of task execution contexts (seed 002, the
 * TaskExecutionContext pool).
 *
 * A worker acquires an exec_ctx for every task it runs, fills it while the
 * task runs, and releases it when the task is done. acquire() always hands
 * out a context in its initial state (see exec_ctx below); release() gives it
 * back. Two implementations share this ops table:
 *   object_pool_naive      the seed's "before" code: acquire mallocs and
 *                          initialises a new context, release frees it.
 *   object_pool_optimized  a bounded free-list pool: release resets the
 *                          context and keeps it (up to `capacity` idle
 *                          contexts; beyond that it is freed), acquire pops
 *                          an idle context when there is one (a hit) and
 *                          mallocs one otherwise (a miss).
 * The contents of every acquired context are identical between the two (the
 * naive one is the test oracle of the optimized one). Both report the same
 * statistics struct: acquires, releases and in_use are identical; hits,
 * misses and idle describe the reuse policy, so they legitimately differ
 * (the naive one never reuses: hits = 0, misses = acquires, idle = 0).
 */
#ifndef PAIRBENCH_OBJECT_POOL_H
#define PAIRBENCH_OBJECT_POOL_H

#include <stddef.h>
#include <stdint.h>

#define EXEC_CTX_NAME_MAX 64   /* name: NUL-terminated, up to 63 bytes */
#define EXEC_CTX_TAGS_MAX 8    /* tags[0 .. n_tags-1] are in use */
#define EXEC_CTX_TAG_MAX  24   /* each tag: NUL-terminated, up to 23 bytes */

/* The execution context of one task run (336 bytes, no padding, no pointers). The
 * caller may write any field while it holds the context.
 * Initial state (what acquire returns): id = the pool's acquire count
 * including this acquire (1 for the first context a pool hands out, 2 for
 * the second, ...); every other byte of the struct zero (name and tags
 * empty, n_tags 0, all counters 0). */
typedef struct exec_ctx {
    uint64_t id;               /* acquire sequence number, set by acquire */
    uint64_t task_id;
    uint64_t worker_id;
    int64_t  started_ms;
    int64_t  deadline_ms;
    uint64_t bytes_in;
    uint64_t bytes_out;
    uint32_t attempt;
    uint32_t retries;
    uint32_t errors;
    int32_t  status;
    uint32_t n_tags;
    int32_t  priority;
    char     name[EXEC_CTX_NAME_MAX];
    char     tags[EXEC_CTX_TAGS_MAX][EXEC_CTX_TAG_MAX];
} exec_ctx;

typedef struct object_pool_stats {
    uint64_t acquires;         /* successful acquire calls */
    uint64_t releases;         /* release calls with a non-NULL context */
    uint64_t in_use;           /* acquires - releases */
    uint64_t hits;             /* acquires served by an idle context */
    uint64_t misses;           /* acquires that allocated (hits + misses = acquires) */
    uint64_t idle;             /* contexts kept for reuse now (<= capacity) */
    uint64_t capacity;         /* as given to create */
} object_pool_stats;

typedef struct object_pool object_pool;   /* opaque */

typedef struct object_pool_ops {
    const char *name;                      /* "naive" | "optimized" */

    /* A pool that keeps at most `capacity` idle contexts for reuse (0: none;
     * the naive implementation records it and never keeps any). NULL when
     * out of memory. O(1), no context is allocated up front. */
    object_pool *(*create)(size_t capacity);
    /* Frees the pool and its idle contexts. Every context acquired from it
     * must have been released before (a context still held is not freed and
     * must not be released afterwards). NULL is a no-op. O(idle). */
    void (*destroy)(object_pool *p);

    /* A context in the initial state, owned by the caller until it is
     * released to the same pool. NULL when out of memory (nothing counted). */
    exec_ctx *(*acquire)(object_pool *p);
    /* Gives c back; c must come from acquire on this pool and not have been
     * released since. The caller must not use c afterwards. NULL is a no-op. */
    void (*release)(object_pool *p, exec_ctx *c);
    /* Copies the statistics into *out. O(1). */
    void (*stats)(const object_pool *p, object_pool_stats *out);
} object_pool_ops;

extern const object_pool_ops object_pool_naive;
extern const object_pool_ops object_pool_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline object_pool *object_pool_create(const object_pool_ops *o, size_t capacity) { return o->create(capacity); }
static inline void object_pool_destroy(const object_pool_ops *o, object_pool *p) { o->destroy(p); }
static inline exec_ctx *object_pool_acquire(const object_pool_ops *o, object_pool *p) { return o->acquire(p); }
static inline void object_pool_release(const object_pool_ops *o, object_pool *p, exec_ctx *c) { o->release(p, c); }
static inline void object_pool_get_stats(const object_pool_ops *o, const object_pool *p, object_pool_stats *out) { o->stats(p, out); }

#endif
