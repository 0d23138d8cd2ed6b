/*
 * The allocation tracker is exact, under glibc and under jemalloc.
 *
 * This program defines its own component, selftest/tracker/strdup/K, whose
 * operation is K strdup of a 31-character string and K free. It runs itself
 * (through pb_main, as the pairbench CLI does) once per allocator and reads
 * the Google Benchmark JSON it wrote with cJSON. Required:
 *   allocs_per_op   == K exactly
 *   bytes_per_op    == 32 K exactly (31 characters + NUL)
 *   peak_heap_bytes == the usable size of one such block (one live at a time)
 *   context.allocator names the allocator asked for, and jemalloc's own
 *   statistics (mallctl "thread.allocated") see our mallocs exactly when
 *   jemalloc was asked for: independent proof of who serves malloc.
 * These figures come from `run`'s counting pass; its timed runs are
 * untracked. In this process, the two modes of the tracker: untracked
 * (pb_alloc_track(0)) counts nothing even when armed, live bytes
 * included; tracking counts every call again.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "pairbench/harness.h"
#include "../cli/cli.h"
#include "../harness/engine.h"

static const char text[] = "0123456789abcdef0123456789abcde";   /* 31 chars */
static const int64_t ks[] = { 1, 3, 7, 0 };
static const char *const counters[] = { "jemalloc_served", NULL };

typedef struct fixture {
    int64_t k;
    int     jemalloc_served;   /* jemalloc's own stats saw a malloc of ours */
} fixture;

static int jemalloc_serves_malloc(void)
{
    int (*mallctl)(const char *, void *, size_t *, void *, size_t) =
        (int (*)(const char *, void *, size_t *, void *, size_t))
            dlsym(RTLD_DEFAULT, "mallctl");
    uint64_t before = 0, after = 0;
    size_t len = sizeof before;
    if (!mallctl || mallctl("thread.allocated", &before, &len, NULL, 0) != 0)
        return 0;
    void *p = malloc(4096);
    pb_do_not_optimize((uint64_t)(uintptr_t)p);
    mallctl("thread.allocated", &after, &len, NULL, 0);
    free(p);
    return after - before >= 4096;
}

static int64_t batch(int64_t n) { (void)n; return 1024; }

static void *setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)ops; (void)seed; (void)ctx;
    static fixture f;
    f.k = n;
    f.jemalloc_served = jemalloc_serves_malloc();
    return &f;
}

static uint64_t run(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    for (int64_t i = 0; i < ops; i++)
        for (int64_t j = 0; j < f->k; j++) {
            char *p = strdup(text);
            pb_do_not_optimize((uint64_t)(uintptr_t)p);
            free(p);
        }
    pb_count(ctx, 0, (double)(f->jemalloc_served * ops));
    return (uint64_t)ops;
}

static void teardown(void *f) { (void)f; }

static const pb_scenario scenarios[] = {
    { .name = "strdup",
      .description = "K strdup of a 31-character string and K free per op",
      .sizes = ks, .counters = counters, .batch = batch, .setup = setup,
      .run = run, .teardown = teardown },
};
static const pb_impl impls[] = { { .name = "tracker", .source = __FILE__ } };
static const pb_component selftest = {
    .name = "selftest", .summary = "allocation tracker self-test",
    .impls = impls, .n_impls = 1, .scenarios = scenarios, .n_scenarios = 1,
};
static const pb_component *const components[] = { &selftest, NULL };

static int failures, checks;

static void check(int ok, const char *what, const char *alloc, double got,
                  double want)
{
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL [%s] %s: got %.6f, want %.6f\n", alloc, what, got, want);
    }
}

