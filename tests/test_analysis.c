/*
 * The analysis answers correctly on results whose answers are known:
 * synthetic rows for a fake component go into a result set, the analysis
 * is computed once, its "pairbench" JSON block is written through the
 * emitter, and the crossover, complexity and claim verdicts are checked.
 *
 *   scenario "from"      naive faster at 10, optimized faster at 100, 1000
 *                        -> crossover from N = 100
 *   scenario "wobble"    optimized faster at 10, slower at 100, faster at
 *                        1000 -> from 1000 (it must *stay* faster)
 *   scenario "never"     optimized slower at the largest N -> never
 *   scenario "always"    optimized faster everywhere -> always (from 10)
 *   scenario "repeated"  single runs and median rows: the median is used
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../reports/model/model.h"
#include "../reports/emit/emit.h"

static const int64_t sizes[] = { 10, 100, 1000, 0 };
static const int64_t at_1000[] = { 1000, 0 };
static const int64_t at_10[] = { 10, 0 };
static const int64_t at_10_1000[] = { 10, 1000, 0 };

#define SCENARIO(n) { .name = n, .description = n, .sizes = sizes }
static const pb_scenario scenarios[] = {
    SCENARIO("from"), SCENARIO("wobble"), SCENARIO("never"),
    SCENARIO("always"), SCENARIO("repeated"),
};
static const pb_impl impls[] = { { .name = "naive" }, { .name = "optimized" } };

static const pb_claim claims[] = {
    { .id = "T-1", .seed = "s", .words = "10x faster", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "from always", .sizes = at_1000,
      .threshold = 10 },                     /* min(20, 4) = 4: fails */
    { .id = "T-2", .seed = "s", .words = "3x faster", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "from always", .sizes = at_1000,
      .threshold = 3 },                      /* holds at 4 */
    { .id = "T-3", .seed = "s", .words = "30% less heap", .metric_text = "m",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_HEAP,
      .scenarios = "from", .sizes = at_1000, .threshold = 0.30 },  /* 50% more */
    { .id = "T-4", .seed = "s", .words = "70% fewer allocations", .metric_text = "m",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_ALLOCS,
      .scenarios = "from", .sizes = at_1000, .threshold = 0.70 },  /* 2 -> 0.1 */
    { .id = "T-5", .seed = "s", .words = "p99 < 1 us", .metric_text = "m",
      .kind = PB_CLAIM_P99_BELOW, .scenarios = "from always", .sizes = at_1000,
      .threshold = 1000 },                   /* max p99 1500: fails */
    { .id = "T-6", .seed = "s", .words = "O(1)", .metric_text = "m",
      .kind = PB_CLAIM_COMPLEXITY, .scenarios = "from",
      .complexities = "(1) lgN" },           /* optimized lgN: holds */
    { .id = "T-7", .seed = "s", .words = "O(1) too", .metric_text = "m",
      .kind = PB_CLAIM_COMPLEXITY, .scenarios = "never",
      .complexities = "(1)" },               /* optimized N: fails */
    { .id = "T-8", .seed = "s", .words = "unmeasured", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "no_such", .sizes = at_1000,
      .threshold = 1 },
    { .id = "T-9", .seed = "s", .words = "under 25 ns", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_BELOW, .metric = PB_METRIC_TIME,
      .scenarios = "from", .sizes = at_1000, .threshold = 25 },   /* 20: holds */
    { .id = "T-10", .seed = "s", .words = "hit rate > 90%", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_ABOVE, .metric = PB_METRIC_COUNTER,
      .counter = "hits", .scenarios = "from", .sizes = at_1000,
      .threshold = 0.9 },                    /* 0.8: fails */
    { .id = "T-11", .seed = "s", .words = "scales", .metric_text = "m",
      .kind = PB_CLAIM_GROWTH_BELOW, .metric = PB_METRIC_TIME,
      .scenarios = "from", .sizes = sizes, .threshold = 2 },     /* 8 -> 20: fails */
    { .id = "T-12", .seed = "s", .words = "scales loosely", .metric_text = "m",
      .kind = PB_CLAIM_GROWTH_BELOW, .metric = PB_METRIC_TIME,
      .scenarios = "from", .sizes = sizes, .threshold = 3 },     /* 2.5x: holds */
    { .id = "T-13", .seed = "s", .words = "at most 0.8 hits", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_AT_MOST, .metric = PB_METRIC_COUNTER, .counter = "hits",
      .scenarios = "from", .sizes = at_1000, .threshold = 0.8 },  /* 0.8: holds */
    { .id = "T-14", .seed = "s", .words = "at most 0.5 hits", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_AT_MOST, .metric = PB_METRIC_COUNTER, .counter = "hits",
      .scenarios = "from", .sizes = at_1000, .threshold = 0.5 },  /* 0.8: fails */
    { .id = "T-15", .seed = "s", .words = "heap grows 15 B per N", .metric_text = "m",
      .kind = PB_CLAIM_SLOPE_AT_MOST, .metric = PB_METRIC_HEAP,
      .scenarios = "from", .sizes = at_10_1000, .threshold = 15 }, /* 150 -> 15000: 15 */
    { .id = "T-16", .seed = "s", .words = "heap grows 14 B per N", .metric_text = "m",
      .kind = PB_CLAIM_SLOPE_AT_MOST, .metric = PB_METRIC_HEAP,
      .scenarios = "from", .sizes = at_10_1000, .threshold = 14 }, /* fails */
    { .id = "T-17", .seed = "s", .words = "no leak", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_AT_MOST, .metric = PB_METRIC_LEAKED,
      .scenarios = "from", .sizes = at_1000, .threshold = 0 },     /* 0: holds */
    { .id = "T-18", .seed = "s", .words = "no leak at 10", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_AT_MOST, .metric = PB_METRIC_LEAKED,
      .scenarios = "from", .sizes = at_10, .threshold = 0 },       /* not measured */
};

