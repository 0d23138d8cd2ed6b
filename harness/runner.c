/*
 * Runner: the life of one gbench run of one case, on the C side.
 *
 *   pb_run_begin   reset peak RSS and the heap counters; build the fixture
 *                  (not measured) unless the case's fixture is kept from its
 *                  previous run
 *   pb_run_batch   arm the allocation counters, read the clock, call the
 *                  scenario's run() for a whole batch, read the clock, disarm
 *   pb_run_collect read the allocation counters, peaks and counters
 *   pb_run_sample  for latency scenarios: time single operations one by one
 *                  (a clock pair each, whose median cost, pb_timer_overhead_ns,
 *                  is taken off every sample)
 *   pb_run_end     end the run; the fixture is kept for the case's next run
 *   pb_run_release tear the kept fixture down
 *   pb_run_count   the counting pass: a fresh fixture built and run while
 *                  the allocation tracker tracks, for allocs, bytes and
 *                  peak heap (the timed runs are untracked, pb_alloc_track)
 *   pb_run_paired  the paired pass: two cases (naive and optimized of one
 *                  point) alternate round by round, AB BA AB ..., each on
 *                  its own kept fixture, for ratios of neighbours in time
 *
 * gbench runs a case several times (probe runs to size the iteration count,
 * then each repetition). Building a fixture can cost far more than the runs
 * (a naive store of 10,000 tasks is O(N^2) to build), so a case's fixture is
 * built once and carried across its runs: a scenario's operations keep its
 * fixture in a steady state (those that need a fresh structure per batch,
 * like remove_half, rebuild it themselves outside the measured region).
 *
 * peak_heap_bytes is the component's heap at its highest during the
 * measured region: its live bytes when the run started (at set-up: live
 * bytes minus the baseline, carried from run to run since) plus the rise of
 * the process's live bytes above their value at the start of the run.
 * Between runs gbench allocates and frees; within a run only the fixture
 * does, so the difference is the component's.
 *
 * Probes (probe.c, probe_sql.c) bracket each measured segment outside the
 * clock and outside the allocation counters: begin = probes, arm, clock;
 * end = clock, disarm, probes. Under callgrind (`exec` for the instruction
 * counts) they are off, so an instruction count is the code's alone.
 *
 * One run is active at a time, so the context is static: the harness
 * allocates nothing while a case runs. Counters are atomic: a scenario's
 * threads may pb_count while run() waits for them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "engine.h"

struct pb_ctx {
    const pb_case *c;
    void          *fixture;
    int            paused;
    int64_t        segment_start_ns;
    int64_t        batch_ns;
    int64_t        clock_ns;     /* one clock read, taken off per resume */
    int64_t        ops;
    int64_t        heap_base;    /* live bytes not the component's, at set-up */
    int64_t        rss_base;     /* resident bytes then (pb_rss_bytes), or -1 */
    int64_t        live_start;   /* live bytes when the run started */
    int64_t        comp_start;   /* the component's live bytes then */
    uint64_t       digest;
    _Atomic double counters[PB_MAX_COUNTERS];
    int            probing;      /* the kernel probes bracket segments */
    int            sampling;     /* pb_run_sample is timing single ops */
    unsigned       want;         /* the scenario's PB_PROBE_* groups */
    pb_probe_acc   probe;
    char           why[256];     /* pb_setup_failed's reason, "" if none */
};

static pb_ctx the_ctx;

/* Set by `pairbench exec`: the measured region is also the region callgrind
 * collects (run with --collect-atstart=no). Outside Valgrind the client
 * request is a few no-op instructions. */
static int toggle_collect;

void pb_run_collect_instructions(int on)
{
    toggle_collect = on;
}

static inline void region_begin(pb_ctx *x)
{
    if (x->probing) {
        pb_sql_region(1);
        pb_probe_begin(&x->probe, x->want);
    }
    pb_alloc_arm();
    if (toggle_collect)
        CALLGRIND_TOGGLE_COLLECT;
}

static inline void region_end(pb_ctx *x)
{
    if (toggle_collect)
        CALLGRIND_TOGGLE_COLLECT;
    pb_alloc_disarm();
    if (x->probing) {
        pb_probe_end(&x->probe, x->want);
        pb_sql_region(0);
    }
}

