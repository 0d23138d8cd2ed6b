/*
 * health_cache unit tests, run against each implementation: the health of
 * a small roadmap written row by row (every status, one written by
 * someone else, quality in two of the three dimensions), each write and
 * its effect on the next read, every error code (bad arguments, a
 * duplicate id, a missing task, a read-only or locked database) with the
 * health after it, bad files; and, for the optimized one, the documented
 * difference: a write through another connection is not seen until the
 * handle's next write.
 */
#define _GNU_SOURCE
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pairbench/health_cache.h"
#include "../impl_shared/shared_roadmap.h"
#include "pb_test.h"

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

static void small_path(const health_cache_ops *ops, char *path, size_t cap)
{
    snprintf(path, cap, "%s/small-%s.db", dir, ops->name);
}

/* 2 pending, 1 in_progress, 1 blocked, 3 done, 1 'archived'; quality:
 * correctness 0.5 and 1.0, performance 0.25. */
static health_cache *open_small(const health_cache_ops *ops)
{
    char path[64], err[256];
    small_path(ops, path, sizeof path);
    unlink(path);
    if (roadmap_build(path, 1, 1, err, sizeof err) != 0)
        fail_msg("%s", err);
    pbt_sql(path, "DELETE FROM tasks; DELETE FROM quality_metrics;"
              "INSERT INTO tasks VALUES"
              " ('A','a','E1',NULL,'pending',3,100), ('B','b','E1',NULL,'pending',3,100),"
              " ('C','c','E1',NULL,'in_progress',5,50), ('D','d','E2',NULL,'blocked',1,10),"
              " ('E','e','E2',NULL,'done',2,200), ('F','f','E2',NULL,'done',1,20),"
              " ('G','g','E2',NULL,'done',4,300), ('H','h',NULL,NULL,'archived',9,1);"
              "INSERT INTO quality_metrics(task_id, dimension, score, timestamp) VALUES"
              " ('E','correctness',0.5,1), ('F','correctness',1.0,2),"
              " ('G','performance',0.25,3), ('G','style',0.9,4);");
    health_cache *r = NULL;
    assert_int_equal(ops->open(path, &r), HC_OK);
    assert_non_null(r);
    return r;
}

static void expect(const health_cache_ops *ops, health_cache *r, int64_t total,
                   int64_t pending, int64_t in_progress, int64_t blocked, int64_t done,
                   int64_t other, int64_t c0, double m0, int64_t c2, double m2)
{
    hc_health h;
    memset(&h, 0xab, sizeof h);
    assert_int_equal(ops->health(r, &h), HC_OK);
    assert_int_equal(h.total, total);
    assert_int_equal(h.pending, pending);
    assert_int_equal(h.in_progress, in_progress);
    assert_int_equal(h.blocked, blocked);
    assert_int_equal(h.done, done);
    assert_int_equal(h.other, other);
    assert_true(h.completion == (double)done / (double)total);
    assert_int_equal(h.quality_count[HC_CORRECTNESS], c0);
    assert_true(fabs(h.quality_mean[HC_CORRECTNESS] - m0) < 1e-12);
    assert_int_equal(h.quality_count[HC_MAINTAINABILITY], 0);
    assert_true(h.quality_mean[HC_MAINTAINABILITY] == 0.0);
    assert_int_equal(h.quality_count[HC_PERFORMANCE], c2);
    assert_true(fabs(h.quality_mean[HC_PERFORMANCE] - m2) < 1e-12);
}

static void test_health_and_writes(void **state)
{
    const health_cache_ops *ops = *state;
    health_cache *r = open_small(ops);
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);     /* again, the same */
    assert_int_equal(ops->transition(r, "A", "done"), HC_OK);
    expect(ops, r, 8, 1, 1, 1, 4, 1, 2, 0.75, 1, 0.25);
    assert_int_equal(ops->create_task(r, "N", "E9", 1, 7), HC_OK);
    expect(ops, r, 9, 2, 1, 1, 4, 1, 2, 0.75, 1, 0.25);
    assert_int_equal(ops->record_quality(r, "N", "correctness", 0.0, 9), HC_OK);
    expect(ops, r, 9, 2, 1, 1, 4, 1, 3, 0.5, 1, 0.25);
    assert_int_equal(ops->transition(r, "H", "blocked"), HC_OK);  /* other -> known */
    expect(ops, r, 9, 2, 1, 2, 4, 0, 3, 0.5, 1, 0.25);
    assert_int_equal(ops->transition(r, "H", "blocked"), HC_OK);  /* to the same */
    expect(ops, r, 9, 2, 1, 2, 4, 0, 3, 0.5, 1, 0.25);
    ops->close(r);
}

/* The copy is the caller's: changing it changes nothing. */
static void test_copy(void **state)
{
    const health_cache_ops *ops = *state;
    health_cache *r = open_small(ops);
    hc_health h;
    assert_int_equal(ops->health(r, &h), HC_OK);
    h.done = 1000;
    h.quality_mean[0] = -1;
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);
    ops->close(r);
}

