/*
 * priority_queue_optimized: the seed's TaskPriorityQueue (seed 000) as an
 * indexed 4-ary heap.
 *
 * Layout (n queued tasks; all arrays dense, length n):
 *   heap    4-ary min-heap of 16-byte nodes {seq, priority, slot} ordered by
 *           (priority, seq); seq is a 64-bit arrival counter incremented on
 *           every successful enqueue, so equal priorities leave in arrival
 *           order and every order is strict. Sifts move nodes through a hole
 *           (one write per level). Arity 4 measured as fast as or faster
 *           than 2 here from N = 10k on (fewer levels, so fewer scattered
 *           meta[].hpos writes), and 8 no better overall.
 *   tasks   the task copies in slots [0, n), in no particular order; removal
 *           moves the last slot into the hole, so the array stays dense.
 *   meta    per slot: its node's heap position and the 32-bit tag of its id.
 *   index   open addressing, id -> slot, power-of-two size, linear probing,
 *           load <= 0.7, backward-shift deletion (no tombstones). An entry
 *           keeps the tag (high 32 bits of the id's 64-bit hash): it picks the
 *           home bucket, skips nearly every strcmp, and lets dequeue find a
 *           slot's entry without hashing the id again.
 * Costs:
 *   enqueue     O(log4 n) sift-up, O(1) expected hash and probes, amortised
 *               O(1) growth; no malloc except when an array doubles.
 *   dequeue     O(log4 n) sift-down (4 compares per level), O(1) expected
 *               index deletion, one 72-byte task move; never allocates.
 *   remove      O(log4 n): hash, probe, then the same as dequeue at the
 *               node's position (sift up or down).
 *   peek, contains, size   O(1) (contains: one hash and a probe run).
 * Memory grows by doubling; when the arrays are under a quarter full they
 * shrink to the smallest power of two >= 2n (at least 16), and the index
 * likewise below load 0.175. ENOMEM leaves the queue unchanged: enqueue
 * makes every allocation before it changes anything; shrinking is best
 * effort and never fails an operation.
 */
#include "pairbench/priority_queue.h"

#include <stdlib.h>
#include <string.h>

#define PQO_ARITY       4
#define PQO_CAP_MIN     ((size_t)16)
#define PQO_CAP_MAX     ((size_t)1 << 31)     /* slots and positions fit 32 bits */
#define PQO_INDEX_MIN   ((size_t)16)
#define PQO_INDEX_MAX   ((size_t)1 << 31)     /* buckets come from a 32-bit tag */
#define PQO_EMPTY       UINT32_MAX            /* index entry holds no slot */
#define PQO_NONE        SIZE_MAX

typedef struct pqo_node {
    uint64_t seq;        /* arrival number: the tie-break among equal priorities */
    int32_t  priority;
    uint32_t slot;       /* where the task is in tasks[] / meta[] */
} pqo_node;

typedef struct pqo_meta {
    uint32_t hpos;       /* heap position of the slot's node */
    uint32_t tag;        /* high 32 bits of the id's hash */
} pqo_meta;

typedef struct pqo_entry {
    uint32_t slot;       /* PQO_EMPTY for a free bucket */
    uint32_t tag;        /* tag & mask = home bucket */
} pqo_entry;

struct priority_queue {
    pqo_node  *heap;     /* cap nodes, [0, n) in use */
    task      *tasks;    /* cap slots, [0, n) in use */
    pqo_meta  *meta;     /* cap entries, [0, n) in use */
    size_t     n, cap;
    pqo_entry *index;    /* isize buckets; NULL when isize == 0 */
    size_t     isize;
    uint64_t   next_seq;
};

/* ---- id hashing ---------------------------------------------------------- */

/* The hash of an id of len bytes: its bytes as little-endian 8-byte words
 * (the last one zero-padded), each folded in with an FNV-1a-like
 * xor-multiply step and an xor-fold, then the length, then MurmurHash3's
 * fmix64, so that every output bit depends on every byte. Two functions
 * compute it: one for a NUL-terminated string of unknown extent (byte by
 * byte, never reading past the NUL), one for the 40-byte id array of a task
 * (word by word). */

#define PQO_HASH_MUL   UINT64_C(0x9e3779b97f4a7c15)
#define PQO_HASH_BASIS UINT64_C(0xcbf29ce484222325)
#define PQO_ONES       UINT64_C(0x0101010101010101)
#define PQO_HIGHS      UINT64_C(0x8080808080808080)

static uint64_t pqo_hash_word(uint64_t h, uint64_t w)
{
    h = (h ^ w) * PQO_HASH_MUL;
    return h ^ (h >> 32);
}

