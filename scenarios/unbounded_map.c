/*
 * unbounded_map scenarios (seed 004, items 8 and 9): written once against
 * unbounded_map_ops and run for every implementation.
 *
 * The workload is the orchestrator's task stream: at most WINDOW = 64 tasks
 * live at once; a step picks a live task at random (pb_rand from the seed)
 * and moves it on: a task awaiting its retry is assigned again; a running
 * one fails with probability 1/5 (fail: a retry is due, or after the 3rd
 * attempt it gives up) or else completes. A task that finishes (completes
 * or gives up) is replaced at once by a new one (its first assign), so the
 * window stays full. Every step also looks up the attempts and assignment
 * of a random live task. Ids are "task-" + 16 hex digits (pb_make_id),
 * agents random 32-bit values. The scenario keeps its own model of every
 * live task (attempts, agent, whether a retry is due) and checks every
 * observation against it.
 *
 *   stream  N = tasks processed (carried to completion or give-up) per
 *           batch, one op = one task. Every batch runs on a fresh tracker
 *           (destroyed and created between pb_pause and pb_resume; no
 *           steady state to declare), so the naive tracker's growth is paid
 *           within a batch and the process's memory stays bounded. Counter
 *           `entries`: the tracker's entries() at the end of each batch,
 *           counted once per batch, so per op it is entries left per task
 *           processed (naive 2 x (N + 64) / N, optimized 2 x 64 / N).
 *           Judged by its specification (PB_VERIFY_SPEC): every
 *           observation of a live task matches the model, and at the end
 *           of the batch the tracker holds at most 2 entries per live task.
 *           The naive one is wrong by design there.
 *   lookup  set-up runs the stream for N tasks (64 left live); one op =
 *           attempts() + assignment() of a random live task: read-only
 *           (steady state: the entries set-up left), identical digests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/harness.h"
#include "pairbench/unbounded_map.h"
#include "scenarios.h"
#include "util.h"

#define WINDOW        64        /* L: live tasks at any time */
#define FAIL_ONE_IN   5         /* an attempt fails with probability 1/5 */
#define MAX_ATTEMPTS  3         /* the seed's retry budget */
#define ID_STRIDE     32        /* "task-" + 16 hex + NUL, padded */

static const int64_t sizes[] = { 1000, 10000, 100000, 0 };

typedef struct live_task {
    uint32_t task;              /* index of its id */
    uint32_t attempts;          /* the model: attempts so far */
    uint32_t agent;             /* the agent of the last assign */
    int      retry_due;         /* the last attempt failed, not reassigned */
} live_task;

typedef struct fixture {
    const unbounded_map_ops *ops;
    um_tracker *t;
    int64_t     n;
    char       *ids;            /* n + WINDOW ids, ID_STRIDE bytes each */
    uint32_t    next_id;        /* the next task to start in this batch */
    int64_t     finished;       /* tasks finished in this batch */
    live_task   live[WINDOW];
    uint64_t    rng;
    size_t      entries_end;    /* entries() at the end of the last batch */
    size_t      entries_setup;  /* lookup: entries() after set-up */
    char        violation[192]; /* the first observation off the model */
    char        why[192];
} fixture;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (!f)
        return;
    um_destroy(f->ops, f->t);
    free(f->ids);
    free(f);
}

/* The ids and the generator; the heap baseline after them, so
 * peak_heap_bytes is the tracker's alone. No tracker yet. */
static fixture *fixture_new(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->n = n;
    f->rng = seed;
    f->ids = malloc((size_t)(n + WINDOW) * ID_STRIDE);
    if (!f->ids) {
        free(f);
        return NULL;
    }
    for (int64_t i = 0; i < n + WINDOW; i++)
        pb_make_id(f->ids + i * ID_STRIDE, ID_STRIDE, "task-", (uint64_t)i);
    pb_heap_baseline(ctx);
    return f;
}

static const char *id_of(const fixture *f, uint32_t task)
{
    return f->ids + (size_t)task * ID_STRIDE;
}

