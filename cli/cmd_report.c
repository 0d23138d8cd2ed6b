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

static int report_main(const pb_command *cmd, int argc, char **argv,
                       const pb_component *const *comps)
{
    report_opts o = { NULL, PB_REPORT_DEFAULT_OUT };
    pb_selection sel;
    pb_args a;
    int rc = pb_opts_parse(cmd, argc, argv, &o, &sel, &a, comps);
    if (rc == 0)
        rc = pb_report_write((const char *const *)a.args, a.n_args, o.massif,
                             o.out, comps);
    pb_opts_free(cmd, &o, &sel, &a);
    return rc == PB_OPTS_HELP ? 0 : rc;
}

const pb_command pb_cmd_report = {
    .name = "report", .args = "FILE...", .min_args = 1,
    .max_args = PB_REPORT_MAX_FILES,
    .help = "write DIR/index.html (self-contained, gnuplot charts)\n"
            "and DIR/summary.md from at most 8 results files",
    .opts = report_opts_table,
    .n_opts = sizeof report_opts_table / sizeof report_opts_table[0],
    .main = report_main,
};
