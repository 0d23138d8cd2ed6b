/*
 * The analysis of a result set: the questions the suite answers, computed
 * once into a pb_analysis value that every writer reads.
 *
 *   pair points  per component/scenario/N: naive and optimized rows
 *                (medians when repeated) with their cv, the speed-up and
 *                whether a cv is above the trust limit; the speed-up is
 *                the median of the paired pass's round ratios with a
 *                bootstrap 95% interval when the file has the pass
 *   fits         gbench's fitted BigO and RMS rows per implementation
 *   crossover    per pair: the smallest N of the sweep from which the
 *                optimized implementation stays faster, "always" (from the
 *                first N), or "never" (not faster at the largest N)
 *   noisy rows   the cv rows above the trust limit
 *   claims       each seed claim of a component (pb_claim) with the value
 *                measured, the deciding point and the verdict; the words
 *                are written by reports/emit/
 *
 * Nothing here formats or prints.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* --- helpers ------------------------------------------------------------ */

static const pb_result *pick(const pb_resultset *rs, const pb_component *c,
                             const char *impl, const pb_scenario *s, int64_t n)
{
    char name[200];
    snprintf(name, sizeof name, "%s/%s/%s/%lld", c->name, impl, s->name, (long long)n);
    return pb_resultset_pick(rs, name);
}

static double cv_of(const pb_resultset *rs, const pb_component *c,
                    const char *impl, const pb_scenario *s, int64_t n)
{
    char name[200];
    snprintf(name, sizeof name, "%s/%s/%s/%lld", c->name, impl, s->name, (long long)n);
    const pb_result *r = pb_resultset_find(rs, name, "cv");
    return r ? r->cv : -1;
}

/* The wall-time fit of one implementation of a scenario over its sweep:
 * gbench's BigO and RMS rows when the file has them (files written before
 * `run` sized every case itself, one gbench family per case), else the
 * same least-squares fit (pb_fit_big_o, gbench's oAuto) of the medians'
 * time per op. big_o NULL when neither. */
static void time_fit_of(const pb_resultset *rs, const pb_component *c, const char *impl,
                        const pb_scenario *s, pb_big_o *out)
{
    char name[200];
    snprintf(name, sizeof name, "%s/%s/%s", c->name, impl, s->name);
    const pb_result *b = pb_resultset_find(rs, name, "BigO");
    if (b) {
        const pb_result *r = pb_resultset_find(rs, name, "RMS");
        memset(out, 0, sizeof *out);
        out->big_o = b->big_o;
        out->rms = r && r->rms >= 0 ? r->rms : -1;
        return;
    }
    int64_t ns[64];
    double y[64];
    int k = 0;
    for (const int64_t *n = s->sizes; *n && k < 64; n++) {
        const pb_result *r = pick(rs, c, impl, s, *n);
        ns[k] = *n;
        y[k++] = r && r->ns_per_op > 0 ? r->ns_per_op : -1;
    }
    pb_fit_big_o(ns, y, k, out);
}

static int has_impl(const pb_component *c, const char *name)
{
    for (size_t i = 0; i < c->n_impls; i++)
        if (strcmp(c->impls[i].name, name) == 0)
            return 1;
    return 0;
}

int pb_is_pair(const pb_component *c)
{
    return has_impl(c, "naive") && has_impl(c, "optimized");
}

int pb_is_peer(const pb_impl *impl)
{
    return strcmp(impl->name, "naive") != 0 && strcmp(impl->name, "optimized") != 0;
}

static const pb_scenario *find_scenario(const pb_component *c, const char *name,
                                        size_t len)
{
    for (size_t s = 0; s < c->n_scenarios; s++)
        if (strlen(c->scenarios[s].name) == len &&
            strncmp(c->scenarios[s].name, name, len) == 0)
            return &c->scenarios[s];
    return NULL;
}

const char *pb_verdict_name(pb_verdict v)
{
    return v == PB_VERDICT_HOLDS ? "holds"
         : v == PB_VERDICT_FAILS ? "DOES NOT HOLD"
         : v == PB_VERDICT_INCONCLUSIVE ? "inconclusive" : "not measured";
}

/* --- paired ratios ------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The paired ratio of a point (or a peer's case): the median over the
 * rounds of naive_ns[r] / optimized_ns[r] (a peer's: optimized_ns[r] /
 * peer_ns[r]; rounds where either side timed 0 are left out), and the
 * percentile bootstrap interval of that median (PB_BOOTSTRAP_RESAMPLES
 * resamples with replacement, the generator seeded by the point's name).
 * 1 with *out filled when at least 2 rounds count, else 0. */
static int paired_ratio(const pb_resultset *rs, const char *point, double *med,
                        double *lo, double *hi, int *rounds)
{
    const pb_paired *p = pb_resultset_paired(rs, point);
    if (!p)
        return 0;
    double ratio[PB_PAIRED_MAX_ROUNDS], tmp[PB_PAIRED_MAX_ROUNDS];
    int k = 0;
    for (int r = 0; r < p->rounds; r++)
        if (p->naive_ns[r] > 0 && p->optimized_ns[r] > 0)
            ratio[k++] = p->peer ? p->optimized_ns[r] / p->peer_ns[r]
                                 : p->naive_ns[r] / p->optimized_ns[r];
    if (k < 2)
        return 0;
    static double boot[PB_BOOTSTRAP_RESAMPLES];
    uint64_t seed = 0xcbf29ce484222325ULL;
    for (const char *q = point; *q; q++)
        seed = (seed ^ (unsigned char)*q) * 0x100000001b3ULL;
    for (int b = 0; b < PB_BOOTSTRAP_RESAMPLES; b++) {
        for (int i = 0; i < k; i++)
            tmp[i] = ratio[splitmix(&seed) % (uint64_t)k];
        boot[b] = median_of(tmp, k);
    }
    qsort(boot, PB_BOOTSTRAP_RESAMPLES, sizeof boot[0], cmp_double);
    double tail = (1 - PB_CONFIDENCE) / 2;
    *lo = boot[(int)(tail * PB_BOOTSTRAP_RESAMPLES)];
    *hi = boot[(int)((1 - tail) * PB_BOOTSTRAP_RESAMPLES) - 1];
    memcpy(tmp, ratio, (size_t)k * sizeof *ratio);
    *med = median_of(tmp, k);
    *rounds = k;
    return 1;
}

