/*
 * lru_ttl_cache_naive: the seed's "before" ApiCache (seed 003), in C.
 *
 * As in the seed's generateKey/normalizeParams, every get and put builds
 * the key afresh: the context fields (sha, timestamp) are dropped, the
 * remaining parameters are put in an array of name/value pairs, sorted by
 * name (sortObjectKeys) and serialised to "op:label=..&owner=..&page=..&
 * per_page=..&repo=.." in a new malloc'd string (absent fields omitted;
 * '%', '&', '=', ':' and control/non-ASCII bytes percent-encoded, so the
 * string is injective in the key). As in the seed there are two hash maps
 * keyed by that string (uthash, the C shape of a JS Map): `cache`
 * (string -> entry with the value and its expiry) and `access_times`
 * (string -> tick of the last use, its own copy of the string). A use
 * stamps the next value of a monotone counter instead of Date.now(), so
 * LRU order has no ties. Eviction scans every access time for the oldest.
 *
 * Cost per operation (n entries, k = key length <= ~300 bytes):
 *   get            O(k) key build (qsort of <= 5 pairs, 1 malloc, 1 free),
 *                  2 hash lookups with O(k) hashing and compare; on expiry
 *                  2 deletions and 4 frees.
 *   put (present)  key build + 2 lookups; no allocation kept.
 *   put (new)      key build + 1 lookup, + when full an O(n) scan of the
 *                  access map and 2 deletions (4 frees); then 3 mallocs
 *                  (entry, access node, key copy) and 2 hash inserts
 *                  (uthash doubles its buckets now and then).
 *   stats          O(1).
 * ENOMEM: the key is not stored; an LRU entry evicted for it stays evicted.
 */
#include "pairbench/lru_ttl_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* uthash reports a failed allocation instead of exiting. */
static int lc_oom;
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (lc_oom = 1)
#include <uthash.h>

typedef struct lc_entry {
    char          *key;                /* owned serialised key */
    int64_t        expires_at;         /* expired when now >= expires_at */
    size_t         len;
    unsigned char  data[LRU_TTL_CACHE_VALUE_MAX];
    UT_hash_handle hh;
} lc_entry;

typedef struct lc_access {
    char          *key;                /* owned copy of the same string */
    uint64_t       tick;               /* use counter at the last use */
    UT_hash_handle hh;
} lc_access;

struct lru_ttl_cache {
    lc_entry  *cache;                  /* uthash head: key -> entry */
    lc_access *access_times;           /* uthash head: key -> last use */
    size_t     capacity;
    int64_t    ttl_ms;
    uint64_t   tick;                   /* last tick handed out */
    uint64_t   hits, misses, expirations, evictions;
};

/* ---- key validation and serialisation ------------------------------------ */

/* 1 if s is a string of min..LRU_TTL_CACHE_FIELD_MAX-1 bytes; NULL is valid only
 * when optional. Reads at most LRU_TTL_CACHE_FIELD_MAX bytes of s. */
static int lc_field_valid(const char *s, size_t min, int optional)
{
    if (s == NULL)
        return optional;
    for (size_t i = 0; i < LRU_TTL_CACHE_FIELD_MAX; i++)
        if (s[i] == '\0')
            return i >= min;
    return 0;
}

static int lc_key_valid(const lru_ttl_cache_key *k)
{
    return k != NULL && lc_field_valid(k->op, 1, 0) &&
           lc_field_valid(k->owner, 0, 1) && lc_field_valid(k->repo, 0, 1) &&
           lc_field_valid(k->label, 0, 1);
}

static int lc_needs_escape(unsigned char ch)
{
    return ch == '%' || ch == '&' || ch == '=' || ch == ':' || ch < 0x20 || ch >= 0x7f;
}

/* Appends s percent-encoded at p (when p is not NULL); returns the length. */
static size_t lc_escape(char *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (lc_needs_escape(ch)) {
            if (p) {
                p[n] = '%';
                p[n + 1] = hex[ch >> 4];
                p[n + 2] = hex[ch & 15];
            }
            n += 3;
        } else {
            if (p)
                p[n] = (char)ch;
            n++;
        }
    }
    return n;
}

typedef struct lc_pair {
    const char *name;
    const char *value;
} lc_pair;

