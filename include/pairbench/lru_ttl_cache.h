/*
 * lru_ttl_cache: the GitHub API response cache of seed 003 (ApiCache.js).
 *
 * A cache maps a request (an operation name plus a small parameter record)
 * to a copy of the response bytes. It holds at most `capacity` entries; an
 * entry lives `ttl_ms` from its last put. The clock is injected: the caller
 * passes now_ms to every call (any int64 values; recency is by call order,
 * not by the clock, so a clock that stands still or goes back is fine).
 *
 * Three implementations share this ops table:
 *   lru_ttl_cache_naive      the seed's "before" code: on every call the key
 *                            is built by normalising the params and
 *                            serialising them to a sorted "k=v&k=v" string
 *                            (malloc); a uthash map string -> entry plus an
 *                            access-time map string -> tick; eviction scans
 *                            every access time for the oldest, O(n).
 *   lru_ttl_cache_optimized  a 64-bit hash computed from the fields directly
 *                            (no string), a full copy of the fields compared
 *                            on every hash match (no false hits), a
 *                            hand-written chained hash map and an intrusive
 *                            doubly linked LRU list: O(1) get/put/evict.
 *   lru_ttl_cache_glib       a peer on GLib: a GHashTable from a struct of
 *                            g_strdup'd fields (g_str_hash combined,
 *                            g_strcmp0 compared) to the entry, recency in a
 *                            GQueue (unlink + push_head_link on a use,
 *                            pop_tail to evict): O(1) get/put/evict, with
 *                            GLib's allocation per entry and field.
 * All three give identical results and statistics for every call sequence;
 * the naive one is the test oracle of the other two.
 *
 * Ways the implementations may differ (nothing else may):
 *   ENOMEM     the optimized cache returns it and changes nothing; the
 *              naive one returns it and leaves evicted an LRU entry it
 *              evicted for the new key; the GLib peer never returns it:
 *              GLib's g_malloc aborts the process when memory runs out.
 *   test_same_hash  honoured by the optimized and GLib caches, ignored by
 *              the naive one (results are the same either way).
 *   memory     how much each allocates, and when (not observable through
 *              this interface: the naive cache allocates on every call, the
 *              optimized one only while it grows, the GLib one per new
 *              entry and per string field).
 *
 * Semantics (every implementation):
 *   key        op, owner, repo, label, page, per_page. owner, repo and label
 *              may be NULL (absent); an absent field differs from "". The
 *              fields sha and timestamp_ms are context, not key: they are
 *              dropped by normalisation (as the seed deletes context.sha and
 *              timestamp) and never affect a lookup.
 *   expiry     an entry put at time t expires when now >= t + ttl_ms
 *              (saturating at INT64_MAX). Expiry is lazy: an expired entry
 *              found by get is removed and counted as an expiration and a
 *              miss. Entries never found expired stay until evicted or
 *              replaced (they count in `size`).
 *   use        a get hit or a put. Each use takes the next value of a
 *              monotone per-cache counter, so recency has no ties.
 *   put        of a key already present (expired or not): replaces the
 *              value, restarts its TTL at now and makes it most recently
 *              used; no eviction, no expiration counted. Of a new key when
 *              size == capacity: first evicts the least recently used entry
 *              (whether or not it has expired; counted as an eviction).
 *              (The seed evicts even when overwriting a present key: that
 *              bug is not reproduced.)
 *   get        miss: nothing changes but the miss count (and the expiry
 *              above). hit: copies the value out, counts a hit, refreshes
 *              recency but not the TTL.
 */
#ifndef PAIRBENCH_LRU_TTL_CACHE_H
#define PAIRBENCH_LRU_TTL_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* op, owner, repo, label: at most LRU_TTL_CACHE_FIELD_MAX-1 bytes each (op at
 * least 1). A value: at most LRU_TTL_CACHE_VALUE_MAX bytes. */
#define LRU_TTL_CACHE_FIELD_MAX 64
#define LRU_TTL_CACHE_VALUE_MAX 256

/* A request, as the GitHub label sync issues it. The strings are borrowed
 * for the duration of the call only. */
typedef struct lru_ttl_cache_key {
    const char *op;            /* "listLabelsForRepo", "getLabel", ... */
    const char *owner;         /* NULL = absent */
    const char *repo;          /* NULL = absent */
    const char *label;         /* NULL = absent */
    int32_t     page;
    int32_t     per_page;
    /* context: not part of the key (removed by normalisation) */
    const char *sha;
    int64_t     timestamp_ms;
} lru_ttl_cache_key;

