/*
 * `pairbench run [selection] [options] [-- GBENCH FLAGS]`: verify, time,
 * summarize.
 *
 * Selection is the shared one (select.h), so `list` and `run` agree and an
 * unknown name is a usage error (exit 2) rather than an empty run. `run`
 * then
 *   1. re-executes itself with libjemalloc preloaded if --allocator jemalloc
 *      asks for it and verifies which allocator serves malloc;
 *   2. verifies every selected pair: each implementation runs the same
 *      seeded operations and must return the same digest (a fast wrong
 *      implementation is caught before it is timed); the verification's
 *      batch of each case, timed, sizes that case's repetitions (a fixed
 *      number of whole batches: no gbench trial runs, and a case whose
 *      batches spend most of their wall time outside the measured region
 *      cannot run for minutes);
 *   3. registers one gbench benchmark per case and runs them, JSON going to
 *      a temporary file in the same directory (atomic.h) that is renamed
 *      over --json FILE only when the run completes; progress on stderr
 *      names each case with the time elapsed and the time left, expected
 *      from the verification's timings;
 *   4. the paired pass (naive against optimized, optimized against each
 *      peer), --instr-fits, --memcheck;
 *   5. prints the naive-vs-optimized pair summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <gnu/libc-version.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "../reports/emit/emit.h"
#include "atomic.h"
#include "child.h"
#include "cli.h"
#include "pb_git_rev.h"
#include "profiler.h"
#include "str.h"

#ifndef PB_BUILD_TYPE
#define PB_BUILD_TYPE "unknown"
#endif
#ifndef PB_JEMALLOC_PATH
#define PB_JEMALLOC_PATH "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
#endif

/* Defaults: medians of 4 repetitions of about 0.02 s measured each; a
 * quick pass is one repetition of 0.01 s. Each case's operations per
 * repetition are chosen once, from the verification's batch (see
 * case_iterations_for): enough batches for the minimum time, but never
 * more than WALL_SHARE times the minimum time of wall clock per
 * repetition, whatever the batch spends outside its measured region
 * (rebuilding a store between pb_pause and pb_resume, the probes). */
#define DEFAULT_REPETITIONS 4
#define DEFAULT_MIN_TIME_S  0.02
#define QUICK_MIN_TIME_S    0.01
#define WALL_SHARE          3.0
/* A case whose one batch takes longer than this (a naive refresh of 100,001
 * statements, seconds) runs at most SLOW_REPETITIONS repetitions and its
 * paired point at most SLOW_ROUNDS rounds: the wall clock a batch costs is
 * its floor, and its spread is small next to its length. */
#define SLOW_BATCH_S        0.25
#define SLOW_REPETITIONS    3
#define SLOW_ROUNDS         6

typedef struct run_opts {
    int         quick;
    int64_t     repetitions;        /* 0 = not given */
    double      min_time_s;         /* 0 = not given */
    const char *json;
    const char *allocator;
    int         instr_fits;
    int         memcheck;
} run_opts;

static const pb_opt run_opts_table[] = {
    { .name = "--quick", .type = PB_OPT_FLAG,
      .help = "a short pass (for CI): each selected scenario at\n"
              "the smallest N selected (every N of --n), 1\n"
              "repetition of 0.01 s",
      .offset = offsetof(run_opts, quick) },
    { .name = "--repetitions", .type = PB_OPT_INT, .metavar = "K",
      .min = 1, .max = 1000,
      .help = "run each case K times (default 4); the summary\n"
              "uses medians and flags a cv above 10%",
      .offset = offsetof(run_opts, repetitions) },
    { .name = "--min-time", .type = PB_OPT_DOUBLE, .metavar = "SECONDS",
      .dmin = 0, .dmax = 3600, .want = "seconds (0 < t <= 3600)",
      .help = "measured time per case and repetition (default\n"
              "0.02); a case runs whole batches, and at most 3x\n"
              "this of wall clock per repetition",
      .offset = offsetof(run_opts, min_time_s) },
    { .name = "--json", .type = PB_OPT_STRING, .metavar = "FILE",
      .want = "a file name",
      .help = "write Google Benchmark JSON to FILE, atomically",
      .offset = offsetof(run_opts, json) },
    { .name = "--instr-fits", .type = PB_OPT_FLAG,
      .help = "also count instructions per op under callgrind at\n"
              "every N of the scenarios complexity and growth\n"
              "claims name, fit them across N and judge those\n"
              "claims on them (needs valgrind)",
      .offset = offsetof(run_opts, instr_fits) },
    { .name = "--memcheck", .type = PB_OPT_FLAG,
      .help = "also run, under valgrind's memcheck, every case of\n"
              "the scenarios and sizes that claims on bytes leaked\n"
              "name (set-up, one batch, teardown) and judge those\n"
              "claims on the bytes definitely lost (needs valgrind)",
      .offset = offsetof(run_opts, memcheck) },
    { .name = "--allocator", .type = PB_OPT_CHOICE, .metavar = "NAME",
      .choices = "glibc,jemalloc", .want = "glibc or jemalloc",
      .help = "glibc (default) or jemalloc: the malloc every case\n"
              "runs under",
      .offset = offsetof(run_opts, allocator) },
};

/* --- allocator ------------------------------------------------------------ */

