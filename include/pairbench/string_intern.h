/*
 * string_intern: a message store whose messages carry repeated identifier
 * strings (seed 002, "string interning for repeated identifiers": queue
 * names and task ids in the message-queue infrastructure).
 *
 * A msg_store holds messages in arrival order, each with a queue name, a
 * task id and an event kind. It answers: read a message back, are two
 * messages on the same queue / about the same task, and how many messages a
 * queue has. Three implementations share this ops table:
 *   string_intern_naive      the seed's "before" code: every message owns
 *                            its own copies of its strings (strdup per
 *                            string per message); comparisons are strcmp;
 *                            count_for_queue scans every message.
 *   string_intern_optimized  an interning table (hash table owning one copy
 *                            of each distinct string) hands out canonical
 *                            pointers; messages hold those pointers, so
 *                            comparisons are pointer comparisons; each
 *                            interned string also counts the messages that
 *                            use it as their queue, so count_for_queue is
 *                            one hash lookup.
 *   string_intern_glib       a peer on GLib: a GStringChunk per store
 *                            (g_string_chunk_insert_const: what
 *                            g_intern_string does, but owned by the store
 *                            and freed by destroy; g_intern_string itself
 *                            is process-wide and never frees), a
 *                            GHashTable of per-queue counts and a GArray of
 *                            messages: pointer comparisons, count_for_queue
 *                            one hash lookup.
 * Observable results (indices, counts, answers, the bytes of every string
 * read back) are identical; the naive one is the test oracle of the other
 * two.
 *
 * Ways the implementations may differ (nothing else may):
 *   pointers   whether two read-back pointers are equal is NOT part of the
 *              contract: the optimized and GLib stores hand out one
 *              canonical pointer per distinct string, the naive one a copy
 *              per message.
 *   memory     the naive and optimized stores return MSG_STORE_ERR from add
 *              (create: NULL) when memory runs out; the GLib peer never
 *              does: GLib's g_malloc aborts the process instead (and so
 *              does GArray past G_MAXUINT messages).
 */
#ifndef PAIRBENCH_STRING_INTERN_H
#define PAIRBENCH_STRING_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* add() returns this when it failed (bad argument or out of memory). */
#define MSG_STORE_ERR SIZE_MAX

/* A message read back. The strings are owned by the store and stay valid,
 * unchanged, until the store is destroyed. */
typedef struct msg_view {
    const char *queue;         /* NUL-terminated, as given to add */
    const char *task_id;       /* NUL-terminated, as given to add */
    int32_t     kind;          /* event kind, stored as given */
} msg_view;

typedef struct msg_store msg_store;    /* opaque */

typedef struct string_intern_ops {
    const char *name;                  /* "naive" | "optimized" | "glib" */

    /* An empty store. NULL when out of memory (glib: aborts instead). */
    msg_store *(*create)(void);
    /* Frees the store, its messages and every string it owns. NULL: no-op. */
    void (*destroy)(msg_store *s);

    /* Appends a message; queue and task_id are NUL-terminated strings of any
     * length (the empty string included) and are copied (or interned): the
     * caller keeps its buffers. Returns the message's index (0, 1, 2, ... in
     * arrival order), or MSG_STORE_ERR when queue or task_id is NULL or
     * memory ran out (glib: aborts instead); on error nothing changed. */
    size_t (*add)(msg_store *s, const char *queue, const char *task_id, int32_t kind);
    /* Number of messages. O(1). */
    size_t (*count)(const msg_store *s);
    /* Reads message i into *out. 0, or -1 (i >= count or out NULL; *out
     * untouched). O(1). */
    int (*get)(const msg_store *s, size_t i, msg_view *out);
    /* 1 if messages i and j have byte-identical queue names, 0 if not, -1 if
     * either index is out of range. */
    int (*same_queue)(const msg_store *s, size_t i, size_t j);
    /* The same for task ids. */
    int (*same_task)(const msg_store *s, size_t i, size_t j);
    /* Number of messages whose queue name equals `queue` byte for byte; 0
     * for NULL or a name never seen. */
    size_t (*count_for_queue)(const msg_store *s, const char *queue);
} string_intern_ops;

extern const string_intern_ops string_intern_naive;
extern const string_intern_ops string_intern_optimized;
extern const string_intern_ops string_intern_glib;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline msg_store *msg_store_create(const string_intern_ops *o) { return o->create(); }
static inline void msg_store_destroy(const string_intern_ops *o, msg_store *s) { o->destroy(s); }
static inline size_t msg_store_add(const string_intern_ops *o, msg_store *s, const char *queue, const char *task_id, int32_t kind) { return o->add(s, queue, task_id, kind); }
static inline size_t msg_store_count(const string_intern_ops *o, const msg_store *s) { return o->count(s); }
static inline int msg_store_get(const string_intern_ops *o, const msg_store *s, size_t i, msg_view *out) { return o->get(s, i, out); }
static inline int msg_store_same_queue(const string_intern_ops *o, const msg_store *s, size_t i, size_t j) { return o->same_queue(s, i, j); }
static inline int msg_store_same_task(const string_intern_ops *o, const msg_store *s, size_t i, size_t j) { return o->same_task(s, i, j); }
static inline size_t msg_store_count_for_queue(const string_intern_ops *o, const msg_store *s, const char *queue) { return o->count_for_queue(s, queue); }

#endif