/* The paired speed-up of a pair point (naive over optimized). */
static int paired_speedup(const pb_resultset *rs, const pb_component *c,
                          const pb_scenario *s, int64_t n, double *med, double *lo,
                          double *hi, int *rounds)
{
    char point[160];
    snprintf(point, sizeof point, "%s/%s/%lld", c->name, s->name, (long long)n);
    return paired_ratio(rs, point, med, lo, hi, rounds);
}

/* The peers of a pair point: each one's row and its ratio to the optimized
 * implementation; the best is the one with the least median time. */
static void peer_points(const pb_resultset *rs, const pb_component *c,
                        const pb_scenario *s, pb_pair_point *p)
{
    p->best_peer = -1;
    for (size_t i = 0; i < c->n_impls && p->n_peers < PB_MAX_PEERS; i++) {
        const pb_impl *im = &c->impls[i];
        if (!pb_is_peer(im))
            continue;
        pb_peer_point *q = &p->peers[p->n_peers];
        q->impl = im;
        q->row = pick(rs, c, im->name, s, p->n);
        q->ratio = q->ratio_lo = q->ratio_hi = -1;
        if (q->row && p->optimized && q->row->ns_per_op > 0)
            q->ratio = p->optimized->ns_per_op / q->row->ns_per_op;
        char name[200];
        snprintf(name, sizeof name, "%s/%s/%s/%lld", c->name, im->name, s->name,
                 (long long)p->n);
        double med, lo, hi;
        int rounds;
        if (q->row && p->optimized && paired_ratio(rs, name, &med, &lo, &hi, &rounds)) {
            q->ratio = med;
            q->ratio_lo = lo;
            q->ratio_hi = hi;
            q->paired_rounds = rounds;
        }
        if (q->row && (p->best_peer < 0 ||
                       q->row->ns_per_op < p->peers[p->best_peer].row->ns_per_op))
            p->best_peer = (int)p->n_peers;
        p->n_peers++;
    }
}

/* --- complexity fits ---------------------------------------------------- */

static double curve(int kind, double n)
{
    double lg = log2(n > 1 ? n : 1);
    switch (kind) {
    case 0: return 1;
    case 1: return lg;
    case 2: return n;
    case 3: return n * lg;
    case 4: return n * n;
    default: return n * n * n;
    }
}

void pb_fit_big_o(const int64_t *n, const double *y, int k, pb_big_o *out)
{
    static const char *const names[] = { "(1)", "lgN", "N", "NlgN", "N^2", "N^3" };
    memset(out, 0, sizeof *out);
    double mean = 0;
    int points = 0;
    for (int i = 0; i < k; i++)
        if (y[i] >= 0) {
            mean += y[i];
            points++;
        }
    if (points < 2 || mean <= 0)
        return;
    mean /= points;
    for (int c = 0; c < 6; c++) {
        double fy = 0, ff = 0;
        for (int i = 0; i < k; i++)
            if (y[i] >= 0) {
                double f = curve(c, (double)n[i]);
                fy += f * y[i];
                ff += f * f;
            }
        if (ff <= 0)
            continue;               /* lgN at N = 1 only */
        double coef = fy / ff, sq = 0;
        for (int i = 0; i < k; i++)
            if (y[i] >= 0) {
                double r = y[i] - coef * curve(c, (double)n[i]);
                sq += r * r;
            }
        double rms = sqrt(sq / points) / mean;
        if (!out->big_o || rms < out->rms) {
            out->big_o = names[c];
            out->coef = coef;
            out->rms = rms;
        }
    }
    out->points = points;
}

/* The instruction fit of one implementation of a scenario over its sweep,
 * from the file's instruction counts. */
static void instr_fit_of(const pb_resultset *rs, const pb_component *c, const char *impl,
                         const pb_scenario *s, pb_big_o *out)
{
    int64_t ns[64];
    double y[64];
    int k = 0;
    for (const int64_t *n = s->sizes; *n && k < 64; n++) {
        char name[200];
        snprintf(name, sizeof name, "%s/%s/%s/%lld", c->name, impl, s->name, (long long)*n);
        ns[k] = *n;
        y[k++] = pb_resultset_instr(rs, name);
    }
    pb_fit_big_o(ns, y, k, out);
}

/* --- crossover ---------------------------------------------------------- */