static int select_allocator(const char *want, char **argv)
{
    const char *have = pb_alloc_backend();
    if (strcmp(want, have) == 0)
        return 0;
    if (strcmp(want, "glibc") == 0) {
        const char *pre = getenv("LD_PRELOAD");
        fprintf(stderr, "pairbench: --allocator glibc, but malloc is served by %s"
                " (LD_PRELOAD=%s); unset LD_PRELOAD\n", have, pre ? pre : "");
        return 2;
    }
    if (!pb_alloc_tracking_available()) {
        fprintf(stderr, "pairbench: --allocator jemalloc needs the normal build;"
                " this one is built with sanitizers\n");
        return 2;
    }
    if (getenv("PB_ALLOCATOR_REEXEC")) {
        fprintf(stderr, "pairbench: %s was preloaded but malloc is still served"
                " by %s\n", PB_JEMALLOC_PATH, have);
        return 2;
    }
    if (access(PB_JEMALLOC_PATH, R_OK) != 0) {
        fprintf(stderr, "pairbench: jemalloc not found at %s; run"
                " scripts/install-deps.sh\n", PB_JEMALLOC_PATH);
        return 2;
    }
    const char *old = getenv("LD_PRELOAD");
    char *preload = pb_strf("%s%s%s", PB_JEMALLOC_PATH, old && *old ? ":" : "",
                            old && *old ? old : "");
    setenv("LD_PRELOAD", preload, 1);
    free(preload);
    setenv("PB_ALLOCATOR_REEXEC", "1", 1);
    pb_reexec_self(argv);
    fprintf(stderr, "pairbench: cannot re-execute with jemalloc: %s\n",
            strerror(errno));
    return 2;
}

/* --- verification --------------------------------------------------------- */

/* What verification found that is not fatal: implementations wrong by
 * design that violated their scenario's specification, and those whose
 * known fault did not show. Goes to the results' context. */
static pb_str findings;

/* What the verification's batch of each case cost: its measured time and
 * its wall time (set-up excluded), which size the case's timed runs. */
typedef struct calib {
    char    name[160];
    int64_t ops;                      /* operations of the batch */
    double  measured_s, wall_s;
    double  setup_s;                  /* building the fixture */
} calib;
static calib *calibs;
static size_t n_calibs, cap_calibs;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void calib_note(const char *name, int64_t ops, double measured_s, double wall_s,
                       double setup_s)
{
    if (n_calibs == cap_calibs) {
        cap_calibs = cap_calibs ? 2 * cap_calibs : 256;
        calibs = pb_xrealloc(calibs, cap_calibs * sizeof *calibs);
    }
    calib *k = &calibs[n_calibs++];
    snprintf(k->name, sizeof k->name, "%s", name);
    k->ops = ops;
    k->measured_s = measured_s;
    k->wall_s = wall_s;
    k->setup_s = setup_s;
}

static const calib *calib_find(const char *name)
{
    for (size_t i = 0; i < n_calibs; i++)
        if (strcmp(calibs[i].name, name) == 0)
            return &calibs[i];
    return NULL;
}

/* Operations per repetition of a case: whole batches, enough for
 * min_time_s of measured time at the verification batch's pace, at most
 * WALL_SHARE * min_time_s of wall time at its wall pace, at least one
 * batch. 0 when the case has no calibration (gbench then sizes it). */
static int64_t case_iterations_for(const char *name, double min_time_s)
{
    const calib *k = calib_find(name);
    if (k) {
        double per_batch = k->measured_s > 1e-9 ? k->measured_s : 1e-9;
        double batches = ceil(min_time_s / per_batch);
        double wall_cap = floor(WALL_SHARE * min_time_s / (k->wall_s > 1e-9 ? k->wall_s
                                                                           : 1e-9));
        if (batches > wall_cap)
            batches = wall_cap;
        if (batches < 1)
            batches = 1;
        double ops = batches * (double)k->ops;
        return ops > 1e9 ? (int64_t)1e9 : (int64_t)ops;
    }
    return 0;
}

/* 1 when a case's batch takes longer than SLOW_BATCH_S of wall clock. */
static int case_slow(const char *name)
{
    const calib *k = calib_find(name);
    return k && k->wall_s > SLOW_BATCH_S;
}

/* Wall seconds `ops` operations of a case are expected to take, at the
 * verification batch's wall pace; -1 without a calibration. */
static double case_wall_s(const char *name, int64_t ops)
{
    const calib *k = calib_find(name);
    if (!k || k->ops <= 0)
        return -1;
    return k->wall_s * ((double)ops / (double)k->ops);
}

/* What a case is expected to cost in the timed phase, for the progress
 * line's time left: its fixture built twice (timed runs, counting pass),
 * the repetitions, the counting pass (about one repetition and a half,
 * tracked) and the latency samples (at most 50 ms a repetition). */
static double case_expect_s(const pb_case *c, int64_t iterations, int reps)
{
    const calib *k = calib_find(c->name);
    if (!k)
        return 0.5;
    double rep = case_wall_s(c->name, iterations);
    double lat = 0;
    if (c->scenario->latency && k->ops > 0) {
        lat = 10000 * k->wall_s / (double)k->ops;
        lat = reps * (lat < 0.05 ? lat : 0.05);
    }
    return 2 * k->setup_s + (reps + 1.5) * rep + lat;
}

/* Runs one batch of every selected implementation of (c, s, n) from the same
 * seed. Identical and multiset scenarios: returns 0 when all digests agree
 * (or fewer than two ran). Spec scenarios: each implementation is judged
 * by s->check alone; 1 when one not wrong by design violates it. */
