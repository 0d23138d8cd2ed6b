/*
 * The results model and its analysis.
 *
 *   result set  a VALUE (pb_resultset *): the rows of one Google Benchmark
 *               JSON file, read once by ONE reader (pb_resultset_load) with
 *               the file's context kept, indexed by case name; freed by the
 *               caller. A live run is a result set too: gbench writes its
 *               JSON and `run` loads it once (the engine knows nothing of
 *               this model).
 *   analysis    a VALUE (pb_analysis *) computed ONCE from a result set and
 *               the components of this build: pair points with their
 *               ratios and cv, fits, crossovers, claims with verdicts,
 *               untrusted points. Every writer (console, JSON block,
 *               Markdown, HTML) reads it; none recomputes it. The numbers
 *               are formatted in reports/emit/, never here.
 *
 * A results file that already carries a "pairbench" block: the analysis is
 * ALWAYS recomputed from the rows with the components of this build, so one
 * analysis exists; the stored block is kept only as the file had it
 * (pb_resultset_stored_block) and is replaced when the file is rewritten.
 * A claim of a component that is not in this build is therefore not
 * reported (its rows still are, as rows).
 *
 * Knows the scenario API (for the registry and its claims), nothing of the
 * engine or of any writer.
 */
#ifndef PAIRBENCH_MODEL_H
#define PAIRBENCH_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include "pairbench/harness.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* --- one row, as gbench reported it --------------------------------------- */

/* Counters kept per row: the scenario's (PB_MAX_COUNTERS) and the
 * harness's probes (about 36 for a file scenario with SQL). */
#define PB_RESULT_MAX_COUNTERS 64

typedef struct pb_result {
    char     name[200];               /* as gbench names the row */
    char     case_name[160];          /* component/impl/scenario/N, or
                                         component/impl/scenario for BigO/RMS */
    char     aggregate[16];           /* "" for a single run, else "median",
                                         "mean", "stddev", "cv", "BigO", "RMS" */
    int      error;                   /* the case reported an error */
    char     error_message[200];
    int64_t  iterations;
    int      repetition_index;        /* iteration rows of a repeated case:
                                         0, 1, ...; -1 when absent */
    double   ns_per_op;               /* real time per op (not for cv/BigO/RMS) */
    double   cv;                      /* cv rows: coefficient of variation */
    char     big_o[8];                /* BigO rows: "(1)", "lgN", "N", ... */
    double   rms;                     /* RMS rows: relative RMS of the fit */
    /* counters; -1 when absent */
    double   allocs_per_op, bytes_per_op, peak_heap_bytes, peak_rss_bytes;
    double   rss_growth_bytes;        /* peak RSS over the RSS before the
                                         component was built */
    double   p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
    /* the scenario's own counters and the probes', as reported:
     * "<name>_per_op" ("hits_per_op", "sys_write_per_op") */
    int      n_counters;
    struct { char name[48]; double value; } counters[PB_RESULT_MAX_COUNTERS];
} pb_result;

/* A result with every counter marked absent. */
void pb_result_init(pb_result *r);
/* Records a reported counter in *r when it is a component counter (a name
 * ending in "_per_op" other than allocs_per_op and bytes_per_op). */
void pb_result_add_counter(pb_result *r, const char *name, double value);
/* A counter of a row by its name without "_per_op" ("hits", "sys_write"),
 * per op, or -1. */
double pb_result_counter(const pb_result *r, const char *name);

/* --- the result set (results.c) ------------------------------------------ */

typedef struct pb_resultset pb_resultset;

/* THE reader: the benchmarks of a Google Benchmark JSON file (with or
 * without a "pairbench" block), its context and the whole tree kept for
 * rewriting. NULL with a one-line reason in err (missing, malformed,
 * truncated, a row without name, run_name, run_type or a known time_unit).
 * Free with pb_resultset_free. */
pb_resultset *pb_resultset_load(const char *path, char *err, size_t err_cap);
/* The same from JSON text in memory; `what` names it in err. */
pb_resultset *pb_resultset_parse(const char *text, const char *what,
                                 char *err, size_t err_cap);
/* An empty set with an empty context, for rows built by hand (tests);
 * NULL when out of memory. */
pb_resultset *pb_resultset_new(void);
/* Appends a row (and indexes it). 0, or -1 when out of memory. */
int  pb_resultset_add(pb_resultset *rs, const pb_result *r);
void pb_resultset_free(pb_resultset *rs);

