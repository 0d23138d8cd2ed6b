/*
 * Differential test of lru_ttl_cache: the naive implementation is the
 * oracle of the others (the optimized one and the GLib peer).
 *
 * 10,240 random sequences (fixed seed, splitmix64) run through every
 * implementation; every return code, every value returned by a hit and
 * the full statistics after every operation must be identical to the
 * oracle's. Each sequence draws:
 *   capacity   1..500, log-uniform by octaves (plus fixed 1, 2 and 500);
 *   TTL        small (1..64 ms, entries expire all the time), medium
 *              (the clock passes it within a few hundred ops) or large
 *              (1e12 ms, nothing expires), and 1 sequence in 64 INT64_MAX;
 *   clock      advancing by random steps of 0..s ms per op (s random per
 *              sequence; 0 keeps it still), with rare jumps of many TTLs;
 *   keys       a universe of capacity/2+8..4.5*capacity+8 keys composed from
 *              small field pools full of near-misses (absent vs "",
 *              "ab"+"c" vs "a"+"bc", separators and percent signs, bytes
 *              >= 0x80 and control bytes), so many keys share fields or
 *              coincide, accessed uniformly or Zipf-like (log-uniform rank);
 *   op mix     cache-aside (get, put on miss), blind puts, gets only, or
 *              a random mix; 1% invalid calls (NULL/empty/too long op,
 *              too long field, oversized value, NULL out); context fields
 *              (sha, timestamp) random on every call; after the ops every
 *              key of the universe is read back once;
 *   hashing    1 sequence in 8 gives the optimized and GLib caches
 *              test_same_hash, so every lookup walks one chain (one probe
 *              sequence) and compares all fields.
 * On a mismatch the test prints the sequence number, its parameters and the
 * operation index, then fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/lru_ttl_cache.h"
#include "pb_test.h"

#define N_SEQS       10240
#define CAP_MAX      500
#define BASE_SEED    UINT64_C(0x3c0ffee003)

/* Every implementation, each with a cache of its own; the first is the
 * oracle of the others. */
static const lru_ttl_cache_ops *const IMPL[] = {
    &lru_ttl_cache_naive, &lru_ttl_cache_optimized, &lru_ttl_cache_glib,
};
#define N_IMPL PBT_ARRAY_LEN(IMPL)

/* ---- field pools ------------------------------------------------------------ */

static const char *const ops_pool[] = {
    "listLabelsForRepo", "getLabel", "listLabelsOnIssue", "getLabe", "l",
    "getLabel:owner=ab", "get%4Label", "op\x01", "op\xc3\xa9",
};
static const char *const owner_pool[] = {
    NULL, "", "a", "ab", "abc", "b", "bc", "c", "octo", "octo-org",
    "ab&repo=c", "a=b", "%61b", "a%", "\x80", "\xff\xfe",
};
static const char *const repo_pool[] = {
    NULL, "", "c", "bc", "abc", "hello", "hello-world", "label-sync",
    "c&page=1", "=", "&", ":", "repo\x1f", "r\x80",
};
static const char *const label_pool[] = {
    NULL, NULL, NULL, "", "bug", "bug ", "good first issue", "priority: high",
    "a", "ab", "type=bug", "50%", "\xe2\x9c\x93",
};
#define POOL_N(p) (sizeof p / sizeof p[0])

/* ---- sequence context ------------------------------------------------------- */

enum { MIX_ASIDE, MIX_PUTS, MIX_GETS, MIX_RANDOM, MIX_COUNT };
static const char *const mix_name[] = { "cache-aside", "puts", "gets", "random" };

typedef struct ctx {
    pbt_rng      r;
    pbt_where   at;         /* seed, seq, step, op: what a mismatch prints */
    const char  *op_name;
    size_t       capacity;
    int64_t      ttl;
    int          mix, zipf, same_hash;
    size_t       universe;
    lru_ttl_cache   *cache[N_IMPL];     /* cache[i] of IMPL[i] */
    lru_ttl_cache_key keys[CAP_MAX / 2 + 4 * CAP_MAX + 8];
    char         long_field[LRU_TTL_CACHE_FIELD_MAX + 8];
    unsigned long long ops_done, hits, expirations, evictions;
} ctx;

