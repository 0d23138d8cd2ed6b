/*
 * telemetry_writer scenarios (seed 004): written once against
 * telemetry_writer_ops and run for every implementation.
 *
 * N is the LINE size in bytes: every operation appends one record of N - 1
 * bytes (a JSON object: a sequence number, a timestamp, an event name and
 * padding to size), which the writer stores as N bytes with its '\n'. The
 * file is telemetry.jsonl in the case's directory (pb_case_dir: inside the
 * harness's scratch directory under TMPDIR, else /tmp, on the real disk:
 * durable fsyncs are part of the cost; the harness removes it with the
 * fixture, after a failed set-up and on an interrupt), opened in set-up
 * (the torn-tail repair is not timed) and closed in teardown (the
 * optimized writer's last partial batch is flushed there, untimed: at most
 * one write per case). When the bytes appended pass 64 MiB the file is
 * truncated to empty, outside the measured region. The clock is the
 * fixture's own: +1 ms per record (append, append_durable: batches close
 * by count) or +1 s per record (append_slow: the 5 s rule closes a batch
 * every 5 records).
 *
 * The digest folds every return code and every record's sequence number
 * (the record is the fixed template with that number in it): what both
 * implementations must agree on. Not the file: how much of it has been
 * written at a given moment is where they legitimately differ. System calls
 * are counted by the harness's probes, never here (.counters = NULL).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairbench/harness.h"
#include "pairbench/telemetry_writer.h"
#include "scenarios.h"
#include "util.h"

#define TRUNCATE_BYTES (64LL << 20)

static const int64_t sizes_append[] = { 64, 256, 1024, 4096, 0 };
static const int64_t sizes_two[] = { 64, 1024, 0 };

typedef struct fixture {
    const telemetry_writer_ops *ops;
    telemetry_writer *w;
    char       path[PATH_MAX];
    char      *record;         /* n - 1 bytes, no '\n' */
    size_t     len;
    size_t     seq_at;         /* offset of the 10 sequence digits */
    int64_t    now_ms;         /* the injected clock */
    int64_t    tick_ms;        /* its advance per record */
    uint64_t   seq;
    int64_t    file_bytes;     /* appended since the last truncation */
} fixture;

static int64_t fixture_clock(void *arg)
{
    return ((const fixture *)arg)->now_ms;
}

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (!f)
        return;
    if (f->w)
        telemetry_writer_close(f->ops, f->w);
    free(f->record);
    free(f);
}

/* The record template, a JSON object of exactly len bytes (len >= 63 for
 * every N here): {"seq":<10 digits>,"ts":<13 digits from the seed>,
 * "ev":"task.done","pad":"abc..."} with the padding string sized to fit. */
static void make_record(fixture *f, uint64_t seed)
{
    char head[128];
    int k = snprintf(head, sizeof head,
                     "{\"seq\":0000000000,\"ts\":%llu,\"ev\":\"task.done\",\"pad\":\"",
                     (unsigned long long)(1700000000000ULL + seed % 1000000));
    size_t h = (size_t)k < f->len ? (size_t)k : f->len;
    memcpy(f->record, head, h);
    for (size_t i = h; i < f->len; i++)
        f->record[i] = (char)('a' + (i % 26));
    if (f->len >= h + 2) {
        f->record[f->len - 2] = '"';
        f->record[f->len - 1] = '}';
    }
    f->seq_at = strlen("{\"seq\":");
}

static void set_seq(fixture *f, uint64_t seq)
{
    char *p = f->record + f->seq_at + 10;
    for (int i = 0; i < 10; i++, seq /= 10)
        *--p = (char)('0' + seq % 10);
}

static fixture *fixture_new(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx,
                            int64_t tick_ms, int durable)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->len = (size_t)n - 1;
    f->tick_ms = tick_ms;
    f->record = malloc(f->len);
    const char *dir = pb_case_dir(ctx);
    if (!dir)
        pb_setup_failed(ctx, "cannot make a case directory: %s", strerror(errno));
    int k = dir ? snprintf(f->path, sizeof f->path, "%s/telemetry.jsonl", dir) : -1;
    if (dir && (k < 0 || (size_t)k >= sizeof f->path))
        pb_setup_failed(ctx, "case directory path too long: %s", dir);
    if (!f->record || k < 0 || (size_t)k >= sizeof f->path) {
        fixture_free(f);
        return NULL;
    }
    make_record(f, seed);
    pb_heap_baseline(ctx);
    telemetry_options o = { .clock = fixture_clock, .clock_arg = f, .durable = durable };
    int rc = telemetry_writer_open(f->ops, &f->w, f->path, &o);
    if (rc != 0) {
        pb_setup_failed(ctx, "cannot open a writer on %s: %s", f->path, strerror(rc));
        fixture_free(f);
        return NULL;
    }
    return f;
}

