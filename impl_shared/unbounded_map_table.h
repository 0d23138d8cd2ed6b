/*
 * unbounded_map_table: the hash table both unbounded_map implementations
 * keep their two maps in (a JS Map is a hash table: the naive one is not
 * a list), string key -> uint32_t. The fix does not touch it: the naive
 * tracker never calls um_table_delete or um_table_shrink, the optimized
 * one does.
 *
 * Open addressing, linear probing, power-of-two capacity (at least
 * UM_TABLE_MIN_CAP), at most 3/4 full. A slot is 24 bytes: the key's
 * 64-bit hash (0 = empty; um_hash never returns 0), a pointer to a
 * malloc'd NUL-terminated copy of the key, its length and the value. A
 * probe compares the stored hash first and reads the key only when the
 * hashes are equal. Deletion is by backward shift (Knuth's algorithm R):
 * no tombstones, so churn never lengthens probe sequences and the table's
 * load is its count.
 *
 * Costs (expected, with a hash that spreads the keys): find O(1) probes;
 * insert O(1) amortised (a doubling rehashes every entry, O(capacity));
 * delete O(1) plus the shift of the run after the slot; shrink
 * O(old capacity). The caller hashes a key once (um_hash) and passes the
 * hash to every call, so one operation on both tables hashes once.
 *
 * Inserting is in two steps so that an insert into two tables is all or
 * nothing: um_table_prepare makes every allocation (the key copy, the
 * doubled array when the insert would pass 3/4) and changes nothing;
 * um_table_commit cannot fail.
 */
#ifndef PAIRBENCH_UNBOUNDED_MAP_TABLE_H
#define PAIRBENCH_UNBOUNDED_MAP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define UM_TABLE_MIN_CAP ((size_t)8)

typedef struct um_slot {
    uint64_t hash;             /* 0: empty */
    char    *key;              /* owned, NUL-terminated */
    uint32_t len;              /* strlen(key) */
    uint32_t value;
} um_slot;

typedef struct um_table {
    um_slot *slots;            /* cap slots */
    size_t   cap;              /* power of two >= UM_TABLE_MIN_CAP */
    size_t   count;            /* occupied slots, <= cap * 3 / 4 */
} um_table;

/* What um_table_prepare allocated for one insert. */
typedef struct um_table_prep {
    char    *key;              /* the key's copy */
    um_slot *slots;            /* the doubled array, or NULL: no growth */
    size_t   cap;              /* its capacity */
} um_table_prep;

/* The hash: one multiply-xorshift step per 8 bytes (the last block
 * zero-padded), then a final avalanche. um_hash_step and UM_HASH_SEED are
 * here so a test can build colliding keys; nothing else should need them. */
#define UM_HASH_SEED 0x9e3779b97f4a7c15ULL
static inline uint64_t um_hash_step(uint64_t h, uint64_t word)
{
    h = (h ^ word) * 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
}
/* Hash of key[0..len): never 0. */
uint64_t um_hash(const char *key, size_t len);

/* An empty table of UM_TABLE_MIN_CAP slots. 0, or -1 (out of memory;
 * nothing allocated). */
int  um_table_init(um_table *t);
/* Frees every key copy and the array. */
void um_table_free(um_table *t);

/* The value of key (len bytes, hash um_hash(key, len)), or NULL. */
uint32_t *um_table_find(const um_table *t, const char *key, size_t len, uint64_t hash);

/* Allocates what inserting key (absent from t) needs: 0, or -1 when an
 * allocation failed (nothing allocated then). t is not changed either way. */
int  um_table_prepare(const um_table *t, const char *key, size_t len, um_table_prep *p);
/* Frees what a prepare allocated, for an insert given up. */
void um_table_abandon(um_table_prep *p);
/* Inserts key -> value with what p holds (the doubled array first, if
 * any); key must still be absent and t unchanged since the prepare. */
void um_table_commit(um_table *t, um_table_prep *p, size_t len, uint64_t hash,
                     uint32_t value);

/* Removes key: 1 (its copy freed), or 0 when absent. Never shrinks. */
int  um_table_delete(um_table *t, const char *key, size_t len, uint64_t hash);
/* When t is under 1/8 full and above UM_TABLE_MIN_CAP slots: moves it to
 * the smallest power of two >= UM_TABLE_MIN_CAP at which it is at most
 * 3/8 full (so it is then more than 3/16 full, or at the minimum: a few
 * removals or inserts do not resize it again). 0 (shrunk, or nothing to
 * do), -1 (the allocation failed: t unchanged). */
int  um_table_shrink(um_table *t);

#endif