static void off_model(fixture *f, const char *what, const live_task *m, int got, int want)
{
    if (!f->violation[0])
        snprintf(f->violation, sizeof f->violation, "%s of live task %s (attempt %u):"
                 " returned %d, %d expected", what, id_of(f, m->task), m->attempts, got,
                 want);
}

/* An assign of task m on a random agent: its first, or a retry. */
static uint64_t attempt(fixture *f, live_task *m, uint64_t d)
{
    uint32_t agent = (uint32_t)(pb_rand(&f->rng) >> 32);
    int rc = um_assign(f->ops, f->t, id_of(f, m->task), agent);
    m->attempts++;
    m->agent = agent;
    m->retry_due = 0;
    if (rc != (int)m->attempts)
        off_model(f, "assign", m, rc, (int)m->attempts);
    return pb_digest(d, (uint64_t)(int64_t)rc);
}

/* The next task takes window slot m. */
static uint64_t start(fixture *f, live_task *m, uint64_t d)
{
    m->task = f->next_id++;
    m->attempts = 0;
    return attempt(f, m, d);
}

/* attempts() and assignment() of live task m. */
static uint64_t look_up(fixture *f, const live_task *m, uint64_t d)
{
    const char *id = id_of(f, m->task);
    int n = um_attempts(f->ops, f->t, id);
    uint32_t agent = 0;
    int rc = um_assignment(f->ops, f->t, id, &agent);
    if (n != (int)m->attempts)
        off_model(f, "attempts", m, n, (int)m->attempts);
    if (rc != UM_OK || agent != m->agent)
        off_model(f, "assignment", m, rc == UM_OK ? (int)agent : rc, (int)m->agent);
    return pb_digest(pb_digest(pb_digest(d, (uint64_t)(int64_t)n), (uint64_t)(int64_t)rc),
                     agent);
}

/* One step of the stream: a random live task moves on, a random live task
 * is looked up. */
static uint64_t step(fixture *f, uint64_t d)
{
    live_task *m = &f->live[pb_rand_below(&f->rng, WINDOW)];
    if (m->retry_due)
        d = attempt(f, m, d);
    else if (pb_rand_below(&f->rng, FAIL_ONE_IN) == 0) {
        int rc = um_fail(f->ops, f->t, id_of(f, m->task));
        int want = m->attempts < MAX_ATTEMPTS ? UM_RETRY : UM_GAVE_UP;
        if (rc != want)
            off_model(f, "fail", m, rc, want);
        d = pb_digest(d, (uint64_t)(int64_t)rc);
        if (want == UM_RETRY)
            m->retry_due = 1;
        else {
            f->finished++;
            d = start(f, m, d);
        }
    } else {
        int rc = um_complete(f->ops, f->t, id_of(f, m->task));
        if (rc != UM_OK)
            off_model(f, "complete", m, rc, UM_OK);
        d = pb_digest(d, (uint64_t)(int64_t)rc);
        f->finished++;
        d = start(f, m, d);
    }
    return look_up(f, &f->live[pb_rand_below(&f->rng, WINDOW)], d);
}

/* A fresh tracker with WINDOW tasks started, then steps until n tasks have
 * finished (n + WINDOW started: the window is full at the end). The
 * tracker is created between pb_pause and pb_resume when ctx is given. */
static int batch(fixture *f, pb_ctx *ctx, uint64_t *d)
{
    if (ctx)
        pb_pause(ctx);
    um_destroy(f->ops, f->t);
    f->t = NULL;
    um_options opt = { .max_attempts = MAX_ATTEMPTS };
    int rc = um_create(f->ops, &opt, &f->t);
    if (ctx)
        pb_resume(ctx);
    if (rc != UM_OK) {
        if (!f->violation[0])
            snprintf(f->violation, sizeof f->violation, "cannot create a tracker: %d", rc);
        return -1;
    }
    f->next_id = 0;
    f->finished = 0;
    for (int s = 0; s < WINDOW; s++)
        *d = start(f, &f->live[s], *d);
    while (f->finished < f->n)
        *d = step(f, *d);
    f->entries_end = um_entries(f->ops, f->t);
    *d = pb_digest(*d, f->entries_end);
    return 0;
}

/* ---- stream --------------------------------------------------------------- */

