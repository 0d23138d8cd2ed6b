/*
 * ready_tasks_index scenarios (seed 004): written once against
 * ready_tasks_index_ops and run for every implementation.
 *
 * N is the number of tasks of the roadmap (impl_shared/shared_roadmap.h).
 * The roadmap of N tasks is built once per process as a template database
 * in the harness's scratch directory (from a seed of N alone, so every
 * scenario and both implementations query the same roadmap) and copied
 * into the case's directory for each fixture; the implementation's open()
 * then creates its indexes on the copy. None of that is measured. The
 * connection is registered with the harness (pb_watch_sqlite), so the
 * statements, VM steps, full-scan steps, sorts and automatic indexes per
 * op are SQLite's own counters, never the component's.
 *
 * Operations pick their argument from a seeded access stream over the
 * tasks (or epics); every row returned is folded into the digest, so
 * `run` checks both implementations return the same rows in the same
 * order before timing anything. The database is only read: the fixture's
 * steady state is that its file and row counts do not change.
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pairbench/harness.h"
#include "pairbench/ready_tasks_index.h"
#include "../impl_shared/shared_roadmap.h"
#include "scenarios.h"
#include "util.h"
#include "util_roadmap.h"

static const int64_t sizes[] = { 1000, 10000, 100000, 0 };

#define READY_LIMIT 50           /* the scheduler's batch: getReadyTasks(50) */
#define ROWS_MAX    4096

typedef struct fixture {
    const ready_tasks_index_ops *ops;
    ready_tasks_index *r;
    int64_t     n, epics;
    uint32_t   *stream;          /* access stream over tasks (or epics) */
    int64_t     stream_len, cursor;
    rti_task    rows[ROWS_MAX];
    rti_event   events[ROWS_MAX];
    char        path[PATH_MAX];
    long long   file_size;       /* after open: the steady state */
    char        why[PATH_MAX + 64];
} fixture;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (!f)
        return;
    if (f->r) {
        pb_unwatch_sqlite(f->ops->db(f->r));
        f->ops->close(f->r);
    }
    free(f->stream);
    free(f);
}

/* Copies the template into the case directory, opens it with the
 * implementation (its indexes made), registers the connection and builds
 * the access stream over `keys` items. */
static fixture *fixture_new(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx,
                            int over_epics)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->n = n;
    f->epics = roadmap_epics(n);
    int64_t keys = over_epics ? f->epics : n;
    f->stream_len = pb_stream_len(keys);
    f->stream = malloc((size_t)f->stream_len * sizeof *f->stream);
    if (!f->stream) {
        pb_setup_failed(ctx, "out of memory");
        fixture_free(f);
        return NULL;
    }
    if (pb_roadmap_fixture(ctx, n, 0, f->path, sizeof f->path) != 0) {
        fixture_free(f);
        return NULL;
    }
    uint64_t rng = seed;
    pb_access_stream(f->stream, keys, f->stream_len, &rng);
    pb_heap_baseline(ctx);
    int rc = f->ops->open(f->path, &f->r);
    if (rc != RTI_OK || pb_watch_sqlite(ctx, f->ops->db(f->r)) != 0) {
        pb_setup_failed(ctx, "open %s: %s", f->path,
                        rc != RTI_OK ? rti_open_error() : "cannot watch the connection");
        fixture_free(f);
        return NULL;
    }
    f->file_size = pb_file_size(f->path);
    return f;
}

static void *setup_tasks(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, 0);
}

static void *setup_epics(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, 1);
}

static int64_t next_key(fixture *f)
{
    int64_t k = f->stream[f->cursor];
    if (++f->cursor == f->stream_len)
        f->cursor = 0;
    return k;
}

static uint64_t digest_text(uint64_t d, const char *s)
{
    for (; *s; s++)
        d = pb_digest(d, (unsigned char)*s);
    return pb_digest(d, 0);
}

static uint64_t digest_tasks(uint64_t d, int rc, const rti_task *t, size_t n)
{
    d = pb_digest(pb_digest(d, (uint64_t)rc), n);
    for (size_t i = 0; i < n; i++) {
        d = digest_text(d, t[i].id);
        d = digest_text(d, t[i].epic_id);
        d = digest_text(d, t[i].status);
        d = pb_digest(d, (uint64_t)t[i].priority);
        d = pb_digest(d, (uint64_t)t[i].created_at);
    }
    return d;
}

/* ready: the scheduler's getReadyTasks(50) on an unchanged roadmap. */
static uint64_t run_ready(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        size_t n;
        int rc = f->ops->ready(f->r, f->rows, READY_LIMIT, &n);
        d = digest_tasks(d, rc, f->rows, n);
    }
    return d;
}

static uint64_t run_by_epic(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        char id[RTI_ID_MAX];
        roadmap_epic_id(id, sizeof id, next_key(f));
        size_t n;
        int rc = f->ops->by_epic(f->r, id, f->rows, ROWS_MAX, &n);
        d = digest_tasks(d, rc, f->rows, n);
    }
    return d;
}

typedef int (*task_query)(ready_tasks_index *, const char *, rti_task *, size_t, size_t *);