static pb_crossover find_crossover(const pb_resultset *rs, const pb_component *c,
                                   const pb_scenario *s)
{
    pb_crossover x = { PB_CROSS_NO_DATA, 0, 0, 0, 0 };
    int64_t ns[64];
    int faster[64];
    for (const int64_t *n = s->sizes; *n && x.points < 64; n++) {
        const pb_result *nv = pick(rs, c, "naive", s, *n);
        const pb_result *op = pick(rs, c, "optimized", s, *n);
        if (!nv || !op)
            continue;
        ns[x.points] = *n;
        double med, lo, hi;
        int rounds;
        faster[x.points] = paired_speedup(rs, c, s, *n, &med, &lo, &hi, &rounds)
                               ? med > 1 : op->ns_per_op < nv->ns_per_op;
        x.points++;
    }
    if (x.points == 0)
        return x;
    x.first_n = ns[0];
    x.last_n = ns[x.points - 1];
    if (!faster[x.points - 1]) {
        x.kind = PB_CROSS_NEVER;
        return x;
    }
    size_t i = x.points - 1;
    while (i > 0 && faster[i - 1])
        i--;
    x.kind = i == 0 ? PB_CROSS_ALWAYS : PB_CROSS_FROM;
    x.n = ns[i];
    return x;
}

/* --- claims ------------------------------------------------------------- */

/* The value of a claim's metric for a row's case; -1 when it lacks it. */
static double metric_of(const pb_resultset *rs, const pb_result *r, pb_metric m,
                        const char *counter)
{
    switch (m) {
    case PB_METRIC_TIME: return r->ns_per_op;
    case PB_METRIC_ALLOCS: return r->allocs_per_op;
    case PB_METRIC_HEAP: return r->peak_heap_bytes;
    case PB_METRIC_COUNTER: return counter ? pb_result_counter(r, counter) : -1;
    case PB_METRIC_LEAKED: return pb_resultset_leaked(rs, r->case_name);
    }
    return -1;
}

typedef struct visit {
    const pb_claim  *claim;
    pb_claim_result *out;
    int              want_max;   /* the largest value decides, not the least */
    const pb_resultset *rs;
    const pb_component *c;
    /* time-ratio claims: the least lower and upper bounds over the points
     * (a point without paired rounds counts with lo = hi = its value) */
    int              intervals;  /* points that had an interval */
    double           min_lo, min_hi;
    double           max_lo, max_hi; /* below-claims on time: over the points */
    double           dec_key;    /* the deciding point's bound */
} visit;

typedef void (*claim_visit)(visit *v, const pb_scenario *s, int64_t n,
                            const pb_result *naive, const pb_result *opt);

/* Calls fn for every (scenario, N) a claim names, with the pair's rows. */
static void for_each_point(const pb_resultset *rs, const pb_component *c,
                           visit *v, claim_visit fn)
{
    const char *p = v->claim->scenarios;
    while (p && *p) {
        size_t len = strcspn(p, " ");
        const pb_scenario *s = find_scenario(c, p, len);
        if (s) {
            const int64_t *sizes = v->claim->sizes ? v->claim->sizes : s->sizes;
            for (const int64_t *n = sizes; *n; n++)
                fn(v, s, *n, pick(rs, c, "naive", s, *n),
                   pick(rs, c, "optimized", s, *n));
        }
        p += len;
        while (*p == ' ')
            p++;
    }
}

static void note(visit *v, double value, const pb_scenario *s, int64_t n,
                 double naive_v, double opt_v)
{
    pb_claim_result *r = v->out;
    if (!r->points || (v->want_max ? value > r->value : value < r->value)) {
        r->value = value;
        r->naive_value = naive_v;
        r->optimized_value = opt_v;
        r->at_scenario = s;
        r->at_n = n;
    }
    r->points++;
}

/* A point of a time-ratio claim (higher is better): the deciding point is
 * the one with the least upper bound when any upper bound misses the
 * threshold (the claim fails there), else the one with the least lower
 * bound (where it is weakest). */
static void note_interval(visit *v, double value, double lo, double hi, int has,
                          const pb_scenario *s, int64_t n, double naive_v, double opt_v)
{
    pb_claim_result *r = v->out;
    double thr = v->claim->threshold;
    int first = r->points == 0;
    v->intervals += has;
    if (first || lo < v->min_lo)
        v->min_lo = lo;
    if (first || hi < v->min_hi)
        v->min_hi = hi;
    int misses = hi < thr;
    double key = misses ? hi - 1e300 : lo;   /* a miss outranks every lower bound */
    if (first || key < v->dec_key) {
        v->dec_key = key;
        r->value = value;
        r->value_lo = lo;
        r->value_hi = hi;
        r->has_interval = has;
        r->naive_value = naive_v;
        r->optimized_value = opt_v;
        r->at_scenario = s;
        r->at_n = n;
    }
    r->points++;
}

/* The verdict of a time-ratio claim from the least bounds. */
static pb_verdict interval_verdict(const visit *v)
{
    double thr = v->claim->threshold;
    if (v->min_hi < thr)
        return PB_VERDICT_FAILS;
    return v->min_lo >= thr ? PB_VERDICT_HOLDS : PB_VERDICT_INCONCLUSIVE;
}

static void visit_speedup(visit *v, const pb_scenario *s, int64_t n,
                          const pb_result *nv, const pb_result *op)
{
    if (!nv || !op || op->ns_per_op <= 0)
        return;
    double med, lo, hi;
    int rounds;
    if (paired_speedup(v->rs, v->c, s, n, &med, &lo, &hi, &rounds))
        note_interval(v, med, lo, hi, 1, s, n, nv->ns_per_op, op->ns_per_op);
    else {
        double x = nv->ns_per_op / op->ns_per_op;
        note_interval(v, x, x, x, 0, s, n, nv->ns_per_op, op->ns_per_op);
    }
}