static int verify_one(const pb_selection *sel, const pb_component *c,
                      const pb_scenario *s, int64_t n, int *compared)
{
    uint64_t first = 0;
    const pb_impl *first_impl = NULL;
    int bad = 0;
    for (size_t i = 0; i < c->n_impls; i++) {
        int capped;
        const pb_impl *im = &c->impls[i];
        if (!pb_select_case(sel, c, im, s, n, &capped))
            continue;
        pb_case pc = { c, im, s, n, "" };
        pb_case_name(pc.name, sizeof pc.name, c, im, s, n);
        const char *err = NULL;
        pb_run_release();              /* every implementation starts fresh */
        double tb = mono_s();
        pb_ctx *ctx = pb_run_begin(&pc, &err);
        if (!ctx) {
            fprintf(stderr, "pairbench: verify %s: %s\n", pc.name, err);
            return 1;
        }
        double t0 = mono_s();
        double measured = pb_run_batch(ctx, s->batch(n));
        double t1 = mono_s();
        uint64_t digest = pb_run_digest(ctx);
        /* A short first batch is a poor estimate (cold caches, the clock's
         * granularity): more batches, up to 20 ms or 1000 of them, time it
         * when the scenario's check does not judge the fixture after the
         * one batch; the digest compared is the first batch's. */
        int64_t timed = 1;
        if (s->verify != PB_VERIFY_SPEC && t1 - t0 < 0.002) {
            measured = 0;
            t0 = mono_s();
            for (timed = 0; timed < 1000 && mono_s() - t0 < 0.02; timed++)
                measured += pb_run_batch(ctx, s->batch(n));
            t1 = mono_s();
        }
        calib_note(pc.name, s->batch(n), measured / (double)timed, (t1 - t0) / (double)timed,
                   t0 - tb);
        pb_run_result r;
        pb_run_collect(ctx, &r);
        r.digest = digest;
        pb_run_end(ctx);
        if (s->verify == PB_VERIFY_SPEC) {
            const char *why = s->check ? pb_run_check() : "no check function";
            char *line = NULL;
            if (why && im->wrong_by_design)
                line = pb_strf("violates the specification, by design: %s", why);
            else if (why) {
                fprintf(stderr, "pairbench: verify FAILED: %s violates the"
                        " specification: %s\n", pc.name, why);
                bad = 1;
            } else if (im->wrong_by_design)
                line = pb_strf("met the specification in this run although wrong by"
                               " design (%s)", im->wrong_by_design);
            /* per case, for the report: verify:CASE */
            char *key = pb_strf("verify:%s", pc.name);
            pb_gb_add_context(key, line ? line : why ? why : "meets the specification");
            free(key);
            if (line) {
                fprintf(stderr, "pairbench: verify: %s %s (%s)\n", pc.name, line,
                        im->wrong_by_design);
                pb_str_addf(&findings, "%s%s %s (%s)", findings.len ? "; " : "", pc.name,
                            line, im->wrong_by_design);
                free(line);
            }
            (*compared)++;
            pb_run_release();
            continue;
        }
        pb_run_release();
        if (!first_impl) {
            first_impl = im;
            first = r.digest;
        } else {
            (*compared)++;
            if (r.digest != first) {
                fprintf(stderr, "pairbench: verify FAILED: %s/%s/%s/%lld: %s and"
                        " %s observed different results%s (digest %016llx vs"
                        " %016llx)\n", c->name, "*", s->name, (long long)n,
                        first_impl->name, im->name,
                        s->verify == PB_VERIFY_MULTISET ? " as multisets" : "",
                        (unsigned long long)first, (unsigned long long)r.digest);
                bad = 1;
            }
        }
    }
    return bad;
}

static int verify_all(const pb_selection *sel, const pb_component *const *comps,
                      int *compared)
{
    int bad = 0;
    *compared = 0;
    size_t points = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            pb_progress_begin("verify", points, NULL);
        for (size_t c = 0; comps[c]; c++)
            for (size_t s = 0; s < comps[c]->n_scenarios; s++)
                for (const int64_t *n = comps[c]->scenarios[s].sizes; *n; n++) {
                    const pb_scenario *sc = &comps[c]->scenarios[s];
                    int any = 0, capped;
                    for (size_t i = 0; i < comps[c]->n_impls && !any; i++)
                        any = pb_select_case(sel, comps[c], &comps[c]->impls[i], sc, *n,
                                             &capped);
                    if (!any)
                        continue;
                    if (pass == 0) {
                        points++;
                        continue;
                    }
                    char what[200];
                    snprintf(what, sizeof what, "%s/*/%s/%lld", comps[c]->name, sc->name,
                             (long long)*n);
                    pb_progress_step(what);
                    bad |= verify_one(sel, comps[c], sc, *n, compared);
                }
    }
    return bad;
}

/* --- SQLite's facts ---------------------------------------------------------- */

/* The SQLite settings and query plans the counting pass recorded per case
 * (pb_sql_note_case) go to the results' context as "sqlite:CASE"; the
 * console gets each distinct settings line with its number of cases. */
