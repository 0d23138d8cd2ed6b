/*
 * The report: `pairbench report RESULTS.json [MORE.json ...] [--out DIR]`.
 *
 * Turns result files of `pairbench run` into
 *   DIR/index.html  one self-contained page: an overview (every pair's
 *                   speed-up and allocations at its reference N, the seeds'
 *                   claims that hold and those that do not, the environment
 *                   and its warnings), then per component its anti-pattern
 *                   and fix, its source files, fits, crossovers, claims and
 *                   per scenario a naive-vs-optimized table per N with a
 *                   log-log time chart and an allocations chart. Charts are
 *                   drawn by gnuplot as SVG and inlined; the page has inline
 *                   CSS, no script, no font, image or link outside itself.
 *   DIR/summary.md  the overview as GitHub-flavoured Markdown (a CI job
 *                   summary).
 *
 * With --massif FILE (the MASSIF.json of `pairbench massif`), each component
 * that has heap profiles also gets a "Heap over time (massif)" part: a table
 * of the massif peaks per scenario and, per scenario, a chart of heap
 * against instructions executed with naive and optimized overlaid
 * (id chart-heap-<component>-<scenario>). A malformed or missing massif
 * file is a usage failure like a results file.
 *
 * Several files are several series: one column per file in every table
 * (labelled by its allocator, context.allocator, plus the file name when
 * two share one) and one line per file and implementation in the charts.
 * With repetitions the tables show the median with the min..max of the
 * repetitions and the cv, and the time chart draws min..max as error bars.
 *
 * Rows come from pb_results_load (each file in turn, copied out, as
 * results.c holds one file at a time); the context and the "pairbench"
 * analysis block (claims, crossovers) are read with cJSON.
 *
 * Failure contract: a missing, malformed or truncated file, bad usage or an
 * unwritable DIR print one line and return 2 before anything is written;
 * gnuplot missing or failing prints one line and returns 1. The page and
 * the summary are built in memory and written to DIR/.index.html.tmp.PID
 * and DIR/.summary.md.tmp.PID, renamed into place only when both are
 * complete: a failed report never leaves a half-written one and never
 * touches a previous one.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "model/model.h"
#include "report.h"

extern char **environ;

#define MAX_SERIES  PB_REPORT_MAX_FILES
#define MAX_SIZES   64         /* distinct N of one scenario */

/* UTF-8 glyphs, as separate literals so no hex escape swallows a letter. */
#define ARROW  "\xe2\x86\x92"  /* → */
#define TIMES  "\xc3\x97"      /* × */
#define MICRO  "\xc2\xb5"      /* µ */
#define NDASH  "\xe2\x80\x93"  /* – */

/* --- a growable string ---------------------------------------------------- */

/* Appends never fail loudly: on out of memory `oom` is set and later
 * appends are ignored; the caller checks oom once at the end. */
typedef struct sbuf {
    char  *p;
    size_t len, cap;
    int    oom;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_putn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_putn(b, big, (size_t)n);
    free(big);
}

static void sb_free(sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Text as HTML character data or attribute value. */
static void sb_html(sbuf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        sb_putn(b, run, (size_t)(s - run));
        sb_puts(b, rep);
        run = s + 1;
    }
    sb_putn(b, run, (size_t)(s - run));
}

/* Text inside a Markdown table cell: no line breaks, no cell separators,
 * no HTML, no emphasis or code markers. */
static void sb_md(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '|': case '\\': case '*': case '`': case '<': case '[': case ']':
            sb_putn(b, "\\", 1);
            sb_putn(b, s, 1);
            break;
        case '\n': case '\r': case '\t':
            sb_putn(b, " ", 1);
            break;
        default:
            sb_putn(b, s, 1);
        }
    }
}

/* --- number formats ------------------------------------------------------- */

/* Time from ns, three significant digits ("48.1 ns", "2.28 µs"); "-" when
 * absent (negative). */
static void fmt_time(char *buf, size_t cap, double ns)
{
    if (!(ns >= 0) || !isfinite(ns)) {
        snprintf(buf, cap, "-");
        return;
    }
    const char *unit = "ns";
    double v = ns;
    if (ns >= 1e9) {
        v = ns / 1e9;
        unit = "s";
    } else if (ns >= 1e6) {
        v = ns / 1e6;
        unit = "ms";
    } else if (ns >= 1e3) {
        v = ns / 1e3;
        unit = MICRO "s";
    }
    snprintf(buf, cap, v >= 99.95 ? "%.0f %s" : v >= 9.995 ? "%.1f %s" : "%.2f %s",
             v, unit);
}

static void fmt_bytes(char *buf, size_t cap, double b)
{
    if (!(b >= 0) || !isfinite(b))
        snprintf(buf, cap, "-");
    else if (b < 1024)
        snprintf(buf, cap, "%.0f B", b);
    else if (b < 1024.0 * 1024)
        snprintf(buf, cap, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", b / (1024.0 * 1024));
    else
        snprintf(buf, cap, "%.2f GiB", b / (1024.0 * 1024 * 1024));
}

static void fmt_count(char *buf, size_t cap, double v)
{
    if (!(v >= 0) || !isfinite(v))
        snprintf(buf, cap, "-");
    else if (v >= 1e4)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.3g", v);
}

static void fmt_ratio(char *buf, size_t cap, double r)
{
    if (!(r >= 0) || !isfinite(r))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, r >= 99.5 ? "%.0f" TIMES : r >= 9.95 ? "%.1f" TIMES
                                                                 : "%.2f" TIMES, r);
}

/* "2 → 0 (100% fewer)": a count per op, naive then optimized. */
static void fmt_reduction(char *buf, size_t cap, double a, double b)
{
    char sa[32], sb[32];
    fmt_count(sa, sizeof sa, a);
    fmt_count(sb, sizeof sb, b);
    if (a < 0 && b < 0)
        snprintf(buf, cap, "-");
    else if (a < 0 || b < 0)
        snprintf(buf, cap, "%s " ARROW " %s", sa, sb);
    else if (a == b)
        snprintf(buf, cap, "%s " ARROW " %s (same)", sa, sb);
    else if (a == 0)
        snprintf(buf, cap, "%s " ARROW " %s (more)", sa, sb);
    else if (b < a && b > 0 && (1 - b / a) * 100 >= 99.5)
        snprintf(buf, cap, "%s " ARROW " %s (%.1f%% fewer)", sa, sb,
                 fmin((1 - b / a) * 100, 99.9));
    else if (b < a)
        snprintf(buf, cap, "%s " ARROW " %s (%.0f%% fewer)", sa, sb, (1 - b / a) * 100);
    else
        snprintf(buf, cap, "%s " ARROW " %s (%.0f%% more)", sa, sb, (b / a - 1) * 100);
}

static void fmt_n(char *buf, size_t cap, int64_t n)
{
    if (n >= 1000000 && n % 1000000 == 0)
        snprintf(buf, cap, "%lldM", (long long)(n / 1000000));
    else if (n >= 1000 && n % 1000 == 0)
        snprintf(buf, cap, "%lldk", (long long)(n / 1000));
    else
        snprintf(buf, cap, "%lld", (long long)n);
}

/* --- the results files ---------------------------------------------------- */

typedef struct series {
    const char   *path;
    char          label[64];        /* allocator, + file name when shared */
    cJSON        *root;             /* the whole file */
    const cJSON  *context;          /* borrowed from root */
    const cJSON  *block;            /* the "pairbench" object */
    cJSON        *own_block;        /* computed here when the file had none */
    pb_result    *rows;
    size_t        n_rows;
    int           repetitions;      /* most iteration rows of one case */
    double        cv_limit;
} series;

typedef struct report {
    series                     s[MAX_SERIES];
    size_t                     n;
    const pb_component *const *comps;
    const char                *massif_path;   /* --massif, or NULL */
    cJSON                     *massif;        /* its parsed MASSIF.json */
} report;