/* What a mismatch prints besides seed, seq, step and op. */
static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "capacity=%zu ttl=%lld mix=%s zipf=%d same_hash=%d universe=%zu",
             c->capacity, (long long)c->ttl, mix_name[c->mix], c->zipf, c->same_hash,
             c->universe);
}

static void compare_stats(ctx *c)
{
    lru_ttl_cache_stats sa, sb;
    lru_ttl_cache_get_stats(IMPL[0], c->cache[0], &sa);
    for (size_t i = 1; i < N_IMPL; i++) {
        lru_ttl_cache_get_stats(IMPL[i], c->cache[i], &sb);
        if (sa.hits != sb.hits || sa.misses != sb.misses ||
            sa.expirations != sb.expirations || sa.evictions != sb.evictions ||
            sa.size != sb.size || sa.capacity != sb.capacity)
            pbt_mismatch(&c->at, "stats: naive h=%llu m=%llu x=%llu e=%llu size=%zu, "
                            "%s h=%llu m=%llu x=%llu e=%llu size=%zu",
                         (unsigned long long)sa.hits, (unsigned long long)sa.misses,
                         (unsigned long long)sa.expirations, (unsigned long long)sa.evictions,
                         sa.size, IMPL[i]->name, (unsigned long long)sb.hits,
                         (unsigned long long)sb.misses, (unsigned long long)sb.expirations,
                         (unsigned long long)sb.evictions, sb.size);
    }
    if (sa.size > c->capacity)
        pbt_mismatch(&c->at, "size %zu above capacity", sa.size);
}

/* A key index, uniform or Zipf-like over the universe. */
static size_t pick_key(ctx *c)
{
    if (!c->zipf)
        return pbt_below(&c->r, c->universe);
    /* log-uniform rank (density ~ 1/rank): an octave [2^o, 2^(o+1)) of
     * rank+1 uniformly, then a rank uniformly inside it */
    int octaves = 0;
    while (((size_t)2 << octaves) <= c->universe)
        octaves++;
    size_t lo = (size_t)1 << pbt_below(&c->r, (size_t)octaves + 1);
    size_t k = lo - 1 + pbt_below(&c->r, lo);
    return k < c->universe ? k : c->universe - 1;
}

/* A key with random context fields (which must not matter). */
static lru_ttl_cache_key with_context(ctx *c, size_t idx)
{
    static const char *const shas[] = { NULL, "a1b2c3", "deadbeef", "" };
    lru_ttl_cache_key k = c->keys[idx];
    k.sha = shas[pbt_below(&c->r, 4)];
    k.timestamp_ms = (int64_t)pbt_next(&c->r);
    return k;
}

static void do_get(ctx *c, const lru_ttl_cache_key *k, int64_t now, lru_ttl_cache_value *oa_out)
{
    lru_ttl_cache_value va, vb;
    c->at.op = "get";
    int ra = lru_ttl_cache_get(IMPL[0], c->cache[0], k, now, &va);
    for (size_t i = 1; i < N_IMPL; i++) {
        int rb = lru_ttl_cache_get(IMPL[i], c->cache[i], k, now, &vb);
        if (ra != rb)
            pbt_mismatch(&c->at, "get: naive %d, %s %d", ra, IMPL[i]->name, rb);
        if (ra == LRU_TTL_CACHE_OK &&
            (va.len != vb.len || memcmp(va.bytes, vb.bytes, va.len) != 0))
            pbt_mismatch(&c->at, "get: values differ (naive len %zu, %s len %zu)",
                         va.len, IMPL[i]->name, vb.len);
    }
    if (ra == LRU_TTL_CACHE_OK) {
        c->hits++;
        if (oa_out)
            *oa_out = va;
    }
}

static int do_put(ctx *c, const lru_ttl_cache_key *k, const unsigned char *v, size_t len,
                  int64_t now)
{
    c->at.op = "put";
    int ra = lru_ttl_cache_put(IMPL[0], c->cache[0], k, v, len, now);
    for (size_t i = 1; i < N_IMPL; i++) {
        int rb = lru_ttl_cache_put(IMPL[i], c->cache[i], k, v, len, now);
        if (ra != rb)
            pbt_mismatch(&c->at, "put: naive %d, %s %d", ra, IMPL[i]->name, rb);
    }
    return ra;
}