static void sql_facts(pb_resultset *rs)
{
    size_t n = pb_sql_note_count();
    if (!n)
        return;
    struct { char line[256]; size_t cases; } seen[16];
    size_t n_seen = 0;
    for (size_t i = 0; i < n; i++) {
        const char *text;
        const char *name = pb_sql_note(i, &text);
        char *key = pb_strf("sqlite:%s", name);
        pb_resultset_set_context(rs, key, text);
        free(key);
        size_t k = strcspn(text, "\n");
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)k, text);
        size_t j = 0;
        while (j < n_seen && strcmp(seen[j].line, line) != 0)
            j++;
        if (j == n_seen && n_seen < 16) {
            memcpy(seen[j].line, line, sizeof line);
            seen[j].cases = 0;
            n_seen++;
        }
        if (j < n_seen)
            seen[j].cases++;
    }
    printf("\nSQLite settings of the cases on a database (each case's statements and"
           " their query plans are in the results' context, sqlite:CASE):\n");
    for (size_t j = 0; j < n_seen; j++)
        printf("  %s: %zu case%s\n", seen[j].line, seen[j].cases,
               seen[j].cases == 1 ? "" : "s");
}

/* --- the paired pass ------------------------------------------------------ */

/* Rounds of the paired pass per point, and the share of a gbench
 * repetition's operations each side runs per round: 10 rounds of a
 * quarter each, so a point costs about 5 repetitions' time. */
#define PAIRED_ROUNDS       8
#define PAIRED_ROUNDS_QUICK 4
#define PAIRED_SHARE        0.25

/* The iterations of a case's first repetition, or 0 when it has none
 * (not run, refused, failed). */
static int64_t case_iterations(const pb_resultset *rs, const char *name)
{
    const pb_result *r = pb_resultset_pick(rs, name);
    if (!r || r->error)
        return 0;
    for (r = pb_resultset_first(rs, name); r; r = pb_resultset_next(rs, r))
        if (!r->error && r->aggregate[0] == '\0' && r->iterations > 0)
            return r->iterations;
    return 0;
}

/* One comparison of the paired pass: naive against optimized at a pair
 * point, or a peer against optimized. */
typedef struct paired_job {
    pb_case a, b;                     /* a: naive or the peer; b: optimized */
    int64_t ops_a, ops_b;
    int     peer;
    int     rounds;
    char    point[160];               /* component/scenario/N, or the peer's
                                         case name */
} paired_job;

/* Times naive and optimized of every pair point both sides of which ran,
 * then the optimized one against every peer that ran at that point, in
 * alternating rounds (pb_run_paired), and adds the rounds to rs. A
 * point whose pass fails (a drift, a failed set-up) is reported and left
 * without rounds: its ratio is then the ratio of the medians, without
 * an interval. Returns the number of points that failed. */
static size_t paired_pass(pb_resultset *rs, const pb_selection *sel,
                          const pb_component *const *comps, int rounds)
{
    paired_job *jobs = NULL;
    size_t n_jobs = 0, cap_jobs = 0, failed = 0, n_peer = 0;
    for (size_t c = 0; comps[c]; c++) {
        const pb_component *co = comps[c];
        if (!pb_is_pair(co))
            continue;
        const pb_impl *nv = NULL, *op = NULL;
        for (size_t i = 0; i < co->n_impls; i++) {
            if (!strcmp(co->impls[i].name, "naive"))
                nv = &co->impls[i];
            if (!strcmp(co->impls[i].name, "optimized"))
                op = &co->impls[i];
        }
        for (size_t s = 0; s < co->n_scenarios; s++)
            for (const int64_t *n = co->scenarios[s].sizes; *n; n++) {
                const pb_scenario *sc = &co->scenarios[s];
                int capped;
                if (!pb_select_case(sel, co, op, sc, *n, &capped))
                    continue;
                pb_case b = { co, op, sc, *n, "" };
                pb_case_name(b.name, sizeof b.name, co, op, sc, *n);
                int64_t ib = case_iterations(rs, b.name);
                if (ib == 0)
                    continue;
                for (size_t i = 0; i < co->n_impls; i++) {
                    const pb_impl *im = &co->impls[i];
                    if (im == op || (im != nv && !pb_is_peer(im)) ||
                        !pb_select_case(sel, co, im, sc, *n, &capped))
                        continue;
                    pb_case a = { co, im, sc, *n, "" };
                    pb_case_name(a.name, sizeof a.name, co, im, sc, *n);
                    int64_t ia = case_iterations(rs, a.name);
                    if (ia == 0)
                        continue;
                    if (n_jobs == cap_jobs) {
                        cap_jobs = cap_jobs ? 2 * cap_jobs : 64;
                        jobs = pb_xrealloc(jobs, cap_jobs * sizeof *jobs);
                    }
                    paired_job *j = &jobs[n_jobs++];
                    j->a = a;
                    j->b = b;
                    j->ops_a = (int64_t)((double)ia * PAIRED_SHARE);
                    j->ops_b = (int64_t)((double)ib * PAIRED_SHARE);
                    if (j->ops_a < 1)
                        j->ops_a = 1;
                    if (j->ops_b < 1)
                        j->ops_b = 1;
                    j->peer = im != nv;
                    j->rounds = (case_slow(a.name) || case_slow(b.name)) &&
                                rounds > SLOW_ROUNDS ? SLOW_ROUNDS : rounds;
                    n_peer += (size_t)j->peer;
                    if (j->peer)
                        snprintf(j->point, sizeof j->point, "%s", a.name);
                    else
                        snprintf(j->point, sizeof j->point, "%s/%s/%lld", co->name,
                                 sc->name, (long long)*n);
                }
            }
    }
    if (n_jobs == 0)
        return 0;
    size_t n_slow = 0;
    for (size_t k = 0; k < n_jobs; k++)
        n_slow += (size_t)(jobs[k].rounds < rounds);
    fprintf(stderr, "pairbench: paired pass: %zu points (%zu naive/optimized, %zu"
            " optimized/peer), %d rounds each (the two sides alternating, AB BA ...)",
            n_jobs, n_jobs - n_peer, n_peer, rounds);
    if (n_slow)
        fprintf(stderr, ", %d for the %zu whose batch takes over %.2g s", SLOW_ROUNDS, n_slow,
                SLOW_BATCH_S);
    fputc('\n', stderr);
    double *expect = pb_xmalloc(n_jobs * sizeof *expect);
    for (size_t k = 0; k < n_jobs; k++) {
        const calib *ka = calib_find(jobs[k].a.name), *kb = calib_find(jobs[k].b.name);
        double wa = case_wall_s(jobs[k].a.name, jobs[k].ops_a);
        double wb = case_wall_s(jobs[k].b.name, jobs[k].ops_b);
        expect[k] = ka && kb && wa >= 0 && wb >= 0
                        ? ka->setup_s + kb->setup_s + jobs[k].rounds * (wa + wb) : 0.5;
    }
    pb_progress_begin("paired", n_jobs, expect);
    free(expect);
    for (size_t k = 0; k < n_jobs; k++) {
        paired_job *j = &jobs[k];
        pb_progress_step(j->point);
        double ns_a[PB_PAIRED_MAX_ROUNDS], ns_b[PB_PAIRED_MAX_ROUNDS];
        const char *err = "set-up failed";
        if (pb_run_paired(&j->a, &j->b, j->ops_a, j->ops_b, j->rounds, ns_a, ns_b, &err) != 0) {
            fprintf(stderr, "pairbench: paired pass of %s: %s\n", j->point, err);
            failed++;
        } else if ((j->peer ? pb_resultset_add_peer_paired(rs, j->point, j->rounds, ns_a, ns_b)
                            : pb_resultset_add_paired(rs, j->point, j->rounds, ns_a, ns_b))
                   != 0) {
            fprintf(stderr, "pairbench: paired pass of %s: out of memory\n", j->point);
            failed++;
        }
    }
    free(jobs);
    return failed;
}