size_t           pb_resultset_count(const pb_resultset *rs);
/* Rows in file order; NULL past the end. */
const pb_result *pb_resultset_at(const pb_resultset *rs, size_t i);
/* The first row of a case (or BigO/RMS family) name in file order, and the
 * next row of the same name after r; NULL when none. O(1) by a hash index. */
const pb_result *pb_resultset_first(const pb_resultset *rs, const char *case_name);
const pb_result *pb_resultset_next(const pb_resultset *rs, const pb_result *r);
/* The first row of a case with aggregate `aggregate` ("" = a single run),
 * or NULL. Looks at the rows of that case only. */
const pb_result *pb_resultset_find(const pb_resultset *rs, const char *case_name,
                                   const char *aggregate);
/* The row standing for a case: its median when repeated, else its single
 * run; NULL when the case did not run or failed. */
const pb_result *pb_resultset_pick(const pb_resultset *rs, const char *case_name);
/* The most iteration rows (repetitions) any one case has; 0 when none. */
int  pb_resultset_repetitions(const pb_resultset *rs);
/* 1 when a row's case name starts with "component/". */
int  pb_resultset_has_component(const pb_resultset *rs, const char *component);

/* The file's "context" object, and its whole tree (context, benchmarks and
 * whatever else it had), borrowed; never NULL. */
const struct cJSON *pb_resultset_context(const pb_resultset *rs);
const struct cJSON *pb_resultset_json(const pb_resultset *rs);
/* The "pairbench" block the file carried, or NULL. Not used by the
 * analysis (see the header). */
const struct cJSON *pb_resultset_stored_block(const pb_resultset *rs);
/* A context value as text: strings as they are, numbers and booleans
 * printed into buf; NULL when absent. */
const char *pb_resultset_context_text(const pb_resultset *rs, const char *key,
                                      char *buf, size_t cap);

/* Nanoseconds in one gbench time_unit ("ns", "us", "ms", "s"; NULL is ns),
 * or -1 for an unknown unit. */
double pb_time_unit_ns(const char *unit);
/* A copy of JSON text with the non-finite numbers gbench prints (NaN,
 * Infinity, nan, inf) as null, so cJSON and strict readers accept it.
 * Caller frees; NULL when out of memory. */
char *pb_json_sanitize(const char *text);
/* The whole file as a NUL-terminated string, or NULL with a one-line
 * reason in err (unreadable, or a NUL byte inside: never read as the
 * shorter text). Caller frees. */
char *pb_read_file(const char *path, char *err, size_t err_cap);
/* JSON text (sanitized as above) parsed as ONE value with nothing but white
 * space after it. The tree (caller frees with cJSON_Delete), or NULL:
 * *trailing is 1 when a complete value was followed by other text, 0 when
 * malformed, truncated or out of memory. */
struct cJSON *pb_json_parse(const char *text, int *trailing);
/* The largest double below 2^63: the bound of a whole number read into an
 * int64_t. */
#define PB_INT64_BELOW 9223372036854774784.0
/* Number `key` of obj checked before any conversion: absent or not a
 * number (null is gbench's NaN) sets *out = -1 and returns 0; a finite
 * number in [0, hi] (whole when `whole`) is stored and returns 0; else -1
 * with "KEY is V, out of range (...)" in why and *out = -1. */
int pb_json_number(const struct cJSON *obj, const char *key, double hi, int whole,
                   double *out, char *why, size_t cap);

/* --- the paired pass (results.c) ------------------------------------------
 * `run` times naive and optimized of every pair point again after gbench,
 * in alternating rounds (AB BA AB ..., pb_run_paired), and keeps each
 * round's time per op of either side in the file, beside gbench's rows;
 * and the optimized implementation against each peer (an implementation
 * other than naive and optimized, on a well-known library) the same way,
 * under the peer's case name:
 *
 *   "pairbench_paired": { "task_store/get_hit/1000":
 *       { "naive_ns": [r0, r1, ...], "optimized_ns": [r0, r1, ...] },
 *     "task_store/uthash/get_hit/1000":
 *       { "peer_ns": [r0, r1, ...], "optimized_ns": [r0, r1, ...] }, ... }
 *
 * The analysis computes the ratios and their interval from these figures
 * (so a report of the file recomputes the same numbers). */
#define PB_PAIRED_MAX_ROUNDS 64