enum { C_ENTRIES };
static const char *const stream_counters[] = { "entries", NULL };
static const char *const stream_charts[] = { "peak_heap_bytes", "entries", NULL };

static void *setup_stream(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx);
}

static uint64_t run_stream(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    for (int64_t done = 0; done < ops; done += f->n) {
        if (batch(f, ctx, &d) != 0)
            break;
        pb_count(ctx, C_ENTRIES, (double)f->entries_end);
    }
    return d;
}

/* The specification: every observation of a live task matched the model,
 * and the tracker ends a batch with at most 2 entries per live task. */
static const char *check_stream(void *fp)
{
    fixture *f = fp;
    if (f->violation[0])
        return f->violation;
    if (f->entries_end > 2 * WINDOW) {
        snprintf(f->why, sizeof f->why, "the tracker holds %zu entries after %lld tasks"
                 " processed with %d live: at most %d (2 per live task) allowed",
                 f->entries_end, (long long)f->n, WINDOW, 2 * WINDOW);
        return f->why;
    }
    return NULL;
}

/* ---- lookup --------------------------------------------------------------- */

static const char *const lookup_charts[] = { "peak_heap_bytes", NULL };

static void *setup_lookup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    fixture *f = fixture_new(ops, n, seed, ctx);
    if (!f)
        return NULL;
    uint64_t d = 0;
    if (batch(f, NULL, &d) != 0 || f->violation[0]) {
        pb_setup_failed(ctx, "the stream before the lookups: %s", f->violation);
        fixture_free(f);
        return NULL;
    }
    f->entries_setup = f->entries_end;
    return f;
}

static uint64_t run_lookup(void *fp, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    fixture *f = fp;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++) {
        const char *id = id_of(f, f->live[pb_rand_below(&f->rng, WINDOW)].task);
        uint32_t agent = 0;
        int n = um_attempts(f->ops, f->t, id);
        int rc = um_assignment(f->ops, f->t, id, &agent);
        d = pb_digest(pb_digest(pb_digest(d, (uint64_t)(int64_t)n), (uint64_t)(int64_t)rc),
                      agent);
    }
    return d;
}

/* steady: lookups change nothing; the tracker holds what set-up left. */
static const char *steady_lookup(void *fp)
{
    fixture *f = fp;
    size_t e = um_entries(f->ops, f->t);
    if (e == f->entries_setup)
        return NULL;
    snprintf(f->why, sizeof f->why, "the tracker holds %zu entries, %zu after set-up", e,
             f->entries_setup);
    return f->why;
}

static const pb_scenario scenarios[] = {
    { .name = "stream",
      .description = "N tasks per batch, each carried from its first assign to completion"
                     " or give-up (1 in 5 attempts fails, 3 attempts at most), 64 live at"
                     " once, a lookup per step; a fresh tracker per batch",
      .sizes = sizes, .counters = stream_counters, .charts = stream_charts,
      .batch = pb_batch_n, .setup = setup_stream, .run = run_stream,
      .teardown = fixture_free, .verify = PB_VERIFY_SPEC, .check = check_stream },
    { .name = "lookup",
      .description = "attempts() and assignment() of one of the 64 live tasks after N"
                     " tasks were processed",
      .sizes = sizes, .charts = lookup_charts, .batch = pb_batch_4096,
      .setup = setup_lookup, .run = run_lookup, .teardown = fixture_free,
      .steady = steady_lookup, .latency = 1 },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &unbounded_map_naive, .source = "impl_naive/unbounded_map.c",
      .wrong_by_design = "finished tasks' entries are never removed: memory grows with"
                         " every task processed" },
    { .name = "optimized", .ops = &unbounded_map_optimized,
      .source = "impl_optimized/unbounded_map.c" },
};

/* No claim: seed 004 states items 8 and 9 without a figure (CLAIMS.md has
 * none for them); the entries and peak heap figures are the result. */
const pb_component pb_component_unbounded_map = {
    .name = "unbounded_map",
    .summary = "per-task attempts and assignment maps never cleaned vs entries removed"
               " when a task completes or gives up, tables shrunk: memory bounded by"
               " live tasks",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
};