static uint64_t pqo_hash_finish(uint64_t h, size_t len)
{
    h ^= (uint64_t)len;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

/* Length of id when it is a valid id (1..TASK_ID_MAX-1 bytes), else 0; then
 * *hash is its hash. Reads at most TASK_ID_MAX bytes of id and never past
 * its NUL. */
static size_t pqo_hash_str(const char *id, uint64_t *hash)
{
    if (id == NULL)
        return 0;
    uint64_t h = PQO_HASH_BASIS, w = 0;
    size_t i;
    for (i = 0; i < TASK_ID_MAX; i++) {
        unsigned char ch = (unsigned char)id[i];
        if (ch == '\0')
            break;
        w |= (uint64_t)ch << ((i & 7) * 8);
        if ((i & 7) == 7) {
            h = pqo_hash_word(h, w);
            w = 0;
        }
    }
    if (i == 0 || i == TASK_ID_MAX)
        return 0;
    if (i & 7)
        h = pqo_hash_word(h, w);
    *hash = pqo_hash_finish(h, i);
    return i;
}

/* The same for the id array of a task, which always has TASK_ID_MAX
 * readable bytes: 8 bytes at a time, the NUL found with the zero-byte test
 * (exact for the lowest zero byte). Bytes after the NUL are read but do not
 * affect the result. */
static size_t pqo_hash_task_id(const char id[TASK_ID_MAX], uint64_t *hash)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
    _Static_assert(TASK_ID_MAX % 8 == 0, "the id array is whole words");
    uint64_t h = PQO_HASH_BASIS;
    for (size_t k = 0; k < TASK_ID_MAX; k += 8) {
        uint64_t w;
        memcpy(&w, id + k, 8);
        uint64_t zero = (w - PQO_ONES) & ~w & PQO_HIGHS;
        if (zero != 0) {
            unsigned b = (unsigned)__builtin_ctzll(zero) / 8;   /* bytes before the NUL */
            size_t len = k + b;
            if (len == 0)
                return 0;
            if (b > 0)
                h = pqo_hash_word(h, w & ((UINT64_C(1) << (8 * b)) - 1));
            *hash = pqo_hash_finish(h, len);
            return len;
        }
        h = pqo_hash_word(h, w);
    }
    return 0;
#else
    return pqo_hash_str(id, hash);
#endif
}

static uint32_t pqo_tag(uint64_t hash)
{
    return (uint32_t)(hash >> 32);
}

/* ---- index ------------------------------------------------------------- */

/* A table of size (a power of two) empty buckets, or NULL when out of memory. */
static pqo_entry *ix_alloc(size_t size)
{
    if (size > SIZE_MAX / sizeof(pqo_entry))
        return NULL;
    pqo_entry *tab = malloc(size * sizeof *tab);
    if (tab != NULL)
        memset(tab, 0xff, size * sizeof *tab);   /* slot = PQO_EMPTY */
    return tab;
}

/* Bucket holding id (whose tag is given), or PQO_NONE. O(1) expected. */
static size_t ix_find(const priority_queue *q, const char *id, uint32_t tag)
{
    if (q->isize == 0)
        return PQO_NONE;
    size_t mask = q->isize - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
        const pqo_entry *e = &q->index[i];
        if (e->slot == PQO_EMPTY)
            return PQO_NONE;
        if (e->tag == tag && strcmp(q->tasks[e->slot].id, id) == 0)
            return i;
    }
}

/* Bucket holding slot, whose tag is given; the slot must be indexed.
 * Compares slot numbers only. O(1) expected. */
static size_t ix_find_slot(const priority_queue *q, uint32_t tag, uint32_t slot)
{
    size_t mask = q->isize - 1;
    size_t i = tag & mask;
    while (q->index[i].slot != slot)
        i = (i + 1) & mask;
    return i;
}

/* Puts an entry for an id known to be absent; the table has a free bucket. */
static void ix_put(pqo_entry *tab, size_t size, uint32_t slot, uint32_t tag)
{
    size_t mask = size - 1;
    size_t i = tag & mask;
    while (tab[i].slot != PQO_EMPTY)
        i = (i + 1) & mask;
    tab[i].slot = slot;
    tab[i].tag = tag;
}

/* Moves every entry into tab (size empty buckets, size > entries) and frees
 * the old table. No string hashing: the tag gives the bucket. Cannot fail. */
static void ix_install(priority_queue *q, pqo_entry *tab, size_t size)
{
    for (size_t i = 0; i < q->isize; i++)
        if (q->index[i].slot != PQO_EMPTY)
            ix_put(tab, size, q->index[i].slot, q->index[i].tag);
    free(q->index);
    q->index = tab;
    q->isize = size;
}

/* Empties bucket i and shifts the rest of its probe run back, so that no
 * tombstone is needed. O(run length). */