/* An invalid call: every implementation must return EINVAL and change
 * nothing (compare_stats checks the statistics after it). */
static void do_invalid(ctx *c, int64_t now)
{
    lru_ttl_cache_key k = c->keys[pbt_below(&c->r, c->universe)];
    unsigned char v[LRU_TTL_CACHE_VALUE_MAX + 1] = {0};
    lru_ttl_cache_value out;
    int which = (int)pbt_below(&c->r, 7);
    size_t len = 1;
    switch (which) {
    case 0: k.op = NULL; break;
    case 1: k.op = ""; break;
    case 2: k.op = c->long_field; break;
    case 3: k.owner = c->long_field; break;
    case 4: k.label = c->long_field; break;
    case 5: len = LRU_TTL_CACHE_VALUE_MAX + 1; break;
    default: break;                                 /* NULL out / NULL data */
    }
    /* 0: get; 1: put; 2: get with out NULL, then put with data NULL */
    int call = which == 6 ? 2 : (which == 5 || pbt_below(&c->r, 2)) ? 1 : 0;
    c->at.op = "invalid";
    for (size_t i = 0; i < N_IMPL; i++) {
        const lru_ttl_cache_ops *o = IMPL[i];
        int rc = call == 0 ? lru_ttl_cache_get(o, c->cache[i], &k, now, &out)
               : call == 1 ? lru_ttl_cache_put(o, c->cache[i], &k, v, len, now)
               : lru_ttl_cache_get(o, c->cache[i], &k, now, NULL);
        int rc_put = call == 2 ? lru_ttl_cache_put(o, c->cache[i], &k, NULL, 3, now)
                               : LRU_TTL_CACHE_EINVAL;
        if (rc != LRU_TTL_CACHE_EINVAL || rc_put != LRU_TTL_CACHE_EINVAL)
            pbt_mismatch(&c->at, "invalid call %d: %s returned %d, %d (EINVAL %d expected)",
                         which, o->name, rc, rc_put, LRU_TTL_CACHE_EINVAL);
    }
}

static size_t capacity_draw(pbt_rng *r, unsigned seq)
{
    if (seq % 97 == 0)
        return 1;
    if (seq % 97 == 1)
        return 2;
    if (seq % 97 == 2)
        return CAP_MAX;
    int octave = (int)pbt_below(r, 9);              /* 1..2^9 = 512 */
    size_t lo = (size_t)1 << octave;
    size_t cap = lo + pbt_below(r, lo);
    return cap > CAP_MAX ? CAP_MAX : cap;
}