/* --- instruction counts across N ------------------------------------------ */

/* 1 when claim cl names scenario s (and size n, when n > 0: a claim
 * without sizes names every size). */
static int claim_names(const pb_claim *cl, const pb_scenario *s, int64_t n)
{
    int sized = n <= 0 || !cl->sizes;
    for (const int64_t *z = cl->sizes; !sized && *z; z++)
        sized = *z == n;
    size_t len = strlen(s->name);
    for (const char *p = cl->scenarios; sized && p && *p; ) {
        size_t w = strcspn(p, " ");
        if (w == len && strncmp(p, s->name, len) == 0)
            return 1;
        p += w;
        while (*p == ' ')
            p++;
    }
    return 0;
}

/* 1 when scenario s of c is named by one of its complexity or growth
 * claims. */
static int fit_claimed(const pb_component *c, const pb_scenario *s)
{
    for (size_t k = 0; k < c->n_claims; k++) {
        const pb_claim *cl = &c->claims[k];
        if ((cl->kind == PB_CLAIM_COMPLEXITY || cl->kind == PB_CLAIM_GROWTH_BELOW) &&
            claim_names(cl, s, 0))
            return 1;
    }
    return 0;
}

/* 1 when a claim of c on bytes leaked names scenario s at size n. */
static int leak_claimed(const pb_component *c, const pb_scenario *s, int64_t n)
{
    for (size_t k = 0; k < c->n_claims; k++)
        if (c->claims[k].metric == PB_METRIC_LEAKED && claim_names(&c->claims[k], s, n))
            return 1;
    return 0;
}

/* 1 when a pass under valgrind can run here: *version is valgrind's and
 * *self this executable (both malloc'd). Else 0, after a line saying why
 * `pass` is skipped (a sanitizer build, no valgrind, no executable). */
static int valgrind_ready(const char *pass, char **version, char **self)
{
    *version = pb_valgrind_version("run");
    *self = pb_self_exe();
    if (*version && *self && pb_alloc_tracking_available())
        return 1;
    fprintf(stderr, "pairbench: %s skipped: %s\n", pass,
            !pb_alloc_tracking_available() ? "this build has sanitizers"
            : !*version ? "valgrind does not run (scripts/install-deps.sh)"
                        : "cannot find this executable");
    free(*version);
    free(*self);
    return 0;
}

/* Counts instructions per op under callgrind (pb_instr_measure: one batch,
 * the measured region only) for every case that ran of the scenarios the
 * claims fit, both implementations, every N, and adds them to rs. Returns
 * the number of cases that failed; none counted (and a line said why) when
 * valgrind does not run here. */