typedef struct pb_paired {
    char   point[160];                /* component/scenario/N, or a peer's
                                         case component/PEER/scenario/N */
    int    rounds;                    /* 2..PB_PAIRED_MAX_ROUNDS */
    int    peer;                      /* 1: the optimized one against a peer */
    union {                           /* the other side's times */
        double naive_ns[PB_PAIRED_MAX_ROUNDS];
        double peer_ns[PB_PAIRED_MAX_ROUNDS];
    };
    double optimized_ns[PB_PAIRED_MAX_ROUNDS];
} pb_paired;

/* Adds a point's rounds to the set and to its JSON tree (replacing the
 * point's earlier rounds). 0, or -1 when out of memory, rounds is out of
 * 2..PB_PAIRED_MAX_ROUNDS or a time is not finite and >= 0. */
int pb_resultset_add_paired(pb_resultset *rs, const char *point, int rounds,
                            const double *naive_ns, const double *optimized_ns);
/* The same for the optimized implementation against a peer; peer_case is
 * the peer's case name (component/PEER/scenario/N). */
int pb_resultset_add_peer_paired(pb_resultset *rs, const char *peer_case, int rounds,
                                 const double *peer_ns, const double *optimized_ns);
/* Sets a string in the set's context (replacing it); 0, or -1 when out of
 * memory. */
int pb_resultset_set_context(pb_resultset *rs, const char *key, const char *value);
/* The rounds of a point (or of a peer's case), or NULL (linear in the
 * points). */
const pb_paired *pb_resultset_paired(const pb_resultset *rs, const char *point);

/* --- instruction counts across N (results.c) --------------------------------
 * `run --instr-fits` counts, under callgrind (as `pairbench instr` does),
 * the instructions per op of every case of the scenarios that complexity
 * and growth claims name, at every N, and keeps them in the file:
 *
 *   "pairbench_instructions": { "task_store/optimized/get_hit/1000": 118.4, ... }
 *
 * The analysis fits them across N (pb_scenario_result.instr_fit) and
 * judges those claims on them: instruction counts do not see the cache
 * hierarchy, which a wall-time fit does. */

/* Adds (replaces) a case's instructions per op, in the set and its tree.
 * 0, or -1 when out of memory or v is not finite and >= 0. */
int    pb_resultset_add_instr(pb_resultset *rs, const char *case_name, double v);
/* A case's instructions per op, or -1 when the file has none. */
double pb_resultset_instr(const pb_resultset *rs, const char *case_name);

/* --- bytes leaked (results.c) ---------------------------------------------
 * `run --memcheck` runs, under Valgrind's memcheck, `exec CASE` (set-up,
 * one batch, teardown, exit) for every case of the scenarios and sizes
 * that claims on PB_METRIC_LEAKED name, every implementation, and keeps
 * the bytes memcheck reports "definitely lost" in the file:
 *
 *   "pairbench_memcheck": { "listener_leak/optimized/emit/100": 0, ... } */

/* Adds (replaces) a case's bytes definitely lost. 0, or -1 when out of
 * memory or bytes is not a whole number >= 0. */
int    pb_resultset_add_leaked(pb_resultset *rs, const char *case_name, double bytes);
/* A case's bytes definitely lost, or -1 when the file has none. */
double pb_resultset_leaked(const pb_resultset *rs, const char *case_name);

/* --- the instr file of `pairbench instr` (instr.c) ------------------------ */

typedef struct pb_instr_case {
    const char *name;                 /* borrowed from the tree */
    double      instructions_per_op;  /* finite, >= 0 */
    double      allocs_per_op;        /* finite, >= 0 */
    /* SQLite's counts of a case on a watched connection (the SQL probe),
     * each finite and >= 0, or -1 when the case has none */
    double      sql_statements_per_op, sql_vm_steps_per_op, sql_fullscan_steps_per_op;
} pb_instr_case;

typedef struct pb_instr_file {
    struct cJSON  *root;              /* the whole file, owned */
    pb_instr_case *cases;             /* file order, names unique */
    size_t         n;                 /* at least 1 */
} pb_instr_file;

/* Reads JSON text as an instr file. 1: *out is the file, every case with a
 * non-empty string name (unique) and both counts finite numbers >= 0
 * (the SQL counts, optional, too when present);
 * free with pb_instr_free. 0: not an instr file (not one complete JSON
 * value, or no context kind "pairbench-instr"); *out NULL, err untouched.
 * -1: an instr file that cannot be compared (no case, or a case with a
 * name or count missing, mistyped or out of range, or out of memory);
 * *out NULL, err one line naming `what`, the case and the field. */
int  pb_instr_parse(const char *text, const char *what, pb_instr_file **out,
                    char *err, size_t cap);