static void ix_delete(priority_queue *q, size_t i)
{
    size_t mask = q->isize - 1;
    for (size_t j = (i + 1) & mask; q->index[j].slot != PQO_EMPTY; j = (j + 1) & mask) {
        size_t home = q->index[j].tag & mask;
        /* Entry j may fill hole i unless its home lies cyclically in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            q->index[i] = q->index[j];
            i = j;
        }
    }
    q->index[i].slot = PQO_EMPTY;
}

/* ---- heap ---------------------------------------------------------------- */

/* 1 if a leaves before b. */
static int pqo_before(const pqo_node *a, const pqo_node *b)
{
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->seq < b->seq;
}

/* Puts node at hole i or above it, moving the parents it passes down.
 * Keeps meta[].hpos in step. O(log4 n). */
static void heap_sift_up(priority_queue *q, size_t i, pqo_node node)
{
    pqo_node *h = q->heap;
    while (i > 0) {
        size_t p = (i - 1) / PQO_ARITY;
        if (!pqo_before(&node, &h[p]))
            break;
        h[i] = h[p];
        q->meta[h[i].slot].hpos = (uint32_t)i;
        i = p;
    }
    h[i] = node;
    q->meta[node.slot].hpos = (uint32_t)i;
}

/* Puts node at hole i or below it, moving the smallest children up, in a
 * heap of q->n nodes. Keeps meta[].hpos in step. O(4 log4 n). */
static void heap_sift_down(priority_queue *q, size_t i, pqo_node node)
{
    pqo_node *h = q->heap;
    size_t n = q->n;
    for (;;) {
        size_t c = PQO_ARITY * i + 1;
        if (c >= n)
            break;
        size_t end = c + PQO_ARITY < n ? c + PQO_ARITY : n;
        size_t best = c;
        for (size_t k = c + 1; k < end; k++)
            if (pqo_before(&h[k], &h[best]))
                best = k;
        if (!pqo_before(&h[best], &node))
            break;
        h[i] = h[best];
        q->meta[h[i].slot].hpos = (uint32_t)i;
        i = best;
    }
    h[i] = node;
    q->meta[node.slot].hpos = (uint32_t)i;
}

/* ---- storage --------------------------------------------------------------- */

/* Reallocates heap, tasks and meta to cap entries each (cap >= n), keeping
 * their contents; OK when all three succeeded. Does not touch q->cap: after
 * a failure the arrays already resized keep their new size and the others
 * their old one, so growth (cap > q->cap) sets q->cap only on OK, and
 * shrinking sets it in any case (every array then has at least cap). */
static int pqo_realloc_arrays(priority_queue *q, size_t cap)
{
    pqo_node *heap = realloc(q->heap, cap * sizeof *heap);
    if (heap == NULL)
        return PQ_ENOMEM;
    q->heap = heap;
    task *tasks = realloc(q->tasks, cap * sizeof *tasks);
    if (tasks == NULL)
        return PQ_ENOMEM;
    q->tasks = tasks;
    pqo_meta *meta = realloc(q->meta, cap * sizeof *meta);
    if (meta == NULL)
        return PQ_ENOMEM;
    q->meta = meta;
    return PQ_OK;
}

/* After a deletion: gives memory back when the arrays are under a quarter
 * used or the index under load 0.175. Best effort. Amortised O(1). */
static void pqo_maybe_shrink(priority_queue *q)
{
    if (q->cap > PQO_CAP_MIN && q->n * 4 < q->cap) {
        size_t cap = PQO_CAP_MIN;
        while (cap < 2 * q->n)
            cap *= 2;
        /* A shrinking realloc that fails keeps the larger block. */
        (void)pqo_realloc_arrays(q, cap);
        q->cap = cap;
    }
    if (q->isize > PQO_INDEX_MIN && q->n * 40 < q->isize * 7) {
        size_t size = PQO_INDEX_MIN;
        while (q->n * 20 > size * 7)
            size *= 2;
        pqo_entry *tab = ix_alloc(size);
        if (tab != NULL)
            ix_install(q, tab, size);
    }
}

/* Deletes the node at heap position hpos, whose index entry is bucket e:
 * unindexes it, refills the heap hole with the last node, and the slot hole
 * with the last slot. O(log4 n). */
static void pqo_delete(priority_queue *q, size_t hpos, size_t e)
{
    uint32_t slot = q->heap[hpos].slot;
    ix_delete(q, e);
    size_t last = --q->n;

    if (hpos != last) {
        pqo_node moved = q->heap[last];
        if (hpos > 0 && pqo_before(&moved, &q->heap[(hpos - 1) / PQO_ARITY]))
            heap_sift_up(q, hpos, moved);
        else
            heap_sift_down(q, hpos, moved);
    }
    if (slot != last) {
        q->tasks[slot] = q->tasks[last];
        q->meta[slot] = q->meta[last];
        q->heap[q->meta[slot].hpos].slot = slot;
        q->index[ix_find_slot(q, q->meta[slot].tag, (uint32_t)last)].slot = slot;
    }
    pqo_maybe_shrink(q);
}

/* ---- operations ------------------------------------------------------------ */

/* A new empty queue; nothing else is allocated until the first enqueue.
 * NULL when out of memory. */
static priority_queue *pqo_create(void)
{
    return calloc(1, sizeof(priority_queue));
}

/* Frees the arrays and the queue (tasks are inline). O(1) frees. */
static void pqo_destroy(priority_queue *q)
{
    if (q == NULL)
        return;
    free(q->heap);
    free(q->tasks);
    free(q->meta);
    free(q->index);
    free(q);
}

/* Stores *t in slot n, indexes it and sifts its node up. EINVAL, EEXIST,
 * ENOMEM; unchanged on error. O(log4 n), amortised O(1) growth. */
static int pqo_enqueue(priority_queue *q, const task *t, int32_t priority)
{
    uint64_t h;
    if (t == NULL || pqo_hash_task_id(t->id, &h) == 0)
        return PQ_EINVAL;
    uint32_t tag = pqo_tag(h);
    if (ix_find(q, t->id, tag) != PQO_NONE)
        return PQ_EEXIST;

    pqo_entry *tab = NULL;
    size_t tab_size = 0;
    if ((q->n + 1) * 10 > q->isize * 7) {
        tab_size = q->isize ? q->isize * 2 : PQO_INDEX_MIN;
        if (tab_size > PQO_INDEX_MAX || (tab = ix_alloc(tab_size)) == NULL)
            return PQ_ENOMEM;
    }
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : PQO_CAP_MIN;
        if (cap > PQO_CAP_MAX || cap > SIZE_MAX / sizeof(task) ||
            pqo_realloc_arrays(q, cap) != PQ_OK) {
            free(tab);
            return PQ_ENOMEM;
        }
        q->cap = cap;
    }
    /* Nothing below can fail. */
    if (tab != NULL)
        ix_install(q, tab, tab_size);
    uint32_t slot = (uint32_t)q->n++;
    q->tasks[slot] = *t;
    q->meta[slot].tag = tag;
    ix_put(q->index, q->isize, slot, tag);
    pqo_node node = { .seq = q->next_seq++, .priority = priority, .slot = slot };
    heap_sift_up(q, slot, node);   /* the new node starts at position n-1 == slot */
    return PQ_OK;
}

/* Copies the root's task out and deletes it. ENOENT; never ENOMEM.
 * O(log4 n). */
static int pqo_dequeue(priority_queue *q, task *out, int32_t *priority_out)
{
    if (q->n == 0)
        return PQ_ENOENT;
    uint32_t slot = q->heap[0].slot;
    if (out != NULL)
        *out = q->tasks[slot];
    if (priority_out != NULL)
        *priority_out = q->heap[0].priority;
    pqo_delete(q, 0, ix_find_slot(q, q->meta[slot].tag, slot));
    return PQ_OK;
}

/* The root. ENOENT. O(1). */
static int pqo_peek(const priority_queue *q, task *out, int32_t *priority_out)
{
    if (q->n == 0)
        return PQ_ENOENT;
    if (out != NULL)
        *out = q->tasks[q->heap[0].slot];
    if (priority_out != NULL)
        *priority_out = q->heap[0].priority;
    return PQ_OK;
}

/* Finds the id's slot and deletes its node. EINVAL, ENOENT. O(log4 n). */
static int pqo_remove(priority_queue *q, const char *id)
{
    uint64_t h;
    if (pqo_hash_str(id, &h) == 0)
        return PQ_EINVAL;
    size_t e = ix_find(q, id, pqo_tag(h));
    if (e == PQO_NONE)
        return PQ_ENOENT;
    pqo_delete(q, q->meta[q->index[e].slot].hpos, e);
    return PQ_OK;
}

/* One hash and a probe run. O(1) expected. */
static int pqo_contains(const priority_queue *q, const char *id)
{
    uint64_t h;
    if (pqo_hash_str(id, &h) == 0)
        return 0;
    return ix_find(q, id, pqo_tag(h)) != PQO_NONE;
}

/* O(1). */
static size_t pqo_size(const priority_queue *q)
{
    return q->n;
}

const priority_queue_ops priority_queue_optimized = {
    .name = "optimized",
    .create = pqo_create,
    .destroy = pqo_destroy,
    .enqueue = pqo_enqueue,
    .dequeue = pqo_dequeue,
    .peek = pqo_peek,
    .remove = pqo_remove,
    .contains = pqo_contains,
    .size = pqo_size,
};
