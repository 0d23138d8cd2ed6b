/*
 * The report's inputs: the results files as series, each a result set
 * read once (reports/model/results.c) and its analysis computed once with
 * this build's components (a "pairbench" block stored in the file is not
 * used, see model.h), and what the writers look up in them: the cell of a
 * case, the N of a scenario, its reference N, fits, crossovers, claims.
 * The writers see the results only through these functions; nothing here
 * parses JSON or recomputes a ratio.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

const char *const pb_rep_impl_names[2] = { "naive", "optimized" };

/* A context value as text (strings as they are, numbers and booleans
 * printed into buf); NULL when absent. */
const char *pb_rep_ctx_text(const series *s, const char *key, char *buf, size_t cap)
{
    return pb_resultset_context_text(s->rs, key, buf, cap);
}

int pb_rep_ctx_is(const series *s, const char *key, const char *want)
{
    char buf[32];
    const char *v = pb_rep_ctx_text(s, key, buf, sizeof buf);
    return v && strcmp(v, want) == 0;
}

/* Loads one file into *s: its result set and its analysis. 0, or -1 with
 * a one-line reason in err. */
static int series_load(series *s, const char *path,
                       const pb_component *const *comps, char *err, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->rs = pb_resultset_load(path, err, cap);
    if (!s->rs)
        return -1;
    s->an = pb_analysis_new(s->rs, comps);
    if (!s->an) {
        snprintf(err, cap, "out of memory analysing %s", path);
        return -1;
    }
    s->context = pb_resultset_context(s->rs);
    s->had_block = pb_resultset_stored_block(s->rs) != NULL;
    s->cv_limit = s->an->cv_trust_limit;
    s->repetitions = pb_resultset_repetitions(s->rs);
    return 0;
}

static void series_free(series *s)
{
    pb_analysis_free(s->an);
    pb_resultset_free(s->rs);
    memset(s, 0, sizeof *s);
}

/* Labels: the allocator, and the file's base name when two files share an
 * allocator. */
static void label_series(report *R)
{
    for (size_t i = 0; i < R->n; i++) {
        const char *a = jstr(R->s[i].context, "allocator");
        int shared = 0;
        for (size_t j = 0; j < R->n; j++) {
            const char *b = jstr(R->s[j].context, "allocator");
            shared |= j != i && ((!a && !b) || (a && b && strcmp(a, b) == 0));
        }
        if (!shared) {
            snprintf(R->s[i].label, sizeof R->s[i].label, "%s", a ? a : "?");
            continue;
        }
        const char *base = strrchr(R->s[i].path, '/');
        base = base ? base + 1 : R->s[i].path;
        size_t len = strlen(base);
        if (len > 5 && strcmp(base + len - 5, ".json") == 0)
            len -= 5;
        if (len > 40)
            len = 40;
        snprintf(R->s[i].label, sizeof R->s[i].label, "%s (%.*s)", a ? a : "?",
                 (int)len, base);
    }
    /* Still the same (same allocator, same file name): number them. */
    for (size_t i = 1; i < R->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(R->s[i].label, R->s[j].label) == 0) {
                char num[32];
                snprintf(num, sizeof num, " #%zu", i + 1);
                size_t len = strlen(R->s[i].label);
                if (len + strlen(num) < sizeof R->s[i].label)
                    memcpy(R->s[i].label + len, num, strlen(num) + 1);
                break;
            }
}

int pb_rep_load(report *R, const char *const *files, size_t n, char *err, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        R->n = i + 1;
        if (series_load(&R->s[i], files[i], R->comps, err, cap) != 0)
            return -1;
    }
    label_series(R);
    return 0;
}

void pb_rep_match_history(report *R)
{
    for (size_t i = 0; i < R->n; i++) {
        pb_machine_id id;
        char err[512];
        R->s[i].hist = R->history && pb_machine_id_of(R->s[i].rs, &id, err, sizeof err) == 0
                     ? pb_history_find(R->history->h, R->history->n, &id) : NULL;
    }
}

void pb_rep_unload(report *R)
{
    for (size_t i = 0; i < R->n; i++)
        series_free(&R->s[i]);
    R->n = 0;
}

/* --- looking rows up ------------------------------------------------------ */

static void case_of(char *buf, size_t cap, const char *comp, const char *impl,
                    const char *scen, int64_t n)
{
    snprintf(buf, cap, "%s/%s/%s/%lld", comp, impl, scen, (long long)n);
}

