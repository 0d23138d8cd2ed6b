/*
 * n_plus_one scenarios (seed 004): written once against n_plus_one_ops and
 * run for every implementation.
 *
 * N is the number of tasks of the roadmap (impl_shared/shared_roadmap.h);
 * about 45% of them (pending or blocked) are candidates of a refresh. The
 * fixture is a copy of the indexed template (scenarios/util_roadmap.h),
 * made outside the measured region; the connection is registered with the
 * harness (pb_watch_sqlite), so statements, prepares (reprepares), VM
 * steps and sorts per refresh are SQLite's own counters. Every row of
 * every refresh is folded into the digest: `run` checks both return the
 * same rows in the same order before timing anything. The database is
 * only read: its file and row counts do not change.
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "pairbench/harness.h"
#include "pairbench/n_plus_one.h"
#include "scenarios.h"
#include "util.h"
#include "util_roadmap.h"

static const int64_t sizes[] = { 100, 1000, 10000, 100000, 0 };

typedef struct fixture {
    const n_plus_one_ops *ops;
    n_plus_one *r;
    np_entry   *rows;            /* N: more than any refresh returns */
    size_t      cap;
    char        path[PATH_MAX];
    long long   file_size;
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
    free(f->rows);
    free(f);
}

static void *setup_mode(const void *ops, int64_t n, pb_ctx *ctx, unsigned flags)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->cap = (size_t)n;
    f->rows = malloc(f->cap * sizeof *f->rows);
    if (!f->rows) {
        pb_setup_failed(ctx, "out of memory");
        fixture_free(f);
        return NULL;
    }
    if (pb_roadmap_fixture(ctx, n, PB_ROADMAP_INDEXED | flags, f->path, sizeof f->path) !=
        0) {
        fixture_free(f);
        return NULL;
    }
    pb_heap_baseline(ctx);
    int rc = f->ops->open(f->path, &f->r);
    if (rc != NP_OK || pb_watch_sqlite(ctx, f->ops->db(f->r)) != 0) {
        pb_setup_failed(ctx, "%s", rc != NP_OK ? np_open_error()
                                               : "cannot watch the connection");
        fixture_free(f);
        return NULL;
    }
    f->file_size = pb_file_size(f->path);
    return f;
}

/* The roadmap's seed is N's alone: the seed of the case is not used. */
static void *setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)seed;
    return setup_mode(ops, n, ctx, 0);
}

static void *setup_wal(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)seed;
    return setup_mode(ops, n, ctx, PB_ROADMAP_WAL);
}

static uint64_t digest_text(uint64_t d, const char *s)
{
    for (; *s; s++)
        d = pb_digest(d, (unsigned char)*s);
    return pb_digest(d, 0);
}

/* refresh: the scheduler's refresh of every candidate. */
static uint64_t run_refresh(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        size_t n;
        int rc = f->ops->refresh(f->r, f->rows, f->cap, &n);
        d = pb_digest(pb_digest(d, (uint64_t)rc), n);
        for (size_t k = 0; k < n; k++) {
            const np_entry *e = &f->rows[k];
            d = digest_text(d, e->id);
            d = digest_text(d, e->status);
            d = digest_text(d, e->last_event);
            d = pb_digest(d, (uint64_t)e->priority);
            d = pb_digest(d, (uint64_t)e->created_at);
            d = pb_digest(d, (uint64_t)e->blockers);
            d = pb_digest(d, (uint64_t)e->open_blockers);
            d = pb_digest(d, (uint64_t)e->last_event_at);
        }
    }
    return d;
}

/* steady: only reads, so the file keeps the size it had after open. */
static const char *steady_file(void *fp)
{
    fixture *f = fp;
    return pb_file_unchanged(f->path, f->file_size, f->why, sizeof f->why);
}

static int64_t batch_refresh(int64_t n) { return n >= 10000 ? 1 : n >= 1000 ? 2 : 16; }

static const pb_scenario scenarios[] = {
    { .name = "refresh",
      .description = "the scheduler's refresh: every pending or blocked task of a roadmap"
                     " of N tasks with its blocking dependencies and latest event",
      .sizes = sizes, .batch = batch_refresh, .probes = PB_PROBE_FILES,
      .setup = setup, .run = run_refresh, .teardown = fixture_free,
      .steady = steady_file },
    /* Each autocommit statement is its own read transaction, and what one
     * costs depends on the journal: with a rollback journal, SQLite checks
     * for a hot journal (stat) and rereads the header; with WAL it reads
     * the wal-index instead. The same refresh on WAL says how much of the
     * N+1 cost is that. */
    { .name = "refresh_wal",
      .description = "the same refresh on the roadmap in WAL mode (journal_mode=WAL)",
      .sizes = sizes, .batch = batch_refresh, .probes = PB_PROBE_FILES,
      .setup = setup_wal, .run = run_refresh, .teardown = fixture_free,
      .steady = steady_file },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &n_plus_one_naive, .source = "impl_naive/n_plus_one.c" },
    { .name = "optimized", .ops = &n_plus_one_optimized,
      .source = "impl_optimized/n_plus_one.c" },
};

/* Claim D-6 of seed 004: "N+1 queries combined into one". Its literal
 * half is the statement count (the harness's trace probe): one statement
 * per refresh at every N. The seed says nothing of time; SQLite's own
 * documentation ("Many Small Queries Are Efficient In SQLite") says an
 * embedded database pays little per statement, so the second row asks
 * only whether the one statement is faster at all, and the report gives
 * the ratio at each N. */
#define SEED_004 "004_bc0182ebbdcf053b.txt"
static const pb_claim claims[] = {
    { .id = "D-6", .seed = SEED_004, .words = "N+1 queries combined into one",
      .metric_text = "optimized SQL statements per refresh (trace probe), every N: one",
      .kind = PB_CLAIM_VALUE_BELOW, .metric = PB_METRIC_COUNTER,
      .counter = "sql_statements", .scenarios = "refresh refresh_wal", .sizes = NULL,
      .threshold = 1.5 },
    { .id = "D-6", .seed = SEED_004, .words = "N+1 queries combined into one",
      .metric_text = "naive/optimized time per refresh, paired rounds, every N: the one"
                     " statement faster at all (above 1x)",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "refresh refresh_wal", .sizes = NULL,
      .threshold = 1 },
};

const pb_component pb_component_n_plus_one = {
    .name = "n_plus_one",
    .summary = "the scheduler refresh as 1 + 2 queries per candidate, prepared per call,"
               " vs one statement prepared once (getTasksForScheduling)",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
