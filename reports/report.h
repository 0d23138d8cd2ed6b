/*
 * The report generator's entry point (reports/report.c), called by the
 * command line for `pairbench report RESULTS.json [MORE.json ...] [--out DIR]`.
 */
#ifndef PAIRBENCH_REPORT_H
#define PAIRBENCH_REPORT_H

#include "pairbench/harness.h"

/* Writes DIR/index.html (self-contained, gnuplot SVG charts inlined) and
 * DIR/summary.md (the overview as Markdown) from one or more result files
 * of `pairbench run`; DIR defaults to results/report. argv[0] is the
 * program, argv[1] "report". components is the NULL-terminated registry.
 * Returns the exit status: 0; 2 for bad usage, a missing, malformed or
 * truncated results file, or an unwritable DIR (nothing new is written);
 * 1 when gnuplot is missing or fails, or writing fails (no report is
 * written, a previous one is left untouched). Every failure prints one
 * line starting "pairbench: " on stderr. */
int pb_report_main(int argc, char **argv, const pb_component *const *components);

#endif
