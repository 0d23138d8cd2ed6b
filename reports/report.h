/*
 * The report generator (reports/): DIR/index.html and DIR/summary.md from
 * one or more results files of `pairbench run`. The command line
 * (cli/cmd_report.c) parses the arguments and calls pb_report_write.
 */
#ifndef PAIRBENCH_REPORT_H
#define PAIRBENCH_REPORT_H

#include <stddef.h>
#include "pairbench/harness.h"

#define PB_REPORT_MAX_FILES   8            /* results files in one report */
#define PB_REPORT_DEFAULT_OUT "results/report"

/* Writes out_dir/index.html (self-contained, gnuplot SVG charts inlined)
 * and out_dir/summary.md (the overview as Markdown) from n_files results
 * files (1..PB_REPORT_MAX_FILES), with heap-over-time charts from
 * massif_path (a MASSIF.json, or NULL); out_dir NULL is
 * PB_REPORT_DEFAULT_OUT. components is the NULL-terminated registry.
 * Returns the exit status: 0; 2 for a missing, malformed or truncated
 * input, or an unwritable out_dir (nothing new is written); 1 when gnuplot
 * is missing or fails, or writing fails (no report is written, a previous
 * one is left untouched). Every failure prints one line starting
 * "pairbench: " on stderr. */
int pb_report_write(const char *const *files, size_t n_files,
                    const char *massif_path, const char *out_dir,
                    const pb_component *const *components);

#endif