static void *setup_append(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, 1, 0);
}

static void *setup_slow(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, 1000, 0);
}

static void *setup_durable(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    return fixture_new(ops, n, seed, ctx, 1, 1);
}

/* Empties the file when it has grown past TRUNCATE_BYTES, untimed. */
static void maybe_truncate(fixture *f, pb_ctx *ctx)
{
    if (f->file_bytes < TRUNCATE_BYTES)
        return;
    pb_pause(ctx);
    if (truncate(f->path, 0) != 0)
        fprintf(stderr, "telemetry_writer scenario: truncate %s: %s\n", f->path,
                strerror(errno));
    f->file_bytes = 0;
    pb_resume(ctx);
}

/* append (all three scenarios): one record of N - 1 bytes per operation,
 * the clock advanced by the scenario's tick before each. */
static uint64_t run_append(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++) {
        f->now_ms += f->tick_ms;
        uint64_t seq = f->seq++;
        set_seq(f, seq);
        int rc = telemetry_writer_append(f->ops, f->w, f->record, f->len);
        d = pb_digest(pb_digest(d, seq), (uint64_t)rc);
        f->file_bytes += (int64_t)f->len + 1;
        maybe_truncate(f, ctx);
    }
    return d;
}

PB_BATCH_CLAMPED(batch_append, 1 << 20, 16, 1024)

static const pb_scenario scenarios[] = {
    { .name = "append",
      .description = "append one JSON record of N bytes (with its newline), the clock"
                     " advancing 1 ms per record, so the optimized writer's batches close"
                     " at 100 records",
      .sizes = sizes_append, .counters = NULL, .probes = PB_PROBE_FILES, .batch = batch_append,
      .setup = setup_append, .run = run_append, .teardown = fixture_free, .latency = 1 },
    { .name = "append_slow",
      .description = "append one JSON record of N bytes, the clock advancing 1 s per"
                     " record, so the optimized writer's batches close by the 5 s rule"
                     " (every 5 records)",
      .sizes = sizes_two, .counters = NULL, .probes = PB_PROBE_FILES, .batch = batch_append,
      .setup = setup_slow, .run = run_append, .teardown = fixture_free, .latency = 1 },
    { .name = "append_durable",
      .description = "append one JSON record of N bytes with durable = 1: fsync after"
                     " each record (naive) or each batch of 100 (optimized), on the real"
                     " disk",
      .sizes = sizes_two, .counters = NULL, .probes = PB_PROBE_FILES, .batch = pb_batch_4,
      .setup = setup_durable, .run = run_append, .teardown = fixture_free, .latency = 0 },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &telemetry_writer_naive,
      .source = "impl_naive/telemetry_writer.c" },
    { .name = "optimized", .ops = &telemetry_writer_optimized,
      .source = "impl_optimized/telemetry_writer.c" },
};

/* The claim of seed 004 about the telemetry exporter (shared/CLAIMS.md D-1).
 * sys_write is the harness's kernel-counted probe of write(2) calls; until
 * the harness has it, the claim reads "not measured". */
#define SEED_004 "004_bc0182ebbdcf053b.txt"

static const pb_claim claims[] = {
    { .id = "D-1", .seed = SEED_004, .words = "100x fewer disk writes",
      .metric_text = "write(2) calls per record, kernel-counted, naive vs optimized",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_COUNTER, .counter = "sys_write",
      .scenarios = "append", .sizes = NULL, .threshold = 0.99 },
};

const pb_component pb_component_telemetry_writer = {
    .name = "telemetry_writer",
    .summary = "one open/write/close (fs.appendFile) per record vs an fd kept open and"
               " one write(2) per batch of 100 records or 5 s; after a crash the file"
               " holds only whole records",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