static void run_sequence(ctx *c, unsigned seq)
{
    c->at.seed = BASE_SEED ^ ((uint64_t)seq * UINT64_C(0x9e3779b97f4a7c15));
    c->r.s = c->at.seed;
    c->at.seq = seq;
    c->at.step = 0;
    c->at.op = NULL;
    c->capacity = capacity_draw(&c->r, seq);
    int ttl_kind = (int)pbt_below(&c->r, 3);
    c->ttl = ttl_kind == 0 ? 1 + (int64_t)pbt_below(&c->r, 64)
           : ttl_kind == 1 ? 100 + (int64_t)pbt_below(&c->r, 5000)
           : INT64_C(1000000000000);
    if (seq % 64 == 5)
        c->ttl = INT64_MAX;
    int64_t step_max = (int64_t)pbt_below(&c->r, 4) == 0 ? 0 : (int64_t)pbt_below(&c->r, 40);
    c->mix = (int)pbt_below(&c->r, MIX_COUNT);
    c->zipf = (int)pbt_below(&c->r, 2);
    c->same_hash = seq % 8 == 3;
    c->universe = c->capacity / 2 + pbt_below(&c->r, 4 * c->capacity) + 8;

    for (size_t i = 0; i < c->universe; i++) {
        lru_ttl_cache_key *k = &c->keys[i];
        memset(k, 0, sizeof *k);
        k->op = ops_pool[pbt_below(&c->r, POOL_N(ops_pool))];
        k->owner = owner_pool[pbt_below(&c->r, POOL_N(owner_pool))];
        k->repo = repo_pool[pbt_below(&c->r, POOL_N(repo_pool))];
        k->label = label_pool[pbt_below(&c->r, POOL_N(label_pool))];
        k->page = (int32_t)pbt_below(&c->r, 4) - 1;
        k->per_page = pbt_below(&c->r, 3) == 0 ? (int32_t)pbt_next(&c->r) : 100;
    }

    /* test_same_hash for all: the naive cache ignores it */
    lru_ttl_cache_config cfg = { .capacity = c->capacity, .ttl_ms = c->ttl,
                                 .test_same_hash = c->same_hash };
    for (size_t i = 0; i < N_IMPL; i++) {
        c->cache[i] = lru_ttl_cache_create(IMPL[i], &cfg);
        assert_non_null(c->cache[i]);
    }

    size_t n_ops = 100 + pbt_below(&c->r, 4 * c->capacity + 200);
    int64_t now = (int64_t)pbt_next(&c->r) % INT64_C(1000000000000);
    if (seq % 64 == 6) {
        now = INT64_MAX - 1000;                     /* near the saturation */
        step_max = 0;
    }
    unsigned char val[LRU_TTL_CACHE_VALUE_MAX];
    for (c->at.step = 0; c->at.step < n_ops; c->at.step++) {
        size_t idx = pick_key(c);
        lru_ttl_cache_key k = with_context(c, idx);
        size_t len = pbt_below(&c->r, 5) == 0 ? LRU_TTL_CACHE_VALUE_MAX
                   : pbt_below(&c->r, 40);
        for (size_t i = 0; i < len; i++)
            val[i] = (unsigned char)(idx * 31 + c->at.step + i);
        uint64_t r = pbt_below(&c->r, 100);
        if (r == 0) {
            do_invalid(c, now);
        } else if (c->mix == MIX_ASIDE || (c->mix == MIX_RANDOM && r < 40)) {
            lru_ttl_cache_stats before;
            lru_ttl_cache_get_stats(IMPL[0], c->cache[0], &before);
            do_get(c, &k, now, NULL);
            lru_ttl_cache_stats after;
            lru_ttl_cache_get_stats(IMPL[0], c->cache[0], &after);
            if (after.hits == before.hits)
                do_put(c, &k, val, len, now);
        } else if (c->mix == MIX_PUTS || (c->mix == MIX_RANDOM && r < 70)) {
            do_put(c, &k, val, len, now);
        } else if (c->mix == MIX_GETS && r < 20) {
            do_put(c, &k, val, len, now);           /* gets-mostly */
        } else {
            do_get(c, &k, now, NULL);
        }
        compare_stats(c);
        c->ops_done++;
        if (step_max > 0)
            now += (int64_t)pbt_below(&c->r, (size_t)step_max + 1);
        if (pbt_below(&c->r, 500) == 0 && now < INT64_MAX / 2)
            now += 3 * (c->ttl < INT64_C(1000000000000) ? c->ttl : 1000);
    }
    /* at the end every key is asked once more (a full read-back) */
    for (size_t i = 0; i < c->universe; i++) {
        c->at.step = n_ops + i;
        lru_ttl_cache_key k = with_context(c, i);
        do_get(c, &k, now, NULL);
        compare_stats(c);
    }
    lru_ttl_cache_stats st;
    lru_ttl_cache_get_stats(IMPL[0], c->cache[0], &st);
    c->expirations += st.expirations;
    c->evictions += st.evictions;
    for (size_t i = 0; i < N_IMPL; i++) {
        lru_ttl_cache_destroy(IMPL[i], c->cache[i]);
        c->cache[i] = NULL;
    }
}

static void test_differential(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->at = (pbt_where){ .test = "lru_ttl_cache_diff", .describe = describe, .arg = c };
    memset(c->long_field, 'z', LRU_TTL_CACHE_FIELD_MAX);
    c->long_field[LRU_TTL_CACHE_FIELD_MAX] = '\0';
    for (unsigned seq = 0; seq < N_SEQS; seq++)
        run_sequence(c, seq);
    printf("lru_ttl_cache_diff: %u sequences, %llu operations, %llu hits, %llu expirations,"
           " %llu evictions, all identical\n",
           (unsigned)N_SEQS, c->ops_done, c->hits, c->expirations, c->evictions);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests_name("lru_ttl_cache naive vs optimized and glib", tests,
                                       NULL, NULL);
}