static const cJSON *jget(const cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* A context value as text (strings as they are, numbers and booleans
 * printed into buf); NULL when absent. */
static const char *ctx_text(const series *s, const char *key, char *buf, size_t cap)
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

static int ctx_is(const series *s, const char *key, const char *want)
{
    char buf[32];
    const char *v = ctx_text(s, key, buf, sizeof buf);
    return v && strcmp(v, want) == 0;
}

/* Reads a whole file; NULL with a reason in err. Caller frees. */
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

/* One case in one series: the row standing for it (median when repeated,
 * else the single run), its cv, the min..max of its repetitions, and an
 * error row when it failed. */
typedef struct cell {
    const pb_result *r;
    const pb_result *err;
    double           cv;         /* -1 when not repeated */
    int              reps;       /* successful repetitions */
    double           lo, hi;     /* min..max time per op over them */
} cell;

static cell get_cell(const series *s, const char *comp, const char *impl,
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
static int parse_case(const char *name, char *comp, char *impl, char *scen,
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
static size_t scenario_sizes(const report *R, const char *comp, const char *scen,
                             int64_t *out)
{
    size_t k = 0;
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < R->s[si].n_rows; i++) {
            const pb_result *r = &R->s[si].rows[i];
            char c[96], im[96], sc[96];
            int64_t n;
            if (r->aggregate[0] || !parse_case(r->case_name, c, im, sc, sizeof c, &n))
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

static int component_ran(const report *R, const pb_component *c)
{
    for (size_t i = 0; i < R->n; i++)
        if (component_in(&R->s[i], c->name))
            return 1;
    return 0;
}

/* Does series s have a result for both implementations at N? */
static int both_at(const series *s, const char *comp, const char *scen, int64_t n)
{
    return get_cell(s, comp, "naive", scen, n).r &&
           get_cell(s, comp, "optimized", scen, n).r;
}

/* The reference N of a scenario: the largest N measured for both
 * implementations in every file that measured the scenario at all; when
 * no N is common, the largest measured for both in any file; 0 if none. */
static int64_t reference_n(const report *R, const char *comp, const char *scen,
                           const int64_t *ns, size_t k)
{
    int has[MAX_SERIES] = { 0 };
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < k && !has[si]; i++)
            has[si] = get_cell(&R->s[si], comp, "naive", scen, ns[i]).r ||
                      get_cell(&R->s[si], comp, "optimized", scen, ns[i]).r;
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
static void fmt_fit(char *buf, size_t cap, const series *s, const char *comp,
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
static void fmt_crossover(char *buf, size_t cap, const series *s, const char *comp,
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
static const cJSON *claim_in(const series *s, const char *comp, size_t k)
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

typedef enum { V_NONE, V_HOLDS, V_FAILS, V_UNMEASURED } verdict;

static verdict verdict_of(const cJSON *claim)
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

/* --- warnings ------------------------------------------------------------- */

#define MAX_WARN 32

/* Warnings, each with the set of series it applies to. */
typedef struct warnings {
    char     text[MAX_WARN][512];
    unsigned mask[MAX_WARN];
    size_t   n;
} warnings;

/* Adds a warning for one series (or merges it with the same text);
 * returns its index, or -1 when the list is full. */
__attribute__((format(printf, 3, 4)))
static int warn_add(warnings *w, size_t series_index, const char *fmt, ...)
{
    char t[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->text[i], t) == 0) {
            w->mask[i] |= 1u << series_index;
            return (int)i;
        }
    if (w->n == MAX_WARN)
        return -1;
    memcpy(w->text[w->n], t, sizeof t);
    w->mask[w->n] = 1u << series_index;
    return (int)w->n++;
}

/* Rows whose cv is above the trust limit, as "comp/impl/scen/N (cv 12%)". */
static void untrusted_rows(const series *s, char *buf, size_t cap, size_t *count)
{
    size_t used = 0, shown = 0;
    *count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_rows; i++) {
        const pb_result *r = &s->rows[i];
        if (strcmp(r->aggregate, "cv") || !(r->cv > s->cv_limit))
            continue;
        (*count)++;
        if (shown < 6 && used < cap) {
            used += (size_t)snprintf(buf + used, cap - used, "%s%s (cv %.0f%%)",
                                     shown ? ", " : "", r->case_name, r->cv * 100);
            shown++;
        }
    }
    if (*count > shown && used < cap)
        snprintf(buf + used, cap - used, " and %zu more", *count - shown);
}

static void collect_warnings(const report *R, warnings *w)
{
    for (size_t i = 0; i < R->n; i++) {
        const series *s = &R->s[i];
        char buf[64];
        if (ctx_is(s, "library_build_type", "debug"))
            warn_add(w, i, "Google Benchmark itself was built as debug (without"
                     " NDEBUG). Its bookkeeping runs once per batch, so times per"
                     " operation are barely affected, but a release build of the"
                     " library is the reference.");
        if (ctx_is(s, "cpu_scaling_enabled", "true"))
            warn_add(w, i, "CPU frequency scaling was enabled: times vary with the"
                     " clock; set the governor to performance for stable numbers.");
        if (ctx_is(s, "alloc_tracking", "off"))
            warn_add(w, i, "Allocation tracking was off (a sanitizer build): no"
                     " allocation counts, bytes or peak heap.");
        if (ctx_is(s, "quick", "true"))
            warn_add(w, i, "Numbers from a short pass (--quick: 0.01 s of measured"
                     " time per case): indicative only, not for publishing.");
        const char *bt = ctx_text(s, "build_type", buf, sizeof buf);
        if (bt && (strstr(bt, "san") || strstr(bt, "Debug") || strstr(bt, "debug")))
            warn_add(w, i, "pairbench was built as %s: timings are not"
                     " representative of an optimized build.", bt);
        const cJSON *load = jget(s->context, "load_avg");
        double cpus = jnum(s->context, "num_cpus", 0);
        if (cJSON_IsArray(load) && cJSON_IsNumber(cJSON_GetArrayItem(load, 0)) &&
            cpus > 0 && cJSON_GetArrayItem(load, 0)->valuedouble >= cpus)
            warn_add(w, i, "The machine was busy: load average %.2f on %.0f CPUs"
                     " when the run started.",
                     cJSON_GetArrayItem(load, 0)->valuedouble, cpus);
        if (s->block == s->own_block)
            warn_add(w, i, "No \"pairbench\" analysis block in the file (not"
                     " written by pairbench run): the analysis was redone from its"
                     " rows with this build's claims.");
        size_t count;
        char rows[1024];
        untrusted_rows(s, rows, sizeof rows, &count);
        if (count)
            warn_add(w, i, "%zu case%s vary more than the trust limit (cv above"
                     " %.0f%% over the repetitions): %s. Run again or with more"
                     " repetitions before believing %s.", count,
                     count == 1 ? "" : "s", s->cv_limit * 100, rows,
                     count == 1 ? "it" : "them");
    }
    /* Files that do not belong together. */
    static const char *const same[] = { "host_name", "git_revision", "build_type" };
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        for (size_t i = 1; i < R->n; i++) {
            const char *a = jstr(R->s[0].context, same[k]);
            const char *b = jstr(R->s[i].context, same[k]);
            if (a && b && strcmp(a, b)) {
                int at = warn_add(w, 0, "The files differ in %s (%s vs %s):"
                                  " differences between the columns are not only"
                                  " the allocator's.", same[k], a, b);
                if (at >= 0)
                    w->mask[at] = (1u << R->n) - 1;
                break;
            }
        }
    /* Components this build does not know. */
    char unknown[256] = "";
    for (size_t i = 0; i < R->n; i++)
        for (size_t j = 0; j < R->s[i].n_rows; j++) {
            char c[96], im[96], sc[96];
            int64_t n;
            if (!parse_case(R->s[i].rows[j].case_name, c, im, sc, sizeof c, &n))
                continue;
            int known = 0;
            for (size_t k = 0; R->comps[k]; k++)
                known |= strcmp(R->comps[k]->name, c) == 0;
            char tok[100];
            snprintf(tok, sizeof tok, " %s ", c);
            char hay[260];
            snprintf(hay, sizeof hay, " %s ", unknown);
            if (!known && !strstr(hay, tok) && strlen(unknown) + strlen(c) + 2 < sizeof unknown)
                snprintf(unknown + strlen(unknown), sizeof unknown - strlen(unknown),
                         "%s%s", unknown[0] ? " " : "", c);
        }
    if (unknown[0]) {
        int at = warn_add(w, 0, "The results hold components this build of"
                          " pairbench does not know (%s): they are left out.",
                          unknown);
        if (at >= 0)
            w->mask[at] = (1u << R->n) - 1;
    }
}

/* "glibc, jemalloc: " when a warning applies to some of several series. */
static void warn_prefix(const report *R, unsigned mask, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (R->n < 2 || mask == (1u << R->n) - 1)
        return;
    size_t used = 0;
    for (size_t i = 0; i < R->n && used < cap; i++)
        if (mask & (1u << i))
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "",
                                     R->s[i].label);
    if (used < cap)
        snprintf(buf + used, cap - used, ": ");
}

/* --- heap profiles (--massif) ---------------------------------------------- */

/* Loads the MASSIF.json of `pairbench massif` into R->massif: its context
 * must say kind "pairbench-massif" and every case must have string name,
 * component, impl, scenario, a number peak_heap_bytes and a snapshots
 * array of [time, bytes] pairs. 0, or -1 with a one-line reason in err. */
static int massif_load(report *R, const char *path, char *err, size_t cap)
{
    char *text = pb_read_file(path, err, cap);
    if (!text)
        return -1;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *ctx = jget(root, "context");
    const char *kind = jstr(ctx, "kind");
    const cJSON *cases = jget(root, "cases");
    if (!root || !kind || strcmp(kind, "pairbench-massif") != 0 ||
        !cJSON_IsArray(cases)) {
        snprintf(err, cap, "%s is not a MASSIF.json of 'pairbench massif'%s", path,
                 root ? "" : " (malformed or truncated JSON)");
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const cJSON *snaps = jget(c, "snapshots"), *pt;
        int ok = jstr(c, "name") && jstr(c, "component") && jstr(c, "impl") &&
                 jstr(c, "scenario") && cJSON_IsNumber(jget(c, "peak_heap_bytes")) &&
                 cJSON_IsArray(snaps);
        if (ok)
            cJSON_ArrayForEach(pt, snaps)
                ok &= cJSON_IsArray(pt) && cJSON_GetArraySize(pt) == 2 &&
                      cJSON_IsNumber(cJSON_GetArrayItem(pt, 0)) &&
                      cJSON_IsNumber(cJSON_GetArrayItem(pt, 1));
        if (!ok) {
            const char *name = jstr(c, "name");
            snprintf(err, cap, "%s: case %s lacks name, component, impl, scenario,"
                     " peak_heap_bytes or [time, bytes] snapshots", path,
                     name ? name : "(unnamed)");
            cJSON_Delete(root);
            return -1;
        }
    }
    R->massif_path = path;
    R->massif = root;
    return 0;
}

/* The massif case of (component, impl, scenario), or NULL. */
static const cJSON *massif_case(const report *R, const char *comp, const char *impl,
                                const char *scen)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, jget(R->massif, "cases"))
        if (!strcmp(jstr(c, "component"), comp) && !strcmp(jstr(c, "impl"), impl) &&
            !strcmp(jstr(c, "scenario"), scen))
            return c;
    return NULL;
}

/* 1 when the scenario has a massif profile of naive or optimized. */
static int massif_has(const report *R, const char *comp, const char *scen)
{
    return R->massif && (massif_case(R, comp, "naive", scen) ||
                         massif_case(R, comp, "optimized", scen));
}

static int massif_has_component(const report *R, const pb_component *c)
{
    for (size_t s = 0; s < c->n_scenarios; s++)
        if (massif_has(R, c->name, c->scenarios[s].name))
            return 1;
    return 0;
}

/* --- charts --------------------------------------------------------------- */

typedef struct chart {
    char   id[200];          /* chart-time-<component>-<scenario> */
    char   title[200];
    size_t off, len;         /* its SVG in the gnuplot output */
} chart;

typedef struct charts {
    chart *c;
    size_t n, cap;
    sbuf   script;
    sbuf   svg;              /* gnuplot's output: one document per chart */
} charts;

/* Text for a gnuplot double-quoted string (noenhanced): printable ASCII
 * without quotes or backslashes. */
static void sb_gp(sbuf *b, const char *s)
{
    for (; *s; s++)
        sb_putn(b, (*s >= 32 && *s < 127 && *s != '"' && *s != '\\') ? s : "_", 1);
}

static chart *chart_new(charts *C, const char *kind, const char *comp,
                        const char *scen, const char *what)
{
    if (C->n == C->cap) {
        size_t cap = C->cap ? C->cap * 2 : 32;
        chart *p = realloc(C->c, cap * sizeof *p);
        if (!p) {
            C->script.oom = 1;
            return NULL;
        }
        C->c = p;
        C->cap = cap;
    }
    chart *ch = &C->c[C->n++];
    memset(ch, 0, sizeof *ch);
    snprintf(ch->id, sizeof ch->id, "chart-%s-%s-%s", kind, comp, scen);
    snprintf(ch->title, sizeof ch->title, "%s/%s: %s", comp, scen, what);
    return ch;
}

/* Common chart set-up: title, N on a log axis with a tic at every N. */
static void gp_begin(sbuf *g, const chart *ch, const int64_t *ns, size_t k)
{
    sb_puts(g, "reset\nset encoding utf8\nset micro\n");
    sb_puts(g, "set title \"");
    sb_gp(g, ch->title);
    sb_puts(g, "\"\nset xlabel \"N\"\nset logscale x 10\nset xtics (");
    for (size_t i = 0; i < k; i++) {
        char t[32];
        fmt_n(t, sizeof t, ns[i]);
        sb_printf(g, "%s\"%s\" %lld", i ? ", " : "", t, (long long)ns[i]);
    }
    sb_printf(g, ")\nset xrange [%g:%g]\n", (double)ns[0] / 1.6,
              (double)ns[k - 1] * 1.6);
    sb_puts(g, "set border 3\nset tics nomirror\nset grid lc rgb \"#e2e2e2\"\n"
               "set key below horizontal\nset bars small\n");
}

static void gp_no_data_note(sbuf *g, const char *words)
{
    sb_puts(g, "unset border\nunset tics\nunset key\nunset grid\nunset logscale\n"
               "unset xlabel\nset xrange [0:1]\nset yrange [0:1]\nset label 1 \"");
    sb_gp(g, words);
    sb_puts(g, "\" at graph 0.5,0.5 center\nplot 2 notitle\n");
}

static const char *const impl_names[2] = { "naive", "optimized" };
static const char *const impl_colors[2] = { "#c0392b", "#1f6fb4" };
static const int point_types[5] = { 7, 5, 9, 11, 13 };

/* The log-log time chart of one scenario: per series and implementation
 * the median time per op against N, with min..max error bars when the
 * series has repetitions. */
static void chart_time(charts *C, const report *R, const pb_component *c,
                       const pb_scenario *sc, const int64_t *ns, size_t k)
{
    chart *ch = chart_new(C, "time", c->name, sc->name, "time per operation");
    if (!ch)
        return;
    sbuf *g = &C->script;
    size_t idx = C->n - 1;
    gp_begin(g, ch, ns, k);
    sbuf plot = { 0 };
    for (size_t si = 0; si < R->n; si++)
        for (int im = 0; im < 2; im++) {
            int points = 0;
            sb_printf(g, "$t%zu_%zu_%d << EOD\n", idx, si, im);
            for (size_t i = 0; i < k; i++) {
                cell x = get_cell(&R->s[si], c->name, impl_names[im], sc->name, ns[i]);
                if (!x.r || !(x.r->ns_per_op > 0))
                    continue;
                double lo = x.reps > 1 && x.lo > 0 ? x.lo : x.r->ns_per_op;
                double hi = x.reps > 1 && x.hi > 0 ? x.hi : x.r->ns_per_op;
                sb_printf(g, "%lld %.6g %.6g %.6g\n", (long long)ns[i],
                          x.r->ns_per_op * 1e-9, lo * 1e-9, hi * 1e-9);
                points++;
            }
            sb_puts(g, "EOD\n");
            if (!points)
                continue;
            sb_printf(&plot, "%s$t%zu_%zu_%d using 1:2%s with %s lw 2 lc rgb \"%s\""
                      " dt %zu pt %d ps 0.8 title \"%s", plot.len ? ", " : "", idx, si,
                      im, R->s[si].repetitions > 1 ? ":3:4" : "",
                      R->s[si].repetitions > 1 ? "yerrorlines" : "linespoints",
                      impl_colors[im], si % 4 + 1, point_types[si % 5], impl_names[im]);
            if (R->n > 1) {
                sb_puts(&plot, ", ");
                sb_gp(&plot, R->s[si].label);
            }
            sb_puts(&plot, "\"");
        }
    if (plot.oom)
        g->oom = 1;
    if (plot.len) {
        sb_puts(g, "set logscale y 10\nset format y \"%.0s %cs\"\n"
                   "set ylabel \"time per operation (log scale)\"\nplot ");
        sb_putn(g, plot.p, plot.len);
        sb_puts(g, "\n");
    } else {
        gp_no_data_note(g, "no time measured for this scenario");
    }
    sb_free(&plot);
}

/* The allocations chart of one scenario: allocations per op against N (log
 * N; log y only when every value is positive and they span 20x). */
static void chart_allocs(charts *C, const report *R, const pb_component *c,
                         const pb_scenario *sc, const int64_t *ns, size_t k)
{
    chart *ch = chart_new(C, "allocs", c->name, sc->name, "allocations per operation");
    if (!ch)
        return;
    sbuf *g = &C->script;
    size_t idx = C->n - 1;
    gp_begin(g, ch, ns, k);
    sbuf plot = { 0 };
    double lo = -1, hi = -1;
    for (size_t si = 0; si < R->n; si++)
        for (int im = 0; im < 2; im++) {
            int points = 0;
            sb_printf(g, "$a%zu_%zu_%d << EOD\n", idx, si, im);
            for (size_t i = 0; i < k; i++) {
                cell x = get_cell(&R->s[si], c->name, impl_names[im], sc->name, ns[i]);
                if (!x.r || x.r->allocs_per_op < 0)
                    continue;
                double v = x.r->allocs_per_op;
                sb_printf(g, "%lld %.6g\n", (long long)ns[i], v);
                if (lo < 0 || v < lo)
                    lo = v;
                if (v > hi)
                    hi = v;
                points++;
            }
            sb_puts(g, "EOD\n");
            if (!points)
                continue;
            sb_printf(&plot, "%s$a%zu_%zu_%d using 1:2 with linespoints lw 2"
                      " lc rgb \"%s\" dt %zu pt %d ps 0.8 title \"%s",
                      plot.len ? ", " : "", idx, si, im, impl_colors[im], si % 4 + 1,
                      point_types[si % 5], impl_names[im]);
            if (R->n > 1) {
                sb_puts(&plot, ", ");
                sb_gp(&plot, R->s[si].label);
            }
            sb_puts(&plot, "\"");
        }
    if (plot.oom)
        g->oom = 1;
    if (plot.len) {
        if (lo > 0 && hi / lo >= 20)
            sb_puts(g, "set logscale y 10\nset format y \"%g\"\n");
        else
            sb_printf(g, "set yrange [0:%g]\n", hi > 0 ? hi * 1.15 : 1.0);
        if (hi == 0)
            sb_puts(g, "set label 1 \"no allocation in the measured region, at"
                       " any N\" at graph 0.5,0.6 center\n");
        sb_puts(g, "set ylabel \"allocations per operation\"\nplot ");
        sb_putn(g, plot.p, plot.len);
        sb_puts(g, "\n");
    } else {
        gp_no_data_note(g, "no allocation counts in these results"
                          " (allocation tracking was off)");
    }
    sb_free(&plot);
}

/* The heap-over-time chart of one scenario from its massif profiles: heap
 * (massif's mem_heap_B, KiB) against millions of instructions executed,
 * naive and optimized overlaid, each peak marked. */
static void chart_heap(charts *C, const report *R, const pb_component *c,
                       const pb_scenario *sc)
{
    char what[96];
    const cJSON *any = massif_case(R, c->name, "naive", sc->name);
    if (!any)
        any = massif_case(R, c->name, "optimized", sc->name);
    snprintf(what, sizeof what, "heap over time (massif, N = %.0f)",
             jnum(any, "n", 0));
    chart *ch = chart_new(C, "heap", c->name, sc->name, what);
    if (!ch)
        return;
    sbuf *g = &C->script;
    size_t idx = C->n - 1;
    sb_puts(g, "reset\nset encoding utf8\nset title \"");
    sb_gp(g, ch->title);
    sb_puts(g, "\"\nset xlabel \"time (millions of instructions executed, under"
               " valgrind)\"\nset ylabel \"heap (KiB)\"\nset yrange [0:*]\n"
               "set xrange [0:*]\nset border 3\nset tics nomirror\n"
               "set grid lc rgb \"#e2e2e2\"\nset key below horizontal\n");
    sbuf plot = { 0 };
    for (int im = 0; im < 2; im++) {
        const cJSON *mc = massif_case(R, c->name, impl_names[im], sc->name);
        if (!mc)
            continue;
        const cJSON *pt;
        sb_printf(g, "$h%zu_%d << EOD\n", idx, im);
        cJSON_ArrayForEach(pt, jget(mc, "snapshots"))
            sb_printf(g, "%.6g %.6g\n", cJSON_GetArrayItem(pt, 0)->valuedouble / 1e6,
                      cJSON_GetArrayItem(pt, 1)->valuedouble / 1024);
        sb_printf(g, "EOD\n$p%zu_%d << EOD\n%.6g %.6g\nEOD\n", idx, im,
                  jnum(mc, "peak_time", 0) / 1e6, jnum(mc, "peak_heap_bytes", 0) / 1024);
        char peak[32];
        fmt_bytes(peak, sizeof peak, jnum(mc, "peak_heap_bytes", -1));
        sb_printf(&plot, "%s$h%zu_%d using 1:2 with lines lw 2 lc rgb \"%s\""
                  " dt %d title \"%s (peak %s)\", $p%zu_%d using 1:2 with points"
                  " pt 7 ps 1 lc rgb \"%s\" notitle", plot.len ? ", " : "", idx, im,
                  impl_colors[im], im + 1, impl_names[im], peak, idx, im,
                  impl_colors[im]);
    }
    if (plot.oom)
        g->oom = 1;
    if (plot.len) {
        sb_puts(g, "plot ");
        sb_putn(g, plot.p, plot.len);
        sb_puts(g, "\n");
    } else {
        gp_no_data_note(g, "no massif profile for this scenario");
    }
    sb_free(&plot);
}

/* Last non-empty line of a stream, into buf. */
static void last_line(FILE *f, char *buf, size_t cap)
{
    char line[512];
    buf[0] = '\0';
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        while (len && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        const char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p)
            snprintf(buf, cap, "%s", p);
    }
}

