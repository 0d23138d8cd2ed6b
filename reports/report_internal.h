/*
 * What the report's files (reports/ without reports/model/ and
 * reports/emit/) share, and nothing else: the string buffer, the loaded results
 * (series), the warnings, the massif profiles, the charts, the overview's
 * content, and the two writers (page, summary). Everything a file does not
 * share is static in it. Names shared between files carry pb_sb_ (the
 * buffer) or pb_rep_ (the rest); none of them is part of report.h's
 * contract.
 */
#ifndef PAIRBENCH_REPORT_INTERNAL_H
#define PAIRBENCH_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "model/model.h"
#include "model/history.h"
#include "emit/emit.h"
#include "report.h"

#define MAX_SERIES  PB_REPORT_MAX_FILES
#define MAX_SIZES   64         /* distinct N of one scenario */

/* UTF-8 glyphs, as separate literals so no hex escape swallows a letter. */
#define ARROW  "\xe2\x86\x92"  /* → */
#define TIMES  "\xc3\x97"      /* × */
#define MICRO  "\xc2\xb5"      /* µ */
#define NDASH  "\xe2\x80\x93"  /* – */

/* --- a growable string (sbuf.c) ------------------------------------------- */

/* Appends never fail loudly: on out of memory `oom` is set and later
 * appends are ignored; the caller checks oom once at the end. */
typedef struct sbuf {
    char  *p;
    size_t len, cap;
    int    oom;
} sbuf;

void pb_sb_putn(sbuf *b, const char *s, size_t n);
void pb_sb_puts(sbuf *b, const char *s);
__attribute__((format(printf, 2, 3)))
void pb_sb_printf(sbuf *b, const char *fmt, ...);
void pb_sb_free(sbuf *b);
/* Text as HTML character data or attribute value. */
void pb_sb_html(sbuf *b, const char *s);
/* Text inside a Markdown table cell: no line breaks, no cell separators,
 * no HTML, no emphasis or code markers. */
void pb_sb_md(sbuf *b, const char *s);
/* Text as a gnuplot single-quoted string, quotes included, so that
 * gnuplot expands nothing in it (no `command`, no @macro): a quote is
 * doubled; bytes outside printable ASCII, double quotes and backslashes
 * become "_". Every text in a gnuplot script goes through it. */
void pb_sb_gp(sbuf *b, const char *s);

/* --- number formats: reports/emit/ (pb_format, pb_fmt_*), the one
 * formatter of every unit; the page and the summary use its HTML and
 * Markdown backends. ------------------------------------------------------ */

/* The current time, "2026-12-01 23:10 UTC" (overview.c). */
void pb_rep_now_utc(char *buf, size_t cap);

/* --- the results files (series.c) ----------------------------------------- */

typedef struct series {
    const char   *path;
    char          label[64];        /* allocator, + file name when shared */
    pb_resultset *rs;               /* the file, read once */
    pb_analysis  *an;               /* its analysis, computed once */
    const cJSON  *context;          /* borrowed from rs */
    int           had_block;        /* the file carried a "pairbench" block */
    int           repetitions;      /* most iteration rows of one case */
    double        cv_limit;         /* the analysis's trust limit */
    const pb_history *hist;         /* the history of its machine, or NULL */
} series;

typedef struct report {
    series                     s[MAX_SERIES];
    size_t                     n;
    const pb_component *const *comps;
    const char                *massif_path;   /* --massif, or NULL */
    cJSON                     *massif;        /* its parsed MASSIF.json */
    const pb_report_history   *history;       /* --history, or NULL */
} report;

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

/* The overview numbers of one pair in one series at N. */
typedef struct pair_at {
    cell nv, op;
    double speedup;          /* -1 when either is missing */
    double speedup_lo, speedup_hi;   /* its 95% interval, -1 without paired rounds */
    int untrusted;
    const pb_pair_point *pt;         /* the analysis's point (peers), or NULL */
} pair_at;

/* V_INCONCLUSIVE: a time-ratio claim whose 95% interval straddles the
 * threshold. */
typedef enum { V_NONE, V_HOLDS, V_FAILS, V_UNMEASURED, V_INCONCLUSIVE, V_KINDS } verdict;

extern const char *const pb_rep_impl_names[2];    /* "naive", "optimized" */

