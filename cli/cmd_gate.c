/*
 * `pairbench gate [--instr-threshold PCT] [--ratio-threshold PCT]
 *                 [--alpha P] BASELINE NEW...`: the regression gate.
 *
 * BASELINE is a directory holding instr.json (from `pairbench instr`,
 * required) and optionally bench.json (Google Benchmark JSON from
 * `pairbench run --repetitions K --json`), or one such file. Each NEW is a
 * file of either kind (told apart by content) or a directory like the
 * baseline's. The checks:
 *
 *   instr/op   per case, fails when new > baseline * (1 + PCT/100)
 *              (--instr-threshold, default 2);
 *   allocs/op  per case, fails on any growth (the counts are exact integer
 *              totals over K operations; compared per op with a 1e-9
 *              relative slack for the division only);
 *   sql        per case the baseline has SQLite's counts for (the SQL
 *              probe, through exec): statements per op fail on any growth,
 *              VM steps and full-scan steps per op past the instruction
 *              threshold, counts gone from the new file fail;
 *   ratio      per pair component/scenario/N with naive and optimized in
 *              both timing files: the ratios optimized/naive of the paired
 *              pass's rounds (naive and optimized neighbours in time, see
 *              `run`), or, in a file without them, per repetition
 *              (repetition i of one with repetition i of the other, real
 *              time of the iteration rows), of baseline against new, with a
 *              one-sided Mann-Whitney U test (exact without ties, else the
 *              normal approximation with tie and continuity corrections);
 *              fails when p < alpha (default 0.01) AND the median ratio got
 *              worse by more than --ratio-threshold (default 10%). Fewer
 *              than 5 repetitions on a side: skipped, and said so.
 *
 * No absolute time is ever gated on. A case of the baseline missing from
 * the new result fails ("missing"): otherwise renaming or dropping a case
 * would let its regression through silently; drop or rename on purpose and
 * run `make baseline`. A case only in the new result is listed as "new"
 * and does not fail.
 *
 * Output on stdout: a table (case, metric, baseline, new, change, verdict)
 * of every failing, missing or new row (every row with --all), then one
 * summary line. Exit status: 0 pass, 1 regression, 2 usage or a missing or
 * corrupt input (one line on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "cli.h"
#include "str.h"

#define GATE_MIN_REPS 5
#define GATE_MAX_INPUTS 8
/* Room for any double printed by fmt_num or fmt_change ("%.1f" of DBL_MAX
 * is 311 characters): bounded by construction, never cut. */
#define GATE_NUM_CAP 400

typedef struct gate_opts {
    double instr_threshold;   /* fraction, 0.02 */
    double ratio_threshold;   /* fraction, 0.10 */
    double alpha;             /* 0.01 */
    int    all;               /* print passing rows too */
} gate_opts;

/* The inputs of one side: parsed JSON roots, owned; NULL when absent. */
typedef struct gate_side {
    pb_instr_file *instr;         /* a `pairbench instr` file, checked */
    pb_resultset *bench;          /* a Google Benchmark file, read by the model */
} gate_side;

typedef struct gate_tally {
    int checked, failed, missing, added, skipped;
} gate_tally;

static void gate_side_free(gate_side *s)
{
    pb_instr_free(s->instr);
    pb_resultset_free(s->bench);
    s->instr = NULL;
    s->bench = NULL;
}

/* Loads one JSON file into the side, by content: a "pairbench-instr"
 * context or a Google Benchmark "benchmarks" array. 0, or -1 with a
 * one-line reason in err. `role` ("baseline", "new result") is for the
 * message. */
