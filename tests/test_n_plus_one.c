/*
 * n_plus_one unit tests, run against each implementation: the refresh's
 * semantics on a small roadmap written row by row (candidates pending and
 * blocked only, the order with its ties, blocking and related
 * dependencies, a dependency on a missing task, the latest event with
 * equal timestamps, a task with no event, caps), the statements a refresh
 * runs (SQLite's trace: 1 + 2C for the naive, 1 for the optimized), bad
 * arguments and bad files.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pairbench/n_plus_one.h"
#include "../impl_shared/shared_roadmap.h"
#include "pb_test.h"

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

/* A:pending p3 t100, B:pending p3 t100 (id breaks the tie), C:blocked p5
 * on D (in_progress) and F (done), D:in_progress, E:pending p2 on F,
 * F:done, G:pending p4 related to D only, H:pending p9 on a missing task,
 * I:done. Events: A has three, two at the latest timestamp (the greater
 * id wins); B none. */
static void small_roadmap(const char *path)
{
    char err[256];
    unlink(path);
    if (roadmap_build(path, 1, 1, err, sizeof err) != 0)
        fail_msg("%s", err);
    pbt_sql(path, "DELETE FROM tasks; DELETE FROM task_dependencies; DELETE FROM events;"
              "INSERT INTO tasks VALUES"
              " ('A','a','E1',NULL,'pending',3,100), ('B','b','E1',NULL,'pending',3,100),"
              " ('C','c','E1',NULL,'blocked',5,50),  ('D','d','E2',NULL,'in_progress',1,10),"
              " ('E','e','E2',NULL,'pending',2,200), ('F','f','E2',NULL,'done',1,20),"
              " ('G','g','E2',NULL,'pending',4,300), ('H','h',NULL,NULL,'pending',9,1),"
              " ('I','i','E1',NULL,'done',1,5);"
              "INSERT INTO task_dependencies VALUES ('C','D','blocks'), ('C','F','blocks'),"
              " ('E','F','blocks'), ('G','D','related'), ('H','ZZ','blocks');"
              "INSERT INTO events(id, task_id, event_type, timestamp, data) VALUES"
              " (1,'A','created',5,''), (2,'A','progress',30,''), (3,'A','started',30,''),"
              " (4,'C','created',7,''), (5,'E','created',9,''), (6,'G','created',1,''),"
              " (7,'H','created',2,''), (8,'D','started',11,'');");
}

static n_plus_one *open_small(const n_plus_one_ops *ops)
{
    char path[64];
    snprintf(path, sizeof path, "%s/small-%s.db", dir, ops->name);
    small_roadmap(path);
    n_plus_one *r = NULL;
    assert_int_equal(ops->open(path, &r), NP_OK);
    assert_non_null(r);
    return r;
}

static void describe(const np_entry *e, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s:%s:%lld/%lld:%s@%lld",
                                 i ? " " : "", e[i].id, e[i].status,
                                 (long long)e[i].open_blockers, (long long)e[i].blockers,
                                 e[i].last_event, (long long)e[i].last_event_at);
}

static void test_refresh(void **state)
{
    const n_plus_one_ops *ops = *state;
    n_plus_one *r = open_small(ops);
    np_entry e[16];
    size_t n = 99;
    char got[1024];
    assert_int_equal(ops->refresh(r, e, 16, &n), NP_OK);
    describe(e, n, got, sizeof got);
    assert_string_equal(got, "H:pending:1/1:created@2 C:blocked:1/2:created@7"
                             " G:pending:0/0:created@1 A:pending:0/0:started@30"
                             " B:pending:0/0:@0 E:pending:0/1:created@9");
    assert_int_equal(e[0].priority, 9);
    assert_int_equal(e[1].created_at, 50);
    /* caps: the first cap rows */
    assert_int_equal(ops->refresh(r, e, 2, &n), NP_OK);
    describe(e, n, got, sizeof got);
    assert_string_equal(got, "H:pending:1/1:created@2 C:blocked:1/2:created@7");
    assert_int_equal(ops->refresh(r, e, 0, &n), NP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ops->refresh(r, NULL, 0, &n), NP_OK);
    ops->close(r);
}