cell pb_rep_get_cell(const series *s, const char *comp, const char *impl,
                     const char *scen, int64_t n)
{
    cell c = { NULL, NULL, -1, 0, -1, -1 };
    char name[200];
    case_of(name, sizeof name, comp, impl, scen, n);
    for (const pb_result *r = pb_resultset_first(s->rs, name); r;
         r = pb_resultset_next(s->rs, r)) {
        if (r->error) {
            c.err = r;
            continue;
        }
        if (!strcmp(r->aggregate, "median") && r->ns_per_op >= 0)
            c.r = r;
        else if (!strcmp(r->aggregate, "cv"))
            c.cv = r->cv;
        else if (!r->aggregate[0] && r->ns_per_op >= 0) {
            if (!c.r)
                c.r = r;
            if (c.reps == 0 || r->ns_per_op < c.lo)
                c.lo = r->ns_per_op;
            if (c.reps == 0 || r->ns_per_op > c.hi)
                c.hi = r->ns_per_op;
            c.reps++;
        }
    }
    if (c.r)
        c.err = NULL;
    return c;
}

/* Splits "component/impl/scenario/N"; 1 when the name has that shape. */
int pb_rep_parse_case(const char *name, char *comp, char *impl, char *scen,
                      size_t cap, int64_t *n)
{
    const char *p[4];
    p[0] = name;
    for (int i = 1; i < 4; i++) {
        p[i] = strchr(p[i - 1], '/');
        if (!p[i])
            return 0;
        p[i]++;
    }
    if (strchr(p[3], '/') || !isdigit((unsigned char)p[3][0]))
        return 0;
    size_t l0 = (size_t)(p[1] - p[0] - 1), l1 = (size_t)(p[2] - p[1] - 1),
           l2 = (size_t)(p[3] - p[2] - 1);
    if (l0 >= cap || l1 >= cap || l2 >= cap)
        return 0;
    memcpy(comp, p[0], l0);
    comp[l0] = '\0';
    memcpy(impl, p[1], l1);
    impl[l1] = '\0';
    memcpy(scen, p[2], l2);
    scen[l2] = '\0';
    char *end;
    long long v = strtoll(p[3], &end, 10);
    if (*end)
        return 0;
    *n = v;
    return 1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The N measured (for any implementation, in any file) of a scenario,
 * ascending; their count. */
size_t pb_rep_scenario_sizes(const report *R, const char *comp, const char *scen,
                             int64_t *out)
{
    size_t k = 0;
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < pb_resultset_count(R->s[si].rs); i++) {
            const pb_result *r = pb_resultset_at(R->s[si].rs, i);
            char c[96], im[96], sc[96];
            int64_t n;
            if (r->aggregate[0] || !pb_rep_parse_case(r->case_name, c, im, sc, sizeof c, &n))
                continue;
            if (strcmp(c, comp) || strcmp(sc, scen))
                continue;
            int seen = 0;
            for (size_t j = 0; j < k; j++)
                seen |= out[j] == n;
            if (!seen && k < MAX_SIZES)
                out[k++] = n;
        }
    qsort(out, k, sizeof *out, cmp_i64);
    return k;
}

int pb_rep_component_ran(const report *R, const pb_component *c)
{
    for (size_t i = 0; i < R->n; i++) {
        const pb_component_result *cr = pb_analysis_component(R->s[i].an, c->name);
        if (cr ? cr->ran : pb_resultset_has_component(R->s[i].rs, c->name))
            return 1;
    }
    return 0;
}

/* Does series s have a result for both implementations at N? */
static int both_at(const series *s, const char *comp, const char *scen, int64_t n)
{
    return pb_rep_get_cell(s, comp, "naive", scen, n).r &&
           pb_rep_get_cell(s, comp, "optimized", scen, n).r;
}

/* The reference N of a scenario: the largest N measured for both
 * implementations in every file that measured the scenario at all; when
 * no N is common, the largest measured for both in any file; 0 if none. */
int64_t pb_rep_reference_n(const report *R, const char *comp, const char *scen,
                           const int64_t *ns, size_t k)
{
    int has[MAX_SERIES] = { 0 };
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < k && !has[si]; i++)
            has[si] = pb_rep_get_cell(&R->s[si], comp, "naive", scen, ns[i]).r ||
                      pb_rep_get_cell(&R->s[si], comp, "optimized", scen, ns[i]).r;
    for (size_t i = k; i-- > 0;) {
        int ok = 1, any = 0;
        for (size_t si = 0; si < R->n; si++) {
            if (!has[si])
                continue;
            any = 1;
            ok &= both_at(&R->s[si], comp, scen, ns[i]);
        }
        if (any && ok)
            return ns[i];
    }
    for (size_t i = k; i-- > 0;)
        for (size_t si = 0; si < R->n; si++)
            if (both_at(&R->s[si], comp, scen, ns[i]))
                return ns[i];
    return 0;
}

/* "O(N), rms 4%" from the analysis's wall-time fit of a family, then
 * "; instructions O(1), rms 0%" when the file has instruction counts
 * across N; "-" when neither. */
