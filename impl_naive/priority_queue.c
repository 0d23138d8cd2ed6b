/*
 * priority_queue_naive: the seed's TaskPriorityQueue (seed 000), in C.
 *
 * The seed's three JavaScript Maps become three uthash tables (uthash keeps
 * the insertion order of its entries, as a JS Map does, and deletion keeps
 * the order of the rest):
 *   heaps       priority -> bucket: a growable array of ids in arrival order
 *               (the JS string[]). An id in a bucket is a pointer to the id
 *               inside the taskMap entry (a JS array holds string references).
 *               A bucket is created on the first enqueue of its priority and
 *               deleted when it becomes empty.
 *   taskMap     id -> entry owning the copy of the task.
 *   priorities  id -> priority (an entry with its own copy of the id).
 * Costs (n queued tasks, D distinct priorities, k tasks at one priority):
 *   enqueue   three hash lookups/inserts, a push (amortised O(1): the bucket
 *             array doubles); 2 mallocs, 4 for a new priority.
 *   dequeue   Array.from(heaps.keys()).sort(): a malloc'd array of the D keys,
 *             filled by walking the map and qsort'ed, O(D log D); then
 *             heap.shift(), a memmove of the bucket's k-1 remaining ids,
 *             O(k); two map deletions. 1 malloc, 3 frees (5 when the bucket
 *             empties).
 *   peek      the same key copy and sort, O(D log D); nothing removed.
 *   remove    priorities.get, heaps.get, indexOf (strcmp scan of the bucket)
 *             and splice (memmove): O(k).
 *   contains  one hash lookup, O(1). size: O(1).
 * Every error leaves the queue unchanged: enqueue makes its allocations
 * before it links anything and unlinks on a failed map insert (uthash is
 * built with HASH_NONFATAL_OOM, so a failed insert is reported, not fatal).
 */
#include "pairbench/priority_queue.h"

#include <stdlib.h>
#include <string.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define PQN_BUCKET_MIN 4

typedef struct pqn_task {          /* taskMap entry */
    task           t;              /* the copy; t.id is the key */
    UT_hash_handle hh;
} pqn_task;

typedef struct pqn_prio {          /* priorities entry */
    char           id[TASK_ID_MAX];
    int32_t        priority;
    UT_hash_handle hh;
} pqn_prio;

typedef struct pqn_bucket {        /* heaps entry */
    int32_t        priority;       /* the key */
    const char   **ids;            /* len ids in arrival order, cap slots */
    size_t         len, cap;
    UT_hash_handle hh;
} pqn_bucket;

struct priority_queue {
    pqn_bucket *heaps;
    pqn_task   *tasks;
    pqn_prio   *prios;
};

/* Length of id when it is a valid id (1..TASK_ID_MAX-1 bytes), else 0.
 * Reads at most TASK_ID_MAX bytes and never past the NUL. */
static size_t pqn_id_len(const char *id)
{
    if (id == NULL)
        return 0;
    for (size_t i = 0; i < TASK_ID_MAX; i++)
        if (id[i] == '\0')
            return i;
    return 0;
}

static pqn_task *pqn_find_task(const priority_queue *q, const char *id, size_t len)
{
    pqn_task *e = NULL;
    HASH_FIND(hh, q->tasks, id, (unsigned)len, e);
    return e;
}

static pqn_prio *pqn_find_prio(const priority_queue *q, const char *id, size_t len)
{
    pqn_prio *e = NULL;
    HASH_FIND(hh, q->prios, id, (unsigned)len, e);
    return e;
}

static pqn_bucket *pqn_find_bucket(const priority_queue *q, int32_t priority)
{
    pqn_bucket *b = NULL;
    HASH_FIND(hh, q->heaps, &priority, sizeof priority, b);
    return b;
}

static int pqn_cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The seed's loop: copy the keys, sort them, return the first bucket that
 * is not empty. *found = NULL when the queue is empty. PQ_OK or ENOMEM.
 * O(D log D). */
