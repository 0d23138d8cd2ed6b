/*
 * object_pool scenarios (seed 002, the TaskExecutionContext pool): written
 * once against object_pool_ops and run for every implementation.
 *
 * N is the number of execution contexts in use at once (tasks running
 * concurrently on a worker). Every pool is created with capacity 256, a pool
 * sized for the expected concurrency: at N = 1000 the burst scenario holds
 * more contexts than the pool keeps, and the bounded pool's misses show.
 * One operation is one context's life: an acquire, a few fields filled as a
 * task run would (task id, name, two tags, counters), and its release. The
 * digest folds every acquired context's id and a check of its initial state,
 * so a pool that handed out a stale context would be caught by the
 * cross-implementation digest check of `pairbench run`.
 * The counter pool_hits (per op) reads the pool's own statistics: 0 for the
 * naive implementation by definition.
 *
 * Steady state (pb_scenario.steady, checked at the start and end of every
 * timed run): steady has N contexts out between operations and burst none
 * between bursts (runs are whole bursts), by the pool's own in_use count and
 * by the fixture's held slots; the pool keeps as many idle contexts as
 * set-up left it (steady: 0; burst: min(N, 256) for the bounded pool, 0 for
 * the naive one). Neither scenario drifts: each op releases what it
 * acquires.
 *
 * Claims (shared/CLAIMS.md): C-7, allocations per op reduced by 40%+, judged
 * at the reference N = 256 (= the pool capacity) in both scenarios; C-9,
 * steady-state allocations per acquire/release below 0.01 (target 0), at
 * N = 16 and 256 in both scenarios. The suite is run under glibc and under
 * jemalloc (`--allocator jemalloc`), where thread caches make malloc/free
 * much cheaper and the time gap smaller; allocations per op are the same.
 */
#include <stdlib.h>
#include <string.h>

#include "pairbench/harness.h"
#include "pairbench/object_pool.h"
#include "scenarios.h"
#include "util.h"

static const int64_t sizes[] = { 1, 16, 256, 1000, 0 };
static const int64_t n_256[] = { 256, 0 };
static const int64_t n_16_256[] = { 16, 256, 0 };

#define POOL_CAPACITY 256
#define N_NAMES 64

static const char *const counters[] = { "pool_hits", NULL };

static const char *const task_kinds[] = {
    "render-thumbnails", "sync-labels", "send-digest", "reindex-search",
    "export-report", "rotate-keys", "compact-logs", "import-feed",
};

typedef struct fixture {
    const object_pool_ops *ops;
    object_pool *pool;
    exec_ctx   **held;             /* n slots, rotation or burst */
    int64_t      n;
    int64_t      next;             /* steady: next slot to recycle */
    uint64_t     task_seq;
    uint64_t     rng;
    int64_t      in_use;           /* steady: contexts held between ops */
    uint64_t     idle;             /* steady: the pool's idle count set-up left */
    char         why[160];         /* steady: how the pool left its state */
    char         names[N_NAMES][EXEC_CTX_NAME_MAX];
} fixture;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (f == NULL)
        return;
    if (f->pool != NULL) {
        for (int64_t i = 0; i < f->n; i++)
            object_pool_release(f->ops, f->pool, f->held[i]);   /* NULL: no-op */
        object_pool_destroy(f->ops, f->pool);
    }
    free(f->held);
    free(f);
}

/* The fixture, its precomputed task names, and an empty pool. */
static fixture *fixture_new(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->ops = ops;
    f->n = n;
    f->rng = seed;
    f->held = calloc((size_t)n, sizeof *f->held);
    if (f->held == NULL) {
        free(f);
        return NULL;
    }
    for (int i = 0; i < N_NAMES; i++) {
        const char *k = task_kinds[i % 8];
        size_t len = strlen(k);
        memcpy(f->names[i], k, len);
        f->names[i][len] = '-';
        f->names[i][len + 1] = (char)('a' + i / 8);
        f->names[i][len + 2] = '\0';
    }
    pb_heap_baseline(ctx);
    f->pool = object_pool_create(f->ops, POOL_CAPACITY);
    if (f->pool == NULL) {
        fixture_free(f);
        return NULL;
    }
    return f;
}