/* Runs gnuplot on the script, its standard output into out. 0, or 1 after
 * printing one line (gnuplot missing, failing, or no temporary file). */
static int run_gnuplot(const sbuf *script, sbuf *out)
{
    int rc = 1;
    int pipefd[2] = { -1, -1 };
    FILE *in = tmpfile(), *err = tmpfile();
    if (!in || !err) {
        fprintf(stderr, "pairbench: cannot create a temporary file for gnuplot: %s\n",
                strerror(errno));
        goto done;
    }
    if (fwrite(script->p, 1, script->len, in) != script->len || fflush(in) != 0 ||
        lseek(fileno(in), 0, SEEK_SET) != 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
        fprintf(stderr, "pairbench: cannot prepare gnuplot's input: %s\n",
                strerror(errno));
        goto done;
    }
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        fprintf(stderr, "pairbench: cannot start gnuplot: out of memory\n");
        goto done;
    }
    posix_spawn_file_actions_adddup2(&fa, fileno(in), 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
    char arg0[] = "gnuplot";
    char *args[] = { arg0, NULL };
    pid_t pid;
    int e = posix_spawnp(&pid, "gnuplot", &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (e != 0) {
        if (e == ENOENT)
            fprintf(stderr, "pairbench: gnuplot not found: install Debian's"
                    " gnuplot-nox (scripts/install-deps.sh)\n");
        else
            fprintf(stderr, "pairbench: cannot run gnuplot: %s\n", strerror(e));
        goto done;
    }
    char chunk[65536];
    for (;;) {
        ssize_t k = read(pipefd[0], chunk, sizeof chunk);
        if (k > 0)
            sb_putn(out, chunk, (size_t)k);
        else if (k == 0 || errno != EINTR)
            break;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[512];
        last_line(err, why, sizeof why);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !why[0])
            fprintf(stderr, "pairbench: gnuplot not found: install Debian's"
                    " gnuplot-nox (scripts/install-deps.sh)\n");
        else if (WIFEXITED(status))
            fprintf(stderr, "pairbench: gnuplot failed (exit %d)%s%s\n",
                    WEXITSTATUS(status), why[0] ? ": " : "", why);
        else
            fprintf(stderr, "pairbench: gnuplot was killed by signal %d\n",
                    WTERMSIG(status));
        goto done;
    }
    if (out->oom) {
        fprintf(stderr, "pairbench: out of memory reading gnuplot's charts\n");
        goto done;
    }
    rc = 0;
done:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (in)
        fclose(in);
    if (err)
        fclose(err);
    return rc;
}

/* Draws every chart of the report: one gnuplot process for all of them,
 * its output split into one SVG document per chart. 0, or 1 after one
 * line on stderr. */