/* The fixture of the case that ran last, kept for its next run; and, in
 * the paired pass only, the other side's, parked (swapped with kept when
 * the sides alternate, so everything else sees one kept fixture). */
typedef struct kept_fixture {
    char               name[160];
    const pb_scenario *scenario;
    void              *fixture;
    int64_t            comp_bytes;   /* the component's live bytes */
    int64_t            rss_base;     /* RSS at the heap baseline */
    char               dir[PATH_MAX];/* pb_case_dir's, "" until made */
} kept_fixture;
static kept_fixture kept, parked;

static unsigned dir_serial;

/* Latency sampling stops after this long once it has MIN samples. */
#define SAMPLE_BUDGET_NS (50 * 1000 * 1000)
#define SAMPLE_MIN       1000
/* slow operations (a naive query of milliseconds): 1000 samples would cost
 * seconds per repetition; after this long, 50 samples are enough */
#define SAMPLE_SLOW_NS   (200 * 1000 * 1000)
#define SAMPLE_SLOW_MIN  50

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
    region_end(x);
    x->paused = 1;
}

/* A pause/resume pair leaves about one clock read inside the measured
 * region (the end of pause's read, the start of resume's): it is taken
 * off, at the median cost of a read (pb_timer_overhead_ns). */
void pb_resume(pb_ctx *x)
{
    if (!x->paused)
        return;
    x->paused = 0;
    region_begin(x);
    x->segment_start_ns = now_ns();
    x->batch_ns -= x->clock_ns;
}

void pb_heap_baseline(pb_ctx *x)
{
    pb_alloc_stats st;
    pb_alloc_read(&st);
    x->heap_base = st.live_bytes;
    x->rss_base = pb_rss_bytes();
    pb_alloc_reset();                  /* the peak restarts from here */
}

int pb_sampling(pb_ctx *x)
{
    return x->sampling;
}

void pb_count(pb_ctx *x, int index, double value)
{
    if (index >= 0 && index < PB_MAX_COUNTERS)
        pb_atomic_add_double(&x->counters[index], value);
}

const char *pb_case_dir(pb_ctx *x)
{
    (void)x;
    if (kept.dir[0])
        return kept.dir;
    const char *root = pb_scratch_dir();
    if (!root)
        return NULL;
    char path[PATH_MAX];
    int len = snprintf(path, sizeof path, "%s/case.%u", root, ++dir_serial);
    if (len < 0 || (size_t)len >= sizeof path) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    if (mkdir(path, 0700) != 0)
        return NULL;
    memcpy(kept.dir, path, (size_t)len + 1);
    return kept.dir;
}

void pb_setup_failed(pb_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->why, sizeof x->why, fmt, ap);
    va_end(ap);
}

void pb_run_release(void)
{
    pb_sql_forget_all();
    if (kept.fixture)
        kept.scenario->teardown(kept.fixture);
    if (kept.dir[0])
        pb_remove_tree(kept.dir);
    memset(&kept, 0, sizeof kept);
}

const char *pb_run_check(void)
{
    if (!kept.fixture || !kept.scenario->check)
        return "no fixture to check";
    return kept.scenario->check(kept.fixture);
}

const char *pb_run_steady(pb_ctx *x, const char *when)
{
    static char msg[400];
    const pb_scenario *s = x->c->scenario;
    const char *why = s->steady && x->fixture ? s->steady(x->fixture) : NULL;
    if (!why)
        return NULL;
    snprintf(msg, sizeof msg, "the fixture is not in its declared steady state %s"
             " (%s): the scenario drifts", when, why);
    return msg;
}

/* PAIRBENCH_PROBES=off: no kernel probes (to measure what they cost). */
static int probes_off(void)
{
    if (toggle_collect)
        return 2;
    const char *e = getenv("PAIRBENCH_PROBES");
    return e && !strcmp(e, "off");
}

/* Set during pb_run_count and pb_run_paired: the counting pass and the
 * paired pass are not probed (the timed runs are). */
static int counting;

