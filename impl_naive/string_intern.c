/*
 * string_intern_naive: the seed's "before" code (seed 002): every message
 * owns copies of its identifier strings (the C shape of a Rust message
 * struct holding `queue_name: String, task_id: String`, filled with
 * .clone() / .to_string() per message), compared with strcmp.
 * Costs (n = messages, L = string length):
 *   add              2 mallocs (strdup of queue and task id), O(L), plus an
 *                    amortised O(1) realloc of the message array (doubling).
 *   get, count       O(1).
 *   same_queue/task  strcmp: O(L).
 *   count_for_queue  strcmp against every message's queue: O(n * L).
 *   destroy          2n + 2 frees.
 * Memory: every message carries its own copies: 2 heap blocks per message.
 */
#include "pairbench/string_intern.h"

#include <stdlib.h>
#include <string.h>

#define MS_MIN_CAP ((size_t)16)

typedef struct msg {
    char   *queue;             /* owned copy */
    char   *task_id;           /* owned copy */
    int32_t kind;
} msg;

struct msg_store {
    msg   *msgs;               /* n messages in arrival order, cap slots */
    size_t n, cap;
};

/* An empty store: 1 malloc. */
static msg_store *ms_create(void)
{
    msg_store *s = malloc(sizeof *s);
    if (s == NULL)
        return NULL;
    s->msgs = NULL;
    s->n = 0;
    s->cap = 0;
    return s;
}

/* Frees every copy, the array and the store. */
static void ms_destroy(msg_store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->msgs[i].queue);
        free(s->msgs[i].task_id);
    }
    free(s->msgs);
    free(s);
}

/* malloc + copy: the C strdup (not in C11). NULL when out of memory. */
static char *ms_strdup(const char *src)
{
    size_t len = strlen(src) + 1;
    char *d = malloc(len);
    if (d != NULL)
        memcpy(d, src, len);
    return d;
}

/* Copies both strings into a new message. MSG_STORE_ERR on NULL or out of
 * memory, nothing changed (a grown array is not observable). */
static size_t ms_add(msg_store *s, const char *queue, const char *task_id, int32_t kind)
{
    if (queue == NULL || task_id == NULL)
        return MSG_STORE_ERR;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : MS_MIN_CAP;
        msg *m = cap <= SIZE_MAX / sizeof *m ? realloc(s->msgs, cap * sizeof *m) : NULL;
        if (m == NULL)
            return MSG_STORE_ERR;
        s->msgs = m;
        s->cap = cap;
    }
    char *q = ms_strdup(queue);
    char *t = ms_strdup(task_id);
    if (q == NULL || t == NULL) {
        free(q);
        free(t);
        return MSG_STORE_ERR;
    }
    s->msgs[s->n].queue = q;
    s->msgs[s->n].task_id = t;
    s->msgs[s->n].kind = kind;
    return s->n++;
}

/* O(1). */
static size_t ms_count(const msg_store *s)
{
    return s->n;
}

/* O(1). 0 or -1. */
static int ms_get(const msg_store *s, size_t i, msg_view *out)
{
    if (out == NULL || i >= s->n)
        return -1;
    out->queue = s->msgs[i].queue;
    out->task_id = s->msgs[i].task_id;
    out->kind = s->msgs[i].kind;
    return 0;
}

/* strcmp of the two copies: O(L). */
static int ms_same_queue(const msg_store *s, size_t i, size_t j)
{
    if (i >= s->n || j >= s->n)
        return -1;
    return strcmp(s->msgs[i].queue, s->msgs[j].queue) == 0;
}

/* strcmp of the two copies: O(L). */
static int ms_same_task(const msg_store *s, size_t i, size_t j)
{
    if (i >= s->n || j >= s->n)
        return -1;
    return strcmp(s->msgs[i].task_id, s->msgs[j].task_id) == 0;
}

/* Scans every message: O(n * L). */
static size_t ms_count_for_queue(const msg_store *s, const char *queue)
{
    if (queue == NULL)
        return 0;
    size_t c = 0;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->msgs[i].queue, queue) == 0)
            c++;
    return c;
}

const string_intern_ops string_intern_naive = {
    .name = "naive",
    .create = ms_create,
    .destroy = ms_destroy,
    .add = ms_add,
    .count = ms_count,
    .get = ms_get,
    .same_queue = ms_same_queue,
    .same_task = ms_same_task,
    .count_for_queue = ms_count_for_queue,
};
