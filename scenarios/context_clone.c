/*
 * context_clone scenarios (seed 002, the execution context cloned at every
 * layer): written once against context_clone_ops and run for every
 * implementation.
 *
 * N is the size of the context: N tags ("tenant:acme-corp-0007" style, 16..24
 * bytes) and N config entries ("worker.timeout_ms.07" = "30000" style). Each
 * fixture builds K = 16 such contexts (a service handling requests of 16
 * tasks in rotation) in a runtime of the implementation; their deadlines are
 * far in the future. A request has a random key and looks up a random config
 * key of its context, so the repository reads the whole context (its hash
 * covers every tag and entry) plus an O(N) lookup: the work that is the same
 * for both implementations. What differs is the copying: the naive call path
 * deep-copies the context three times (3N + 4 mallocs each), the optimized
 * one borrows; the naive hand-off copies once more, the optimized one
 * retains. Every scenario reports the implementation's deep copies per op as
 * the counter "clones" and folds every result (status, the three layer
 * outputs, what the consumer reads, the queue length) into a digest, which
 * `pairbench run` compares across implementations before timing anything.
 *
 * Steady state (pb_scenario.steady, checked at the start and end of every
 * timed run): the queue holds 0 contexts (call_path) or BACKLOG = 8
 * (call_and_enqueue: every op enqueues one and dequeues one), and the
 * runtime's live context objects are the K contexts plus at most one copy
 * per queued entry. The breaker's state is a small bounded cycle.
 *
 * Claims C-6, C-7 and C-8 of seed 002 are judged at N = 8 (a realistic
 * execution context: a handful of tags and settings) and N = 32.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/context_clone.h"
#include "pairbench/harness.h"
#include "scenarios.h"
#include "util.h"

#define SEED_002 "002_7a2269972d2324e9.txt"
#define K_CONTEXTS 16
#define BACKLOG 8                  /* contexts waiting in the queue (call_and_enqueue) */
#define NOW_MS 1700000000000LL

static const int64_t sizes[] = { 2, 8, 32, 128, 0 };
static const int64_t n_claims[] = { 8, 32, 0 };
static const char *const counters[] = { "clones", NULL };

static const char *const tenants[] = { "acme-corp", "globex", "initech", "umbrella", "hooli" };
static const char *const settings[] = { "worker.timeout_ms", "db.pool", "retry.backoff",
                                        "breaker.threshold", "queue.priority", "log.level" };

typedef struct fixture {
    const context_clone_ops *ops;
    ctx_runtime  *rt;
    ctx_context  *ctx[K_CONTEXTS];
    int64_t       n;
    uint64_t      rng;
    unsigned      cursor;
    /* the builders' strings: fixture data, prepared before the baseline */
    char        (*strs)[32];       /* K * (1 + 3N) strings */
    const char  **tag_ptrs;        /* K * N */
    ctx_config_entry *cfg;         /* K * N */
    size_t        backlog;         /* contexts the queue holds between ops */
    char          why[160];        /* steady: how the runtime left its state */
} fixture;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (f == NULL)
        return;
    for (int i = 0; i < K_CONTEXTS; i++)
        if (f->ctx[i] != NULL)
            ctx_release(f->ops, f->rt, f->ctx[i]);
    if (f->rt != NULL)
        ctx_runtime_destroy(f->ops, f->rt);
    free(f->strs);
    free(f->tag_ptrs);
    free(f->cfg);
    free(f);
}

/* K contexts of N tags and N config entries in a fresh runtime; the
 * strings are prepared first and the heap baseline set after them, so
 * peak_heap_bytes is the runtime's and its contexts'. With a backlog, the
 * queue is then filled with BACKLOG hand-offs. */