void pb_rep_fmt_fit(char *buf, size_t cap, const series *s, const char *comp,
                    const char *impl, const char *scen)
{
    const pb_scenario_result *sr = pb_analysis_scenario(s->an, comp, scen);
    const pb_component_result *cr = pb_analysis_component(s->an, comp);
    int which = strcmp(impl, "naive") != 0;
    const pb_big_o *f = sr && cr && cr->pair ? &sr->fit[which] : NULL;
    const pb_big_o *in = sr && cr && cr->pair ? &sr->instr_fit[which] : NULL;
    int used = 0;
    buf[0] = '\0';
    if (f && f->big_o) {
        const char *o = strcmp(f->big_o, "(1)") ? f->big_o : "1";
        if (f->rms >= 0)
            used = snprintf(buf, cap, "O(%s), rms %.0f%%", o, f->rms * 100);
        else
            used = snprintf(buf, cap, "O(%s)", o);
    }
    if (used < 0 || (size_t)used >= cap)
        return;
    if (in && in->big_o)
        snprintf(buf + used, cap - (size_t)used, "%sinstructions O(%s), rms %.0f%%",
                 used ? "; " : "", strcmp(in->big_o, "(1)") ? in->big_o : "1",
                 in->rms * 100);
    else if (!used)
        snprintf(buf, cap, "-");
}

/* The analysis of a pair's scenario in one series, or NULL. */
static const pb_scenario_result *pair_scenario(const series *s, const char *comp,
                                               const char *scen)
{
    const pb_component_result *cr = pb_analysis_component(s->an, comp);
    if (!cr || !cr->pair)
        return NULL;
    return pb_analysis_scenario(s->an, comp, scen);
}

/* The crossover of comp/scen as the analysis states it, in words. */
void pb_rep_fmt_crossover(char *buf, size_t cap, const series *s, const char *comp,
                          const char *scen, int shortly)
{
    const pb_scenario_result *sr = pair_scenario(s, comp, scen);
    if (!sr || !sr->shown) {
        snprintf(buf, cap, "-");
        return;
    }
    const pb_crossover *x = &sr->crossover;
    long long n = (long long)x->n, last = (long long)x->last_n;
    if (x->kind == PB_CROSS_ALWAYS)
        snprintf(buf, cap, shortly ? "always" : "always (optimized faster at"
                 " every N measured, up to %lld)", last);
    else if (x->kind == PB_CROSS_FROM && shortly)
        snprintf(buf, cap, "N " "\xe2\x89\xa5" " %lld", n);
    else if (x->kind == PB_CROSS_FROM)
        snprintf(buf, cap, "from N = %lld (optimized faster there and at every"
                 " larger N up to %lld)", n, last);
    else if (x->kind == PB_CROSS_NEVER)
        snprintf(buf, cap, shortly ? "never" : "never (optimized not faster"
                 " at N = %lld)", last);
    else
        snprintf(buf, cap, "-");
}

/* The evaluation of the k-th claim of component comp in one series, or
 * NULL when the component is not in this build or did not run in the file
 * (a component that ran has its claims evaluated: a pair's, and the
 * harness's claims about the whole suite). Claims are matched by position
 * within the component: one claim id can be measured two ways (S-8), so
 * the id alone does not identify one. */
const pb_claim_result *pb_rep_claim_in(const series *s, const char *comp, size_t k)
{
    const pb_component_result *cr = pb_analysis_component(s->an, comp);
    return cr && k < cr->n_claims ? &cr->claims[k] : NULL;
}

verdict pb_rep_verdict_of(const pb_claim_result *claim)
{
    if (!claim)
        return V_NONE;
    return claim->verdict == PB_VERDICT_HOLDS ? V_HOLDS
         : claim->verdict == PB_VERDICT_FAILS ? V_FAILS
         : claim->verdict == PB_VERDICT_INCONCLUSIVE ? V_INCONCLUSIVE : V_UNMEASURED;
}

const char *pb_rep_claim_threshold(const report *R, const char *comp, size_t k,
                                   pb_backend b, char *buf, size_t cap)
{
    for (size_t si = 0; si < R->n; si++) {
        const pb_claim_result *r = pb_rep_claim_in(&R->s[si], comp, k);
        if (r) {
            char measured[PB_CLAIM_TEXT];
            pb_fmt_claim(measured, sizeof measured, buf, cap, r, b);
            return buf;
        }
    }
    return NULL;
}

/* The cells of a pair at N with the analysis's speed-up and trust. */
pair_at pb_rep_pair_of(const series *s, const char *comp, const char *scen, int64_t n)
{
    pair_at p;
    p.nv = pb_rep_get_cell(s, comp, "naive", scen, n);
    p.op = pb_rep_get_cell(s, comp, "optimized", scen, n);
    p.speedup = p.speedup_lo = p.speedup_hi = -1;
    p.untrusted = 0;
    p.pt = NULL;
    const pb_scenario_result *sr = pair_scenario(s, comp, scen);
    for (size_t i = 0; sr && i < sr->n_points; i++)
        if (sr->points[i].n == n) {
            p.pt = &sr->points[i];
            p.speedup = sr->points[i].speedup;
            p.speedup_lo = sr->points[i].speedup_lo;
            p.speedup_hi = sr->points[i].speedup_hi;
            p.untrusted = sr->points[i].untrusted;
        }
    return p;
}
