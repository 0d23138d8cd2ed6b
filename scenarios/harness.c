/*
 * Calibration cases for the harness itself (component "harness", impl
 * "calibration"): what the measuring costs, so nobody mistakes it for the
 * work being measured.
 *
 *   noop          an empty operation: the harness's own cost per op (the
 *                 batch loop, one clock pair and gbench's loop per batch)
 *   pause_resume  one pb_pause + pb_resume pair per op: the cost a scenario
 *                 pays each time it keeps set-up out of the measured region
 *   malloc_free   one malloc(64) + free per op: allocator plus tracker cost
 */
#include <stdlib.h>

#include "pairbench/harness.h"
#include "scenarios.h"
#include "util.h"

static const int64_t one[] = { 1, 0 };
static int fixture_token;

static void *setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)n; (void)seed; (void)ctx;
    return &fixture_token;
}

static uint64_t run_noop(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)f; (void)ctx;
    for (int64_t i = 0; i < ops; i++)
        pb_do_not_optimize((uint64_t)i);
    return (uint64_t)ops;
}

static uint64_t run_pause_resume(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)f;
    for (int64_t i = 0; i < ops; i++) {
        pb_pause(ctx);
        pb_resume(ctx);
    }
    return (uint64_t)ops;
}

static uint64_t run_malloc_free(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)f; (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        void *p = malloc(64);
        pb_do_not_optimize((uint64_t)(uintptr_t)p);
        free(p);
    }
    return (uint64_t)ops;
}

static const pb_scenario scenarios[] = {
    { .name = "noop", .description = "an empty operation: the harness's own cost per op",
      .sizes = one, .batch = pb_batch_4096, .setup = setup, .run = run_noop,
      .teardown = pb_teardown_none },
    { .name = "pause_resume", .description = "one pb_pause + pb_resume pair per op",
      .sizes = one, .batch = pb_batch_64, .setup = setup, .run = run_pause_resume,
      .teardown = pb_teardown_none },
    { .name = "malloc_free",
      .description = "one malloc(64) and its free per op, tracker included",
      .sizes = one, .batch = pb_batch_4096, .setup = setup, .run = run_malloc_free,
      .teardown = pb_teardown_none },
};

static const pb_impl impls[] = {
    { .name = "calibration", .source = "scenarios/harness.c" },
};

const pb_component pb_component_harness = {
    .name = "harness",
    .summary = "calibration: what the measuring itself costs",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
};