/* Loads files[0..n) into R->s and labels them (R->comps set). 0, or -1
 * with a one-line reason in err; pb_rep_unload frees what was loaded,
 * either way. */
int  pb_rep_load(report *R, const char *const *files, size_t n, char *err, size_t cap);
void pb_rep_unload(report *R);
/* Sets each series' hist: the history of its machine identity in
 * R->history, when the file has an identity and the history has one. */
void pb_rep_match_history(report *R);

/* JSON lookups that accept NULL: the member, a string member (or NULL), a
 * number member (or dflt). */
static inline const cJSON *jget(const cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static inline const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline double jnum(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = jget(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* A context value as text (strings as they are, numbers and booleans
 * printed into buf); NULL when absent. */
const char *pb_rep_ctx_text(const series *s, const char *key, char *buf, size_t cap);
int pb_rep_ctx_is(const series *s, const char *key, const char *want);

cell pb_rep_get_cell(const series *s, const char *comp, const char *impl,
                     const char *scen, int64_t n);
pair_at pb_rep_pair_of(const series *s, const char *comp, const char *scen, int64_t n);
/* Splits "component/impl/scenario/N"; 1 when the name has that shape. */
int pb_rep_parse_case(const char *name, char *comp, char *impl, char *scen,
                      size_t cap, int64_t *n);
/* The N measured (for any implementation, in any file) of a scenario,
 * ascending (at most MAX_SIZES); their count. */
size_t pb_rep_scenario_sizes(const report *R, const char *comp, const char *scen,
                             int64_t *out);
int pb_rep_component_ran(const report *R, const pb_component *c);
/* The reference N of a scenario: the largest N measured for both
 * implementations in every file that measured the scenario at all; when
 * no N is common, the largest measured for both in any file; 0 if none. */
int64_t pb_rep_reference_n(const report *R, const char *comp, const char *scen,
                           const int64_t *ns, size_t k);
/* "O(N), rms 4%" from the BigO and RMS rows of a family; "-" when absent. */
void pb_rep_fmt_fit(char *buf, size_t cap, const series *s, const char *comp,
                    const char *impl, const char *scen);
/* The crossover of comp/scen as the analysis states it, in words
 * (shortly: "N ≥ 256"). */
void pb_rep_fmt_crossover(char *buf, size_t cap, const series *s, const char *comp,
                          const char *scen, int shortly);
/* The evaluation of the k-th claim of component comp in one series, or
 * NULL; its verdict. Its words: pb_fmt_claim (reports/emit/emit.h). */
const pb_claim_result *pb_rep_claim_in(const series *s, const char *comp, size_t k);
verdict pb_rep_verdict_of(const pb_claim_result *claim);
/* The threshold of the k-th claim of comp in words, from the first series
 * that evaluated it, written into buf; NULL when none did. */
const char *pb_rep_claim_threshold(const report *R, const char *comp, size_t k,
                                   pb_backend b, char *buf, size_t cap);

/* --- warnings (warnings.c) ------------------------------------------------ */

#define MAX_WARN 32

/* Warnings, each with the set of series it applies to. */
typedef struct warnings {
    char     text[MAX_WARN][512];
    unsigned mask[MAX_WARN];
    size_t   n;
} warnings;

void pb_rep_collect_warnings(const report *R, warnings *w);
/* Hands every warning to row (a layout function of html.c or markdown.c)
 * with its prefix: "glibc, jemalloc: " when it applies to some of several
 * series, else "". */
typedef void pb_rep_warning_row(sbuf *out, const char *prefix, const char *text);
void pb_rep_each_warning(sbuf *out, const report *R, const warnings *w,
                         pb_rep_warning_row *row);

/* --- heap profiles (massif_data.c) ---------------------------------------- */

/* Loads path (a MASSIF.json) into R->massif. 0, or -1 with a one-line
 * reason in err. */
int  pb_rep_massif_load(report *R, const char *path, char *err, size_t cap);
void pb_rep_massif_free(report *R);
/* The massif case of (component, impl, scenario), or NULL. */
const cJSON *pb_rep_massif_case(const report *R, const char *comp, const char *impl,
                                const char *scen);
/* 1 when the scenario (or any scenario of c) has a massif profile. */
int pb_rep_massif_has(const report *R, const char *comp, const char *scen);
int pb_rep_massif_has_component(const report *R, const pb_component *c);

/* --- charts (charts.c) ---------------------------------------------------- */

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

/* Draws every chart of the report: one gnuplot process for all of them,
 * its output split into one SVG document per chart. 0, or 1 after one
 * line on stderr. */
int  pb_rep_draw_charts(charts *C, const report *R);
void pb_rep_charts_free(charts *C);
/* The chart chart-<kind>-<comp>-<scen>, when it was drawn, as a <figure>
 * of the page holding its <svg> (ids prefixed so they stay unique across
 * charts); nothing otherwise. */
void pb_rep_chart_figure(sbuf *h, const charts *C, const char *kind, const char *comp,
                         const char *scen);

/* --- the overview, walked once (overview.c) ------------------------------- */

/* Each walk computes the rows of one table of the overview once and hands
 * each row to a layout function (html.c: an HTML table row; markdown.c: a
 * Markdown table row) that appends it to out. */

/* A pair at its reference N, per series. Texts are unescaped. */
typedef struct ov_pair {
    const pb_component *comp;
    const pb_scenario  *sc;
    int64_t             ref;            /* 0 when no N has both */
    struct {
        int    measured;                /* naive or optimized ran at ref */
        char   time[80];                /* "48.1 ns → 2.28 µs", or "-" */
        double speedup;                 /* -1 when either is missing */
        char   ratio[96];               /* the speed-up, "21.1× [20.4×, 22.0×]" or "-" */
        int    untrusted;               /* a cv above the trust limit */
        char   allocs[96];              /* "2 → 0 (100% fewer)" */
        char   crossover[160];          /* "N ≥ 256", "always", "-" */
        char   peer[160];               /* the best peer and optimized/peer,
                                           "uthash 1.17× [1.12×, 1.21×]",
                                           or "-" */
    } s[MAX_SERIES];
} ov_pair;

/* A claim of a component that ran, per series its verdict and what was
 * measured (NULL when the file does not say). */
typedef struct ov_claim {
    const pb_component *comp;
    const pb_claim     *claim;
    const char         *threshold;      /* the first file's, or "-" */
    char                threshold_text[48];
    struct {
        verdict     v;
        const char *measured;           /* measured_text, or NULL */
        char        measured_text[PB_CLAIM_TEXT];
    } s[MAX_SERIES];
} ov_claim;

/* An environment row: its label and value per series. */
typedef struct ov_env {
    const char *label;
    int         page_only;              /* the summary leaves it out */
    char        value[MAX_SERIES][1024];
} ov_env;

typedef void pb_rep_pair_row(sbuf *out, const report *R, const ov_pair *p);
typedef void pb_rep_claim_row(sbuf *out, const report *R, const ov_claim *c);
typedef void pb_rep_env_row(sbuf *out, const report *R, const ov_env *e);

/* The best peer of a pair point and the optimized implementation's time
 * over its time with the interval: "uthash 1.17× [1.12×, 1.21×]"; "-"
 * when the point has no peer with a row. */
void pb_rep_fmt_best_peer(char *buf, size_t cap, const pb_pair_point *pt, pb_backend be);
/* 1 when a component of the report has a peer implementation. */
int  pb_rep_any_peer(const report *R);
/* Every pair (component and scenario) that ran; the number of rows. */
size_t pb_rep_each_pair(sbuf *out, const report *R, pb_backend be,
                        pb_rep_pair_row *row);
/* Every claim of the components that ran, or only those of `only`. */
void pb_rep_each_claim(sbuf *out, const report *R, const pb_component *only,
                       pb_backend be, pb_rep_claim_row *row);
/* Every environment row. */
void pb_rep_each_env(sbuf *out, const report *R, pb_rep_env_row *row);
/* Counts the claims of the components that ran, by verdict in the first
 * series that evaluated each; lists their ids into the buffers. */
void pb_rep_claim_tally(const report *R, int count[V_KINDS], char ids[V_KINDS][512]);

/* --- the writers (html.c, markdown.c) ------------------------------------- */

/* Appends the whole page (index.html), with the charts drawn in C. */
void pb_rep_html_page(sbuf *h, const report *R, const charts *C, const warnings *w);
/* Appends the whole summary (summary.md). */
void pb_rep_md_summary(sbuf *m, const report *R, const warnings *w);

#endif
