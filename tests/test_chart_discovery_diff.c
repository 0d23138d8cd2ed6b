/*
 * chart_discovery differential test: seeded random repositories (0 to
 * about 400 entries per type folder, log-uniform; 1 to 3 types, a folder
 * sometimes missing or a file in its place), each entry of a random kind:
 * a chart directory, a directory without Chart.yaml, a directory whose
 * Chart.yaml is a directory or a dangling link, a file with a suffix the
 * seed skips (.yaml, .yml, .md) or another (.tgz, .txt, none), a FIFO, a
 * symbolic link to a chart, to a file or to nothing, and a chart directory
 * named with a skipped suffix; names of random bytes (spaces, leading
 * dots, bytes >= 0x80, near NAME_MAX long). After each discovery the tree
 * is changed (entries removed, Chart.yaml added or removed) and discovered
 * again. Both implementations must return the same code and the same
 * sorted list; the naive one (a stat of every candidate path) is the
 * oracle. Under /dev/shm when it exists (tmpfs reports d_type, as ext4).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pairbench/chart_discovery.h"
#include "pb_test.h"

#define SEQUENCES 1000
#define ROUNDS    3

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

typedef struct ctx {
    pbt_where where;
    size_t    entries;
} ctx;

static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "entries=%zu", c->entries);
}

static void random_name(pbt_rng *r, char *buf, size_t cap, unsigned i)
{
    static const char *const suffix[] = { "", ".yaml", ".yml", ".md", ".tgz", ".txt",
                                          ".yaml.bak", "md" };
    size_t k = 0;
    uint64_t style = pbt_below(r, 6);
    if (style == 0 && cap > 250) {                   /* near NAME_MAX */
        for (; k < 230; k++)
            buf[k] = (char)('a' + pbt_below(r, 26));
    } else if (style == 1) {                         /* random bytes */
        size_t n = 1 + pbt_below(r, 12);
        for (; k < n; k++) {
            char ch;
            do
                ch = (char)(1 + pbt_below(r, 255));
            while (ch == '/');
            buf[k] = ch;
        }
    } else if (style == 2) {
        buf[k++] = '.';
    }
    k += (size_t)snprintf(buf + k, cap - k, "e%u", i);
    snprintf(buf + k, cap - k, "%s", suffix[pbt_below(r, PBT_ARRAY_LEN(suffix))]);
}

static void make(pbt_rng *r, const char *tdir, unsigned i)
{
    char name[NAME_MAX + 1], p[PATH_MAX + 64], q[PATH_MAX + 96];
    random_name(r, name, sizeof name - 16, i);
    snprintf(p, sizeof p, "%s/%s", tdir, name);
    int fd;
    switch (pbt_below(r, 10)) {
    case 0: case 1: case 2:                          /* a chart */
        if (mkdir(p, 0755) == 0) {
            snprintf(q, sizeof q, "%s/Chart.yaml", p);
            if ((fd = open(q, O_WRONLY | O_CREAT, 0644)) >= 0)
                close(fd);
        }
        break;
    case 3:
        mkdir(p, 0755);                              /* no Chart.yaml */
        break;
    case 4:                                          /* Chart.yaml a dir or dangling */
        if (mkdir(p, 0755) == 0) {
            snprintf(q, sizeof q, "%s/Chart.yaml", p);
            if (pbt_below(r, 2))
                mkdir(q, 0755);
            else if (symlink("/nonexistent/chart", q) != 0)
                break;
        }
        break;
    case 5: case 6:
        if ((fd = open(p, O_WRONLY | O_CREAT, 0644)) >= 0)
            close(fd);
        break;
    case 7:
        mkfifo(p, 0644);
        break;
    default: {                                       /* links */
        static const char *const to[] = { ".", "..", "/nonexistent", "e0", "e1.yaml" };
        if (symlink(to[pbt_below(r, PBT_ARRAY_LEN(to))], p) != 0)
            break;
    }
    }
}

static void change(pbt_rng *r, const char *tdir)
{
    DIR *d = opendir(tdir);
    if (!d)
        return;
    struct dirent *e;
    char p[PATH_MAX * 2], q[PATH_MAX * 2 + 16];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || pbt_below(r, 5))
            continue;
        snprintf(p, sizeof p, "%s/%s", tdir, e->d_name);
        snprintf(q, sizeof q, "%s/Chart.yaml", p);
        int fd;
        switch (pbt_below(r, 3)) {
        case 0:
            if (unlink(q) != 0 && unlink(p) != 0)
                rmdir(p);
            break;
        case 1:
            if ((fd = open(q, O_WRONLY | O_CREAT, 0644)) >= 0)
                close(fd);
            break;
        default:
            unlink(q);
            break;
        }
    }
    closedir(d);
}

static void compare(ctx *c, const char *root, const char *const *types, size_t n)
{
    cd_charts a, b;
    int ra = chart_discovery_naive.discover(root, types, n, &a);
    int rb = chart_discovery_optimized.discover(root, types, n, &b);
    if (ra != rb || a.n != b.n)
        pbt_mismatch(&c->where, "naive rc=%d n=%zu (%s), optimized rc=%d n=%zu (%s)", ra,
                     a.n, a.error, rb, b.n, b.error);
    for (size_t i = 0; i < a.n; i++)
        if (strcmp(a.paths[i], b.paths[i]) != 0)
            pbt_mismatch(&c->where, "chart %zu: naive %s, optimized %s", i, a.paths[i],
                         b.paths[i]);
    chart_discovery_naive.free_charts(&a);
    chart_discovery_optimized.free_charts(&b);
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x63686172742d6466ULL };
    static const char *const names[] = { "application", "library", "extra" };
    for (unsigned seq = 0; seq < SEQUENCES; seq++) {
        ctx c = { .where = { .test = "chart_discovery_diff", .seq = seq,
                             .describe = describe } };
        c.where.arg = &c;
        c.where.seed = pbt_next(&r);
        pbt_rng sr = { c.where.seed };
        char root[PATH_MAX];
        snprintf(root, sizeof root, "%s/r%u", dir, seq);
        assert_int_equal(mkdir(root, 0755), 0);
        size_t n_types = 1 + (size_t)pbt_below(&sr, 3);
        for (size_t t = 0; t < n_types; t++) {
            char tdir[PATH_MAX + 16];
            snprintf(tdir, sizeof tdir, "%s/%s", root, names[t]);
            uint64_t kind = pbt_below(&sr, 10);
            if (kind == 0)
                continue;                                /* missing */
            if (kind == 1) {
                int fd = open(tdir, O_WRONLY | O_CREAT, 0644);  /* a file */
                if (fd >= 0)
                    close(fd);
                continue;
            }
            assert_int_equal(mkdir(tdir, 0755), 0);
            size_t n = pbt_octave_size(&sr, pbt_below(&sr, 9), 400);
            for (size_t i = 0; i < n; i++)
                make(&sr, tdir, (unsigned)i);
            c.entries += n;
        }
        for (int round = 0; round < ROUNDS; round++) {
            c.where.step = (size_t)round;
            c.where.op = "discover";
            compare(&c, root, names, n_types);
            for (size_t t = 0; t < n_types; t++) {
                char tdir[PATH_MAX + 16];
                snprintf(tdir, sizeof tdir, "%s/%s", root, names[t]);
                change(&sr, tdir);
            }
        }
        pbt_remove_dir(root);
    }
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "cd-diff", 1) != 0)
        return 1;
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    int failed = cmocka_run_group_tests_name("chart_discovery differential", tests, NULL,
                                             NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
