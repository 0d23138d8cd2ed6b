/*
 * Unit tests of lru_ttl_cache, run once against every implementation (naive,
 * optimized, the GLib peer): the same test list is run as one cmocka group
 * per ops table (the group setup puts the ops table in the test state),
 * plus a group for the optimized and the GLib cache with every hash forced
 * equal (config.test_same_hash), where every lookup goes through the full
 * field comparison. No test injects allocation failures: the GLib peer
 * could not take part (g_malloc aborts the process, as the header says).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/lru_ttl_cache.h"
#include "pb_test.h"

/* ---- helpers -------------------------------------------------------------- */

typedef struct tstate {
    const lru_ttl_cache_ops *ops;
    int                  same_hash;
} tstate;

static const lru_ttl_cache_ops *ops_of(void **state)
{
    return ((const tstate *)*state)->ops;
}

static lru_ttl_cache *new_cache(void **state, size_t capacity, int64_t ttl)
{
    const tstate *t = *state;
    lru_ttl_cache_config cfg = { .capacity = capacity, .ttl_ms = ttl,
                             .test_same_hash = t->same_hash };
    lru_ttl_cache *c = lru_ttl_cache_create(t->ops, &cfg);
    assert_non_null(c);
    return c;
}

static lru_ttl_cache_key repo_key(const char *owner, const char *repo, int page)
{
    lru_ttl_cache_key k = { .op = "listLabelsForRepo", .owner = owner, .repo = repo,
                        .page = page, .per_page = 100 };
    return k;
}

static void put_str(const lru_ttl_cache_ops *o, lru_ttl_cache *c, const lru_ttl_cache_key *k,
                    const char *v, int64_t now)
{
    assert_int_equal(lru_ttl_cache_put(o, c, k, v, strlen(v), now), LRU_TTL_CACHE_OK);
}

/* get must hit with exactly the value v. */
static void expect_hit(const lru_ttl_cache_ops *o, lru_ttl_cache *c, const lru_ttl_cache_key *k,
                       const char *v, int64_t now)
{
    lru_ttl_cache_value out;
    memset(&out, 0xAB, sizeof out);
    assert_int_equal(lru_ttl_cache_get(o, c, k, now, &out), LRU_TTL_CACHE_OK);
    assert_int_equal(out.len, strlen(v));
    assert_memory_equal(out.bytes, v, out.len);
}

static void expect_miss(const lru_ttl_cache_ops *o, lru_ttl_cache *c, const lru_ttl_cache_key *k,
                        int64_t now)
{
    lru_ttl_cache_value out;
    memset(&out, 0xAB, sizeof out);
    assert_int_equal(lru_ttl_cache_get(o, c, k, now, &out), LRU_TTL_CACHE_MISS);
    assert_int_equal(out.len, (size_t)0xABABABABABABABABULL);   /* untouched */
}