static const pb_component fake = {
    .name = "fake", .summary = "synthetic", .impls = impls, .n_impls = 2,
    .scenarios = scenarios, .n_scenarios = 5,
    .claims = claims, .n_claims = sizeof claims / sizeof claims[0],
};
static const pb_component *const comps[] = { &fake, NULL };

static pb_resultset *rows;

static void row(const char *impl, const char *scen, long n, const char *agg,
                double ns, double allocs, double heap, double p99)
{
    pb_result r;
    pb_result_init(&r);
    snprintf(r.case_name, sizeof r.case_name, "fake/%s/%s/%ld", impl, scen, n);
    snprintf(r.name, sizeof r.name, "%s%s%s", r.case_name, *agg ? "_" : "", agg);
    snprintf(r.aggregate, sizeof r.aggregate, "%s", agg);
    r.ns_per_op = ns;
    r.allocs_per_op = allocs;
    r.peak_heap_bytes = heap;
    r.p99_ns = p99;
    assert_int_equal(pb_resultset_add(rows, &r), 0);
}

static void fit(const char *impl, const char *scen, const char *big_o)
{
    pb_result r;
    pb_result_init(&r);
    snprintf(r.case_name, sizeof r.case_name, "fake/%s/%s", impl, scen);
    snprintf(r.name, sizeof r.name, "%s_BigO", r.case_name);
    snprintf(r.aggregate, sizeof r.aggregate, "BigO");
    snprintf(r.big_o, sizeof r.big_o, "%s", big_o);
    assert_int_equal(pb_resultset_add(rows, &r), 0);
}

/* The rows of the fake component, into `rows`. */
static void build_rows(void)
{
    rows = pb_resultset_new();
    assert_non_null(rows);
    /* from: naive faster at 10 only */
    row("naive", "from", 10, "", 5, 2, 100, 10);
    row("optimized", "from", 10, "", 8, 0.1, 150, 10);
    row("naive", "from", 100, "", 50, 2, 1000, 60);
    row("optimized", "from", 100, "", 10, 0.1, 1500, 12);
    row("naive", "from", 1000, "", 400, 2, 10000, 500);
    {   /* with a component counter, as the shim records "hits_per_op" */
        pb_result r;
        pb_result_init(&r);
        snprintf(r.case_name, sizeof r.case_name, "fake/optimized/from/1000");
        snprintf(r.name, sizeof r.name, "%s", r.case_name);
        r.ns_per_op = 20;
        r.allocs_per_op = 0.1;
        r.peak_heap_bytes = 15000;
        r.p99_ns = 30;
        pb_result_add_counter(&r, "hits_per_op", 0.8);
        pb_result_add_counter(&r, "allocs_per_op", 99);     /* not a counter */
        assert_int_equal(pb_resultset_add(rows, &r), 0);
    }
    /* wobble */
    row("naive", "wobble", 10, "", 10, 0, 0, -1);
    row("optimized", "wobble", 10, "", 5, 0, 0, -1);
    row("naive", "wobble", 100, "", 10, 0, 0, -1);
    row("optimized", "wobble", 100, "", 12, 0, 0, -1);
    row("naive", "wobble", 1000, "", 10, 0, 0, -1);
    row("optimized", "wobble", 1000, "", 9, 0, 0, -1);
    /* never */
    row("naive", "never", 10, "", 10, 0, 0, -1);
    row("optimized", "never", 10, "", 5, 0, 0, -1);
    row("naive", "never", 100, "", 10, 0, 0, -1);
    row("optimized", "never", 100, "", 11, 0, 0, -1);
    /* always: naive capped after 100 */
    row("naive", "always", 10, "", 8, 0, 0, -1);
    row("optimized", "always", 10, "", 2, 0, 0, -1);
    row("naive", "always", 1000, "", 800, 0, 0, 2000);
    row("optimized", "always", 1000, "", 200, 0, 0, 1500);
    row("optimized", "always", 100000, "", 300, 0, 0, 1500);
    /* repeated: the single rows say naive faster, the medians the opposite */
    row("naive", "repeated", 10, "", 1, 0, 0, -1);
    row("naive", "repeated", 10, "median", 100, 0, 0, -1);
    row("optimized", "repeated", 10, "", 50, 0, 0, -1);
    row("optimized", "repeated", 10, "median", 5, 0, 0, -1);
    /* memcheck's bytes definitely lost at from/1000 (run --memcheck) */
    assert_int_equal(pb_resultset_add_leaked(rows, "fake/naive/from/1000", 4096), 0);
    assert_int_equal(pb_resultset_add_leaked(rows, "fake/optimized/from/1000", 0), 0);
    assert_int_equal(pb_resultset_add_leaked(rows, "fake/optimized/from/10", 0.5), -1);
    assert_int_equal(pb_resultset_add_leaked(rows, "fake/optimized/from/10", -16), -1);
    fit("naive", "from", "N");
    fit("optimized", "from", "lgN");
    fit("naive", "never", "N");
    fit("optimized", "never", "N");
}

