/*
 * ready_tasks_index unit tests, run against each implementation: the
 * queries' semantics on a small roadmap written row by row (blocking and
 * related dependencies, a dependency on a missing task, ties in the
 * order, caps), bad arguments and bad files; then, once, the query plans
 * (the optimized ones use the indexes, the naive ones scan) and the
 * roadmap generator (deterministic, a DAG, the documented shape).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

#include <sqlite3.h>

#include "pairbench/ready_tasks_index.h"
#include "../impl_shared/shared_roadmap.h"
#include "../impl_shared/ready_tasks_index_queries.h"
#include "pb_test.h"

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

/* A roadmap of one generated task (T0000000, epic E00000) plus these:
 *   A pending p3, B pending p3 (same created_at as A: id breaks the tie),
 *   C pending p5 blocked by D (in_progress), E pending blocked by F (done),
 *   G pending with a "related" dep on D (not blocking), H pending blocked
 *   by a missing task, I done, J pending p1 child of A */
static void small_roadmap(const char *path)
{
    char err[256];
    unlink(path);
    if (roadmap_build(path, 1, 1, err, sizeof err) != 0)
        fail_msg("%s", err);
    pbt_sql(path, "DELETE FROM tasks; DELETE FROM task_dependencies; DELETE FROM events;"
              " DELETE FROM quality_metrics;"
              "INSERT INTO tasks VALUES"
              " ('A','a','E1',NULL,'pending',3,100), ('B','b','E1',NULL,'pending',3,100),"
              " ('C','c','E1',NULL,'pending',5,50),  ('D','d','E2',NULL,'in_progress',1,10),"
              " ('E','e','E2',NULL,'pending',2,200), ('F','f','E2',NULL,'done',1,20),"
              " ('G','g','E2',NULL,'pending',4,300), ('H','h',NULL,NULL,'pending',9,1),"
              " ('I','i','E1',NULL,'done',1,5),      ('J','j','E1','A','pending',1,400);"
              "INSERT INTO task_dependencies VALUES ('C','D','blocks'), ('E','F','blocks'),"
              " ('G','D','related'), ('H','ZZ','blocks'), ('J','D','related'),"
              " ('A','I','blocks');"
              "INSERT INTO events(task_id, event_type, timestamp, data) VALUES"
              " ('A','progress',30,''), ('A','progress',10,''), ('A','created',5,''),"
              " ('A','progress',10,'');"
              "INSERT INTO quality_metrics(task_id, dimension, score, timestamp) VALUES"
              " ('I','correctness',0.5,1), ('I','correctness',1.0,2), ('I','style',0.1,3);");
}

static ready_tasks_index *open_small(const ready_tasks_index_ops *ops)
{
    char path[64];
    snprintf(path, sizeof path, "%s/small-%s.db", dir, ops->name);
    small_roadmap(path);
    ready_tasks_index *r = NULL;
    assert_int_equal(ops->open(path, &r), RTI_OK);
    assert_non_null(r);
    return r;
}

static void ids(const rti_task *t, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? " " : "", t[i].id);
}

static void test_ready(void **state)
{
    const ready_tasks_index_ops *ops = *state;
    ready_tasks_index *r = open_small(ops);
    rti_task t[16];
    size_t n;
    char got[128];
    assert_int_equal(ops->ready(r, t, 16, &n), RTI_OK);
    ids(t, n, got, sizeof got);
    /* C (blocked by D in progress), H (missing dep) out; G's related dep
     * does not block; E's blocker is done; A before B on the id */
    assert_string_equal(got, "G A B E J");
    assert_string_equal(t[0].epic_id, "E2");
    assert_string_equal(t[0].status, "pending");
    assert_int_equal(t[0].priority, 4);
    assert_int_equal(t[0].created_at, 300);
    assert_int_equal(ops->ready(r, t, 2, &n), RTI_OK);   /* the cap is the LIMIT */
    ids(t, n, got, sizeof got);
    assert_string_equal(got, "G A");
    assert_int_equal(ops->ready(r, NULL, 0, &n), RTI_OK);
    assert_int_equal(n, 0);
    ops->close(r);
}

