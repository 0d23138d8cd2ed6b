/*
 * parallel_processor scenarios (seed 003): written once against
 * parallel_processor_ops and run for every implementation.
 *
 * N is the concurrency (the seed's 1, 2, 5 and 10); one op is one
 * processParallel call over 20 items, and its time is the call's wall
 * time (the harness's cpu_ns_per_op says what every thread burnt):
 *   latency         each item waits 1 ms (a timed wait: an API call's
 *                   latency, which the CPU does not shorten), all-settled
 *   latency_errors  the same, every 4th item failing with its own code,
 *                   all-settled: every result and error in input order
 *   cpu             each item computes for about 0.2 ms (this machine has
 *                   2 cores: the scaling stops there)
 *   stop_on_error   1 ms items, item 7 failing, stop mode: judged by the
 *                   specification (pb_scenario.check): the items that ran
 *                   are a prefix holding item 7, the rest skipped, 7
 *                   reported; the naive one runs exactly items 0 to 7
 * No thread outlives a call (the optimized pool is joined before it
 * returns): the fixture holds nothing but the last results.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/harness.h"
#include "pairbench/parallel_processor.h"
#include "scenarios.h"
#include "util.h"

#define ITEMS 20
#define STOP_AT 7

static const int64_t concurrency[] = { 1, 2, 5, 10, 0 };

typedef struct fixture {
    const parallel_processor_ops *ops;
    int         k;
    pp_result   results[ITEMS];
    int         rc;
    size_t      failed;
    char        why[160];
} fixture;

static void *setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)seed;
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->k = (int)n;
    pb_heap_baseline(ctx);
    return f;
}

static void fixture_free(void *fp)
{
    free(fp);
}

static void wait_1ms(void)
{
    struct timespec ts = { 0, 1000000 };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int item_wait(void *arg, size_t i, int64_t *v)
{
    (void)arg;
    wait_1ms();
    *v = (int64_t)i * 7 + 1;
    return 0;
}

static int item_wait_errors(void *arg, size_t i, int64_t *v)
{
    (void)arg;
    wait_1ms();
    if (i % 4 == 3)
        return 5 + (int)(i % 3);
    *v = (int64_t)i * 7 + 1;
    return 0;
}

static int item_cpu(void *arg, size_t i, int64_t *v)
{
    (void)arg;
    uint64_t s = i + 1, x = 0;
    for (int k = 0; k < 300000; k++)
        x ^= pb_rand(&s);
    pb_do_not_optimize(x);
    *v = (int64_t)(x >> 1);
    return 0;
}

static int item_stop(void *arg, size_t i, int64_t *v)
{
    (void)arg;
    wait_1ms();
    if (i == STOP_AT)
        return 9;
    *v = (int64_t)i;
    return 0;
}

static uint64_t run_with(fixture *f, int64_t ops, pp_fn fn, int stop)
{
    pp_options opt = { .concurrency = f->k, .stop_on_error = stop };
    uint64_t d = 0;
    for (int64_t c = 0; c < ops; c++) {
        f->failed = (size_t)-1;
        f->rc = f->ops->process(ITEMS, fn, NULL, &opt, f->results, &f->failed);
        d = pb_digest(d, (uint64_t)f->rc);
        for (int i = 0; i < ITEMS; i++)
            d = pb_digest(pb_digest(pb_digest(d, (uint64_t)f->results[i].status),
                                    (uint64_t)f->results[i].error),
                          (uint64_t)f->results[i].value);
    }
    return d;
}

static uint64_t run_latency(void *fp, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return run_with(fp, ops, item_wait, 0);
}

static uint64_t run_latency_errors(void *fp, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return run_with(fp, ops, item_wait_errors, 0);
}

static uint64_t run_cpu(void *fp, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return run_with(fp, ops, item_cpu, 0);
}

static uint64_t run_stop(void *fp, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    run_with(fp, ops, item_stop, 1);
    return 0;                    /* judged by check_stop, not compared */
}

