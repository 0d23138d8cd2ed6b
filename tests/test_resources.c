/*
 * Resources a scenario owns (harness.h): pb_case_dir, a private directory
 * on the real file system removed with everything in it when the fixture
 * is torn down; pb_proc_start/kill/wait, a child a crash test can kill -9,
 * killed and reaped by the harness if it is still running at exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pairbench/harness.h"
#include "../harness/engine.h"

static char seen_dir[4096];

static void *setup_dir(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)n; (void)seed;
    const char *d = pb_case_dir(ctx);
    if (!d)
        return NULL;
    snprintf(seen_dir, sizeof seen_dir, "%s", d);
    char path[4200];
    snprintf(path, sizeof path, "%s/sub", d);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/sub/file", d);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs("data\n", f);
    fclose(f);
    /* a second call for the same fixture gives the same directory */
    return strcmp(pb_case_dir(ctx), d) == 0 ? (void *)seen_dir : NULL;
}
static uint64_t run_nothing(void *f, int64_t ops, pb_ctx *ctx)
{
    (void)f; (void)ctx;
    return (uint64_t)ops;
}
static void teardown_none(void *f) { (void)f; }
static int64_t batch(int64_t n) { (void)n; return 1; }
static const int64_t sizes[] = { 1, 0 };
static const pb_scenario scenario = {
    .name = "dir", .description = "makes files in its case directory",
    .sizes = sizes, .batch = batch, .setup = setup_dir, .run = run_nothing,
    .teardown = teardown_none,
};
static const pb_impl impl = { .name = "only" };
static const pb_component comp = {
    .name = "res", .summary = "resources", .impls = &impl, .n_impls = 1,
    .scenarios = &scenario, .n_scenarios = 1,
};

static void test_case_dir_removed_at_teardown(void **state)
{
    (void)state;
    pb_case c = { &comp, &impl, &scenario, 1, "res/only/dir/1" };
    const char *err = NULL;
    pb_ctx *ctx = pb_run_begin(&c, &err);
    assert_non_null(ctx);
    struct stat st;
    assert_int_equal(stat(seen_dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_non_null(strstr(seen_dir, "/pairbench-scratch."));
    pb_run_batch(ctx, 1);
    pb_run_end(ctx);
    assert_int_equal(stat(seen_dir, &st), 0);     /* kept with the fixture */
    pb_run_release();
    assert_int_equal(stat(seen_dir, &st), -1);
    assert_int_equal(errno, ENOENT);
}

static int exit_seven(void *arg)
{
    (void)arg;
    return 7;
}

static int sleep_forever(void *arg)
{
    int fd = *(int *)arg;
    pid_t me = getpid();
    if (fd >= 0 && write(fd, &me, sizeof me) != (ssize_t)sizeof me)
        return 1;
    for (;;)
        pause();
}

static void test_proc_kill_and_wait(void **state)
{
    (void)state;
    pb_proc p;
    assert_int_equal(pb_proc_start(&p, exit_seven, NULL), 0);
    int status = pb_proc_wait(&p);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 7);

    int none = -1;
    assert_int_equal(pb_proc_start(&p, sleep_forever, &none), 0);
    assert_int_equal(getpgid(p.pid), p.pid);      /* its own group */
    int pid = p.pid;
    status = pb_proc_kill(&p);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    assert_int_equal(kill(pid, 0), -1);           /* reaped: gone */
    assert_int_equal(pb_proc_kill(&p), -1);       /* twice: ECHILD */
    assert_int_equal(errno, ECHILD);
}

static void test_proc_killed_at_exit(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t helper = fork();
    if (helper == 0) {
        close(fds[0]);
        close(ready[1]);
        pb_proc p;
        if (pb_proc_start(&p, sleep_forever, &fds[1]) != 0)
            _exit(2);
        /* exit only once the child has written its pid (the parent says
         * so): an at-exit kill before that write would leave the parent
         * reading EOF, a race under load */
        char go;
        if (read(ready[0], &go, 1) != 1)
            _exit(3);
        exit(0);                     /* the harness's at-exit kills it */
    }
    close(fds[1]);
    close(ready[0]);
    pid_t child = 0;
    assert_int_equal(read(fds[0], &child, sizeof child), (ssize_t)sizeof child);
    close(fds[0]);
    assert_int_equal(write(ready[1], "g", 1), 1);
    close(ready[1]);
    int status;
    assert_int_equal(waitpid(helper, &status, 0), helper);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* the helper reaped it before it ended: no such process now */
    assert_int_equal(kill(child, 0), -1);
    assert_int_equal(errno, ESRCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_dir_removed_at_teardown),
        cmocka_unit_test(test_proc_kill_and_wait),
        cmocka_unit_test(test_proc_killed_at_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