static void expect_stats(const lru_ttl_cache_ops *o, const lru_ttl_cache *c, uint64_t hits,
                         uint64_t misses, uint64_t expirations, uint64_t evictions,
                         size_t size)
{
    lru_ttl_cache_stats s;
    lru_ttl_cache_get_stats(o, c, &s);
    assert_int_equal(s.hits, hits);
    assert_int_equal(s.misses, misses);
    assert_int_equal(s.expirations, expirations);
    assert_int_equal(s.evictions, evictions);
    assert_int_equal(s.size, size);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_create_rejects_bad_config(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache_config zero_cap = { .capacity = 0, .ttl_ms = 10 };
    lru_ttl_cache_config zero_ttl = { .capacity = 4, .ttl_ms = 0 };
    lru_ttl_cache_config neg_ttl = { .capacity = 4, .ttl_ms = -5 };
    assert_null(lru_ttl_cache_create(o, NULL));
    assert_null(lru_ttl_cache_create(o, &zero_cap));
    assert_null(lru_ttl_cache_create(o, &zero_ttl));
    assert_null(lru_ttl_cache_create(o, &neg_ttl));
    lru_ttl_cache_destroy(o, NULL);
    lru_ttl_cache *c = new_cache(state, 3, 100);
    lru_ttl_cache_stats s;
    lru_ttl_cache_get_stats(o, c, &s);
    assert_int_equal(s.capacity, 3);
    expect_stats(o, c, 0, 0, 0, 0, 0);
    lru_ttl_cache_destroy(o, c);
}

static void test_hit_and_miss(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 8, 1000);
    lru_ttl_cache_key a = repo_key("octo", "hello", 1);
    lru_ttl_cache_key b = repo_key("octo", "world", 1);
    expect_miss(o, c, &a, 0);
    put_str(o, c, &a, "[bug,feature]", 0);
    expect_hit(o, c, &a, "[bug,feature]", 1);
    expect_miss(o, c, &b, 2);
    /* an empty value is a value */
    assert_int_equal(lru_ttl_cache_put(o, c, &b, NULL, 0, 3), LRU_TTL_CACHE_OK);
    expect_hit(o, c, &b, "", 4);
    expect_stats(o, c, 2, 2, 0, 0, 2);
    lru_ttl_cache_destroy(o, c);
}

static void test_invalid_arguments_change_nothing(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 4, 1000);
    char long_field[LRU_TTL_CACHE_FIELD_MAX + 1];
    memset(long_field, 'x', LRU_TTL_CACHE_FIELD_MAX);
    long_field[LRU_TTL_CACHE_FIELD_MAX] = '\0';
    char max_field[LRU_TTL_CACHE_FIELD_MAX];
    memset(max_field, 'y', LRU_TTL_CACHE_FIELD_MAX - 1);
    max_field[LRU_TTL_CACHE_FIELD_MAX - 1] = '\0';
    unsigned char big[LRU_TTL_CACHE_VALUE_MAX + 1] = {0};
    lru_ttl_cache_value out;

    lru_ttl_cache_key ok = repo_key("o", "r", 1);
    lru_ttl_cache_key no_op = ok, empty_op = ok, long_op = ok, long_owner = ok,
                  long_repo = ok, long_label = ok, max_all = ok;
    no_op.op = NULL;
    empty_op.op = "";
    long_op.op = long_field;
    long_owner.owner = long_field;
    long_repo.repo = long_field;
    long_label.label = long_field;
    const lru_ttl_cache_key *bad[] = { &no_op, &empty_op, &long_op, &long_owner,
                                   &long_repo, &long_label, NULL };
    for (int i = 0; i < 7; i++) {
        assert_int_equal(lru_ttl_cache_get(o, c, bad[i], 0, &out), LRU_TTL_CACHE_EINVAL);
        assert_int_equal(lru_ttl_cache_put(o, c, bad[i], "v", 1, 0), LRU_TTL_CACHE_EINVAL);
    }
    assert_int_equal(lru_ttl_cache_get(o, c, &ok, 0, NULL), LRU_TTL_CACHE_EINVAL);
    assert_int_equal(lru_ttl_cache_put(o, c, &ok, NULL, 1, 0), LRU_TTL_CACHE_EINVAL);
    assert_int_equal(lru_ttl_cache_put(o, c, &ok, big, sizeof big, 0), LRU_TTL_CACHE_EINVAL);
    expect_stats(o, c, 0, 0, 0, 0, 0);

    /* the limits themselves are fine */
    max_all.op = max_all.owner = max_all.repo = max_all.label = max_field;
    assert_int_equal(lru_ttl_cache_put(o, c, &max_all, big, LRU_TTL_CACHE_VALUE_MAX, 0),
                     LRU_TTL_CACHE_OK);
    assert_int_equal(lru_ttl_cache_get(o, c, &max_all, 1, &out), LRU_TTL_CACHE_OK);
    assert_int_equal(out.len, LRU_TTL_CACHE_VALUE_MAX);
    expect_stats(o, c, 1, 0, 0, 0, 1);
    lru_ttl_cache_destroy(o, c);
}

