/*
 * task_store_optimized: the seed's TaskQueue (seed 000) with an id index and
 * order-preserving removal.
 *
 * Layout:
 *   slots   tasks stored inline (no per-task malloc) in an append-only array,
 *           in insertion order. Removal marks a slot dead (id[0] = '\0'), so
 *           the order of the others is kept (the seed's swap-and-pop breaks
 *           it). Trailing dead slots are popped at once; when dead slots
 *           outnumber live ones (and are at least TS_COMPACT_MIN), the array
 *           is compacted in place, keeping the order. So used <= 2*live + 32.
 *   index   open addressing, id -> slot, power-of-two size, linear probing,
 *           load <= 0.7, backward-shift deletion (no tombstones). An entry
 *           keeps 32 bits of the id's 64-bit hash: they pick the home bucket
 *           and skip nearly every key comparison (a memcmp of len + 1
 *           bytes) of a non-matching id.
 *   bitmaps per status, a hierarchical bitmap over slot positions: level 0
 *           has one bit per slot, level k+1 one bit per non-zero word of
 *           level k, up to a single top word. Listing a status visits only
 *           its set bits, in slot (= insertion) order.
 *   counters live tasks per status, so metrics is O(1).
 * Costs (n live tasks, k listed, L = bitmap levels = ceil(log64 capacity)):
 *   add, remove          O(1) amortised (growth, shrinking and compaction are
 *                        geometric/amortised), O(1) expected probes
 *   get, update          O(1) expected; a status change flips O(L) bits
 *   list                 O(n): walks used slots, used <= 2n + 32
 *   list_by_status       O(k * L) worst case, O(k) when tasks are dense
 *   count, metrics       O(1)
 * Memory grows by doubling; after removals it shrinks back to a power of two
 * (slots when under a quarter used, to twice the use; the index when under
 * load 0.175, to load <= 0.35), so it stays proportional to the live tasks.
 * ENOMEM leaves the store unchanged: every allocation is made before
 * anything is committed; remove and update never allocate.
 */
#include "pairbench/task_store.h"
#include "../impl_shared/task_store_fields.h"

#include <stdlib.h>
#include <string.h>

#define TS_NONE         SIZE_MAX
#define TS_EMPTY        UINT32_MAX            /* index entry holds no slot */
#define TS_SLOTS_MIN    ((size_t)64)          /* one level-0 word per status */
#define TS_SLOTS_MAX    ((size_t)1 << 31)     /* slot numbers fit 32 bits */
#define TS_INDEX_MIN    ((size_t)16)
#define TS_INDEX_MAX    ((size_t)1 << 31)     /* buckets come from a 32-bit tag */
#define TS_COMPACT_MIN  32                    /* dead slots tolerated before compaction */
#define TS_LEVELS_MAX   8                     /* 64^6 >= TS_SLOTS_MAX already */

typedef struct ts_entry {
    uint32_t slot;   /* slot number, TS_EMPTY for a free bucket */
    uint32_t tag;    /* high 32 bits of the id's hash; tag & mask = home bucket */
} ts_entry;

struct task_store {
    task     *slots;                         /* cap slots, [0, used) in use */
    size_t    used, cap;
    size_t    live, dead;                    /* live + dead == used */
    size_t    by_status[TASK_STATUS_COUNT];  /* live tasks per status */

    ts_entry *index;                         /* isize buckets; NULL when isize == 0 */
    size_t    isize;

    uint64_t *bits;                          /* TASK_STATUS_COUNT bitmaps of bm_words */
    size_t    bm_words;
    unsigned  levels;
    size_t    lvl_off[TS_LEVELS_MAX];        /* word offset of each level in a bitmap */
    size_t    lvl_words[TS_LEVELS_MAX];
};

/* ---- id hashing ---------------------------------------------------------- */

/* Length of id when it is a valid id (1..TASK_ID_MAX-1 bytes), else 0; then
 * *hash is its 64-bit hash. Reads at most TASK_ID_MAX bytes of id and never
 * past its NUL: the length comes from glibc's vectorised memchr (ts_id_len;
 * a byte-at-a-time loop costs 5 instructions per character, half of a
 * get's), then every read is inside [id, id + len). The hash is FNV-1a's xor-then-multiply step applied
 * to 8-byte words, with a dense odd multiplier and an xor-fold after each
 * word (for a given word every step is a bijection of the state), the last
 * word being the id's last 8 bytes (overlapping the one before it when len
 * is not a multiple of 8: a fixed-size load instead of a variable-length
 * copy), then MurmurHash3's fmix64 avalanche so all 64 output bits depend
 * on every byte (ids that differ only in their last characters spread over
 * all buckets). The length seeds the state. */