static int gate_load_file(const char *path, const char *role, gate_side *side,
                          char *err, size_t cap)
{
    size_t why_cap = strlen(path) + 512;    /* the reason names the file */
    char *why = pb_xmalloc(why_cap);
    char *raw = pb_read_file(path, why, why_cap);
    if (!raw) {
        snprintf(err, cap, "%s: %s", role, why);
        free(why);
        return -1;
    }
    free(why);
    /* An instr file (context kind "pairbench-instr") is checked whole by
     * the model: no case, or a name or count missing, mistyped or out of
     * range, is refused here, never compared as "absent". */
    pb_instr_file *instr = NULL;
    int kind = pb_instr_parse(raw, path, &instr, err, cap);
    if (kind < 0) {
        char *why2 = pb_strf("%s %s", role, err);
        snprintf(err, cap, "%s", why2);
        free(why2);
        free(raw);
        return -1;
    }
    if (kind > 0) {
        free(raw);
        if (side->instr) {
            snprintf(err, cap, "%s: more than one instr file given (%s)", role, path);
            pb_instr_free(instr);
            return -1;
        }
        side->instr = instr;
        return 0;
    }
    const char *text = raw;
    /* Anything else must be a Google Benchmark file: the results model's
     * one reader reads it (time units, rows, aggregates). */
    why_cap = strlen(path) + 1024;
    why = pb_xmalloc(why_cap);
    pb_resultset *rs = pb_resultset_parse(text, path, why, why_cap);
    free(raw);
    if (!rs && strstr(why, "no pairbench cases")) {
        snprintf(err, cap, "%s %s", role, why);     /* says what the file is */
        free(why);
        return -1;
    }
    if (!rs) {
        snprintf(err, cap, "%s %s is corrupt: not a complete pairbench instr"
                 " or Google Benchmark JSON file (%s)", role, path, why);
        free(why);
        return -1;
    }
    free(why);
    if (side->bench) {
        snprintf(err, cap, "%s: more than one benchmark file given (%s)", role, path);
        pb_resultset_free(rs);
        return -1;
    }
    side->bench = rs;
    return 0;
}

/* Loads a file, or a directory's instr.json (required when `need_instr`)
 * and bench.json (optional). 0, or -1 with a reason in err. */
static int gate_load(const char *path, const char *role, int need_instr,
                     gate_side *side, char *err, size_t cap)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, cap, "%s %s is missing: %s%s", role, path, strerror(errno),
                 need_instr ? " (run 'make baseline' to create it)" : "");
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return gate_load_file(path, role, side, err, cap);
    char *file = pb_strf("%s/instr.json", path);
    int rc = 0;
    if (stat(file, &st) == 0) {
        rc = gate_load_file(file, role, side, err, cap);
    } else if (need_instr) {
        snprintf(err, cap, "%s %s is missing (run 'make baseline' to create"
                 " it)", role, file);
        rc = -1;
    }
    free(file);
    if (rc != 0)
        return rc;
    file = pb_strf("%s/bench.json", path);
    if (stat(file, &st) == 0)
        rc = gate_load_file(file, role, side, err, cap);
    free(file);
    return rc;
}

/* --- printing ----------------------------------------------------------- */

static int header_printed;

static void gate_row(const gate_opts *o, int failing, const char *name,
                     const char *metric, const char *base, const char *now,
                     const char *change, const char *verdict)
{
    if (!failing && !o->all)
        return;
    if (!header_printed) {
        printf("%-44s %-10s %14s %14s %9s  %s\n", "case", "metric", "baseline",
               "new", "change", "verdict");
        header_printed = 1;
    }
    printf("%-44s %-10s %14s %14s %9s  %s\n", name, metric, base, now, change,
           verdict);
}

static void fmt_num(char *buf, size_t cap, double v)
{
    if (v < 0)
        snprintf(buf, cap, "-");
    else if (v != 0 && fabs(v) < 10)
        snprintf(buf, cap, "%.4f", v);
    else
        snprintf(buf, cap, "%.1f", v);
}

static void fmt_change(char *buf, size_t cap, double base, double now)
{
    if (base > 0)
        snprintf(buf, cap, "%+.2f%%", (now / base - 1) * 100);
    else if (now > base)
        snprintf(buf, cap, "+inf");
    else
        snprintf(buf, cap, "0");
}

/* --- instructions and allocations -------------------------------------- */

/* SQLite's counts of a case the baseline has them for: statements per op
 * fail on any growth (exact counts), VM steps and full-scan steps on
 * growth past the instruction threshold (a plan that lost its index shows
 * here first); new counts missing fail. */
