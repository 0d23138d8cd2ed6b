/*
 * Calibration cases for the harness itself (component "harness", impl
 * "calibration"): what the measuring costs, so nobody mistakes it for the
 * work being measured.
 *
 *   noop          an empty operation: the harness's own cost per op (the
 *                 batch loop, one clock pair and gbench's loop per batch)
 *   noop_batch    the same at batch size N, for every batch size the
 *                 scenarios use (1 to 4096): time per op x N is what the
 *                 measured region costs per batch with nothing in it (the
 *                 part of the clock pair inside it), the fixed cost a
 *                 scenario's time per op carries divided by its batch
 *   pause_resume  one pb_pause + pb_resume pair per op: the cost a scenario
 *                 pays each time it keeps set-up out of the measured region
 *   malloc_free   one malloc(64) + free per op: allocator plus tracker cost
 *
 * and the probes' exactness checks (tests/test_probes.sh reads their
 * figures and requires them exact):
 *
 *   probe_write   3 write(2) of 16 bytes and 2 fsync per op on a file in
 *                 the case directory
 *   probe_stdio   the same through stdio: 3 fprintf + fflush, 2 fsync
 *   probe_sql     3 SQLite statements per op on a watched connection
 *   probe_threads a thread per op, started and joined, making 2 write(2)
 *                 to /dev/null and counting 1 with pb_count
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static const int64_t batch_sizes[] = { 1, 4, 16, 64, 256, 1024, 4096, 0 };
static int64_t batch_is_n(int64_t n) { return n; }

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

/* The same with the allocator called directly, past the tracker: what
 * malloc_free costs when the tracker is not there at all. */
static uint64_t run_malloc_free_plain(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)f; (void)ctx;
    for (int64_t i = 0; i < ops; i++) {
        void *p = pb_alloc_plain_malloc(64);
        pb_do_not_optimize((uint64_t)(uintptr_t)p);
        pb_alloc_plain_free(p);
    }
    return (uint64_t)ops;
}

/* --- probe exactness ------------------------------------------------------ */

typedef struct io_fixture {
    int   fd;
    FILE *fp;
    sqlite3 *db;
    sqlite3_stmt *st[3];
    pb_ctx *ctx;
    int64_t rows;
} io_fixture;

static const char record[16] = "0123456789abcde\n";

/* A file in the case directory, kept small: truncated under pb_pause. */
static void *setup_file(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx,
                        int stdio)
{
    (void)ops; (void)n; (void)seed;
    const char *dir = pb_case_dir(ctx);
    if (!dir) {
        pb_setup_failed(ctx, "no case directory: %s", strerror(errno));
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/probe.out", dir);
    io_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (f->fd < 0) {
        pb_setup_failed(ctx, "%s: %s", path, strerror(errno));
        free(f);
        return NULL;
    }
    if (stdio && !(f->fp = fdopen(f->fd, "w"))) {
        close(f->fd);
        free(f);
        return NULL;
    }
    /* stdio sets its buffer up (an fstat, a malloc) at the first write:
     * here, so the measured region holds only the steady state */
    if (f->fp && (fputs("start\n", f->fp) < 0 || fflush(f->fp) != 0)) {
        fclose(f->fp);
        free(f);
        return NULL;
    }
    return f;
}

static void *setup_write(const void *o, int64_t n, uint64_t s, pb_ctx *c)
{
    return setup_file(o, n, s, c, 0);
}

static void *setup_stdio(const void *o, int64_t n, uint64_t s, pb_ctx *c)
{
    return setup_file(o, n, s, c, 1);
}

static void teardown_io(void *fp)
{
    io_fixture *f = fp;
    if (f->fp)
        fclose(f->fp);
    else if (f->fd >= 0)
        close(f->fd);
    for (int i = 0; i < 3; i++)
        sqlite3_finalize(f->st[i]);
    if (f->db)
        sqlite3_close(f->db);
    free(f);
}

static void keep_small(io_fixture *f, pb_ctx *ctx)
{
    if (++f->rows < 4096)
        return;
    pb_pause(ctx);
    if (f->fp)
        fflush(f->fp);
    if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) < 0)
        abort();
    f->rows = 0;
    pb_resume(ctx);
}

