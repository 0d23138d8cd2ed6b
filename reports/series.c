/*
 * The report's inputs: the results files as series (their rows, read
 * through pb_results_load, their context and "pairbench" analysis block,
 * read with cJSON), and what the writers look up in them: the cell of a
 * case, the N of a scenario, its reference N, fits, crossovers, claims.
 * The writers see the results only through these functions.
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
    const cJSON *v = jget(s->context, key);
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        snprintf(buf, cap, "%g", v->valuedouble);
        return buf;
    }
    return NULL;
}

int pb_rep_ctx_is(const series *s, const char *key, const char *want)
{
    char buf[32];
    const char *v = pb_rep_ctx_text(s, key, buf, sizeof buf);
    return v && strcmp(v, want) == 0;
}

/* Loads one file into *s: its rows (through pb_results_load) and its JSON
 * tree. 0, or -1 with a one-line reason in err. */
static int series_load(series *s, const char *path,
                       const pb_component *const *comps, char *err, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    if (pb_results_load(path, err, cap) != 0)
        return -1;
    /* The analysis of these rows, for a file written without one (plain
     * gbench output, or pairbench --json interrupted before it added it). */
    s->own_block = pb_report_block_new(comps);
    size_t n = pb_results_count();
    s->rows = malloc((n ? n : 1) * sizeof *s->rows);
    if (!s->rows) {
        snprintf(err, cap, "out of memory reading %s", path);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        s->rows[i] = *pb_results_at(i);
    s->n_rows = n;
    pb_results_clear();

    char *raw = pb_read_file(path, err, cap);
    if (!raw)
        return -1;
    char *text = pb_json_sanitize(raw);
    free(raw);
    if (!text) {
        snprintf(err, cap, "out of memory reading %s", path);
        return -1;
    }
    s->root = cJSON_Parse(text);
    free(text);
    s->context = jget(s->root, "context");
    if (!cJSON_IsObject(s->context)) {
        snprintf(err, cap, "%s is not a complete Google Benchmark JSON file"
                 " (malformed or truncated)", path);
        return -1;
    }
    s->block = jget(s->root, "pairbench");
    if (!cJSON_IsObject(s->block))
        s->block = s->own_block;
    s->cv_limit = jnum(s->block, "cv_trust_limit", PB_CV_TRUST_LIMIT);

    /* Repetitions: the most iteration rows any one case has. */
    for (size_t i = 0; i < s->n_rows; i++) {
        if (s->rows[i].aggregate[0])
            continue;
        int k = 0;
        for (size_t j = 0; j < s->n_rows; j++)
            k += !s->rows[j].aggregate[0] &&
                 strcmp(s->rows[j].case_name, s->rows[i].case_name) == 0;
        if (k > s->repetitions)
            s->repetitions = k;
        if (k > 1)
            break;             /* every case of a run has the same count */
    }
    return 0;
}

static void series_free(series *s)
{
    cJSON_Delete(s->root);
    cJSON_Delete(s->own_block);
    free(s->rows);
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

static const pb_result *s_find(const series *s, const char *case_name,
                               const char *aggregate)
{
    for (size_t i = 0; i < s->n_rows; i++)
        if (strcmp(s->rows[i].aggregate, aggregate) == 0 &&
            strcmp(s->rows[i].case_name, case_name) == 0)
            return &s->rows[i];
    return NULL;
}

cell pb_rep_get_cell(const series *s, const char *comp, const char *impl,
                     const char *scen, int64_t n)
{
    cell c = { NULL, NULL, -1, 0, -1, -1 };
    char name[200];
    case_of(name, sizeof name, comp, impl, scen, n);
    for (size_t i = 0; i < s->n_rows; i++) {
        const pb_result *r = &s->rows[i];
        if (strcmp(r->case_name, name) != 0)
            continue;
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
        for (size_t i = 0; i < R->s[si].n_rows; i++) {
            const pb_result *r = &R->s[si].rows[i];
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

static int component_in(const series *s, const char *comp)
{
    size_t len = strlen(comp);
    for (size_t i = 0; i < s->n_rows; i++)
        if (strncmp(s->rows[i].case_name, comp, len) == 0 &&
            s->rows[i].case_name[len] == '/')
            return 1;
    return 0;
}

int pb_rep_component_ran(const report *R, const pb_component *c)
{
    for (size_t i = 0; i < R->n; i++)
        if (component_in(&R->s[i], c->name))
            return 1;
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

/* "O(N) rms 4%" from the BigO and RMS rows of a family; "-" when absent. */
void pb_rep_fmt_fit(char *buf, size_t cap, const series *s, const char *comp,
                    const char *impl, const char *scen)
{
    char fam[200];
    snprintf(fam, sizeof fam, "%s/%s/%s", comp, impl, scen);
    const pb_result *bo = s_find(s, fam, "BigO");
    const pb_result *rms = s_find(s, fam, "RMS");
    if (!bo) {
        snprintf(buf, cap, "-");
        return;
    }
    const char *o = strcmp(bo->big_o, "(1)") ? bo->big_o : "1";
    if (rms && rms->rms >= 0)
        snprintf(buf, cap, "O(%s), rms %.0f%%", o, rms->rms * 100);
    else
        snprintf(buf, cap, "O(%s)", o);
}

/* The crossover of a scenario in one series, in words: from the file's
 * "pairbench" block when it has one, else computed the same way (the
 * smallest N from which optimized is faster at every larger N measured
 * for both). */
/* The crossover of comp/scen as the analysis block states it. */
void pb_rep_fmt_crossover(char *buf, size_t cap, const series *s, const char *comp,
                          const char *scen, int shortly)
{
    const cJSON *x, *xs = jget(s->block, "crossovers");
    cJSON_ArrayForEach(x, xs) {
        const char *c = jstr(x, "component"), *sc = jstr(x, "scenario");
        const char *v = jstr(x, "verdict");
        if (!c || !sc || !v || strcmp(c, comp) || strcmp(sc, scen))
            continue;
        double n = jnum(x, "crossover_n", -1), last = jnum(x, "largest_n", -1);
        if (!strcmp(v, "always"))
            snprintf(buf, cap, shortly ? "always" : "always (optimized faster at"
                     " every N measured, up to %.0f)", last);
        else if (!strcmp(v, "from"))
            snprintf(buf, cap, shortly ? "N " "\xe2\x89\xa5" " %.0f"
                     : "from N = %.0f (optimized faster there and at every"
                       " larger N up to %.0f)", n, last);
        else if (!strcmp(v, "never"))
            snprintf(buf, cap, shortly ? "never" : "never (optimized not faster"
                     " at N = %.0f)", last);
        else
            snprintf(buf, cap, "-");
        return;
    }
    snprintf(buf, cap, "-");
}

/* The evaluation of the k-th claim of component comp in one series (from
 * its "pairbench" block), or NULL. Claims are matched by position within the
 * component, as pb_report_block lists them: one claim id can be measured
 * two ways (S-8), so the id alone does not identify a row. */
const cJSON *pb_rep_claim_in(const series *s, const char *comp, size_t k)
{
    const cJSON *x, *xs = jget(s->block, "claims");
    size_t seen = 0;
    cJSON_ArrayForEach(x, xs) {
        const char *c = jstr(x, "component");
        if (c && !strcmp(c, comp) && seen++ == k)
            return x;
    }
    return NULL;
}

verdict pb_rep_verdict_of(const cJSON *claim)
{
    const char *v = jstr(claim, "verdict");
    if (!v)
        return V_NONE;
    if (!strcmp(v, "holds"))
        return V_HOLDS;
    if (!strcmp(v, "not measured"))
        return V_UNMEASURED;
    return V_FAILS;
}

pair_at pb_rep_pair_of(const series *s, const char *comp, const char *scen, int64_t n)
{
    pair_at p;
    p.nv = pb_rep_get_cell(s, comp, "naive", scen, n);
    p.op = pb_rep_get_cell(s, comp, "optimized", scen, n);
    p.speedup = p.nv.r && p.op.r && p.op.r->ns_per_op > 0
                    ? p.nv.r->ns_per_op / p.op.r->ns_per_op : -1;
    p.untrusted = p.nv.cv > s->cv_limit || p.op.cv > s->cv_limit;
    return p;
}