static void gate_sql(const gate_opts *o, const pb_instr_case *b, const pb_instr_case *n,
                     gate_tally *t)
{
    const double base[3] = { b->sql_statements_per_op, b->sql_vm_steps_per_op,
                             b->sql_fullscan_steps_per_op };
    const double now[3] = { n->sql_statements_per_op, n->sql_vm_steps_per_op,
                            n->sql_fullscan_steps_per_op };
    static const char *const metric[3] = { "sql stmt/op", "sql steps/op", "sql scan/op" };
    char bs[GATE_NUM_CAP], ns[GATE_NUM_CAP], ch[GATE_NUM_CAP], verdict[64];
    for (int k = 0; k < 3; k++) {
        if (base[k] < 0)
            continue;
        t->checked++;
        double slack = k == 0 ? 1e-9 : o->instr_threshold;
        int bad = now[k] < 0 || now[k] > base[k] * (1 + slack) + 1e-12;
        if (now[k] < 0)
            snprintf(verdict, sizeof verdict, "FAIL (not counted)");
        else if (bad)
            snprintf(verdict, sizeof verdict, k == 0 ? "FAIL (any growth)"
                                                     : "FAIL (> +%.3g%%)",
                     o->instr_threshold * 100);
        else
            snprintf(verdict, sizeof verdict, "ok");
        fmt_num(bs, sizeof bs, base[k]);
        fmt_num(ns, sizeof ns, now[k]);
        fmt_change(ch, sizeof ch, base[k], now[k] < 0 ? 0 : now[k]);
        gate_row(o, bad, n->name, metric[k], bs, ns, ch, verdict);
        t->failed += bad;
    }
}

/* Compares the instr files case by case into the tally; every count was
 * checked when loaded, so every check counted is made. */
static void gate_instr(const gate_opts *o, const pb_instr_file *base,
                       const pb_instr_file *now, gate_tally *t)
{
    char bs[GATE_NUM_CAP], ns[GATE_NUM_CAP], ch[GATE_NUM_CAP], verdict[64];
    for (size_t i = 0; i < base->n; i++) {
        const pb_instr_case *b = &base->cases[i];
        const char *name = b->name;
        const pb_instr_case *n = pb_instr_find(now, name);
        if (!n) {
            t->missing++;
            gate_row(o, 1, name, "instr/op", "present", "missing", "", "FAIL"
                     " (missing; 'make baseline' if dropped on purpose)");
            continue;
        }
        double bi = b->instructions_per_op, ni = n->instructions_per_op;
        double ba = b->allocs_per_op, na = n->allocs_per_op;
        t->checked++;
        int bad = ni > bi * (1 + o->instr_threshold);
        snprintf(verdict, sizeof verdict, "%s",
                 ni < bi * (1 - o->instr_threshold) ? "ok (better)" : "ok");
        if (bad)
            snprintf(verdict, sizeof verdict, "FAIL (> +%.3g%%)",
                     o->instr_threshold * 100);
        fmt_num(bs, sizeof bs, bi);
        fmt_num(ns, sizeof ns, ni);
        fmt_change(ch, sizeof ch, bi, ni);
        gate_row(o, bad, name, "instr/op", bs, ns, ch, verdict);
        t->failed += bad;

        t->checked++;
        int abad = na > ba * (1 + 1e-9) + 1e-12;
        fmt_num(bs, sizeof bs, ba);
        fmt_num(ns, sizeof ns, na);
        fmt_change(ch, sizeof ch, ba, na);
        gate_row(o, abad, name, "allocs/op", bs, ns, ch,
                 abad ? "FAIL (any growth)" : "ok");
        t->failed += abad;
        gate_sql(o, b, n, t);
    }
    for (size_t i = 0; i < now->n; i++) {
        const pb_instr_case *n = &now->cases[i];
        if (pb_instr_find(base, n->name))
            continue;
        t->added++;
        fmt_num(ns, sizeof ns, n->instructions_per_op);
        gate_row(o, 1, n->name, "instr/op", "-", ns, "", "new (not in baseline)");
    }
}

/* --- timing ratios ------------------------------------------------------ */

#define GATE_MAX_REPS 1000

