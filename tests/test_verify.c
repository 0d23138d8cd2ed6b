/*
 * `pairbench run` verifies before it times: implementations of a pair that
 * observe different results stop the run with exit status 1, a line naming
 * the case, and no results file; implementations that agree run normally.
 *
 * A fake component has scenario "op" whose digest is the value its
 * implementation's ops table points to: "agree" gives both implementations
 * the same value, "disagree" gives them different values at N = 20 only.
 * Verify modes: "multiset" folds the same values in a different order per
 * implementation (agrees), "multiset_differs" drops one (fails); "spec"
 * has naive (wrong by design) violate the check and optimized meet it (the
 * run goes on and reports the finding), "spec_broken" has optimized
 * violate it (fails). Steady state: "steady" keeps its fixture's declared
 * size (runs), "drifting" has optimized grow it by one per op (its rows are
 * refused with an error naming the drift, naive's are not).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pairbench/harness.h"
#include "../cli/cli.h"

static const int64_t sizes[] = { 10, 20, 0 };
static const uint64_t value_a = 1, value_b = 2;

typedef struct fixture { uint64_t v; int64_t size, n; char why[96]; } fixture;
static fixture the_fixture;

static int64_t batch(int64_t n) { (void)n; return 16; }
static void *setup_agree(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)n; (void)seed; (void)ctx;
    the_fixture.v = 7;
    return &the_fixture;
}
static void *setup_disagree(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)seed; (void)ctx;
    the_fixture.v = n == 20 ? *(const uint64_t *)ops : 7;
    return &the_fixture;
}
static uint64_t run(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    uint64_t d = 0;
    for (int64_t i = 0; i < ops; i++)
        d = pb_digest(d, ((fixture *)f)->v);
    return d;
}
static void teardown(void *f) { (void)f; }

static void *setup_impl(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)n; (void)seed; (void)ctx;
    the_fixture.v = *(const uint64_t *)ops;
    return &the_fixture;
}
/* naive (1) folds 0..ops-1 up, optimized (2) down; with `drop`, optimized
 * leaves out the last value */
static uint64_t fold_multiset(void *f, int64_t ops, int drop)
{
    uint64_t d = 0;
    int up = ((fixture *)f)->v == value_a;
    for (int64_t i = 0; i < ops; i++) {
        int64_t v = up ? i : ops - 1 - i;
        if (drop && !up && v == ops - 1)
            continue;
        d = pb_digest_add(d, (uint64_t)v);
    }
    return d;
}
static uint64_t run_multiset(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return fold_multiset(f, ops, 0);
}
static uint64_t run_multiset_drop(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return fold_multiset(f, ops, 1);
}
static const char *check_naive_wrong(void *f)
{
    return ((fixture *)f)->v == value_a ? "record 3 written twice" : NULL;
}
static const char *check_optimized_wrong(void *f)
{
    return ((fixture *)f)->v == value_b ? "record 5 lost" : NULL;
}

static void *setup_sized(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)seed; (void)ctx;
    the_fixture.v = *(const uint64_t *)ops;
    the_fixture.size = the_fixture.n = n;
    return &the_fixture;
}
/* optimized (2) adds one to the size per op when `grow` */
static uint64_t run_sized(void *fp, int64_t ops, int grow)
{
    fixture *f = fp;
    if (grow && f->v == value_b)
        f->size += ops;
    return (uint64_t)ops;
}
static uint64_t run_steady(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return run_sized(f, ops, 0);
}
static uint64_t run_drifting(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)ctx;
    return run_sized(f, ops, 1);
}
static const char *steady_size(void *fp)
{
    fixture *f = fp;
    if (f->size == f->n)
        return NULL;
    snprintf(f->why, sizeof f->why, "holds %lld, %lld declared", (long long)f->size,
             (long long)f->n);
    return f->why;
}

