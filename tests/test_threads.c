/*
 * The run context under threads (harness.h, "Threads"): a scenario whose
 * run() starts 4 threads that each pb_count 10,000 times and make 100
 * write(2) calls gets exactly 4 x 10,000 counts and, when the kernel probe
 * is available, exactly 4 x 100 sys_write per op, and CPU time of at least
 * the threads' work. Run under ThreadSanitizer by `make test` (label
 * "concurrent").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pairbench/harness.h"
#include "../harness/engine.h"

enum { THREADS = 4, COUNTS = 10000, WRITES = 100 };

typedef struct fixture { int fd; pb_ctx *ctx; } fixture;
static fixture the_fixture;

static void *setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)n; (void)seed;
    the_fixture.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    the_fixture.ctx = ctx;
    return the_fixture.fd >= 0 ? &the_fixture : NULL;
}

static void *worker(void *arg)
{
    fixture *f = arg;
    for (int i = 0; i < COUNTS; i++)
        pb_count(f->ctx, 0, 1);
    for (int i = 0; i < WRITES; i++)
        if (write(f->fd, "x", 1) != 1)
            abort();
    return NULL;
}

static uint64_t run(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    f->ctx = ctx;
    for (int64_t o = 0; o < ops; o++) {
        pthread_t t[THREADS];
        for (int i = 0; i < THREADS; i++)
            if (pthread_create(&t[i], NULL, worker, f) != 0)
                abort();
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
    }
    return (uint64_t)ops;
}

static void teardown(void *fp)
{
    close(((fixture *)fp)->fd);
}

static int64_t batch(int64_t n) { (void)n; return 3; }
static const int64_t sizes[] = { 1, 0 };
static const char *const counters[] = { "counted", NULL };
static const pb_scenario scenario = {
    .name = "threads", .description = "4 threads count and write",
    .sizes = sizes, .counters = counters, .batch = batch, .setup = setup,
    .run = run, .teardown = teardown, .probes = PB_PROBE_FILES,
};
static const pb_impl impl = { .name = "only" };
static const pb_component comp = {
    .name = "thr", .summary = "threads", .impls = &impl, .n_impls = 1,
    .scenarios = &scenario, .n_scenarios = 1,
};

static void test_counts_from_threads_are_exact(void **state)
{
    (void)state;
    pb_case c = { &comp, &impl, &scenario, 1, "thr/only/threads/1" };
    const char *err = NULL;
    pb_ctx *ctx = pb_run_begin(&c, &err);
    assert_non_null(ctx);
    for (int b = 0; b < 5; b++)
        pb_run_batch(ctx, 3);
    pb_run_result r;
    pb_run_collect(ctx, &r);
    pb_run_end(ctx);
    pb_run_release();
    assert_int_equal(r.ops, 15);
    assert_true(r.counters[0] == 15.0 * THREADS * COUNTS);
    if (r.sys_ok && r.sys_kind_ok[PB_SYS_WRITE]) {
        assert_int_equal(r.sys[PB_SYS_WRITE], 15 * THREADS * WRITES);
        assert_true(r.io_ok);
        assert_int_equal(r.io[PB_IO_SYSCW], 15 * THREADS * WRITES);
        assert_int_equal(r.io[PB_IO_WCHAR], 15 * THREADS * WRITES);
    } else {
        printf("skipped: kernel syscall counts (%s)\n", pb_probe_status());
    }
    assert_true(r.cpu_ns > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_from_threads_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