/* The real times per op, in ns, of the iteration rows of case `name`,
 * placed by repetition_index (file order when absent), into out (at most
 * GATE_MAX_REPS); returns how many slots, -1 marking a missing one. */
static int gate_reps(const pb_resultset *bench, const char *name, double *out)
{
    int k = 0;
    for (const pb_result *r = pb_resultset_first(bench, name); r;
         r = pb_resultset_next(bench, r)) {
        if (r->aggregate[0] || r->error || r->ns_per_op <= 0)
            continue;
        int at = r->repetition_index >= 0 ? r->repetition_index : k;
        if (at >= GATE_MAX_REPS)
            continue;
        for (int j = k; j < at; j++)
            out[j] = -1;
        out[at] = r->ns_per_op;
        if (at + 1 > k)
            k = at + 1;
    }
    return k;
}

/* Ratios optimized/naive of one pair: round by round of the paired pass
 * when the file has it for the point, else repetition by repetition;
 * returns how many (a round or repetition with a missing or zero time on
 * either side is dropped). */
static int gate_ratios(const pb_resultset *bench, const char *point, const char *naive,
                       const char *opt, double *out)
{
    const pb_paired *pr = pb_resultset_paired(bench, point);
    if (pr) {
        int k = 0;
        for (int r = 0; r < pr->rounds; r++)
            if (pr->naive_ns[r] > 0 && pr->optimized_ns[r] > 0)
                out[k++] = pr->optimized_ns[r] / pr->naive_ns[r];
        return k;
    }
    static double a[GATE_MAX_REPS], b[GATE_MAX_REPS];
    int na = gate_reps(bench, naive, a), nb = gate_reps(bench, opt, b);
    int k = 0;
    for (int i = 0; i < na && i < nb; i++)
        if (a[i] > 0 && b[i] > 0)
            out[k++] = b[i] / a[i];
    return k;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double gate_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One-sided Mann-Whitney U: the p-value of "y tends to be larger than x".
 * Exact (the permutation distribution of U, by counting) when there are no
 * ties and both samples have at most 20 values; otherwise the normal
 * approximation with the tie correction of the variance and a continuity
 * correction. */
static double mann_whitney_greater(const double *x, int m, const double *y, int n)
{
    /* U_y = number of pairs (x_i, y_j) with y_j > x_i, ties counting 1/2. */
    double u = 0;
    int ties = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            if (y[j] > x[i])
                u += 1;
            else if (y[j] == x[i]) {
                u += 0.5;
                ties = 1;
            }
        }
    /* Ties within a sample also matter for the variance. */
    int total = m + n;
    double *all = malloc((size_t)total * sizeof *all);
    if (!all)
        return 1;
    memcpy(all, x, (size_t)m * sizeof *x);
    memcpy(all + m, y, (size_t)n * sizeof *y);
    qsort(all, (size_t)total, sizeof *all, cmp_double);
    double tie_sum = 0;
    for (int i = 0; i < total;) {
        int j = i;
        while (j < total && all[j] == all[i])
            j++;
        double tt = j - i;
        tie_sum += tt * tt * tt - tt;
        ties |= j - i > 1;
        i = j;
    }
    free(all);

    if (!ties && m <= 20 && n <= 20) {
        /* count[k][u]: arrangements of k x's among the values with U = u,
         * built by the recurrence f(m, n, u) = f(m-1, n, u) + f(m, n-1, u-m)
         * over the largest value (at most 21 x 21 x 401 doubles). */
        int umax = m * n;
        double *f = calloc((size_t)(m + 1) * (size_t)(n + 1) * (size_t)(umax + 1),
                           sizeof *f);
        if (f) {
#define F(a, b, c) f[((size_t)(a) * (size_t)(n + 1) + (size_t)(b)) * (size_t)(umax + 1) + (size_t)(c)]
            for (int a = 0; a <= m; a++)
                for (int b = 0; b <= n; b++) {
                    if (a == 0 || b == 0) {
                        F(a, b, 0) = 1;
                        continue;
                    }
                    for (int c = 0; c <= a * b; c++) {
                        /* largest value is a y: it beats all a x's */
                        double v = c >= a ? F(a, b - 1, c - a) : 0;
                        v += F(a - 1, b, c);          /* largest is an x */
                        F(a, b, c) = v;
                    }
                }
            double all_ways = 0, tail = 0;
            for (int c = 0; c <= umax; c++) {
                all_ways += F(m, n, c);
                if (c >= (int)u)
                    tail += F(m, n, c);
            }
#undef F
            free(f);
            return tail / all_ways;
        }
    }
    double mean = (double)m * n / 2;
    double var = (double)m * n / 12 *
                 ((total + 1) - tie_sum / ((double)total * (total - 1)));
    if (var <= 0)
        return 1;
    double z = (u - mean - 0.5) / sqrt(var);
    return 0.5 * erfc(z / sqrt(2.0));
}

