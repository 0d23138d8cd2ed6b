/*
 * Analysis of the results: the questions the suite answers.
 *
 *   pair table   per component/scenario/N: naive and optimized time per op
 *                (medians when repeated) with their cv, the speed-up, the
 *                allocations, the peak heap and the p99 latency
 *   complexity   gbench's fitted BigO and RMS per implementation
 *   crossover    per pair: the smallest N of the sweep from which the
 *                optimized implementation stays faster, "always" (from the
 *                first N), or "never" (not faster at the largest N)
 *   claims       each seed claim of a component (pb_claim) with the value
 *                measured and whether it holds; one that does not hold is
 *                printed as such
 *
 * The same functions print to the console and build the "pairbench" object
 * added to the JSON results.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model.h"

/* --- helpers ------------------------------------------------------------ */

static void fmt_time(char *buf, size_t cap, double ns)
{
    if (ns < 0)
        snprintf(buf, cap, "-");
    else if (ns < 1e3)
        snprintf(buf, cap, "%.2f ns", ns);
    else if (ns < 1e6)
        snprintf(buf, cap, "%.2f us", ns / 1e3);
    else if (ns < 1e9)
        snprintf(buf, cap, "%.2f ms", ns / 1e6);
    else
        snprintf(buf, cap, "%.2f s", ns / 1e9);
}

static void fmt_bytes(char *buf, size_t cap, double b)
{
    if (b < 0)
        snprintf(buf, cap, "-");
    else if (b < 1024)
        snprintf(buf, cap, "%.0f B", b);
    else if (b < 1024.0 * 1024)
        snprintf(buf, cap, "%.1f KiB", b / 1024);
    else
        snprintf(buf, cap, "%.1f MiB", b / (1024.0 * 1024));
}

static void fmt_count(char *buf, size_t cap, double v)
{
    if (v < 0)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.3g", v);
}

static void case_name(char *buf, size_t cap, const char *component,
                      const char *impl, const char *scenario, int64_t n)
{
    snprintf(buf, cap, "%s/%s/%s/%lld", component, impl, scenario, (long long)n);
}

static const pb_result *pick(const pb_component *c, const char *impl,
                             const pb_scenario *s, int64_t n)
{
    char name[200];
    case_name(name, sizeof name, c->name, impl, s->name, n);
    return pb_results_pick(name);
}

static double cv_of(const pb_component *c, const char *impl,
                    const pb_scenario *s, int64_t n)
{
    char name[200];
    case_name(name, sizeof name, c->name, impl, s->name, n);
    const pb_result *r = pb_results_find(name, "cv");
    return r ? r->cv : -1;
}

