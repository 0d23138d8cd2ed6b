/*
 * Results: the rows gbench reported, kept for the analysis.
 *
 * They arrive either live, from the shim's reporter (pb_results_add), or from
 * a Google Benchmark JSON file (pb_results_load, with cJSON), so `run` and
 * `claims FILE` share one analysis. Lookups are linear: a run has a few
 * thousand rows at most and is analysed once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model.h"

static pb_result *results;
static size_t n_results, cap_results;

void pb_result_init(pb_result *r)
{
    memset(r, 0, sizeof *r);
    r->ns_per_op = -1;
    r->cv = -1;
    r->rms = -1;
    r->allocs_per_op = r->bytes_per_op = -1;
    r->peak_heap_bytes = r->peak_rss_bytes = -1;
    r->p50_ns = r->p90_ns = r->p99_ns = r->p999_ns = r->max_ns = -1;
}

void pb_result_add_counter(pb_result *r, const char *name, double value)
{
    size_t len = strlen(name), tail = strlen("_per_op");
    if (len <= tail || strcmp(name + len - tail, "_per_op") != 0 ||
        !strcmp(name, "allocs_per_op") || !strcmp(name, "bytes_per_op") ||
        r->n_counters == PB_MAX_COUNTERS || len >= sizeof r->counters[0].name)
        return;
    snprintf(r->counters[r->n_counters].name, sizeof r->counters[0].name, "%s", name);
    r->counters[r->n_counters++].value = value;
}

double pb_result_counter(const pb_result *r, const char *name)
{
    char full[64];
    snprintf(full, sizeof full, "%s_per_op", name);
    for (int i = 0; i < r->n_counters; i++)
        if (strcmp(r->counters[i].name, full) == 0)
            return r->counters[i].value;
    return -1;
}

void pb_results_add(const pb_result *r)
{
    if (n_results == cap_results) {
        size_t cap = cap_results ? cap_results * 2 : 256;
        pb_result *p = realloc(results, cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "pairbench: out of memory collecting results\n");
            return;
        }
        results = p;
        cap_results = cap;
    }
    results[n_results++] = *r;
}

void pb_results_clear(void)
{
    n_results = 0;
}

size_t pb_results_count(void)
{
    return n_results;
}

const pb_result *pb_results_at(size_t i)
{
    return i < n_results ? &results[i] : NULL;
}

const pb_result *pb_results_find(const char *case_name, const char *aggregate)
{
    for (size_t i = 0; i < n_results; i++)
        if (strcmp(results[i].aggregate, aggregate) == 0 &&
            strcmp(results[i].case_name, case_name) == 0)
            return &results[i];
    return NULL;
}

const pb_result *pb_results_pick(const char *case_name)
{
    const pb_result *r = pb_results_find(case_name, "median");
    if (!r)
        r = pb_results_find(case_name, "");
    return r && !r->error && r->ns_per_op >= 0 ? r : NULL;
}

/* --- loading a JSON file ------------------------------------------------ */

static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double unit_to_ns(const char *unit)
{
    if (!unit || !strcmp(unit, "ns"))
        return 1;
    if (!strcmp(unit, "us"))
        return 1e3;
    if (!strcmp(unit, "ms"))
        return 1e6;
    if (!strcmp(unit, "s"))
        return 1e9;
    return -1;
}