static void visit_reduction(visit *v, const pb_scenario *s, int64_t n,
                            const pb_result *nv, const pb_result *op)
{
    if (!nv || !op)
        return;
    double a = metric_of(v->rs, nv, v->claim->metric, v->claim->counter);
    double b = metric_of(v->rs, op, v->claim->metric, v->claim->counter);
    if (a < 0 || b < 0)
        return;
    double red = a > 0 ? 1.0 - b / a : (b > 0 ? -INFINITY : 0.0);
    if (v->claim->metric != PB_METRIC_TIME) {
        note(v, red, s, n, a, b);
        return;
    }
    /* time: 1 - 1/speed-up, the paired interval mapped through it */
    double med, lo, hi;
    int rounds;
    if (paired_speedup(v->rs, v->c, s, n, &med, &lo, &hi, &rounds))
        note_interval(v, 1 - 1 / med, 1 - 1 / lo, 1 - 1 / hi, 1, s, n, a, b);
    else
        note_interval(v, red, red, red, 0, s, n, a, b);
}

/* The least and largest of a case's time per op (or p99) over its
 * repetitions (iteration rows); 1 when it has 2 or more. */
static int rep_range(const pb_resultset *rs, const pb_component *c, const pb_scenario *s,
                     int64_t n, int p99, double *lo, double *hi)
{
    char name[200];
    snprintf(name, sizeof name, "%s/optimized/%s/%lld", c->name, s->name, (long long)n);
    int k = 0;
    for (const pb_result *r = pb_resultset_first(rs, name); r; r = pb_resultset_next(rs, r)) {
        double x = p99 ? r->p99_ns : r->ns_per_op;
        if (r->aggregate[0] || r->error || x < 0)
            continue;
        if (k == 0 || x < *lo)
            *lo = x;
        if (k == 0 || x > *hi)
            *hi = x;
        k++;
    }
    return k >= 2;
}

/* A point of a claim on the optimized time or p99 being below (or above)
 * a threshold: its median decides the display (the worst point), its range
 * over the repetitions the verdict. */
static void note_range(visit *v, double x, int p99, const pb_scenario *s, int64_t n,
                       double naive_v)
{
    pb_claim_result *r = v->out;
    double lo = x, hi = x;
    int has = rep_range(v->rs, v->c, s, n, p99, &lo, &hi);
    int first = r->points == 0;
    if (first || lo > v->max_lo)
        v->max_lo = lo;
    if (first || hi > v->max_hi)
        v->max_hi = hi;
    if (first || lo < v->min_lo)
        v->min_lo = lo;
    if (first || hi < v->min_hi)
        v->min_hi = hi;
    note(v, x, s, n, naive_v, x);
    if (r->at_scenario == s && r->at_n == n) {
        r->has_interval = has;
        r->value_lo = lo;
        r->value_hi = hi;
    }
}

/* The verdict of a below (above) claim from the repetitions' ranges: it
 * fails when some point misses the threshold in every repetition, holds
 * when every point meets it in every repetition, and is inconclusive when
 * the repetitions of a point disagree. */
static pb_verdict range_verdict(const visit *v, int below)
{
    double thr = v->claim->threshold;
    if (below)
        return v->max_lo >= thr ? PB_VERDICT_FAILS
             : v->max_hi < thr ? PB_VERDICT_HOLDS : PB_VERDICT_INCONCLUSIVE;
    return v->min_hi < thr ? PB_VERDICT_FAILS
         : v->min_lo >= thr ? PB_VERDICT_HOLDS : PB_VERDICT_INCONCLUSIVE;
}

/* The optimized implementation's metric itself (VALUE_BELOW/ABOVE). */
static void visit_value(visit *v, const pb_scenario *s, int64_t n,
                        const pb_result *nv, const pb_result *op)
{
    const pb_claim *cl = v->claim;
    double x = op ? metric_of(v->rs, op, cl->metric, cl->counter) : -1;
    if (x < 0)
        return;
    if (cl->metric == PB_METRIC_TIME)
        note_range(v, x, 0, s, n, nv ? metric_of(v->rs, nv, cl->metric, cl->counter) : -1);
    else
        note(v, x, s, n, nv ? metric_of(v->rs, nv, cl->metric, cl->counter) : -1, x);
}

static void visit_p99(visit *v, const pb_scenario *s, int64_t n,
                      const pb_result *nv, const pb_result *op)
{
    if (op && op->p99_ns >= 0)
        note_range(v, op->p99_ns, 1, s, n, nv ? nv->p99_ns : -1);
}

