/* pb_test: the helpers of tests/pb_test.h shared by the component tests. */
#define _XOPEN_SOURCE 700
#include "pb_test.h"

#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <stdio.h>

void pbt_shuffle_int(int *a, size_t n, pbt_rng *r)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)pbt_mod(r, (uint64_t)i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

void pbt_make_id(char *buf, size_t size, const char *prefix, long i)
{
    snprintf(buf, size, "%s%06ld", prefix, i);
}

void pbt_fresh_id(int pattern, pbt_rng *r, uint64_t *serial, size_t target,
                  char *buf, size_t size)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    switch (pattern) {
    case PBT_ID_SEQUENTIAL:
        snprintf(buf, size, "task-%06llu", (unsigned long long)(*serial)++);
        break;
    case PBT_ID_RANDOM: {
        /* Lengths skewed short, so that some ids collide. */
        size_t len = pbt_mod(r, 4) == 0 ? 1 + pbt_mod(r, 3) : 1 + pbt_mod(r, size - 1);
        for (size_t i = 0; i < len; i++)
            buf[i] = alnum[pbt_mod(r, sizeof alnum - 1)];
        buf[len] = '\0';
        break;
    }
    default:
        snprintf(buf, size, "tenant-%02u/queue-%02u/job-%07u",
                 (unsigned)pbt_mod(r, 3), (unsigned)pbt_mod(r, 4),
                 (unsigned)pbt_mod(r, 4 * target + 64));
        break;
    }
}

size_t pbt_octave_size(pbt_rng *r, size_t k, size_t max)
{
    size_t lo = ((size_t)1 << k) - 1, hi = ((size_t)2 << k) - 1;
    if (hi > max + 1)
        hi = max + 1;
    return lo + pbt_mod(r, hi - lo);
}

static void vreport(const pbt_where *w, const char *fmt, va_list ap)
{
    char more[256] = "";
    if (w->describe != NULL)
        w->describe(w->arg, more, sizeof more);
    fprintf(stderr, "%s MISMATCH: seed=0x%016llx seq=%u step=%zu op=%s%s%s\n  ",
            w->test, (unsigned long long)w->seed, w->seq, w->step,
            w->op ? w->op : "-", more[0] ? " " : "", more);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void pbt_report(const pbt_where *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(w, fmt, ap);
    va_end(ap);
}

void pbt_mismatch(const pbt_where *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(w, fmt, ap);
    va_end(ap);
    fail_msg("naive and optimized differ (see the line above)");
}

/* The group set-up hands every test the state of the table being run. */
static const void *current_state;

static int setup_state(void **state)
{
    *state = (void *)current_state;
    return 0;
}

int pbt_run_tables(const char *component, const struct CMUnitTest *tests, size_t n_tests,
                   const pbt_table *tables, size_t n_tables)
{
    int failed = 0;
    for (size_t t = 0; t < n_tables; t++) {
        char group[128];
        snprintf(group, sizeof group, "%s %s", component, tables[t].name);
        current_state = tables[t].state;
        failed += _cmocka_run_group_tests(group, tests, n_tests, setup_state, NULL);
    }
    return failed;
}

int pbt_make_dir(char *buf, size_t cap, const char *name, int on_tmpfs)
{
    struct stat st;
    int shm = on_tmpfs && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode);
    int k = snprintf(buf, cap, "%s/pb-test-%s.XXXXXX", shm ? "/dev/shm" : "/tmp", name);
    if (k < 0 || (size_t)k >= cap) {
        fprintf(stderr, "pb-test-%s: directory name too long\n", name);
        return -1;
    }
    if (!mkdtemp(buf)) {
        perror(buf);
        return -1;
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)f;
    if ((flag == FTW_DP ? rmdir(path) : unlink(path)) != 0)
        perror(path);
    return 0;
}

void pbt_remove_dir(const char *path)
{
    if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        perror(path);
}

void pbt_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        fail_msg("open %s: %s", path, sqlite3_errmsg(db));
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", err ? err : "?");
        sqlite3_free(err);
        sqlite3_close(db);
        fail_msg("%s: %s", sql, msg);
    }
    sqlite3_close(db);
}