static const pb_result *fit_of(const pb_component *c, const char *impl,
                               const pb_scenario *s, const char *which)
{
    char name[200];
    snprintf(name, sizeof name, "%s/%s/%s", c->name, impl, s->name);
    return pb_results_find(name, which);
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

static const pb_scenario *find_scenario(const pb_component *c, const char *name,
                                        size_t len)
{
    for (size_t s = 0; s < c->n_scenarios; s++)
        if (strlen(c->scenarios[s].name) == len &&
            strncmp(c->scenarios[s].name, name, len) == 0)
            return &c->scenarios[s];
    return NULL;
}

/* --- crossover ---------------------------------------------------------- */

typedef enum { CROSS_NO_DATA, CROSS_ALWAYS, CROSS_FROM, CROSS_NEVER } cross_kind;

typedef struct crossover {
    cross_kind kind;
    int64_t    n;          /* CROSS_FROM: first N of the faster tail */
    int64_t    first_n;    /* smallest N measured for both */
    int64_t    last_n;     /* largest N measured for both */
    size_t     points;
} crossover;

/* The smallest N from which the optimized one is faster at every larger N
 * measured for both implementations. */
static crossover find_crossover(const pb_component *c, const pb_scenario *s)
{
    crossover x = { CROSS_NO_DATA, 0, 0, 0, 0 };
    int64_t ns[64];
    int faster[64];
    for (const int64_t *n = s->sizes; *n && x.points < 64; n++) {
        const pb_result *nv = pick(c, "naive", s, *n);
        const pb_result *op = pick(c, "optimized", s, *n);
        if (!nv || !op)
            continue;
        ns[x.points] = *n;
        faster[x.points] = op->ns_per_op < nv->ns_per_op;
        x.points++;
    }
    if (x.points == 0)
        return x;
    x.first_n = ns[0];
    x.last_n = ns[x.points - 1];
    if (!faster[x.points - 1]) {
        x.kind = CROSS_NEVER;
        return x;
    }
    size_t i = x.points - 1;
    while (i > 0 && faster[i - 1])
        i--;
    x.kind = i == 0 ? CROSS_ALWAYS : CROSS_FROM;
    x.n = ns[i];
    return x;
}

static void fmt_crossover(char *buf, size_t cap, const crossover *x)
{
    switch (x->kind) {
    case CROSS_NO_DATA:
        snprintf(buf, cap, "no N measured for both");
        break;
    case CROSS_ALWAYS:
        snprintf(buf, cap, "always (optimized faster at every N, %lld..%lld)",
                 (long long)x->first_n, (long long)x->last_n);
        break;
    case CROSS_FROM:
        snprintf(buf, cap, "N = %lld (optimized faster from there up to %lld)",
                 (long long)x->n, (long long)x->last_n);
        break;
    case CROSS_NEVER:
        snprintf(buf, cap, "never (optimized not faster at N = %lld)",
                 (long long)x->last_n);
        break;
    }
}

static void fmt_fit(char *buf, size_t cap, const pb_component *c,
                    const char *impl, const pb_scenario *s)
{
    const pb_result *bo = fit_of(c, impl, s, "BigO");
    const pb_result *rms = fit_of(c, impl, s, "RMS");
    if (!bo)
        snprintf(buf, cap, "%s -", impl);
    else if (rms && rms->rms >= 0)
        snprintf(buf, cap, "%s O(%s) (rms %.0f%%)", impl,
                 strcmp(bo->big_o, "(1)") ? bo->big_o : "1", rms->rms * 100);
    else
        snprintf(buf, cap, "%s O(%s)", impl,
                 strcmp(bo->big_o, "(1)") ? bo->big_o : "1");
}

/* --- claims ------------------------------------------------------------- */

typedef enum { CLAIM_NOT_MEASURED, CLAIM_HOLDS, CLAIM_FAILS } claim_verdict;

typedef struct claim_result {
    claim_verdict verdict;
    double        value;          /* the number compared to the threshold */
    char          measured[320];  /* what was measured, in words */
    char          threshold[48];
} claim_result;

/* The value of a claim's metric in a row; -1 when the row lacks it. */
static double metric_of(const pb_result *r, pb_metric m, const char *counter)
{
    switch (m) {
    case PB_METRIC_TIME: return r->ns_per_op;
    case PB_METRIC_ALLOCS: return r->allocs_per_op;
    case PB_METRIC_HEAP: return r->peak_heap_bytes;
    case PB_METRIC_COUNTER: return counter ? pb_result_counter(r, counter) : -1;
    }
    return -1;
}

static const char *metric_name(pb_metric m, const char *counter)
{
    switch (m) {
    case PB_METRIC_TIME: return "time/op";
    case PB_METRIC_ALLOCS: return "allocs/op";
    case PB_METRIC_HEAP: return "peak heap";
    case PB_METRIC_COUNTER: return counter ? counter : "?";
    }
    return "?";
}

static void fmt_metric(char *buf, size_t cap, pb_metric m, double v)
{
    if (m == PB_METRIC_TIME)
        fmt_time(buf, cap, v);
    else if (m == PB_METRIC_HEAP)
        fmt_bytes(buf, cap, v);
    else
        fmt_count(buf, cap, v);
}

/* Calls fn for every (scenario, N) a claim names, with the pair's rows. */
typedef void (*claim_visit)(void *acc, const pb_scenario *s, int64_t n,
                            const pb_result *naive, const pb_result *opt);

static void for_each_point(const pb_component *c, const pb_claim *cl,
                           claim_visit fn, void *acc)
{
    const char *p = cl->scenarios;
    while (p && *p) {
        size_t len = strcspn(p, " ");
        const pb_scenario *s = find_scenario(c, p, len);
        if (s) {
            const int64_t *sizes = cl->sizes ? cl->sizes : s->sizes;
            for (const int64_t *n = sizes; *n; n++)
                fn(acc, s, *n, pick(c, "naive", s, *n), pick(c, "optimized", s, *n));
        }
        p += len;
        while (*p == ' ')
            p++;
    }
}

typedef struct extreme {
    pb_metric  metric;
    const char *counter;
    int        seen;
    double     best;           /* min (speed-up, reduction) or max (p99) */
    double     naive_v, opt_v;
    char       where[96];
    int        want_max;
} extreme;

static void note(extreme *e, double v, const pb_scenario *s, int64_t n,
                 double naive_v, double opt_v)
{
    if (!e->seen || (e->want_max ? v > e->best : v < e->best)) {
        e->best = v;
        e->naive_v = naive_v;
        e->opt_v = opt_v;
        snprintf(e->where, sizeof e->where, "%s/%lld", s->name, (long long)n);
    }
    e->seen++;
}

static void visit_speedup(void *acc, const pb_scenario *s, int64_t n,
                          const pb_result *nv, const pb_result *op)
{
    if (nv && op && op->ns_per_op > 0)
        note(acc, nv->ns_per_op / op->ns_per_op, s, n, nv->ns_per_op, op->ns_per_op);
}

static void visit_reduction(void *acc, const pb_scenario *s, int64_t n,
                            const pb_result *nv, const pb_result *op)
{
    extreme *e = acc;
    if (!nv || !op)
        return;
    double a = metric_of(nv, e->metric, e->counter);
    double b = metric_of(op, e->metric, e->counter);
    if (a < 0 || b < 0)
        return;
    double red = a > 0 ? 1.0 - b / a : (b > 0 ? -INFINITY : 0.0);
    note(e, red, s, n, a, b);
}

/* The optimized implementation's metric itself (VALUE_BELOW/ABOVE). */
static void visit_value(void *acc, const pb_scenario *s, int64_t n,
                        const pb_result *nv, const pb_result *op)
{
    extreme *e = acc;
    double v = op ? metric_of(op, e->metric, e->counter) : -1;
    if (v >= 0)
        note(e, v, s, n, nv ? metric_of(nv, e->metric, e->counter) : -1, v);
}

static void visit_p99(void *acc, const pb_scenario *s, int64_t n,
                      const pb_result *nv, const pb_result *op)
{
    (void)nv;
    if (op && op->p99_ns >= 0)
        note(acc, op->p99_ns, s, n, nv ? nv->p99_ns : -1, op->p99_ns);
}

static claim_result eval_claim(const pb_component *c, const pb_claim *cl)
{
    claim_result r;
    memset(&r, 0, sizeof r);
    extreme e;
    memset(&e, 0, sizeof e);
    e.metric = cl->metric;
    e.counter = cl->counter;
    char a[32], b[32];

    switch (cl->kind) {
    case PB_CLAIM_SPEEDUP:
        snprintf(r.threshold, sizeof r.threshold, ">= %gx", cl->threshold);
        for_each_point(c, cl, visit_speedup, &e);
        if (!e.seen)
            break;
        r.value = e.best;
        fmt_time(a, sizeof a, e.naive_v);
        fmt_time(b, sizeof b, e.opt_v);
        snprintf(r.measured, sizeof r.measured,
                 "min speed-up %.1fx at %s (%s -> %s) over %d point%s",
                 e.best, e.where, a, b, e.seen, e.seen == 1 ? "" : "s");
        r.verdict = e.best >= cl->threshold ? CLAIM_HOLDS : CLAIM_FAILS;
        break;
    case PB_CLAIM_REDUCTION:
        snprintf(r.threshold, sizeof r.threshold, ">= %g%% less %s",
                 cl->threshold * 100, metric_name(cl->metric, cl->counter));
        for_each_point(c, cl, visit_reduction, &e);
        if (!e.seen)
            break;
        r.value = e.best;
        fmt_metric(a, sizeof a, cl->metric, e.naive_v);
        fmt_metric(b, sizeof b, cl->metric, e.opt_v);
        if (isinf(e.best))
            snprintf(r.measured, sizeof r.measured, "%s %s -> %s at %s (naive 0)",
                     metric_name(cl->metric, cl->counter), a, b, e.where);
        else
            snprintf(r.measured, sizeof r.measured, "%s %s -> %s at %s: %.0f%% %s",
                     metric_name(cl->metric, cl->counter), a, b, e.where, fabs(e.best) * 100,
                     e.best >= 0 ? "less" : "MORE");
        r.verdict = e.best >= cl->threshold ? CLAIM_HOLDS : CLAIM_FAILS;
        break;
    case PB_CLAIM_P99_BELOW:
        fmt_time(a, sizeof a, cl->threshold);
        snprintf(r.threshold, sizeof r.threshold, "p99 < %s", a);
        e.want_max = 1;
        for_each_point(c, cl, visit_p99, &e);
        if (!e.seen)
            break;
        r.value = e.best;
        fmt_time(a, sizeof a, e.best);
        snprintf(r.measured, sizeof r.measured,
                 "optimized max p99 %s at %s over %d point%s", a, e.where,
                 e.seen, e.seen == 1 ? "" : "s");
        r.verdict = e.best < cl->threshold ? CLAIM_HOLDS : CLAIM_FAILS;
        break;
    case PB_CLAIM_COMPLEXITY: {
        snprintf(r.threshold, sizeof r.threshold, "optimized in {%s}",
                 cl->complexities);
        int all = 1, any = 0;
        size_t used = 0;
        const char *p = cl->scenarios;
        while (p && *p) {
            size_t len = strcspn(p, " ");
            const pb_scenario *s = find_scenario(c, p, len);
            const pb_result *fo = s ? fit_of(c, "optimized", s, "BigO") : NULL;
            const pb_result *fn = s ? fit_of(c, "naive", s, "BigO") : NULL;
            const pb_result *ro = s ? fit_of(c, "optimized", s, "RMS") : NULL;
            if (fo) {
                any = 1;
                char want[64];
                snprintf(want, sizeof want, " %s ", cl->complexities);
                char tok[16];
                snprintf(tok, sizeof tok, " %s ", fo->big_o);
                all &= strstr(want, tok) != NULL;
                char rms[24] = "";
                if (ro && ro->rms >= 0)     /* a poor fit says so */
                    snprintf(rms, sizeof rms, " (rms %.0f%%)", ro->rms * 100);
                used += (size_t)snprintf(r.measured + used,
                                         used < sizeof r.measured ? sizeof r.measured - used : 0,
                                         "%s%s: naive %s, optimized %s%s",
                                         used ? "; " : "", s->name,
                                         fn ? fn->big_o : "-", fo->big_o, rms);
            }
            p += len;
            while (*p == ' ')
                p++;
        }
        if (!any)
            break;
        r.value = all;
        r.verdict = all ? CLAIM_HOLDS : CLAIM_FAILS;
        break;
    }
    case PB_CLAIM_VALUE_BELOW:
    case PB_CLAIM_VALUE_ABOVE: {
        int below = cl->kind == PB_CLAIM_VALUE_BELOW;
        fmt_metric(a, sizeof a, cl->metric, cl->threshold);
        snprintf(r.threshold, sizeof r.threshold, "%s %s %s",
                 metric_name(cl->metric, cl->counter), below ? "<" : ">=", a);
        e.want_max = below;            /* the worst point decides */
        for_each_point(c, cl, visit_value, &e);
        if (!e.seen)
            break;
        r.value = e.best;
        fmt_metric(a, sizeof a, cl->metric, e.best);
        snprintf(r.measured, sizeof r.measured, "optimized %s %s %s at %s over"
                 " %d point%s", below ? "max" : "min",
                 metric_name(cl->metric, cl->counter), a, e.where, e.seen,
                 e.seen == 1 ? "" : "s");
        r.verdict = (below ? e.best < cl->threshold : e.best >= cl->threshold)
                        ? CLAIM_HOLDS : CLAIM_FAILS;
        break;
    }
    case PB_CLAIM_GROWTH_BELOW: {
        snprintf(r.threshold, sizeof r.threshold, "growth <= %gx", cl->threshold);
        int64_t lo = cl->sizes ? cl->sizes[0] : 0, hi = lo;
        for (const int64_t *n = cl->sizes; n && *n; n++)
            hi = *n;
        double worst = -1;
        size_t used = 0;
        const char *p = cl->scenarios;
        while (p && *p && lo > 0) {
            size_t len = strcspn(p, " ");
            const pb_scenario *s = find_scenario(c, p, len);
            const pb_result *x = s ? pick(c, "optimized", s, lo) : NULL;
            const pb_result *y = s ? pick(c, "optimized", s, hi) : NULL;
            double vx = x ? metric_of(x, cl->metric, cl->counter) : -1;
            double vy = y ? metric_of(y, cl->metric, cl->counter) : -1;
            if (vx > 0 && vy >= 0) {
                double g = vy / vx;
                if (g > worst)
                    worst = g;
                used += (size_t)snprintf(r.measured + used,
                                         used < sizeof r.measured ? sizeof r.measured - used : 0,
                                         "%s%s %.2fx", used ? "; " : "", s->name, g);
            }
            p += len;
            while (*p == ' ')
                p++;
        }
        if (worst < 0)
            break;
        if (used < sizeof r.measured)
            snprintf(r.measured + used, sizeof r.measured - used,
                     " (optimized %s, N = %lld -> %lld)",
                     metric_name(cl->metric, cl->counter), (long long)lo,
                     (long long)hi);
        r.value = worst;
        r.verdict = worst <= cl->threshold ? CLAIM_HOLDS : CLAIM_FAILS;
        break;
    }
    }
    if (r.verdict == CLAIM_NOT_MEASURED)
        snprintf(r.measured, sizeof r.measured, "not measured in these results");
    return r;
}

static const char *verdict_name(claim_verdict v)
{
    return v == CLAIM_HOLDS ? "holds" : v == CLAIM_FAILS ? "DOES NOT HOLD"
                                                          : "not measured";
}

/* Did any case of this component report a result? */
static int component_ran(const pb_component *c)
{
    size_t len = strlen(c->name);
    for (size_t i = 0; i < pb_results_count(); i++) {
        const char *name = pb_results_at(i)->case_name;
        if (strncmp(name, c->name, len) == 0 && name[len] == '/')
            return 1;
    }
    return 0;
}

size_t pb_claims_print(FILE *out, const pb_component *const *comps)
{
    size_t n = 0;
    for (size_t c = 0; comps[c]; c++) {
        if (!component_ran(comps[c]))
            continue;               /* not selected: its claims are not news */
        for (size_t k = 0; k < comps[c]->n_claims; k++) {
            const pb_claim *cl = &comps[c]->claims[k];
            claim_result r = eval_claim(comps[c], cl);
            if (n == 0)
                fprintf(out, "\nclaims of the seeds, as measured here (medians;"
                        " a claim that does not hold says so)\n");
            fprintf(out, "%-5s %-14s %s  [%s]\n", cl->id, verdict_name(r.verdict),
                    r.measured, r.threshold);
            fprintf(out, "      \"%s\" (%s; %s)\n", cl->words, cl->seed,
                    cl->metric_text);
            n++;
        }
    }
    return n;
}

/* --- the console report -------------------------------------------------- */

static void print_pair_rows(FILE *out, const pb_component *c, const pb_scenario *s)
{
    for (const int64_t *n = s->sizes; *n; n++) {
        const pb_result *nv = pick(c, "naive", s, *n);
        const pb_result *op = pick(c, "optimized", s, *n);
        if (!nv && !op)
            continue;
        double cvn = cv_of(c, "naive", s, *n), cvo = cv_of(c, "optimized", s, *n);
        char key[160], tn[24], to[24], cn[8], co[8], speed[16];
        char an[16], ao[16], hn[16], ho[16], pn[16], po[16];
        char allocs[40], heap[40], p99[40];
        snprintf(key, sizeof key, "%s/%s/%lld", c->name, s->name, (long long)*n);
        fmt_time(tn, sizeof tn, nv ? nv->ns_per_op : -1);
        fmt_time(to, sizeof to, op ? op->ns_per_op : -1);
        if (cvn >= 0)
            snprintf(cn, sizeof cn, "%.0f%%%s", cvn * 100, cvn > PB_CV_TRUST_LIMIT ? "!" : "");
        else
            snprintf(cn, sizeof cn, " ");
        if (cvo >= 0)
            snprintf(co, sizeof co, "%.0f%%%s", cvo * 100, cvo > PB_CV_TRUST_LIMIT ? "!" : "");
        else
            snprintf(co, sizeof co, " ");
        if (nv && op && op->ns_per_op > 0)
            snprintf(speed, sizeof speed, "%.1fx", nv->ns_per_op / op->ns_per_op);
        else
            snprintf(speed, sizeof speed, "-");
        fmt_count(an, sizeof an, nv ? nv->allocs_per_op : -1);
        fmt_count(ao, sizeof ao, op ? op->allocs_per_op : -1);
        fmt_bytes(hn, sizeof hn, nv ? nv->peak_heap_bytes : -1);
        fmt_bytes(ho, sizeof ho, op ? op->peak_heap_bytes : -1);
        fmt_time(pn, sizeof pn, nv ? nv->p99_ns : -1);
        fmt_time(po, sizeof po, op ? op->p99_ns : -1);
        snprintf(allocs, sizeof allocs, "%s -> %s", an, ao);
        snprintf(heap, sizeof heap, "%s -> %s", hn, ho);
        snprintf(p99, sizeof p99, "%s -> %s", pn, po);
        fprintf(out, "%-34s %11s %4s %11s %4s %8s  %-18s %-22s %s%s\n", key, tn,
                cn, to, co, speed, allocs, heap, s->latency ? p99 : "",
                nv ? "" : "  (naive not run)");
    }
}

void pb_report_print(FILE *out, const pb_component *const *comps)
{
    if (pb_results_count() == 0)
        return;
    int repeated = 0;
    for (size_t i = 0; i < pb_results_count(); i++)
        repeated |= strcmp(pb_results_at(i)->aggregate, "median") == 0;

    fprintf(out, "\npair summary (%s; speed-up = naive time / optimized time;"
            " arrows read naive -> optimized%s)\n",
            repeated ? "medians over repetitions" : "single runs",
            repeated ? "; cv over repetitions, '!' = above 10%, do not trust" : "");
    fprintf(out, "%-34s %11s %4s %11s %4s %8s  %-18s %-22s %s\n",
            "component/scenario/N", "naive/op", "cv", "optimized/op", "cv",
            "speed-up", "allocs/op", "peak heap", "p99 latency");

    for (size_t c = 0; comps[c]; c++) {
        const pb_component *comp = comps[c];
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            const pb_scenario *sc = &comp->scenarios[s];
            if (pb_is_pair(comp)) {
                int any = 0;
                for (const int64_t *n = sc->sizes; *n; n++)
                    any |= pick(comp, "naive", sc, *n) || pick(comp, "optimized", sc, *n);
                if (!any)
                    continue;
                crossover x = find_crossover(comp, sc);
                print_pair_rows(out, comp, sc);
                char fn[48], fo[48], cross[96];
                fmt_fit(fn, sizeof fn, comp, "naive", sc);
                fmt_fit(fo, sizeof fo, comp, "optimized", sc);
                fmt_crossover(cross, sizeof cross, &x);
                fprintf(out, "  %s/%s: fit %s, %s; crossover %s\n", comp->name,
                        sc->name, fn, fo, cross);
                continue;
            }
            for (size_t i = 0; i < comp->n_impls; i++)
                for (const int64_t *n = sc->sizes; *n; n++) {
                    const pb_result *r = pick(comp, comp->impls[i].name, sc, *n);
                    char t[24], key[160];
                    if (!r)
                        continue;
                    fmt_time(t, sizeof t, r->ns_per_op);
                    snprintf(key, sizeof key, "%s/%s/%lld", comp->name, sc->name,
                             (long long)*n);
                    fprintf(out, "%-34s %s: %s per op\n", key, comp->impls[i].name, t);
                }
        }
    }
    pb_claims_print(out, comps);
}