void pb_instr_free(pb_instr_file *f);
/* The case of that name, or NULL (linear). */
const pb_instr_case *pb_instr_find(const pb_instr_file *f, const char *name);

/* --- the analysis (analysis.c) ------------------------------------------- */

#define PB_CV_TRUST_LIMIT 0.10         /* cv above this: untrusted */
#define PB_CLAIM_MAX_PARTS 16          /* scenarios listed by one claim */

/* Claims judged on paired time ratios carry a 95% interval: HOLDS when
 * the whole interval meets the threshold, FAILS when the whole interval
 * misses it, INCONCLUSIVE when it straddles it. Claims on deterministic
 * figures (counts, bytes) have no interval. */
typedef enum pb_verdict {
    PB_VERDICT_NOT_MEASURED, PB_VERDICT_HOLDS, PB_VERDICT_FAILS, PB_VERDICT_INCONCLUSIVE
} pb_verdict;

/* Resamples of the bootstrap and its confidence level. */
#define PB_BOOTSTRAP_RESAMPLES 4000
#define PB_CONFIDENCE          0.95

typedef enum pb_cross_kind {
    PB_CROSS_NO_DATA, PB_CROSS_ALWAYS, PB_CROSS_FROM, PB_CROSS_NEVER
} pb_cross_kind;

/* The smallest N of the sweep from which the optimized implementation is
 * faster at every larger N measured for both. */
typedef struct pb_crossover {
    pb_cross_kind kind;
    int64_t       n;          /* ALWAYS, FROM: first N of the faster tail */
    int64_t       first_n;    /* smallest N measured for both */
    int64_t       last_n;     /* largest N measured for both */
    size_t        points;     /* N measured for both */
} pb_crossover;

/* A peer of a pair at one N: the optimized implementation's time over the
 * peer's (above 1: the peer is faster), with the paired pass, the median
 * of the rounds' ratios optimized_ns[r] / peer_ns[r] and its bootstrap
 * interval (as the speed-up's); without, the ratio of the gbench medians,
 * paired_rounds 0 and lo = hi = -1; -1 when either row is missing. */
#define PB_MAX_PEERS 4
typedef struct pb_peer_point {
    const pb_impl   *impl;            /* the peer */
    const pb_result *row;             /* its picked row, or NULL */
    double           ratio, ratio_lo, ratio_hi;
    int              paired_rounds;
} pb_peer_point;

/* One component/scenario/N of a pair with a row for either implementation. */
typedef struct pb_pair_point {
    int64_t          n;
    const pb_result *naive, *optimized;   /* picked rows (borrowed), or NULL */
    double           naive_cv, optimized_cv;  /* -1 when not repeated */
    /* naive / optimized time, -1 without both: with a paired pass, the
     * median of the rounds' ratios (naive_ns[r] / optimized_ns[r]) and its
     * bootstrap 95% interval [speedup_lo, speedup_hi] (percentiles of the
     * median over PB_BOOTSTRAP_RESAMPLES resamples of the rounds, seeded
     * by the point's name: the same file gives the same interval);
     * without (an older file, a failed pass), the ratio of the gbench
     * medians, paired_rounds 0 and lo = hi = -1. */
    double           speedup;
    double           speedup_lo, speedup_hi;
    int              paired_rounds;
    int              untrusted;   /* a cv above the trust limit */
    /* the component's peers at this N, in impls order (those with a row
     * or not), and the best: the one with the least median time per op
     * (-1 when no peer has a row) */
    pb_peer_point    peers[PB_MAX_PEERS];
    size_t           n_peers;
    int              best_peer;
} pb_pair_point;


/* A least-squares fit y = coef * f(N) over the sizes, of the candidate f
 * with the least RMS, as Google Benchmark's oAuto: f in 1, lgN, N, NlgN,
 * N^2, N^3, named as gbench names them ("(1)", "lgN", "N", "NlgN", "N^2",
 * "N^3"). rms is the root mean square of the residuals over the mean of
 * y. big_o NULL when fewer than 2 sizes have a value. */
typedef struct pb_big_o {
    const char *big_o;
    double      coef, rms;
    int         points;
} pb_big_o;

/* Fits y[i] at n[i] (k points; values < 0 are skipped). */
void pb_fit_big_o(const int64_t *n, const double *y, int k, pb_big_o *out);

/* One implementation at one N of a component that is not a pair. */
typedef struct pb_solo_point {
    const pb_impl   *impl;
    int64_t          n;
    const pb_result *row;
} pb_solo_point;