static fixture *setup_common(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx, int backlog)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->ops = ops;
    f->n = n;
    f->rng = seed;
    size_t nn = (size_t)n;
    f->strs = malloc(K_CONTEXTS * (1 + 3 * nn) * sizeof *f->strs);
    f->tag_ptrs = malloc(K_CONTEXTS * nn * sizeof *f->tag_ptrs);
    f->cfg = malloc(K_CONTEXTS * nn * sizeof *f->cfg);
    if (f->strs == NULL || f->tag_ptrs == NULL || f->cfg == NULL) {
        fixture_free(f);
        return NULL;
    }
    ctx_builder b[K_CONTEXTS];
    size_t s = 0;
    for (size_t k = 0; k < K_CONTEXTS; k++) {
        snprintf(f->strs[s], 32, "task-executor-%02u", (unsigned)k);
        b[k] = (ctx_builder){
            .id = 1000 + k, .name = f->strs[s++],
            .tags = f->tag_ptrs + k * nn, .n_tags = nn,
            .config = f->cfg + k * nn, .n_config = nn,
            .deadline_ms = NOW_MS + 3600000, .retries = (uint32_t)(k % 3),
        };
        for (size_t i = 0; i < nn; i++) {
            snprintf(f->strs[s], 32, "tenant:%s-%04u",
                     tenants[pb_rand_below(&f->rng, 5)], (unsigned)pb_rand_below(&f->rng, 10000));
            f->tag_ptrs[k * nn + i] = f->strs[s++];
        }
        for (size_t i = 0; i < nn; i++) {
            snprintf(f->strs[s], 32, "%s.%02u", settings[i % 6], (unsigned)(i % 1000));
            f->cfg[k * nn + i].key = f->strs[s++];
            snprintf(f->strs[s], 32, "%u", (unsigned)pb_rand_below(&f->rng, 100000));
            f->cfg[k * nn + i].value = f->strs[s++];
        }
    }
    pb_heap_baseline(ctx);

    f->rt = ctx_runtime_create(f->ops);
    if (f->rt == NULL) {
        fixture_free(f);
        return NULL;
    }
    for (int k = 0; k < K_CONTEXTS; k++) {
        f->ctx[k] = ctx_create(f->ops, f->rt, &b[k]);
        if (f->ctx[k] == NULL) {
            fixture_free(f);
            return NULL;
        }
    }
    f->backlog = (size_t)backlog;
    for (int i = 0; i < backlog; i++)
        if (ctx_enqueue(f->ops, f->rt, f->ctx[i % K_CONTEXTS]) != CTX_OK) {
            fixture_free(f);
            return NULL;
        }
    return f;
}

static void *setup_call(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return setup_common(ops, n, seed, ctx, 0);
}

static void *setup_enqueue(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return setup_common(ops, n, seed, ctx, BACKLOG);
}

PB_BATCH_CLAMPED(batch_ops, 2048, 8, 256)

/* The next request: the next context in rotation, a random key, a random
 * config key of that context. */
static const ctx_context *next_request(fixture *f, ctx_request *req)
{
    unsigned k = f->cursor;
    f->cursor = (f->cursor + 1) % K_CONTEXTS;
    req->key = pb_rand(&f->rng);
    req->now_ms = NOW_MS;
    req->config_key = f->cfg[(size_t)k * (size_t)f->n + pb_rand_below(&f->rng, (uint64_t)f->n)].key;
    return f->ctx[k];
}

static uint64_t digest_result(uint64_t d, const ctx_result *r)
{
    d = pb_digest(d, (uint64_t)r->status);
    d = pb_digest(d, r->wrapper_out);
    d = pb_digest(d, r->repo_out);
    return pb_digest(d, r->breaker_out);
}

static uint64_t clones_now(const fixture *f)
{
    ctx_stats st;
    ctx_stats_get(f->ops, f->rt, &st);
    return st.clones;
}

/* call_path: one request through wrapper -> breaker -> repository. */
static uint64_t run_call_path(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0, c0 = clones_now(f);
    for (int64_t i = 0; i < ops; i++) {
        ctx_request req;
        const ctx_context *c = next_request(f, &req);
        ctx_result r;
        ctx_call(f->ops, f->rt, c, &req, &r);
        d = digest_result(d, &r);
    }
    pb_count(ctx, 0, (double)(clones_now(f) - c0));
    return d;
}

/* call_and_enqueue: the call path, then the context handed to the queue,
 * and a consumer that takes the oldest queued context (BACKLOG behind),
 * reads it and releases it. */
static uint64_t run_call_and_enqueue(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0, c0 = clones_now(f);
    for (int64_t i = 0; i < ops; i++) {
        ctx_request req;
        const ctx_context *c = next_request(f, &req);
        ctx_result r;
        ctx_call(f->ops, f->rt, c, &req, &r);
        d = digest_result(d, &r);
        d = pb_digest(d, (uint64_t)ctx_enqueue(f->ops, f->rt, c));
        ctx_context *got = ctx_dequeue(f->ops, f->rt);
        if (got != NULL) {
            ctx_view v;
            ctx_read(f->ops, got, &v);
            d = pb_digest(d, v.id ^ (v.version << 32));
            d = pb_digest(d, ((uint64_t)v.n_tags << 32) | v.n_config);
            d = pb_digest(d, (uint64_t)strlen(v.name) ^ ((uint64_t)v.retries << 16));
            if (v.n_config)
                d = pb_digest(d, (uint64_t)(unsigned char)v.config[v.n_config - 1].value[0]);
            ctx_release(f->ops, f->rt, got);
        }
        d = pb_digest(d, ctx_queue_len(f->ops, f->rt));
    }
    pb_count(ctx, 0, (double)(clones_now(f) - c0));
    return d;
}