/* --- the JSON block ------------------------------------------------------ */

static cJSON *json_num_or_null(double v)
{
    return v >= 0 && isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *pb_report_block(const pb_component *const *comps)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "cv_trust_limit", PB_CV_TRUST_LIMIT);
    cJSON *pairs = cJSON_AddArrayToObject(root, "pairs");
    cJSON *fits = cJSON_AddArrayToObject(root, "complexity");
    cJSON *crosses = cJSON_AddArrayToObject(root, "crossovers");
    cJSON *claims = cJSON_AddArrayToObject(root, "claims");

    for (size_t c = 0; comps[c]; c++) {
        const pb_component *comp = comps[c];
        if (!pb_is_pair(comp) || !component_ran(comp))
            continue;
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            const pb_scenario *sc = &comp->scenarios[s];
            int any = 0;
            for (const int64_t *n = sc->sizes; *n; n++) {
                const pb_result *nv = pick(comp, "naive", sc, *n);
                const pb_result *op = pick(comp, "optimized", sc, *n);
                if (!nv && !op)
                    continue;
                any = 1;
                double cvn = cv_of(comp, "naive", sc, *n);
                double cvo = cv_of(comp, "optimized", sc, *n);
                cJSON *p = cJSON_CreateObject();
                cJSON_AddStringToObject(p, "component", comp->name);
                cJSON_AddStringToObject(p, "scenario", sc->name);
                cJSON_AddNumberToObject(p, "n", (double)*n);
                cJSON_AddItemToObject(p, "naive_ns_per_op", json_num_or_null(nv ? nv->ns_per_op : -1));
                cJSON_AddItemToObject(p, "optimized_ns_per_op", json_num_or_null(op ? op->ns_per_op : -1));
                cJSON_AddItemToObject(p, "speedup", json_num_or_null(
                    nv && op && op->ns_per_op > 0 ? nv->ns_per_op / op->ns_per_op : -1));
                cJSON_AddItemToObject(p, "naive_cv", json_num_or_null(cvn));
                cJSON_AddItemToObject(p, "optimized_cv", json_num_or_null(cvo));
                cJSON_AddBoolToObject(p, "untrusted", cvn > PB_CV_TRUST_LIMIT ||
                                                       cvo > PB_CV_TRUST_LIMIT);
                cJSON_AddItemToArray(pairs, p);
            }
            if (!any)
                continue;
            for (int i = 0; i < 2; i++) {
                const char *impl = i ? "optimized" : "naive";
                const pb_result *bo = fit_of(comp, impl, sc, "BigO");
                const pb_result *rms = fit_of(comp, impl, sc, "RMS");
                if (!bo)
                    continue;
                cJSON *f = cJSON_CreateObject();
                cJSON_AddStringToObject(f, "component", comp->name);
                cJSON_AddStringToObject(f, "impl", impl);
                cJSON_AddStringToObject(f, "scenario", sc->name);
                cJSON_AddStringToObject(f, "big_o", bo->big_o);
                cJSON_AddItemToObject(f, "rms", json_num_or_null(rms ? rms->rms : -1));
                cJSON_AddItemToArray(fits, f);
            }
            crossover x = find_crossover(comp, sc);
            static const char *const kinds[] = { "no data", "always", "from", "never" };
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "component", comp->name);
            cJSON_AddStringToObject(o, "scenario", sc->name);
            cJSON_AddStringToObject(o, "verdict", kinds[x.kind]);
            if (x.kind == CROSS_ALWAYS || x.kind == CROSS_FROM)
                cJSON_AddNumberToObject(o, "crossover_n", (double)x.n);
            else
                cJSON_AddNullToObject(o, "crossover_n");
            cJSON_AddItemToObject(o, "largest_n", json_num_or_null((double)x.last_n));
            cJSON_AddItemToArray(crosses, o);
        }
        for (size_t k = 0; k < comp->n_claims; k++) {
            const pb_claim *cl = &comp->claims[k];
            claim_result r = eval_claim(comp, cl);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", cl->id);
            cJSON_AddStringToObject(o, "component", comp->name);
            cJSON_AddStringToObject(o, "seed", cl->seed);
            cJSON_AddStringToObject(o, "claim", cl->words);
            cJSON_AddStringToObject(o, "metric", cl->metric_text);
            cJSON_AddStringToObject(o, "threshold", r.threshold);
            cJSON_AddStringToObject(o, "verdict", verdict_name(r.verdict));
            cJSON_AddStringToObject(o, "measured", r.measured);
            if (r.verdict == CLAIM_NOT_MEASURED || !isfinite(r.value))
                cJSON_AddNullToObject(o, "value");
            else
                cJSON_AddNumberToObject(o, "value", r.value);
            cJSON_AddItemToArray(claims, o);
        }
    }
    return root;
}