static double number(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void run_under(const char *self, const char *alloc)
{
    char path[] = "/tmp/pb_tracker_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    close(fd);
    unlink(path);                      /* pairbench creates it atomically */

    pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, "run", "--min-time", "0.01", "--repetitions", "1",
              "--allocator", alloc, "--json", path, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    checks++;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        failures++;
        printf("FAIL [%s] pairbench run exited with status %d\n", alloc, status);
        return;
    }

    FILE *fp = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;
    if (fp) {
        fseek(fp, 0, SEEK_END);
        len = (size_t)ftell(fp);
        rewind(fp);
        buf = malloc(len + 1);
        if (buf && fread(buf, 1, len, fp) == len)
            buf[len] = '\0';
        fclose(fp);
    }
    unlink(path);
    cJSON *root = buf ? cJSON_Parse(buf) : NULL;
    free(buf);
    checks++;
    if (!root) {
        failures++;
        printf("FAIL [%s] no readable JSON at %s\n", alloc, path);
        return;
    }

    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(root, "context");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ctx, "allocator");
    checks++;
    if (!cJSON_IsString(a) || strcmp(a->valuestring, alloc) != 0) {
        failures++;
        printf("FAIL [%s] context.allocator is %s\n", alloc,
               cJSON_IsString(a) ? a->valuestring : "(missing)");
    }

    int seen = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(root, "benchmarks")) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, "name");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(b, "run_type");
        long long k;
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "iteration") != 0)
            continue;                  /* aggregates and complexity fits */
        if (!cJSON_IsString(name) ||
            sscanf(name->valuestring, "selftest/tracker/strdup/%lld", &k) != 1)
            continue;
        seen++;
        double allocs = number(b, "allocs_per_op");
        double bytes = number(b, "bytes_per_op");
        double peak = number(b, "peak_heap_bytes");
        double served = number(b, "jemalloc_served_per_op");
        char what[64];
        snprintf(what, sizeof what, "K=%lld allocs_per_op", k);
        check(allocs == (double)k, what, alloc, allocs, (double)k);
        snprintf(what, sizeof what, "K=%lld bytes_per_op", k);
        check(bytes == 32.0 * (double)k, what, alloc, bytes, 32.0 * (double)k);
        snprintf(what, sizeof what, "K=%lld peak_heap_bytes", k);
        check(peak >= 32 && peak <= 48, what, alloc, peak, 32);
        snprintf(what, sizeof what, "K=%lld jemalloc served malloc", k);
        double want = strcmp(alloc, "jemalloc") == 0 ? 1.0 : 0.0;
        check(served == want, what, alloc, served, want);
    }
    check(seen == 3, "cases in the JSON", alloc, seen, 3);
    cJSON_Delete(root);
}

/* K strdup + free while armed, in the given tracking mode: the change of
 * allocs, bytes and live bytes. */
static void strdups(int track, int64_t k, pb_alloc_stats *d)
{
    pb_alloc_stats a, b;
    int prev = pb_alloc_track(track);
    pb_alloc_reset();
    pb_alloc_read(&a);
    pb_alloc_arm();
    char *keep = strdup(text);          /* live across the read */
    for (int64_t i = 0; i < k; i++) {
        char *p = strdup(text);
        pb_do_not_optimize((uint64_t)(uintptr_t)p);
        free(p);
    }
    pb_alloc_disarm();
    pb_alloc_read(&b);
    free(keep);
    pb_alloc_track(prev);
    d->allocs = b.allocs - a.allocs;
    d->bytes = b.bytes - a.bytes;
    d->live_bytes = b.live_bytes - a.live_bytes;
    d->peak_live_bytes = b.peak_live_bytes - a.peak_live_bytes;
}

static void modes(void)
{
    pb_alloc_stats d;
    strdups(0, 100, &d);
    check(d.allocs == 0, "untracked: allocs", "glibc", (double)d.allocs, 0);
    check(d.bytes == 0, "untracked: bytes", "glibc", (double)d.bytes, 0);
    check(d.live_bytes == 0 && d.peak_live_bytes == 0, "untracked: live bytes",
          "glibc", (double)d.live_bytes, 0);
    strdups(1, 100, &d);
    check(d.allocs == 101, "tracking: allocs", "glibc", (double)d.allocs, 101);
    check(d.bytes == 32 * 101, "tracking: bytes", "glibc", (double)d.bytes, 32 * 101);
    check(d.live_bytes >= 32 && d.live_bytes <= 48, "tracking: live bytes", "glibc",
          (double)d.live_bytes, 32);
}

int main(int argc, char **argv)
{
    if (argc > 1)                      /* the child: act as pairbench */
        return pb_main(argc, argv, components);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        perror("readlink");
        return 1;
    }
    self[n] = '\0';
    modes();
    run_under(self, "glibc");
    run_under(self, "jemalloc");
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
