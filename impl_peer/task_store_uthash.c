/*
 * task_store_uthash: the task store of seed 000 on uthash (uthash 2.3.0,
 * Debian uthash-dev), written the way a C programmer uses uthash: one
 * heap-allocated item per task carrying its UT_hash_handle, keyed by the
 * task's id (HASH_ADD_KEYPTR on item->t.id), found with HASH_FIND, removed
 * with HASH_DEL. uthash's defaults are kept: Jenkins' hash, chained
 * buckets (32 at first, doubled when a chain reaches 10 items), keys
 * compared with memcmp after the stored 32-bit hash. Insertion order is
 * uthash's own application-order list (every handle's prev/next, appended
 * by HASH_ADD, unlinked by HASH_DEL), which HASH_ITER walks.
 *
 * Costs (n stored tasks, k listed; "hash" is Jenkins' hash of the id):
 *   add             hash + O(1) expected chain walk + 1 malloc (the item);
 *                   O(n) once in a while when the buckets double
 *   remove          hash + O(1) expected + 1 free; O(1) unlink from the
 *                   order list; the last removal frees the table
 *   get, update     hash + O(1) expected chain walk (update in place)
 *   count, metrics  O(1): uthash's item count, per-status counters
 *   list            O(min(n, cap)): walks the order list
 *   list_by_status  O(n): walks the whole order list, filtering
 *
 * Out of memory: uthash's default on a failed allocation is exit(-1).
 * HASH_NONFATAL_OOM is set to 1 below and uthash_nonfatal_oom records the
 * failure: uthash then takes the item back out of the list and the buckets
 * and add returns ENOMEM with the store as it was. Only add allocates (the
 * item; the table on the first add; doubled buckets).
 */
#include "pairbench/task_store.h"
#include "../impl_shared/task_store_fields.h"

#include <stdlib.h>
#include <string.h>

/* uthash calls uthash_nonfatal_oom(item) when an add could not allocate
 * and has left the table as it was; ts_add's local ts_oom records it. */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(item) ((void)(item), ts_oom = 1)
#include <uthash.h>

typedef struct ts_item {
    task           t;        /* the stored copy; t.id is the key */
    UT_hash_handle hh;
} ts_item;

struct task_store {
    ts_item *head;                           /* uthash's head: NULL when empty */
    size_t   by_status[TASK_STATUS_COUNT];   /* stored tasks per status */
};

/* The item with this id of length len, or NULL. */
static ts_item *ts_find(const task_store *s, const char *id, size_t len)
{
    ts_item *it;
    HASH_FIND(hh, s->head, id, (unsigned)len, it);
    return it;
}

/* A new empty store (one malloc; the table comes with the first add), or
 * NULL when out of memory. */
static task_store *ts_create(void)
{
    return calloc(1, sizeof(task_store));
}

/* Frees every item, the table and the store. O(n). */
static void ts_destroy(task_store *s)
{
    if (s == NULL)
        return;
    ts_item *it, *tmp;
    HASH_ITER(hh, s->head, it, tmp) {
        HASH_DEL(s->head, it);
        free(it);
    }
    free(s);
}

/* Appends a copy of *t. EINVAL, EEXIST, ENOMEM (the store unchanged). */
static int ts_add(task_store *s, const task *t)
{
    size_t len;
    if (t == NULL || (len = ts_id_len(t->id)) == 0 || !ts_status_valid(t->status))
        return TASK_STORE_EINVAL;
    if (ts_find(s, t->id, len) != NULL)
        return TASK_STORE_EEXIST;

    ts_item *it = malloc(sizeof *it);
    if (it == NULL)
        return TASK_STORE_ENOMEM;
    it->t = *t;
    int ts_oom = 0;
    HASH_ADD_KEYPTR(hh, s->head, it->t.id, (unsigned)len, it);
    if (ts_oom) {
        free(it);
        return TASK_STORE_ENOMEM;
    }
    s->by_status[t->status]++;
    return TASK_STORE_OK;
}

/* Unlinks and frees the item; the order of the others is kept. EINVAL,
 * ENOENT; never ENOMEM. */
static int ts_remove(task_store *s, const char *id)
{
    size_t len = ts_id_len(id);
    if (len == 0)
        return TASK_STORE_EINVAL;
    ts_item *it = ts_find(s, id, len);
    if (it == NULL)
        return TASK_STORE_ENOENT;
    s->by_status[it->t.status]--;
    HASH_DEL(s->head, it);
    free(it);
    return TASK_STORE_OK;
}

/* Copies the task into *out. EINVAL, ENOENT. */
static int ts_get(const task_store *s, const char *id, task *out)
{
    size_t len = ts_id_len(id);
    if (len == 0 || out == NULL)
        return TASK_STORE_EINVAL;
    const ts_item *it = ts_find(s, id, len);
    if (it == NULL)
        return TASK_STORE_ENOENT;
    *out = it->t;
    return TASK_STORE_OK;
}

/* Writes the masked fields in place. EINVAL, ENOENT; never ENOMEM. */
static int ts_update(task_store *s, const char *id, const task_update *u)
{
    size_t len = ts_id_len(id);
    if (len == 0 || !ts_update_valid(u))
        return TASK_STORE_EINVAL;
    ts_item *it = ts_find(s, id, len);
    if (it == NULL)
        return TASK_STORE_ENOENT;
    ts_apply_counted(&it->t, u, s->by_status);
    return TASK_STORE_OK;
}

/* O(1). */
static size_t ts_count(const task_store *s)
{
    return HASH_COUNT(s->head);
}

/* The first min(n, cap) tasks of the order list; returns n. */
static size_t ts_list(const task_store *s, const task **out, size_t cap)
{
    size_t k = 0;
    for (const ts_item *it = s->head; it != NULL && k < cap; it = it->hh.next)
        out[k++] = &it->t;
    return HASH_COUNT(s->head);
}

/* One walk of the whole order list; returns the number of matches. O(n). */
static size_t ts_list_by_status(const task_store *s, task_status st,
                                const task **out, size_t cap)
{
    if (!ts_status_valid(st))
        return 0;
    size_t k = 0;
    for (const ts_item *it = s->head; it != NULL; it = it->hh.next)
        ts_list_match(&it->t, st, out, cap, &k);
    return k;
}

/* O(1): copies the counters. */
static void ts_metrics(const task_store *s, task_metrics *out)
{
    ts_metrics_from(out, HASH_COUNT(s->head), s->by_status);
}

const task_store_ops task_store_uthash = {
    .name = "uthash",
    .create = ts_create,
    .destroy = ts_destroy,
    .add = ts_add,
    .remove = ts_remove,
    .get = ts_get,
    .update = ts_update,
    .count = ts_count,
    .list = ts_list,
    .list_by_status = ts_list_by_status,
    .metrics = ts_metrics,
};