/* Expired when now >= put time + ttl: a hit at t+ttl-1, a miss at t+ttl. */
static void test_ttl_boundary(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 4, 300);
    lru_ttl_cache_key a = repo_key("o", "a", 1);
    put_str(o, c, &a, "A", 1000);
    expect_hit(o, c, &a, "A", 1000);
    expect_hit(o, c, &a, "A", 1299);
    expect_stats(o, c, 2, 0, 0, 0, 1);
    expect_miss(o, c, &a, 1300);
    expect_stats(o, c, 2, 1, 1, 0, 0);
    /* removed: a later get is a plain miss, not another expiration */
    expect_miss(o, c, &a, 1301);
    expect_stats(o, c, 2, 2, 1, 0, 0);

    /* a hit does not extend the TTL */
    put_str(o, c, &a, "A2", 2000);
    expect_hit(o, c, &a, "A2", 2250);
    expect_miss(o, c, &a, 2300);
    expect_stats(o, c, 3, 3, 2, 0, 0);

    /* ttl 1: only the put instant hits */
    lru_ttl_cache *d = new_cache(state, 1, 1);
    put_str(o, d, &a, "x", 5);
    expect_hit(o, d, &a, "x", 5);
    expect_miss(o, d, &a, 6);
    expect_stats(o, d, 1, 1, 1, 0, 0);
    lru_ttl_cache_destroy(o, d);
    lru_ttl_cache_destroy(o, c);
}

static void test_ttl_saturates(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 2, INT64_MAX);
    lru_ttl_cache_key a = repo_key("o", "a", 1);
    put_str(o, c, &a, "A", 10);
    expect_hit(o, c, &a, "A", INT64_MAX - 1);
    expect_miss(o, c, &a, INT64_MAX);          /* expires_at saturated to MAX */
    put_str(o, c, &a, "A", INT64_MIN);
    expect_hit(o, c, &a, "A", -2);             /* expires at INT64_MIN + MAX = -1 */
    expect_miss(o, c, &a, -1);
    lru_ttl_cache_destroy(o, c);
}

static void test_lru_order_after_gets(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 3, 1000000);
    lru_ttl_cache_key a = repo_key("o", "a", 1), b = repo_key("o", "b", 1),
                  d = repo_key("o", "d", 1), e = repo_key("o", "e", 1),
                  f = repo_key("o", "f", 1);
    put_str(o, c, &a, "A", 0);
    put_str(o, c, &b, "B", 0);
    put_str(o, c, &d, "D", 0);
    /* use a: the LRU is now b */
    expect_hit(o, c, &a, "A", 1);
    put_str(o, c, &e, "E", 2);
    expect_stats(o, c, 1, 0, 0, 1, 3);
    expect_miss(o, c, &b, 3);
    expect_hit(o, c, &d, "D", 4);    /* order now (old..new): a e d */
    put_str(o, c, &f, "F", 5);       /* evicts a */
    expect_miss(o, c, &a, 6);
    expect_hit(o, c, &e, "E", 7);
    expect_hit(o, c, &d, "D", 8);
    expect_hit(o, c, &f, "F", 9);
    expect_stats(o, c, 5, 2, 0, 2, 3);
    /* a miss does not count as a use: f, e, d -> LRU is e after the miss */
    expect_miss(o, c, &b, 10);
    put_str(o, c, &b, "B", 11);      /* evicts e */
    expect_miss(o, c, &e, 12);
    expect_stats(o, c, 5, 4, 0, 3, 3);
    lru_ttl_cache_destroy(o, c);
}

