/*
 * parallel_processor unit tests, run against each implementation: the
 * pool runs exactly min(concurrency, items) at once (a rendezvous the
 * naive one never reaches past 1); results
 * in input order, values and error codes, all-settled; every item run
 * exactly once (a counter per item); stop mode: the naive one runs exactly
 * the items up to the first failure, the optimized one a prefix holding
 * it and nothing after (with a slow failing item, the documented case
 * where it runs ahead), the failure of lowest index reported; edge cases
 * (no item, one, concurrency above the items and above PP_THREADS_MAX);
 * bad arguments; and no thread left behind after a call. Also run under
 * ThreadSanitizer.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/parallel_processor.h"
#include "pb_test.h"

#define N 200

static atomic_int calls[N];

static void reset(void)
{
    for (int i = 0; i < N; i++)
        atomic_store(&calls[i], 0);
}

static int fn_mod(void *arg, size_t i, int64_t *v)
{
    int fail_every = *(int *)arg;
    atomic_fetch_add(&calls[i], 1);
    if (fail_every && i % (size_t)fail_every == (size_t)fail_every - 1)
        return 100 + (int)i;
    *v = (int64_t)i * (int64_t)i;
    return 0;
}

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static void test_all_settled(void **state)
{
    const parallel_processor_ops *ops = *state;
    pp_result r[N];
    int ks[] = { 1, 2, 5, 10, 64, 1000 };
    int every = 7;
    pp_options warm = { .concurrency = 2, .stop_on_error = 0 };
    /* a first call, so that a sanitizer's own helper thread, started at
     * the first pthread_create, is counted in the baseline */
    assert_int_equal(ops->process(N, fn_mod, &every, &warm, r, NULL), PP_OK);
    int tasks = count_tasks();
    for (size_t t = 0; t < PBT_ARRAY_LEN(ks); t++) {
        reset();
        pp_options opt = { .concurrency = ks[t], .stop_on_error = 0 };
        assert_int_equal(ops->process(N, fn_mod, &every, &opt, r, NULL), PP_OK);
        for (int i = 0; i < N; i++) {
            assert_int_equal(atomic_load(&calls[i]), 1);
            if (i % 7 == 6) {
                assert_int_equal(r[i].status, PP_REJECTED);
                assert_int_equal(r[i].error, 100 + i);
            } else {
                assert_int_equal(r[i].status, PP_FULFILLED);
                assert_int_equal(r[i].value, (int64_t)i * i);
            }
        }
        assert_int_equal(count_tasks(), tasks);             /* every thread joined */
    }
}

static void test_stop(void **state)
{
    const parallel_processor_ops *ops = *state;
    pp_result r[N];
    int every = 10;                                          /* item 9 fails first */
    for (int k = 1; k <= 8; k *= 2) {
        reset();
        size_t failed = 999;
        pp_options opt = { .concurrency = k, .stop_on_error = 1 };
        assert_int_equal(ops->process(N, fn_mod, &every, &opt, r, &failed), PP_EREJECTED);
        int ran = 0;
        while (ran < N && r[ran].status != PP_SKIPPED)
            ran++;
        for (int i = ran; i < N; i++) {
            assert_int_equal(r[i].status, PP_SKIPPED);
            assert_int_equal(atomic_load(&calls[i]), 0);
        }
        assert_true(ran >= 10);
        /* the failure reported is the lowest rejected index */
        size_t lowest = 0;
        while (r[lowest].status != PP_REJECTED)
            lowest++;
        assert_int_equal(failed, lowest);
        assert_int_equal(failed, 9);
        if (strcmp(ops->name, "naive") == 0)
            assert_int_equal(ran, 10);
    }
}

/* A slow failing item: the others run ahead of it (optimized), never past
 * the point where the failure is seen. */
static int fn_slow_fail(void *arg, size_t i, int64_t *v)
{
    (void)arg;
    atomic_fetch_add(&calls[i], 1);
    if (i == 2) {
        struct timespec ts = { 0, 20000000 };
        nanosleep(&ts, NULL);
        return 1;
    }
    *v = (int64_t)i;
    return 0;
}

