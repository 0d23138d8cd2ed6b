/*
 * The results model and its analysis: rows as Google Benchmark reported
 * them, loaded from a results file or added live, and the analysis of
 * pairs, fits, crossovers and claims. Knows the scenario API (for the
 * registry and its claims), nothing of the engine.
 */
#ifndef PAIRBENCH_MODEL_H
#define PAIRBENCH_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include "pairbench/harness.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- results, as reported by gbench  ------------------------- */

typedef struct pb_result {
    char     name[200];               /* as gbench names the row */
    char     case_name[160];          /* component/impl/scenario/N, or
                                         component/impl/scenario for BigO/RMS */
    char     aggregate[16];           /* "" for a single run, else "median",
                                         "mean", "stddev", "cv", "BigO", "RMS" */
    int      error;                   /* the case reported an error */
    char     error_message[200];
    int64_t  iterations;
    double   ns_per_op;               /* real time per op (not for cv/BigO/RMS) */
    double   cv;                      /* cv rows: coefficient of variation */
    char     big_o[8];                /* BigO rows: "(1)", "lgN", "N", ... */
    double   rms;                     /* RMS rows: relative RMS of the fit */
    /* counters; -1 when absent */
    double   allocs_per_op, bytes_per_op, peak_heap_bytes, peak_rss_bytes;
    double   p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
    /* the scenario's own counters, as reported: "<name>_per_op" */
    int      n_counters;
    struct { char name[48]; double value; } counters[PB_MAX_COUNTERS];
} pb_result;

/* Records a reported counter in *r when it is a component counter (a name
 * ending in "_per_op" other than allocs_per_op and bytes_per_op). */
void pb_result_add_counter(pb_result *r, const char *name, double value);
/* A component counter of a row by its scenario name ("hits"), per op, or -1. */
double pb_result_counter(const pb_result *r, const char *name);

/* --- results (results.c) ------------------------------------------------ */

/* A result with every counter marked absent. */
void pb_result_init(pb_result *r);
void pb_results_add(const pb_result *r);
void pb_results_clear(void);
size_t pb_results_count(void);
const pb_result *pb_results_at(size_t i);
/* A copy of JSON text with the non-finite numbers gbench prints (NaN,
 * Infinity, nan, inf) as null, so cJSON and strict readers accept it.
 * Caller frees; NULL when out of memory. */
char *pb_json_sanitize(const char *text);
/* Loads the benchmarks of a Google Benchmark JSON file as results (after
 * clearing them). 0, or -1 with a one-line reason in err. */
int  pb_results_load(const char *path, char *err, size_t err_cap);
/* The row standing for a case: its median when repeated, else its single
 * run; NULL when the case did not run or failed. */
const pb_result *pb_results_pick(const char *case_name);
/* The aggregate row `aggregate` of a case or family, or NULL. */
const pb_result *pb_results_find(const char *case_name, const char *aggregate);

/* --- analysis (analysis.c) ---------------------------------------------- */

#define PB_CV_TRUST_LIMIT 0.10         /* cv above this: flagged */

/* Prints the pair table, complexities, crossovers and the claims. */
void pb_report_print(FILE *out, const pb_component *const *components);
/* Adds a "pairbench" object (crossovers, complexities, claims, flagged
 * cases) to the JSON file at path, rewriting it in place atomically.
 * 0, or -1 with a message printed. */
int  pb_report_json(const char *path, const pb_component *const *components);
/* Prints only the claims table; returns how many claims were evaluated. */
size_t pb_claims_print(FILE *out, const pb_component *const *components);
/* The "pairbench" object (crossovers, complexities, claims, pairs) of the
 * loaded results, as pb_report_json adds it. Caller frees (cJSON_Delete);
 * declared as void * so this header does not need cJSON. */
void  *pb_report_block_new(const pb_component *const *components);
/* 1 when the component has implementations named naive and optimized. */
int    pb_is_pair(const pb_component *c);
/* The whole file as a NUL-terminated string, or NULL with a one-line
 * reason in err. Caller frees. */
char  *pb_read_file(const char *path, char *err, size_t err_cap);

#ifdef __cplusplus
}
#endif

#endif