/* Compares the timing ratio of every pair present in both files. */
static void gate_bench(const gate_opts *o, const pb_component *const *comps,
                       const pb_resultset *base, const pb_resultset *now,
                       gate_tally *t)
{
    static double rb[GATE_MAX_REPS], rn[GATE_MAX_REPS];
    char bs[GATE_NUM_CAP], ns[GATE_NUM_CAP], ch[GATE_NUM_CAP], verdict[96];
    int few = 0;
    for (size_t c = 0; comps[c]; c++) {
        const pb_component *cp = comps[c];
        if (!pb_is_pair(cp))
            continue;
        const pb_impl *naive = NULL, *opt = NULL;
        for (size_t i = 0; i < cp->n_impls; i++) {
            if (!strcmp(cp->impls[i].name, "naive"))
                naive = &cp->impls[i];
            if (!strcmp(cp->impls[i].name, "optimized"))
                opt = &cp->impls[i];
        }
        for (size_t s = 0; s < cp->n_scenarios; s++)
            for (const int64_t *n = cp->scenarios[s].sizes; *n; n++) {
                char nn[160], on[160], pair[160];
                pb_case_name(nn, sizeof nn, cp, naive, &cp->scenarios[s], *n);
                pb_case_name(on, sizeof on, cp, opt, &cp->scenarios[s], *n);
                snprintf(pair, sizeof pair, "%s/%s/%lld", cp->name,
                         cp->scenarios[s].name, (long long)*n);
                int kb = gate_ratios(base, pair, nn, on, rb);
                int kn = gate_ratios(now, pair, nn, on, rn);
                if (kb == 0 || kn == 0)
                    continue;         /* not timed on both sides */
                if (kb < GATE_MIN_REPS || kn < GATE_MIN_REPS) {
                    few++;
                    t->skipped++;
                    continue;
                }
                t->checked++;
                double p = mann_whitney_greater(rb, kb, rn, kn);
                double mb = gate_median(rb, kb), mn = gate_median(rn, kn);
                int bad = p < o->alpha && mn > mb * (1 + o->ratio_threshold);
                if (bad)
                    snprintf(verdict, sizeof verdict, "FAIL (p=%.3g, > +%.3g%%)",
                             p, o->ratio_threshold * 100);
                else
                    snprintf(verdict, sizeof verdict, "ok (p=%.3g)", p);
                fmt_num(bs, sizeof bs, mb);
                fmt_num(ns, sizeof ns, mn);
                fmt_change(ch, sizeof ch, mb, mn);
                gate_row(o, bad, pair, "opt/naive", bs, ns, ch, verdict);
                t->failed += bad;
            }
    }
    if (few)
        printf("ratio check skipped for %d pair(s): fewer than %d paired rounds (or,"
               " in a file without them, repetitions) on a side (run without --quick,"
               " or with --repetitions %d or more)\n", few, GATE_MIN_REPS, GATE_MIN_REPS);
}

/* --- entry -------------------------------------------------------------- */

typedef struct gate_args {
    double instr_pct, ratio_pct, alpha;
    int    all;
} gate_args;