static size_t instr_fits(pb_resultset *rs, const pb_component *const *comps)
{
    char *version, *self;
    if (!valgrind_ready("instruction fits", &version, &self))
        return 0;
    cJSON *cases = cJSON_CreateArray();
    size_t failed = 0, counted = 0;
    for (size_t c = 0; comps[c] && cases; c++) {
        const pb_component *co = comps[c];
        for (size_t s = 0; s < co->n_scenarios; s++) {
            if (!fit_claimed(co, &co->scenarios[s]))
                continue;
            for (size_t i = 0; i < co->n_impls; i++)
                for (const int64_t *n = co->scenarios[s].sizes; *n; n++) {
                    char name[160];
                    if (pb_is_peer(&co->impls[i]))
                        break;          /* the claims judge naive and optimized */
                    pb_case_name(name, sizeof name, co, &co->impls[i], &co->scenarios[s], *n);
                    if (case_iterations(rs, name) == 0)
                        continue;       /* not run, or refused */
                    if (pb_instr_measure(self, name, 0, NULL, cases) != 0) {
                        failed++;
                        continue;
                    }
                    const cJSON *last = cJSON_GetArrayItem(cases, cJSON_GetArraySize(cases) - 1);
                    const cJSON *v = cJSON_GetObjectItemCaseSensitive(last, "instructions_per_op");
                    if (!cJSON_IsNumber(v) || pb_resultset_add_instr(rs, name, v->valuedouble) != 0)
                        failed++;
                    else
                        counted++;
                }
        }
    }
    if (!cases)
        failed++;
    char *desc = pb_strf("%zu cases of the scenarios complexity and growth claims name,"
                         " every N: instructions per op of one batch's measured region"
                         " under callgrind (%s)", counted, version);
    pb_resultset_set_context(rs, "instruction_fits", desc);
    free(desc);
    cJSON_Delete(cases);
    free(version);
    free(self);
    return failed;
}

/* --- bytes leaked, under memcheck ------------------------------------------ */

/* Runs under memcheck (pb_memcheck_measure: set-up, one batch, teardown)
 * every case that ran of the scenarios and sizes that claims on bytes
 * leaked name, every implementation, and adds the bytes definitely lost to
 * rs. Returns the number of cases that failed; none measured (and a line
 * said why) when valgrind does not run here. */
static size_t memcheck_pass(pb_resultset *rs, const pb_component *const *comps)
{
    size_t wanted = 0;
    for (size_t c = 0; comps[c]; c++)
        for (size_t s = 0; s < comps[c]->n_scenarios; s++)
            for (const int64_t *n = comps[c]->scenarios[s].sizes; *n; n++)
                wanted += leak_claimed(comps[c], &comps[c]->scenarios[s], *n);
    if (!wanted)
        return 0;
    char *version, *self;
    if (!valgrind_ready("memcheck pass", &version, &self))
        return 0;
    size_t failed = 0, measured = 0;
    for (size_t c = 0; comps[c]; c++) {
        const pb_component *co = comps[c];
        for (size_t s = 0; s < co->n_scenarios; s++)
            for (const int64_t *n = co->scenarios[s].sizes; *n; n++) {
                if (!leak_claimed(co, &co->scenarios[s], *n))
                    continue;
                for (size_t i = 0; i < co->n_impls; i++) {
                    char name[160];
                    double bytes;
                    pb_case_name(name, sizeof name, co, &co->impls[i], &co->scenarios[s], *n);
                    if (case_iterations(rs, name) == 0)
                        continue;       /* not run, or refused */
                    if (pb_memcheck_measure(self, name, &bytes) != 0 ||
                        pb_resultset_add_leaked(rs, name, bytes) != 0)
                        failed++;
                    else
                        measured++;
                }
            }
    }
    char *desc = pb_strf("%zu cases of the scenarios and sizes claims on bytes leaked name:"
                         " bytes definitely lost by `pairbench exec CASE` (set-up, one batch,"
                         " teardown) under %s --tool=memcheck --leak-check=full", measured,
                         version);
    pb_resultset_set_context(rs, "memcheck", desc);
    free(desc);
    free(version);
    free(self);
    return failed;
}

/* --- run ------------------------------------------------------------------ */

static const char *compiler_string(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

/* The machine's identity beside gbench's host_name and num_cpus, for the
 * results history (a ratio is compared only with runs of the same
 * identity): the CPU model (/proc/cpuinfo's first "model name", or
 * "unknown"), the kernel release and the C library. */
static void machine_context(void)
{
    char model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "model name", 10)) {
                const char *v = strchr(line, ':');
                if (v) {
                    v += strspn(v + 1, " \t") + 1;
                    snprintf(model, sizeof model, "%.*s", (int)strcspn(v, "\n"), v);
                }
                break;
            }
        fclose(f);
    }
    pb_gb_add_context("cpu_model", model);
    struct utsname u;
    pb_gb_add_context("kernel", uname(&u) == 0 ? u.release : "unknown");
    char libc[64];
    snprintf(libc, sizeof libc, "glibc %s", gnu_get_libc_version());
    pb_gb_add_context("libc", libc);
}

/* Registers the selected families; the capped notes go to caps. Returns
 * how many cases were registered. */
