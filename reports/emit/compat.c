/*
 * Compatibility, removed when the report is ported: reports/report.c still
 * reads rows through a "current" result set (pb_results_load, _count, _at,
 * _clear) and asks for the "pairbench" block of it (pb_report_block_new).
 * These keep it building unchanged on top of the result set value and the
 * analysis; new code uses pb_resultset_* and pb_analysis_* directly.
 */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "emit.h"

static pb_resultset *current;

int pb_results_load(const char *path, char *err, size_t err_cap)
{
    pb_resultset *rs = pb_resultset_load(path, err, err_cap);
    if (!rs)
        return -1;
    pb_results_clear();
    current = rs;
    return 0;
}

void pb_results_clear(void)
{
    pb_resultset_free(current);
    current = NULL;
}

size_t pb_results_count(void)
{
    return current ? pb_resultset_count(current) : 0;
}

const pb_result *pb_results_at(size_t i)
{
    return current ? pb_resultset_at(current, i) : NULL;
}

void *pb_report_block_new(const pb_component *const *components)
{
    pb_resultset *empty = current ? NULL : pb_resultset_new();
    const pb_resultset *rs = current ? current : empty;
    if (!rs)
        return NULL;
    pb_analysis *a = pb_analysis_new(rs, components);
    cJSON *block = a ? pb_analysis_block(a) : NULL;
    pb_analysis_free(a);
    pb_resultset_free(empty);
    return block;
}