static const pb_opt gate_opts_table[] = {
    { .name = "--instr-threshold", .type = PB_OPT_DOUBLE, .metavar = "PCT",
      .dmin = 0, .dmax = 1000, .want = "a percentage > 0 (at most 1000)",
      .help = "fail when instructions per op grow by more (default 2)",
      .offset = offsetof(gate_args, instr_pct) },
    { .name = "--ratio-threshold", .type = PB_OPT_DOUBLE, .metavar = "PCT",
      .dmin = 0, .dmax = 1000, .want = "a percentage > 0 (at most 1000)",
      .help = "fail when the median optimized/naive ratio grows\n"
              "by more and the change is significant (default 10)",
      .offset = offsetof(gate_args, ratio_pct) },
    { .name = "--alpha", .type = PB_OPT_DOUBLE, .metavar = "P",
      .dmin = 0, .dmax = 0.5, .want = "a probability in (0, 0.5]",
      .help = "significance level of the Mann-Whitney test\n"
              "(default 0.01)",
      .offset = offsetof(gate_args, alpha) },
    { .name = "--all", .type = PB_OPT_FLAG,
      .help = "print the passing rows too",
      .offset = offsetof(gate_args, all) },
};

static const gate_args gate_defaults = { 2, 10, 0.01, 0 };

static int gate_main(const pb_invocation *in)
{
    const gate_args *g = in->opts;
    const pb_component *const *comps = in->components;
    gate_opts o = { g->instr_pct / 100, g->ratio_pct / 100, g->alpha, g->all };
    const char *const *paths = (const char *const *)in->args->args;
    int n_paths = (int)in->args->n_args;

    /* the reasons name the files: room for the longest twice over */
    size_t longest = 0;
    for (int i = 0; i < n_paths; i++)
        if (strlen(paths[i]) > longest)
            longest = strlen(paths[i]);
    size_t cap = 3 * longest + 2048;
    char *err = pb_xmalloc(cap);
    gate_side base = { 0 }, now = { 0 };
    int rc = gate_load(paths[0], "baseline", 1, &base, err, cap);
    for (int i = 1; rc == 0 && i < n_paths; i++)
        rc = gate_load(paths[i], "new result", 0, &now, err, cap);
    if (rc == 0 && !(base.instr && now.instr) && !(base.bench && now.bench)) {
        snprintf(err, cap, "nothing to compare: the baseline and the"
                 " new result share no kind of file (instr or benchmark)");
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "pairbench: gate: %s\n", err);
        free(err);
        gate_side_free(&base);
        gate_side_free(&now);
        return 2;
    }
    free(err);

    gate_tally t = { 0 };
    header_printed = 0;
    if (base.instr && now.instr)
        gate_instr(&o, base.instr, now.instr, &t);
    if (base.bench && now.bench)
        gate_bench(&o, comps, base.bench, now.bench, &t);
    else if (now.bench)
        printf("ratio check skipped: the baseline has no benchmark file\n");
    gate_side_free(&base);
    gate_side_free(&now);

    int failing = t.failed + t.missing;
    if (!failing && t.checked == 0) {
        /* a gate that compared nothing must not say pass */
        fprintf(stderr, "pairbench: gate: nothing was checked (%d skipped): the"
                " baseline and the new result share no comparable case\n", t.skipped);
        return 2;
    }
    printf("gate: %s: %d check(s), %d regression(s), %d missing case(s), %d"
           " new case(s), %d skipped (thresholds: instr/op +%.3g%%, allocs/op"
           " any growth, ratio p<%.3g and +%.3g%%)\n",
           failing ? "FAIL" : "pass", t.checked, t.failed, t.missing, t.added,
           t.skipped, o.instr_threshold * 100, o.alpha, o.ratio_threshold * 100);
    return failing ? 1 : 0;
}

const pb_command pb_cmd_gate = {
    .name = "gate", .args = "BASELINE NEW...", .min_args = 2,
    .max_args = GATE_MAX_INPUTS + 1,
    .help = "compare new instr/benchmark results with a baseline\n"
            "(directory with instr.json [bench.json], or a file);\n"
            "exit 1 on a regression, 2 on a missing or bad input",
    PB_OPTS(gate_opts_table, gate_args),
    .opts_default = &gate_defaults,
    .main = gate_main,
};