static int pqn_first_bucket(const priority_queue *q, pqn_bucket **found)
{
    *found = NULL;
    size_t n = HASH_COUNT(q->heaps);
    if (n == 0)
        return PQ_OK;
    int32_t *keys = malloc(n * sizeof *keys);
    if (keys == NULL)
        return PQ_ENOMEM;
    size_t i = 0;
    for (const pqn_bucket *b = q->heaps; b != NULL; b = b->hh.next)
        keys[i++] = b->priority;
    qsort(keys, n, sizeof *keys, pqn_cmp_i32);
    for (i = 0; i < n; i++) {
        pqn_bucket *b = pqn_find_bucket(q, keys[i]);
        if (b != NULL && b->len > 0) {
            *found = b;
            break;
        }
    }
    free(keys);
    return PQ_OK;
}

/* heaps.delete(priority) when the bucket is empty. */
static void pqn_drop_bucket_if_empty(priority_queue *q, pqn_bucket *b)
{
    if (b->len > 0)
        return;
    HASH_DEL(q->heaps, b);
    free(b->ids);
    free(b);
}

/* taskMap.delete(id) and priorities.delete(id) for a queued id. */
static void pqn_forget(priority_queue *q, pqn_task *te, size_t len)
{
    pqn_prio *pe = pqn_find_prio(q, te->t.id, len);
    HASH_DEL(q->tasks, te);
    free(te);
    if (pe != NULL) {
        HASH_DEL(q->prios, pe);
        free(pe);
    }
}

/* A new empty queue (one malloc), or NULL. */
static priority_queue *pqn_create(void)
{
    return calloc(1, sizeof(priority_queue));
}

/* Frees every entry of the three maps and the queue. O(n + D). */
static void pqn_destroy(priority_queue *q)
{
    if (q == NULL)
        return;
    pqn_bucket *b, *btmp;
    HASH_ITER(hh, q->heaps, b, btmp) {
        HASH_DEL(q->heaps, b);
        free(b->ids);
        free(b);
    }
    pqn_task *te, *ttmp;
    HASH_ITER(hh, q->tasks, te, ttmp) {
        HASH_DEL(q->tasks, te);
        free(te);
    }
    pqn_prio *pe, *ptmp;
    HASH_ITER(hh, q->prios, pe, ptmp) {
        HASH_DEL(q->prios, pe);
        free(pe);
    }
    free(q);
}

/* heaps.get(priority).push(id), taskMap.set, priorities.set. EINVAL, EEXIST,
 * ENOMEM; unchanged on error. O(1) amortised. */
static int pqn_enqueue(priority_queue *q, const task *t, int32_t priority)
{
    size_t len = t == NULL ? 0 : pqn_id_len(t->id);
    if (len == 0)
        return PQ_EINVAL;
    if (pqn_find_task(q, t->id, len) != NULL)
        return PQ_EEXIST;

    pqn_bucket *b = pqn_find_bucket(q, priority), *nb = NULL;
    if (b == NULL) {
        nb = malloc(sizeof *nb);
        const char **ids = malloc(PQN_BUCKET_MIN * sizeof *ids);
        if (nb == NULL || ids == NULL) {
            free(nb);
            free(ids);
            return PQ_ENOMEM;
        }
        nb->priority = priority;
        nb->ids = ids;
        nb->len = 0;
        nb->cap = PQN_BUCKET_MIN;
    } else if (b->len == b->cap) {
        /* Only the capacity changes, so a later failure needs no undo. */
        const char **ids = realloc(b->ids, 2 * b->cap * sizeof *ids);
        if (ids == NULL)
            return PQ_ENOMEM;
        b->ids = ids;
        b->cap *= 2;
    }
    pqn_task *te = malloc(sizeof *te);
    pqn_prio *pe = malloc(sizeof *pe);
    if (te == NULL || pe == NULL)
        goto fail;
    te->t = *t;
    memcpy(pe->id, t->id, len + 1);
    pe->priority = priority;

    HASH_ADD_KEYPTR(hh, q->tasks, te->t.id, (unsigned)len, te);
    if (te->hh.tbl == NULL)
        goto fail;
    HASH_ADD_KEYPTR(hh, q->prios, pe->id, (unsigned)len, pe);
    if (pe->hh.tbl == NULL) {
        HASH_DEL(q->tasks, te);
        goto fail;
    }
    if (nb != NULL) {
        HASH_ADD(hh, q->heaps, priority, sizeof nb->priority, nb);
        if (nb->hh.tbl == NULL) {
            HASH_DEL(q->prios, pe);
            HASH_DEL(q->tasks, te);
            goto fail;
        }
        b = nb;
    }
    b->ids[b->len++] = te->t.id;
    return PQ_OK;

fail:
    free(te);
    free(pe);
    if (nb != NULL) {
        free(nb->ids);
        free(nb);
    }
    return PQ_ENOMEM;
}