static cJSON *analyse(void)
{
    build_rows();
    pb_analysis *an = pb_analysis_new(rows, comps);
    assert_non_null(an);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "pairbench", pb_analysis_block(an));
    pb_analysis_free(an);
    pb_resultset_free(rows);
    rows = NULL;
    return root;
}

static const cJSON *by_key(const cJSON *array, const char *key, const char *value)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, array) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, key);
        if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
            return it;
    }
    return NULL;
}

static const char *s_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static double n_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void test_crossovers(void **state)
{
    (void)state;
    cJSON *root = analyse();
    const cJSON *cross = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "pairbench"), "crossovers");
    const cJSON *c;

    c = by_key(cross, "scenario", "from");
    assert_string_equal(s_of(c, "verdict"), "from");
    assert_true(n_of(c, "crossover_n") == 100);

    c = by_key(cross, "scenario", "wobble");
    assert_string_equal(s_of(c, "verdict"), "from");
    assert_true(n_of(c, "crossover_n") == 1000);

    c = by_key(cross, "scenario", "never");
    assert_string_equal(s_of(c, "verdict"), "never");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c, "crossover_n")));

    c = by_key(cross, "scenario", "always");
    assert_string_equal(s_of(c, "verdict"), "always");
    assert_true(n_of(c, "crossover_n") == 10);
    assert_true(n_of(c, "largest_n") == 1000);   /* 100000: naive did not run */

    c = by_key(cross, "scenario", "repeated");
    assert_string_equal(s_of(c, "verdict"), "always");   /* medians, not singles */
    cJSON_Delete(root);
}

static void test_claims(void **state)
{
    (void)state;
    cJSON *root = analyse();
    const cJSON *claims = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "pairbench"), "claims");
    static const struct { const char *id, *verdict; double value; } want[] = {
        { "T-1", "DOES NOT HOLD", 4 },
        { "T-2", "holds", 4 },
        { "T-3", "DOES NOT HOLD", -0.5 },
        { "T-4", "holds", 0.95 },
        { "T-5", "DOES NOT HOLD", 1500 },
        { "T-6", "holds", 1 },
        { "T-7", "DOES NOT HOLD", 0 },
        { "T-8", "not measured", -1 },
        { "T-9", "holds", 20 },
        { "T-10", "DOES NOT HOLD", 0.8 },
        { "T-11", "DOES NOT HOLD", 2.5 },
        { "T-12", "holds", 2.5 },
        { "T-13", "holds", 0.8 },
        { "T-14", "DOES NOT HOLD", 0.8 },
        { "T-15", "holds", 15 },
        { "T-16", "DOES NOT HOLD", 15 },
        { "T-17", "holds", 0 },
        { "T-18", "not measured", -1 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const cJSON *c = by_key(claims, "id", want[i].id);
        assert_non_null(c);
        if (strcmp(s_of(c, "verdict"), want[i].verdict) != 0)
            fail_msg("%s: verdict %s, want %s (%s)", want[i].id, s_of(c, "verdict"),
                     want[i].verdict, s_of(c, "measured"));
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "value");
        if (want[i].value == -1)
            assert_true(cJSON_IsNull(v));
        else if (!cJSON_IsNumber(v) || v->valuedouble < want[i].value - 1e-9 ||
                 v->valuedouble > want[i].value + 1e-9)
            fail_msg("%s: value %g, want %g", want[i].id,
                     cJSON_IsNumber(v) ? v->valuedouble : -1, want[i].value);
    }
    /* the slope's text gives both sides, the leak's the naive figure */
    assert_non_null(strstr(s_of(by_key(claims, "id", "T-15"), "measured"),
                           "from: optimized +15.0 B per N, naive +10.0 B"));
    assert_non_null(strstr(s_of(by_key(claims, "id", "T-15"), "threshold"),
                           "peak heap growth <= 15 B per N"));
    assert_non_null(strstr(s_of(by_key(claims, "id", "T-17"), "measured"),
                           "definitely lost (memcheck) 0 B at from/1000 over 1 point"
                           " (naive 4.0 KiB there)"));
    assert_string_equal(s_of(by_key(claims, "id", "T-17"), "threshold"),
                        "definitely lost (memcheck) = 0");
    cJSON_Delete(root);
}