static const pb_scenario scenarios[] = {
    { .name = "steady", .description = "keeps its size", .sizes = sizes,
      .batch = batch, .setup = setup_sized, .run = run_steady, .teardown = teardown,
      .steady = steady_size },
    { .name = "drifting", .description = "optimized grows its size", .sizes = sizes,
      .batch = batch, .setup = setup_sized, .run = run_drifting, .teardown = teardown,
      .steady = steady_size },
    { .name = "agree", .description = "same results", .sizes = sizes,
      .batch = batch, .setup = setup_agree, .run = run, .teardown = teardown },
    { .name = "disagree", .description = "different results at N = 20",
      .sizes = sizes, .batch = batch, .setup = setup_disagree, .run = run,
      .teardown = teardown },
    { .name = "multiset", .description = "same values, other order",
      .sizes = sizes, .batch = batch, .setup = setup_impl, .run = run_multiset,
      .teardown = teardown, .verify = PB_VERIFY_MULTISET },
    { .name = "multiset_differs", .description = "optimized drops a value",
      .sizes = sizes, .batch = batch, .setup = setup_impl,
      .run = run_multiset_drop, .teardown = teardown,
      .verify = PB_VERIFY_MULTISET },
    { .name = "spec", .description = "naive violates the spec by design",
      .sizes = sizes, .batch = batch, .setup = setup_impl, .run = run,
      .teardown = teardown, .verify = PB_VERIFY_SPEC,
      .check = check_naive_wrong },
    { .name = "spec_broken", .description = "optimized violates the spec",
      .sizes = sizes, .batch = batch, .setup = setup_impl, .run = run,
      .teardown = teardown, .verify = PB_VERIFY_SPEC,
      .check = check_optimized_wrong },
};
static const pb_impl impls[] = {
    { .name = "naive", .ops = &value_a,
      .wrong_by_design = "writes a record twice when it retries" },
    { .name = "optimized", .ops = &value_b },
};
static const pb_component fake = {
    .name = "fake", .summary = "verification self-test", .impls = impls,
    .n_impls = 2, .scenarios = scenarios,
    .n_scenarios = sizeof scenarios / sizeof scenarios[0],
};
static const pb_component *const comps[] = { &fake, NULL };

/* Runs `pairbench run --scenario S --json PATH` in a child; its exit status,
 * with its stderr in err. */
static int run_child(const char *scenario, const char *json, char *err, size_t cap)
{
    char errpath[] = "/tmp/pb_verify_err_XXXXXX";
    int fd = mkstemp(errpath);
    assert_true(fd >= 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd, 2);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        char *argv[] = { "pairbench", "run", "--scenario", (char *)scenario,
                         "--min-time", "0.001", "--repetitions", "1", "--json",
                         (char *)json, NULL };
        _exit(pb_main(10, argv, comps));
    }
    int status;
    waitpid(pid, &status, 0);
    ssize_t len = pread(fd, err, cap - 1, 0);
    err[len > 0 ? len : 0] = '\0';
    close(fd);
    unlink(errpath);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_disagreeing_pair_stops_the_run(void **state)
{
    (void)state;
    char err[8192];
    const char *json = "/tmp/pb_verify_disagree.json";
    unlink(json);
    assert_int_equal(run_child("disagree", json, err, sizeof err), 1);
    assert_non_null(strstr(err, "verify FAILED: fake/*/disagree/20"));
    assert_null(strstr(err, "disagree/10:"));   /* N = 10 agrees */
    assert_int_equal(access(json, F_OK), -1);    /* no results file */
}

static void test_agreeing_pair_runs(void **state)
{
    (void)state;
    char err[8192];
    const char *json = "/tmp/pb_verify_agree.json";
    unlink(json);
    assert_int_equal(run_child("agree", json, err, sizeof err), 0);
    assert_non_null(strstr(err, "verified: 2 implementation pairs agree"));
    assert_int_equal(access(json, F_OK), 0);
    unlink(json);
}