static uint64_t run_write(void *fp, int64_t ops, pb_ctx *ctx)
{
    io_fixture *f = fp;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++) {
        for (int k = 0; k < 3; k++)
            d = pb_digest(d, (uint64_t)write(f->fd, record, sizeof record));
        for (int k = 0; k < 2; k++)
            d = pb_digest(d, (uint64_t)fsync(f->fd));
        keep_small(f, ctx);
    }
    return d;
}

static uint64_t run_stdio(void *fp, int64_t ops, pb_ctx *ctx)
{
    io_fixture *f = fp;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++) {
        for (int k = 0; k < 3; k++) {
            d = pb_digest(d, (uint64_t)fprintf(f->fp, "%.15s\n", record));
            d = pb_digest(d, (uint64_t)fflush(f->fp));
        }
        for (int k = 0; k < 2; k++)
            d = pb_digest(d, (uint64_t)fsync(f->fd));
        keep_small(f, ctx);
    }
    return d;
}

static void *setup_sql(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)n; (void)seed;
    io_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = -1;
    static const char *const sql[3] = {
        "INSERT INTO t(v) VALUES (?1)",
        "SELECT count(*) FROM t WHERE v = ?1",
        "DELETE FROM t WHERE v = ?1",
    };
    if (sqlite3_open(":memory:", &f->db) != SQLITE_OK ||
        sqlite3_exec(f->db, "CREATE TABLE t(v INTEGER)", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    for (int i = 0; i < 3; i++)
        if (sqlite3_prepare_v2(f->db, sql[i], -1, &f->st[i], NULL) != SQLITE_OK)
            goto fail;
    if (pb_watch_sqlite(ctx, f->db) != 0)
        goto fail;
    return f;
fail:
    pb_setup_failed(ctx, "sqlite: %s", f->db ? sqlite3_errmsg(f->db) : "open failed");
    teardown_io(f);
    return NULL;
}

static uint64_t run_sql(void *fp, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    io_fixture *f = fp;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++)
        for (int k = 0; k < 3; k++) {
            sqlite3_stmt *st = f->st[k];
            sqlite3_bind_int64(st, 1, i & 7);
            int rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                d = pb_digest(d, (uint64_t)sqlite3_column_int64(st, 0));
            d = pb_digest(d, (uint64_t)rc);
            sqlite3_reset(st);
        }
    return d;
}

static const char *const thread_counters[] = { "thread_ops", NULL };

static void *setup_threads(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)n; (void)seed;
    io_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    f->ctx = ctx;
    if (f->fd < 0) {
        free(f);
        return NULL;
    }
    return f;
}

static void *thread_body(void *fp)
{
    io_fixture *f = fp;
    uint64_t d = 0;
    for (int k = 0; k < 2; k++)
        d += (uint64_t)write(f->fd, record, sizeof record);
    pb_count(f->ctx, 0, 1);
    return (void *)(uintptr_t)d;
}

static uint64_t run_threads(void *fp, int64_t ops, pb_ctx *ctx)
{
    io_fixture *f = fp;
    f->ctx = ctx;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++) {
        pthread_t t;
        void *ret;
        if (pthread_create(&t, NULL, thread_body, f) != 0)
            abort();
        pthread_join(t, &ret);
        d = pb_digest(d, (uint64_t)(uintptr_t)ret);
    }
    return d;
}