/* A cv above the trust limit: the point is untrusted, the row is noisy. */
static void test_noisy(void **state)
{
    (void)state;
    rows = pb_resultset_new();
    assert_non_null(rows);
    row("naive", "from", 10, "median", 50, 0, 0, -1);
    row("optimized", "from", 10, "median", 5, 0, 0, -1);
    static const struct { const char *impl; double cv; } cvs[] = {
        { "naive", 0.25 }, { "optimized", 0.05 } };
    for (int i = 0; i < 2; i++) {
        pb_result r;
        pb_result_init(&r);
        snprintf(r.case_name, sizeof r.case_name, "fake/%s/from/10", cvs[i].impl);
        snprintf(r.name, sizeof r.name, "%s_cv", r.case_name);
        snprintf(r.aggregate, sizeof r.aggregate, "cv");
        r.cv = cvs[i].cv;
        assert_int_equal(pb_resultset_add(rows, &r), 0);
    }
    pb_analysis *an = pb_analysis_new(rows, comps);
    assert_non_null(an);
    assert_true(an->repeated);
    assert_int_equal(an->n_noisy, 1);
    assert_string_equal(an->noisy[0]->case_name, "fake/naive/from/10");
    assert_int_equal(an->n_untrusted, 1);
    const pb_scenario_result *sr = pb_analysis_scenario(an, "fake", "from");
    assert_non_null(sr);
    assert_int_equal(sr->n_points, 1);
    assert_true(sr->points[0].untrusted);
    assert_true(sr->points[0].speedup == 10);
    assert_true(sr->points[0].naive_cv == 0.25);
    pb_analysis_free(an);
    pb_resultset_free(rows);
    rows = NULL;
}

static void test_sanitize(void **state)
{
    (void)state;
    char *s = pb_json_sanitize("{\"a\": NaN, \"b\": -nan,\n\"c\": inf}\n"
                               "{\"name\": \"nan\", \"x\": 1}");
    assert_string_equal(s, "{\"a\": null, \"b\": null,\n\"c\": null}\n"
                           "{\"name\": \"nan\", \"x\": 1}");
    free(s);
}


/* --- the paired pass: ratios per round, the interval, three verdicts ----- */

static const int64_t at_100[] = { 100, 0 };
static const pb_scenario p_scenarios[] = { { .name = "p", .description = "p", .sizes = at_100 } };
static const pb_claim p_claims[] = {
    { .id = "P-1", .seed = "s", .words = "10x", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "p", .sizes = at_100, .threshold = 10 },
    { .id = "P-2", .seed = "s", .words = "12x", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "p", .sizes = at_100, .threshold = 12 },
    { .id = "P-3", .seed = "s", .words = "20x", .metric_text = "m",
      .kind = PB_CLAIM_SPEEDUP, .scenarios = "p", .sizes = at_100, .threshold = 20 },
    { .id = "P-4", .seed = "s", .words = "half the time", .metric_text = "m",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_TIME, .scenarios = "p",
      .sizes = at_100, .threshold = 0.5 },
    { .id = "P-5", .seed = "s", .words = "p99 under 1 us", .metric_text = "m",
      .kind = PB_CLAIM_P99_BELOW, .scenarios = "p", .sizes = at_100, .threshold = 1000 },
    { .id = "P-6", .seed = "s", .words = "under 60 ns", .metric_text = "m",
      .kind = PB_CLAIM_VALUE_BELOW, .metric = PB_METRIC_TIME, .scenarios = "p",
      .sizes = at_100, .threshold = 60 },
};
static const pb_component pfake = {
    .name = "pfake", .summary = "synthetic", .impls = impls, .n_impls = 2,
    .scenarios = p_scenarios, .n_scenarios = 1,
    .claims = p_claims, .n_claims = 6,
};
static const pb_component *const p_comps[] = { &pfake, NULL };

/* Rounds with ratios 11.0, 11.2, ... 12.8 (median 11.9 + 0.1 = 12.0 of
 * the ten: 11.8 and 12.0 around the middle, so 11.9), one round with a
 * zero time (left out). The medians of gbench's rows say 2x: the paired
 * rounds decide. */