static void test_lookups(void **state)
{
    const ready_tasks_index_ops *ops = *state;
    ready_tasks_index *r = open_small(ops);
    rti_task t[16];
    size_t n;
    char got[128];
    assert_int_equal(ops->by_epic(r, "E1", t, 16, &n), RTI_OK);
    ids(t, n, got, sizeof got);
    assert_string_equal(got, "I C A B J");
    assert_int_equal(ops->by_epic(r, "E1", t, 3, &n), RTI_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ops->by_epic(r, "nope", t, 16, &n), RTI_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ops->by_parent(r, "A", t, 16, &n), RTI_OK);
    ids(t, n, got, sizeof got);
    assert_string_equal(got, "J");
    assert_int_equal(ops->dependents(r, "D", t, 16, &n), RTI_OK);   /* blocks only */
    ids(t, n, got, sizeof got);
    assert_string_equal(got, "C");
    assert_int_equal(ops->dependents(r, "ZZ", t, 16, &n), RTI_OK);
    ids(t, n, got, sizeof got);
    assert_string_equal(got, "H");

    rti_event ev[8];
    assert_int_equal(ops->events(r, "A", "progress", ev, 8, &n), RTI_OK);
    assert_int_equal(n, 3);
    assert_true(ev[0].timestamp == 10 && ev[1].timestamp == 10 && ev[2].timestamp == 30);
    assert_true(ev[0].id < ev[1].id);                    /* the id breaks the tie */
    assert_int_equal(ops->events(r, "A", "created", ev, 8, &n), RTI_OK);
    assert_int_equal(n, 1);
    double mean;
    int64_t count;
    assert_int_equal(ops->quality(r, "I", "correctness", &mean, &count), RTI_OK);
    assert_int_equal(count, 2);
    assert_true(mean == 0.75);
    assert_int_equal(ops->quality(r, "A", "correctness", &mean, &count), RTI_OK);
    assert_int_equal(count, 0);
    assert_true(mean == 0);
    ops->close(r);
}

