/*
 * priority_queue_glib: the seed's TaskPriorityQueue (seed 000) as a GLib
 * programmer writes it: GLib has no heap, and its sorted container is
 * GSequence (a balanced tree, a treap), so the queue is a GSequence of
 * entries {task copy, priority, arrival} kept sorted by (priority,
 * arrival) with g_sequence_insert_sorted, and a GHashTable from the id
 * (the string inside the entry, g_str_hash/g_str_equal) to the entry's
 * GSequenceIter, for remove and contains. arrival is a 64-bit counter
 * bumped by every successful enqueue, so equal priorities leave in arrival
 * order and the order is strict (GLib 2.74 happens to insert an item after
 * those that compare equal, but its documentation leaves the position
 * among equals open: the arrival key makes it the contract's).
 *
 * Costs (n queued tasks):
 *   enqueue   an id check (memchr over TASK_ID_MAX), a hash lookup and
 *             insert (amortised O(1), the table doubles), a g_new for the
 *             entry and GSequence's node (g_slice) and an O(log n) insert
 *             with a comparison callback per level.
 *   dequeue   g_sequence_get_begin_iter (O(log n): a walk to the leftmost
 *             node), a copy out, a hash removal, g_sequence_remove (O(log
 *             n)) and the frees of the node and the entry.
 *   peek      O(log n) (the walk to the leftmost node), nothing removed.
 *   remove    a hash lookup, then as dequeue at that iterator.
 *   contains, size   O(1) (size: g_hash_table_size; GSequence's own
 *             length is O(log n)).
 * Memory: per task the entry (88 bytes), a GSequence node and a hash slot.
 * GLib's allocators abort the process when memory runs out, so this peer
 * never returns PQ_ENOMEM and create never returns NULL (see the header).
 */
#include "pairbench/priority_queue.h"

#include <glib.h>
#include <string.h>

typedef struct pqg_entry {
    task     t;                  /* the copy; t.id is the hash key */
    int32_t  priority;
    uint64_t arrival;
} pqg_entry;

struct priority_queue {
    GSequence  *seq;             /* pqg_entry *, sorted by (priority, arrival) */
    GHashTable *index;           /* const char *id (in the entry) -> GSequenceIter * */
    uint64_t    next_arrival;
};

static gint pqg_compare(gconstpointer a, gconstpointer b, gpointer unused)
{
    const pqg_entry *x = a, *y = b;
    (void)unused;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    return x->arrival < y->arrival ? -1 : x->arrival > y->arrival;
}

/* 1 when id is a valid id: non-NULL, 1..TASK_ID_MAX-1 bytes and a NUL. */
static int pqg_id_ok(const char *id)
{
    return id != NULL && id[0] != '\0' && memchr(id, '\0', TASK_ID_MAX) != NULL;
}

static priority_queue *pqg_create(void)
{
    priority_queue *q = g_new(priority_queue, 1);
    q->seq = g_sequence_new(g_free);
    q->index = g_hash_table_new(g_str_hash, g_str_equal);
    q->next_arrival = 0;
    return q;
}

static void pqg_destroy(priority_queue *q)
{
    if (q == NULL)
        return;
    g_hash_table_destroy(q->index);
    g_sequence_free(q->seq);     /* frees every entry (g_free) */
    g_free(q);
}

static int pqg_enqueue(priority_queue *q, const task *t, int32_t priority)
{
    if (t == NULL || !pqg_id_ok(t->id))
        return PQ_EINVAL;
    if (g_hash_table_contains(q->index, t->id))
        return PQ_EEXIST;
    pqg_entry *e = g_new(pqg_entry, 1);
    e->t = *t;
    e->priority = priority;
    e->arrival = q->next_arrival++;
    GSequenceIter *it = g_sequence_insert_sorted(q->seq, e, pqg_compare, NULL);
    g_hash_table_insert(q->index, e->t.id, it);
    return PQ_OK;
}

/* Copies the entry at it into the outputs (either may be NULL). */
static void pqg_copy_out(GSequenceIter *it, task *out, int32_t *priority_out)
{
    const pqg_entry *e = g_sequence_get(it);
    if (out != NULL)
        *out = e->t;
    if (priority_out != NULL)
        *priority_out = e->priority;
}

/* Unlinks the entry at it from both structures and frees it. */
static void pqg_drop(priority_queue *q, GSequenceIter *it)
{
    const pqg_entry *e = g_sequence_get(it);
    g_hash_table_remove(q->index, e->t.id);   /* before the key is freed */
    g_sequence_remove(it);
}

static int pqg_dequeue(priority_queue *q, task *out, int32_t *priority_out)
{
    if (g_hash_table_size(q->index) == 0)
        return PQ_ENOENT;
    GSequenceIter *it = g_sequence_get_begin_iter(q->seq);
    pqg_copy_out(it, out, priority_out);
    pqg_drop(q, it);
    return PQ_OK;
}

static int pqg_peek(const priority_queue *q, task *out, int32_t *priority_out)
{
    if (g_hash_table_size(q->index) == 0)
        return PQ_ENOENT;
    pqg_copy_out(g_sequence_get_begin_iter(q->seq), out, priority_out);
    return PQ_OK;
}

static int pqg_remove(priority_queue *q, const char *id)
{
    if (!pqg_id_ok(id))
        return PQ_EINVAL;
    GSequenceIter *it = g_hash_table_lookup(q->index, id);
    if (it == NULL)
        return PQ_ENOENT;
    pqg_drop(q, it);
    return PQ_OK;
}

static int pqg_contains(const priority_queue *q, const char *id)
{
    return pqg_id_ok(id) && g_hash_table_contains(q->index, id);
}

static size_t pqg_size(const priority_queue *q)
{
    return g_hash_table_size(q->index);
}

const priority_queue_ops priority_queue_glib = {
    .name = "glib",
    .create = pqg_create,
    .destroy = pqg_destroy,
    .enqueue = pqg_enqueue,
    .dequeue = pqg_dequeue,
    .peek = pqg_peek,
    .remove = pqg_remove,
    .contains = pqg_contains,
    .size = pqg_size,
};