static pb_resultset *paired_rows(void)
{
    pb_resultset *rs = pb_resultset_new();
    assert_non_null(rs);
    pb_result r;
    static const char *const impl[2] = { "naive", "optimized" };
    for (int i = 0; i < 2; i++) {
        pb_result_init(&r);
        snprintf(r.case_name, sizeof r.case_name, "pfake/%s/p/100", impl[i]);
        snprintf(r.name, sizeof r.name, "%s", r.case_name);
        r.ns_per_op = i ? 50 : 100;
        assert_int_equal(pb_resultset_add(rs, &r), 0);
    }
    double a[11], b[11];
    for (int k = 0; k < 10; k++) {
        b[k] = 10 + k;                        /* optimized */
        a[k] = b[k] * (11.0 + 0.2 * k);       /* naive */
    }
    a[10] = 0;
    b[10] = 5;
    assert_int_equal(pb_resultset_add_paired(rs, "pfake/p/100", 11, a, b), 0);
    return rs;
}

static void test_paired(void **state)
{
    (void)state;
    pb_resultset *rs = paired_rows();
    pb_analysis *an = pb_analysis_new(rs, p_comps);
    assert_non_null(an);
    const pb_scenario_result *sr = pb_analysis_scenario(an, "pfake", "p");
    assert_non_null(sr);
    const pb_pair_point *p = &sr->points[0];
    assert_int_equal(p->paired_rounds, 10);
    if (p->speedup < 11.89 || p->speedup > 11.91)
        fail_msg("speed-up %g, want the median ratio 11.9", p->speedup);
    assert_true(p->speedup_lo >= 11.0 && p->speedup_lo < p->speedup);
    assert_true(p->speedup_hi <= 12.8 && p->speedup_hi > p->speedup);
    const pb_component_result *cr = pb_analysis_component(an, "pfake");
    assert_int_equal(cr->claims[0].verdict, PB_VERDICT_HOLDS);
    assert_int_equal(cr->claims[1].verdict, PB_VERDICT_INCONCLUSIVE);
    assert_int_equal(cr->claims[2].verdict, PB_VERDICT_FAILS);
    assert_int_equal(cr->claims[3].verdict, PB_VERDICT_HOLDS);
    assert_true(cr->claims[0].has_interval);
    assert_true(cr->claims[0].value_lo == p->speedup_lo);
    assert_true(cr->claims[3].value_lo > 0.9 && cr->claims[3].value_hi < 0.93);
    double lo = p->speedup_lo, hi = p->speedup_hi;

    /* The rounds go into the file and come back: the same interval. */
    char *member = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
        pb_resultset_json(rs), "pairbench_paired"));
    assert_non_null(member);
    char text[4096], err[300];
    snprintf(text, sizeof text, "{\"context\": {}, \"benchmarks\": [{\"name\":"
             " \"pfake/naive/p/100\", \"run_name\": \"pfake/naive/p/100\", \"run_type\":"
             " \"iteration\", \"time_unit\": \"ns\", \"real_time\": 100}, {\"name\":"
             " \"pfake/optimized/p/100\", \"run_name\": \"pfake/optimized/p/100\","
             " \"run_type\": \"iteration\", \"time_unit\": \"ns\", \"real_time\": 50}],"
             " \"pairbench_paired\": %s}", member);
    free(member);
    pb_resultset *back = pb_resultset_parse(text, "paired.json", err, sizeof err);
    if (!back)
        fail_msg("%s", err);
    const pb_paired *pr = pb_resultset_paired(back, "pfake/p/100");
    assert_non_null(pr);
    assert_int_equal(pr->rounds, 11);
    pb_analysis *an2 = pb_analysis_new(back, p_comps);
    assert_non_null(an2);
    const pb_pair_point *q = &pb_analysis_scenario(an2, "pfake", "p")->points[0];
    if (!(q->speedup_lo == lo && q->speedup_hi == hi))
        fail_msg("interval [%.17g, %.17g] after the round trip, [%.17g, %.17g] before", q->speedup_lo, q->speedup_hi, lo, hi);
    pb_analysis_free(an2);
    pb_resultset_free(back);
    pb_analysis_free(an);
    pb_resultset_free(rs);

    /* A point without rounds: the ratio of the rows, no interval. */
    rs = pb_resultset_new();
    pb_result r;
    pb_result_init(&r);
    snprintf(r.case_name, sizeof r.case_name, "pfake/naive/p/100");
    snprintf(r.name, sizeof r.name, "%s", r.case_name);
    r.ns_per_op = 120;
    assert_int_equal(pb_resultset_add(rs, &r), 0);
    snprintf(r.case_name, sizeof r.case_name, "pfake/optimized/p/100");
    snprintf(r.name, sizeof r.name, "%s", r.case_name);
    r.ns_per_op = 10;
    assert_int_equal(pb_resultset_add(rs, &r), 0);
    an = pb_analysis_new(rs, p_comps);
    p = &pb_analysis_scenario(an, "pfake", "p")->points[0];
    assert_int_equal(p->paired_rounds, 0);
    assert_true(p->speedup == 12 && p->speedup_lo == -1);
    cr = pb_analysis_component(an, "pfake");
    assert_int_equal(cr->claims[1].verdict, PB_VERDICT_HOLDS);   /* 12 >= 12, no interval */
    assert_false(cr->claims[1].has_interval);
    pb_analysis_free(an);
    pb_resultset_free(rs);
}

