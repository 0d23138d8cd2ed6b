/*
 * task_store_ghashtable: the task store of seed 000 on GLib (2.74, Debian
 * libglib2.0-dev), written the way a GLib programmer would: a GHashTable
 * from id to node (g_hash_table_new_full with g_str_hash and g_str_equal;
 * the key is the node's own id, so only the value has a destroy notifier,
 * g_free of the node, which frees what is left at destroy) and a GQueue of the same nodes for the insertion
 * order, whose GList link is embedded in the node (g_queue_push_tail_link,
 * g_queue_unlink: no allocation of its own). GLib's defaults are kept:
 * g_str_hash (djb2, h * 33 + c), GLib's table (open addressing with
 * quadratic probing and tombstones over a power-of-two array, the home
 * slot (hash * 11) mod a prime below its size; grown and shrunk by GLib),
 * strcmp on a stored-hash match, and the node allocated with g_new.
 *
 * Costs (n stored tasks, k listed; "hash" is g_str_hash of the id):
 *   add             hash + O(1) expected probes + 1 g_malloc (the node);
 *                   O(n) once in a while when GLib resizes the table
 *   remove          hash + O(1) expected (g_hash_table_steal_extended) +
 *                   1 g_free; O(1) unlink from the queue; O(n) once in a
 *                   while when GLib shrinks the table
 *   get, update     hash + O(1) expected probes (update in place)
 *   count, metrics  O(1): g_hash_table_size, per-status counters
 *   list            O(min(n, cap)): walks the queue
 *   list_by_status  O(n): walks the whole queue, filtering
 *
 * Out of memory: GLib's allocator aborts the process (g_malloc calls
 * g_error), so this store never returns ENOMEM and create never returns
 * NULL; include/pairbench/task_store.h says so.
 */
#include "pairbench/task_store.h"
#include "../impl_shared/task_store_fields.h"

#include <glib.h>

typedef struct ts_node {
    GList link;   /* in the store's order queue; link.data is the node */
    task  t;      /* the stored copy; t.id is the hash table's key */
} ts_node;

struct task_store {
    GHashTable *index;                        /* id -> ts_node, owns the nodes */
    GQueue      order;                        /* the nodes in insertion order */
    size_t      by_status[TASK_STATUS_COUNT]; /* stored tasks per status */
};

/* A new empty store; aborts when out of memory (GLib). */
static task_store *ts_create(void)
{
    task_store *s = g_new0(task_store, 1);
    s->index = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_queue_init(&s->order);
    return s;
}

/* Frees every node (the table's value destroy notifier), the table and the
 * store. O(n). */
static void ts_destroy(task_store *s)
{
    if (s == NULL)
        return;
    g_hash_table_destroy(s->index);
    g_free(s);
}

/* Appends a copy of *t. EINVAL, EEXIST; aborts when out of memory. */
static int ts_add(task_store *s, const task *t)
{
    if (t == NULL || ts_id_len(t->id) == 0 || !ts_status_valid(t->status))
        return TASK_STORE_EINVAL;
    if (g_hash_table_contains(s->index, t->id))
        return TASK_STORE_EEXIST;
    ts_node *node = g_new(ts_node, 1);
    node->t = *t;
    node->link = (GList){ .data = node, .next = NULL, .prev = NULL };
    g_hash_table_insert(s->index, node->t.id, node);
    g_queue_push_tail_link(&s->order, &node->link);
    s->by_status[t->status]++;
    return TASK_STORE_OK;
}

/* Takes the node out of the table (g_hash_table_steal_extended: one lookup,
 * no destroy notifier), unlinks and frees it. EINVAL, ENOENT; never ENOMEM. */
static int ts_remove(task_store *s, const char *id)
{
    if (ts_id_len(id) == 0)
        return TASK_STORE_EINVAL;
    gpointer value;
    if (!g_hash_table_steal_extended(s->index, id, NULL, &value))
        return TASK_STORE_ENOENT;
    ts_node *node = value;
    s->by_status[node->t.status]--;
    g_queue_unlink(&s->order, &node->link);
    g_free(node);
    return TASK_STORE_OK;
}

/* Copies the task into *out. EINVAL, ENOENT. */
static int ts_get(const task_store *s, const char *id, task *out)
{
    if (ts_id_len(id) == 0 || out == NULL)
        return TASK_STORE_EINVAL;
    const ts_node *node = g_hash_table_lookup(s->index, id);
    if (node == NULL)
        return TASK_STORE_ENOENT;
    *out = node->t;
    return TASK_STORE_OK;
}

/* Writes the masked fields in place. EINVAL, ENOENT; never ENOMEM. */
static int ts_update(task_store *s, const char *id, const task_update *u)
{
    if (ts_id_len(id) == 0 || !ts_update_valid(u))
        return TASK_STORE_EINVAL;
    ts_node *node = g_hash_table_lookup(s->index, id);
    if (node == NULL)
        return TASK_STORE_ENOENT;
    ts_apply_counted(&node->t, u, s->by_status);
    return TASK_STORE_OK;
}

/* O(1). */
static size_t ts_count(const task_store *s)
{
    return g_hash_table_size(s->index);
}

/* The first min(n, cap) tasks of the queue; returns n. */
static size_t ts_list(const task_store *s, const task **out, size_t cap)
{
    size_t k = 0;
    for (const GList *l = s->order.head; l != NULL && k < cap; l = l->next)
        out[k++] = &((const ts_node *)l->data)->t;
    return s->order.length;
}

/* One walk of the whole queue; returns the number of matches. O(n). */
static size_t ts_list_by_status(const task_store *s, task_status st,
                                const task **out, size_t cap)
{
    if (!ts_status_valid(st))
        return 0;
    size_t k = 0;
    for (const GList *l = s->order.head; l != NULL; l = l->next)
        ts_list_match(&((const ts_node *)l->data)->t, st, out, cap, &k);
    return k;
}

/* O(1): copies the counters. */
static void ts_metrics(const task_store *s, task_metrics *out)
{
    ts_metrics_from(out, g_hash_table_size(s->index), s->by_status);
}

const task_store_ops task_store_ghashtable = {
    .name = "ghashtable",
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