/* Sort the keys, shift the first non-empty bucket, delete from the maps.
 * ENOENT, ENOMEM (the key array); outputs untouched on error. O(D log D + k). */
static int pqn_dequeue(priority_queue *q, task *out, int32_t *priority_out)
{
    pqn_bucket *b;
    int rc = pqn_first_bucket(q, &b);
    if (rc != PQ_OK)
        return rc;
    if (b == NULL)
        return PQ_ENOENT;

    const char *id = b->ids[0];
    memmove(b->ids, b->ids + 1, (b->len - 1) * sizeof *b->ids);
    b->len--;
    size_t len = strlen(id);
    pqn_task *te = pqn_find_task(q, id, len);
    if (out != NULL)
        *out = te->t;
    if (priority_out != NULL)
        *priority_out = b->priority;
    pqn_forget(q, te, len);
    pqn_drop_bucket_if_empty(q, b);
    return PQ_OK;
}

/* The same key sort as dequeue, nothing removed. ENOENT, ENOMEM. O(D log D). */
static int pqn_peek(const priority_queue *q, task *out, int32_t *priority_out)
{
    pqn_bucket *b;
    int rc = pqn_first_bucket(q, &b);
    if (rc != PQ_OK)
        return rc;
    if (b == NULL)
        return PQ_ENOENT;
    const pqn_task *te = pqn_find_task(q, b->ids[0], strlen(b->ids[0]));
    if (out != NULL)
        *out = te->t;
    if (priority_out != NULL)
        *priority_out = b->priority;
    return PQ_OK;
}

/* priorities.get, heaps.get, indexOf, splice, delete from the maps.
 * EINVAL, ENOENT. O(k). */
static int pqn_remove(priority_queue *q, const char *id)
{
    size_t len = pqn_id_len(id);
    if (len == 0)
        return PQ_EINVAL;
    pqn_prio *pe = pqn_find_prio(q, id, len);
    if (pe == NULL)
        return PQ_ENOENT;
    pqn_bucket *b = pqn_find_bucket(q, pe->priority);
    if (b == NULL)
        return PQ_ENOENT;
    size_t at;
    for (at = 0; at < b->len; at++)
        if (strcmp(b->ids[at], id) == 0)
            break;
    if (at == b->len)
        return PQ_ENOENT;

    memmove(b->ids + at, b->ids + at + 1, (b->len - at - 1) * sizeof *b->ids);
    b->len--;
    pqn_forget(q, pqn_find_task(q, id, len), len);
    pqn_drop_bucket_if_empty(q, b);
    return PQ_OK;
}

/* taskMap.has(id). O(1) expected. */
static int pqn_contains(const priority_queue *q, const char *id)
{
    size_t len = pqn_id_len(id);
    return len != 0 && pqn_find_task(q, id, len) != NULL;
}

/* taskMap.size. O(1). */
static size_t pqn_size(const priority_queue *q)
{
    return HASH_COUNT(q->tasks);
}

const priority_queue_ops priority_queue_naive = {
    .name = "naive",
    .create = pqn_create,
    .destroy = pqn_destroy,
    .enqueue = pqn_enqueue,
    .dequeue = pqn_dequeue,
    .peek = pqn_peek,
    .remove = pqn_remove,
    .contains = pqn_contains,
    .size = pqn_size,
};