/* A file's paired rounds are checked like its rows. */
static void test_paired_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\"pairbench_paired\": []",
        "\"pairbench_paired\": {\"a/b/1\": {\"naive_ns\": [1, 2], \"optimized_ns\": [1]}}",
        "\"pairbench_paired\": {\"a/b/1\": {\"naive_ns\": [1, -2], \"optimized_ns\": [1, 2]}}",
        "\"pairbench_paired\": {\"a/b/1\": {\"naive_ns\": [1], \"optimized_ns\": [1]}}",
        "\"pairbench_paired\": {\"a/b/1\": {\"naive_ns\": [1, \"2\"], \"optimized_ns\": [1, 2]}}",
        "\"pairbench_paired\": {\"a/b/1\": 3}",
        "\"pairbench_instructions\": []",
        "\"pairbench_instructions\": {\"x/naive/y/1\": \"12\"}",
        "\"pairbench_instructions\": {\"x/naive/y/1\": -1}",
        "\"pairbench_memcheck\": [0]",
        "\"pairbench_memcheck\": {\"x/naive/y/1\": -16}",
        "\"pairbench_memcheck\": {\"x/naive/y/1\": 16.5}",
        "\"pairbench_memcheck\": {\"x/naive/y/1\": \"16\"}",
        "\"pairbench_memcheck\": {\"x/naive/y/1\": 1e300}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[600], err[300] = "";
        snprintf(text, sizeof text, "{\"context\": {}, \"benchmarks\": [{\"name\":"
                 " \"x/naive/y/1\", \"run_name\": \"x/naive/y/1\", \"run_type\":"
                 " \"iteration\", \"time_unit\": \"ns\", \"real_time\": 1}], %s}", bad[i]);
        pb_resultset *rs = pb_resultset_parse(text, "bad.json", err, sizeof err);
        if (rs)
            fail_msg("accepted %s", bad[i]);
        const char *member = strstr(bad[i], "instructions") ? "pairbench_instructions"
                           : strstr(bad[i], "memcheck")     ? "pairbench_memcheck"
                                                            : "pairbench_paired";
        if (!strstr(err, member))
            fail_msg("%s: error does not name the member: %s", bad[i], err);
    }
}

/* --- instruction fits ---------------------------------------------------- */

/* The fitter names the curve exact data follow (with an offset, the
 * nearest), and a complexity claim is judged on instructions when the file
 * has them: here wall time says N (a cache effect) and instructions say
 * lgN, so "O(1) or lgN" holds, on instructions. */
static void test_instr_fit(void **state)
{
    (void)state;
    static const int64_t n[] = { 10, 100, 1000, 10000 };
    static const struct { const char *want; double y[4]; } cases[] = {
        { "(1)", { 50, 50, 50, 50 } },
        { "lgN", { 3.32, 6.64, 9.97, 13.29 } },
        { "N", { 20, 200, 2000, 20000 } },
        { "NlgN", { 33.2, 664, 9966, 132877 } },
        { "N^2", { 100, 10000, 1e6, 1e8 } },
        { "N", { 25, 205, 2005, 20005 } },       /* an offset: still N */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_big_o f;
        pb_fit_big_o(n, cases[i].y, 4, &f);
        if (!f.big_o || strcmp(f.big_o, cases[i].want) != 0)
            fail_msg("case %zu: fit %s, want %s", i, f.big_o ? f.big_o : "none", cases[i].want);
        assert_int_equal(f.points, 4);
    }
    pb_big_o none;
    double one[] = { 5, -1, -1, -1 };
    pb_fit_big_o(n, one, 4, &none);
    assert_null(none.big_o);                 /* one point is no fit */

    /* the claims of the fake component, with instruction counts added */
    build_rows();
    pb_resultset *rs = rows;
    /* scenario "never": gbench's wall-time fit of the optimized is N (T-7
     * fails on time); instructions flat: T-7 ("(1)") holds on them */
    static const double flat[] = { 40, 41, 40, 40 };
    for (int i = 0; i < 3; i++) {
        char name[80];
        snprintf(name, sizeof name, "fake/optimized/never/%lld", (long long)sizes[i]);
        assert_int_equal(pb_resultset_add_instr(rs, name, flat[i]), 0);
        snprintf(name, sizeof name, "fake/naive/never/%lld", (long long)sizes[i]);
        assert_int_equal(pb_resultset_add_instr(rs, name, 3.0 * (double)sizes[i]), 0);
    }
    assert_true(pb_resultset_instr(rs, "fake/optimized/never/100") == 41);
    assert_true(pb_resultset_instr(rs, "fake/optimized/never/5") == -1);
    assert_int_equal(pb_resultset_add_instr(rs, "fake/optimized/never/10", -1), -1);
    pb_analysis *an = pb_analysis_new(rs, comps);
    assert_non_null(an);
    const pb_scenario_result *sr = pb_analysis_scenario(an, "fake", "never");
    assert_string_equal(sr->instr_fit[1].big_o, "(1)");
    assert_string_equal(sr->instr_fit[0].big_o, "N");
    const pb_component_result *cr = pb_analysis_component(an, "fake");
    const pb_claim_result *t7 = NULL;
    for (size_t k = 0; k < cr->n_claims; k++)
        if (!strcmp(cr->claims[k].claim->id, "T-7"))
            t7 = &cr->claims[k];
    assert_non_null(t7);
    assert_int_equal(t7->verdict, PB_VERDICT_HOLDS);
    assert_int_equal(t7->n_parts, 1);
    assert_true(t7->parts[0].on_instructions);
    assert_string_equal(t7->parts[0].time_big_o, "N");
    char measured[PB_CLAIM_TEXT], threshold[48];
    pb_fmt_claim(measured, sizeof measured, threshold, sizeof threshold, t7,
                 PB_BACKEND_CONSOLE);
    if (!strstr(measured, "on instructions") || !strstr(measured, "wall time N"))
        fail_msg("measured text: %s", measured);
    pb_analysis_free(an);
    pb_resultset_free(rs);
    rows = NULL;
}