static int draw_charts(charts *C, const report *R)
{
    sbuf *g = &C->script;
    sb_puts(g, "set terminal svg size 580,360 fixed noenhanced font \"sans-serif,11\""
               " background rgb \"white\"\nset output\n");
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_is_pair(comp) || !component_ran(R, comp))
            continue;
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            int64_t ns[MAX_SIZES];
            size_t k = scenario_sizes(R, comp->name, comp->scenarios[s].name, ns);
            if (!k)
                continue;
            chart_time(C, R, comp, &comp->scenarios[s], ns, k);
            chart_allocs(C, R, comp, &comp->scenarios[s], ns, k);
        }
        for (size_t s = 0; s < comp->n_scenarios; s++)
            if (massif_has(R, comp->name, comp->scenarios[s].name))
                chart_heap(C, R, comp, &comp->scenarios[s]);
    }
    if (g->oom) {
        fprintf(stderr, "pairbench: out of memory writing the charts\n");
        return 1;
    }
    if (C->n == 0)
        return 0;
    if (run_gnuplot(g, &C->svg) != 0)
        return 1;
    size_t at = 0, found = 0;
    const char *text = C->svg.p ? C->svg.p : "";
    while (found < C->n) {
        const char *start = strstr(text + at, "<svg");
        const char *end = start ? strstr(start, "</svg>") : NULL;
        if (!end)
            break;
        C->c[found].off = (size_t)(start - text);
        C->c[found].len = (size_t)(end + 6 - start);
        at = (size_t)(end + 6 - text);
        found++;
    }
    if (found != C->n) {
        fprintf(stderr, "pairbench: gnuplot drew %zu of %zu charts\n", found, C->n);
        return 1;
    }
    return 0;
}

static const chart *chart_find(const charts *C, const char *id)
{
    for (size_t i = 0; i < C->n; i++)
        if (strcmp(C->c[i].id, id) == 0)
            return &C->c[i];
    return NULL;
}

typedef struct span {
    const char *p;
    size_t      n;
} span;

static int id_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' || ch == ':';
}

/* Inlines one gnuplot SVG document into the page: without its namespace
 * attributes (HTML puts <svg> in the SVG namespace itself), xlink:href as
 * href, its title as the chart's, and every id and reference to it
 * prefixed with "c<index>-" so that ids stay unique across charts. */
static void sb_svg(sbuf *b, const char *svg, size_t len, size_t index,
                   const char *title)
{
    const char *end = svg + len;
    const char *gt = memchr(svg, '>', len);
    if (!gt)
        return;
    span ids[256];
    size_t n_ids = 0;
    for (const char *p = svg + 1; p + 4 < end; p++) {
        if (!isspace((unsigned char)p[-1]) || strncmp(p, "id=", 3) ||
            (p[3] != '\'' && p[3] != '"'))
            continue;
        const char *q = p + 4;
        const char *close = memchr(q, p[3], (size_t)(end - q));
        if (close && n_ids < sizeof ids / sizeof ids[0])
            ids[n_ids++] = (span){ q, (size_t)(close - q) };
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "c%zu-", index);

    /* The opening tag, without xmlns attributes. */
    sb_puts(b, "<svg role=\"img\" aria-label=\"");
    sb_html(b, title);
    sb_puts(b, "\"");
    for (const char *q = svg + 4; q < gt;) {
        if (isspace((unsigned char)*q) && q + 6 < gt && !strncmp(q + 1, "xmlns", 5)) {
            const char *eq = memchr(q, '=', (size_t)(gt - q));
            const char *close = eq && eq + 2 < gt ? memchr(eq + 2, eq[1], (size_t)(gt - eq - 2)) : NULL;
            if (!close)
                break;
            q = close + 1;
            continue;
        }
        sb_putn(b, isspace((unsigned char)*q) ? " " : q, 1);
        q++;
    }
    sb_puts(b, ">");

    const char *run = gt + 1;
    for (const char *p = gt + 1; p < end; p++) {
        if (*p == '<' && !strncmp(p, "<title>Gnuplot</title>", 22)) {
            sb_putn(b, run, (size_t)(p - run));
            sb_puts(b, "<title>");
            sb_html(b, title);
            sb_puts(b, "</title>");
            p += 21;
            run = p + 1;
        } else if (*p == 'x' && !strncmp(p, "xlink:href=", 11)) {
            sb_putn(b, run, (size_t)(p - run));
            sb_puts(b, "href=");
            p += 10;
            run = p + 1;
        } else if (*p == 'i' && isspace((unsigned char)p[-1]) && !strncmp(p, "id=", 3) &&
                   (p[3] == '\'' || p[3] == '"')) {
            sb_putn(b, run, (size_t)(p + 4 - run));
            sb_puts(b, prefix);
            p += 3;
            run = p + 1;
        } else if ((*p == '\'' || *p == '"' || *p == '(') && p + 1 < end && p[1] == '#') {
            const char *name = p + 2;
            size_t n = 0;
            while (name + n < end && id_char(name[n]))
                n++;
            for (size_t i = 0; i < n_ids; i++)
                if (ids[i].n == n && !strncmp(ids[i].p, name, n)) {
                    sb_putn(b, run, (size_t)(p + 2 - run));
                    sb_puts(b, prefix);
                    run = p + 2;
                    p++;
                    break;
                }
        }
    }
    sb_putn(b, run, (size_t)(end - run));
}

/* --- the page ------------------------------------------------------------- */

static const char css[] =
    "body{font-family:sans-serif;font-size:14px;line-height:1.45;color:#1d2327;"
    "max-width:1240px;margin:0 auto;padding:12px 24px 48px}"
    "h1{font-size:24px;margin:8px 0 4px}"
    "h2{font-size:20px;margin:32px 0 8px;padding-top:8px;border-top:2px solid #d0d7de}"
    "h3{font-size:16px;margin:22px 0 6px}"
    "h4{font-size:14px;margin:14px 0 4px}"
    "p{margin:6px 0}"
    "code{font-family:monospace;background:#f3f4f6;padding:0 3px;border-radius:3px}"
    "table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}"
    "th,td{border:1px solid #d0d7de;padding:3px 7px;vertical-align:top}"
    "th{background:#f3f4f6;text-align:center;font-weight:600}"
    "th.row{text-align:left;white-space:nowrap}"
    ".tw{overflow-x:auto;max-width:100%}"
    "td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    "td.l{text-align:left}"
    "td.t{text-align:left;white-space:nowrap}"
    "tr.ref td{background:#fffbe6}"
    ".muted{color:#5f6b76;font-size:12px}"
    ".sp,.cv{display:block;color:#5f6b76;font-size:11px}"
    ".cv.bad{color:#b42318;font-weight:600}"
    ".good{color:#1a7f37;font-weight:600}"
    ".bad{color:#b42318;font-weight:600}"
    ".none{color:#5f6b76}"
    ".verdict{white-space:nowrap}"
    ".warnings{background:#fff4e5;border:1px solid #f0b429;border-radius:6px;"
    "padding:6px 14px;margin:10px 0}"
    ".warnings ul{margin:4px 0;padding-left:20px}"
    ".notes{background:#eef6ff;border:1px solid #9ec5fe;border-radius:6px;"
    "padding:6px 14px;margin:10px 0}"
    ".ap{background:#f6f8fa;border-left:4px solid #8c959f;padding:6px 12px}"
    ".charts{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 4px}"
    "figure.chart{margin:0;border:1px solid #e5e7eb;border-radius:4px}"
    "figure.chart svg{display:block;max-width:100%;height:auto}"
    "nav a{margin-right:12px}"
    "a{color:#0b5cad;text-decoration:none}";

static void html_cell_verdict(sbuf *h, const cJSON *cl)
{
    verdict v = verdict_of(cl);
    const char *cls = v == V_HOLDS ? "good" : v == V_FAILS ? "bad" : "none";
    const char *word = v == V_HOLDS ? "holds" : v == V_FAILS ? "DOES NOT HOLD"
                     : v == V_UNMEASURED ? "not measured" : "not in this file";
    sb_printf(h, "<td class=\"l\"><span class=\"verdict %s\">%s</span>", cls, word);
    const char *m = jstr(cl, "measured");
    if (m && v != V_UNMEASURED) {
        sb_puts(h, "<span class=\"sp\">");
        sb_html(h, m);
        sb_puts(h, "</span>");
    }
    sb_puts(h, "</td>");
}

/* Header rows for a table with `groups` column groups of one column per
 * series: a second row of series labels when there are several. `lead`
 * is the leading cells' text (spanning both rows). */
static void html_group_head(sbuf *h, const report *R, const char *const *lead,
                            size_t n_lead, const char *const *groups, size_t n_groups)
{
    int two = R->n > 1;
    sb_puts(h, "<thead><tr>");
    for (size_t i = 0; i < n_lead; i++) {
        sb_printf(h, "<th%s>", two ? " rowspan=\"2\"" : "");
        sb_puts(h, lead[i]);
        sb_puts(h, "</th>");
    }
    for (size_t i = 0; i < n_groups; i++) {
        if (two)
            sb_printf(h, "<th colspan=\"%zu\">", R->n);
        else
            sb_puts(h, "<th>");
        sb_puts(h, groups[i]);
        sb_puts(h, "</th>");
    }
    sb_puts(h, "</tr>");
    if (two) {
        sb_puts(h, "<tr>");
        for (size_t i = 0; i < n_groups; i++)
            for (size_t si = 0; si < R->n; si++) {
                sb_puts(h, "<th>");
                sb_html(h, R->s[si].label);
                sb_puts(h, "</th>");
            }
        sb_puts(h, "</tr>");
    }
    sb_puts(h, "</thead>\n");
}

/* The overview numbers of one pair in one series at N. */
typedef struct pair_at {
    cell nv, op;
    double speedup;          /* -1 when either is missing */
    int untrusted;
} pair_at;

static pair_at pair_of(const series *s, const char *comp, const char *scen, int64_t n)
{
    pair_at p;
    p.nv = get_cell(s, comp, "naive", scen, n);
    p.op = get_cell(s, comp, "optimized", scen, n);
    p.speedup = p.nv.r && p.op.r && p.op.r->ns_per_op > 0
                    ? p.nv.r->ns_per_op / p.op.r->ns_per_op : -1;
    p.untrusted = p.nv.cv > s->cv_limit || p.op.cv > s->cv_limit;
    return p;
}

/* Counts the claims of the components that ran, by verdict in the first
 * series that evaluated each; lists their ids into the buffers. */
static void claim_tally(const report *R, int count[4], char ids[4][512])
{
    memset(count, 0, 4 * sizeof count[0]);
    for (int v = 0; v < 4; v++)
        ids[v][0] = '\0';
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!component_ran(R, comp))
            continue;
        for (size_t k = 0; k < comp->n_claims; k++) {
            verdict worst = V_NONE;
            for (size_t si = 0; si < R->n; si++) {
                verdict v = verdict_of(claim_in(&R->s[si], comp->name, k));
                /* A claim holds when it holds in every file that measured
                 * it; it fails when it fails in any. */
                if (v == V_FAILS || (v == V_HOLDS && worst != V_FAILS) ||
                    (v == V_UNMEASURED && worst == V_NONE))
                    worst = v;
            }
            count[worst]++;
            size_t used = strlen(ids[worst]);
            snprintf(ids[worst] + used, 512 - used, "%s%s", used ? ", " : "",
                     comp->claims[k].id);
        }
    }
}

/* The claims table: every claim of the components that ran, or only
 * those of `only`; per file its verdict and what was measured. */