/* The start of a run's probe accounting: after set-up, before any batch. */
static void probes_start(pb_ctx *x)
{
    pb_probe_open(probes_off());
    x->probing = !toggle_collect && !probes_off() && !counting;
    x->want = x->c->scenario->probes;
    memset(&x->probe, 0, sizeof x->probe);
    if (x->probing)
        pb_probe_run(1);
    pb_sql_reset();
}

pb_ctx *pb_run_begin(const pb_case *c, const char **err)
{
    pb_ctx *x = &the_ctx;
    memset(x, 0, sizeof *x);
    x->c = c;
    x->clock_ns = (int64_t)(pb_timer_overhead_ns() + 0.5);
    /* before any set-up: threads a fixture starts inherit the counters */
    pb_probe_open(probes_off());
    pb_alloc_stats st;
    if (kept.fixture && strcmp(kept.name, c->name) == 0) {
        x->fixture = kept.fixture;
        x->comp_start = kept.comp_bytes;
        x->rss_base = kept.rss_base;
        pb_rss_reset_peak();
        pb_alloc_reset();
        pb_alloc_read(&st);
        x->live_start = st.live_bytes;
        probes_start(x);
        return x;
    }
    pb_run_release();
    pb_heap_release();
    pb_rss_reset_peak();
    pb_alloc_reset();
    pb_alloc_read(&st);
    x->heap_base = st.live_bytes;
    x->rss_base = pb_rss_bytes();
    x->fixture = c->scenario->setup(c->impl->ops, c->n, pb_case_seed(c), x);
    if (!x->fixture) {
        if (kept.dir[0]) {             /* a failed set-up leaves no files */
            pb_remove_tree(kept.dir);
            kept.dir[0] = '\0';
        }
        static char msg[300];
        snprintf(msg, sizeof msg, "scenario set-up failed (%s)",
                 x->why[0] ? x->why : "out of memory?");
        *err = msg;
        return NULL;
    }
    snprintf(kept.name, sizeof kept.name, "%s", c->name);
    kept.scenario = c->scenario;
    kept.fixture = x->fixture;
    kept.rss_base = x->rss_base;
    pb_alloc_reset();                  /* count only the measured region */
    pb_alloc_read(&st);
    x->live_start = st.live_bytes;
    x->comp_start = st.live_bytes - x->heap_base;
    probes_start(x);
    return x;
}

double pb_run_batch(pb_ctx *x, int64_t ops)
{
    x->batch_ns = 0;
    x->paused = 0;
    region_begin(x);
    x->segment_start_ns = now_ns();
    uint64_t d = x->c->scenario->run(x->fixture, ops, x);
    if (!x->paused) {
        x->batch_ns += now_ns() - x->segment_start_ns;
        region_end(x);
    }
    x->paused = 0;
    if (x->batch_ns < 0)
        x->batch_ns = 0;
    /* a multiset's batches fold in any order too */
    x->digest = x->c->scenario->verify == PB_VERIFY_MULTISET
                    ? x->digest + d : pb_digest(x->digest, d);
    x->ops += ops;
    return (double)x->batch_ns * 1e-9;
}