static uint64_t run_task_query(fixture *f, int64_t ops, task_query q)
{
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++) {
        char id[RTI_ID_MAX];
        roadmap_task_id(id, sizeof id, next_key(f));
        size_t n;
        int rc = q(f->r, id, f->rows, ROWS_MAX, &n);
        d = digest_tasks(d, rc, f->rows, n);
    }
    return d;
}

static uint64_t run_by_parent(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    (void)ctx;
    return run_task_query(f, ops, f->ops->by_parent);
}

static uint64_t run_dependents(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    (void)ctx;
    return run_task_query(f, ops, f->ops->dependents);
}

/* task_lookups: a task's "progress" events, then its mean correctness
 * score: the per-task event and quality lookups of the seed. */
static uint64_t run_task_lookups(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        char id[RTI_ID_MAX];
        roadmap_task_id(id, sizeof id, next_key(f));
        size_t n;
        int rc = f->ops->events(f->r, id, "progress", f->events, ROWS_MAX, &n);
        d = pb_digest(pb_digest(d, (uint64_t)rc), n);
        for (size_t k = 0; k < n; k++)
            d = pb_digest(pb_digest(d, (uint64_t)f->events[k].id),
                          (uint64_t)f->events[k].timestamp);
        double mean;
        int64_t count;
        rc = f->ops->quality(f->r, id, "correctness", &mean, &count);
        d = pb_digest(pb_digest(pb_digest(d, (uint64_t)rc), (uint64_t)count),
                      (uint64_t)(int64_t)(mean * 1e9));
    }
    return d;
}

/* steady (every scenario): only reads, so the database file keeps the size
 * it had after open, and the roadmap keeps its N tasks. */
static const char *steady_file(void *fp)
{
    fixture *f = fp;
    return pb_file_unchanged(f->path, f->file_size, f->why, sizeof f->why);
}

/* Slow naive queries at large N: small batches. */
static int64_t batch_query(int64_t n) { return n >= 10000 ? 1 : 4; }
static int64_t batch_seek(int64_t n) { return n >= 100000 ? 4 : n >= 10000 ? 16 : 64; }

static const pb_scenario scenarios[] = {
    { .name = "ready",
      .description = "getReadyTasks(50): pending tasks whose blocking dependencies are all"
                     " done, by priority, age and id, on a roadmap of N tasks",
      .sizes = sizes, .batch = batch_query, .probes = PB_PROBE_FILES,
      .setup = setup_tasks, .run = run_ready, .teardown = fixture_free, .latency = 1,
      .steady = steady_file },
    { .name = "by_epic",
      .description = "the tasks of a random epic (about 50), by age",
      .sizes = sizes, .batch = batch_seek, .probes = PB_PROBE_FILES,
      .setup = setup_epics, .run = run_by_epic, .teardown = fixture_free, .latency = 1,
      .steady = steady_file },
    { .name = "by_parent",
      .description = "the children of a random task, by age",
      .sizes = sizes, .batch = batch_seek, .probes = PB_PROBE_FILES,
      .setup = setup_tasks, .run = run_by_parent, .teardown = fixture_free, .latency = 1,
      .steady = steady_file },
    { .name = "dependents",
      .description = "the tasks a random task blocks, by id",
      .sizes = sizes, .batch = batch_seek, .probes = PB_PROBE_FILES,
      .setup = setup_tasks, .run = run_dependents, .teardown = fixture_free, .latency = 1,
      .steady = steady_file },
    { .name = "task_lookups",
      .description = "a random task's progress events and its mean correctness score",
      .sizes = sizes, .batch = batch_seek, .probes = PB_PROBE_FILES,
      .setup = setup_tasks, .run = run_task_lookups, .teardown = fixture_free,
      .latency = 1, .steady = steady_file },
};

static const pb_impl impls[] = {
    /* Without indexes ready() is O(pending x dependencies): 17 ms at 1k
     * tasks, about 1.7 s at 10k, minutes at 100k. */
    { .name = "naive", .ops = &ready_tasks_index_naive,
      .source = "impl_naive/ready_tasks_index.c", .max_n = 10000,
      .cap_reason = "without indexes getReadyTasks scans the dependencies once per"
                    " pending task, O(N^2): minutes per query at 100k tasks" },
    { .name = "optimized", .ops = &ready_tasks_index_optimized,
      .source = "impl_optimized/ready_tasks_index.c" },
};

/* Claim D-3 of seed 004: "10-50x faster dependency queries" with the
 * composite indexes, judged at 10k tasks on the dependency queries (ready
 * and dependents) at the claim's lower end, 10x. */
#define SEED_004 "004_bc0182ebbdcf053b.txt"
static const int64_t n_10k[] = { 10000, 0 };
static const pb_claim claims[] = {
    { .id = "D-3", .seed = SEED_004, .words = "10-50x faster dependency queries",
      .metric_text = "naive/optimized time ratio of ready (getReadyTasks) and dependents"
                     " at 10k tasks, paired rounds",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "ready dependents", .sizes = n_10k,
      .threshold = 10 },
};

const pb_component pb_component_ready_tasks_index = {
    .name = "ready_tasks_index",
    .summary = "dependency queries on the seed's SQLite schema without its composite"
               " indexes vs with them (and one for the ready queue's order)",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
