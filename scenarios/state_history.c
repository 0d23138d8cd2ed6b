/*
 * state_history scenarios (seed 000, ImmutableState): written once against
 * state_history_ops and run for every implementation.
 *
 * N is the history cap (max_history; the seed uses 100). Every fixture
 * creates a history at cap N and fills it with N updates, so the history is
 * full and each further update drops the oldest state: the steady state of
 * a long-running server. Updates come from a small simulation of a
 * request-serving application: requests arrive (queued, or rejected when 64
 * are waiting), start (queued -> active), finish (active -> completed, or
 * failed 1 time in 10), and now and then the mode or the served model
 * (label) changes; each event is a partial update of the two or three
 * fields it touches, on a clock that advances 1..50 ms per event. The
 * simulation state lives in the fixture, so every implementation receives
 * the same updates. Every scenario folds the results it observes into a
 * digest, which `pairbench run` compares across implementations before
 * timing anything.
 *
 * Steady state (pb_scenario.steady, checked at the start and end of every
 * timed run): the history holds exactly N states, and the current state is
 * the simulation's. Every update appends one state and drops the oldest,
 * and read_at changes nothing, so the history stays full at N without any
 * refill; the simulation's queue is bounded (64) and its active count
 * drains faster than it fills, so the update stream's mix does not drift.
 *
 * Claim S-7 ("history append is O(1), not O(n)") is tested by the
 * complexity fit of `update` across N: the naive update shifts N pointers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/harness.h"
#include "pairbench/state_history.h"
#include "scenarios.h"
#include "util.h"

static const int64_t sizes[] = { 10, 100, 1000, 10000, 100000, 0 };

#define QUEUE_LIMIT 64

static const char *const models[] = { "llama3-8b", "llama3-70b", "mistral-7b", "qwen2-72b" };

typedef struct fixture {
    const state_history_ops *ops;
    state_history *h;
    int64_t  n;
    uint64_t rng;
    int64_t  clock_ms;
    /* the simulated application, mirrored here */
    uint32_t active, queued, completed, failed, rejected;
    int32_t  mode;
    char     why[160];         /* steady: how the history left its state */
} fixture;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (f == NULL)
        return;
    if (f->h != NULL)
        state_history_destroy(f->ops, f->h);
    free(f);
}

/* The next simulated event as a partial update; advances the clock. */
static void next_event(fixture *f, app_state_update *u)
{
    uint64_t r = pb_rand_below(&f->rng, 1000);
    u->fields = 0;
    if (r < 350) {                                      /* arrival */
        if (f->queued < QUEUE_LIMIT) {
            f->queued++;
            u->fields = APP_STATE_UPDATE_QUEUED;
        } else {
            f->rejected++;
            u->fields = APP_STATE_UPDATE_REJECTED;
        }
    } else if (r < 650) {                               /* start */
        if (f->queued > 0) {
            f->queued--;
            f->active++;
            u->fields = APP_STATE_UPDATE_QUEUED | APP_STATE_UPDATE_ACTIVE;
        }
    } else if (r < 995) {                               /* finish */
        if (f->active > 0) {
            f->active--;
            if (pb_rand_below(&f->rng, 10) == 0) {
                f->failed++;
                u->fields = APP_STATE_UPDATE_ACTIVE | APP_STATE_UPDATE_FAILED;
            } else {
                f->completed++;
                u->fields = APP_STATE_UPDATE_ACTIVE | APP_STATE_UPDATE_COMPLETED;
            }
        }
    } else {                                            /* mode / model switch */
        f->mode = (f->mode + 1) % 3;
        u->fields = APP_STATE_UPDATE_MODE | APP_STATE_UPDATE_LABEL;
        memset(u->label, 0, sizeof u->label);
        strcpy(u->label, models[pb_rand_below(&f->rng, sizeof models / sizeof *models)]);
    }
    u->active = f->active;
    u->queued = f->queued;
    u->completed = f->completed;
    u->failed = f->failed;
    u->rejected = f->rejected;
    u->mode = f->mode;
    f->clock_ms += 1 + (int64_t)pb_rand_below(&f->rng, 50);
}

/* A history at cap N, filled with N updates. The heap baseline is set after
 * the fixture itself, so peak_heap_bytes is the history's. */
static void *setup_full(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->ops = ops;
    f->n = n;
    f->rng = seed;
    f->clock_ms = 1700000000000LL;
    pb_heap_baseline(ctx);

    app_state init;
    memset(&init, 0, sizeof init);
    init.last_updated_ms = f->clock_ms;
    strcpy(init.label, models[0]);
    f->h = state_history_create(f->ops, &init, (size_t)n);
    if (f->h == NULL) {
        fixture_free(f);
        return NULL;
    }
    app_state_update u;
    memset(&u, 0, sizeof u);
    for (int64_t i = 0; i < n; i++) {
        next_event(f, &u);
        if (state_history_update(f->ops, f->h, &u, f->clock_ms) != SH_OK) {
            fixture_free(f);
            return NULL;
        }
    }
    return f;
}

/* Folds the current state's version and counters into d: one O(1) read. */
static uint64_t digest_current(const fixture *f, uint64_t d)
{
    app_state cur;
    state_history_current(f->ops, f->h, &cur);
    d = pb_digest(d, (uint64_t)cur.version);
    d = pb_digest(d, (uint64_t)cur.last_updated_ms);
    d = pb_digest(d, ((uint64_t)cur.completed << 32) | cur.failed);
    return pb_digest(d, state_history_len(f->ops, f->h));
}

