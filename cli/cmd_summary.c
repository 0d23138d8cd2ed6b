/*
 * `pairbench summary FILE` and `pairbench claims FILE`: the analysis of a
 * results file of `pairbench run` (the pair summary with the claims, or
 * the claims alone). A missing or bad file is one line and exit 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "str.h"
#include "../reports/model/model.h"
#include "../reports/emit/emit.h"

static int read_main(const pb_invocation *in)
{
    const char *file = in->args->args[0];
    /* the reason names the file: room for it and the words around */
    size_t cap = strlen(file) + 1024;
    char *err = pb_xmalloc(cap);
    int rc = 0;
    pb_resultset *rs = pb_resultset_load(file, err, cap);
    pb_analysis *an = rs ? pb_analysis_new(rs, in->components) : NULL;
    if (!rs) {
        fprintf(stderr, "pairbench: %s\n", err);
        rc = 2;
    } else if (!an) {
        fprintf(stderr, "pairbench: out of memory analysing %s\n", file);
        rc = 1;
    } else if (in->cmd == &pb_cmd_summary) {
        pb_summary_print(stdout, an);
    } else if (pb_claims_print(stdout, an) == 0) {
        printf("no component in this build states a claim\n");
    }
    pb_analysis_free(an);
    pb_resultset_free(rs);
    free(err);
    return rc;
}

const pb_command pb_cmd_summary = {
    .name = "summary", .args = "FILE", .min_args = 1, .max_args = 1,
    .help = "print the pair summary and claims of a results file",
    .main = read_main,
};

const pb_command pb_cmd_claims = {
    .name = "claims", .args = "FILE", .min_args = 1, .max_args = 1,
    .help = "print the seeds' claims as measured in a results file",
    .main = read_main,
};
