/*
 * The result set reader and its index: a Google Benchmark JSON file with
 * many cases (repetitions, aggregates, fits, µs time units, NaN) is read
 * once, and every row is found by case name and aggregate, the rows of a
 * case come back in file order, the pick is the median; a file carrying a
 * "pairbench" block keeps it as stored while the analysis is recomputed;
 * malformed files are refused with one reason; so are text after the
 * JSON value, a NUL byte in the file, a number out of the range of what it
 * is read into, and a Google Benchmark file of another program (no
 * pairbench case); the MASSIF.json loader refuses the same.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../reports/model/model.h"
#include "../reports/emit/emit.h"
#include "../reports/report_internal.h"

#define CASES 3000          /* component c<k % 7>, impl, scenario s<k>, N */
#define REPS  2

/* A growable text. */
typedef struct text { char *p; size_t len, cap; } text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        if ((size_t)k < t->cap - t->len) {
            t->len += (size_t)k;
            return;
        }
        t->cap = t->cap * 2 + (size_t)k + 1;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
}

static void case_of(char *buf, size_t cap, int k)
{
    snprintf(buf, cap, "c%d/%s/s%d/%d", k % 7, k % 2 ? "optimized" : "naive",
             k / 2, 16 << (k % 5));
}

static void bench(text *t, int *first, const char *name, const char *run_name,
                  const char *run_type, const char *agg, const char *unit,
                  const char *extra)
{
    put(t, "%s\n    {\"name\": \"%s\", \"run_name\": \"%s\", \"run_type\": \"%s\",",
        *first ? "" : ",", name, run_name, run_type);
    if (agg)
        put(t, " \"aggregate_name\": \"%s\",", agg);
    put(t, " \"time_unit\": \"%s\"%s}", unit, extra);
    *first = 0;
}

/* The file: per case REPS iterations (in us), then median, mean, cv; per
 * family BigO and RMS. */
static char *many_cases(int with_block)
{
    text t = { NULL, 0, 0 };
    put(&t, "{\"context\": {\"allocator\": \"glibc\", \"n\": 3},\n \"benchmarks\": [");
    int first = 1;
    for (int k = 0; k < CASES; k++) {
        char c[96], name[128], extra[160];
        case_of(c, sizeof c, k);
        for (int r = 0; r < REPS; r++) {
            snprintf(extra, sizeof extra, ", \"real_time\": %d.%d, \"p99_ns\": NaN,"
                     " \"hits_per_op\": 0.5", k, r);
            bench(&t, &first, c, c, "iteration", NULL, "us", extra);
        }
        static const char *const aggs[] = { "median", "mean", "cv" };
        for (int a = 0; a < 3; a++) {
            snprintf(name, sizeof name, "%s_%s", c, aggs[a]);
            snprintf(extra, sizeof extra, ", \"real_time\": %d%s", k,
                     a == 2 ? ", \"aggregate_unit\": \"percentage\"" : "");
            bench(&t, &first, name, c, "aggregate", aggs[a], a == 2 ? "ns" : "us", extra);
        }
    }
    for (int k = 0; k < CASES; k++) {
        char c[96], fam[96], name[128];
        case_of(c, sizeof c, k);
        snprintf(fam, sizeof fam, "%.*s", (int)(strrchr(c, '/') - c), c);
        if (k % 5)
            continue;                   /* one family per 5 cases */
        snprintf(name, sizeof name, "%s_BigO", fam);
        bench(&t, &first, name, fam, "aggregate", "BigO", "ns", ", \"big_o\": \"N\"");
        snprintf(name, sizeof name, "%s_RMS", fam);
        bench(&t, &first, name, fam, "aggregate", "RMS", "ns",
              ", \"rms\": 0.5, \"real_rms\": 0.25");
    }
    put(&t, "\n ]%s}\n", with_block ? ", \"pairbench\": {\"claims\": [{\"id\": \"X-1\"}]}" : "");
    return t.p;
}

