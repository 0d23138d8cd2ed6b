/*
 * lru_ttl_cache_optimized: the seed's ApiCache (seed 003) with a field hash
 * and an intrusive LRU list.
 *
 * Layout:
 *   key     never serialised. A 64-bit hash is computed straight from the
 *           fields (each string's presence, field number and length, then
 *           its bytes 8 at a time; then page and per_page; a splitmix64
 *           finaliser), so field boundaries are part of the hash
 *           ("ab"+"c" and "a"+"bc" hash differently) and the context fields
 *           are simply not read. A node keeps a full copy of the key fields
 *           (strings packed back to back with their lengths), and a lookup
 *           compares them on every hash match: two different keys never
 *           share an entry, whatever their hashes.
 *   map     chained hash table of node pointers, power-of-two buckets,
 *           doubled when the entries outnumber the buckets (load <= 1).
 *   LRU     intrusive doubly linked list through the nodes, most recently
 *           used at the head; a use moves the node to the head, eviction
 *           takes the tail.
 *   nodes   one malloc per node, each holding key and value inline. An
 *           evicted node is reused at once for the new key; a node removed
 *           by expiry goes to a free list. So at most `capacity` nodes ever
 *           exist and a full cache under churn does not allocate.
 * Cost per operation (k = total key length <= 4 * 63 bytes):
 *   get            O(k) hash + O(1) expected chain walk with O(k) compare on
 *                  a hash match; O(1) list move; no allocation.
 *   put (present)  the same, plus an O(value) copy.
 *   put (new)      O(1) expected; evicting the LRU is O(1) (tail unlink and
 *                  a chain walk); a malloc only while the cache grows, and
 *                  an O(size) rehash when the buckets double (amortised
 *                  O(1)).
 *   stats          O(1).
 * ENOMEM leaves the cache unchanged: the buckets are grown and the node is
 * obtained before anything is modified.
 */
#include "pairbench/lru_ttl_cache.h"

#include <stdlib.h>
#include <string.h>

#define LO_FIELDS       4                 /* op, owner, repo, label */
#define LO_TEXT_MAX     (LO_FIELDS * (LRU_TTL_CACHE_FIELD_MAX - 1))
#define LO_BUCKETS_MIN  ((size_t)16)

typedef struct lo_node {
    struct lo_node *hnext;                /* bucket chain; free list link */
    struct lo_node *prev, *next;          /* LRU list: prev toward the head */
    uint64_t        hash;
    int64_t         expires_at;           /* expired when now >= expires_at */
    int32_t         page, per_page;
    uint8_t         present;              /* bit f: field f is not NULL */
    uint8_t         flen[LO_FIELDS];      /* field lengths */
    uint16_t        vlen;
    char            text[LO_TEXT_MAX];    /* the fields back to back */
    unsigned char   value[LRU_TTL_CACHE_VALUE_MAX];
} lo_node;

/* A validated lookup key: the caller's strings, their lengths and hash. */
typedef struct lo_probe {
    const char *f[LO_FIELDS];
    uint8_t     len[LO_FIELDS];
    uint8_t     present;
    int32_t     page, per_page;
    uint64_t    hash;
} lo_probe;

struct lru_ttl_cache {
    lo_node **buckets;                    /* nbuckets chains */
    size_t    nbuckets;                   /* a power of two */
    size_t    size, capacity;
    lo_node  *head, *tail;                /* MRU, LRU; NULL when empty */
    lo_node  *free_nodes;                 /* linked through hnext */
    int64_t   ttl_ms;
    int       same_hash;                  /* test hook: every hash is 0 */
    uint64_t  hits, misses, expirations, evictions;
};

/* ---- hashing and validation -------------------------------------------------- */

static uint64_t lo_fmix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t lo_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9fb21c651e98df25ULL;
    return h ^ (h >> 29);
}

/* Hash of field number f with bytes s[0..len) (present or not): the header
 * word (presence, number, length) keeps field boundaries apart. */
static uint64_t lo_hash_field(uint64_t h, int f, int present, const char *s, size_t len)
{
    h = lo_step(h, (uint64_t)len | (uint64_t)f << 16 | (uint64_t)present << 24);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = lo_step(h, w);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, s + i, len - i);
        h = lo_step(h, w);
    }
    return h;
}

/* Length of s if it has min..LRU_TTL_CACHE_FIELD_MAX-1 bytes, else -1. Reads
 * at most LRU_TTL_CACHE_FIELD_MAX bytes. */