/* Complexity claims: every listed scenario with an optimized fit. */
static void eval_complexity(const pb_resultset *rs, const pb_component *c,
                            const pb_claim *cl, pb_claim_result *r)
{
    int all = 1, any = 0;
    char want[64];
    snprintf(want, sizeof want, " %s ", cl->complexities);
    const char *p = cl->scenarios;
    while (p && *p) {
        size_t len = strcspn(p, " ");
        const pb_scenario *s = find_scenario(c, p, len);
        pb_big_o io = { 0 }, in = { 0 }, to = { 0 }, tn = { 0 };
        if (s) {
            instr_fit_of(rs, c, "optimized", s, &io);
            instr_fit_of(rs, c, "naive", s, &in);
            time_fit_of(rs, c, "optimized", s, &to);
            time_fit_of(rs, c, "naive", s, &tn);
        }
        if (io.big_o) {                 /* judged on instructions */
            any = 1;
            char tok[16];
            snprintf(tok, sizeof tok, " %s ", io.big_o);
            all &= strstr(want, tok) != NULL;
            if (r->n_parts < PB_CLAIM_MAX_PARTS) {
                pb_claim_part *part = &r->parts[r->n_parts++];
                memset(part, 0, sizeof *part);
                part->scenario = s;
                part->naive_big_o = in.big_o;
                part->optimized_big_o = io.big_o;
                part->optimized_rms = io.rms;
                part->growth = part->time_growth = -1;
                part->on_instructions = 1;
                part->time_big_o = to.big_o;
            }
        } else if (to.big_o) {
            any = 1;
            char tok[16];
            snprintf(tok, sizeof tok, " %s ", to.big_o);
            all &= strstr(want, tok) != NULL;
            if (r->n_parts < PB_CLAIM_MAX_PARTS) {
                pb_claim_part *part = &r->parts[r->n_parts++];
                memset(part, 0, sizeof *part);
                part->scenario = s;
                part->naive_big_o = tn.big_o;
                part->optimized_big_o = to.big_o;
                part->optimized_rms = to.rms;
                part->growth = part->time_growth = -1;
            }
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    if (!any)
        return;
    r->value = all;
    r->verdict = all ? PB_VERDICT_HOLDS : PB_VERDICT_FAILS;
}

/* The first and the last size a growth or slope claim names (0 and 0
 * when it names none), into r->growth_lo and r->growth_hi. */
static void claim_span(const pb_claim *cl, pb_claim_result *r)
{
    int64_t lo = cl->sizes ? cl->sizes[0] : 0, hi = lo;
    for (const int64_t *n = cl->sizes; n && *n; n++)
        hi = *n;
    r->growth_lo = lo;
    r->growth_hi = hi;
}

/* Growth claims: the optimized metric at the last size over the first. */
static void eval_growth(const pb_resultset *rs, const pb_component *c,
                        const pb_claim *cl, pb_claim_result *r)
{
    claim_span(cl, r);
    int64_t lo = r->growth_lo, hi = r->growth_hi;
    double worst = -1;
    const char *p = cl->scenarios;
    while (p && *p && lo > 0) {
        size_t len = strcspn(p, " ");
        const pb_scenario *s = find_scenario(c, p, len);
        const pb_result *x = s ? pick(rs, c, "optimized", s, lo) : NULL;
        const pb_result *y = s ? pick(rs, c, "optimized", s, hi) : NULL;
        double vx = x ? metric_of(rs, x, cl->metric, cl->counter) : -1;
        double vy = y ? metric_of(rs, y, cl->metric, cl->counter) : -1;
        double tg = vx > 0 && vy >= 0 ? vy / vx : -1;
        /* a time claim is judged on instructions when both sizes have them */
        double ix = -1, iy = -1;
        if (s && cl->metric == PB_METRIC_TIME) {
            char name[200];
            snprintf(name, sizeof name, "%s/optimized/%s/%lld", c->name, s->name,
                     (long long)lo);
            ix = pb_resultset_instr(rs, name);
            snprintf(name, sizeof name, "%s/optimized/%s/%lld", c->name, s->name,
                     (long long)hi);
            iy = pb_resultset_instr(rs, name);
        }
        int on_instr = ix > 0 && iy >= 0;
        double g = on_instr ? iy / ix : tg;
        if (g >= 0) {
            if (g > worst)
                worst = g;
            if (r->n_parts < PB_CLAIM_MAX_PARTS) {
                pb_claim_part *part = &r->parts[r->n_parts++];
                memset(part, 0, sizeof *part);
                part->scenario = s;
                part->optimized_rms = -1;
                part->growth = g;
                part->on_instructions = on_instr;
                part->time_growth = tg;
            }
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    if (worst < 0)
        return;
    r->value = worst;
    r->verdict = worst <= cl->threshold ? PB_VERDICT_HOLDS : PB_VERDICT_FAILS;
}

/* Slope claims: per scenario, the optimized metric's growth per unit of N
 * between the first and the last size the claim names (the naive one's
 * beside it); the steepest decides. */
static void eval_slope(const pb_resultset *rs, const pb_component *c,
                       const pb_claim *cl, pb_claim_result *r)
{
    claim_span(cl, r);
    int64_t lo = r->growth_lo, hi = r->growth_hi;
    int any = 0;
    double worst = 0;
    const char *p = cl->scenarios;
    while (p && *p && lo > 0 && hi > lo) {
        size_t len = strcspn(p, " ");
        const pb_scenario *s = find_scenario(c, p, len);
        double slope[2] = { -1, -1 };
        int has[2] = { 0, 0 };
        for (int im = 0; s && im < 2; im++) {
            const char *impl = im ? "optimized" : "naive";
            const pb_result *x = pick(rs, c, impl, s, lo), *y = pick(rs, c, impl, s, hi);
            double vx = x ? metric_of(rs, x, cl->metric, cl->counter) : -1;
            double vy = y ? metric_of(rs, y, cl->metric, cl->counter) : -1;
            if (vx >= 0 && vy >= 0) {
                slope[im] = (vy - vx) / (double)(hi - lo);
                has[im] = 1;
            }
        }
        if (has[1]) {
            if (!any || slope[1] > worst)
                worst = slope[1];
            any = 1;
            if (r->n_parts < PB_CLAIM_MAX_PARTS) {
                pb_claim_part *part = &r->parts[r->n_parts++];
                memset(part, 0, sizeof *part);
                part->scenario = s;
                part->optimized_rms = -1;
                part->growth = part->time_growth = -1;
                part->slope = slope[1];
                part->naive_slope = slope[0];
                part->has_naive_slope = has[0];
            }
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    if (!any)
        return;
    r->value = worst;
    r->verdict = worst <= cl->threshold + 1e-9 ? PB_VERDICT_HOLDS : PB_VERDICT_FAILS;
}

static void eval_claim(const pb_resultset *rs, const pb_component *c,
                       const pb_claim *cl, pb_claim_result *r)
{
    memset(r, 0, sizeof *r);
    r->claim = cl;
    visit v = { cl, r, 0, rs, c, 0, 0, 0, 0, 0, 0 };
    switch (cl->kind) {
    case PB_CLAIM_SPEEDUP:
        for_each_point(rs, c, &v, visit_speedup);
        if (r->points)
            r->verdict = interval_verdict(&v);
        break;
    case PB_CLAIM_REDUCTION:
        for_each_point(rs, c, &v, visit_reduction);
        if (r->points && cl->metric == PB_METRIC_TIME)
            r->verdict = interval_verdict(&v);
        else if (r->points)     /* exact counts: slack for the division only */
            r->verdict = r->value >= cl->threshold - 1e-9 ? PB_VERDICT_HOLDS
                                                          : PB_VERDICT_FAILS;
        break;
    case PB_CLAIM_P99_BELOW:
        v.want_max = 1;
        for_each_point(rs, c, &v, visit_p99);
        if (r->points)
            r->verdict = range_verdict(&v, 1);
        break;
    case PB_CLAIM_COMPLEXITY:
        eval_complexity(rs, c, cl, r);
        break;
    case PB_CLAIM_VALUE_BELOW:
    case PB_CLAIM_VALUE_ABOVE: {
        int below = cl->kind == PB_CLAIM_VALUE_BELOW;
        v.want_max = below;            /* the worst point decides */
        for_each_point(rs, c, &v, visit_value);
        if (r->points && cl->metric == PB_METRIC_TIME)
            r->verdict = range_verdict(&v, below);
        else if (r->points)
            r->verdict = (below ? r->value < cl->threshold : r->value >= cl->threshold)
                             ? PB_VERDICT_HOLDS : PB_VERDICT_FAILS;
        break;
    }
    case PB_CLAIM_GROWTH_BELOW:
        eval_growth(rs, c, cl, r);
        break;
    case PB_CLAIM_VALUE_AT_MOST:
        v.want_max = 1;                /* the worst point decides */
        for_each_point(rs, c, &v, visit_value);
        if (r->points && cl->metric == PB_METRIC_TIME)
            r->verdict = range_verdict(&v, 1);
        else if (r->points)            /* exact counts: slack for the division only */
            r->verdict = r->value <= cl->threshold + 1e-9 ? PB_VERDICT_HOLDS
                                                          : PB_VERDICT_FAILS;
        break;
    case PB_CLAIM_SLOPE_AT_MOST:
        eval_slope(rs, c, cl, r);
        break;
    case PB_CLAIM_SUITE_PEAK_RSS_BELOW:
    case PB_CLAIM_SUITE_GEOMEAN_SPEEDUP:
        break;                          /* eval_suite_claims, once all ran */
    }
    if (r->verdict == PB_VERDICT_NOT_MEASURED)
        r->value = 0;
}

/* --- the analysis -------------------------------------------------------- */

static size_t count_sizes(const int64_t *sizes)
{
    size_t k = 0;
    while (sizes[k])
        k++;
    return k;
}

static int analyse_scenario(pb_analysis *a, const pb_component *c, int pair,
                            const pb_scenario *s, pb_scenario_result *out)
{
    const pb_resultset *rs = a->results;
    size_t k = count_sizes(s->sizes);
    memset(out, 0, sizeof *out);
    out->scenario = s;
    if (!pair) {
        out->solo = calloc(k * c->n_impls + 1, sizeof *out->solo);
        if (!out->solo)
            return -1;
        for (size_t i = 0; i < c->n_impls; i++)
            for (const int64_t *n = s->sizes; *n; n++) {
                const pb_result *r = pick(rs, c, c->impls[i].name, s, *n);
                if (!r)
                    continue;
                out->solo[out->n_solo++] = (pb_solo_point){ &c->impls[i], *n, r };
            }
        out->shown = out->n_solo > 0;
        return 0;
    }
    out->points = calloc(k + 1, sizeof *out->points);
    if (!out->points)
        return -1;
    for (const int64_t *n = s->sizes; *n; n++) {
        const pb_result *nv = pick(rs, c, "naive", s, *n);
        const pb_result *op = pick(rs, c, "optimized", s, *n);
        if (!nv && !op)
            continue;
        pb_pair_point *p = &out->points[out->n_points++];
        p->n = *n;
        p->naive = nv;
        p->optimized = op;
        p->naive_cv = cv_of(rs, c, "naive", s, *n);
        p->optimized_cv = cv_of(rs, c, "optimized", s, *n);
        p->speedup = nv && op && op->ns_per_op > 0 ? nv->ns_per_op / op->ns_per_op : -1;
        p->speedup_lo = p->speedup_hi = -1;
        double med, lo, hi;
        int rounds;
        if (nv && op && paired_speedup(rs, c, s, *n, &med, &lo, &hi, &rounds)) {
            p->speedup = med;
            p->speedup_lo = lo;
            p->speedup_hi = hi;
            p->paired_rounds = rounds;
        }
        p->untrusted = p->naive_cv > a->cv_trust_limit ||
                       p->optimized_cv > a->cv_trust_limit;
        a->n_untrusted += (size_t)p->untrusted;
        peer_points(rs, c, s, p);
    }
    out->shown = out->n_points > 0;
    static const char *const impl[2] = { "naive", "optimized" };
    for (int i = 0; i < 2; i++)
        time_fit_of(rs, c, impl[i], s, &out->fit[i]);
    out->crossover = find_crossover(rs, c, s);
    for (int i = 0; i < 2; i++)
        instr_fit_of(rs, c, impl[i], s, &out->instr_fit[i]);
    return 0;
}

static int analyse_component(pb_analysis *a, const pb_component *c,
                             pb_component_result *out)
{
    memset(out, 0, sizeof *out);
    out->component = c;
    out->pair = pb_is_pair(c);
    out->ran = pb_resultset_has_component(a->results, c->name);
    out->scenarios = calloc(c->n_scenarios + 1, sizeof *out->scenarios);
    out->claims = calloc(c->n_claims + 1, sizeof *out->claims);
    if (!out->scenarios || !out->claims)
        return -1;
    out->n_scenarios = c->n_scenarios;
    for (size_t s = 0; s < c->n_scenarios; s++)
        if (analyse_scenario(a, c, out->pair, &c->scenarios[s], &out->scenarios[s]) != 0)
            return -1;
    if (out->ran) {
        out->n_claims = c->n_claims;
        for (size_t k = 0; k < c->n_claims; k++)
            eval_claim(a->results, c, &c->claims[k], &out->claims[k]);
    }
    return 0;
}

/* --- claims about the whole suite ----------------------------------------- */

/* C-13 style: the largest peak RSS of any optimized case (value, and where)
 * and of any naive case (naive_value), over every pair of the results. */
static void eval_suite_rss(const pb_analysis *a, pb_claim_result *r)
{
    double best[2] = { -1, -1 };
    for (size_t c = 0; c < a->n_components; c++) {
        const pb_component *co = a->components[c].component;
        if (!a->components[c].pair)
            continue;
        for (size_t s = 0; s < co->n_scenarios; s++)
            for (const int64_t *n = co->scenarios[s].sizes; *n; n++)
                for (int i = 0; i < 2; i++) {
                    const pb_result *row = pick(a->results, co, i ? "optimized" : "naive",
                                                &co->scenarios[s], *n);
                    if (!row || row->peak_rss_bytes < 0)
                        continue;
                    if (i)
                        r->points++;
                    if (row->peak_rss_bytes > best[i]) {
                        best[i] = row->peak_rss_bytes;
                        if (i) {
                            r->at_component = co;
                            r->at_scenario = &co->scenarios[s];
                            r->at_n = *n;
                        }
                    }
                }
    }
    if (best[1] < 0)
        return;
    r->value = r->optimized_value = best[1];
    r->naive_value = best[0];
    r->verdict = best[1] < r->claim->threshold ? PB_VERDICT_HOLDS : PB_VERDICT_FAILS;
}

/* One scenario's term of the suite's geometric mean: its point at the
 * reference N with the paired rounds' ratios (k of them; 0: the ratio of
 * the medians alone, in fixed). */
typedef struct geo_term {
    size_t comp;                       /* index among the pairs that count */
    double ratios[PB_PAIRED_MAX_ROUNDS];
    int    k;
    double fixed;
} geo_term;

/* The geometric mean over components of the geometric mean over each
 * component's terms; x[t] the value of term t. */
static double geo_of(const geo_term *t, size_t n_terms, const double *x, size_t n_comps)
{
    double sum = 0;
    size_t counted = 0;
    for (size_t c = 0; c < n_comps; c++) {
        double lg = 0;
        int k = 0;
        for (size_t i = 0; i < n_terms; i++)
            if (t[i].comp == c) {
                lg += log(x[i]);
                k++;
            }
        if (k) {
            sum += lg / k;
            counted++;
        }
    }
    return counted ? exp(sum / (double)counted) : -1;
}

/* D-9 style: see PB_CLAIM_SUITE_GEOMEAN_SPEEDUP. points = the scenarios
 * counted; n_parts unused; naive_value = the number of pairs. */
static void eval_suite_geomean(const pb_analysis *a, pb_claim_result *r)
{
    size_t n_terms = 0, cap = 0, n_comps = 0;
    geo_term *t = NULL;
    for (size_t c = 0; c < a->n_components; c++) {
        const pb_component_result *cr = &a->components[c];
        if (!cr->pair || !cr->ran)
            continue;
        int any = 0;
        for (size_t s = 0; s < cr->n_scenarios; s++) {
            const pb_scenario_result *sr = &cr->scenarios[s];
            const pb_pair_point *ref = NULL;
            for (size_t i = 0; i < sr->n_points; i++)
                if (sr->points[i].speedup > 0)
                    ref = &sr->points[i];
            if (!ref)
                continue;
            if (n_terms == cap) {
                cap = cap ? 2 * cap : 64;
                geo_term *p = realloc(t, cap * sizeof *t);
                if (!p) {
                    free(t);
                    return;
                }
                t = p;
            }
            geo_term *g = &t[n_terms++];
            g->comp = n_comps;
            g->fixed = ref->speedup;
            g->k = 0;
            char point[160];
            snprintf(point, sizeof point, "%s/%s/%lld", cr->component->name,
                     sr->scenario->name, (long long)ref->n);
            const pb_paired *p = ref->paired_rounds ? pb_resultset_paired(a->results, point)
                                                    : NULL;
            for (int i = 0; p && i < p->rounds; i++)
                if (p->naive_ns[i] > 0 && p->optimized_ns[i] > 0)
                    g->ratios[g->k++] = p->naive_ns[i] / p->optimized_ns[i];
            if (g->k < 2)
                g->k = 0;
            any = 1;
        }
        n_comps += (size_t)any;
    }
    if (!n_terms) {
        free(t);
        return;
    }
    double *x = malloc(n_terms * sizeof *x);
    static double boot[PB_BOOTSTRAP_RESAMPLES];
    if (!x) {
        free(t);
        return;
    }
    for (size_t i = 0; i < n_terms; i++)
        x[i] = t[i].fixed;
    r->value = geo_of(t, n_terms, x, n_comps);
    /* The interval: every term's rounds resampled with replacement, its
     * median recomputed, the geometric mean again; percentiles over the
     * resamples (the generator seeded by the claim's id: the same file
     * gives the same interval). Terms without rounds stay fixed. */
    uint64_t seed = 0xcbf29ce484222325ULL;
    for (const char *q = r->claim->id; *q; q++)
        seed = (seed ^ (unsigned char)*q) * 0x100000001b3ULL;
    int with_rounds = 0;
    for (size_t i = 0; i < n_terms; i++)
        with_rounds |= t[i].k > 0;
    if (with_rounds) {
        double tmp[PB_PAIRED_MAX_ROUNDS];
        for (int b = 0; b < PB_BOOTSTRAP_RESAMPLES; b++) {
            for (size_t i = 0; i < n_terms; i++) {
                if (!t[i].k)
                    continue;
                for (int j = 0; j < t[i].k; j++)
                    tmp[j] = t[i].ratios[splitmix(&seed) % (uint64_t)t[i].k];
                x[i] = median_of(tmp, t[i].k);
            }
            boot[b] = geo_of(t, n_terms, x, n_comps);
        }
        qsort(boot, PB_BOOTSTRAP_RESAMPLES, sizeof boot[0], cmp_double);
        double tail = (1 - PB_CONFIDENCE) / 2;
        r->value_lo = boot[(int)(tail * PB_BOOTSTRAP_RESAMPLES)];
        r->value_hi = boot[(int)((1 - tail) * PB_BOOTSTRAP_RESAMPLES) - 1];
        r->has_interval = 1;
    }
    r->points = (int)n_terms;
    r->naive_value = (double)n_comps;
    double thr = r->claim->threshold;
    if (!r->has_interval)
        r->verdict = r->value >= thr ? PB_VERDICT_HOLDS : PB_VERDICT_FAILS;
    else if (r->value_hi < thr)
        r->verdict = PB_VERDICT_FAILS;
    else
        r->verdict = r->value_lo >= thr ? PB_VERDICT_HOLDS : PB_VERDICT_INCONCLUSIVE;
    free(x);
    free(t);
}

/* The suite claims of every component, once every component is analysed. */
static void eval_suite_claims(pb_analysis *a)
{
    for (size_t c = 0; c < a->n_components; c++) {
        pb_component_result *cr = &a->components[c];
        for (size_t k = 0; k < cr->n_claims; k++) {
            pb_claim_result *r = &cr->claims[k];
            if (!r->claim)
                continue;
            if (r->claim->kind == PB_CLAIM_SUITE_PEAK_RSS_BELOW)
                eval_suite_rss(a, r);
            else if (r->claim->kind == PB_CLAIM_SUITE_GEOMEAN_SPEEDUP)
                eval_suite_geomean(a, r);
        }
    }
}

pb_analysis *pb_analysis_new(const pb_resultset *rs, const pb_component *const *comps)
{
    pb_analysis *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->results = rs;
    a->cv_trust_limit = PB_CV_TRUST_LIMIT;
    a->noisy = calloc(pb_resultset_count(rs) + 1, sizeof *a->noisy);
    if (!a->noisy) {
        free(a);
        return NULL;
    }
    for (size_t i = 0; i < pb_resultset_count(rs); i++) {
        const pb_result *r = pb_resultset_at(rs, i);
        a->repeated |= strcmp(r->aggregate, "median") == 0;
        if (strcmp(r->aggregate, "cv") == 0 && r->cv > a->cv_trust_limit)
            a->noisy[a->n_noisy++] = r;
    }
    size_t n = 0;
    while (comps[n])
        n++;
    a->components = calloc(n + 1, sizeof *a->components);
    if (!a->components) {
        pb_analysis_free(a);
        return NULL;
    }
    a->n_components = n;
    for (size_t c = 0; c < n; c++)
        if (analyse_component(a, comps[c], &a->components[c]) != 0) {
            pb_analysis_free(a);
            return NULL;
        }
    eval_suite_claims(a);
    return a;
}

void pb_analysis_free(pb_analysis *a)
{
    if (!a)
        return;
    for (size_t c = 0; c < a->n_components; c++) {
        pb_component_result *cr = &a->components[c];
        for (size_t s = 0; cr->scenarios && s < cr->n_scenarios; s++) {
            free(cr->scenarios[s].points);
            free(cr->scenarios[s].solo);
        }
        free(cr->scenarios);
        free(cr->claims);
    }
    free(a->components);
    free(a->noisy);
    free(a);
}

const pb_component_result *pb_analysis_component(const pb_analysis *a,
                                                 const char *component)
{
    for (size_t c = 0; c < a->n_components; c++)
        if (strcmp(a->components[c].component->name, component) == 0)
            return &a->components[c];
    return NULL;
}

const pb_scenario_result *pb_analysis_scenario(const pb_analysis *a,
                                               const char *component,
                                               const char *scenario)
{
    const pb_component_result *c = pb_analysis_component(a, component);
    for (size_t s = 0; c && s < c->n_scenarios; s++)
        if (strcmp(c->scenarios[s].scenario->name, scenario) == 0)
            return &c->scenarios[s];
    return NULL;
}