static void test_eviction_at_capacity(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    enum { CAP = 50 };
    lru_ttl_cache *c = new_cache(state, CAP, 1000000);
    char repo[32], val[32];
    for (int i = 0; i < 3 * CAP; i++) {
        snprintf(repo, sizeof repo, "repo-%d", i);
        snprintf(val, sizeof val, "v%d", i);
        lru_ttl_cache_key k = repo_key("org", repo, 1);
        put_str(o, c, &k, val, i);
    }
    expect_stats(o, c, 0, 0, 0, 2 * CAP, CAP);
    for (int i = 0; i < 3 * CAP; i++) {
        snprintf(repo, sizeof repo, "repo-%d", i);
        snprintf(val, sizeof val, "v%d", i);
        lru_ttl_cache_key k = repo_key("org", repo, 1);
        if (i < 2 * CAP)
            expect_miss(o, c, &k, 1000);
        else
            expect_hit(o, c, &k, val, 1000);
    }
    expect_stats(o, c, CAP, 2 * CAP, 0, 2 * CAP, CAP);
    lru_ttl_cache_destroy(o, c);
}

/* The LRU entry is evicted even when it has expired (lazy expiry): that is
 * an eviction, not an expiration. A younger expired entry stays. */
static void test_eviction_of_expired_lru(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 2, 100);
    lru_ttl_cache_key a = repo_key("o", "a", 1), b = repo_key("o", "b", 1),
                  d = repo_key("o", "d", 1);
    put_str(o, c, &a, "A", 0);
    put_str(o, c, &b, "B", 50);
    put_str(o, c, &d, "D", 500);     /* both expired; evicts a */
    expect_stats(o, c, 0, 0, 0, 1, 2);
    expect_miss(o, c, &b, 501);      /* expired */
    expect_stats(o, c, 0, 1, 1, 1, 1);
    expect_hit(o, c, &d, "D", 599);
    lru_ttl_cache_destroy(o, c);
}

static void test_capacity_one(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 1, 1000);
    lru_ttl_cache_key a = repo_key("o", "a", 1), b = repo_key("o", "b", 1);
    put_str(o, c, &a, "A", 0);
    expect_hit(o, c, &a, "A", 1);
    put_str(o, c, &a, "A2", 2);      /* update: no eviction */
    expect_stats(o, c, 1, 0, 0, 0, 1);
    put_str(o, c, &b, "B", 3);
    expect_miss(o, c, &a, 4);
    expect_hit(o, c, &b, "B", 5);
    put_str(o, c, &a, "A3", 6);
    expect_hit(o, c, &a, "A3", 7);
    expect_miss(o, c, &b, 8);
    expect_stats(o, c, 3, 2, 0, 2, 1);
    /* expiry empties it; the next put needs no eviction */
    expect_miss(o, c, &a, 5000);
    expect_stats(o, c, 3, 3, 1, 2, 0);
    put_str(o, c, &b, "B2", 5001);
    expect_stats(o, c, 3, 3, 1, 2, 1);
    expect_hit(o, c, &b, "B2", 5002);
    lru_ttl_cache_destroy(o, c);
}

/* Put of a present key replaces the value, restarts the TTL and makes it
 * the most recently used; a present key that has expired is refreshed the
 * same way, with no expiration counted. */
static void test_update_refreshes(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 3, 100);
    lru_ttl_cache_key a = repo_key("o", "a", 1), b = repo_key("o", "b", 1),
                  d = repo_key("o", "d", 1), e = repo_key("o", "e", 1);
    put_str(o, c, &a, "A", 0);
    put_str(o, c, &b, "B", 10);
    put_str(o, c, &d, "D", 20);
    put_str(o, c, &a, "A-longer-value", 90);   /* a is now MRU, TTL to 190 */
    put_str(o, c, &e, "E", 95);                /* evicts b, the LRU */
    expect_miss(o, c, &b, 96);
    expect_hit(o, c, &a, "A-longer-value", 189);
    expect_miss(o, c, &d, 189);                /* put at 20, expired at 120 */
    expect_miss(o, c, &a, 190);
    expect_stats(o, c, 1, 3, 2, 1, 1);
    /* refresh an expired entry that is still held */
    put_str(o, c, &e, "E2", 1000);
    expect_stats(o, c, 1, 3, 2, 1, 1);
    expect_hit(o, c, &e, "E2", 1099);
    /* a shorter value overwrites a longer one completely */
    put_str(o, c, &e, "", 1100);
    expect_hit(o, c, &e, "", 1101);
    lru_ttl_cache_destroy(o, c);
}