static void test_every_row_found(void **state)
{
    (void)state;
    char *json = many_cases(0);
    char err[256];
    pb_resultset *rs = pb_resultset_parse(json, "many.json", err, sizeof err);
    free(json);
    if (!rs)
        fail_msg("%s", err);
    size_t fits = (CASES + 4) / 5;
    assert_int_equal(pb_resultset_count(rs), (size_t)CASES * (REPS + 3) + 2 * fits);
    assert_int_equal(pb_resultset_repetitions(rs), REPS);
    /* every row is the first of its (case, aggregate) in file order, or a
     * later repetition of it */
    for (size_t i = 0; i < pb_resultset_count(rs); i++) {
        const pb_result *r = pb_resultset_at(rs, i);
        const pb_result *f = pb_resultset_find(rs, r->case_name, r->aggregate);
        assert_non_null(f);
        assert_true(f <= r);
        assert_string_equal(f->case_name, r->case_name);
        assert_string_equal(f->aggregate, r->aggregate);
        int seen = 0;
        for (const pb_result *x = pb_resultset_first(rs, r->case_name); x;
             x = pb_resultset_next(rs, x)) {
            assert_string_equal(x->case_name, r->case_name);
            seen |= x == r;
        }
        assert_true(seen);
    }
    for (int k = 0; k < CASES; k++) {
        char c[96];
        case_of(c, sizeof c, k);
        size_t n = 0;
        const pb_result *prev = NULL;
        for (const pb_result *x = pb_resultset_first(rs, c); x;
             x = pb_resultset_next(rs, x), n++) {
            assert_true(!prev || x > prev);           /* file order */
            prev = x;
        }
        assert_int_equal(n, REPS + 3);
        const pb_result *p = pb_resultset_pick(rs, c);
        assert_non_null(p);
        assert_string_equal(p->aggregate, "median");
        assert_true(p->ns_per_op == k * 1000.0);      /* us -> ns */
        const pb_result *one = pb_resultset_find(rs, c, "");
        assert_true(one->ns_per_op >= k * 1000.0 && one->ns_per_op < (k + 1) * 1000.0);
        assert_true(one->p99_ns == -1);               /* NaN read as absent */
        assert_true(pb_result_counter(one, "hits") == 0.5);
        const pb_result *cv = pb_resultset_find(rs, c, "cv");
        assert_true(cv->cv == k);
        assert_null(pb_resultset_find(rs, c, "stddev"));
    }
    const pb_result *rms = pb_resultset_find(rs, "c0/naive/s0", "RMS");
    assert_non_null(rms);
    assert_true(rms->rms == 0.25);                    /* real_rms preferred */
    assert_null(pb_resultset_first(rs, "c0/naive/s0/17"));
    assert_null(pb_resultset_pick(rs, "no/such/case/1"));
    assert_true(pb_resultset_has_component(rs, "c6"));
    assert_false(pb_resultset_has_component(rs, "c"));
    char buf[32];
    assert_string_equal(pb_resultset_context_text(rs, "allocator", buf, sizeof buf), "glibc");
    assert_string_equal(pb_resultset_context_text(rs, "n", buf, sizeof buf), "3");
    assert_null(pb_resultset_context_text(rs, "none", buf, sizeof buf));
    assert_null(pb_resultset_stored_block(rs));
    pb_resultset_free(rs);
}

static const int64_t sizes[] = { 16, 0 };
static const pb_scenario scen[] = { { .name = "s0", .description = "d", .sizes = sizes } };
static const pb_impl impls[] = { { .name = "naive" }, { .name = "optimized" } };
static const pb_claim claims[] = {
    { .id = "T-1", .seed = "s", .words = "faster", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "s0", .threshold = 1 },
};
static const pb_component c0 = { .name = "c0", .summary = "x", .impls = impls,
                                 .n_impls = 2, .scenarios = scen, .n_scenarios = 1,
                                 .claims = claims, .n_claims = 1 };
static const pb_component *const comps[] = { &c0, NULL };

