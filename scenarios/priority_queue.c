/*
 * priority_queue scenarios (seed 000): written once against
 * priority_queue_ops and run for every implementation.
 *
 * A fixture holds 2N prepared tasks with ids "task-" + 16 hex digits (a
 * bijective mix of the index, so all distinct); task i carries i in
 * created_at_ms, so a dequeued task names its index without a lookup. Tasks
 * [0, N) start in the queue, with priorities drawn uniformly from 0..9 (the
 * seed's range) unless a scenario says otherwise. Every scenario folds what
 * it observes (return codes, dequeued task indices and priorities, sizes)
 * into a digest, which `pairbench run` compares across implementations
 * before timing anything.
 *
 * Steady state (pb_scenario.steady, checked at the start and end of every
 * timed run): hold, hold_wide and remove keep N tasks queued (the queue's
 * size), exactly the prepared tasks outside hold's idle ring (remove's are
 * always [0, N)), with room left below INT32_MAX for hold's advancing
 * priorities; each op takes one task out and puts one in. drain and enqueue
 * build their queue within every batch and declare no state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/harness.h"
#include "pairbench/priority_queue.h"
#include "scenarios.h"
#include "util.h"

static const int64_t sizes[] = { 16, 256, 1000, 10000, 100000, 0 };

#define SEED_PRIORITIES 10      /* the seed's 0..9 */

typedef struct fixture {
    const priority_queue_ops *ops;
    priority_queue *q;
    int64_t     n;
    task       *tasks;       /* 2n prepared tasks; task i has created_at_ms = i */
    int32_t    *prio;        /* n prepared priorities of tasks [0, n) */
    uint32_t   *idle;        /* hold: FIFO ring of the n task indices not queued */
    int64_t     idle_head;
    uint64_t    span;        /* new arrivals draw priorities from [0, span) */
    uint64_t    rng;
    char        why[160];    /* steady: how the queue left its state */
} fixture;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (!f)
        return;
    if (f->q)
        priority_queue_destroy(f->ops, f->q);
    free(f->tasks);
    free(f->prio);
    free(f->idle);
    free(f);
}

/* A new queue holding tasks [0, n) with their prepared priorities, in index
 * order. 0, or -1 when out of memory. */
static int fill_queue(fixture *f)
{
    f->q = priority_queue_create(f->ops);
    if (!f->q)
        return -1;
    for (int64_t i = 0; i < f->n; i++)
        if (priority_queue_enqueue(f->ops, f->q, &f->tasks[i], f->prio[i]) != PQ_OK)
            return -1;
    return 0;
}

/* Prepares tasks, priorities from [0, span) and the idle ring; fills the
 * queue when `filled`. The heap baseline is set after the scenario's own
 * data, so peak_heap_bytes is the queue's. */
static fixture *fixture_new(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx,
                            uint64_t span, int filled)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->n = n;
    f->rng = seed;
    f->span = span;
    f->tasks = calloc((size_t)(2 * n), sizeof *f->tasks);
    f->prio = malloc((size_t)n * sizeof *f->prio);
    f->idle = malloc((size_t)n * sizeof *f->idle);
    if (!f->tasks || !f->prio || !f->idle) {
        fixture_free(f);
        return NULL;
    }
    for (int64_t i = 0; i < 2 * n; i++) {
        task *t = &f->tasks[i];
        pb_make_id(t->id, sizeof t->id, "task-", (uint64_t)i);
        t->status = TASK_PENDING;
        t->priority = (int32_t)(i % SEED_PRIORITIES);
        t->created_at_ms = i;
        t->updated_at_ms = 1700000000000LL + i;
    }
    for (int64_t i = 0; i < n; i++) {
        f->prio[i] = (int32_t)pb_rand_below(&f->rng, span);
        f->idle[i] = (uint32_t)(n + i);
    }
    pb_heap_baseline(ctx);
    if (filled && fill_queue(f) != 0) {
        fixture_free(f);
        return NULL;
    }
    return f;
}

static void *setup_filled(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, SEED_PRIORITIES, 1);
}

static void *setup_filled_wide(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, (uint64_t)n, 1);
}

static void *setup_empty(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, SEED_PRIORITIES, 0);
}

/* Dequeues one task and folds the return code, the task's index and its
 * priority into d. */
static uint64_t take_one(fixture *f, uint64_t d)
{
    task out;
    int32_t p = -1;
    out.created_at_ms = -1;
    int rc = priority_queue_dequeue(f->ops, f->q, &out, &p);
    d = pb_digest(d, (uint64_t)rc);
    d = pb_digest(d, (uint64_t)out.created_at_ms);
    return pb_digest(d, (uint64_t)(uint32_t)p);
}