static int count_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)type; (void)p; (void)x;
    (*(int *)ctx)++;
    return 0;
}

/* What the pair is about: the statements one refresh runs. */
static void test_statements(void **state)
{
    const n_plus_one_ops *ops = *state;
    n_plus_one *r = open_small(ops);
    int statements = 0;
    sqlite3_trace_v2(ops->db(r), SQLITE_TRACE_STMT, count_statement, &statements);
    np_entry e[16];
    size_t n;
    assert_int_equal(ops->refresh(r, e, 16, &n), NP_OK);
    assert_int_equal(n, 6);
    int naive = strcmp(ops->name, "naive") == 0;
    /* a correlated subquery is no statement of its own: SQLite's trace
     * reports statements the caller runs */
    assert_int_equal(statements, naive ? 1 + 2 * 6 : 1);
    sqlite3_trace_v2(ops->db(r), 0, NULL, NULL);
    ops->close(r);
}

static void test_bad_arguments(void **state)
{
    const n_plus_one_ops *ops = *state;
    n_plus_one *r = open_small(ops);
    np_entry e[4];
    size_t n = 7;
    assert_int_equal(ops->refresh(NULL, e, 4, &n), NP_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(ops->refresh(r, NULL, 4, &n), NP_EINVAL);
    assert_int_equal(ops->refresh(r, e, 4, NULL), NP_EINVAL);
    assert_int_equal(ops->refresh(r, e, 4, &n), NP_OK);      /* still usable */
    assert_int_equal(n, 4);
    assert_string_equal(ops->error(NULL), "");
    assert_null(ops->db(NULL));
    ops->close(r);
    ops->close(NULL);
}

/* A failure mid-refresh: another connection holds an exclusive lock. */
static void test_locked(void **state)
{
    const n_plus_one_ops *ops = *state;
    char path[64];
    snprintf(path, sizeof path, "%s/small-%s.db", dir, ops->name);
    n_plus_one *r = open_small(ops);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    np_entry e[16];
    size_t n;
    assert_int_equal(ops->refresh(r, e, 16, &n), NP_EIO);
    assert_int_equal(n, 0);
    assert_true(ops->error(r)[0] != '\0');
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(ops->refresh(r, e, 16, &n), NP_OK);     /* usable again */
    assert_int_equal(n, 6);
    ops->close(r);
}

static void test_bad_files(void **state)
{
    const n_plus_one_ops *ops = *state;
    n_plus_one *r = (n_plus_one *)1;
    char path[64];
    snprintf(path, sizeof path, "%s/missing.db", dir);
    assert_int_equal(ops->open(path, &r), NP_EIO);
    assert_null(r);
    assert_true(np_open_error()[0] != '\0');
    snprintf(path, sizeof path, "%s/text.db", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a database, just text long enough to be read as a header\n", f);
    fclose(f);
    assert_int_equal(ops->open(path, &r), NP_EIO);
    assert_null(r);
    snprintf(path, sizeof path, "%s/empty-schema.db", dir);
    unlink(path);
    pbt_sql(path, "CREATE TABLE unrelated(x);");
    assert_int_equal(ops->open(path, &r), NP_EIO);           /* no roadmap tables */
    assert_null(r);
    assert_non_null(strstr(np_open_error(), "no such table"));
    assert_int_equal(ops->open(NULL, &r), NP_EINVAL);
    assert_int_equal(ops->open(path, NULL), NP_EINVAL);
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "np", 0) != 0)
        return 1;
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_refresh),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_locked),
        cmocka_unit_test(test_bad_files),
    };
    int failed = PBT_RUN_BOTH("n_plus_one", each, &n_plus_one_naive, &n_plus_one_optimized);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