static size_t register_cases(const pb_selection *sel,
                             const pb_component *const *comps, pb_str *caps,
                             int really, double min_time_s, int reps,
                             double **expect)
{
    size_t n_cases = 0;
    for (size_t c = 0; comps[c]; c++)
        for (size_t i = 0; i < comps[c]->n_impls; i++) {
            const pb_impl *im = &comps[c]->impls[i];
            int any_capped = 0;
            for (size_t s = 0; s < comps[c]->n_scenarios; s++) {
                const pb_scenario *sc = &comps[c]->scenarios[s];
                size_t in_sweep = 0, k = 0;
                for (const int64_t *n = sc->sizes; *n; n++)
                    in_sweep++;
                int64_t *sizes = pb_xmalloc(in_sweep * sizeof *sizes);
                int64_t *iters = pb_xmalloc(in_sweep * sizeof *iters);
                int *reps_of = pb_xmalloc(in_sweep * sizeof *reps_of);
                int sized = 1;
                for (const int64_t *n = sc->sizes; *n; n++) {
                    int capped;
                    if (pb_select_case(sel, comps[c], im, sc, *n, &capped)) {
                        char name[160];
                        pb_case_name(name, sizeof name, comps[c], im, sc, *n);
                        iters[k] = case_iterations_for(name, min_time_s);
                        reps_of[k] = case_slow(name) && reps > SLOW_REPETITIONS
                                         ? SLOW_REPETITIONS : 0;
                        sized &= iters[k] > 0;
                        if (expect) {
                            pb_case pc = { comps[c], im, sc, *n, "" };
                            snprintf(pc.name, sizeof pc.name, "%s", name);
                            *expect = pb_xrealloc(*expect, (n_cases + k + 1) *
                                                                sizeof **expect);
                            (*expect)[n_cases + k] = case_expect_s(
                                &pc, sc->max_ops > 0 ? sc->max_ops : iters[k],
                                reps_of[k] ? reps_of[k] : reps);
                        }
                        sizes[k++] = *n;
                    }
                    any_capped |= capped;
                }
                if (k > 0 && really) {
                    pb_case family = { comps[c], im, sc, 0, "" };
                    pb_gb_register(&family, sizes, sized ? iters : NULL, reps_of, k);
                }
                n_cases += k;
                free(sizes);
                free(iters);
                free(reps_of);
            }
            if (any_capped)
                pb_str_addf(caps, "%s%s/%s: N > %lld not run (%s)",
                            caps->len ? "; " : "", comps[c]->name, im->name,
                            (long long)im->max_n,
                            im->cap_reason ? im->cap_reason : "capped");
        }
    return n_cases;
}

