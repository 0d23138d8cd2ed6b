/*
 * lru_ttl_cache_glib: the seed's ApiCache (seed 003) on GLib, written the
 * way a C programmer who knows GLib would write it: a GHashTable from the
 * key to its entry and a GQueue holding the recency order. A peer of
 * lru_ttl_cache_optimized, not tuned and not held back.
 *
 * Layout:
 *   key     a struct of the four string fields (g_strdup'd copies, NULL
 *           kept as NULL) and page/per_page; never serialised. Hashed by
 *           combining g_str_hash of each field (a fixed value for NULL) and
 *           the two integers (h * 31 + x); compared field by field with
 *           g_strcmp0, so NULL differs from "" and field boundaries are
 *           kept. A lookup hashes a probe struct pointing at the caller's
 *           strings: no allocation. The context fields are not read.
 *   table   GHashTable (g_hash_table_new_full): key = &entry->key, value =
 *           the entry, freed by the table's value destructor on removal.
 *   order   GQueue of entries, most recently used at the head; each entry
 *           keeps its GList link, so a use is g_queue_unlink +
 *           g_queue_push_head_link and eviction is g_queue_pop_tail.
 *   entry   one g_new per entry with the value inline (at most
 *           LRU_TTL_CACHE_VALUE_MAX bytes), plus one g_strdup per present
 *           string field and one GList link; all freed when the entry
 *           leaves the cache (nothing is recycled).
 * Cost per operation (k = total key length <= 4 * 63 bytes):
 *   get            O(k) hash (g_str_hash, a byte at a time) + O(1) expected
 *                  probe with O(k) compare; O(1) queue move; no allocation.
 *                  An expired entry: its link and the entry are freed.
 *   put (present)  the same, plus an O(value) copy.
 *   put (new)      O(1) expected: when full, g_queue_pop_tail and a
 *                  g_hash_table_remove (2..6 frees); then 2..6 allocations
 *                  (entry, link, strings) and a g_hash_table_insert
 *                  (GHashTable resizes now and then: amortised O(1)).
 *   stats          O(1).
 * Out of memory: g_malloc aborts the process (GLib's policy), so put never
 * returns ENOMEM; the header lists this among the differences.
 */
#include "pairbench/lru_ttl_cache.h"

#include <string.h>

#include <glib.h>

typedef struct lg_key {
    const char *op, *owner, *repo, *label;   /* owned by an entry; borrowed by a probe */
    int32_t     page, per_page;
} lg_key;

typedef struct lg_entry {
    lg_key   key;                  /* the table's key is &entry->key */
    GList   *link;                 /* its node in the recency queue */
    int64_t  expires_at;           /* expired when now >= expires_at */
    size_t   len;
    guint8   value[LRU_TTL_CACHE_VALUE_MAX];
} lg_entry;

struct lru_ttl_cache {
    GHashTable *table;             /* lg_key * -> lg_entry * */
    GQueue      order;             /* lg_entry *, most recently used first */
    size_t      capacity;
    int64_t     ttl_ms;
    uint64_t    hits, misses, expirations, evictions;
};

/* ---- the key ------------------------------------------------------------------ */

static guint lg_str_hash(const char *s)
{
    return s != NULL ? g_str_hash(s) : 0x9e3779b9u;
}

static guint lg_key_hash(gconstpointer p)
{
    const lg_key *k = p;
    guint h = lg_str_hash(k->op);
    h = h * 31 + lg_str_hash(k->owner);
    h = h * 31 + lg_str_hash(k->repo);
    h = h * 31 + lg_str_hash(k->label);
    h = h * 31 + (guint)k->page;
    return h * 31 + (guint)k->per_page;
}

/* config.test_same_hash: every key in one probe sequence, so every lookup
 * goes through lg_key_equal. */
static guint lg_key_hash_same(gconstpointer p)
{
    (void)p;
    return 0;
}

static gboolean lg_key_equal(gconstpointer pa, gconstpointer pb)
{
    const lg_key *a = pa, *b = pb;
    return a->page == b->page && a->per_page == b->per_page &&
           g_strcmp0(a->op, b->op) == 0 && g_strcmp0(a->owner, b->owner) == 0 &&
           g_strcmp0(a->repo, b->repo) == 0 && g_strcmp0(a->label, b->label) == 0;
}

/* 1 if s (NULL allowed when optional) has min..LRU_TTL_CACHE_FIELD_MAX-1
 * bytes. memchr stops at the first NUL, so a short string is not read past
 * its end. */
static int lg_field_ok(const char *s, size_t min, int optional)
{
    if (s == NULL)
        return optional;
    const char *end = memchr(s, '\0', LRU_TTL_CACHE_FIELD_MAX);
    return end != NULL && (size_t)(end - s) >= min;
}