/* The stop-on-error specification, on the last call's results. */
static const char *check_stop(void *fp)
{
    fixture *f = fp;
    if (f->rc != PP_EREJECTED || f->failed != STOP_AT) {
        snprintf(f->why, sizeof f->why, "returned %d, failed item %zu: want PP_EREJECTED"
                 " and item %d", f->rc, f->failed, STOP_AT);
        return f->why;
    }
    int ran = 0;
    while (ran < ITEMS && f->results[ran].status != PP_SKIPPED)
        ran++;
    for (int i = ran; i < ITEMS; i++)
        if (f->results[i].status != PP_SKIPPED) {
            snprintf(f->why, sizeof f->why, "item %d ran after skipped item %d", i, ran);
            return f->why;
        }
    for (int i = 0; i < ran; i++) {
        int want = i == STOP_AT ? PP_REJECTED : PP_FULFILLED;
        if (f->results[i].status != want || (want == PP_FULFILLED && f->results[i].value != i)) {
            snprintf(f->why, sizeof f->why, "item %d: status %d value %lld", i,
                     f->results[i].status, (long long)f->results[i].value);
            return f->why;
        }
    }
    if (ran <= STOP_AT) {
        snprintf(f->why, sizeof f->why, "only %d items ran, item %d not among them", ran,
                 STOP_AT);
        return f->why;
    }
    if (strcmp(f->ops->name, "naive") == 0 && ran != STOP_AT + 1) {
        snprintf(f->why, sizeof f->why, "the sequential run went on to %d items", ran);
        return f->why;
    }
    return NULL;
}

static int64_t one_call(int64_t n) { (void)n; return 1; }

#define CALLS(nm, desc, r)                                                        \
    { .name = nm, .description = desc, .sizes = concurrency, .batch = one_call,  \
      .setup = setup, .run = r, .teardown = fixture_free, .timing_dependent = 1 }

static const pb_scenario scenarios[] = {
    CALLS("latency", "20 items that each wait 1 ms, at concurrency N, all results kept",
          run_latency),
    CALLS("latency_errors", "the same with every 4th item failing: every result and error"
          " in input order", run_latency_errors),
    CALLS("cpu", "20 items that each compute for about 0.2 ms, at concurrency N"
          " (2 cores here)", run_cpu),
    { .name = "stop_on_error",
      .description = "20 items of 1 ms, item 7 failing, stop mode: no item starts after"
                     " the failure is seen", .sizes = concurrency, .batch = one_call,
      .setup = setup, .run = run_stop, .teardown = fixture_free,
      .verify = PB_VERIFY_SPEC, .check = check_stop, .timing_dependent = 1 },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &parallel_processor_naive,
      .source = "impl_naive/parallel_processor.c" },
    { .name = "optimized", .ops = &parallel_processor_optimized,
      .source = "impl_optimized/parallel_processor.c" },
};

/* Claim C-12 of seed 003: "Parallel processing shows >40% improvement over
 * sequential", on latency-bound items: the time per call at least 40%
 * shorter at the concurrency levels above 1 (paired rounds, interval). */
#define SEED_003 "003_799732fb8bb6956f.txt"
static const int64_t k_up[] = { 2, 5, 10, 0 };
static const pb_claim claims[] = {
    { .id = "C-12", .seed = SEED_003,
      .words = "parallel processing > 40% improvement over sequential",
      .metric_text = "wall time per call of 20 latency-bound items (1 ms waits), naive"
                     " vs optimized, concurrency 2, 5 and 10, paired rounds",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_TIME, .scenarios = "latency",
      .sizes = k_up, .threshold = 0.4 },
};

const pb_component pb_component_parallel_processor = {
    .name = "parallel_processor",
    .summary = "items processed one after another vs a bounded pool of threads per"
               " call, results in input order, all-settled or stop-on-error",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