static int lc_pair_cmp(const void *a, const void *b)
{
    return strcmp(((const lc_pair *)a)->name, ((const lc_pair *)b)->name);
}

/* The normalised key of a valid k as a new string, or NULL when out of
 * memory. The context fields are dropped; the others are sorted by name. */
static char *lc_build_key(const lru_ttl_cache_key *k)
{
    char page[16], per_page[16];
    lc_pair pairs[5];
    size_t np = 0;

    snprintf(page, sizeof page, "%d", (int)k->page);
    snprintf(per_page, sizeof per_page, "%d", (int)k->per_page);
    /* { ...params }, in the order a caller would write them */
    if (k->owner)
        pairs[np++] = (lc_pair){ "owner", k->owner };
    if (k->repo)
        pairs[np++] = (lc_pair){ "repo", k->repo };
    if (k->label)
        pairs[np++] = (lc_pair){ "label", k->label };
    pairs[np++] = (lc_pair){ "page", page };
    pairs[np++] = (lc_pair){ "per_page", per_page };
    qsort(pairs, np, sizeof pairs[0], lc_pair_cmp);

    size_t len = lc_escape(NULL, k->op) + 1;
    for (size_t i = 0; i < np; i++)
        len += (i > 0) + strlen(pairs[i].name) + 1 + lc_escape(NULL, pairs[i].value);
    char *s = malloc(len + 1);
    if (s == NULL)
        return NULL;
    size_t at = lc_escape(s, k->op);
    s[at++] = ':';
    for (size_t i = 0; i < np; i++) {
        if (i > 0)
            s[at++] = '&';
        size_t nl = strlen(pairs[i].name);
        memcpy(s + at, pairs[i].name, nl);
        at += nl;
        s[at++] = '=';
        at += lc_escape(s + at, pairs[i].value);
    }
    s[at] = '\0';
    return s;
}

/* ---- the cache -------------------------------------------------------------- */

static int64_t lc_expiry(int64_t now, int64_t ttl)
{
    return now > INT64_MAX - ttl ? INT64_MAX : now + ttl;
}

/* A new empty cache (one malloc; the maps are allocated on first insert). */
static lru_ttl_cache *lc_create(const lru_ttl_cache_config *cfg)
{
    if (cfg == NULL || cfg->capacity == 0 || cfg->ttl_ms < 1)
        return NULL;
    lru_ttl_cache *c = calloc(1, sizeof *c);
    if (c != NULL) {
        c->capacity = cfg->capacity;
        c->ttl_ms = cfg->ttl_ms;
    }
    return c;
}

static void lc_free_entry(lc_entry *e)
{
    free(e->key);
    free(e);
}

static void lc_free_access(lc_access *a)
{
    free(a->key);
    free(a);
}

/* Removes the entry and its access time from both maps and frees them. */
static void lc_remove(lru_ttl_cache *c, lc_entry *e)
{
    lc_access *a = NULL;
    HASH_FIND_STR(c->access_times, e->key, a);
    if (a != NULL) {
        HASH_DEL(c->access_times, a);
        lc_free_access(a);
    }
    HASH_DEL(c->cache, e);
    lc_free_entry(e);
}

/* Frees both maps and the cache. O(n). */
static void lc_destroy(lru_ttl_cache *c)
{
    if (c == NULL)
        return;
    lc_entry *e, *etmp;
    HASH_ITER(hh, c->cache, e, etmp) {
        HASH_DEL(c->cache, e);
        lc_free_entry(e);
    }
    lc_access *a, *atmp;
    HASH_ITER(hh, c->access_times, a, atmp) {
        HASH_DEL(c->access_times, a);
        lc_free_access(a);
    }
    free(c);
}

/* accessTimes.set(key, now): stamps the next tick on the key's access node. */
static void lc_touch(lru_ttl_cache *c, const char *key)
{
    lc_access *a = NULL;
    HASH_FIND_STR(c->access_times, key, a);
    if (a != NULL)
        a->tick = ++c->tick;
}

/* Looks the key up. OK (value copied to *out), MISS, EINVAL. A key that
 * cannot be built for lack of memory counts as a miss. */