static void test_stop_slow(void **state)
{
    const parallel_processor_ops *ops = *state;
    pp_result r[N];
    reset();
    size_t failed;
    pp_options opt = { .concurrency = 4, .stop_on_error = 1 };
    assert_int_equal(ops->process(N, fn_slow_fail, NULL, &opt, r, &failed), PP_EREJECTED);
    assert_int_equal(failed, 2);
    int ran = 0;
    while (ran < N && r[ran].status != PP_SKIPPED)
        ran++;
    for (int i = 0; i < N; i++)
        assert_int_equal(atomic_load(&calls[i]), i < ran ? 1 : 0);
    print_message("    %s: %d of %d items ran\n", ops->name, ran, N);
    if (strcmp(ops->name, "naive") == 0)
        assert_int_equal(ran, 3);
}

static void test_edges(void **state)
{
    const parallel_processor_ops *ops = *state;
    pp_result r[2];
    int every = 0;
    pp_options opt = { .concurrency = 3, .stop_on_error = 0 };
    assert_int_equal(ops->process(0, fn_mod, &every, &opt, NULL, NULL), PP_OK);
    reset();
    assert_int_equal(ops->process(1, fn_mod, &every, &opt, r, NULL), PP_OK);
    assert_int_equal(r[0].status, PP_FULFILLED);
    assert_int_equal(ops->process(1, NULL, &every, &opt, r, NULL), PP_EINVAL);
    assert_int_equal(ops->process(1, fn_mod, &every, NULL, r, NULL), PP_EINVAL);
    assert_int_equal(ops->process(1, fn_mod, &every, &opt, NULL, NULL), PP_EINVAL);
    opt.concurrency = 0;
    assert_int_equal(ops->process(1, fn_mod, &every, &opt, r, NULL), PP_EINVAL);
    opt.concurrency = 1;
    assert_int_equal(ops->process((size_t)PP_ITEMS_MAX + 1, fn_mod, &every, &opt, r, NULL),
                     PP_EINVAL);
}

/* The pool really runs k items at once: each item waits until `target`
 * items are in flight together (or 5 s pass) and records the most it saw. */
static atomic_int inflight, most;

static int fn_rendezvous(void *arg, size_t i, int64_t *v)
{
    int target = *(int *)arg;
    int now = atomic_fetch_add(&inflight, 1) + 1;
    struct timespec start, t;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        now = atomic_load(&inflight);
        int m = atomic_load(&most);
        while (now > m && !atomic_compare_exchange_weak(&most, &m, now))
            ;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (now >= target || t.tv_sec - start.tv_sec >= 5)
            break;
        struct timespec nap = { 0, 100000 };
        nanosleep(&nap, NULL);
    }
    atomic_fetch_sub(&inflight, 1);
    *v = (int64_t)i;
    return 0;
}

static void test_concurrency(void **state)
{
    const parallel_processor_ops *ops = *state;
    int naive = strcmp(ops->name, "naive") == 0;
    int target = naive ? 1 : 8;           /* the naive one never has two */
    pp_result r[8];
    atomic_store(&inflight, 0);
    atomic_store(&most, 0);
    pp_options opt = { .concurrency = 8, .stop_on_error = 0 };
    assert_int_equal(ops->process(8, fn_rendezvous, &target, &opt, r, NULL), PP_OK);
    assert_int_equal(atomic_load(&most), naive ? 1 : 8);
    /* and never more than asked: 3 at most with concurrency 3 */
    target = naive ? 1 : 3;
    atomic_store(&most, 0);
    opt.concurrency = 3;
    assert_int_equal(ops->process(8, fn_rendezvous, &target, &opt, r, NULL), PP_OK);
    assert_int_equal(atomic_load(&most), naive ? 1 : 3);
}

int main(void)
{
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_all_settled),
        cmocka_unit_test(test_concurrency),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_stop_slow),
        cmocka_unit_test(test_edges),
    };
    return PBT_RUN_BOTH("parallel_processor", each, &parallel_processor_naive,
                        &parallel_processor_optimized) ? 1 : 0;
}