static void test_stats_after_mixed_sequence(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 4, 50);
    char repo[16];
    uint64_t hits = 0, misses = 0;
    int64_t now = 0;
    /* cache-aside over 6 keys cycling through 4 slots */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 6; i++) {
            snprintf(repo, sizeof repo, "r%d", i);
            lru_ttl_cache_key k = repo_key("o", repo, 1);
            lru_ttl_cache_value out;
            int rc = lru_ttl_cache_get(o, c, &k, now, &out);
            if (rc == LRU_TTL_CACHE_OK)
                hits++;
            else
                misses++, put_str(o, c, &k, repo, now);
            now += 3;
        }
    }
    /* 6 keys cycling through 4 slots: LRU always evicts the next one asked */
    assert_int_equal(hits, 0);
    assert_int_equal(misses, 18);
    expect_stats(o, c, 0, 18, 0, 14, 4);
    /* wait out the TTL: every held entry expires on get */
    for (int i = 0; i < 6; i++) {
        snprintf(repo, sizeof repo, "r%d", i);
        lru_ttl_cache_key k = repo_key("o", repo, 1);
        expect_miss(o, c, &k, 10000);
    }
    expect_stats(o, c, 0, 24, 4, 14, 0);
    lru_ttl_cache_destroy(o, c);
}

/* Keys that differ in one field, in field boundaries, in absence vs "",
 * or only in context fields. */
static void test_key_distinctness(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    lru_ttl_cache *c = new_cache(state, 64, 1000);
    lru_ttl_cache_key base = { .op = "getLabel", .owner = "ab", .repo = "c",
                           .label = "bug", .page = 1, .per_page = 30 };
    lru_ttl_cache_key v[16];
    int n = 0;
    v[n++] = base;
    v[n] = base; v[n].owner = "a"; v[n].repo = "bc"; n++;          /* boundary */
    v[n] = base; v[n].owner = "abc"; v[n].repo = ""; n++;
    v[n] = base; v[n].owner = "abc"; v[n].repo = NULL; n++;         /* absent */
    v[n] = base; v[n].op = "getLabe"; v[n].owner = "lab"; n++;
    v[n] = base; v[n].label = NULL; n++;
    v[n] = base; v[n].label = ""; n++;
    v[n] = base; v[n].page = 2; n++;
    v[n] = base; v[n].per_page = 31; n++;
    v[n] = base; v[n].page = 30; v[n].per_page = 1; n++;            /* swapped ints */
    v[n] = base; v[n].owner = "c"; v[n].repo = "ab"; n++;           /* swapped strings */
    v[n] = base; v[n].label = "bug&page=1"; n++;                    /* separators */
    v[n] = base; v[n].owner = "ab&repo=c"; v[n].repo = NULL; n++;
    v[n] = base; v[n].op = "getLabel:owner=ab"; v[n].owner = NULL; n++;
    v[n] = base; v[n].repo = "C"; n++;
    v[n] = base; v[n].owner = "ab%26"; n++;
    char val[16];
    for (int i = 0; i < n; i++) {
        snprintf(val, sizeof val, "v%d", i);
        put_str(o, c, &v[i], val, 0);
    }
    expect_stats(o, c, 0, 0, 0, 0, (size_t)n);
    for (int i = 0; i < n; i++) {
        snprintf(val, sizeof val, "v%d", i);
        expect_hit(o, c, &v[i], val, 1);
    }
    /* context fields are not key: same entry */
    lru_ttl_cache_key ctx = base;
    ctx.sha = "deadbeef";
    ctx.timestamp_ms = 123456;
    expect_hit(o, c, &ctx, "v0", 2);
    put_str(o, c, &ctx, "v0b", 3);
    expect_hit(o, c, &base, "v0b", 4);
    /* equal strings at different addresses are the same key */
    char owner[] = "ab", repo[] = "c", label[] = "bug", op[] = "getLabel";
    lru_ttl_cache_key copy = { .op = op, .owner = owner, .repo = repo, .label = label,
                           .page = 1, .per_page = 30 };
    expect_hit(o, c, &copy, "v0b", 5);
    expect_stats(o, c, (uint64_t)n + 3, 0, 0, 0, (size_t)n);
    lru_ttl_cache_destroy(o, c);
}