static void test_stored_block_recomputed(void **state)
{
    (void)state;
    char *json = many_cases(1);
    char err[256];
    pb_resultset *rs = pb_resultset_parse(json, "many.json", err, sizeof err);
    free(json);
    assert_non_null(rs);
    assert_non_null(pb_resultset_stored_block(rs));
    pb_analysis *a = pb_analysis_new(rs, comps);
    assert_non_null(a);
    const pb_component_result *cr = pb_analysis_component(a, "c0");
    assert_non_null(cr);
    assert_int_equal(cr->n_claims, 1);
    /* judged on these rows (c0 has no optimized s0/16), not taken from the
     * stored block, which has only a claim X-1 */
    assert_int_equal(cr->claims[0].verdict, PB_VERDICT_NOT_MEASURED);
    cJSON *block = pb_analysis_block(a);
    const cJSON *cl = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(block, "claims"), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cl, "id")->valuestring, "T-1");
    cJSON_Delete(block);
    pb_analysis_free(a);
    pb_resultset_free(rs);
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "{", "{\"context\": {}}", "{\"benchmarks\": []}",
        "{\"context\": {}, \"benchmarks\": [{\"name\": \"a\"}]}",
        "{\"context\": {}, \"benchmarks\": [{\"name\": \"a\", \"run_name\": \"a\","
        " \"run_type\": \"iteration\", \"time_unit\": \"fortnight\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        assert_null(pb_resultset_parse(bad[i], "bad.json", err, sizeof err));
        assert_non_null(strstr(err, "bad.json"));
        assert_null(strchr(err, '\n'));
    }
    char err[256];
    assert_null(pb_resultset_load("/nonexistent/r.json", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/r.json"));
}

/* One valid row of a pairbench case with `field` added; it replaces the
 * row's own iterations or real_time when it names one. */
static char *one_row(const char *field, const char *tail)
{
    text t = { NULL, 0, 0 };
    put(&t, "{\"context\": {\"allocator\": \"glibc\"}, \"benchmarks\": [{\"name\":"
        " \"c0/naive/s0/16\", \"run_name\": \"c0/naive/s0/16\", \"run_type\":"
        " \"iteration\", \"time_unit\": \"ns\"");
    if (!strstr(field, "\"iterations\""))
        put(&t, ", \"iterations\": 10");
    if (!strstr(field, "\"real_time\""))
        put(&t, ", \"real_time\": 5");
    put(&t, "%s%s}]}%s", field[0] ? ", " : "", field, tail);
    return t.p;
}

/* Refused with one line naming the file and `want`. */
static void refused_with(const char *json, const char *want)
{
    char err[512] = "";
    pb_resultset *rs = pb_resultset_parse(json, "bad.json", err, sizeof err);
    if (rs)
        fail_msg("accepted: %s", json);
    assert_non_null(strstr(err, "bad.json"));
    if (!strstr(err, want))
        fail_msg("'%s' does not say '%s'", err, want);
    assert_null(strchr(err, '\n'));
}

static void test_trailing_text_refused(void **state)
{
    (void)state;
    static const char *const tails[] = { "x", "\n{}", " ]", "\n\n{\"context\": {}}", "0" };
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        char *json = one_row("", tails[i]);
        refused_with(json, "after");
        free(json);
    }
    /* white space after the value is fine */
    char *json = one_row("", " \n\t\r\n");
    char err[256];
    pb_resultset *rs = pb_resultset_parse(json, "ok.json", err, sizeof err);
    free(json);
    if (!rs)
        fail_msg("%s", err);
    pb_resultset_free(rs);
}

static void test_nul_byte_refused(void **state)
{
    (void)state;
    char path[] = "/tmp/pb-test-resultset-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    char *json = one_row("", "");
    fwrite(json, 1, strlen(json), f);
    fwrite("\0{\"more\": 1}", 1, 12, f);    /* the text up to the NUL is valid */
    fclose(f);
    free(json);
    char err[512] = "";
    pb_resultset *rs = pb_resultset_load(path, err, sizeof err);
    remove(path);
    if (rs)
        fail_msg("a file with a NUL byte was read as the shorter text");
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "NUL"));
}