/* hold (and hold_wide), the classic hold model: dequeue the first task and
 * enqueue a new arrival (the task idle the longest; the dequeued one becomes
 * idle) whose priority is the dequeued priority plus a random increment from
 * [0, span). Priorities behave as event times, so the queue is stationary:
 * about span distinct priorities (at most N) stay queued, whatever the number
 * of operations. (Drawing absolute priorities from [0, span) instead would
 * drift: low numbers leave at once and the queue fills up with the highest
 * ones, so the cost per op would depend on how long the case ran.) The min
 * advances by about span / 2N per op, at most 0.5: int32 lasts for over
 * 4e9 operations, after which the run aborts rather than wrap. */
static uint64_t run_hold(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        task out;
        int32_t p;
        int rc = priority_queue_dequeue(f->ops, f->q, &out, &p);
        if (rc != PQ_OK)
            abort();
        d = pb_digest(d, (uint64_t)out.created_at_ms);
        d = pb_digest(d, (uint64_t)(uint32_t)p);
        uint32_t next = f->idle[f->idle_head];
        f->idle[f->idle_head] = (uint32_t)out.created_at_ms;
        if (++f->idle_head == f->n)
            f->idle_head = 0;
        int64_t np = (int64_t)p + (int64_t)pb_rand_below(&f->rng, f->span);
        if (np > INT32_MAX)
            abort();
        d = pb_digest(d, (uint64_t)priority_queue_enqueue(f->ops, f->q, &f->tasks[next],
                                                          (int32_t)np));
    }
    return d;
}

/* drain: from a queue of N (rebuilt outside the measured region), dequeue
 * all N; time per dequeue. */
static uint64_t run_drain(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    for (int64_t done = 0; done < ops; done += f->n) {
        pb_pause(ctx);
        if (f->q)
            priority_queue_destroy(f->ops, f->q);
        f->q = NULL;
        if (fill_queue(f) != 0)
            abort();
        pb_resume(ctx);
        for (int64_t i = 0; i < f->n; i++)
            d = take_one(f, d);
        d = pb_digest(d, priority_queue_size(f->ops, f->q));
    }
    return d;
}

/* remove: remove a random queued task by id and enqueue it again with a
 * random priority from 0..9 (a new arrival); the queue stays at N. */
static uint64_t run_remove(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        const task *t = &f->tasks[pb_rand_below(&f->rng, (uint64_t)f->n)];
        d = pb_digest(d, (uint64_t)priority_queue_remove(f->ops, f->q, t->id));
        int32_t p = (int32_t)pb_rand_below(&f->rng, SEED_PRIORITIES);
        d = pb_digest(d, (uint64_t)priority_queue_enqueue(f->ops, f->q, t, p));
    }
    return d;
}

/* enqueue: build a queue of N from empty by N enqueues (priorities 0..9),
 * then free it; the time per op is (create + N enqueues + destroy) / N. */
static uint64_t run_enqueue(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t done = 0; done < ops; done += f->n) {
        priority_queue *q = priority_queue_create(f->ops);
        if (!q)
            abort();
        for (int64_t i = 0; i < f->n; i++)
            d = pb_digest(d, (uint64_t)priority_queue_enqueue(f->ops, q, &f->tasks[i], f->prio[i]));
        d = pb_digest(d, priority_queue_size(f->ops, q));
        priority_queue_destroy(f->ops, q);
    }
    return d;
}

/* steady for hold, hold_wide and remove: the queue holds N tasks (its
 * size), exactly those of the 2N prepared tasks that are not in the idle
 * ring (remove never touches the ring: tasks [0, N)), and its first
 * priority leaves room for an increment below span without passing
 * INT32_MAX (hold's priorities advance; those queued stay within span of
 * the first). O(N) lookups. */
static const char *steady_queue(void *fp)
{
    fixture *f = fp;
    size_t size = priority_queue_size(f->ops, f->q);
    int64_t queued = 0, idle_queued = 0;
    for (int64_t i = 0; i < 2 * f->n; i++)
        queued += priority_queue_contains(f->ops, f->q, f->tasks[i].id);
    for (int64_t i = 0; i < f->n; i++)
        idle_queued += priority_queue_contains(f->ops, f->q, f->tasks[f->idle[i]].id);
    if (size != (size_t)f->n || queued != f->n || idle_queued != 0) {
        snprintf(f->why, sizeof f->why, "the queue holds %zu tasks (%lld of the prepared,"
                 " %lld of them idle), %lld declared", size, (long long)queued,
                 (long long)idle_queued, (long long)f->n);
        return f->why;
    }
    int32_t p = -1;
    if (priority_queue_peek(f->ops, f->q, NULL, &p) != PQ_OK || p < 0
        || (int64_t)p > (int64_t)INT32_MAX - (int64_t)f->span) {
        snprintf(f->why, sizeof f->why, "the first priority is %ld, 0..%lld declared",
                 (long)p, (long long)INT32_MAX - (long long)f->span);
        return f->why;
    }
    return NULL;
}

