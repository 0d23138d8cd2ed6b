/*
 * string_intern_optimized: the message store of seed 002 with its identifier
 * strings interned.
 *
 * Layout:
 *   arena    the bytes of every distinct string, once, NUL-terminated, in
 *            16 KiB chunks (a string longer than 1 KiB gets a chunk of its
 *            own); chunks never move, so a canonical pointer is valid until
 *            destroy.
 *   entries  one per distinct string: canonical pointer, length, hash, and
 *            the number of messages using it as their queue name.
 *   slots    open-addressing hash table (linear probing, power-of-two size,
 *            load <= 1/2) of entry index + 1 (0 = empty). Hash: a word-at-a-time
 *            multiply-xorshift over the string (see si_hash).
 *   msgs     messages in arrival order: two canonical pointers and the kind.
 * Queue names and task ids share one table: a string is stored once however
 * many messages (in either role) carry it.
 * Costs (n = messages, d = distinct strings, L = string length):
 *   add              O(L) expected: two hash lookups; a string seen before
 *                    costs no allocation; a new one is copied into the arena
 *                    (a malloc per 16 KiB of new strings); the entry, slot
 *                    and message arrays grow by doubling (amortised O(1)).
 *   get, count       O(1).
 *   same_queue/task  one pointer comparison: O(1).
 *   count_for_queue  hash the name and look it up: O(L) expected.
 *   destroy          O(arena chunks), 4 + chunks frees.
 * Memory: one copy of each distinct string; 24 bytes per message.
 * Every failed add leaves the observable state unchanged (a string interned
 * before the failure stays in the table with a queue count of 0, which no
 * operation can tell apart from absence).
 */
#include "pairbench/string_intern.h"

#include <stdlib.h>
#include <string.h>

#define SI_CHUNK      ((size_t)16384)
#define SI_BIG        ((size_t)1024)
#define SI_MIN_SLOTS  ((size_t)64)
#define SI_MIN_CAP    ((size_t)16)
#define SI_MAX_ENTRIES ((size_t)UINT32_MAX - 1)

typedef struct si_chunk {
    struct si_chunk *next;
    size_t           used, cap;
    char             data[];
} si_chunk;

typedef struct si_entry {
    const char *str;           /* canonical copy in the arena */
    size_t      len;
    uint64_t    hash;
    size_t      queue_msgs;    /* messages whose queue is this string */
} si_entry;

typedef struct si_msg {
    const char *queue;         /* canonical */
    const char *task_id;       /* canonical */
    int32_t     kind;
} si_msg;

struct msg_store {
    si_chunk *chunks;          /* newest first; allocations come from it */
    si_entry *entries;
    size_t    n_entries, cap_entries;
    uint32_t *slots;           /* n_slots, power of two; entry index + 1 */
    size_t    n_slots;
    si_msg   *msgs;
    size_t    n, cap;
};

/* Hash of s, 8 bytes at a time (strlen first, which libc vectorises; each
 * word folded with a multiply-xorshift, the tail zero-padded); stores
 * strlen(s) in *len. Byte-at-a-time FNV-1a made interning slower than the
 * naive strdup on short stores: hashing 70 bytes per message dominated. */
static uint64_t si_hash(const char *s, size_t *len)
{
    size_t n = strlen(s);
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    h = (h ^ (h >> 32)) * 0x94d049bb133111ebULL;
    *len = n;
    return h ^ (h >> 31);
}

/* The entry index of (s, len, h), or SIZE_MAX; *slot gets the slot where
 * it is or where it would be inserted. */
static size_t si_find(const msg_store *st, const char *s, size_t len, uint64_t h, size_t *slot)
{
    size_t mask = st->n_slots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t v = st->slots[i];
        if (v == 0) {
            *slot = i;
            return SIZE_MAX;
        }
        const si_entry *e = &st->entries[v - 1];
        if (e->hash == h && e->len == len && memcmp(e->str, s, len) == 0) {
            *slot = i;
            return v - 1;
        }
    }
}

/* Doubles the slot table and reinserts every entry. -1 when out of memory
 * (the old table is kept). */
static int si_grow_slots(msg_store *st)
{
    size_t n = st->n_slots * 2;
    if (n > SIZE_MAX / sizeof *st->slots)
        return -1;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t e = 0; e < st->n_entries; e++) {
        size_t i = (size_t)st->entries[e].hash & (n - 1);
        while (slots[i] != 0)
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)(e + 1);
    }
    free(st->slots);
    st->slots = slots;
    st->n_slots = n;
    return 0;
}

/* Copies len + 1 bytes of s into the arena. NULL when out of memory. */
static const char *si_arena_copy(msg_store *st, const char *s, size_t len)
{
    size_t need = len + 1;
    si_chunk *c = st->chunks;
    if (c == NULL || c->cap - c->used < need) {
        size_t cap = need > SI_BIG ? need : SI_CHUNK;
        if (cap > SIZE_MAX - sizeof *c)
            return NULL;
        si_chunk *nc = malloc(sizeof *nc + cap);
        if (nc == NULL)
            return NULL;
        nc->used = 0;
        nc->cap = cap;
        if (need > SI_BIG && c != NULL) {   /* keep filling the current chunk */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            st->chunks = nc;
        }
        c = nc;
    }
    char *d = c->data + c->used;
    memcpy(d, s, need);
    c->used += need;
    return d;
}

