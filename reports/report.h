/*
 * The report generator (reports/): the page (index.html) and the summary
 * (summary.md) of one or more results files of `pairbench run`, built in
 * memory. It writes no file: the command line (cli/report_cmd.c) parses
 * the arguments, checks the output directory, calls pb_report_build and
 * writes both results.
 */
#ifndef PAIRBENCH_REPORT_H
#define PAIRBENCH_REPORT_H

#include <stddef.h>
#include "pairbench/harness.h"

#define PB_REPORT_MAX_FILES   8            /* results files in one report */
#define PB_REPORT_DEFAULT_OUT "results/report"

/* The report in memory; each text is NUL-terminated, owned by the caller
 * (pb_report_out_free). */
typedef struct pb_report_out {
    char   *html;            /* index.html: self-contained, gnuplot SVG charts
                                inlined */
    size_t  html_len;
    char   *markdown;        /* summary.md: the overview as Markdown */
    size_t  markdown_len;
} pb_report_out;

/* The results history to chart (`report --history DB`: the command line
 * reads the database into these plain values): the histories of the
 * machines (reports/model/history.h). Each results file whose machine
 * identity has one with 2 runs or more gets, per scenario, a chart of the
 * speed-up over those runs. */
struct pb_history;
typedef struct pb_report_history {
    const struct pb_history *const *h;
    size_t                          n;
} pb_report_history;

/* The runs of a machine the report charts: its last ones. */
#define PB_REPORT_HISTORY_RUNS 50

/* Builds the page and the summary from n_files results files
 * (1..PB_REPORT_MAX_FILES), with heap-over-time charts from massif_path
 * (a MASSIF.json, or NULL) and history charts from history (NULL: none);
 * components is the NULL-terminated registry.
 * Returns the exit status: 0 with *out filled; 2 for a missing, malformed
 * or truncated input (found before gnuplot runs); 1 when gnuplot is
 * missing or fails, or memory runs out. On failure *out is empty and one
 * line starting "pairbench: " is printed on stderr. */
int pb_report_build(const char *const *files, size_t n_files, const char *massif_path,
                    const pb_report_history *history,
                    const pb_component *const *components, pb_report_out *out);
/* Frees the texts of out and empties it (an empty out is fine). */
void pb_report_out_free(pb_report_out *out);

#endif