/* A task run's writes into its context: task id, name, two tags, counters.
 * Returns a digest of what the context held when acquired (its id and a
 * sample of fields that must be in the initial state). */
static uint64_t use_ctx(fixture *f, exec_ctx *c)
{
    uint64_t seen = c->id ^ ((uint64_t)c->n_tags << 56) ^ c->task_id
                    ^ ((uint64_t)(unsigned char)c->name[0] << 48)
                    ^ ((uint64_t)(unsigned char)c->tags[0][0] << 40)
                    ^ ((uint64_t)c->retries << 32) ^ c->bytes_out;
    uint64_t r = pb_rand(&f->rng);
    c->task_id = ++f->task_seq;
    c->worker_id = 7;
    c->started_ms = 1700000000000LL + (int64_t)(r & 0xffff);
    c->deadline_ms = c->started_ms + 30000;
    c->attempt = 1 + (uint32_t)(r >> 62);
    c->priority = (int32_t)((r >> 20) & 7);
    memcpy(c->name, f->names[r % N_NAMES], EXEC_CTX_NAME_MAX);
    memcpy(c->tags[0], "queue:default", sizeof "queue:default");
    memcpy(c->tags[1], "tenant:acme", sizeof "tenant:acme");
    c->n_tags = 2;
    c->bytes_in = (r >> 8) & 0xfff;
    c->bytes_out = c->bytes_in * 3;
    c->status = 1;
    return seen;
}

/* NULL when acquire failed; the caller turns that into a digest value. */
static exec_ctx *acquire_used(fixture *f, uint64_t *d)
{
    exec_ctx *c = object_pool_acquire(f->ops, f->pool);
    *d = pb_digest(*d, c != NULL ? use_ctx(f, c) : UINT64_MAX);
    return c;
}

static uint64_t hits_of(const fixture *f)
{
    object_pool_stats s;
    object_pool_get_stats(f->ops, f->pool, &s);
    return s.hits;
}

static uint64_t idle_of(const fixture *f)
{
    object_pool_stats s;
    object_pool_get_stats(f->ops, f->pool, &s);
    return s.idle;
}

/* steady: N contexts held; one op releases the oldest and acquires (and
 * fills) its replacement. Set-up acquires the first N. */
static void *setup_steady(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    fixture *f = fixture_new(ops, n, seed, ctx);
    if (f == NULL)
        return NULL;
    uint64_t d = 0;
    for (int64_t i = 0; i < n; i++) {
        f->held[i] = acquire_used(f, &d);
        if (f->held[i] == NULL) {
            fixture_free(f);
            return NULL;
        }
    }
    f->in_use = n;
    f->idle = idle_of(f);
    return f;
}

static uint64_t run_steady(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0, hits0 = hits_of(f);
    for (int64_t i = 0; i < ops; i++) {
        exec_ctx **slot = &f->held[f->next];
        object_pool_release(f->ops, f->pool, *slot);
        *slot = acquire_used(f, &d);
        if (++f->next == f->n)
            f->next = 0;
    }
    pb_count(ctx, 0, (double)(hits_of(f) - hits0));
    return d;
}

/* burst: acquire N contexts (filling each), then release all N; one op is
 * one context of a burst. Set-up runs one burst so the pool is warm. */
static uint64_t burst(fixture *f, int64_t k)
{
    uint64_t d = 0;
    for (int64_t i = 0; i < k; i++)
        f->held[i] = acquire_used(f, &d);
    for (int64_t i = 0; i < k; i++) {
        object_pool_release(f->ops, f->pool, f->held[i]);
        f->held[i] = NULL;
    }
    return d;
}

static void *setup_burst(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    fixture *f = fixture_new(ops, n, seed, ctx);
    if (f != NULL) {
        (void)burst(f, n);
        f->idle = idle_of(f);
    }
    return f;
}