static void test_errors(void **state)
{
    const health_cache_ops *ops = *state;
    health_cache *r = open_small(ops);
    hc_health h;
    char longid[HC_ID_MAX + 1];
    memset(longid, 'x', HC_ID_MAX);
    longid[HC_ID_MAX] = '\0';
    assert_int_equal(ops->health(NULL, &h), HC_EINVAL);
    assert_int_equal(ops->health(r, NULL), HC_EINVAL);
    assert_int_equal(ops->create_task(NULL, "Z", "E", 1, 1), HC_EINVAL);
    assert_int_equal(ops->create_task(r, NULL, "E", 1, 1), HC_EINVAL);
    assert_int_equal(ops->create_task(r, "Z", NULL, 1, 1), HC_EINVAL);
    assert_int_equal(ops->create_task(r, longid, "E", 1, 1), HC_EINVAL);
    assert_int_equal(ops->create_task(r, "A", "E", 1, 1), HC_EEXIST);
    assert_int_equal(ops->transition(r, "A", "finished"), HC_EINVAL);
    assert_int_equal(ops->transition(r, "A", NULL), HC_EINVAL);
    assert_int_equal(ops->transition(r, "nope", "done"), HC_ENOENT);
    assert_int_equal(ops->record_quality(r, "A", "style", 0.5, 1), HC_EINVAL);
    assert_int_equal(ops->record_quality(r, "A", "correctness", 1.5, 1), HC_EINVAL);
    assert_int_equal(ops->record_quality(r, "A", "correctness", -0.1, 1), HC_EINVAL);
    assert_int_equal(ops->record_quality(r, "A", "correctness", NAN, 1), HC_EINVAL);
    assert_int_equal(ops->record_quality(r, "nope", "correctness", 0.5, 1), HC_ENOENT);
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);     /* nothing changed */
    /* a read-only connection: every write fails with EIO, nothing changes */
    assert_int_equal(sqlite3_exec(ops->db(r), "PRAGMA query_only=1", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(ops->transition(r, "A", "done"), HC_EIO);
    assert_true(ops->error(r)[0] != '\0');
    assert_int_equal(ops->create_task(r, "Z", "E", 1, 1), HC_EIO);
    assert_int_equal(ops->record_quality(r, "A", "correctness", 0.5, 1), HC_EIO);
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);
    assert_int_equal(sqlite3_exec(ops->db(r), "PRAGMA query_only=0", NULL, NULL, NULL),
                     SQLITE_OK);
    /* locked by another connection: a write fails, then a read fails, and
     * after the lock the health is the truth */
    char path[64];
    small_path(ops, path, sizeof path);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ops->transition(r, "A", "done"), HC_EIO);
    memset(&h, 0x5a, sizeof h);
    hc_health before = h;
    assert_int_equal(ops->health(r, &h), HC_EIO);
    assert_memory_equal(&h, &before, sizeof h);             /* *out unchanged */
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);
    assert_string_equal(ops->error(NULL), "");
    assert_null(ops->db(NULL));
    ops->close(r);
    ops->close(NULL);
}

static void test_bad_files(void **state)
{
    const health_cache_ops *ops = *state;
    health_cache *r = (health_cache *)1;
    char path[64];
    snprintf(path, sizeof path, "%s/missing.db", dir);
    assert_int_equal(ops->open(path, &r), HC_EIO);
    assert_null(r);
    assert_true(hc_open_error()[0] != '\0');
    snprintf(path, sizeof path, "%s/text.db", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a database, just text long enough to be read as a header\n", f);
    fclose(f);
    assert_int_equal(ops->open(path, &r), HC_EIO);
    assert_null(r);
    snprintf(path, sizeof path, "%s/empty-schema.db", dir);
    unlink(path);
    pbt_sql(path, "CREATE TABLE unrelated(x);");
    assert_int_equal(ops->open(path, &r), HC_EIO);
    assert_null(r);
    assert_non_null(strstr(hc_open_error(), "no such table"));
    assert_int_equal(ops->open(NULL, &r), HC_EINVAL);
    assert_int_equal(ops->open(path, NULL), HC_EINVAL);
}

/* The contract's one difference: another connection's write. */
static void test_foreign_write(void **state)
{
    const health_cache_ops *ops = *state;
    health_cache *r = open_small(ops);
    char path[64];
    small_path(ops, path, sizeof path);
    expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);
    pbt_sql(path, "UPDATE tasks SET status = 'done' WHERE id = 'B'");
    if (strcmp(ops->name, "naive") == 0)
        expect(ops, r, 8, 1, 1, 1, 4, 1, 2, 0.75, 1, 0.25);
    else
        expect(ops, r, 8, 2, 1, 1, 3, 1, 2, 0.75, 1, 0.25);  /* not seen yet */
    assert_int_equal(ops->transition(r, "A", "done"), HC_OK);
    expect(ops, r, 8, 0, 1, 1, 5, 1, 2, 0.75, 1, 0.25);     /* both seen */
    ops->close(r);
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "hc", 0) != 0)
        return 1;
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_health_and_writes),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_foreign_write),
    };
    int failed = PBT_RUN_BOTH("health_cache", each, &health_cache_naive,
                              &health_cache_optimized);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
