/*
 * object_pool_optimized: the seed's TaskExecutionContext pool (seed 002), in
 * C: a bounded LIFO free list of idle contexts.
 *
 * Each context lives in a node { exec_ctx ctx; node *next; } (ctx first, so
 * a context pointer is its node pointer); `next` is used only while the node
 * is idle, so the caller's struct is never overwritten by pool bookkeeping.
 * The list is LIFO: the most recently released context, still warm in cache,
 * is handed out first.
 *   acquire   idle list non-empty (hit): pop + write the id, O(1), no
 *             malloc. Empty (miss): 1 malloc + full initialisation.
 *   release   idle < capacity: reset the context to zeroes (memset of 336
 *             bytes; acquire only writes the id) and push it, O(1), no free.
 *             Otherwise free it, O(1).
 *   stats     O(1).
 * Reset happens on release, not on acquire, so that an idle context holds no
 * stale task data (names, tags) and a hit costs a pop and one store. A reset
 * context is byte-for-byte a fresh one (every byte zero), so a reused
 * context cannot be told apart from a new one.
 * In the steady state (at most `capacity` contexts released between two
 * acquires) there is no malloc or free at all.
 */
#include "pairbench/object_pool.h"

#include <stdlib.h>
#include <string.h>

typedef struct op_node {
    exec_ctx        ctx;       /* first: (op_node *)ctx == node */
    struct op_node *next;      /* next idle node; meaningful only while idle */
} op_node;

struct object_pool {
    op_node          *idle;    /* LIFO free list, st.idle nodes */
    object_pool_stats st;
};

/* An empty pool: 1 malloc, nothing preallocated. */
static object_pool *op_create(size_t capacity)
{
    object_pool *p = malloc(sizeof *p);
    if (p == NULL)
        return NULL;
    memset(p, 0, sizeof *p);
    p->idle = NULL;
    p->st.capacity = capacity;
    return p;
}

/* Frees the idle nodes and the pool. O(idle). */
static void op_destroy(object_pool *p)
{
    if (p == NULL)
        return;
    op_node *n = p->idle;
    while (n != NULL) {
        op_node *next = n->next;
        free(n);
        n = next;
    }
    free(p);
}

/* Hit: pop an idle (already reset) node. Miss: malloc a zeroed one. */
static exec_ctx *op_acquire(object_pool *p)
{
    op_node *n = p->idle;
    if (n != NULL) {
        p->idle = n->next;
        p->st.idle--;
        p->st.hits++;
    } else {
        n = malloc(sizeof *n);
        if (n == NULL)
            return NULL;
        memset(&n->ctx, 0, sizeof n->ctx);
        p->st.misses++;
    }
    n->next = NULL;
    p->st.acquires++;
    p->st.in_use++;
    n->ctx.id = p->st.acquires;
    return &n->ctx;
}

/* Reset and keep while idle < capacity, else free. NULL is a no-op. */
static void op_release(object_pool *p, exec_ctx *c)
{
    if (c == NULL)
        return;
    p->st.releases++;
    p->st.in_use--;
    op_node *n = (op_node *)(void *)c;
    if (p->st.idle >= p->st.capacity) {
        free(n);
        return;
    }
    memset(&n->ctx, 0, sizeof n->ctx);     /* the reset: a fresh context */
    n->next = p->idle;
    p->idle = n;
    p->st.idle++;
}

/* O(1). */
static void op_stats(const object_pool *p, object_pool_stats *out)
{
    *out = p->st;
}

const object_pool_ops object_pool_optimized = {
    .name = "optimized",
    .create = op_create,
    .destroy = op_destroy,
    .acquire = op_acquire,
    .release = op_release,
    .stats = op_stats,
};