static int run_cases(const pb_command *cmd, const run_opts *o,
                     const pb_selection *sel, const pb_args *a,
                     const pb_component *const *comps, char **argv)
{
    if (o->allocator) {
        int rc = select_allocator(o->allocator, argv);
        if (rc)
            return rc;
    }

    pb_str caps = { 0 };
    size_t n_cases = register_cases(sel, comps, &caps, 0, 0, 0, NULL);
    if (n_cases == 0) {
        pb_str_free(&caps);
        return pb_select_none(cmd->name);
    }

    /* The JSON file: fail now, before minutes of running, if it cannot be
     * written; gbench writes the temporary, renamed at the end. */
    pb_atomic json = { 0 };
    if (o->json && pb_atomic_begin(&json, o->json) != 0) {
        fprintf(stderr, "pairbench: cannot write %s: %s\n", o->json,
                strerror(errno));
        pb_str_free(&caps);
        return 2;
    }

    /* No --json: gbench still writes its JSON, to a private file that is
     * read once as the results and removed. */
    char *scratch = NULL;
    if (!o->json) {
        const char *dir = pb_tmp_dir();
        pb_cleanup_stale(dir, "pairbench-run");
        scratch = pb_strf("%s/pairbench-run.%ld.XXXXXX", dir, (long)getpid());
        int fd = mkstemp(scratch);
        if (fd < 0 || pb_cleanup_add_file(scratch) != 0) {
            fprintf(stderr, "pairbench: cannot create a temporary file in %s: %s\n",
                    dir, strerror(errno));
            if (fd >= 0)
                unlink(scratch);
            free(scratch);
            pb_str_free(&caps);
            return 1;
        }
        close(fd);
    }
    const char *gb_json = o->json ? json.tmp : scratch;

    pb_gb_options g = {
        .min_time_s = o->min_time_s ? o->min_time_s
                                    : (o->quick ? QUICK_MIN_TIME_S : DEFAULT_MIN_TIME_S),
        .repetitions = o->repetitions ? (int)o->repetitions
                                      : (o->quick ? 1 : DEFAULT_REPETITIONS),
        .json_path = gb_json,
        .extra_argc = a->rest_argc,
        .extra_argv = a->rest_argv,
    };
    int rc = 0;
    if (pb_gb_init(argv[0], &g) != 0) {
        rc = 2;
        goto done;
    }

    /* The probes open before the verification, so its batches, which size
     * the timed runs, pay what the timed batches pay; untracked like them. */
    pb_probe_open(getenv("PAIRBENCH_PROBES") &&
                  !strcmp(getenv("PAIRBENCH_PROBES"), "off"));
    fprintf(stderr, "pairbench: verifying that every implementation observes"
            " the same results...\n");
    int compared = 0;
    int was_tracking = pb_alloc_track(0);
    int vbad = verify_all(sel, comps, &compared);
    pb_alloc_track(was_tracking);
    if (vbad) {
        rc = 1;
        goto done;
    }
    pb_str_free(&caps);
    double *expect = NULL;
    register_cases(sel, comps, &caps, 1, g.min_time_s, g.repetitions, &expect);
    char *verified = pb_strf("%d implementation pairs agree or meet the"
                             " specification", compared);
    fprintf(stderr, "pairbench: verified: %s\n", verified);

    pb_str cmdline = { 0 };
    for (int i = 0; argv[i]; i++)
        pb_str_addf(&cmdline, "%s%s", i ? " " : "", argv[i]);
    char *overhead = pb_strf("%.0f", pb_timer_overhead_ns());
    pb_gb_add_context("pairbench_command", pb_str_get(&cmdline));
    pb_gb_add_context("allocator", pb_alloc_backend());
    pb_gb_add_context("allocator_version", pb_alloc_backend_version());
    pb_gb_add_context("alloc_tracking", pb_alloc_tracking_available() ? "on" : "off");
    pb_gb_add_context("alloc_counting", pb_alloc_tracking_available()
                      ? "a counting pass per case (a fresh fixture, as many operations"
                        " as one repetition); timed runs untracked"
                      : "none (no tracker in this build)");
    pb_gb_add_context("compiler", compiler_string());
    machine_context();
    pb_gb_add_context("build_type", PB_BUILD_TYPE);
    pb_gb_add_context("git_revision", PB_GIT_REV);
    pb_gb_add_context("quick", o->quick ? "true" : "false");
    char *sizing = pb_strf("operations per repetition fixed per case from its verification"
                           " batch: whole batches for %.3g s measured, at most %.3g s of"
                           " wall clock", g.min_time_s, WALL_SHARE * g.min_time_s);
    pb_gb_add_context("iterations", sizing);
    free(sizing);
    pb_gb_add_context("verified", verified);
    pb_gb_add_context("capped", pb_str_get(&caps));
    pb_gb_add_context("latency_timer_overhead_ns", overhead);
    pb_gb_add_context("verify_findings", pb_str_get(&findings));
    char *edge = pb_strf("%.0f", pb_probe_edge_ns());
    pb_gb_add_context("syscall_probe", pb_probe_status());
    pb_gb_add_context("probe_cost_ns_per_batch", edge);
    free(edge);
    free(verified);
    free(overhead);
    pb_str_free(&cmdline);

    pb_progress_begin("", n_cases, expect);
    free(expect);
    size_t errors = pb_gb_run();

    int werr = pb_gb_json_error();
    if (werr) {
        fprintf(stderr, "pairbench: cannot write %s: %s\n",
                o->json ? o->json : gb_json, strerror(werr));
        rc = 1;
        goto done;
    }

    /* The results: gbench's JSON read once; the analysis computed once. */
    size_t why_cap = strlen(gb_json) + 1024;
    char *why = pb_xmalloc(why_cap);
    pb_resultset *rs = pb_resultset_load(gb_json, why, why_cap);
    if (rs) {
        int rounds = o->quick ? PAIRED_ROUNDS_QUICK : PAIRED_ROUNDS;
        char *desc = pb_strf("%d rounds per pair point after the timed runs: naive and"
                             " optimized alternate (AB BA AB ...), each side running %.0f%%"
                             " of a repetition's operations per round on its own kept"
                             " fixture, untracked and unprobed; speed-up = median of the"
                             " rounds' ratios, with a bootstrap %.0f%% interval (%d"
                             " resamples); the optimized implementation against each peer"
                             " the same way (optimized/peer time); at most %d rounds, and"
                             " %d repetitions, for a case whose batch takes over %.2g s",
                             rounds, PAIRED_SHARE * 100, PB_CONFIDENCE * 100,
                             PB_BOOTSTRAP_RESAMPLES, SLOW_ROUNDS, SLOW_REPETITIONS,
                             SLOW_BATCH_S);
        pb_resultset_set_context(rs, "paired_pass", desc);
        free(desc);
        sql_facts(rs);
        errors += paired_pass(rs, sel, comps, rounds);
        if (o->instr_fits)
            errors += instr_fits(rs, comps);
        if (o->memcheck)
            errors += memcheck_pass(rs, comps);
    }
    pb_analysis *an = rs ? pb_analysis_new(rs, comps) : NULL;
    if (!an) {
        fprintf(stderr, "pairbench: %s\n", rs ? "out of memory analysing the results" : why);
        pb_resultset_free(rs);
        free(why);
        rc = 1;
        goto done;
    }
    free(why);
    if (caps.len)
        printf("\nnot run: %s\n", pb_str_get(&caps));
    pb_summary_print(stdout, an);
    int written = !o->json || pb_results_write_json(json.tmp, an) == 0;
    pb_analysis_free(an);
    pb_resultset_free(rs);

    if (o->json) {
        if (!written) {
            rc = 1;
            goto done;
        }
        if (pb_atomic_commit(&json) != 0) {
            fprintf(stderr, "pairbench: cannot write %s: %s\n", o->json,
                    strerror(errno));
            rc = 1;
            goto done;
        }
        fprintf(stderr, "pairbench: results written to %s\n", o->json);
    }
    if (errors) {
        fprintf(stderr, "pairbench: %zu case(s) reported an error\n", errors);
        rc = 1;
    }
done:
    free(calibs);
    calibs = NULL;
    n_calibs = cap_calibs = 0;
    if (json.tmp)
        pb_atomic_abort(&json);
    if (scratch) {
        unlink(scratch);
        pb_cleanup_forget(scratch);
        free(scratch);
    }
    pb_str_free(&caps);
    return rc;
}

static int run_main(const pb_invocation *in)
{
    /* A quick pass runs each scenario at the smallest of the N the
     * selection names (every N --n names): a smoke run of every
     * implementation and scenario, the larger fixtures' set-up left out. */
    const run_opts *o = in->opts;
    pb_selection quick = *in->sel;
    quick.smallest = o->quick;
    return run_cases(in->cmd, in->opts, &quick, in->args, in->components, in->argv);
}

const pb_command pb_cmd_run = {
    .name = "run", .selection = 1,
    .help = "verify and time the selected cases, then print the\n"
            "naive-vs-optimized pair summary and the claims",
    PB_OPTS(run_opts_table, run_opts),
    .rest_help = "pass the remaining flags to Google Benchmark",
    .main = run_main,
};
