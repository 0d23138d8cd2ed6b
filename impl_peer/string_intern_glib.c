/*
 * string_intern_glib: the message store of seed 002 with its identifier
 * strings interned by GLib, written the way a C programmer who knows GLib
 * would write it. A peer of string_intern_optimized, not tuned and not
 * held back.
 *
 * Why not g_intern_string: it interns into one process-wide table that is
 * never freed, while a msg_store owns its strings and destroy frees them
 * (the ingest scenario drops and rebuilds a store every N messages: with
 * g_intern_string the task ids of every store ever built would stay in
 * memory). So each store does what g_intern_string does, per store: a
 * GStringChunk, whose g_string_chunk_insert_const keeps one copy of each
 * distinct string (its own GHashTable with g_str_hash/g_str_equal) and
 * returns that copy's address: the canonical pointer. g_string_chunk_free
 * frees them all at destroy.
 *
 * What GStringChunk cannot do: say how many messages use a string, or look
 * a string up without inserting it (count_for_queue must not add the name
 * it is asked about). So the per-queue counts live in a GHashTable of their
 * own, keyed by the canonical queue names (g_str_hash/g_str_equal, so the
 * caller's own copy of a name finds it; the keys are not copied again).
 *
 * Layout:
 *   strings     GStringChunk (4 KiB blocks; a longer string starts a block
 *               of its length rounded up to a power of two): queue names
 *               and task ids, one copy each, never moved.
 *   queue_msgs  GHashTable canonical queue name -> message count.
 *   msgs        GArray of messages: two canonical pointers and the kind.
 * Costs (n = messages, L = string length):
 *   add              O(L) expected: two g_string_chunk_insert_const
 *                    (g_str_hash, a byte at a time, and a lookup each; a
 *                    new string is copied into the chunk, a g_malloc per
 *                    4 KiB block), then a lookup and an insert in
 *                    queue_msgs (hashing the queue name twice more), and
 *                    g_array_append_val (amortised O(1)).
 *   get, count       O(1).
 *   same_queue/task  one pointer comparison: O(1).
 *   count_for_queue  one lookup in queue_msgs: O(L) expected.
 *   destroy          g_string_chunk_free, g_hash_table_destroy, g_array_free.
 * Out of memory: g_malloc aborts the process (GLib's policy), so add never
 * fails for lack of memory; the header lists this among the differences.
 * GArray holds at most G_MAXUINT messages (GLib aborts past that).
 */
#include "pairbench/string_intern.h"

#include <glib.h>

#define SG_CHUNK_BYTES 4096

typedef struct sg_msg {
    const char *queue;         /* canonical, in strings */
    const char *task_id;       /* canonical, in strings */
    int32_t     kind;
} sg_msg;

struct msg_store {
    GStringChunk *strings;     /* one copy of each distinct string */
    GHashTable   *queue_msgs;  /* canonical queue name -> GSIZE_TO_POINTER(count) */
    GArray       *msgs;        /* sg_msg, arrival order */
};

static msg_store *sg_create(void)
{
    msg_store *s = g_new(msg_store, 1);
    s->strings = g_string_chunk_new(SG_CHUNK_BYTES);
    s->queue_msgs = g_hash_table_new(g_str_hash, g_str_equal);
    s->msgs = g_array_new(FALSE, FALSE, sizeof(sg_msg));
    return s;
}

static void sg_destroy(msg_store *s)
{
    if (s == NULL)
        return;
    g_array_free(s->msgs, TRUE);
    g_hash_table_destroy(s->queue_msgs);
    g_string_chunk_free(s->strings);
    g_free(s);
}

/* Interns both strings, counts the message on its queue and appends it.
 * MSG_STORE_ERR only for a NULL string. */
static size_t sg_add(msg_store *s, const char *queue, const char *task_id, int32_t kind)
{
    if (queue == NULL || task_id == NULL)
        return MSG_STORE_ERR;
    sg_msg m;
    m.queue = g_string_chunk_insert_const(s->strings, queue);
    m.task_id = g_string_chunk_insert_const(s->strings, task_id);
    m.kind = kind;
    gsize on_queue = GPOINTER_TO_SIZE(g_hash_table_lookup(s->queue_msgs, m.queue));
    g_hash_table_insert(s->queue_msgs, (gpointer)m.queue, GSIZE_TO_POINTER(on_queue + 1));
    g_array_append_val(s->msgs, m);
    return s->msgs->len - 1;
}

static size_t sg_count(const msg_store *s)
{
    return s->msgs->len;
}

static int sg_get(const msg_store *s, size_t i, msg_view *out)
{
    if (out == NULL || i >= s->msgs->len)
        return -1;
    const sg_msg *m = &g_array_index(s->msgs, sg_msg, i);
    out->queue = m->queue;
    out->task_id = m->task_id;
    out->kind = m->kind;
    return 0;
}

/* Canonical pointers: equal strings <=> equal pointers. */
static int sg_same_queue(const msg_store *s, size_t i, size_t j)
{
    if (i >= s->msgs->len || j >= s->msgs->len)
        return -1;
    return g_array_index(s->msgs, sg_msg, i).queue == g_array_index(s->msgs, sg_msg, j).queue;
}

static int sg_same_task(const msg_store *s, size_t i, size_t j)
{
    if (i >= s->msgs->len || j >= s->msgs->len)
        return -1;
    return g_array_index(s->msgs, sg_msg, i).task_id == g_array_index(s->msgs, sg_msg, j).task_id;
}

static size_t sg_count_for_queue(const msg_store *s, const char *queue)
{
    if (queue == NULL)
        return 0;
    return GPOINTER_TO_SIZE(g_hash_table_lookup(s->queue_msgs, queue));
}

const string_intern_ops string_intern_glib = {
    .name = "glib",
    .create = sg_create,
    .destroy = sg_destroy,
    .add = sg_add,
    .count = sg_count,
    .get = sg_get,
    .same_queue = sg_same_queue,
    .same_task = sg_same_task,
    .count_for_queue = sg_count_for_queue,
};
