/*
 * libFuzzer target: the results model's reader (pb_resultset_parse) over
 * arbitrary bytes as JSON text (cut at a NUL byte, as a C string is), then
 * every lookup a report makes on what it accepted (the rows, the paired
 * pass's rounds, the instruction counts and the bytes leaked). Built by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../reports/model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    pb_resultset *rs = pb_resultset_parse(text, "fuzz.json", err, sizeof err);
    free(text);
    if (!rs)
        return 0;
    for (size_t i = 0; i < pb_resultset_count(rs); i++) {
        const pb_result *r = pb_resultset_at(rs, i);
        (void)pb_resultset_pick(rs, r->case_name);
        (void)pb_resultset_find(rs, r->case_name, "median");
        (void)pb_resultset_paired(rs, r->case_name);
        (void)pb_resultset_instr(rs, r->case_name);
        (void)pb_resultset_leaked(rs, r->case_name);
    }
    (void)pb_resultset_repetitions(rs);
    pb_resultset_free(rs);
    return 0;
}