/* Many keys with long shared prefixes and binary bytes; under the
 * same-hash group every one of them shares one chain. */
static void test_many_similar_keys(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    enum { K = 300 };
    lru_ttl_cache *c = new_cache(state, K, 1000000);
    char owner[K][LRU_TTL_CACHE_FIELD_MAX], repo[K][LRU_TTL_CACHE_FIELD_MAX];
    lru_ttl_cache_key keys[K];
    for (int i = 0; i < K; i++) {
        snprintf(owner[i], sizeof owner[i], "organisation-with-a-long-name-%d", i % 7);
        snprintf(repo[i], sizeof repo[i], "r%c%c%d", 1 + i % 5, 0x80 + i % 3, i / 7);
        keys[i] = (lru_ttl_cache_key){ .op = "listLabelsForRepo", .owner = owner[i],
                                   .repo = repo[i], .page = i % 2, .per_page = 100 };
    }
    char val[16];
    for (int i = 0; i < K; i++) {
        snprintf(val, sizeof val, "%d", i);
        put_str(o, c, &keys[i], val, i);
    }
    for (int i = K - 1; i >= 0; i--) {
        snprintf(val, sizeof val, "%d", i);
        expect_hit(o, c, &keys[i], val, K);
    }
    expect_stats(o, c, K, 0, 0, 0, K);
    lru_ttl_cache_destroy(o, c);
}

static void test_name(void **state)
{
    const lru_ttl_cache_ops *o = ops_of(state);
    assert_true(strcmp(o->name, "naive") == 0 || strcmp(o->name, "optimized") == 0 ||
                strcmp(o->name, "glib") == 0);
}

static tstate st_naive = { &lru_ttl_cache_naive, 0 };
static tstate st_opt = { &lru_ttl_cache_optimized, 0 };
static tstate st_opt_same = { &lru_ttl_cache_optimized, 1 };
static tstate st_glib = { &lru_ttl_cache_glib, 0 };
static tstate st_glib_same = { &lru_ttl_cache_glib, 1 };

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_create_rejects_bad_config),
        cmocka_unit_test(test_hit_and_miss),
        cmocka_unit_test(test_invalid_arguments_change_nothing),
        cmocka_unit_test(test_ttl_boundary),
        cmocka_unit_test(test_ttl_saturates),
        cmocka_unit_test(test_lru_order_after_gets),
        cmocka_unit_test(test_eviction_at_capacity),
        cmocka_unit_test(test_eviction_of_expired_lru),
        cmocka_unit_test(test_capacity_one),
        cmocka_unit_test(test_update_refreshes),
        cmocka_unit_test(test_stats_after_mixed_sequence),
        cmocka_unit_test(test_key_distinctness),
        cmocka_unit_test(test_many_similar_keys),
    };
    const pbt_table tables[] = {
        { "naive", &st_naive },
        { "optimized", &st_opt },
        { "optimized, all hashes equal", &st_opt_same },
        { "glib", &st_glib },
        { "glib, all hashes equal", &st_glib_same },
    };
    return pbt_run_tables("lru_ttl_cache", tests, PBT_ARRAY_LEN(tests),
                          tables, PBT_ARRAY_LEN(tables)) != 0;
}