static int lo_field_len(const char *s, size_t min)
{
    for (size_t i = 0; i < LRU_TTL_CACHE_FIELD_MAX; i++)
        if (s[i] == '\0')
            return i >= min ? (int)i : -1;
    return -1;
}

/* Validates k into *p and hashes it. 0 on success, -1 for EINVAL. */
static int lo_probe_init(const lru_ttl_cache *c, const lru_ttl_cache_key *k, lo_probe *p)
{
    if (k == NULL || k->op == NULL)
        return -1;
    p->f[0] = k->op;
    p->f[1] = k->owner;
    p->f[2] = k->repo;
    p->f[3] = k->label;
    p->present = 0;
    p->page = k->page;
    p->per_page = k->per_page;
    uint64_t h = 0x243f6a8885a308d3ULL;
    for (int f = 0; f < LO_FIELDS; f++) {
        int len = 0;
        if (p->f[f] != NULL) {
            len = lo_field_len(p->f[f], f == 0 ? 1 : 0);
            if (len < 0)
                return -1;
            p->present |= (uint8_t)(1u << f);
        }
        p->len[f] = (uint8_t)len;
        h = lo_hash_field(h, f, p->f[f] != NULL, p->f[f], (size_t)len);
    }
    h = lo_step(h, (uint64_t)(uint32_t)k->page << 32 | (uint32_t)k->per_page);
    p->hash = c->same_hash ? 0 : lo_fmix(h);
    return 0;
}

/* 1 if the node holds exactly the probe's key. */
static int lo_key_equal(const lo_node *n, const lo_probe *p)
{
    if (n->hash != p->hash || n->present != p->present || n->page != p->page ||
        n->per_page != p->per_page || memcmp(n->flen, p->len, LO_FIELDS) != 0)
        return 0;
    const char *t = n->text;
    for (int f = 0; f < LO_FIELDS; f++) {
        if (p->len[f] > 0 && memcmp(t, p->f[f], p->len[f]) != 0)
            return 0;
        t += p->len[f];
    }
    return 1;
}

static void lo_key_copy(lo_node *n, const lo_probe *p)
{
    char *t = n->text;
    n->hash = p->hash;
    n->present = p->present;
    n->page = p->page;
    n->per_page = p->per_page;
    for (int f = 0; f < LO_FIELDS; f++) {
        n->flen[f] = p->len[f];
        if (p->len[f] > 0)
            memcpy(t, p->f[f], p->len[f]);
        t += p->len[f];
    }
}

/* ---- map and list ---------------------------------------------------------- */

static lru_ttl_cache *lo_create(const lru_ttl_cache_config *cfg)
{
    if (cfg == NULL || cfg->capacity == 0 || cfg->ttl_ms < 1)
        return NULL;
    lru_ttl_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->buckets = calloc(LO_BUCKETS_MIN, sizeof *c->buckets);
    if (c->buckets == NULL) {
        free(c);
        return NULL;
    }
    c->nbuckets = LO_BUCKETS_MIN;
    c->capacity = cfg->capacity;
    c->ttl_ms = cfg->ttl_ms;
    c->same_hash = cfg->test_same_hash != 0;
    return c;
}

/* Frees every node (list and free list), the buckets and the cache. O(n). */
static void lo_destroy(lru_ttl_cache *c)
{
    if (c == NULL)
        return;
    for (lo_node *n = c->head, *next; n != NULL; n = next) {
        next = n->next;
        free(n);
    }
    for (lo_node *n = c->free_nodes, *next; n != NULL; n = next) {
        next = n->hnext;
        free(n);
    }
    free(c->buckets);
    free(c);
}

static lo_node *lo_find(const lru_ttl_cache *c, const lo_probe *p)
{
    lo_node *n = c->buckets[p->hash & (c->nbuckets - 1)];
    while (n != NULL && !lo_key_equal(n, p))
        n = n->hnext;
    return n;
}

/* Removes n from its bucket chain. O(chain length). */
static void lo_unhash(lru_ttl_cache *c, lo_node *n)
{
    lo_node **pp = &c->buckets[n->hash & (c->nbuckets - 1)];
    while (*pp != n)
        pp = &(*pp)->hnext;
    *pp = n->hnext;
}