/* Claims on the optimized time or p99 against a threshold are judged on
 * the repetitions' range: inside it inconclusive, all below holds, all
 * above fails. */
static void test_range_verdicts(void **state)
{
    (void)state;
    static const struct { double p99[3], ns[3]; pb_verdict p5, p6; } cases[] = {
        { { 800, 1200, 900 }, { 40, 50, 45 }, PB_VERDICT_INCONCLUSIVE, PB_VERDICT_HOLDS },
        { { 800, 900, 950 }, { 61, 70, 65 }, PB_VERDICT_HOLDS, PB_VERDICT_FAILS },
        { { 1800, 1200, 1100 }, { 55, 65, 58 }, PB_VERDICT_FAILS, PB_VERDICT_INCONCLUSIVE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_resultset *rs = pb_resultset_new();
        for (int k = 0; k < 3; k++) {
            pb_result r;
            pb_result_init(&r);
            snprintf(r.case_name, sizeof r.case_name, "pfake/optimized/p/100");
            snprintf(r.name, sizeof r.name, "%s", r.case_name);
            r.repetition_index = k;
            r.ns_per_op = cases[i].ns[k];
            r.p99_ns = cases[i].p99[k];
            assert_int_equal(pb_resultset_add(rs, &r), 0);
        }
        pb_result m;
        pb_result_init(&m);
        snprintf(m.case_name, sizeof m.case_name, "pfake/optimized/p/100");
        snprintf(m.name, sizeof m.name, "%s_median", m.case_name);
        snprintf(m.aggregate, sizeof m.aggregate, "median");
        m.ns_per_op = cases[i].ns[2];
        m.p99_ns = cases[i].p99[2];
        assert_int_equal(pb_resultset_add(rs, &m), 0);
        pb_analysis *an = pb_analysis_new(rs, p_comps);
        const pb_component_result *cr = pb_analysis_component(an, "pfake");
        if (cr->claims[4].verdict != cases[i].p5 || cr->claims[5].verdict != cases[i].p6)
            fail_msg("case %zu: P-5 %s, P-6 %s", i, pb_verdict_name(cr->claims[4].verdict),
                     pb_verdict_name(cr->claims[5].verdict));
        assert_true(cr->claims[4].has_interval);
        assert_true(cr->claims[4].value_hi >= cr->claims[4].value_lo);
        pb_analysis_free(an);
        pb_resultset_free(rs);
    }
}


/* --- peers and the suite claims ------------------------------------------ */

static const pb_impl q_impls[] = {
    { .name = "naive" }, { .name = "optimized" }, { .name = "lib", .library = "a library" },
};
static const pb_component qfake = {
    .name = "qfake", .summary = "synthetic with a peer", .impls = q_impls, .n_impls = 3,
    .scenarios = p_scenarios, .n_scenarios = 1,
};
static const pb_scenario s_scenarios[] = { { .name = "x", .description = "x", .sizes = at_10 } };
static const pb_impl s_impls[] = { { .name = "calibration" } };
static const pb_claim s_claims[] = {
    { .id = "RSS", .words = "w", .metric_text = "m", .kind = PB_CLAIM_SUITE_PEAK_RSS_BELOW,
      .threshold = 300.0 * 1024 * 1024 },
    { .id = "GEO", .words = "w", .metric_text = "m", .kind = PB_CLAIM_SUITE_GEOMEAN_SPEEDUP,
      .threshold = 5 },
    { .id = "GEO8", .words = "w", .metric_text = "m", .kind = PB_CLAIM_SUITE_GEOMEAN_SPEEDUP,
      .threshold = 8 },
};
static const pb_component sfake = {
    .name = "sfake", .summary = "suite", .impls = s_impls, .n_impls = 1,
    .scenarios = s_scenarios, .n_scenarios = 1, .claims = s_claims, .n_claims = 3,
};
static const pb_component *const s_comps[] = { &sfake, &pfake, &qfake, NULL };

static void add_row(pb_resultset *rs, const char *name, double ns, double rss)
{
    pb_result r;
    pb_result_init(&r);
    snprintf(r.case_name, sizeof r.case_name, "%s", name);
    snprintf(r.name, sizeof r.name, "%s", name);
    r.ns_per_op = ns;
    r.peak_rss_bytes = rss;
    assert_int_equal(pb_resultset_add(rs, &r), 0);
}

/* pfake's speed-up is its rounds' median 11.9, qfake's exactly 4: the
 * suite's geometric mean is sqrt(11.9 * 4) = 6.90, its interval from
 * pfake's rounds alone; the largest optimized peak RSS is qfake's 20 MiB,
 * the naive one 500 MiB. qfake's peer "lib" runs at 80 ns against
 * optimized's 100 in every round: optimized/peer 1.25, the best peer. */
static void test_peers_and_suite(void **state)
{
    (void)state;
    pb_resultset *rs = paired_rows();
    const double mib = 1024.0 * 1024;
    add_row(rs, "sfake/calibration/x/10", 1, 1 * mib);
    add_row(rs, "qfake/naive/p/100", 400, 500 * mib);
    add_row(rs, "qfake/optimized/p/100", 100, 20 * mib);
    add_row(rs, "qfake/lib/p/100", 80, 30 * mib);
    double a[6], b[6], c[6];
    for (int k = 0; k < 6; k++) {
        b[k] = 100 + k;
        a[k] = 4 * b[k];
        c[k] = 0.8 * b[k];
    }
    assert_int_equal(pb_resultset_add_paired(rs, "qfake/p/100", 6, a, b), 0);
    assert_int_equal(pb_resultset_add_peer_paired(rs, "qfake/lib/p/100", 6, c, b), 0);
    pb_analysis *an = pb_analysis_new(rs, s_comps);
    assert_non_null(an);

    const pb_pair_point *q = &pb_analysis_scenario(an, "qfake", "p")->points[0];
    assert_int_equal(q->n_peers, 1);
    assert_int_equal(q->best_peer, 0);
    assert_int_equal(q->peers[0].paired_rounds, 6);
    assert_true(fabs(q->peers[0].ratio - 1.25) < 1e-9);
    assert_true(fabs(q->peers[0].ratio_lo - 1.25) < 1e-9 &&
                fabs(q->peers[0].ratio_hi - 1.25) < 1e-9);
    assert_int_equal(pb_analysis_scenario(an, "pfake", "p")->points[0].n_peers, 0);
    assert_int_equal(pb_analysis_scenario(an, "pfake", "p")->points[0].best_peer, -1);

    const pb_component_result *cr = pb_analysis_component(an, "sfake");
    const pb_claim_result *rss = &cr->claims[0], *geo = &cr->claims[1], *geo8 = &cr->claims[2];
    assert_int_equal(rss->verdict, PB_VERDICT_HOLDS);
    assert_true(rss->value == 20 * mib && rss->naive_value == 500 * mib);
    assert_string_equal(rss->at_component->name, "qfake");
    assert_int_equal(rss->points, 1);       /* pfake's rows have no RSS */
    if (fabs(geo->value - sqrt(11.9 * 4)) > 1e-6)
        fail_msg("geometric mean %g, want %g", geo->value, sqrt(11.9 * 4));
    assert_true(geo->has_interval);
    assert_true(geo->value_lo >= sqrt(11.0 * 4) - 1e-9 && geo->value_lo < geo->value);
    assert_true(geo->value_hi <= sqrt(12.8 * 4) + 1e-9 && geo->value_hi > geo->value);
    assert_int_equal(geo->verdict, PB_VERDICT_HOLDS);
    assert_int_equal(geo->points, 2);
    assert_int_equal(geo8->verdict, PB_VERDICT_FAILS);  /* 6.9 [6.6, 7.2] < 8 */
    pb_analysis_free(an);
    pb_resultset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crossovers),
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_noisy),
        cmocka_unit_test(test_paired),
        cmocka_unit_test(test_paired_malformed),
        cmocka_unit_test(test_instr_fit),
        cmocka_unit_test(test_range_verdicts),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_peers_and_suite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