char *pb_read_file(const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, cap, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t len = 0, size = 1 << 16;
    char *buf = malloc(size);
    while (buf) {
        len += fread(buf + len, 1, size - len - 1, f);
        if (len < size - 1)
            break;
        char *p = realloc(buf, size * 2);
        if (!p) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = p;
        size *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err, cap, "cannot read %s", path);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

char *pb_json_sanitize(const char *text)
{
    /* gbench prints a non-finite double as NaN, Infinity, nan or inf; as a
     * value (after ':' and spaces, before ',' '}' or a line end) it becomes
     * null. "null" is at most one byte longer than what it replaces. */
    static const char *const bad[] = { "-Infinity", "Infinity", "-NaN", "NaN",
                                       "-nan", "nan", "-inf", "inf" };
    size_t colons = 0;
    for (const char *p = text; *p; p++)
        colons += *p == ':';
    char *out = malloc(strlen(text) + colons + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = text; *p;) {
        *o++ = *p;
        if (*p++ != ':')
            continue;
        while (*p == ' ')
            *o++ = *p++;
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            size_t len = strlen(bad[k]);
            if (strncmp(p, bad[k], len) != 0)
                continue;          /* p[len] is only read past a match */
            char after = p[len];
            if (after == ',' || after == '}' || after == '\n' ||
                after == '\r' || after == ' ' || after == '\0') {
                memcpy(o, "null", 4);
                o += 4;
                p += len;
                break;
            }
        }
    }
    *o = '\0';
    return out;
}

int pb_results_load(const char *path, char *err, size_t err_cap)
{
    char *raw = pb_read_file(path, err, err_cap);
    if (!raw)
        return -1;
    char *text = pb_json_sanitize(raw);
    free(raw);
    if (!text) {
        snprintf(err, err_cap, "out of memory reading %s", path);
        return -1;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(root, "benchmarks");
    if (!root || !cJSON_IsArray(benchmarks) ||
        !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "context"))) {
        snprintf(err, err_cap, "%s is not a complete Google Benchmark JSON"
                 " file (malformed or truncated)", path);
        cJSON_Delete(root);
        return -1;
    }
    pb_results_clear();
    const cJSON *b;
    int index = 0;
    cJSON_ArrayForEach(b, benchmarks) {
        const char *name = str(b, "name");
        const char *run_name = str(b, "run_name");
        const char *run_type = str(b, "run_type");
        double scale = unit_to_ns(str(b, "time_unit"));
        if (!name || !run_name || !run_type || scale < 0) {
            snprintf(err, err_cap, "%s: benchmark %d lacks name, run_name,"
                     " run_type or a known time_unit", path, index);
            cJSON_Delete(root);
            return -1;
        }
        pb_result r;
        pb_result_init(&r);
        snprintf(r.name, sizeof r.name, "%s", name);
        snprintf(r.case_name, sizeof r.case_name, "%s", run_name);
        if (!strcmp(run_type, "aggregate")) {
            const char *agg = str(b, "aggregate_name");
            snprintf(r.aggregate, sizeof r.aggregate, "%s", agg ? agg : "?");
        }
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(b, "error_occurred");
        r.error = cJSON_IsTrue(e);
        const char *msg = str(b, "error_message");
        if (msg)
            snprintf(r.error_message, sizeof r.error_message, "%s", msg);
        r.iterations = (int64_t)num(b, "iterations");
        const char *big_o = str(b, "big_o");
        const char *unit = str(b, "aggregate_unit");
        if (big_o) {
            snprintf(r.big_o, sizeof r.big_o, "%s", big_o);
        } else if (!strcmp(r.aggregate, "RMS")) {
            r.rms = num(b, "rms");
        } else if (unit && !strcmp(unit, "percentage")) {
            r.cv = num(b, "real_time");
        } else if (!r.error) {
            double t = num(b, "real_time");
            r.ns_per_op = t < 0 ? -1 : t * scale;
        }
        r.allocs_per_op = num(b, "allocs_per_op");
        r.bytes_per_op = num(b, "bytes_per_op");
        r.peak_heap_bytes = num(b, "peak_heap_bytes");
        r.peak_rss_bytes = num(b, "peak_rss_bytes");
        r.p50_ns = num(b, "p50_ns");
        r.p90_ns = num(b, "p90_ns");
        r.p99_ns = num(b, "p99_ns");
        r.p999_ns = num(b, "p999_ns");
        r.max_ns = num(b, "max_ns");
        const cJSON *field;
        cJSON_ArrayForEach(field, b)
            if (cJSON_IsNumber(field) && field->string)
                pb_result_add_counter(&r, field->string, field->valuedouble);
        pb_results_add(&r);
        index++;
    }
    cJSON_Delete(root);
    return 0;
}