static void html_claims(sbuf *h, const report *R, const pb_component *only)
{
    const char *lead[] = { "claim", "component", "in the seed's words",
                           "measured as", "threshold" };
    const char *groups[] = { "verdict and measurement" };
    sb_puts(h, "<div class=\"tw\"><table>");
    if (only) {
        const char *lead_one[] = { lead[0], lead[2], lead[3], lead[4] };
        html_group_head(h, R, lead_one, 4, groups, 1);
    } else {
        html_group_head(h, R, lead, 5, groups, 1);
    }
    sb_puts(h, "<tbody>\n");
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if ((only && comp != only) || !component_ran(R, comp))
            continue;
        for (size_t k = 0; k < comp->n_claims; k++) {
            const pb_claim *cl = &comp->claims[k];
            const cJSON *first = NULL;
            for (size_t si = 0; si < R->n && !first; si++)
                first = claim_in(&R->s[si], comp->name, k);
            const char *thr = jstr(first, "threshold");
            sb_puts(h, "<tr><td class=\"l\"><b>");
            sb_html(h, cl->id);
            sb_puts(h, "</b></td>");
            if (!only)
                sb_printf(h, "<td class=\"l\"><a href=\"#%s\">%s</a></td>",
                          comp->name, comp->name);
            sb_puts(h, "<td class=\"l\">");
            sb_html(h, cl->words);
            sb_puts(h, "<span class=\"sp\">");
            sb_html(h, cl->seed);
            sb_puts(h, "</span></td><td class=\"l\">");
            sb_html(h, cl->metric_text);
            sb_puts(h, "</td><td class=\"t\">");
            sb_html(h, thr ? thr : "-");
            sb_puts(h, "</td>");
            for (size_t si = 0; si < R->n; si++)
                html_cell_verdict(h, claim_in(&R->s[si], comp->name, k));
            sb_puts(h, "</tr>\n");
        }
    }
    sb_puts(h, "</tbody></table></div>\n");
}

static void html_overview(sbuf *h, const report *R, const warnings *w)
{
    /* Warnings first: they change how everything below is read. */
    if (w->n) {
        sb_puts(h, "<div class=\"warnings\" id=\"warnings\"><b>Read with care</b><ul>\n");
        for (size_t i = 0; i < w->n; i++) {
            char pre[256];
            warn_prefix(R, w->mask[i], pre, sizeof pre);
            sb_puts(h, "<li>");
            if (pre[0]) {
                sb_puts(h, "<b>");
                sb_html(h, pre);
                sb_puts(h, "</b>");
            }
            sb_html(h, w->text[i]);
            sb_puts(h, "</li>\n");
        }
        sb_puts(h, "</ul></div>\n");
    }

    sb_puts(h, "<h2 id=\"overview\">Pairs at their reference N</h2>\n"
               "<p>One row per component and scenario. <b>Reference N</b> is the"
               " largest N measured for both implementations (in every results"
               " file). <b>Speed-up</b> = naive time per op / optimized time per op"
               " (medians when repeated; green: optimized faster).");
    if (R->n > 1)
        sb_puts(h, " One column per results file.");
    sb_puts(h, " Arrows read naive " ARROW " optimized.</p>\n<div class=\"tw\"><table>");
    const char *lead[] = { "pair", "reference N" };
    const char *groups[] = { "time per op", "speed-up", "allocations per op",
                             "crossover" };
    html_group_head(h, R, lead, 2, groups, 4);
    sb_puts(h, "<tbody>\n");
    int rows = 0;
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_is_pair(comp) || !component_ran(R, comp))
            continue;
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            const pb_scenario *sc = &comp->scenarios[s];
            int64_t ns[MAX_SIZES];
            size_t k = scenario_sizes(R, comp->name, sc->name, ns);
            if (!k)
                continue;
            int64_t ref = reference_n(R, comp->name, sc->name, ns, k);
            rows++;
            sb_printf(h, "<tr><td class=\"l\"><a href=\"#%s-%s\">%s/%s</a></td>",
                      comp->name, sc->name, comp->name, sc->name);
            if (ref)
                sb_printf(h, "<td class=\"n\">%lld</td>", (long long)ref);
            else
                sb_puts(h, "<td class=\"n\">-</td>");
            pair_at p[MAX_SERIES];
            for (size_t si = 0; si < R->n; si++)
                p[si] = pair_of(&R->s[si], comp->name, sc->name, ref);
            for (size_t si = 0; si < R->n; si++) {
                char a[32], b[32];
                fmt_time(a, sizeof a, p[si].nv.r ? p[si].nv.r->ns_per_op : -1);
                fmt_time(b, sizeof b, p[si].op.r ? p[si].op.r->ns_per_op : -1);
                if (!p[si].nv.r && !p[si].op.r)
                    sb_puts(h, "<td class=\"n none\">-</td>");
                else
                    sb_printf(h, "<td class=\"n\">%s " ARROW " %s</td>", a, b);
            }
            for (size_t si = 0; si < R->n; si++) {
                char r[32];
                fmt_ratio(r, sizeof r, p[si].speedup);
                sb_printf(h, "<td class=\"n\"><span class=\"%s\">%s</span>%s</td>",
                          p[si].speedup < 0 ? "none" : p[si].speedup >= 1 ? "good" : "bad",
                          r, p[si].untrusted ? "<span class=\"cv bad\" title=\"cv above"
                          " the trust limit\">noisy (cv)</span>" : "");
            }
            for (size_t si = 0; si < R->n; si++) {
                char a[96];
                fmt_reduction(a, sizeof a, p[si].nv.r ? p[si].nv.r->allocs_per_op : -1,
                              p[si].op.r ? p[si].op.r->allocs_per_op : -1);
                sb_puts(h, "<td class=\"n\">");
                sb_html(h, a);
                sb_puts(h, "</td>");
            }
            for (size_t si = 0; si < R->n; si++) {
                char x[160];
                fmt_crossover(x, sizeof x, &R->s[si], comp->name, sc->name, 1);
                sb_puts(h, "<td class=\"n\">");
                sb_html(h, x);
                sb_puts(h, "</td>");
            }
            sb_puts(h, "</tr>\n");
        }
    }
    sb_puts(h, "</tbody></table></div>\n");
    if (!rows)
        sb_puts(h, "<p>No naive/optimized pair ran in these results.</p>\n");

    /* Claims. */
    int count[4];
    char ids[4][512];
    claim_tally(R, count, ids);
    sb_puts(h, "<h2 id=\"claims\">Claims of the seeds</h2>\n<p>");
    sb_printf(h, "<span class=\"good\">%d hold%s</span>%s%s. ", count[V_HOLDS],
              count[V_HOLDS] == 1 ? "s" : "", count[V_HOLDS] ? ": " : "", ids[V_HOLDS]);
    sb_printf(h, "<span class=\"%s\">%d do%s not hold</span>%s%s. ",
              count[V_FAILS] ? "bad" : "none", count[V_FAILS],
              count[V_FAILS] == 1 ? "es" : "", count[V_FAILS] ? ": " : "", ids[V_FAILS]);
    sb_printf(h, "<span class=\"none\">%d not measured</span>%s%s (the cases they"
              " need were not in the run).", count[V_UNMEASURED],
              count[V_UNMEASURED] ? ": " : "", ids[V_UNMEASURED]);
    if (count[V_NONE])
        sb_printf(h, " %d not evaluated (no analysis block).", count[V_NONE]);
    sb_puts(h, " A claim is judged on medians at the sizes it names; one that does"
               " not hold here is reported as such.</p>\n");
    html_claims(h, R, NULL);
}

/* One environment row: its label and the value per series. */
static void env_value(const series *s, const char *what, char *buf, size_t cap)
{
    char t1[64], t2[64];
    const char *v;
    buf[0] = '\0';
    if (!strcmp(what, "file")) {
        snprintf(buf, cap, "%s", s->path);
    } else if (!strcmp(what, "allocator")) {
        const char *a = ctx_text(s, "allocator", t1, sizeof t1);
        const char *ver = ctx_text(s, "allocator_version", t2, sizeof t2);
        snprintf(buf, cap, "%s%s%s", a ? a : "-", ver ? " " : "", ver ? ver : "");
    } else if (!strcmp(what, "cpu")) {
        double n = jnum(s->context, "num_cpus", -1), mhz = jnum(s->context, "mhz_per_cpu", -1);
        size_t used = 0;
        if (n > 0)
            used += (size_t)snprintf(buf, cap, "%.0f CPU%s", n, n == 1 ? "" : "s");
        if (mhz > 0 && used < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%sat %.0f MHz",
                                     used ? " " : "", mhz);
        const cJSON *x, *caches = jget(s->context, "caches");
        int first = 1;
        cJSON_ArrayForEach(x, caches) {
            const char *type = jstr(x, "type");
            double level = jnum(x, "level", 0), size = jnum(x, "size", -1);
            char sz[32];
            if (size >= 1048576 && fmod(size, 1048576) == 0)
                snprintf(sz, sizeof sz, "%.0f MiB", size / 1048576);
            else if (size >= 1024 && fmod(size, 1024) == 0)
                snprintf(sz, sizeof sz, "%.0f KiB", size / 1024);
            else
                fmt_bytes(sz, sizeof sz, size);
            if (used < cap)
                used += (size_t)snprintf(buf + used, cap - used, "%sL%.0f%s %s",
                                         first ? "; caches " : ", ", level,
                                         type && !strcmp(type, "Data") ? "d"
                                         : type && !strcmp(type, "Instruction") ? "i" : "",
                                         sz);
            first = 0;
        }
        if (!used)
            snprintf(buf, cap, "-");
    } else if (!strcmp(what, "cpu_scaling_enabled")) {
        v = ctx_text(s, what, t1, sizeof t1);
        snprintf(buf, cap, "%s", !v ? "-" : !strcmp(v, "true") ? "enabled (warning)"
                                            : !strcmp(v, "false") ? "disabled" : v);
    } else if (!strcmp(what, "load_avg")) {
        const cJSON *x, *load = jget(s->context, what);
        size_t used = 0;
        cJSON_ArrayForEach(x, load)
            if (cJSON_IsNumber(x) && used < cap)
                used += (size_t)snprintf(buf + used, cap - used, "%s%.2f",
                                         used ? " " : "", x->valuedouble);
        if (!used)
            snprintf(buf, cap, "-");
    } else if (!strcmp(what, "repetitions")) {
        snprintf(buf, cap, "%d", s->repetitions);
    } else if (!strcmp(what, "latency_timer_overhead_ns")) {
        v = ctx_text(s, what, t1, sizeof t1);
        snprintf(buf, cap, "%s%s", v ? v : "-", v ? " ns per latency sample" : "");
    } else {
        v = ctx_text(s, what, t1, sizeof t1);
        snprintf(buf, cap, "%s", v && *v ? v : "-");
    }
}

static const char *const env_rows[][2] = {
    { "results file", "file" },
    { "allocator", "allocator" },
    { "date", "date" },
    { "host", "host_name" },
    { "CPU", "cpu" },
    { "CPU frequency scaling", "cpu_scaling_enabled" },
    { "load average", "load_avg" },
    { "compiler", "compiler" },
    { "build type", "build_type" },
    { "Google Benchmark library", "library_build_type" },
    { "git revision", "git_revision" },
    { "allocation tracking", "alloc_tracking" },
    { "quick pass", "quick" },
    { "repetitions per case", "repetitions" },
    { "latency timer overhead", "latency_timer_overhead_ns" },
    { "verification", "verified" },
    { "capped", "capped" },
    { "command", "pairbench_command" },
};

