/*
 * Runner: the life of one gbench run of one case, on the C side.
 *
 *   pb_run_begin   release retained heap, reset peak RSS and heap peak,
 *                  build the fixture (not measured)
 *   pb_run_batch   arm the allocation counters, read the clock, call the
 *                  scenario's run() for a whole batch, read the clock, disarm
 *   pb_run_collect read the allocation counters, peaks and counters
 *   pb_run_sample  for latency scenarios: time single operations one by one
 *                  (a clock pair each, its cost is pb_timer_overhead_ns)
 *   pb_run_end     tear the fixture down
 *
 * One run is active at a time (gbench runs cases one after another), so the
 * context is static: the harness allocates nothing while a case runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct pb_ctx {
    const pb_case *c;
    void          *fixture;
    int            paused;
    int64_t        segment_start_ns;
    int64_t        batch_ns;
    int64_t        ops;
    int64_t        heap_base;
    uint64_t       digest;
    double         counters[PB_MAX_COUNTERS];
};

static pb_ctx the_ctx;

static inline int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void pb_pause(pb_ctx *x)
{
    if (x->paused)
        return;
    x->batch_ns += now_ns() - x->segment_start_ns;
    pb_alloc_disarm();
    x->paused = 1;
}

void pb_resume(pb_ctx *x)
{
    if (!x->paused)
        return;
    x->paused = 0;
    pb_alloc_arm();
    x->segment_start_ns = now_ns();
}

void pb_heap_baseline(pb_ctx *x)
{
    pb_alloc_stats st;
    pb_alloc_read(&st);
    x->heap_base = st.live_bytes;
    pb_alloc_reset();                  /* the peak restarts from here */
}

void pb_count(pb_ctx *x, int index, double value)
{
    if (index >= 0 && index < PB_MAX_COUNTERS)
        x->counters[index] += value;
}

pb_ctx *pb_run_begin(const pb_case *c, const char **err)
{
    pb_ctx *x = &the_ctx;
    memset(x, 0, sizeof *x);
    x->c = c;
    pb_heap_release();
    pb_rss_reset_peak();
    pb_alloc_reset();
    pb_alloc_stats st;
    pb_alloc_read(&st);
    x->heap_base = st.live_bytes;
    x->fixture = c->scenario->setup(c->impl->ops, c->n, pb_case_seed(c), x);
    if (!x->fixture) {
        *err = "scenario set-up failed (out of memory?)";
        return NULL;
    }
    pb_alloc_reset();                  /* count only the measured region */
    return x;
}

double pb_run_batch(pb_ctx *x, int64_t ops)
{
    x->batch_ns = 0;
    x->paused = 0;
    pb_alloc_arm();
    x->segment_start_ns = now_ns();
    uint64_t d = x->c->scenario->run(x->fixture, ops, x);
    if (!x->paused)
        x->batch_ns += now_ns() - x->segment_start_ns;
    pb_alloc_disarm();
    x->digest = pb_digest(x->digest, d);
    x->ops += ops;
    return (double)x->batch_ns * 1e-9;
}

void pb_run_collect(pb_ctx *x, pb_run_result *out)
{
    pb_alloc_stats st;
    pb_alloc_read(&st);
    memset(out, 0, sizeof *out);
    out->ops = x->ops;
    out->digest = x->digest;
    out->allocs = (double)st.allocs;
    out->bytes = (double)st.bytes;
    out->peak_heap_bytes = st.peak_live_bytes - x->heap_base;
    out->peak_rss_bytes = pb_rss_peak_bytes();
    memcpy(out->counters, x->counters, sizeof out->counters);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array: the smallest value with at
 * least q of the samples at or below it. */
static double percentile(const int64_t *sorted, int64_t n, double q)
{
    int64_t rank = (int64_t)(q * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return (double)sorted[rank - 1];
}

int pb_run_sample(pb_ctx *x, int64_t samples, pb_latency *out)
{
    memset(out, 0, sizeof *out);
    if (samples < 1)
        return 0;
    int64_t *lat = malloc((size_t)samples * sizeof *lat);
    if (!lat)
        return -1;
    for (int64_t i = 0; i < samples; i++) {
        int64_t t0 = now_ns();
        uint64_t d = x->c->scenario->run(x->fixture, 1, x);
        int64_t t1 = now_ns();
        pb_do_not_optimize(d);
        lat[i] = t1 - t0;
    }
    qsort(lat, (size_t)samples, sizeof *lat, cmp_i64);
    out->samples = samples;
    out->p50_ns = percentile(lat, samples, 0.50);
    out->p90_ns = percentile(lat, samples, 0.90);
    out->p99_ns = percentile(lat, samples, 0.99);
    out->p999_ns = percentile(lat, samples, 0.999);
    out->max_ns = (double)lat[samples - 1];
    free(lat);
    return 0;
}

void pb_run_end(pb_ctx *x)
{
    x->c->scenario->teardown(x->fixture);
    x->fixture = NULL;
}

double pb_timer_overhead_ns(void)
{
    static double overhead = -1;
    enum { K = 2001 };
    static int64_t d[K];
    if (overhead >= 0)
        return overhead;
    for (int i = 0; i < K; i++) {
        int64_t t0 = now_ns();
        int64_t t1 = now_ns();
        d[i] = t1 - t0;
    }
    qsort(d, K, sizeof d[0], cmp_i64);
    overhead = (double)d[K / 2];
    return overhead;
}

uint64_t pb_case_seed(const pb_case *c)
{
    /* FNV-1a of "component/scenario/N": the same for every implementation. */
    char key[160];
    snprintf(key, sizeof key, "%s/%s/%lld", c->component->name,
             c->scenario->name, (long long)c->n);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return h;
}

void pb_case_name(char *buf, size_t cap, const pb_component *c,
                  const pb_impl *i, const pb_scenario *s, int64_t n)
{
    snprintf(buf, cap, "%s/%s/%s/%lld", c->name, i->name, s->name,
             (long long)n);
}

/* --- progress on stderr -------------------------------------------------- */

static size_t progress_done, progress_total;

void pb_progress_reset(size_t total)
{
    progress_done = 0;
    progress_total = total;
}

void pb_progress(const pb_case *c)
{
    progress_done++;
    fprintf(stderr, "[%zu/%zu] %s\n", progress_done, progress_total, c->name);
}