uint64_t pb_run_digest(const pb_ctx *x)
{
    return x->digest;
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
    out->peak_heap_bytes = x->comp_start + (st.peak_live_bytes - x->live_start);
    out->peak_rss_bytes = pb_rss_peak_bytes();
    out->rss_growth_bytes = out->peak_rss_bytes >= 0 && x->rss_base >= 0
                                ? (out->peak_rss_bytes > x->rss_base
                                       ? out->peak_rss_bytes - x->rss_base : 0)
                                : -1;
    for (int k = 0; k < PB_MAX_COUNTERS; k++)
        out->counters[k] = atomic_load(&x->counters[k]);
    if (!x->probing)
        return;
    pb_probe_run(0);
    for (int k = 0; k < PB_SYS_KINDS; k++) {
        out->sys_kind_ok[k] = pb_probe_kind_available(k);
        out->sys[k] = x->probe.sys[k];
    }
    out->sys_ok = out->sys_kind_ok[PB_SYS_TOTAL];
    out->cpu_ns = x->probe.cpu_ns;
    if (x->want) {
        out->io_ok = x->probe.io_ok;
        memcpy(out->io, x->probe.io, sizeof out->io);
        out->ru_ok = 1;
        memcpy(out->ru, x->probe.ru, sizeof out->ru);
    }
    out->sql_ok = pb_sql_watching();
    if (out->sql_ok)
        pb_sql_read(out->sql);
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

/* The latency samples: static and touched at start-up (pb_timer_overhead_ns),
 * so sampling adds nothing to a case's heap or RSS. */
#define SAMPLE_MAX 10000
static int64_t sample_buf[SAMPLE_MAX];

int pb_run_sample(pb_ctx *x, int64_t samples, pb_latency *out)
{
    memset(out, 0, sizeof *out);
    if (samples < 1)
        return 0;
    if (samples > SAMPLE_MAX)
        samples = SAMPLE_MAX;
    int64_t *lat = sample_buf;
    x->sampling = 1;
    int64_t start = now_ns();
    for (int64_t i = 0; i < samples; i++) {
        int64_t t0 = now_ns();
        uint64_t d = x->c->scenario->run(x->fixture, 1, x);
        int64_t t1 = now_ns();
        pb_do_not_optimize(d);
        lat[i] = t1 - t0 - x->clock_ns;   /* net of the clock pair */
        if (lat[i] < 0)
            lat[i] = 0;
        if ((i + 1 >= SAMPLE_MIN && t1 - start > SAMPLE_BUDGET_NS) ||
            (i + 1 >= SAMPLE_SLOW_MIN && t1 - start > SAMPLE_SLOW_NS))
            samples = i + 1;           /* slow operations: enough is enough */
    }
    x->sampling = 0;
    qsort(lat, (size_t)samples, sizeof *lat, cmp_i64);
    out->samples = samples;
    out->p50_ns = percentile(lat, samples, 0.50);
    out->p90_ns = percentile(lat, samples, 0.90);
    out->p99_ns = percentile(lat, samples, 0.99);
    out->p999_ns = percentile(lat, samples, 0.999);
    out->max_ns = (double)lat[samples - 1];
    return 0;
}

void pb_run_end(pb_ctx *x)
{
    pb_alloc_stats st;
    pb_alloc_read(&st);
    kept.comp_bytes = x->comp_start + (st.live_bytes - x->live_start);
    x->fixture = NULL;                 /* still kept for the next run */
}

int pb_run_count(const pb_case *c, int64_t ops, pb_run_result *out, const char **err)
{
    pb_run_release();                  /* in the timed runs' mode */
    int prev = pb_alloc_track(1);
    counting = 1;
    pb_ctx *x = pb_run_begin(c, err);
    if (!x) {
        counting = 0;
        pb_alloc_track(prev);
        return -1;
    }
    int64_t b = c->scenario->batch(c->n), done = 0;
    if (b < 1)
        b = 1;
    pb_sql_capture(1);
    do {
        pb_run_batch(x, b);
        done += b;
    } while (done < ops);
    pb_run_collect(x, out);
    pb_sql_note_case(c->name);         /* its statements' plans, the settings */
    pb_run_end(x);
    pb_run_release();                  /* in tracking mode: it built it */
    counting = 0;
    pb_alloc_track(prev);
    return 0;
}

/* One side of a paired round: at least `ops` operations, whole batches, of
 * the case whose fixture is kept (built when it is not), its steady state
 * checked before and after. Time per op in ns, or -1 with *err. */
static double paired_side(const pb_case *c, int64_t ops, const char **err)
{
    pb_ctx *x = pb_run_begin(c, err);
    if (!x)
        return -1;
    pb_sql_forget_all();               /* unprobed: no trace callback on either side */
    const char *why = pb_run_steady(x, "at the start of a paired round");
    int64_t b = c->scenario->batch(c->n), done = 0;
    double s = 0;
    if (b < 1)
        b = 1;
    if (!why) {
        do {
            s += pb_run_batch(x, b);
            done += b;
        } while (done < ops);
        why = pb_run_steady(x, "at the end of a paired round");
    }
    pb_run_end(x);
    if (why) {
        *err = why;
        return -1;
    }
    return s * 1e9 / (double)done;
}

static void swap_kept(void)
{
    kept_fixture t = kept;
    kept = parked;
    parked = t;
}

int pb_run_paired(const pb_case *a, const pb_case *b, int64_t ops_a, int64_t ops_b,
                  int rounds, double *ns_a, double *ns_b, const char **err)
{
    pb_run_release();
    swap_kept();
    pb_run_release();
    int prev = pb_alloc_track(0);      /* timed untracked, as the timed runs */
    counting = 1;                      /* and unprobed */
    int rc = 0;
    for (int r = 0; r < rounds && rc == 0; r++)
        for (int k = 0; k < 2 && rc == 0; k++) {
            int side_a = (r % 2 == 0) == (k == 0);     /* AB, BA, AB, ... */
            const pb_case *c = side_a ? a : b;
            if (strcmp(kept.name, c->name) != 0)
                swap_kept();           /* the other side's, or none yet */
            double ns = paired_side(c, side_a ? ops_a : ops_b, err);
            if (ns < 0)
                rc = -1;
            else
                (side_a ? ns_a : ns_b)[r] = ns;
        }
    counting = 0;
    pb_alloc_track(prev);
    pb_run_release();
    swap_kept();
    pb_run_release();
    return rc;
}

double pb_timer_overhead_ns(void)
{
    static double overhead = -1;
    enum { K = 2001 };
    static int64_t d[K];
    if (overhead >= 0)
        return overhead;
    memset(sample_buf, 0, sizeof sample_buf);     /* resident from here on */
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
static double *progress_expect;       /* seconds expected per step, or NULL */
static double progress_start_s, progress_expect_done;
static const char *progress_phase = "";

static double progress_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void pb_progress_begin(const char *phase, size_t total, const double *expect_s)
{
    free(progress_expect);
    progress_expect = NULL;
    if (expect_s && total) {
        progress_expect = malloc(total * sizeof *progress_expect);
        if (progress_expect)
            memcpy(progress_expect, expect_s, total * sizeof *progress_expect);
    }
    progress_phase = phase ? phase : "";
    progress_done = 0;
    progress_total = total;
    progress_expect_done = 0;
    progress_start_s = progress_now_s();
}

void pb_progress_reset(size_t total)
{
    pb_progress_begin("", total, NULL);
}

/* "M:SS" (or "H:MM:SS") of a duration in seconds. */
static void fmt_duration(char *buf, size_t cap, double s)
{
    long t = s > 0 ? (long)(s + 0.5) : 0;
    if (t >= 3600)
        snprintf(buf, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, cap, "%ld:%02ld", t / 60, t % 60);
}

void pb_progress_step(const char *what)
{
    double elapsed = progress_now_s() - progress_start_s;
    /* Steps done so far and what they were expected to take: the time
     * left is what the remaining steps are expected to take, scaled by
     * how far off the expectation has been (the average step when there
     * is no expectation). */
    double left = -1;
    if (progress_done > 0) {
        if (progress_expect) {
            double rest = 0;
            for (size_t i = progress_done; i < progress_total; i++)
                rest += progress_expect[i];
            double scale = progress_expect_done > 0 ? elapsed / progress_expect_done : 1;
            left = rest * scale;
        } else {
            left = elapsed / (double)progress_done * (double)(progress_total - progress_done);
        }
    }
    if (progress_expect && progress_done < progress_total)
        progress_expect_done += progress_expect[progress_done];
    progress_done++;
    char el[48], lf[48];
    fmt_duration(el, sizeof el, elapsed);
    if (left >= 0) {
        fmt_duration(lf, sizeof lf, left);
        fprintf(stderr, "[%s%s%zu/%zu] %s  (%s elapsed, about %s left)\n", progress_phase,
                progress_phase[0] ? " " : "", progress_done, progress_total, what, el, lf);
    } else {
        fprintf(stderr, "[%s%s%zu/%zu] %s\n", progress_phase, progress_phase[0] ? " " : "",
                progress_done, progress_total, what);
    }
}

void pb_progress(const pb_case *c)
{
    pb_progress_step(c->name);
}