static void html_environment(sbuf *h, const report *R)
{
    sb_puts(h, "<h2 id=\"environment\">Environment</h2>\n<div class=\"tw\"><table><thead><tr><th></th>");
    for (size_t si = 0; si < R->n; si++) {
        sb_puts(h, "<th>");
        sb_html(h, R->s[si].label);
        sb_puts(h, "</th>");
    }
    sb_puts(h, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < sizeof env_rows / sizeof env_rows[0]; i++) {
        sb_puts(h, "<tr><th class=\"row\">");
        sb_puts(h, env_rows[i][0]);
        sb_puts(h, "</th>");
        for (size_t si = 0; si < R->n; si++) {
            char v[1024];
            env_value(&R->s[si], env_rows[i][1], v, sizeof v);
            sb_puts(h, "<td class=\"l\">");
            sb_html(h, v);
            sb_puts(h, "</td>");
        }
        sb_puts(h, "</tr>\n");
    }
    sb_puts(h, "</tbody></table></div>\n");

    /* The harness calibration (components without a naive/optimized pair). */
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (pb_is_pair(comp) || !component_ran(R, comp))
            continue;
        sb_puts(h, "<h3 id=\"");
        sb_html(h, comp->name);
        sb_puts(h, "\">");
        sb_html(h, comp->name);
        sb_puts(h, ": ");
        sb_html(h, comp->summary ? comp->summary : "");
        sb_puts(h, "</h3>\n<div class=\"tw\"><table><thead><tr><th>case</th><th>what it is</th>");
        for (size_t si = 0; si < R->n; si++) {
            sb_puts(h, "<th>time per op");
            if (R->n > 1) {
                sb_puts(h, ", ");
                sb_html(h, R->s[si].label);
            }
            sb_puts(h, "</th>");
        }
        sb_puts(h, "</tr></thead><tbody>\n");
        for (size_t s = 0; s < comp->n_scenarios; s++)
            for (size_t i = 0; i < comp->n_impls; i++) {
                const pb_scenario *sc = &comp->scenarios[s];
                int64_t ns[MAX_SIZES];
                size_t k = scenario_sizes(R, comp->name, sc->name, ns);
                for (size_t j = 0; j < k; j++) {
                    cell x[MAX_SERIES];
                    int any = 0;
                    for (size_t si = 0; si < R->n; si++) {
                        x[si] = get_cell(&R->s[si], comp->name, comp->impls[i].name,
                                         sc->name, ns[j]);
                        any |= x[si].r != NULL;
                    }
                    if (!any)
                        continue;
                    sb_puts(h, "<tr><td class=\"l\">");
                    sb_html(h, sc->name);
                    sb_puts(h, "</td><td class=\"l\">");
                    sb_html(h, sc->description ? sc->description : "");
                    sb_puts(h, "</td>");
                    for (size_t si = 0; si < R->n; si++) {
                        char t[32];
                        fmt_time(t, sizeof t, x[si].r ? x[si].r->ns_per_op : -1);
                        sb_printf(h, "<td class=\"n\">%s</td>", t);
                    }
                    sb_puts(h, "</tr>\n");
                }
            }
        sb_puts(h, "</tbody></table></div>\n");
    }
}

/* The cap of an implementation: the largest N it runs at, 0 for none. */
static int64_t impl_cap(const pb_component *c, const char *impl)
{
    for (size_t i = 0; i < c->n_impls; i++)
        if (strcmp(c->impls[i].name, impl) == 0)
            return c->impls[i].max_n;
    return 0;
}

/* A time cell: median, min..max of the repetitions, cv; "not run" when N
 * is above the implementation's cap. */
static void html_time_cell(sbuf *h, const series *s, const cell *x, int capped)
{
    char t[32], lo[32], hi[32];
    if (!x->r) {
        if (capped && !x->err) {
            sb_puts(h, "<td class=\"n none\">not run<span class=\"sp\">above its"
                       " cap</span></td>");
        } else if (x->err) {
            sb_puts(h, "<td class=\"n\"><span class=\"bad\" title=\"");
            sb_html(h, x->err->error_message);
            sb_puts(h, "\">error</span></td>");
        } else {
            sb_puts(h, "<td class=\"n none\">-</td>");
        }
        return;
    }
    fmt_time(t, sizeof t, x->r->ns_per_op);
    sb_printf(h, "<td class=\"n\">%s", t);
    if (x->reps > 1) {
        fmt_time(lo, sizeof lo, x->lo);
        fmt_time(hi, sizeof hi, x->hi);
        sb_printf(h, "<span class=\"sp\">%s " NDASH " %s</span>", lo, hi);
    }
    if (x->cv >= 0)
        sb_printf(h, "<span class=\"cv%s\">cv %.1f%%%s</span>",
                  x->cv > s->cv_limit ? " bad" : "", x->cv * 100,
                  x->cv > s->cv_limit ? " !" : "");
    sb_puts(h, "</td>");
}

/* A naive → optimized cell for one counter: 0 allocs/op, 1 bytes/op,
 * 2 peak heap, 3 p99 latency. */
static void html_arrow_cell(sbuf *h, const cell *nv, const cell *op, int which)
{
    double a = -1, b = -1;
    const pb_result *rn = nv->r, *ro = op->r;
    switch (which) {
    case 0: a = rn ? rn->allocs_per_op : -1; b = ro ? ro->allocs_per_op : -1; break;
    case 1: a = rn ? rn->bytes_per_op : -1; b = ro ? ro->bytes_per_op : -1; break;
    case 2: a = rn ? rn->peak_heap_bytes : -1; b = ro ? ro->peak_heap_bytes : -1; break;
    default: a = rn ? rn->p99_ns : -1; b = ro ? ro->p99_ns : -1; break;
    }
    char sa[32], sb_[32];
    if (which == 0) {
        fmt_count(sa, sizeof sa, a);
        fmt_count(sb_, sizeof sb_, b);
    } else if (which == 3) {
        fmt_time(sa, sizeof sa, a);
        fmt_time(sb_, sizeof sb_, b);
    } else {
        fmt_bytes(sa, sizeof sa, a);
        fmt_bytes(sb_, sizeof sb_, b);
    }
    if (a < 0 && b < 0)
        sb_puts(h, "<td class=\"n none\">-</td>");
    else
        sb_printf(h, "<td class=\"n\">%s " ARROW " %s</td>", sa, sb_);
}

/* The per-N table of a scenario; parts: 1 the times and speed-up, 2 the
 * allocations, bytes, peak heap and (with any_p99) the p99 latency. The
 * reference N's row is marked. */
static void html_n_table(sbuf *h, const report *R, const pb_component *comp,
                         const pb_scenario *sc, const int64_t *ns, size_t k,
                         int64_t ref, int parts, int any_p99)
{
    const char *lead[] = { "N" };
    const char *groups[7];
    size_t n_groups = 0;
    if (parts & 1) {
        groups[n_groups++] = "naive time/op";
        groups[n_groups++] = "optimized time/op";
        groups[n_groups++] = "speed-up";
    }
    if (parts & 2) {
        groups[n_groups++] = "allocs/op";
        groups[n_groups++] = "bytes/op";
        groups[n_groups++] = "peak heap";
        if (any_p99)
            groups[n_groups++] = "p99 latency";
    }
    sb_puts(h, "<div class=\"tw\"><table>");
    html_group_head(h, R, lead, 1, groups, n_groups);
    sb_puts(h, "<tbody>\n");
    for (size_t i = 0; i < k; i++) {
        pair_at p[MAX_SERIES];
        for (size_t si = 0; si < R->n; si++)
            p[si] = pair_of(&R->s[si], comp->name, sc->name, ns[i]);
        sb_printf(h, "<tr%s><td class=\"n\">%lld%s</td>", ns[i] == ref ? " class=\"ref\"" : "",
                  (long long)ns[i], ns[i] == ref ? "<span class=\"sp\">reference</span>" : "");
        if (parts & 1) {
            int64_t cap_n = impl_cap(comp, "naive"), cap_o = impl_cap(comp, "optimized");
            for (size_t si = 0; si < R->n; si++)
                html_time_cell(h, &R->s[si], &p[si].nv, cap_n > 0 && ns[i] > cap_n);
            for (size_t si = 0; si < R->n; si++)
                html_time_cell(h, &R->s[si], &p[si].op, cap_o > 0 && ns[i] > cap_o);
            for (size_t si = 0; si < R->n; si++) {
                char r[32];
                fmt_ratio(r, sizeof r, p[si].speedup);
                sb_printf(h, "<td class=\"n\"><span class=\"%s\">%s</span>",
                          p[si].speedup < 0 ? "none" : p[si].speedup >= 1 ? "good" : "bad", r);
                if (p[si].speedup >= 0 && p[si].nv.reps > 1 && p[si].op.reps > 1 &&
                    p[si].op.hi > 0 && p[si].op.lo > 0) {
                    char lo[32], hi[32];
                    fmt_ratio(lo, sizeof lo, p[si].nv.lo / p[si].op.hi);
                    fmt_ratio(hi, sizeof hi, p[si].nv.hi / p[si].op.lo);
                    sb_printf(h, "<span class=\"sp\">%s " NDASH " %s</span>", lo, hi);
                }
                sb_puts(h, "</td>");
            }
        }
        if (parts & 2)
            for (int which = 0; which < (any_p99 ? 4 : 3); which++)
                for (size_t si = 0; si < R->n; si++)
                    html_arrow_cell(h, &p[si].nv, &p[si].op, which);
        sb_puts(h, "</tr>\n");
    }
    sb_puts(h, "</tbody></table></div>\n");
}

static void html_scenario(sbuf *h, const report *R, const charts *C,
                          const pb_component *comp, const pb_scenario *sc,
                          const int64_t *ns, size_t k)
{
    int64_t ref = reference_n(R, comp->name, sc->name, ns, k);
    sb_printf(h, "<h3 id=\"%s-%s\">%s/%s</h3>\n<p>", comp->name, sc->name,
              comp->name, sc->name);
    sb_html(h, sc->description ? sc->description : "");
    sb_puts(h, ".");
    int any_reps = 0, any_p99 = 0;
    for (size_t si = 0; si < R->n; si++)
        any_reps |= R->s[si].repetitions > 1;
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < k; i++)
            for (int im = 0; im < 2; im++) {
                cell x = get_cell(&R->s[si], comp->name, impl_names[im], sc->name, ns[i]);
                any_p99 |= x.r && x.r->p99_ns >= 0;
            }
    if (any_reps)
        sb_puts(h, " <span class=\"muted\">Times are medians of the repetitions,"
                   " with their min " NDASH " max and cv below.</span>");
    sb_puts(h, "</p>\n");
    /* One table; with several files two (time, then memory and latency), so
     * that a column per file still fits the page. */
    if (R->n == 1) {
        html_n_table(h, R, comp, sc, ns, k, ref, 1 | 2, any_p99);
    } else {
        html_n_table(h, R, comp, sc, ns, k, ref, 1, any_p99);
        html_n_table(h, R, comp, sc, ns, k, ref, 2, any_p99);
    }
    sb_puts(h, "<div class=\"charts\">");
    static const char *const kinds[] = { "time", "allocs" };
    for (int i = 0; i < 2; i++) {
        char id[200];
        snprintf(id, sizeof id, "chart-%s-%s-%s", kinds[i], comp->name, sc->name);
        const chart *ch = chart_find(C, id);
        if (!ch)
            continue;
        sb_printf(h, "<figure id=\"%s\" class=\"chart\">", id);
        sb_svg(h, C->svg.p + ch->off, ch->len, (size_t)(ch - C->c), ch->title);
        sb_puts(h, "</figure>");
    }
    sb_puts(h, "</div>\n");
    if (any_reps)
        sb_puts(h, "<p class=\"muted\">Error bars: min " NDASH " max time of the"
                   " repetitions.</p>\n");
}