static const pb_scenario scenarios[] = {
    { .name = "noop", .description = "an empty operation: the harness's own cost per op",
      .sizes = one, .batch = pb_batch_4096, .setup = setup, .run = run_noop,
      .teardown = pb_teardown_none },
    /* 65,536 ops a run, not sized by measured time: at batch 1 a batch
     * measures ~20 ns and costs microseconds of probes outside. */
    { .name = "noop_batch", .description = "an empty operation at batch size N:"
                                          " time per op x N = the measured region's"
                                          " cost per batch (65,536 ops per run)",
      .sizes = batch_sizes, .batch = batch_is_n, .max_ops = 65536, .setup = setup,
      .run = run_noop, .teardown = pb_teardown_none },
    /* 20,000 ops a run, not sized by measured time: each pair measures a
     * few ns but costs microseconds outside the region (the probes around
     * every segment), so sizing to 0.1 s measured would run for minutes. */
    { .name = "pause_resume", .description = "one pb_pause + pb_resume pair per op"
                                            " (20,000 per run)",
      .sizes = one, .batch = pb_batch_64, .max_ops = 20000, .setup = setup,
      .run = run_pause_resume, .teardown = pb_teardown_none },
    { .name = "malloc_free",
      .description = "one malloc(64) and its free per op through the tracker's"
                     " interposer (untracked while timed, as every case)",
      .sizes = one, .batch = pb_batch_4096, .setup = setup, .run = run_malloc_free,
      .teardown = pb_teardown_none },
    { .name = "malloc_free_plain",
      .description = "one malloc(64) and its free per op, the allocator called directly"
                     " past the tracker: malloc_free's reference",
      .sizes = one, .batch = pb_batch_4096, .setup = setup, .run = run_malloc_free_plain,
      .teardown = pb_teardown_none },
    { .name = "probe_write",
      .description = "3 write(2) of 16 bytes and 2 fsync per op on a real file",
      .sizes = one, .batch = pb_batch_64, .setup = setup_write, .run = run_write,
      .teardown = teardown_io, .probes = PB_PROBE_FILES },
    { .name = "probe_stdio",
      .description = "3 fprintf + fflush and 2 fsync per op on a real file",
      .sizes = one, .batch = pb_batch_64, .setup = setup_stdio, .run = run_stdio,
      .teardown = teardown_io, .probes = PB_PROBE_FILES },
    { .name = "probe_sql",
      .description = "3 SQLite statements per op on a watched in-memory connection",
      .sizes = one, .batch = pb_batch_64, .setup = setup_sql, .run = run_sql,
      .teardown = teardown_io },
    { .name = "probe_threads",
      .description = "a thread per op making 2 write(2) and one pb_count",
      .sizes = one, .batch = pb_batch_64, .setup = setup_threads, .run = run_threads,
      .teardown = teardown_io, .probes = PB_PROBE_FILES,
      .counters = thread_counters },
};

static const pb_impl impls[] = {
    { .name = "calibration", .source = "scenarios/harness.c" },
};

/* The seeds' claims about the whole system, judged over every pair of the
 * results (the harness runs in every full suite run, so they live here). */
static const pb_claim claims[] = {
    { .id = "C-13", .seed = "003_799732fb8bb6956f.txt",
      .words = "Memory Usage: <300MB peak usage",
      .metric_text = "the largest peak RSS of any case of the optimized"
                     " implementations (each case's process peak, VmHWM reset"
                     " before it), 300 MB as the seed counts it (300 * 1024 * 1024)",
      .kind = PB_CLAIM_SUITE_PEAK_RSS_BELOW, .threshold = 300.0 * 1024 * 1024 },
    { .id = "D-9", .seed = "004_bc0182ebbdcf053b.txt",
      .words = "Overall System Performance: 5-10x faster",
      .metric_text = "geometric mean over the pairs of each pair's speed-up (the"
                     " geometric mean of its scenarios' paired naive/optimized"
                     " ratios at their reference N)",
      .kind = PB_CLAIM_SUITE_GEOMEAN_SPEEDUP, .threshold = 5 },
};

const pb_component pb_component_harness = {
    .name = "harness",
    .summary = "calibration: what the measuring itself costs",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