/* drain and enqueue build their queue within every batch (drain outside the
 * measured region): no state carries from one batch to the next. */
static const pb_scenario scenarios[] = {
    { .name = "hold",
      .description = "the classic hold model on a queue of N (priorities 0..9 at the"
                     " start): dequeue the first task, enqueue a new arrival whose"
                     " priority is the dequeued one plus a random 0..9 (N stay queued)",
      .sizes = sizes, .batch = pb_batch_256,
      .setup = setup_filled, .run = run_hold, .teardown = fixture_free, .latency = 1,
      .steady = steady_queue },
    { .name = "hold_wide",
      .description = "the hold model with priorities 0..N-1 at the start and random"
                     " increments 0..N-1 (many distinct priorities queued; N stay queued)",
      .sizes = sizes, .batch = pb_batch_256,
      .setup = setup_filled_wide, .run = run_hold, .teardown = fixture_free,
      .latency = 1, .steady = steady_queue },
    { .name = "drain",
      .description = "dequeue all N tasks (priorities 0..9) of a queue built outside"
                     " the measured region; time per dequeue",
      .sizes = sizes, .batch = pb_batch_n,
      .setup = setup_empty, .run = run_drain, .teardown = fixture_free },
    { .name = "remove",
      .description = "remove a random queued task by id from a queue of N (priorities"
                     " 0..9) and enqueue it again with a random priority 0..9 (N stay queued)",
      .sizes = sizes, .batch = pb_batch_256,
      .setup = setup_filled, .run = run_remove, .teardown = fixture_free, .latency = 1,
      .steady = steady_queue },
    { .name = "enqueue",
      .description = "build a queue of N from empty by N enqueues (priorities 0..9)"
                     " and free it; time per enqueue",
      .sizes = sizes, .batch = pb_batch_n,
      .setup = setup_empty, .run = run_enqueue, .teardown = fixture_free },
};

static const pb_impl impls[] = {
    /* The cap is per implementation, so it is set by the slowest naive case:
     * hold_wide, whose every dequeue copies and sorts the distinct queued
     * priorities (most of N). Measured at N = 100000: 13 ms per op, 3.3 s per
     * batch of 256 (and one more batch to verify); at N = 10000: 0.55 ms per
     * op, 0.14 s per batch. The other naive cases at N = 100000 would be fine
     * (hold 5.5 us, drain 1.9 us, remove 71 us, enqueue 1.3 us per op). */
    { .name = "naive", .ops = &priority_queue_naive,
      .source = "impl_naive/priority_queue.c",
      .max_n = 10000,
      .cap_reason = "naive dequeue sorts every distinct priority: hold_wide at"
                    " N = 100000 takes ~13 ms per op, over 3 s per 256-op batch" },
    { .name = "optimized", .ops = &priority_queue_optimized,
      .source = "impl_optimized/priority_queue.c",
      .max_n = 0, .cap_reason = NULL },
    { .name = "glib", .ops = &priority_queue_glib,
      .source = "impl_peer/priority_queue_glib.c",
      .library = "GLib 2.74 GSequence sorted by (priority, arrival) with"
                 " g_sequence_insert_sorted, GHashTable id -> GSequenceIter"
                 " (g_str_hash) for remove and contains" },
};

/* Seed 000's implied claim about TaskPriorityQueue (shared/CLAIMS.md S-8),
 * measured two ways, as CLAIMS.md asks: the complexity fit over the N sweep
 * and the time ratio at N = 10k. */
#define SEED_000 "000_89e791349a415ca7.txt"
static const int64_t n_10k[] = { 10000, 0 };
static const pb_claim claims[] = {
    { .id = "S-8", .seed = SEED_000,
      .words = "(implied) dequeue and remove no longer O(n log n) / O(n)",
      .metric_text = "complexity fit of the optimized hold, hold_wide, drain and"
                     " remove over N = 16..100k, on instructions per op (callgrind,"
                     " run --instr-fits; gbench's wall-time fit without)",
      .kind = PB_CLAIM_COMPLEXITY, .scenarios = "hold hold_wide drain remove",
      .complexities = "(1) lgN" },
    { .id = "S-8", .seed = SEED_000,
      .words = "(implied) dequeue and remove no longer O(n log n) / O(n)",
      .metric_text = "naive/optimized time ratio of hold, hold_wide, drain and"
                     " remove at N = 10k (faster at all: > 1x)",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "hold hold_wide drain remove",
      .sizes = n_10k, .threshold = 1 },
};

const pb_component pb_component_priority_queue = {
    .name = "priority_queue",
    .summary = "map priority -> id array with a sort of the priorities and an array"
               " shift per dequeue vs indexed 4-ary heap on (priority, arrival)",
    .impls = impls,
    .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios,
    .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims,
    .n_claims = PB_ARRAY_LEN(claims),
};
