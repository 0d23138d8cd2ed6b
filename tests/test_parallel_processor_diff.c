/*
 * parallel_processor differential test: thousands of seeded calls (0 to
 * 300 items, concurrency 1 to 20, random failing items and error codes,
 * items that take random short times so the threads interleave
 * differently each call) through both implementations. All-settled: the
 * results must be identical, item by item (the naive one is the oracle).
 * Stop mode: the naive one's prefix ends at the first failure; the
 * optimized one must report the same first failure, have run a prefix at
 * least that long with the same result for every item it ran, and have
 * skipped the rest.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/parallel_processor.h"
#include "pb_test.h"

#define CALLS 3000
#define MAXN  300

typedef struct plan {
    int      fail[MAXN];          /* 0 or the item's error */
    int      spin[MAXN];          /* busy iterations */
} plan;

static int item(void *arg, size_t i, int64_t *v)
{
    const plan *p = arg;
    uint64_t s = i, x = 0;
    for (int k = 0; k < p->spin[i]; k++)
        x ^= pb_rand(&s);
    pb_do_not_optimize(x);
    if (p->fail[i])
        return p->fail[i];
    *v = (int64_t)(i * 31 + 7);
    return 0;
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x70702d6469666621ULL };
    static plan p;
    static pp_result a[MAXN], b[MAXN];
    for (unsigned c = 0; c < CALLS; c++) {
        pbt_where w = { .test = "parallel_processor_diff", .seq = c, .seed = pbt_next(&r) };
        pbt_rng sr = { w.seed };
        size_t n = pbt_octave_size(&sr, pbt_below(&sr, 9), MAXN);
        int rate = (int)pbt_below(&sr, 4);   /* 0: none fail */
        for (size_t i = 0; i < n; i++) {
            p.fail[i] = rate && pbt_below(&sr, 10 * (uint64_t)rate) == 0
                            ? 1 + (int)pbt_below(&sr, 50) : 0;
            p.spin[i] = (int)pbt_below(&sr, 2000);
        }
        pp_options opt = { .concurrency = 1 + (int)pbt_below(&sr, 20),
                           .stop_on_error = pbt_below(&sr, 2) == 0 };
        size_t fa = 999999, fb = 999999;
        int ra = parallel_processor_naive.process(n, item, &p, &opt, a, &fa);
        int rb = parallel_processor_optimized.process(n, item, &p, &opt, b, &fb);
        w.op = opt.stop_on_error ? "stop" : "all-settled";
        if (ra != rb)
            pbt_mismatch(&w, "n=%zu k=%d: naive rc=%d, optimized rc=%d", n, opt.concurrency,
                         ra, rb);
        if (!opt.stop_on_error) {
            for (size_t i = 0; i < n; i++)
                if (memcmp(&a[i], &b[i], sizeof a[i]) != 0)
                    pbt_mismatch(&w, "item %zu: naive %d/%d/%lld, optimized %d/%d/%lld", i,
                                 a[i].status, a[i].error, (long long)a[i].value, b[i].status,
                                 b[i].error, (long long)b[i].value);
            continue;
        }
        if (ra == PP_EREJECTED && fa != fb)
            pbt_mismatch(&w, "first failure: naive %zu, optimized %zu", fa, fb);
        size_t ran = 0;
        while (ran < n && b[ran].status != PP_SKIPPED)
            ran++;
        size_t want = ra == PP_EREJECTED ? fa + 1 : n;
        if (ran < want)
            pbt_mismatch(&w, "optimized ran %zu items, want at least %zu", ran, want);
        for (size_t i = 0; i < n; i++) {
            int skipped = b[i].status == PP_SKIPPED;
            if ((i < ran) == skipped)
                pbt_mismatch(&w, "item %zu %s, not a prefix of %zu", i,
                             skipped ? "skipped" : "ran", ran);
            if (i < want && memcmp(&a[i], &b[i], sizeof a[i]) != 0)
                pbt_mismatch(&w, "item %zu differs", i);
            if (!skipped && i >= want &&
                (b[i].status == PP_FULFILLED ? b[i].value != (int64_t)(i * 31 + 7)
                                             : b[i].error != p.fail[i]))
                pbt_mismatch(&w, "item %zu ran with a wrong result", i);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    return cmocka_run_group_tests_name("parallel_processor differential", tests, NULL, NULL)
               ? 1 : 0;
}