/* "Naive: X. Optimized: Y." from a summary "X vs Y"; else the summary. */
static void html_antipattern(sbuf *h, const char *summary)
{
    const char *vs = summary ? strstr(summary, " vs ") : NULL;
    sb_puts(h, "<p class=\"ap\">");
    if (!vs) {
        sb_html(h, summary ? summary : "");
    } else {
        char a[512];
        size_t n = (size_t)(vs - summary);
        snprintf(a, sizeof a, "%.*s", (int)(n < sizeof a ? n : sizeof a - 1), summary);
        if (a[0])
            a[0] = (char)toupper((unsigned char)a[0]);
        sb_puts(h, "<b>Anti-pattern (naive):</b> ");
        sb_html(h, a);
        sb_puts(h, ".<br><b>Fix (optimized):</b> ");
        snprintf(a, sizeof a, "%s", vs + 4);
        if (a[0])
            a[0] = (char)toupper((unsigned char)a[0]);
        sb_html(h, a);
        sb_puts(h, ".");
    }
    sb_puts(h, "</p>\n");
}

/* The component's heap profiles: a table of massif peaks per scenario,
 * then the heap-over-time charts. */
static void html_massif(sbuf *h, const report *R, const charts *C,
                        const pb_component *comp)
{
    const cJSON *ctx = jget(R->massif, "context");
    sb_printf(h, "<h4 id=\"%s-massif\">Heap over time (massif, N = %.0f)</h4>\n",
              comp->name, jnum(ctx, "n", 0));
    sb_puts(h, "<div class=\"tw\"><table><thead><tr><th>scenario</th><th>ops</th>"
               "<th>naive peak heap</th><th>optimized peak heap</th><th>change</th>"
               "<th>naive extra</th><th>optimized extra</th></tr></thead><tbody>\n");
    for (size_t s = 0; s < comp->n_scenarios; s++) {
        const pb_scenario *sc = &comp->scenarios[s];
        if (!massif_has(R, comp->name, sc->name))
            continue;
        const cJSON *nv = massif_case(R, comp->name, "naive", sc->name);
        const cJSON *op = massif_case(R, comp->name, "optimized", sc->name);
        double a = jnum(nv, "peak_heap_bytes", -1), b = jnum(op, "peak_heap_bytes", -1);
        char fa[32], fb[32], xa[32], xb[32], ch[64] = "-";
        fmt_bytes(fa, sizeof fa, a);
        fmt_bytes(fb, sizeof fb, b);
        fmt_bytes(xa, sizeof xa, jnum(nv, "peak_heap_extra_bytes", -1));
        fmt_bytes(xb, sizeof xb, jnum(op, "peak_heap_extra_bytes", -1));
        if (a > 0 && b >= 0)
            snprintf(ch, sizeof ch, "%+.1f%%", (b / a - 1) * 100);
        sb_printf(h, "<tr><td class=\"l\">%s</td><td class=\"n\">%.0f</td>"
                  "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s"
                  "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                  sc->name, jnum(nv ? nv : op, "ops", 0), fa, fb, ch, xa, xb);
    }
    sb_puts(h, "</tbody></table></div>\n<p class=\"muted\">Each case ran alone"
               " (<code>pairbench exec CASE --ops K</code>) under valgrind's massif:"
               " set-up, one warm-up batch, then K operations. Peak heap is massif's"
               " largest sample of the bytes requested by live blocks, the whole"
               " process's (libc and libstdc++ included); extra is the allocator's"
               " headers and rounding at that peak. Time is instructions executed, so"
               " the longer line ran longer. Profiles from <code>");
    sb_html(h, R->massif_path);
    sb_puts(h, "</code>; ms_print's text beside each <code>.massif</code> file.</p>\n"
               "<div class=\"charts\">");
    for (size_t s = 0; s < comp->n_scenarios; s++) {
        char id[200];
        snprintf(id, sizeof id, "chart-heap-%s-%s", comp->name, comp->scenarios[s].name);
        const chart *chp = chart_find(C, id);
        if (!chp)
            continue;
        sb_printf(h, "<figure id=\"%s\" class=\"chart\">", id);
        sb_svg(h, C->svg.p + chp->off, chp->len, (size_t)(chp - C->c), chp->title);
        sb_puts(h, "</figure>");
    }
    sb_puts(h, "</div>\n");
}

static void html_component(sbuf *h, const report *R, const charts *C,
                           const pb_component *comp)
{
    sb_printf(h, "<h2 id=\"%s\">%s</h2>\n", comp->name, comp->name);
    html_antipattern(h, comp->summary);
    sb_puts(h, "<p>Implementations: ");
    for (size_t i = 0; i < comp->n_impls; i++) {
        const pb_impl *im = &comp->impls[i];
        sb_printf(h, "%s%s <code>", i ? "; " : "", im->name);
        sb_html(h, im->source ? im->source : "?");
        sb_puts(h, "</code>");
        if (im->max_n > 0) {
            sb_printf(h, " (runs up to N = %lld: ", (long long)im->max_n);
            sb_html(h, im->cap_reason ? im->cap_reason : "capped");
            sb_puts(h, ")");
        }
    }
    sb_puts(h, ".</p>\n");

    /* Fits and crossovers, one row per scenario. */
    sb_puts(h, "<h4>Fitted complexity and crossover</h4>\n<div class=\"tw\"><table>");
    const char *lead[] = { "scenario" };
    const char *groups[] = { "naive fit", "optimized fit", "crossover" };
    html_group_head(h, R, lead, 1, groups, 3);
    sb_puts(h, "<tbody>\n");
    for (size_t s = 0; s < comp->n_scenarios; s++) {
        const pb_scenario *sc = &comp->scenarios[s];
        int64_t ns[MAX_SIZES];
        size_t k = scenario_sizes(R, comp->name, sc->name, ns);
        if (!k)
            continue;
        sb_printf(h, "<tr><td class=\"l\"><a href=\"#%s-%s\">%s</a></td>", comp->name,
                  sc->name, sc->name);
        for (int im = 0; im < 2; im++)
            for (size_t si = 0; si < R->n; si++) {
                char f[64];
                fmt_fit(f, sizeof f, &R->s[si], comp->name, impl_names[im], sc->name);
                sb_printf(h, "<td class=\"n\">%s</td>", f);
            }
        for (size_t si = 0; si < R->n; si++) {
            char x[200];
            fmt_crossover(x, sizeof x, &R->s[si], comp->name, sc->name, 0);
            sb_puts(h, "<td class=\"l\">");
            sb_html(h, x);
            sb_puts(h, "</td>");
        }
        sb_puts(h, "</tr>\n");
    }
    sb_puts(h, "</tbody></table></div>\n<p class=\"muted\">Fit: Google Benchmark's"
               " least-squares fit of time per op against N, with its relative RMS"
               " (a high RMS: no simple curve fits). Crossover: the smallest N from"
               " which the optimized implementation is faster at every larger N"
               " measured for both.</p>\n");

    if (comp->n_claims) {
        sb_puts(h, "<h4>Claims</h4>\n");
        html_claims(h, R, comp);
    }
    if (R->massif && massif_has_component(R, comp))
        html_massif(h, R, C, comp);

    for (size_t s = 0; s < comp->n_scenarios; s++) {
        int64_t ns[MAX_SIZES];
        size_t k = scenario_sizes(R, comp->name, comp->scenarios[s].name, ns);
        if (k)
            html_scenario(h, R, C, comp, &comp->scenarios[s], ns, k);
    }
}

static void now_utc(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(buf, cap, "?");
}

static void html_page(sbuf *h, const report *R, const charts *C, const warnings *w)
{
    char now[64];
    now_utc(now, sizeof now);
    sb_puts(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>pairbench report</title>\n<style>");
    sb_puts(h, css);
    sb_puts(h, "</style>\n</head>\n<body>\n<h1>pairbench report</h1>\n"
               "<p class=\"muted\">Naive vs optimized implementations of the same"
               " component, driven through the same scenarios by Google Benchmark."
               " From ");
    for (size_t si = 0; si < R->n; si++) {
        char d[64];
        const char *date = ctx_text(&R->s[si], "date", d, sizeof d);
        sb_puts(h, si ? ", " : "");
        sb_puts(h, "<code>");
        sb_html(h, R->s[si].path);
        sb_puts(h, "</code> (");
        sb_html(h, R->s[si].label);
        if (date) {
            sb_puts(h, ", run ");
            sb_html(h, date);
        }
        sb_puts(h, ")");
    }
    sb_printf(h, "; generated %s.</p>\n<nav><a href=\"#overview\">Overview</a>"
                 "<a href=\"#claims\">Claims</a><a href=\"#environment\">Environment</a>",
              now);
    for (size_t c = 0; R->comps[c]; c++)
        if (pb_is_pair(R->comps[c]) && component_ran(R, R->comps[c]))
            sb_printf(h, "<a href=\"#%s\">%s</a>", R->comps[c]->name, R->comps[c]->name);
    sb_puts(h, "</nav>\n");
    html_overview(h, R, w);
    html_environment(h, R);
    for (size_t c = 0; R->comps[c]; c++)
        if (pb_is_pair(R->comps[c]) && component_ran(R, R->comps[c]))
            html_component(h, R, C, R->comps[c]);
    sb_puts(h, "<p class=\"muted\" style=\"margin-top:32px\">Generated by"
               " <code>pairbench report</code>. Charts drawn by gnuplot.</p>\n"
               "</body>\n</html>\n");
}

/* --- the Markdown summary ------------------------------------------------- */

static void md_summary(sbuf *m, const report *R, const warnings *w)
{
    char now[64];
    now_utc(now, sizeof now);
    sb_puts(m, "# pairbench report\n\nFrom ");
    for (size_t si = 0; si < R->n; si++) {
        char d[64];
        const char *date = ctx_text(&R->s[si], "date", d, sizeof d);
        char rev[64];
        const char *git = ctx_text(&R->s[si], "git_revision", rev, sizeof rev);
        sb_puts(m, si ? ", " : "");
        sb_md(m, R->s[si].path);
        sb_puts(m, " (");
        sb_md(m, R->s[si].label);
        if (date) {
            sb_puts(m, ", run ");
            sb_md(m, date);
        }
        if (git) {
            sb_puts(m, ", git ");
            sb_md(m, git);
        }
        sb_puts(m, ")");
    }
    sb_printf(m, "; generated %s. Charts and per-N tables: `index.html` beside"
                 " this file.\n\n", now);

    if (w->n) {
        sb_puts(m, "**Read with care**\n\n");
        for (size_t i = 0; i < w->n; i++) {
            char pre[256];
            warn_prefix(R, w->mask[i], pre, sizeof pre);
            sb_puts(m, "- ");
            if (pre[0]) {
                sb_puts(m, "**");
                sb_md(m, pre);
                sb_puts(m, "**");
            }
            sb_md(m, w->text[i]);
            sb_puts(m, "\n");
        }
        sb_puts(m, "\n");
    }

    int pairs = 0;
    for (size_t c = 0; R->comps[c]; c++)
        pairs |= pb_is_pair(R->comps[c]) && component_ran(R, R->comps[c]);
    if (!pairs)
        sb_puts(m, "## Pairs at their reference N\n\nNo naive/optimized pair ran in"
                   " these results.\n");
    else
        sb_puts(m, "## Pairs at their reference N\n\nReference N: the largest N"
               " measured for both implementations. Speed-up = naive / optimized"
               " time per op (medians when repeated); arrows read naive " ARROW
               " optimized.\n\n| pair | N |");
    static const char *const cols[] = { "time per op", "speed-up", "allocs per op",
                                        "crossover" };
    for (size_t g = 0; g < 4 && pairs; g++)
        for (size_t si = 0; si < R->n; si++) {
            sb_printf(m, " %s", cols[g]);
            if (R->n > 1) {
                sb_puts(m, " (");
                sb_md(m, R->s[si].label);
                sb_puts(m, ")");
            }
            sb_puts(m, " |");
        }
    if (pairs) {
        sb_puts(m, "\n| --- | ---: |");
        for (size_t i = 0; i < 4 * R->n; i++)
            sb_puts(m, " ---: |");
        sb_puts(m, "\n");
    }
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_is_pair(comp) || !component_ran(R, comp))
            continue;
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            const pb_scenario *sc = &comp->scenarios[s];
            int64_t ns[MAX_SIZES];
            size_t k = scenario_sizes(R, comp->name, sc->name, ns);
            if (!k)
                continue;
            int64_t ref = reference_n(R, comp->name, sc->name, ns, k);
            pair_at p[MAX_SERIES];
            for (size_t si = 0; si < R->n; si++)
                p[si] = pair_of(&R->s[si], comp->name, sc->name, ref);
            sb_printf(m, "| %s/%s | %lld |", comp->name, sc->name, (long long)ref);
            for (size_t si = 0; si < R->n; si++) {
                char a[32], b[32];
                fmt_time(a, sizeof a, p[si].nv.r ? p[si].nv.r->ns_per_op : -1);
                fmt_time(b, sizeof b, p[si].op.r ? p[si].op.r->ns_per_op : -1);
                if (!p[si].nv.r && !p[si].op.r)
                    sb_puts(m, " - |");
                else
                    sb_printf(m, " %s " ARROW " %s |", a, b);
            }
            for (size_t si = 0; si < R->n; si++) {
                char r[32];
                fmt_ratio(r, sizeof r, p[si].speedup);
                sb_printf(m, " %s%s%s%s |", p[si].speedup >= 0 ? "**" : "", r,
                          p[si].speedup >= 0 ? "**" : "",
                          p[si].untrusted ? " (noisy: cv above limit)" : "");
            }
            for (size_t si = 0; si < R->n; si++) {
                char a[96];
                fmt_reduction(a, sizeof a, p[si].nv.r ? p[si].nv.r->allocs_per_op : -1,
                              p[si].op.r ? p[si].op.r->allocs_per_op : -1);
                sb_puts(m, " ");
                sb_md(m, a);
                sb_puts(m, " |");
            }
            for (size_t si = 0; si < R->n; si++) {
                char x[160];
                fmt_crossover(x, sizeof x, &R->s[si], comp->name, sc->name, 1);
                sb_puts(m, " ");
                sb_md(m, x);
                sb_puts(m, " |");
            }
            sb_puts(m, "\n");
        }
    }

    int count[4];
    char ids[4][512];
    claim_tally(R, count, ids);
    sb_printf(m, "\n## Claims of the seeds\n\n**%d hold**%s%s · **%d do%s not hold**"
                 "%s%s · %d not measured%s%s\n\n", count[V_HOLDS],
              count[V_HOLDS] ? ": " : "", ids[V_HOLDS], count[V_FAILS],
              count[V_FAILS] == 1 ? "es" : "", count[V_FAILS] ? ": " : "",
              ids[V_FAILS], count[V_UNMEASURED], count[V_UNMEASURED] ? ": " : "",
              ids[V_UNMEASURED]);
    sb_puts(m, "| claim | component | in the seed's words | threshold |");
    for (size_t si = 0; si < R->n; si++) {
        sb_puts(m, " verdict");
        if (R->n > 1) {
            sb_puts(m, " (");
            sb_md(m, R->s[si].label);
            sb_puts(m, ")");
        }
        sb_puts(m, " |");
    }
    sb_puts(m, "\n| --- | --- | --- | --- |");
    for (size_t si = 0; si < R->n; si++)
        sb_puts(m, " --- |");
    sb_puts(m, "\n");
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!component_ran(R, comp))
            continue;
        for (size_t k = 0; k < comp->n_claims; k++) {
            const pb_claim *cl = &comp->claims[k];
            const cJSON *first = NULL;
            for (size_t si = 0; si < R->n && !first; si++)
                first = claim_in(&R->s[si], comp->name, k);
            const char *thr = jstr(first, "threshold");
            sb_puts(m, "| ");
            sb_md(m, cl->id);
            sb_printf(m, " | %s | ", comp->name);
            sb_md(m, cl->words);
            sb_puts(m, " | ");
            sb_md(m, thr ? thr : "-");
            sb_puts(m, " |");
            for (size_t si = 0; si < R->n; si++) {
                const cJSON *x = claim_in(&R->s[si], comp->name, k);
                verdict v = verdict_of(x);
                const char *meas = jstr(x, "measured");
                sb_puts(m, v == V_HOLDS ? " ✅ holds" : v == V_FAILS ? " ❌ **does not hold**"
                         : v == V_UNMEASURED ? " not measured" : " not in this file");
                if (meas && (v == V_HOLDS || v == V_FAILS)) {
                    sb_puts(m, ": ");
                    sb_md(m, meas);
                }
                sb_puts(m, " |");
            }
            sb_puts(m, "\n");
        }
    }

    sb_puts(m, "\n## Environment\n\n|  |");
    for (size_t si = 0; si < R->n; si++) {
        sb_puts(m, " ");
        sb_md(m, R->s[si].label);
        sb_puts(m, " |");
    }
    sb_puts(m, "\n| --- |");
    for (size_t si = 0; si < R->n; si++)
        sb_puts(m, " --- |");
    sb_puts(m, "\n");
    for (size_t i = 0; i < sizeof env_rows / sizeof env_rows[0]; i++) {
        if (!strcmp(env_rows[i][1], "pairbench_command") ||
            !strcmp(env_rows[i][1], "capped"))
            continue;
        sb_printf(m, "| %s |", env_rows[i][0]);
        for (size_t si = 0; si < R->n; si++) {
            char v[1024];
            env_value(&R->s[si], env_rows[i][1], v, sizeof v);
            sb_puts(m, " ");
            sb_md(m, v);
            sb_puts(m, " |");
        }
        sb_puts(m, "\n");
    }
}