/* steady (both scenarios): the queue holds the fixture's backlog (0 for
 * call_path, BACKLOG for call_and_enqueue: each op enqueues one and
 * dequeues one), and the runtime's live context objects (allocated - freed,
 * its own statistics) are the K contexts plus at most one per queued
 * entry (the naive hand-off's copies; the optimized queue shares): no
 * layer's copy outlives its call. */
static const char *steady_queue(void *fp)
{
    fixture *f = fp;
    size_t len = ctx_queue_len(f->ops, f->rt);
    ctx_stats st;
    ctx_stats_get(f->ops, f->rt, &st);
    uint64_t live = st.allocated - st.freed;
    if (len == f->backlog && live >= K_CONTEXTS && live <= K_CONTEXTS + len)
        return NULL;
    snprintf(f->why, sizeof f->why, "the queue holds %zu contexts, %zu declared; %llu"
             " live context objects, %d..%zu declared", len, f->backlog,
             (unsigned long long)live, K_CONTEXTS, (size_t)K_CONTEXTS + f->backlog);
    return f->why;
}

static const pb_scenario scenarios[] = {
    { .name = "call_path",
      .description = "one request through wrapper, circuit breaker and repository with an"
                     " execution context of N tags and N config entries (the queue stays"
                     " empty)",
      .sizes = sizes, .counters = counters, .batch = batch_ops,
      .setup = setup_call, .run = run_call_path, .teardown = fixture_free, .latency = 1,
      .steady = steady_queue },
    { .name = "call_and_enqueue",
      .description = "the call path, then the context handed to a queue 8 deep and a consumer"
                     " taking, reading and releasing the oldest queued context (so the"
                     " queue stays 8 deep)",
      .sizes = sizes, .counters = counters, .batch = batch_ops,
      .setup = setup_enqueue, .run = run_call_and_enqueue, .teardown = fixture_free,
      .latency = 1, .steady = steady_queue },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &context_clone_naive,
      .source = "impl_naive/context_clone.c" },
    { .name = "optimized", .ops = &context_clone_optimized,
      .source = "impl_optimized/context_clone.c" },
};

/* Seed 002's claims (shared/CLAIMS.md C-6, C-7, C-8), judged at N = 8 (a
 * realistic context) and N = 32. C-6 counts clone operations, so it is
 * judged on the component's own count of deep copies ("clones"), not on
 * allocations: a deep copy is 3N + 4 allocations here, so an allocation
 * count would mostly measure the context's size and double-count C-7. */
static const pb_claim claims[] = {
    { .id = "C-6", .seed = SEED_002, .words = "clone operations reduced 60%+",
      .metric_text = "deep copies of the context per op (counter \"clones\"), naive vs"
                     " optimized, call_path and call_and_enqueue at N = 8 and 32",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_COUNTER, .counter = "clones",
      .scenarios = "call_path call_and_enqueue", .sizes = n_claims, .threshold = 0.60 },
    { .id = "C-7", .seed = SEED_002, .words = "memory allocations reduced 40%+",
      .metric_text = "allocations per op, naive vs optimized, call_path and"
                     " call_and_enqueue at N = 8 and 32",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_ALLOCS,
      .scenarios = "call_path call_and_enqueue", .sizes = n_claims, .threshold = 0.40 },
    { .id = "C-8", .seed = SEED_002, .words = "response time improved 20%+",
      .metric_text = "time per op, naive vs optimized, call_path and call_and_enqueue"
                     " at N = 8 and 32",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_TIME,
      .scenarios = "call_path call_and_enqueue", .sizes = n_claims, .threshold = 0.20 },
};

const pb_component pb_component_context_clone = {
    .name = "context_clone",
    .summary = "execution context deep-copied at every layer of a call path and at the"
               " queue hand-off vs borrowed, and shared by reference count",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