static void test_bad_arguments(void **state)
{
    const ready_tasks_index_ops *ops = *state;
    ready_tasks_index *r = open_small(ops);
    rti_task t[4];
    rti_event ev[4];
    size_t n = 7;
    char longid[RTI_ID_MAX + 1];
    memset(longid, 'x', RTI_ID_MAX);
    longid[RTI_ID_MAX] = '\0';
    assert_int_equal(ops->ready(NULL, t, 4, &n), RTI_EINVAL);
    assert_int_equal(ops->ready(r, NULL, 4, &n), RTI_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(ops->ready(r, t, 4, NULL), RTI_EINVAL);
    assert_int_equal(ops->by_epic(r, NULL, t, 4, &n), RTI_EINVAL);
    assert_int_equal(ops->by_epic(r, longid, t, 4, &n), RTI_EINVAL);
    longid[RTI_ID_MAX - 1] = '\0';                  /* 23 bytes: fine */
    assert_int_equal(ops->by_parent(r, longid, t, 4, &n), RTI_OK);
    assert_int_equal(ops->events(r, "A", NULL, ev, 4, &n), RTI_EINVAL);
    double mean;
    int64_t count;
    assert_int_equal(ops->quality(r, "A", "x", NULL, &count), RTI_EINVAL);
    assert_int_equal(ops->quality(r, NULL, "x", &mean, &count), RTI_EINVAL);
    /* still usable */
    assert_int_equal(ops->ready(r, t, 4, &n), RTI_OK);
    assert_int_equal(n, 4);
    ops->close(r);
    ops->close(NULL);
}

static void test_bad_files(void **state)
{
    const ready_tasks_index_ops *ops = *state;
    ready_tasks_index *r = (ready_tasks_index *)1;
    char path[64];
    snprintf(path, sizeof path, "%s/missing.db", dir);
    assert_int_equal(ops->open(path, &r), RTI_EIO);
    assert_null(r);
    assert_true(rti_open_error()[0] != '\0');
    snprintf(path, sizeof path, "%s/text.db", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a database, just text long enough to be read as a header\n", f);
    fclose(f);
    assert_int_equal(ops->open(path, &r), RTI_EIO);
    assert_null(r);
    snprintf(path, sizeof path, "%s/empty-schema.db", dir);
    unlink(path);
    pbt_sql(path, "CREATE TABLE unrelated(x);");
    assert_int_equal(ops->open(path, &r), RTI_EIO);    /* no roadmap tables */
    assert_null(r);
    assert_non_null(strstr(rti_open_error(), "no such table"));
    assert_int_equal(ops->open(NULL, &r), RTI_EINVAL);
    assert_int_equal(ops->open(path, NULL), RTI_EINVAL);
}

/* --- once: the plans and the generator ------------------------------------ */

/* The EXPLAIN QUERY PLAN of a query, its detail lines joined by " | ". */
static void plan_of(sqlite3 *db, const char *query, char *out, size_t cap)
{
    char text[2048];
    snprintf(text, sizeof text, "EXPLAIN QUERY PLAN %s", query);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK);
    size_t used = 0;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? " | " : "",
                                 (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
}

/* 1 when the plan scans one of the roadmap's tables without an index:
 * "SCAN t" / "SCAN d" ... with no "USING". */
static int scans_a_table(const char *plan)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", plan);
    for (char *part = strtok(copy, "|"); part; part = strtok(NULL, "|"))
        if (strstr(part, "SCAN ") && !strstr(part, "USING") &&
            !strstr(part, "CONSTANT ROW"))
            return 1;
    return 0;
}

static void test_query_plans(void **state)
{
    (void)state;
    char path[2][64];
    const ready_tasks_index_ops *ops[2] = { &ready_tasks_index_naive,
                                            &ready_tasks_index_optimized };
    char err[256];
    snprintf(path[0], sizeof path[0], "%s/plan-naive.db", dir);
    snprintf(path[1], sizeof path[1], "%s/plan-optimized.db", dir);
    unlink(path[0]);
    assert_int_equal(roadmap_build(path[0], 2000, 7, err, sizeof err), 0);
    unlink(path[1]);
    assert_int_equal(roadmap_copy(path[0], path[1]), 0);
    for (int i = 0; i < 2; i++) {
        ready_tasks_index *r;
        assert_int_equal(ops[i]->open(path[i], &r), RTI_OK);
        for (int q = 0; q < 6; q++) {
            char plan[4096];
            plan_of(ops[i]->db(r), rti_q_sql[q], plan, sizeof plan);
            printf("%-9s %-10s %s\n", ops[i]->name, rti_q_names[q], plan);
            if (i == 0 && !scans_a_table(plan))
                fail_msg("naive %s does not scan: %s", rti_q_names[q], plan);
            if (i == 1 && (scans_a_table(plan) || !strstr(plan, "USING")))
                fail_msg("optimized %s scans or uses no index: %s", rti_q_names[q], plan);
        }
        char plan[4096];
        plan_of(ops[i]->db(r), rti_q_sql[0], plan, sizeof plan);
        if (i == 1 && (!strstr(plan, "idx_tasks_ready") || !strstr(plan, "idx_deps_task_type")
                       || strstr(plan, "TEMP B-TREE")))
            fail_msg("optimized ready: want idx_tasks_ready, idx_deps_task_type and no"
                     " sort: %s", plan);
        ops[i]->close(r);
    }
}

static int64_t count(sqlite3 *db, const char *q)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_generator(void **state)
{
    (void)state;
    char a[64], b[64], c[64], err[256];
    snprintf(a, sizeof a, "%s/gen-a.db", dir);
    snprintf(b, sizeof b, "%s/gen-b.db", dir);
    snprintf(c, sizeof c, "%s/gen-c.db", dir);
    unlink(a);
    unlink(b);
    unlink(c);
    assert_int_equal(roadmap_build(a, 5000, 42, err, sizeof err), 0);
    assert_int_equal(roadmap_build(b, 5000, 42, err, sizeof err), 0);
    assert_int_equal(roadmap_build(c, 5000, 43, err, sizeof err), 0);
    assert_int_equal(roadmap_build(a, 10, 1, err, sizeof err), -1);    /* exists */
    assert_non_null(strstr(err, "exists"));
    assert_int_equal(roadmap_build(c, 0, 1, err, sizeof err), -1);
    static const char *const sums =
        "SELECT (SELECT total(unicode(status) * priority + created_at % 9973) FROM tasks)"
        " + (SELECT count(*) * 7 FROM task_dependencies)"
        " + (SELECT total(timestamp % 10007) FROM events)"
        " + (SELECT total(score * 1000) FROM quality_metrics)";
    sqlite3 *da, *db, *dc;
    assert_int_equal(roadmap_open(a, 1, &da, err, sizeof err), 0);
    assert_int_equal(roadmap_open(b, 1, &db, err, sizeof err), 0);
    assert_int_equal(roadmap_open(c, 1, &dc, err, sizeof err), 0);
    assert_int_equal(count(da, sums), count(db, sums));     /* same seed, same file */
    assert_true(count(da, sums) != count(dc, sums));
    assert_int_equal(count(da, "SELECT count(*) FROM tasks"), 5000);
    assert_int_equal(count(da, "SELECT count(DISTINCT epic_id) FROM tasks"), 100);
    int64_t done = count(da, "SELECT count(*) FROM tasks WHERE status = 'done'");
    int64_t pending = count(da, "SELECT count(*) FROM tasks WHERE status = 'pending'");
    assert_true(done > 2000 && done < 2600);               /* about 45% */
    assert_true(pending > 1700 && pending < 2300);         /* about 40% */
    /* a DAG on earlier tasks, no pair twice, parents in the same epic */
    assert_int_equal(count(da, "SELECT count(*) FROM task_dependencies"
                               " WHERE depends_on_task_id >= task_id"), 0);
    assert_int_equal(count(da, "SELECT count(*) - count(DISTINCT task_id || '>' ||"
                               " depends_on_task_id) FROM task_dependencies"), 0);
    assert_int_equal(count(da, "SELECT count(*) FROM tasks c JOIN tasks p ON p.id ="
                               " c.parent_id WHERE p.epic_id != c.epic_id OR p.id >= c.id"), 0);
    assert_int_equal(count(da, "SELECT count(*) FROM quality_metrics"), done * 3);
    assert_int_equal(count(da, "SELECT count(*) FROM context_entries"), 1250);
    int64_t ev = count(da, "SELECT count(*) FROM events");
    assert_true(ev > 5000 * 3 && ev < 5000 * 4);           /* 1..6 a task */
    sqlite3_close(da);
    sqlite3_close(db);
    sqlite3_close(dc);
}

/* roadmap_copy on a full disk (RLIMIT_FSIZE: writes past the limit fail
 * with EFBIG, as a full disk fails with ENOSPC) and on a missing source
 * or an existing target: -1 with errno, and no partial copy left. */
static void test_copy_failures(void **state)
{
    (void)state;
    char src[64], dst[64], err[256];
    snprintf(src, sizeof src, "%s/copy-src.db", dir);
    snprintf(dst, sizeof dst, "%s/copy-dst.db", dir);
    unlink(src);
    unlink(dst);
    assert_int_equal(roadmap_build(src, 2000, 7, err, sizeof err), 0);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 64 * 1024;                  /* the file is far larger */
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    errno = 0;
    int rc = roadmap_copy(src, dst);
    int e = errno;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, -1);
    assert_int_equal(e, EFBIG);
    assert_int_equal(access(dst, F_OK), -1);  /* no partial copy */
    assert_int_equal(roadmap_copy(src, dst), 0);
    assert_int_equal(roadmap_copy(src, dst), -1);           /* exists */
    assert_int_equal(errno, EEXIST);
    unlink(dst);
    snprintf(src, sizeof src, "%s/no-such.db", dir);
    assert_int_equal(roadmap_copy(src, dst), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(access(dst, F_OK), -1);
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "rti", 0) != 0)
        return 1;
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_ready),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_bad_files),
    };
    const struct CMUnitTest once[] = {
        cmocka_unit_test(test_query_plans),
        cmocka_unit_test(test_generator),
        cmocka_unit_test(test_copy_failures),
    };
    int failed = PBT_RUN_BOTH("ready_tasks_index", each, &ready_tasks_index_naive,
                              &ready_tasks_index_optimized);
    failed += cmocka_run_group_tests_name("ready_tasks_index plans and roadmap", once,
                                          NULL, NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