static void test_multiset_ignores_order(void **state)
{
    (void)state;
    char err[8192];
    const char *json = "/tmp/pb_verify_multiset.json";
    unlink(json);
    assert_int_equal(run_child("multiset", json, err, sizeof err), 0);
    assert_non_null(strstr(err, "verified: 2 implementation pairs agree"));
    unlink(json);
    assert_int_equal(run_child("multiset_differs", json, err, sizeof err), 1);
    assert_non_null(strstr(err, "observed different results as multisets"));
    assert_int_equal(access(json, F_OK), -1);
}

static void test_spec_reports_wrong_by_design(void **state)
{
    (void)state;
    char err[8192];
    const char *json = "/tmp/pb_verify_spec.json";
    unlink(json);
    assert_int_equal(run_child("spec", json, err, sizeof err), 0);
    assert_non_null(strstr(err, "fake/naive/spec/10 violates the specification,"
                                " by design: record 3 written twice (writes a record"
                                " twice when it retries)"));
    assert_null(strstr(err, "optimized/spec/10 violates"));
    /* the finding is in the results' context */
    FILE *f = fopen(json, "r");
    assert_non_null(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "\"verify_findings\":\t\"fake/naive/spec/10"
                                " violates the specification"));
    /* and per case, for the report */
    assert_non_null(strstr(buf, "\"verify:fake/naive/spec/10\":\t\"violates the"
                                " specification, by design: record 3 written twice\""));
    assert_non_null(strstr(buf, "\"verify:fake/optimized/spec/10\":\t\"meets the"
                                " specification\""));
    unlink(json);
}

static void test_spec_violation_stops_the_run(void **state)
{
    (void)state;
    char err[8192];
    const char *json = "/tmp/pb_verify_spec_broken.json";
    unlink(json);
    assert_int_equal(run_child("spec_broken", json, err, sizeof err), 1);
    assert_non_null(strstr(err, "verify FAILED: fake/optimized/spec_broken/10"
                                " violates the specification: record 5 lost"));
    /* naive is wrong by design but met the spec here: said, not fatal */
    assert_non_null(strstr(err, "fake/naive/spec_broken/10 met the"
                                " specification in this run"));
    assert_int_equal(access(json, F_OK), -1);
}

static void test_drifting_fixture_is_refused(void **state)
{
    (void)state;
    static char err[1 << 16];
    const char *json = "/tmp/pb_verify_steady.json";
    unlink(json);
    assert_int_equal(run_child("steady", json, err, sizeof err), 0);
    unlink(json);
    assert_int_equal(run_child("drifting", json, err, sizeof err), 1);
    assert_non_null(strstr(err, "case(s) reported an error"));
    FILE *f = fopen(json, "r");
    assert_non_null(f);
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "not in its declared steady state at the end of the"
                                " run (holds "));
    assert_non_null(strstr(buf, "the scenario drifts"));
    /* no complexity fit over refused cases: run sizes every case itself
     * (no gbench fit rows), and the analysis fits the medians of the cases
     * that ran, naive's only */
    assert_null(strstr(buf, "_BigO"));
    const char *fits = strstr(buf, "\"complexity\":");
    assert_non_null(fits);
    const char *end = strchr(fits, ']');
    assert_non_null(end);
    int impls = 0;
    for (const char *q = fits; (q = strstr(q, "\"impl\":")) && q < end; q++)
        impls++;
    assert_int_equal(impls, 1);
    const char *naive = strstr(fits, "\"naive\"");
    assert_true(naive && naive < end);
    /* naive keeps its size: its rows carry no error */
    const char *row = strstr(buf, "\"name\":\t\"fake/naive/drifting/10\"");
    assert_non_null(row);
    const char *next = strstr(row + 1, "\"name\":");
    const char *e = strstr(row, "error_occurred");
    assert_true(e == NULL || (next && e > next));
    unlink(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disagreeing_pair_stops_the_run),
        cmocka_unit_test(test_agreeing_pair_runs),
        cmocka_unit_test(test_multiset_ignores_order),
        cmocka_unit_test(test_spec_reports_wrong_by_design),
        cmocka_unit_test(test_spec_violation_stops_the_run),
        cmocka_unit_test(test_drifting_fixture_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
