/*
 * The report: the page and the summary of `pairbench report`, built in
 * memory from result files of `pairbench run` (cli/report_cmd.c writes
 * them to DIR):
 *   index.html      one self-contained page: an overview (every pair's
 *                   speed-up and allocations at its reference N, the seeds'
 *                   claims that hold and those that do not, the environment
 *                   and its warnings), then per component its anti-pattern
 *                   and fix, its source files, fits, crossovers, claims and
 *                   per scenario a naive-vs-optimized table per N with a
 *                   log-log time chart and an allocations chart. Charts are
 *                   drawn by gnuplot as SVG and inlined; the page has inline
 *                   CSS, no script, no font, image or link outside itself.
 *   summary.md      the overview as GitHub-flavoured Markdown (a CI job
 *                   summary).
 *
 * With --history DB (the results history, read by the command line), each
 * scenario gets a chart of its speed-up over the runs of each file's
 * machine identity once there are 2 runs or more (charts.c).
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
 * Each file is read once as a result set and analysed once with this
 * build's components (reports/series.c, over reports/model/); the numbers
 * are formatted by reports/emit/. The report parses no JSON of its own
 * except the --massif file.
 *
 * Failure contract: a missing, malformed or truncated file or bad usage
 * print one line and return 2 before gnuplot runs; gnuplot missing or
 * failing, or no memory, print one line and return 1. Nothing is written
 * to any file here (gnuplot's script and error output go through
 * tmpfile()).
 *
 * This file is the entry point; the parts are drawn by sbuf.c (buffer,
 * escapes), format.c (numbers), series.c (the inputs), warnings.c,
 * massif_data.c, overview.c (the overview's rows), charts.c (gnuplot,
 * SVG), html.c (the page) and markdown.c (the summary), sharing
 * report_internal.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* Hands b's text to *text and *len (an empty string when b is empty),
 * leaving b empty. 0, or -1 when out of memory. */
static int take(sbuf *b, char **text, size_t *len)
{
    if (!b->p && !(b->p = calloc(1, 1)))
        return -1;
    *text = b->p;
    *len = b->len;
    memset(b, 0, sizeof *b);
    return 0;
}

int pb_report_build(const char *const *files, size_t n_files, const char *massif_path,
                    const pb_report_history *history,
                    const pb_component *const *components, pb_report_out *out)
{
    memset(out, 0, sizeof *out);
    if (n_files == 0 || n_files > PB_REPORT_MAX_FILES) {
        fprintf(stderr, "pairbench: report takes 1 to %d results files\n",
                PB_REPORT_MAX_FILES);
        return 2;
    }
    report *R = calloc(1, sizeof *R);
    warnings *w = calloc(1, sizeof *w);
    charts C = { 0 };
    sbuf html = { 0 }, md = { 0 };
    int rc = 2;
    if (!R || !w) {
        fprintf(stderr, "pairbench: out of memory\n");
        rc = 1;
        goto done;
    }
    R->comps = components;
    R->history = history;

    /* 1. Every input, before gnuplot runs. */
    char err[600];
    if (pb_rep_load(R, files, n_files, err, sizeof err) != 0 ||
        (massif_path && pb_rep_massif_load(R, massif_path, err, sizeof err) != 0)) {
        fprintf(stderr, "pairbench: %s\n", err);
        goto done;
    }

    pb_rep_match_history(R);

    /* 2. Charts, page and summary, in memory. */
    rc = 1;
    pb_rep_collect_warnings(R, w);
    if (pb_rep_draw_charts(&C, R) != 0)
        goto done;
    pb_rep_html_page(&html, R, &C, w);
    pb_rep_md_summary(&md, R, w);
    if (html.oom || md.oom || take(&html, &out->html, &out->html_len) != 0 ||
        take(&md, &out->markdown, &out->markdown_len) != 0) {
        fprintf(stderr, "pairbench: out of memory building the report\n");
        pb_report_out_free(out);
        goto done;
    }
    rc = 0;
done:
    pb_sb_free(&html);
    pb_sb_free(&md);
    pb_rep_charts_free(&C);
    if (R) {
        pb_rep_unload(R);
        pb_rep_massif_free(R);
    }
    free(R);
    free(w);
    return rc;
}

void pb_report_out_free(pb_report_out *out)
{
    free(out->html);
    free(out->markdown);
    memset(out, 0, sizeof *out);
}