static void lo_hash_insert(lru_ttl_cache *c, lo_node *n)
{
    lo_node **b = &c->buckets[n->hash & (c->nbuckets - 1)];
    n->hnext = *b;
    *b = n;
}

static void lo_list_unlink(lru_ttl_cache *c, lo_node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        c->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        c->tail = n->prev;
}

static void lo_list_push_head(lru_ttl_cache *c, lo_node *n)
{
    n->prev = NULL;
    n->next = c->head;
    if (c->head)
        c->head->prev = n;
    else
        c->tail = n;
    c->head = n;
}

/* Makes n the most recently used. */
static void lo_touch(lru_ttl_cache *c, lo_node *n)
{
    if (c->head != n) {
        lo_list_unlink(c, n);
        lo_list_push_head(c, n);
    }
}

/* Doubles the buckets when one more entry would exceed load 1. 0 on
 * success (or nothing to do), -1 when out of memory (nothing changed). */
static int lo_reserve_one(lru_ttl_cache *c)
{
    if (c->size + 1 <= c->nbuckets)
        return 0;
    size_t nb = c->nbuckets * 2;
    lo_node **b = calloc(nb, sizeof *b);
    if (b == NULL)
        return -1;
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (lo_node *n = c->buckets[i], *next; n != NULL; n = next) {
            next = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = nb;
    return 0;
}

static int64_t lo_expiry(int64_t now, int64_t ttl)
{
    return now > INT64_MAX - ttl ? INT64_MAX : now + ttl;
}

static int lo_get(lru_ttl_cache *c, const lru_ttl_cache_key *k, int64_t now,
                  lru_ttl_cache_value *out)
{
    lo_probe p;
    if (c == NULL || out == NULL || lo_probe_init(c, k, &p) != 0)
        return LRU_TTL_CACHE_EINVAL;
    lo_node *n = lo_find(c, &p);
    if (n == NULL) {
        c->misses++;
        return LRU_TTL_CACHE_MISS;
    }
    if (now >= n->expires_at) {
        lo_unhash(c, n);
        lo_list_unlink(c, n);
        n->hnext = c->free_nodes;
        c->free_nodes = n;
        c->size--;
        c->expirations++;
        c->misses++;
        return LRU_TTL_CACHE_MISS;
    }
    lo_touch(c, n);
    c->hits++;
    out->len = n->vlen;
    memcpy(out->bytes, n->value, n->vlen);
    return LRU_TTL_CACHE_OK;
}

static int lo_put(lru_ttl_cache *c, const lru_ttl_cache_key *k, const void *data,
                  size_t len, int64_t now)
{
    lo_probe p;
    if (c == NULL || lo_probe_init(c, k, &p) != 0 || len > LRU_TTL_CACHE_VALUE_MAX ||
        (data == NULL && len > 0))
        return LRU_TTL_CACHE_EINVAL;
    lo_node *n = lo_find(c, &p);
    if (n != NULL) {
        lo_touch(c, n);
    } else {
        if (c->size >= c->capacity) {
            /* evict the LRU and reuse its node: size and buckets unchanged */
            n = c->tail;
            lo_unhash(c, n);
            lo_list_unlink(c, n);
            c->evictions++;
        } else {
            if (lo_reserve_one(c) != 0)
                return LRU_TTL_CACHE_ENOMEM;
            if (c->free_nodes != NULL) {
                n = c->free_nodes;
                c->free_nodes = n->hnext;
            } else if ((n = malloc(sizeof *n)) == NULL) {
                return LRU_TTL_CACHE_ENOMEM;
            }
            c->size++;
        }
        lo_key_copy(n, &p);
        lo_hash_insert(c, n);
        lo_list_push_head(c, n);
    }
    n->expires_at = lo_expiry(now, c->ttl_ms);
    n->vlen = (uint16_t)len;
    if (len > 0)
        memcpy(n->value, data, len);
    return LRU_TTL_CACHE_OK;
}

static void lo_stats(const lru_ttl_cache *c, lru_ttl_cache_stats *out)
{
    out->hits = c->hits;
    out->misses = c->misses;
    out->expirations = c->expirations;
    out->evictions = c->evictions;
    out->size = c->size;
    out->capacity = c->capacity;
}

const lru_ttl_cache_ops lru_ttl_cache_optimized = {
    .name = "optimized",
    .create = lo_create,
    .destroy = lo_destroy,
    .get = lo_get,
    .put = lo_put,
    .stats = lo_stats,
};