/* update: one simulated event per op on the full history. */
static uint64_t run_update(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    app_state_update u;
    (void)ctx;
    memset(&u, 0, sizeof u);
    for (int64_t i = 0; i < ops; i++) {
        next_event(f, &u);
        d = pb_digest(d, (uint64_t)state_history_update(f->ops, f->h, &u, f->clock_ms));
    }
    return digest_current(f, d);
}

/* A dashboard's fold over the history: a position-weighted sum of each
 * state's version and queue length (order-sensitive, and cheap enough that
 * the walk itself, not the fold, is what gets measured). */
static int fold_state(const app_state *s, size_t index, void *arg)
{
    uint64_t *acc = arg;
    *acc += (uint64_t)(index + 1) * ((uint64_t)s->version ^ ((uint64_t)s->queued << 40));
    return 0;
}

/* update_read: one update, then a read of the whole history (a dashboard
 * redrawing its chart after every change). */
static uint64_t run_update_read(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    app_state_update u;
    (void)ctx;
    memset(&u, 0, sizeof u);
    for (int64_t i = 0; i < ops; i++) {
        next_event(f, &u);
        d = pb_digest(d, (uint64_t)state_history_update(f->ops, f->h, &u, f->clock_ms));
        uint64_t acc = 0;
        size_t visited = state_history_visit(f->ops, f->h, fold_state, &acc);
        d = pb_digest(pb_digest(d, visited), acc);
    }
    return digest_current(f, d);
}

/* read_at: the state at a uniformly random history index. */
static uint64_t run_read_at(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    app_state s;
    (void)ctx;
    memset(&s, 0, sizeof s);
    for (int64_t i = 0; i < ops; i++) {
        size_t at = (size_t)pb_rand_below(&f->rng, (uint64_t)f->n);
        int rc = state_history_at(f->ops, f->h, at, &s);
        d = pb_digest(d, (uint64_t)rc);
        d = pb_digest(d, (uint64_t)s.version ^ ((uint64_t)s.active << 40));
    }
    return d;
}

/* steady (every scenario): the history is full at its cap, N previous
 * states (the component's history_len), and the current state is the
 * simulation's (the fixture's mirror of the application: the same queue,
 * the same counters, at most QUEUE_LIMIT waiting). */
static const char *steady_full(void *fp)
{
    fixture *f = fp;
    size_t len = state_history_len(f->ops, f->h);
    app_state cur;
    state_history_current(f->ops, f->h, &cur);
    if ((int64_t)len != f->n) {
        snprintf(f->why, sizeof f->why, "the history holds %zu states, %lld (full at"
                 " its cap) declared", len, (long long)f->n);
        return f->why;
    }
    if (cur.active != f->active || cur.queued != f->queued ||
        cur.completed != f->completed || cur.failed != f->failed ||
        cur.rejected != f->rejected || cur.mode != f->mode || f->queued > QUEUE_LIMIT) {
        snprintf(f->why, sizeof f->why, "the current state (%u active, %u queued, %u"
                 " completed) is not the simulation's (%u, %u, %u; at most %d queued)",
                 cur.active, cur.queued, cur.completed, f->active, f->queued,
                 f->completed, QUEUE_LIMIT);
        return f->why;
    }
    return NULL;
}

static const pb_scenario scenarios[] = {
    { .name = "update",
      .description = "a partial update (one request event) on a history full at cap N, which stays"
                     " full (each update drops the oldest state)",
      .sizes = sizes, .batch = pb_batch_256,
      .setup = setup_full, .run = run_update, .teardown = fixture_free, .latency = 1,
      .steady = steady_full },
    { .name = "update_read",
      .description = "one update, then a read of all N states of the history (a dashboard polling after"
                     " each change); the history stays full at N",
      .sizes = sizes, .batch = pb_batch_64,
      .setup = setup_full, .run = run_update_read, .teardown = fixture_free,
      .latency = 1, .steady = steady_full },
    { .name = "read_at",
      .description = "the history state at a random index of a full history of N (reads only: it stays"
                     " full)",
      .sizes = sizes, .batch = pb_batch_256,
      .setup = setup_full, .run = run_read_at, .teardown = fixture_free, .latency = 1,
      .steady = steady_full },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &state_history_naive,
      .source = "impl_naive/state_history.c" },
    { .name = "optimized", .ops = &state_history_optimized,
      .source = "impl_optimized/state_history.c" },
};

/* Seed 000's implied claim about the history (shared/CLAIMS.md S-7). */
static const pb_claim claims[] = {
    { .id = "S-7", .seed = "000_89e791349a415ca7.txt",
      .words = "(implied) history append is O(1), not O(n): the seed's"
               " ImmutableState pushes and shifts an array capped at 100",
      .metric_text = "complexity fit of the optimized update's instructions per op"
                     " (callgrind, run --instr-fits; gbench's wall-time fit without)"
                     " over history caps 10..100k",
      .kind = PB_CLAIM_COMPLEXITY, .scenarios = "update",
      .complexities = "(1)" },
};

const pb_component pb_component_state_history = {
    .name = "state_history",
    .summary = "capped state history: a new state object per update, array shift"
               " and a copied history on read vs states by value in a ring buffer",
    .impls = impls,
    .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios,
    .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims,
    .n_claims = PB_ARRAY_LEN(claims),
};
