/*
 * object_pool_naive: the seed's "before" code (seed 002): no pool at all.
 * Every acquire builds a new TaskExecutionContext on the heap, every release
 * drops it.
 *   acquire   malloc(336 bytes) + initialise every field: O(1) time,
 *             1 malloc per call.
 *   release   free: O(1), 1 free per call.
 *   stats     O(1). hits = 0, misses = acquires, idle = 0 (it never reuses);
 *             capacity is recorded and otherwise ignored.
 */
#include "pairbench/object_pool.h"

#include <stdlib.h>
#include <string.h>

struct object_pool {
    object_pool_stats st;
};

/* A pool handle holding only statistics: 1 malloc. */
static object_pool *op_create(size_t capacity)
{
    object_pool *p = malloc(sizeof *p);
    if (p == NULL)
        return NULL;
    memset(p, 0, sizeof *p);
    p->st.capacity = capacity;
    return p;
}

/* Nothing is pooled: frees the handle only. */
static void op_destroy(object_pool *p)
{
    free(p);
}

/* Writes the initial state into *c (the seed's TaskExecutionContext::new):
 * every byte zero, then the id. */
static void op_init(exec_ctx *c, uint64_t id)
{
    memset(c, 0, sizeof *c);
    c->id = id;
}

/* malloc + initialise. NULL when out of memory (nothing counted). */
static exec_ctx *op_acquire(object_pool *p)
{
    exec_ctx *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    p->st.acquires++;
    p->st.misses++;
    p->st.in_use++;
    op_init(c, p->st.acquires);
    return c;
}

/* free. NULL is a no-op. */
static void op_release(object_pool *p, exec_ctx *c)
{
    if (c == NULL)
        return;
    p->st.releases++;
    p->st.in_use--;
    free(c);
}

/* O(1). */
static void op_stats(const object_pool *p, object_pool_stats *out)
{
    *out = p->st;
}

const object_pool_ops object_pool_naive = {
    .name = "naive",
    .create = op_create,
    .destroy = op_destroy,
    .acquire = op_acquire,
    .release = op_release,
    .stats = op_stats,
};