static void test_out_of_range_refused(void **state)
{
    (void)state;
    static const struct { const char *field, *name; } bad[] = {
        { "\"iterations\": 1e308", "iterations" },
        { "\"iterations\": -1", "iterations" },
        { "\"iterations\": 9223372036854775808", "iterations" },
        { "\"iterations\": 1e999", "iterations" },
        { "\"iterations\": 2.5", "iterations" },
        { "\"repetition_index\": 1e10", "repetition_index" },
        { "\"repetition_index\": -3", "repetition_index" },
        { "\"allocs_per_op\": -5", "allocs_per_op" },
        { "\"bytes_per_op\": 1e999", "bytes_per_op" },
        { "\"p99_ns\": -1e999", "p99_ns" },
        { "\"peak_heap_bytes\": -2", "peak_heap_bytes" },
        { "\"hits_per_op\": 1e999", "hits_per_op" },
        { "\"real_time\": 1e999", "real_time" },
        { "\"real_time\": -4", "real_time" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *json = one_row(bad[i].field, "");
        refused_with(json, bad[i].name);
        free(json);
    }
    /* a time in seconds that overflows once in ns */
    char *json = one_row("\"real_time\": 1e305", "");
    char *unit = strstr(json, "\"ns\"");
    memcpy(unit, "\"s\" ", 4);
    refused_with(json, "real_time");
    free(json);
    /* the largest values that fit are read */
    json = one_row("\"iterations\": 9223372036854774784, \"repetition_index\": 7,"
                   " \"allocs_per_op\": 0", "");
    char err[256];
    pb_resultset *rs = pb_resultset_parse(json, "ok.json", err, sizeof err);
    free(json);
    if (!rs)
        fail_msg("%s", err);
    const pb_result *r = pb_resultset_at(rs, 0);
    assert_true(r->iterations == INT64_C(9223372036854774784));
    assert_int_equal(r->repetition_index, 7);
    assert_true(r->allocs_per_op == 0);
    pb_resultset_free(rs);
}

/* A valid Google Benchmark file of another program: said what it is. */
static void test_foreign_file_refused(void **state)
{
    (void)state;
    static const char *const foreign[] = {
        "{\"context\": {\"date\": \"x\", \"library_build_type\": \"release\"},"
        " \"benchmarks\": [{\"name\": \"BM_memcpy/8\", \"run_name\": \"BM_memcpy/8\","
        " \"run_type\": \"iteration\", \"repetitions\": 1, \"iterations\": 100,"
        " \"real_time\": 3.5, \"cpu_time\": 3.5, \"time_unit\": \"ns\"},"
        " {\"name\": \"BM_x/8/16/32\", \"run_name\": \"BM_x/8/16/32\","
        " \"run_type\": \"iteration\", \"time_unit\": \"ns\", \"real_time\": 1}]}",
        "{\"context\": {}, \"benchmarks\": []}",
        "{\"context\": {}, \"benchmarks\": [{\"name\": \"a/b/c/d\", \"run_name\":"
        " \"a/b/c/d\", \"run_type\": \"iteration\", \"time_unit\": \"ns\"}]}",
    };
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
        refused_with(foreign[i], "a Google Benchmark results file with no pairbench cases");
}

/* The MASSIF.json loader: trailing text, NUL bytes, out-of-range numbers. */
static const char massif_ok[] =
    "{\"context\": {\"kind\": \"pairbench-massif\", \"n\": 1000}, \"cases\": [{\"name\":"
    " \"c0/naive/s0/1000\", \"component\": \"c0\", \"impl\": \"naive\", \"scenario\":"
    " \"s0\", \"peak_heap_bytes\": 4096, \"peak_time\": 10, \"snapshots\": [[0, 0],"
    " [10, 4096]]}]}";

static int massif_try(const char *bytes, size_t len, char *err, size_t cap)
{
    char path[] = "/tmp/pb-test-massif-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fwrite(bytes, 1, len, f);
    fclose(f);
    report *R = calloc(1, sizeof *R);
    assert_non_null(R);
    int rc = pb_rep_massif_load(R, path, err, cap);
    if (rc == 0)
        assert_non_null(R->massif);
    pb_rep_massif_free(R);
    free(R);
    remove(path);
    return rc;
}

static void test_massif_refused(void **state)
{
    (void)state;
    char err[512];
    if (massif_try(massif_ok, strlen(massif_ok), err, sizeof err) != 0)
        fail_msg("%s", err);
    char buf[1024];
    int k = snprintf(buf, sizeof buf, "%s\n\n", massif_ok);
    assert_int_equal(massif_try(buf, (size_t)k, err, sizeof err), 0);
    k = snprintf(buf, sizeof buf, "%s{\"x\": 1}", massif_ok);
    assert_int_equal(massif_try(buf, (size_t)k, err, sizeof err), -1);
    assert_non_null(strstr(err, "after"));
    memcpy(buf, massif_ok, sizeof massif_ok);      /* with its NUL, then more */
    memcpy(buf + sizeof massif_ok, "{}", 2);
    assert_int_equal(massif_try(buf, sizeof massif_ok + 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "NUL"));
    static const struct { const char *from, *to, *field; } bad[] = {
        { "\"peak_heap_bytes\": 4096", "\"peak_heap_bytes\": 1e999", "peak_heap_bytes" },
        { "\"peak_heap_bytes\": 4096", "\"peak_heap_bytes\": -1", "peak_heap_bytes" },
        { "\"peak_time\": 10", "\"peak_time\": 1e300", "peak_time" },
        { "[10, 4096]", "[10, 1e999]", "snapshots" },
        { "[10, 4096]", "[-10, 4096]", "snapshots" },
        { "\"n\": 1000", "\"n\": 1e308", "n" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *at = strstr(massif_ok, bad[i].from);
        assert_non_null(at);
        k = snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - massif_ok), massif_ok,
                     bad[i].to, at + strlen(bad[i].from));
        if (massif_try(buf, (size_t)k, err, sizeof err) == 0)
            fail_msg("accepted: %s", buf);
        if (!strstr(err, bad[i].field) || strchr(err, '\n'))
            fail_msg("'%s' does not name %s", err, bad[i].field);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_found),
        cmocka_unit_test(test_stored_block_recomputed),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_trailing_text_refused),
        cmocka_unit_test(test_nul_byte_refused),
        cmocka_unit_test(test_out_of_range_refused),
        cmocka_unit_test(test_foreign_file_refused),
        cmocka_unit_test(test_massif_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