static size_t ts_id_hash(const char *id, uint64_t *hash)
{
    size_t len = ts_id_len(id);
    if (len == 0)
        return 0;

    const uint64_t mul = UINT64_C(0x9e3779b97f4a7c15);
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ (uint64_t)len;
    uint64_t w;
    if (len >= 8) {
        size_t i = 0;
        for (; i + 8 < len; i += 8) {
            memcpy(&w, id + i, 8);
            h = (h ^ w) * mul;
            h ^= h >> 32;
        }
        memcpy(&w, id + len - 8, 8);
    } else {
        w = 0;
        memcpy(&w, id, len);
    }
    h = (h ^ w) * mul;
    h ^= h >> 32;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    *hash = h;
    return len;
}

static uint32_t ts_tag(uint64_t hash)
{
    return (uint32_t)(hash >> 32);
}

static int ts_slot_live(const task *t)
{
    return t->id[0] != '\0';
}

/* ---- index ------------------------------------------------------------- */

/* A table of size (a power of two) empty buckets, or NULL when out of memory. */
static ts_entry *ts_ix_alloc(size_t size)
{
    if (size > SIZE_MAX / sizeof(ts_entry))
        return NULL;
    ts_entry *tab = malloc(size * sizeof *tab);
    if (tab != NULL)
        memset(tab, 0xff, size * sizeof *tab);   /* slot = TS_EMPTY */
    return tab;
}

/* Bucket holding id (of length len, whose tag is given), or TS_NONE.
 * O(1) expected. A tag match is confirmed by comparing len + 1 bytes: a
 * stored id of another length differs from id at or before its NUL, so
 * this is string equality, and it reads no further than the slot's
 * TASK_ID_MAX bytes and id's NUL. */
static size_t ts_ix_find(const task_store *s, const char *id, size_t len, uint32_t tag)
{
    if (s->isize == 0)
        return TS_NONE;
    size_t mask = s->isize - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
        const ts_entry *e = &s->index[i];
        if (e->slot == TS_EMPTY)
            return TS_NONE;
        if (e->tag == tag && memcmp(s->slots[e->slot].id, id, len + 1) == 0)
            return i;
    }
}

/* Puts an entry for an id known to be absent; the table has a free bucket. */
static void ts_ix_put(ts_entry *tab, size_t size, uint32_t slot, uint32_t tag)
{
    size_t mask = size - 1;
    size_t i = tag & mask;
    while (tab[i].slot != TS_EMPTY)
        i = (i + 1) & mask;
    tab[i].slot = slot;
    tab[i].tag = tag;
}

/* Moves every entry into tab (size buckets, all empty, size > entries) and
 * frees the old table. Needs no string hashing: the tag gives the bucket.
 * O(old size + size). Cannot fail. */
static void ts_ix_install(task_store *s, ts_entry *tab, size_t size)
{
    for (size_t i = 0; i < s->isize; i++)
        if (s->index[i].slot != TS_EMPTY)
            ts_ix_put(tab, size, s->index[i].slot, s->index[i].tag);
    free(s->index);
    s->index = tab;
    s->isize = size;
}

/* Empties bucket i and shifts the rest of its probe run back, so that no
 * tombstone is needed. O(run length). */