/* A probe of k (borrowing its strings), or 0 when k is not a valid key. */
static int lg_probe(const lru_ttl_cache_key *k, lg_key *p)
{
    if (k == NULL || !lg_field_ok(k->op, 1, 0) || !lg_field_ok(k->owner, 0, 1) ||
        !lg_field_ok(k->repo, 0, 1) || !lg_field_ok(k->label, 0, 1))
        return 0;
    *p = (lg_key){ k->op, k->owner, k->repo, k->label, k->page, k->per_page };
    return 1;
}

/* ---- the cache ------------------------------------------------------------------ */

/* The table's value destructor: the entry and its strings (its link is
 * freed by the queue operation that removed it). */
static void lg_entry_free(gpointer p)
{
    lg_entry *e = p;
    g_free((gpointer)e->key.op);
    g_free((gpointer)e->key.owner);
    g_free((gpointer)e->key.repo);
    g_free((gpointer)e->key.label);
    g_free(e);
}

static lru_ttl_cache *lg_create(const lru_ttl_cache_config *cfg)
{
    if (cfg == NULL || cfg->capacity == 0 || cfg->ttl_ms < 1)
        return NULL;
    lru_ttl_cache *c = g_new0(lru_ttl_cache, 1);
    c->table = g_hash_table_new_full(cfg->test_same_hash ? lg_key_hash_same : lg_key_hash,
                                     lg_key_equal, NULL, lg_entry_free);
    g_queue_init(&c->order);
    c->capacity = cfg->capacity;
    c->ttl_ms = cfg->ttl_ms;
    return c;
}

/* The queue's links, then the table (which frees every entry). O(n). */
static void lg_destroy(lru_ttl_cache *c)
{
    if (c == NULL)
        return;
    g_queue_clear(&c->order);
    g_hash_table_destroy(c->table);
    g_free(c);
}

/* Makes e the most recently used. */
static void lg_touch(lru_ttl_cache *c, lg_entry *e)
{
    g_queue_unlink(&c->order, e->link);
    g_queue_push_head_link(&c->order, e->link);
}

static int64_t lg_expiry(int64_t now, int64_t ttl)
{
    return now > INT64_MAX - ttl ? INT64_MAX : now + ttl;
}

static int lg_get(lru_ttl_cache *c, const lru_ttl_cache_key *k, int64_t now,
                  lru_ttl_cache_value *out)
{
    lg_key probe;
    if (c == NULL || out == NULL || !lg_probe(k, &probe))
        return LRU_TTL_CACHE_EINVAL;
    lg_entry *e = g_hash_table_lookup(c->table, &probe);
    if (e == NULL) {
        c->misses++;
        return LRU_TTL_CACHE_MISS;
    }
    if (now >= e->expires_at) {
        g_queue_delete_link(&c->order, e->link);
        g_hash_table_remove(c->table, &e->key);     /* frees e */
        c->expirations++;
        c->misses++;
        return LRU_TTL_CACHE_MISS;
    }
    lg_touch(c, e);
    c->hits++;
    out->len = e->len;
    memcpy(out->bytes, e->value, e->len);
    return LRU_TTL_CACHE_OK;
}

static int lg_put(lru_ttl_cache *c, const lru_ttl_cache_key *k, const void *data,
                  size_t len, int64_t now)
{
    lg_key probe;
    if (c == NULL || !lg_probe(k, &probe) || len > LRU_TTL_CACHE_VALUE_MAX ||
        (data == NULL && len > 0))
        return LRU_TTL_CACHE_EINVAL;
    lg_entry *e = g_hash_table_lookup(c->table, &probe);
    if (e != NULL) {
        lg_touch(c, e);
    } else {
        if (g_hash_table_size(c->table) >= c->capacity) {
            lg_entry *lru = g_queue_pop_tail(&c->order);
            g_hash_table_remove(c->table, &lru->key);   /* frees lru */
            c->evictions++;
        }
        e = g_new(lg_entry, 1);
        e->key = (lg_key){ g_strdup(k->op), g_strdup(k->owner), g_strdup(k->repo),
                           g_strdup(k->label), k->page, k->per_page };
        g_queue_push_head(&c->order, e);
        e->link = c->order.head;
        g_hash_table_insert(c->table, &e->key, e);
    }
    e->expires_at = lg_expiry(now, c->ttl_ms);
    e->len = len;
    if (len > 0)
        memcpy(e->value, data, len);
    return LRU_TTL_CACHE_OK;
}

static void lg_stats(const lru_ttl_cache *c, lru_ttl_cache_stats *out)
{
    out->hits = c->hits;
    out->misses = c->misses;
    out->expirations = c->expirations;
    out->evictions = c->evictions;
    out->size = g_hash_table_size(c->table);
    out->capacity = c->capacity;
}

const lru_ttl_cache_ops lru_ttl_cache_glib = {
    .name = "glib",
    .create = lg_create,
    .destroy = lg_destroy,
    .get = lg_get,
    .put = lg_put,
    .stats = lg_stats,
};