/* The entry index of s, interning it when new. SIZE_MAX when out of memory
 * (nothing added). */
static size_t si_intern(msg_store *st, const char *s)
{
    size_t len, slot;
    uint64_t h = si_hash(s, &len);
    size_t e = si_find(st, s, len, h, &slot);
    if (e != SIZE_MAX)
        return e;
    if (st->n_entries >= SI_MAX_ENTRIES)
        return SIZE_MAX;
    if (2 * (st->n_entries + 1) > st->n_slots) {
        if (si_grow_slots(st) != 0)
            return SIZE_MAX;
        (void)si_find(st, s, len, h, &slot);
    }
    if (st->n_entries == st->cap_entries) {
        size_t cap = st->cap_entries * 2;
        si_entry *en = cap <= SIZE_MAX / sizeof *en ? realloc(st->entries, cap * sizeof *en) : NULL;
        if (en == NULL)
            return SIZE_MAX;
        st->entries = en;
        st->cap_entries = cap;
    }
    const char *copy = si_arena_copy(st, s, len);
    if (copy == NULL)
        return SIZE_MAX;
    e = st->n_entries++;
    st->entries[e].str = copy;
    st->entries[e].len = len;
    st->entries[e].hash = h;
    st->entries[e].queue_msgs = 0;
    st->slots[slot] = (uint32_t)(e + 1);
    return e;
}

static void si_destroy(msg_store *st);

/* An empty store with its initial tables: 3 mallocs (the arena starts
 * empty). NULL when out of memory. */
static msg_store *si_create(void)
{
    msg_store *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    st->n_slots = SI_MIN_SLOTS;
    st->slots = calloc(SI_MIN_SLOTS, sizeof *st->slots);
    st->cap_entries = SI_MIN_SLOTS / 2;
    st->entries = malloc(st->cap_entries * sizeof *st->entries);
    if (st->slots == NULL || st->entries == NULL) {
        si_destroy(st);
        return NULL;
    }
    return st;
}

/* Frees the arena, the tables, the messages and the store. */
static void si_destroy(msg_store *st)
{
    if (st == NULL)
        return;
    si_chunk *c = st->chunks;
    while (c != NULL) {
        si_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(st->entries);
    free(st->slots);
    free(st->msgs);
    free(st);
}

/* Interns both strings and appends the message. MSG_STORE_ERR on NULL or
 * out of memory. */
static size_t si_add(msg_store *st, const char *queue, const char *task_id, int32_t kind)
{
    if (queue == NULL || task_id == NULL)
        return MSG_STORE_ERR;
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : SI_MIN_CAP;
        si_msg *m = cap <= SIZE_MAX / sizeof *m ? realloc(st->msgs, cap * sizeof *m) : NULL;
        if (m == NULL)
            return MSG_STORE_ERR;
        st->msgs = m;
        st->cap = cap;
    }
    size_t q = si_intern(st, queue);
    if (q == SIZE_MAX)
        return MSG_STORE_ERR;
    size_t t = si_intern(st, task_id);
    if (t == SIZE_MAX)
        return MSG_STORE_ERR;
    st->entries[q].queue_msgs++;
    st->msgs[st->n].queue = st->entries[q].str;
    st->msgs[st->n].task_id = st->entries[t].str;
    st->msgs[st->n].kind = kind;
    return st->n++;
}

/* O(1). */
static size_t si_count(const msg_store *st)
{
    return st->n;
}

/* O(1). 0 or -1. */
static int si_get(const msg_store *st, size_t i, msg_view *out)
{
    if (out == NULL || i >= st->n)
        return -1;
    out->queue = st->msgs[i].queue;
    out->task_id = st->msgs[i].task_id;
    out->kind = st->msgs[i].kind;
    return 0;
}

/* Canonical pointers: equal strings <=> equal pointers. O(1). */
static int si_same_queue(const msg_store *st, size_t i, size_t j)
{
    if (i >= st->n || j >= st->n)
        return -1;
    return st->msgs[i].queue == st->msgs[j].queue;
}

/* Canonical pointers. O(1). */
static int si_same_task(const msg_store *st, size_t i, size_t j)
{
    if (i >= st->n || j >= st->n)
        return -1;
    return st->msgs[i].task_id == st->msgs[j].task_id;
}

/* One lookup, no insertion: O(L) expected. */
static size_t si_count_for_queue(const msg_store *st, const char *queue)
{
    if (queue == NULL)
        return 0;
    size_t len, slot;
    uint64_t h = si_hash(queue, &len);
    size_t e = si_find(st, queue, len, h, &slot);
    return e == SIZE_MAX ? 0 : st->entries[e].queue_msgs;
}

const string_intern_ops string_intern_optimized = {
    .name = "optimized",
    .create = si_create,
    .destroy = si_destroy,
    .add = si_add,
    .count = si_count,
    .get = si_get,
    .same_queue = si_same_queue,
    .same_task = si_same_task,
    .count_for_queue = si_count_for_queue,
};