void *pb_report_block_new(const pb_component *const *comps)
{
    return pb_report_block(comps);
}

int pb_report_json(const char *path, const pb_component *const *comps)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "pairbench: cannot read %s back\n", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *text = len > 0 ? malloc((size_t)len + 1) : NULL;
    int ok = text && fread(text, 1, (size_t)len, f) == (size_t)len;
    fclose(f);
    if (!ok) {
        free(text);
        fprintf(stderr, "pairbench: cannot read %s back\n", path);
        return -1;
    }
    text[len] = '\0';
    char *clean = pb_json_sanitize(text);
    free(text);
    text = clean;
    if (!text) {
        fprintf(stderr, "pairbench: out of memory reading %s\n", path);
        return -1;
    }
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        long off = at && at >= text && at <= text + strlen(text) ? (long)(at - text) : -1;
        fprintf(stderr, "pairbench: %s is not valid JSON (at byte %ld: %.40s)\n",
                path, off, off >= 0 ? at : "");
        free(text);
        return -1;
    }
    free(text);
    cJSON_AddItemToObject(root, "pairbench", pb_report_block(comps));
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    if (!out) {
        fprintf(stderr, "pairbench: out of memory writing %s\n", path);
        return -1;
    }
    f = fopen(path, "wb");
    ok = f && fputs(out, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    free(out);
    if (!ok) {
        fprintf(stderr, "pairbench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}