/* --- writing -------------------------------------------------------------- */

/* mkdir -p; 0, or -1 with errno set. *created is set to the length of the
 * shortest prefix of path this call created (every deeper directory is
 * new too), or 0 when it created none, so that a failed report can remove
 * what it made. */
static int make_dirs(const char *path, size_t *created)
{
    char buf[PATH_MAX];
    *created = 0;
    if (strlen(path) >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) == 0) {
            if (!*created)
                *created = strlen(buf);
        } else if (errno != EEXIST) {
            return -1;
        }
        *p = '/';
    }
    if (mkdir(buf, 0777) == 0) {
        if (!*created)
            *created = strlen(buf);
    } else if (errno != EEXIST) {
        return -1;
    }
    struct stat st;
    if (stat(buf, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Removes the directories make_dirs created for path (those not emptied
 * stay: rmdir refuses them). */
static void remove_created(const char *path, size_t created)
{
    char buf[PATH_MAX];
    if (!created || strlen(path) >= sizeof buf)
        return;
    strcpy(buf, path);
    for (;;) {
        size_t len = strlen(buf);
        while (len > 1 && buf[len - 1] == '/')
            buf[--len] = '\0';
        if (len < created || rmdir(buf) != 0)
            return;
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            return;
        *slash = '\0';
    }
}

/* One output: its final and temporary names and the open temporary. */
typedef struct outfile {
    char final[PATH_MAX];
    char tmp[PATH_MAX];
    int  fd;
} outfile;

static int out_open(outfile *o, const char *dir, const char *name)
{
    int n1 = snprintf(o->final, sizeof o->final, "%s/%s", dir, name);
    int n2 = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof o->final || (size_t)n2 >= sizeof o->tmp) {
        errno = ENAMETOOLONG;
        o->tmp[0] = '\0';
        return -1;
    }
    o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0) {
        o->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

/* Writes and closes the temporary; 0, or -1 with errno set. */
static int out_write(outfile *o, const sbuf *b)
{
    size_t done = 0;
    while (done < b->len) {
        ssize_t k = write(o->fd, b->p + done, b->len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    if (fsync(o->fd) != 0)
        return -1;
    int rc = close(o->fd);
    o->fd = -1;
    return rc;
}

static void out_discard(outfile *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp[0])
        unlink(o->tmp);
    o->tmp[0] = '\0';
}

/* --- the entry point ------------------------------------------------------ */

int pb_report_write(const char *const *files, size_t n_files,
                    const char *massif_path, const char *out_dir,
                    const pb_component *const *components)
{
    if (n_files == 0 || n_files > PB_REPORT_MAX_FILES) {
        fprintf(stderr, "pairbench: report takes 1 to %d results files\n",
                PB_REPORT_MAX_FILES);
        return 2;
    }
    if (!out_dir)
        out_dir = PB_REPORT_DEFAULT_OUT;
    report *R = calloc(1, sizeof *R);
    warnings *w = calloc(1, sizeof *w);
    charts C = { 0 };
    sbuf html = { 0 }, md = { 0 };
    outfile oh = { "", "", -1 }, om = { "", "", -1 };
    int rc = 2;
    size_t created = 0;
    if (!R || !w) {
        fprintf(stderr, "pairbench: out of memory\n");
        rc = 1;
        goto done;
    }
    R->comps = components;

    /* 1. Every input, before anything is written. */
    for (size_t i = 0; i < n_files; i++) {
        char err[600];
        R->n = i + 1;
        if (series_load(&R->s[i], files[i], R->comps, err, sizeof err) != 0) {
            fprintf(stderr, "pairbench: %s\n", err);
            goto done;
        }
    }
    label_series(R);
    if (massif_path) {
        char err[600];
        if (massif_load(R, massif_path, err, sizeof err) != 0) {
            fprintf(stderr, "pairbench: %s\n", err);
            goto done;
        }
    }

    /* 2. The output directory and the temporaries: an unwritable DIR fails
     * now, before gnuplot runs. */
    if (make_dirs(out_dir, &created) != 0 || out_open(&oh, out_dir, "index.html") != 0 ||
        out_open(&om, out_dir, "summary.md") != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }

    /* 3. Charts, page and summary, in memory. */
    rc = 1;
    collect_warnings(R, w);
    if (draw_charts(&C, R) != 0)
        goto done;
    html_page(&html, R, &C, w);
    md_summary(&md, R, w);
    if (html.oom || md.oom) {
        fprintf(stderr, "pairbench: out of memory building the report\n");
        goto done;
    }

    /* 4. Both complete: write, then rename into place. */
    if (out_write(&oh, &html) != 0 || out_write(&om, &md) != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }
    if (rename(om.tmp, om.final) != 0 || rename(oh.tmp, oh.final) != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }
    om.tmp[0] = oh.tmp[0] = '\0';
    fprintf(stderr, "pairbench: report written to %s and %s\n", oh.final, om.final);
    rc = 0;
done:
    out_discard(&oh);
    out_discard(&om);
    if (rc != 0)
        remove_created(out_dir, created);
    sb_free(&html);
    sb_free(&md);
    sb_free(&C.script);
    sb_free(&C.svg);
    free(C.c);
    if (R)
        for (size_t i = 0; i < R->n; i++)
            series_free(&R->s[i]);
    if (R)
        cJSON_Delete(R->massif);
    free(R);
    free(w);
    return rc;
}
