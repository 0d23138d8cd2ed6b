/*
 * `pairbench report FILE... [--massif MASSIF.json] [--out DIR]`: the
 * arguments; the report itself is reports/report.c's pb_report_write.
 */
#include <stddef.h>

#include "cli.h"
#include "../reports/report.h"

typedef struct report_opts {
    const char *massif;
    const char *out;
} report_opts;

static const pb_opt report_opts_table[] = {
    { .name = "--massif", .type = PB_OPT_STRING, .metavar = "MASSIF.json",
      .want = "a MASSIF.json file",
      .help = "heap-over-time charts from `pairbench massif`",
      .offset = offsetof(report_opts, massif) },
    { .name = "--out", .type = PB_OPT_STRING, .metavar = "DIR",
      .want = "a directory",
      .help = "where to write (default " PB_REPORT_DEFAULT_OUT ")",
      .offset = offsetof(report_opts, out) },
};

static const report_opts report_defaults = { NULL, PB_REPORT_DEFAULT_OUT };

static int report_main(const pb_invocation *in)
{
    const report_opts *o = in->opts;
    return pb_report_write((const char *const *)in->args->args, in->args->n_args,
                           o->massif, o->out, in->components);
}

const pb_command pb_cmd_report = {
    .name = "report", .args = "FILE...", .min_args = 1,
    .max_args = PB_REPORT_MAX_FILES,
    .help = "write DIR/index.html (self-contained, gnuplot charts)\n"
            "and DIR/summary.md from at most 8 results files",
    PB_OPTS(report_opts_table, report_opts),
    .opts_default = &report_defaults,
    .main = report_main,
};