static int lc_get(lru_ttl_cache *c, const lru_ttl_cache_key *k, int64_t now,
                  lru_ttl_cache_value *out)
{
    if (c == NULL || out == NULL || !lc_key_valid(k))
        return LRU_TTL_CACHE_EINVAL;
    char *key = lc_build_key(k);
    lc_entry *e = NULL;
    if (key != NULL)
        HASH_FIND_STR(c->cache, key, e);
    if (e == NULL) {
        c->misses++;
        free(key);
        return LRU_TTL_CACHE_MISS;
    }
    if (now >= e->expires_at) {
        lc_remove(c, e);
        c->expirations++;
        c->misses++;
        free(key);
        return LRU_TTL_CACHE_MISS;
    }
    lc_touch(c, key);
    c->hits++;
    out->len = e->len;
    memcpy(out->bytes, e->data, e->len);
    free(key);
    return LRU_TTL_CACHE_OK;
}

/* evictLRU: scans every access time for the smallest tick and removes that
 * key from both maps. O(n). */
static void lc_evict_lru(lru_ttl_cache *c)
{
    lc_access *a, *tmp, *oldest = NULL;
    HASH_ITER(hh, c->access_times, a, tmp) {
        if (oldest == NULL || a->tick < oldest->tick)
            oldest = a;
    }
    if (oldest == NULL)
        return;
    lc_entry *e = NULL;
    HASH_FIND_STR(c->cache, oldest->key, e);
    if (e != NULL)
        lc_remove(c, e);
    c->evictions++;
}

/* Stores a copy of the value. OK, EINVAL, ENOMEM. */
static int lc_put(lru_ttl_cache *c, const lru_ttl_cache_key *k, const void *data,
                  size_t len, int64_t now)
{
    if (c == NULL || !lc_key_valid(k) || len > LRU_TTL_CACHE_VALUE_MAX ||
        (data == NULL && len > 0))
        return LRU_TTL_CACHE_EINVAL;
    char *key = lc_build_key(k);
    if (key == NULL)
        return LRU_TTL_CACHE_ENOMEM;
    lc_entry *e = NULL;
    HASH_FIND_STR(c->cache, key, e);
    if (e != NULL) {
        e->expires_at = lc_expiry(now, c->ttl_ms);
        e->len = len;
        if (len > 0)
            memcpy(e->data, data, len);
        lc_touch(c, key);
        free(key);
        return LRU_TTL_CACHE_OK;
    }
    if (HASH_COUNT(c->cache) >= c->capacity)
        lc_evict_lru(c);

    e = malloc(sizeof *e);
    lc_access *a = malloc(sizeof *a);
    size_t klen = strlen(key) + 1;
    char *akey = malloc(klen);
    if (e == NULL || a == NULL || akey == NULL) {
        free(e);
        free(a);
        free(akey);
        free(key);
        return LRU_TTL_CACHE_ENOMEM;
    }
    memcpy(akey, key, klen);
    e->key = key;
    e->expires_at = lc_expiry(now, c->ttl_ms);
    e->len = len;
    if (len > 0)
        memcpy(e->data, data, len);
    a->key = akey;
    a->tick = ++c->tick;

    lc_oom = 0;
    HASH_ADD_KEYPTR(hh, c->cache, e->key, strlen(e->key), e);
    if (lc_oom) {
        lc_free_entry(e);
        lc_free_access(a);
        return LRU_TTL_CACHE_ENOMEM;
    }
    HASH_ADD_KEYPTR(hh, c->access_times, a->key, strlen(a->key), a);
    if (lc_oom) {
        HASH_DEL(c->cache, e);
        lc_free_entry(e);
        lc_free_access(a);
        return LRU_TTL_CACHE_ENOMEM;
    }
    return LRU_TTL_CACHE_OK;
}

static void lc_stats(const lru_ttl_cache *c, lru_ttl_cache_stats *out)
{
    out->hits = c->hits;
    out->misses = c->misses;
    out->expirations = c->expirations;
    out->evictions = c->evictions;
    out->size = HASH_COUNT(c->cache);
    out->capacity = c->capacity;
}

const lru_ttl_cache_ops lru_ttl_cache_naive = {
    .name = "naive",
    .create = lc_create,
    .destroy = lc_destroy,
    .get = lc_get,
    .put = lc_put,
    .stats = lc_stats,
};
