/*
 * chart_discovery unit tests, run against each implementation: a
 * repository written entry by entry (chart directories, a directory
 * without Chart.yaml, names the seed skips by suffix, also for
 * directories, a symbolic link to a chart, a dangling link, a Chart.yaml
 * that is itself a directory or a dangling link, files of every other
 * kind), the sorted result; a missing type folder and a file in its
 * place (no chart); an empty folder; bad arguments; a root path longer
 * than PATH_MAX (CD_EIO with the path); large folders (the optimized one's
 * threads) giving the same result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pairbench/chart_discovery.h"
#include "pb_test.h"

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */
static const char *const types[] = { "application", "library" };

static void mk(const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", p, strerror(errno));
}

static void file(const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        fail_msg("create %s: %s", p, strerror(errno));
    close(fd);
}

static void link_to(const char *target, const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    unlink(p);
    if (symlink(target, p) != 0)
        fail_msg("symlink %s: %s", p, strerror(errno));
}

static void joined(const cd_charts *c, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? " " : "", c->paths[i]);
}

static void build_repo(void)
{
    mk("repo");
    mk("repo/application");
    mk("repo/library");
    static const char *const charts[] = { "repo/application/web", "repo/application/api",
                                          "repo/application/Zeta", "repo/library/common",
                                          "repo/library/x.yaml", "repo/application/a b" };
    for (size_t i = 0; i < PBT_ARRAY_LEN(charts); i++) {
        char p[PATH_MAX];
        mk(charts[i]);
        snprintf(p, sizeof p, "%s/Chart.yaml", charts[i]);
        file(p);
    }
    mk("repo/application/no-chart");
    file("repo/application/no-chart/values.yaml");
    mk("repo/application/dir-chart");
    mk("repo/application/dir-chart/Chart.yaml");        /* a directory: exists */
    mk("repo/application/dangling-chart");
    link_to("/nonexistent/x", "repo/application/dangling-chart/Chart.yaml");
    link_to("web", "repo/application/web-link");        /* a link to a chart */
    link_to("/nonexistent/y", "repo/application/broken");
    file("repo/application/README.md");
    file("repo/application/notes.yml");
    file("repo/application/web-1.0.0.tgz");
    file("repo/application/LICENSE");
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/repo/application/fifo", dir);
    unlink(p);
    if (mkfifo(p, 0644) != 0)
        fail_msg("mkfifo: %s", strerror(errno));
}

static void test_discover(void **state)
{
    const chart_discovery_ops *ops = *state;
    build_repo();
    char root[PATH_MAX], got[2048];
    snprintf(root, sizeof root, "%s/repo", dir);
    cd_charts c;
    assert_int_equal(ops->discover(root, types, 2, &c), CD_OK);
    joined(&c, got, sizeof got);
    assert_string_equal(got, "application/Zeta application/a b application/api"
                             " application/dir-chart application/web application/web-link"
                             " library/common");
    ops->free_charts(&c);
    /* the types in the order given */
    const char *const rev[] = { "library", "application" };
    assert_int_equal(ops->discover(root, rev, 2, &c), CD_OK);
    assert_int_equal(c.n, 7);
    assert_string_equal(c.paths[0], "library/common");
    assert_string_equal(c.paths[1], "application/Zeta");
    ops->free_charts(&c);
    ops->free_charts(&c);                              /* twice: a no-op */
    ops->free_charts(NULL);
}

static void test_missing(void **state)
{
    const chart_discovery_ops *ops = *state;
    mk("only-file");
    file("only-file/application");                      /* a file, not a folder */
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/only-file", dir);
    cd_charts c;
    assert_int_equal(ops->discover(root, types, 2, &c), CD_OK);
    assert_int_equal(c.n, 0);
    ops->free_charts(&c);
    mk("empty");
    mk("empty/application");
    snprintf(root, sizeof root, "%s/empty", dir);
    assert_int_equal(ops->discover(root, types, 2, &c), CD_OK);
    assert_int_equal(c.n, 0);
    ops->free_charts(&c);
    snprintf(root, sizeof root, "%s/no-such-root", dir);
    assert_int_equal(ops->discover(root, types, 2, &c), CD_OK);
    assert_int_equal(c.n, 0);
    ops->free_charts(&c);
}

static void test_errors(void **state)
{
    const chart_discovery_ops *ops = *state;
    cd_charts c;
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/repo", dir);
    assert_int_equal(ops->discover(NULL, types, 2, &c), CD_EINVAL);
    assert_int_equal(ops->discover(root, NULL, 2, &c), CD_EINVAL);
    assert_int_equal(ops->discover(root, types, 0, &c), CD_EINVAL);
    assert_int_equal(ops->discover(root, types, CD_TYPES_MAX + 1, &c), CD_EINVAL);
    assert_int_equal(ops->discover(root, types, 2, NULL), CD_EINVAL);
    const char *const bad[][1] = { { "" }, { "a/b" }, { "." }, { ".." }, { NULL } };
    for (size_t i = 0; i < PBT_ARRAY_LEN(bad); i++)
        assert_int_equal(ops->discover(root, bad[i], 1, &c), CD_EINVAL);
    /* a root too long for a path: an error naming it, nothing found */
    static char longroot[PATH_MAX + 64];
    memset(longroot, 'r', sizeof longroot - 1);
    longroot[0] = '/';
    longroot[sizeof longroot - 1] = '\0';
    memset(&c, 0x5a, sizeof c);
    assert_int_equal(ops->discover(longroot, types, 2, &c), CD_EIO);
    assert_int_equal(c.n, 0);
    assert_non_null(strstr(c.error, strerror(ENAMETOOLONG)));
    ops->free_charts(&c);
}

/* Folders large enough for the optimized one's threads: the same charts. */
static void test_large(void **state)
{
    const chart_discovery_ops *ops = *state;
    mk("big");
    mk("big/application");
    mk("big/library");
    char rel[128];
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 3000; i++) {
            snprintf(rel, sizeof rel, "big/%s/c%05d", types[t], i);
            if (i % 3 == 2) {
                file(rel);
                continue;
            }
            mk(rel);
            if (i % 3 == 0) {
                snprintf(rel, sizeof rel, "big/%s/c%05d/Chart.yaml", types[t], i);
                file(rel);
            }
        }
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/big", dir);
    cd_charts c;
    assert_int_equal(ops->discover(root, types, 2, &c), CD_OK);
    assert_int_equal(c.n, 2000);
    assert_string_equal(c.paths[0], "application/c00000");
    assert_string_equal(c.paths[999], "application/c02997");
    assert_string_equal(c.paths[1000], "library/c00000");
    for (size_t i = 1; i < c.n; i++)
        if (i != 1000)
            assert_true(strcmp(c.paths[i - 1], c.paths[i]) < 0);
    ops->free_charts(&c);
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "cd", 0) != 0)
        return 1;
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_discover),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_large),
    };
    int failed = PBT_RUN_BOTH("chart_discovery", each, &chart_discovery_naive,
                              &chart_discovery_optimized);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