static uint64_t run_burst(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0, hits0 = hits_of(f);
    while (ops > 0) {
        int64_t k = ops < f->n ? ops : f->n;
        d = pb_digest(d, burst(f, k));
        ops -= k;
    }
    pb_count(ctx, 0, (double)(hits_of(f) - hits0));
    return d;
}

/* Whole bursts, at least 256 contexts per batch. */
static int64_t batch_bursts(int64_t n) { return n >= 256 ? n : n * (256 / n); }

/* steady (both scenarios): between operations (steady) or bursts (burst)
 * the pool has exactly `in_use` contexts out (N for steady, 0 for burst),
 * the same number the fixture holds, and as many idle contexts as set-up
 * left it with (steady: 0; burst: min(N, capacity) for a pool that keeps
 * them, 0 for one that does not). */
static const char *steady_pool(void *fp)
{
    fixture *f = fp;
    object_pool_stats s;
    object_pool_get_stats(f->ops, f->pool, &s);
    int64_t held = 0;
    for (int64_t i = 0; i < f->n; i++)
        held += f->held[i] != NULL;
    if (s.in_use != (uint64_t)f->in_use || held != f->in_use
        || s.acquires - s.releases != s.in_use) {
        snprintf(f->why, sizeof f->why, "the pool has %llu contexts out (%llu acquires,"
                 " %llu releases), the fixture holds %lld, %lld declared",
                 (unsigned long long)s.in_use, (unsigned long long)s.acquires,
                 (unsigned long long)s.releases, (long long)held, (long long)f->in_use);
        return f->why;
    }
    if (s.idle != f->idle || s.idle > s.capacity) {
        snprintf(f->why, sizeof f->why, "the pool keeps %llu idle contexts (capacity %llu),"
                 " %llu declared", (unsigned long long)s.idle,
                 (unsigned long long)s.capacity, (unsigned long long)f->idle);
        return f->why;
    }
    return NULL;
}

static const pb_scenario scenarios[] = {
    { .name = "steady",
      .description = "N contexts in use; each op releases the oldest and acquires and fills its replacement"
                     " (N stay in use)",
      .sizes = sizes, .counters = counters, .batch = pb_batch_256,
      .setup = setup_steady, .run = run_steady, .teardown = fixture_free, .latency = 1,
      .steady = steady_pool },
    { .name = "burst",
      .description = "acquire and fill N contexts, then release all N; one op is one context of a burst"
                     " (none in use, the pool as warm, between bursts)",
      .sizes = sizes, .counters = counters, .batch = batch_bursts,
      .setup = setup_burst, .run = run_burst, .teardown = fixture_free,
      .steady = steady_pool },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &object_pool_naive,
      .source = "impl_naive/object_pool.c" },
    { .name = "optimized", .ops = &object_pool_optimized,
      .source = "impl_optimized/object_pool.c" },
};

#define SEED_002 "002_7a2269972d2324e9.txt"

static const pb_claim claims[] = {
    { .id = "C-7", .seed = SEED_002,
      .words = "Memory allocations: 40%+ reduction",
      .metric_text = "allocations per op, naive vs optimized, steady and burst at"
                     " N = 256 (the pool capacity)",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_ALLOCS,
      .scenarios = "steady burst", .sizes = n_256, .threshold = 0.40 },
    { .id = "C-9", .seed = SEED_002,
      .words = "Object pooling: eliminates repeated object allocation for task"
               " execution contexts",
      .metric_text = "optimized allocations per acquire/release in steady state"
                     " (target 0), steady and burst at N = 16 and 256",
      .kind = PB_CLAIM_VALUE_BELOW, .metric = PB_METRIC_ALLOCS,
      .scenarios = "steady burst", .sizes = n_16_256, .threshold = 0.01 },
};

const pb_component pb_component_object_pool = {
    .name = "object_pool",
    .summary = "execution contexts: malloc + initialise per acquire, free per release"
               " vs a bounded free-list pool with reset on release",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