typedef struct pb_scenario_result {
    const pb_scenario *scenario;
    int                shown;       /* a row at any N (pair: either side) */
    pb_pair_point     *points;      /* pairs: in the order of the sizes */
    size_t             n_points;
    pb_big_o           fit[2];      /* pairs: [0] naive, [1] optimized: the
                                       wall-time fit (gbench's BigO and RMS
                                       rows when the file has them, else
                                       pb_fit_big_o of the medians; rms -1
                                       when a BigO row has no RMS row) */
    pb_big_o           instr_fit[2];/* the same of instructions per op, when
                                       the file has them at 2+ sizes */
    pb_crossover       crossover;   /* pairs */
    pb_solo_point     *solo;        /* not a pair: per impl, per N */
    size_t             n_solo;
} pb_scenario_result;

/* One scenario of a complexity or growth claim. */
typedef struct pb_claim_part {
    const pb_scenario *scenario;
    const char        *naive_big_o;     /* complexity: NULL when absent */
    const char        *optimized_big_o;
    double             optimized_rms;   /* complexity: -1 when absent */
    double             growth;          /* growth: value at hi / value at lo */
    /* 1 when the part was judged on instructions per op (complexity: the
     * instruction fit; growth of a time claim: the instruction counts),
     * 0 on wall time; time_big_o is then gbench's wall-time fit of the
     * optimized implementation, shown beside it (NULL when absent) */
    int                on_instructions;
    const char        *time_big_o;
    double             time_growth;     /* growth on wall time, -1 absent */
    /* slope claims: the metric's growth per unit of N, optimized and
     * (when has_naive_slope) naive */
    double             slope, naive_slope;
    int                has_naive_slope;
} pb_claim_part;

typedef struct pb_claim_result {
    const pb_claim    *claim;
    pb_verdict         verdict;
    double             value;      /* what is compared with the threshold
                                      (may be -INFINITY for a reduction
                                      from 0); 0 when not measured */
    /* time-ratio claims (SPEEDUP, REDUCTION of time) with paired rounds:
     * the deciding point's 95% interval of value; has_interval 0 else */
    int                has_interval;
    double             value_lo, value_hi;
    /* speed-up, reduction, p99, value claims: the deciding point */
    int                points;     /* points seen */
    const pb_component *at_component;   /* suite claims: the deciding
                                          component (peak RSS) */
    const pb_scenario *at_scenario;
    int64_t            at_n;
    double             naive_value, optimized_value;
    /* complexity, growth and slope claims: the scenarios measured */
    pb_claim_part      parts[PB_CLAIM_MAX_PARTS];
    size_t             n_parts;
    int64_t            growth_lo, growth_hi;   /* growth, slope: the two N */
} pb_claim_result;

typedef struct pb_component_result {
    const pb_component *component;
    int                 ran;        /* a row of the component exists */
    int                 pair;       /* naive and optimized implementations */
    pb_scenario_result *scenarios;  /* every scenario, in order */
    size_t              n_scenarios;
    pb_claim_result    *claims;     /* every claim, in order, when ran */
    size_t              n_claims;
} pb_component_result;

typedef struct pb_analysis {
    const pb_resultset  *results;   /* borrowed: free the analysis first */
    int                  repeated;  /* medians over repetitions */
    double               cv_trust_limit;
    pb_component_result *components;   /* every component of the build */
    size_t               n_components;
    size_t               n_untrusted;  /* pair points with a cv above it */
    const pb_result    **noisy;        /* every cv row above the limit (any
                                          case, pair or not), file order */
    size_t               n_noisy;
} pb_analysis;

/* The analysis of rs with the components of this build (NULL-terminated);
 * NULL when out of memory. rs must outlive it. */
pb_analysis *pb_analysis_new(const pb_resultset *rs,
                             const pb_component *const *components);
void         pb_analysis_free(pb_analysis *a);
/* The analysis of a component or of one of its scenarios, or NULL. */
const pb_component_result *pb_analysis_component(const pb_analysis *a,
                                                 const char *component);
const pb_scenario_result  *pb_analysis_scenario(const pb_analysis *a,
                                                const char *component,
                                                const char *scenario);
/* "holds", "DOES NOT HOLD", "inconclusive", "not measured". */
const char  *pb_verdict_name(pb_verdict v);
/* 1 when the component has implementations named naive and optimized. */
int          pb_is_pair(const pb_component *c);
/* 1 when an implementation is a peer: neither naive nor optimized. */
int          pb_is_peer(const pb_impl *impl);

#ifdef __cplusplus
}
#endif

#endif
