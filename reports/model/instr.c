/*
 * The instr file of `pairbench instr` (context kind "pairbench-instr"), as
 * the gate reads it: checked whole when parsed, so a gate never compares
 * a missing, mistyped or out-of-range count (which would turn a check off
 * silently). Cost: one parse, and a sort of the names for duplicates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model.h"

void pb_instr_free(pb_instr_file *f)
{
    if (!f)
        return;
    cJSON_Delete(f->root);
    free(f->cases);
    free(f);
}

static int cmp_case(const void *a, const void *b)
{
    return strcmp(((const pb_instr_case *)a)->name, ((const pb_instr_case *)b)->name);
}

/* The checked cases of an instr tree into f; 0, or -1 with err. */
static int instr_cases(pb_instr_file *f, const cJSON *cases, const char *what,
                       char *err, size_t cap)
{
    int n = cJSON_GetArraySize(cases);
    if (!cJSON_IsArray(cases) || n == 0) {
        snprintf(err, cap, "%s: cases is %s: an instr file with no case checks"
                 " nothing", what, cJSON_IsArray(cases) ? "empty" : "not an array");
        return -1;
    }
    f->cases = calloc((size_t)n, sizeof *f->cases);
    if (!f->cases) {
        snprintf(err, cap, "out of memory reading %s", what);
        return -1;
    }
    static const char *const counts[] = { "instructions_per_op", "allocs_per_op" };
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach(c, cases) {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(c, "name");
        if (!cJSON_IsString(nm) || !nm->valuestring[0]) {
            snprintf(err, cap, "%s: case %d: name is %s, want a non-empty string",
                     what, i, cJSON_IsNumber(nm) ? "a number" : nm ? "not a string"
                     : "missing");
            return -1;
        }
        pb_instr_case *ic = &f->cases[i];
        ic->name = nm->valuestring;
        double *dst[2] = { &ic->instructions_per_op, &ic->allocs_per_op };
        for (int k = 0; k < 2; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, counts[k]);
            char why[160];
            if (!cJSON_IsNumber(v)) {
                snprintf(err, cap, "%s: case %.200s: %s is %s, want a number >= 0",
                         what, ic->name, counts[k], !v ? "missing" :
                         cJSON_IsString(v) ? "a string" : cJSON_IsNull(v) ? "null" :
                         "not a number");
                return -1;
            }
            if (pb_json_number(c, counts[k], 1e300, 0, dst[k], why, sizeof why) != 0) {
                snprintf(err, cap, "%s: case %.200s: %s", what, ic->name, why);
                return -1;
            }
        }
        static const char *const sql[] = { "sql_statements_per_op", "sql_vm_steps_per_op",
                                           "sql_fullscan_steps_per_op" };
        double *sdst[3] = { &ic->sql_statements_per_op, &ic->sql_vm_steps_per_op,
                            &ic->sql_fullscan_steps_per_op };
        for (int k = 0; k < 3; k++) {
            char why[160];
            *sdst[k] = -1;
            if (!cJSON_GetObjectItemCaseSensitive(c, sql[k]))
                continue;
            if (pb_json_number(c, sql[k], 1e300, 0, sdst[k], why, sizeof why) != 0) {
                snprintf(err, cap, "%s: case %.200s: %s", what, ic->name, why);
                return -1;
            }
        }
        i++;
    }
    f->n = (size_t)n;
    pb_instr_case *sorted = malloc((size_t)n * sizeof *sorted);
    if (!sorted) {
        snprintf(err, cap, "out of memory reading %s", what);
        return -1;
    }
    memcpy(sorted, f->cases, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_case);
    for (int k = 1; k < n; k++)
        if (!strcmp(sorted[k - 1].name, sorted[k].name)) {
            snprintf(err, cap, "%s: case %.200s: name appears twice", what,
                     sorted[k].name);
            free(sorted);
            return -1;
        }
    free(sorted);
    return 0;
}

int pb_instr_parse(const char *text, const char *what, pb_instr_file **out,
                   char *err, size_t cap)
{
    *out = NULL;
    int trailing;
    cJSON *root = pb_json_parse(text, &trailing);
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(root, "context");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(ctx, "kind");
    if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "pairbench-instr") != 0) {
        cJSON_Delete(root);
        return 0;
    }
    pb_instr_file *f = calloc(1, sizeof *f);
    if (!f) {
        cJSON_Delete(root);
        snprintf(err, cap, "out of memory reading %s", what);
        return -1;
    }
    f->root = root;
    if (instr_cases(f, cJSON_GetObjectItemCaseSensitive(root, "cases"), what,
                    err, cap) != 0) {
        pb_instr_free(f);
        return -1;
    }
    *out = f;
    return 1;
}

const pb_instr_case *pb_instr_find(const pb_instr_file *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->cases[i].name, name))
            return &f->cases[i];
    return NULL;
}