typedef struct lru_ttl_cache_value {
    size_t        len;                         /* 0..LRU_TTL_CACHE_VALUE_MAX */
    unsigned char bytes[LRU_TTL_CACHE_VALUE_MAX];  /* bytes[len..) unspecified */
} lru_ttl_cache_value;

typedef struct lru_ttl_cache_config {
    size_t  capacity;          /* >= 1 entries */
    int64_t ttl_ms;            /* >= 1 */
    /* Test hook: when non-zero the optimized and GLib caches give every key
     * the same hash, so every lookup goes through the full field
     * comparison. The naive cache ignores it. Results are the same either
     * way. */
    int     test_same_hash;
} lru_ttl_cache_config;

typedef struct lru_ttl_cache_stats {
    uint64_t hits;             /* gets that returned a value */
    uint64_t misses;           /* gets that did not (expired ones included) */
    uint64_t expirations;      /* expired entries removed by get */
    uint64_t evictions;        /* LRU entries removed by a put of a new key */
    size_t   size;             /* entries held now (expired ones included) */
    size_t   capacity;
} lru_ttl_cache_stats;

/* Return codes. EINVAL is checked first and changes nothing, statistics
 * included: NULL key/out/cache, op NULL/empty/too long, another field too
 * long, value NULL with len > 0 or len > LRU_TTL_CACHE_VALUE_MAX. */
enum {
    LRU_TTL_CACHE_OK     = 0,  /* get: hit; put: stored */
    LRU_TTL_CACHE_MISS   = 1,  /* get: absent or expired */
    LRU_TTL_CACHE_EINVAL = 2,
    LRU_TTL_CACHE_ENOMEM = 3   /* put: allocation failed; the key is not
                                  stored (optimized: nothing changed; naive:
                                  an LRU entry evicted for it stays evicted;
                                  glib: never returned, the process aborts) */
};

typedef struct lru_ttl_cache lru_ttl_cache;   /* opaque */

typedef struct lru_ttl_cache_ops {
    const char *name;                   /* "naive" | "optimized" | "glib" */

    /* A new empty cache, or NULL when cfg is NULL, capacity is 0, ttl_ms
     * < 1 or out of memory (glib: aborts instead). */
    lru_ttl_cache *(*create)(const lru_ttl_cache_config *cfg);
    /* Frees the cache and every entry. NULL is a no-op. */
    void (*destroy)(lru_ttl_cache *c);

    /* Looks the key up at time now_ms. OK: *out holds a copy of the value.
     * MISS: *out untouched. EINVAL. */
    int (*get)(lru_ttl_cache *c, const lru_ttl_cache_key *k, int64_t now_ms,
               lru_ttl_cache_value *out);
    /* Stores a copy of data[0..len) under the key at time now_ms. OK,
     * EINVAL, ENOMEM (never from glib). */
    int (*put)(lru_ttl_cache *c, const lru_ttl_cache_key *k, const void *data,
               size_t len, int64_t now_ms);
    /* The statistics since create. O(1). */
    void (*stats)(const lru_ttl_cache *c, lru_ttl_cache_stats *out);
} lru_ttl_cache_ops;

extern const lru_ttl_cache_ops lru_ttl_cache_naive;
extern const lru_ttl_cache_ops lru_ttl_cache_optimized;
extern const lru_ttl_cache_ops lru_ttl_cache_glib;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline lru_ttl_cache *lru_ttl_cache_create(const lru_ttl_cache_ops *o, const lru_ttl_cache_config *cfg) { return o->create(cfg); }
static inline void lru_ttl_cache_destroy(const lru_ttl_cache_ops *o, lru_ttl_cache *c) { o->destroy(c); }
static inline int lru_ttl_cache_get(const lru_ttl_cache_ops *o, lru_ttl_cache *c, const lru_ttl_cache_key *k, int64_t now_ms, lru_ttl_cache_value *out) { return o->get(c, k, now_ms, out); }
static inline int lru_ttl_cache_put(const lru_ttl_cache_ops *o, lru_ttl_cache *c, const lru_ttl_cache_key *k, const void *data, size_t len, int64_t now_ms) { return o->put(c, k, data, len, now_ms); }
static inline void lru_ttl_cache_get_stats(const lru_ttl_cache_ops *o, const lru_ttl_cache *c, lru_ttl_cache_stats *out) { o->stats(c, out); }

#endif