static void ts_ix_delete(task_store *s, size_t i)
{
    size_t mask = s->isize - 1;
    for (size_t j = (i + 1) & mask; s->index[j].slot != TS_EMPTY; j = (j + 1) & mask) {
        size_t home = s->index[j].tag & mask;
        /* Entry j may fill hole i unless its home lies cyclically in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            s->index[i] = s->index[j];
            i = j;
        }
    }
    s->index[i].slot = TS_EMPTY;
}

/* ---- per-status hierarchical bitmaps ------------------------------------ */

static unsigned ts_ctz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while ((x & 1) == 0) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* Level geometry of a bitmap over cap slots (a multiple of 64); returns the
 * number of words of one bitmap. */
static size_t ts_bm_layout(size_t cap, unsigned *levels, size_t off[], size_t words[])
{
    size_t n = cap / 64, total = 0;
    unsigned k = 0;
    for (;;) {
        off[k] = total;
        words[k] = n;
        total += n;
        k++;
        if (n == 1)
            break;
        n = (n + 63) / 64;
    }
    *levels = k;
    return total;
}

static uint64_t *ts_bm_of(const task_store *s, task_status st)
{
    return s->bits + (size_t)st * s->bm_words;
}

/* Sets the bit of slot pos and, where a word becomes non-zero, its parents. O(L). */
static void ts_bm_set(const task_store *s, uint64_t *b, size_t pos)
{
    for (unsigned k = 0; k < s->levels; k++) {
        uint64_t *w = &b[s->lvl_off[k] + (pos >> 6)];
        uint64_t was = *w;
        *w = was | (UINT64_C(1) << (pos & 63));
        if (was != 0)
            return;
        pos >>= 6;
    }
}

/* Clears the bit of slot pos and, where a word becomes zero, its parents. O(L). */
static void ts_bm_clear(const task_store *s, uint64_t *b, size_t pos)
{
    for (unsigned k = 0; k < s->levels; k++) {
        uint64_t *w = &b[s->lvl_off[k] + (pos >> 6)];
        *w &= ~(UINT64_C(1) << (pos & 63));
        if (*w != 0)
            return;
        pos >>= 6;
    }
}

/* First set slot >= pos, or TS_NONE. O(1) inside a word, O(L) across words:
 * climbs while the rest of a word is empty, then descends along lowest bits. */
static size_t ts_bm_next(const task_store *s, const uint64_t *b, size_t pos)
{
    unsigned k = 0;
    for (;;) {
        size_t wi = pos >> 6;
        if (wi >= s->lvl_words[k])
            return TS_NONE;
        uint64_t m = b[s->lvl_off[k] + wi] & (~UINT64_C(0) << (pos & 63));
        if (m != 0) {
            pos = (wi << 6) | ts_ctz64(m);
            break;
        }
        if (++k == s->levels)
            return TS_NONE;
        pos = wi + 1;
    }
    while (k-- > 0)
        pos = (pos << 6) | ts_ctz64(b[s->lvl_off[k] + pos]);
    return pos;
}

/* Recomputes every bitmap from the slots. O(bitmap words + used * L). */
static void ts_bm_rebuild(task_store *s)
{
    memset(s->bits, 0, (size_t)TASK_STATUS_COUNT * s->bm_words * sizeof *s->bits);
    for (size_t i = 0; i < s->used; i++)
        if (ts_slot_live(&s->slots[i]))
            ts_bm_set(s, ts_bm_of(s, s->slots[i].status), i);
}

/* ---- slot array ---------------------------------------------------------- */

/* Gives the slot array (and the bitmaps) capacity new_cap, a power of two
 * >= max(used, TS_SLOTS_MIN). OK or ENOMEM; on ENOMEM nothing changed.
 * O(used + new_cap / 64). */
static int ts_resize_slots(task_store *s, size_t new_cap)
{
    unsigned levels;
    size_t off[TS_LEVELS_MAX], words[TS_LEVELS_MAX];
    if (new_cap > TS_SLOTS_MAX || new_cap > SIZE_MAX / sizeof(task))
        return TASK_STORE_ENOMEM;
    size_t bm_words = ts_bm_layout(new_cap, &levels, off, words);
    if (bm_words > SIZE_MAX / sizeof(uint64_t) / TASK_STATUS_COUNT)
        return TASK_STORE_ENOMEM;

    uint64_t *bits = malloc((size_t)TASK_STATUS_COUNT * bm_words * sizeof *bits);
    if (bits == NULL)
        return TASK_STORE_ENOMEM;
    task *slots = realloc(s->slots, new_cap * sizeof *slots);
    if (slots == NULL) {
        free(bits);
        return TASK_STORE_ENOMEM;
    }
    free(s->bits);
    s->slots = slots;
    s->cap = new_cap;
    s->bits = bits;
    s->bm_words = bm_words;
    s->levels = levels;
    memcpy(s->lvl_off, off, sizeof off);
    memcpy(s->lvl_words, words, sizeof words);
    ts_bm_rebuild(s);
    return TASK_STORE_OK;
}

/* Drops the dead slots, keeping the order of the live ones, and points their
 * index entries at the new positions. The caller rebuilds the bitmaps.
 * O(used): one hash and one probe run per moved task. */
static void ts_compact_slots(task_store *s)
{
    size_t mask = s->isize - 1, j = 0;
    for (size_t i = 0; i < s->used; i++) {
        if (!ts_slot_live(&s->slots[i]))
            continue;
        if (i != j) {
            uint64_t h;
            s->slots[j] = s->slots[i];
            (void)ts_id_hash(s->slots[j].id, &h);
            size_t e = ts_tag(h) & mask;
            while (s->index[e].slot != (uint32_t)i)
                e = (e + 1) & mask;
            s->index[e].slot = (uint32_t)j;
        }
        j++;
    }
    s->used = j;
    s->dead = 0;
}

/* After removals: gives memory back when the slots are under a quarter used
 * or the index under load 0.175. Best effort: on ENOMEM the larger arrays are
 * kept, which is still a correct store. Amortised O(1) per removal. */
static void ts_maybe_shrink(task_store *s)
{
    if (s->cap > TS_SLOTS_MIN && s->used * 4 < s->cap) {
        size_t cap = TS_SLOTS_MIN;
        while (cap < 2 * s->used)
            cap *= 2;
        (void)ts_resize_slots(s, cap);
    }
    if (s->isize > TS_INDEX_MIN && s->live * 40 < s->isize * 7) {
        size_t size = TS_INDEX_MIN;
        while (s->live * 20 > size * 7)
            size *= 2;
        ts_entry *tab = ts_ix_alloc(size);
        if (tab != NULL)
            ts_ix_install(s, tab, size);
    }
}

/* ---- operations ---------------------------------------------------------- */

/* A new empty store; nothing else is allocated until the first add. NULL
 * when out of memory. */
static task_store *ts_create(void)
{
    task_store *s = calloc(1, sizeof *s);
    return s;
}

/* Frees the arrays and the store (tasks are inline). O(1) frees. */
static void ts_destroy(task_store *s)
{
    if (s == NULL)
        return;
    free(s->slots);
    free(s->index);
    free(s->bits);
    free(s);
}

/* Appends a copy of *t in the next slot. EINVAL, EEXIST, ENOMEM. O(1)
 * amortised: the index doubles at load 0.7, the slot array doubles when full
 * unless a quarter of it is dead, in which case it is compacted instead. */
static int ts_add(task_store *s, const task *t)
{
    uint64_t h;
    size_t len;
    if (t == NULL || (len = ts_id_hash(t->id, &h)) == 0 || !ts_status_valid(t->status))
        return TASK_STORE_EINVAL;
    uint32_t tag = ts_tag(h);
    if (ts_ix_find(s, t->id, len, tag) != TS_NONE)
        return TASK_STORE_EEXIST;

    ts_entry *tab = NULL;
    size_t tab_size = 0;
    if ((s->live + 1) * 10 > s->isize * 7) {
        tab_size = s->isize ? s->isize * 2 : TS_INDEX_MIN;
        if (tab_size > TS_INDEX_MAX || (tab = ts_ix_alloc(tab_size)) == NULL)
            return TASK_STORE_ENOMEM;
    }
    int compact = 0;
    if (s->used == s->cap) {
        if (s->dead > 0 && s->dead * 4 >= s->used) {
            compact = 1;
        } else if (ts_resize_slots(s, s->cap ? s->cap * 2 : TS_SLOTS_MIN) != TASK_STORE_OK) {
            free(tab);
            return TASK_STORE_ENOMEM;
        }
    }
    /* Nothing below can fail. */
    if (tab != NULL)
        ts_ix_install(s, tab, tab_size);
    if (compact) {
        ts_compact_slots(s);
        ts_bm_rebuild(s);
    }
    size_t pos = s->used++;
    s->slots[pos] = *t;
    ts_ix_put(s->index, s->isize, (uint32_t)pos, tag);
    ts_bm_set(s, ts_bm_of(s, t->status), pos);
    s->by_status[t->status]++;
    s->live++;
    return TASK_STORE_OK;
}

/* Marks the task's slot dead; the order of the others is kept. EINVAL,
 * ENOENT; never ENOMEM. O(1) amortised (see the file header). */
static int ts_remove(task_store *s, const char *id)
{
    uint64_t h;
    size_t len = ts_id_hash(id, &h);
    if (len == 0)
        return TASK_STORE_EINVAL;
    size_t e = ts_ix_find(s, id, len, ts_tag(h));
    if (e == TS_NONE)
        return TASK_STORE_ENOENT;

    size_t pos = s->index[e].slot;
    task *t = &s->slots[pos];
    ts_bm_clear(s, ts_bm_of(s, t->status), pos);
    s->by_status[t->status]--;
    t->id[0] = '\0';
    s->live--;
    s->dead++;
    ts_ix_delete(s, e);

    while (s->used > 0 && !ts_slot_live(&s->slots[s->used - 1])) {
        s->used--;
        s->dead--;
    }
    if (s->dead > s->live && s->dead >= TS_COMPACT_MIN) {
        ts_compact_slots(s);
        ts_bm_rebuild(s);
    }
    ts_maybe_shrink(s);
    return TASK_STORE_OK;
}

/* Copies the task into *out. EINVAL, ENOENT. O(1) expected. */
static int ts_get(const task_store *s, const char *id, task *out)
{
    uint64_t h;
    size_t len = ts_id_hash(id, &h);
    if (len == 0 || out == NULL)
        return TASK_STORE_EINVAL;
    size_t e = ts_ix_find(s, id, len, ts_tag(h));
    if (e == TS_NONE)
        return TASK_STORE_ENOENT;
    *out = s->slots[s->index[e].slot];
    return TASK_STORE_OK;
}

/* Writes the masked fields in place. EINVAL (bad id, unknown bits, bad
 * status), ENOENT; never ENOMEM. O(1) expected; a status change moves the
 * slot's bit between two bitmaps, O(L). */
static int ts_update(task_store *s, const char *id, const task_update *u)
{
    uint64_t h;
    size_t len = ts_id_hash(id, &h);
    if (len == 0 || !ts_update_valid(u))
        return TASK_STORE_EINVAL;
    size_t e = ts_ix_find(s, id, len, ts_tag(h));
    if (e == TS_NONE)
        return TASK_STORE_ENOENT;

    size_t pos = s->index[e].slot;
    task *t = &s->slots[pos];
    if ((u->fields & TASK_UPDATE_STATUS) && u->status != t->status) {
        ts_bm_clear(s, ts_bm_of(s, t->status), pos);
        ts_bm_set(s, ts_bm_of(s, u->status), pos);
        s->by_status[t->status]--;
        s->by_status[u->status]++;
        t->status = u->status;
    }
    ts_apply_plain(t, u);
    return TASK_STORE_OK;
}

/* O(1). */
static size_t ts_count(const task_store *s)
{
    return s->live;
}

/* Pointers into the slot array, in insertion order, at most cap of them;
 * returns n. O(used slots up to the cap-th live one), used <= 2n + 32. */
static size_t ts_list(const task_store *s, const task **out, size_t cap)
{
    size_t k = s->live < cap ? s->live : cap;
    for (size_t i = 0, j = 0; j < k; i++)
        if (ts_slot_live(&s->slots[i]))
            out[j++] = &s->slots[i];
    return s->live;
}

/* The tasks with status st, in insertion order, at most cap of them; returns
 * their number (0 for a status out of range). O(min(k, cap) * L). */
static size_t ts_list_by_status(const task_store *s, task_status st,
                                const task **out, size_t cap)
{
    if (!ts_status_valid(st))
        return 0;
    size_t n = s->by_status[st];
    size_t k = n < cap ? n : cap;
    size_t pos = 0;
    for (size_t j = 0; j < k; j++) {
        pos = ts_bm_next(s, ts_bm_of(s, st), pos);
        out[j] = &s->slots[pos];
        pos++;
    }
    return n;
}

/* O(1): copies the counters. */
static void ts_metrics(const task_store *s, task_metrics *out)
{
    ts_metrics_from(out, s->live, s->by_status);
}

const task_store_ops task_store_optimized = {
    .name = "optimized",
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
