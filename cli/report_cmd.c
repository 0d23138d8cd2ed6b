/*
 * `pairbench report FILE... [--massif MASSIF.json] [--out DIR]`: the
 * arguments; the report itself is reports/report.c's pb_report_write.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../reports/report.h"

static int usage(const char *fmt, const char *arg)
{
    fputs("pairbench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (usage: pairbench report RESULTS.json [MORE.json ...]"
          " [--massif MASSIF.json] [--out DIR])\n", stderr);
    return 2;
}

int pb_report_main(int argc, char **argv, const pb_component *const *components)
{
    const char *files[PB_REPORT_MAX_FILES];
    size_t n_files = 0;
    const char *out_dir = PB_REPORT_DEFAULT_OUT;
    const char *massif_path = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--massif")) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage("--massif needs a MASSIF.json file%s", "");
            massif_path = argv[++i];
        } else if (!strncmp(a, "--massif=", 9)) {
            if (!a[9])
                return usage("--massif needs a MASSIF.json file%s", "");
            massif_path = a + 9;
        } else if (!strcmp(a, "--out")) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage("--out needs a directory%s", "");
            out_dir = argv[++i];
        } else if (!strncmp(a, "--out=", 6)) {
            if (!a[6])
                return usage("--out needs a directory%s", "");
            out_dir = a + 6;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option '%s'", a);
        } else if (n_files == PB_REPORT_MAX_FILES) {
            return usage("at most 8 results files, not more (at '%s')", a);
        } else {
            files[n_files++] = a;
        }
    }
    if (n_files == 0)
        return usage("report wants at least one results file%s", "");
    return pb_report_write(files, n_files, massif_path, out_dir, components);
}
