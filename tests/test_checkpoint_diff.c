/*
 * checkpoint differential test: seeded sequences, each on a generated
 * roadmap (sizes log-uniform from 1 to 1500 tasks) that random changes
 * (status flips to every status and to one of nobody's, tasks added and
 * removed, dependencies and events added) move between checkpoints. At
 * each step both implementations write a checkpoint of the same file and
 * ckpt_load() must read the same essential part from both (counts, the
 * in-progress ids in order, the stamp), equal to the test's own SQL over
 * the tables; the naive one must also list every task. The files live
 * under /dev/shm when it exists (tmpfs: the fsyncs cost nothing there).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pairbench/checkpoint.h"
#include "../impl_shared/shared_roadmap.h"
#include "pb_test.h"

#define SEQUENCES 600
#define STEPS     8

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

typedef struct ctx {
    pbt_where where;
    int64_t   n;
} ctx;

static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "tasks=%lld", (long long)c->n);
}

static void change(sqlite3 *db, pbt_rng *r, ctx *c)
{
    static const char *const st[] = { "pending", "in_progress", "blocked", "done", "odd" };
    char q[320], id[24];
    roadmap_task_id(id, sizeof id, (int64_t)pbt_below(r, (uint64_t)c->n + 3));
    switch (pbt_below(r, 5)) {
    case 0:
        snprintf(q, sizeof q, "INSERT OR IGNORE INTO tasks VALUES('Y%llu', 't', NULL, NULL,"
                 " '%s', 1, 1)", (unsigned long long)pbt_below(r, 50), st[pbt_below(r, 5)]);
        break;
    case 1:
        snprintf(q, sizeof q, "DELETE FROM tasks WHERE id = '%s'", id);
        break;
    case 2:
        snprintf(q, sizeof q, "INSERT INTO events(task_id, event_type, timestamp, data)"
                 " VALUES('%s', 'progress', %llu, 'x')", id,
                 (unsigned long long)pbt_below(r, 1000));
        break;
    default:
        snprintf(q, sizeof q, "UPDATE tasks SET status = '%s' WHERE id = '%s'",
                 st[pbt_below(r, 5)], id);
        break;
    }
    char *err = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK)
        pbt_mismatch(&c->where, "change %s: %s", q, err);
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

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x636b70742d646966ULL };
    char db[96], ck[2][96], err[256];
    const checkpoint_ops *ops[2] = { &checkpoint_naive, &checkpoint_optimized };
    snprintf(db, sizeof db, "%s/roadmap.db", dir);
    for (unsigned seq = 0; seq < SEQUENCES; seq++) {
        ctx c = { .where = { .test = "checkpoint_diff", .seq = seq, .describe = describe } };
        c.where.arg = &c;
        c.where.seed = pbt_next(&r);
        pbt_rng sr = { c.where.seed };
        c.n = seq % 100 == 0 ? 1500
                             : (int64_t)pbt_octave_size(&sr, pbt_below(&sr, 9), 1499) + 1;
        unlink(db);
        if (roadmap_build(db, c.n, c.where.seed, err, sizeof err) != 0)
            fail_msg("build: %s", err);
        checkpoint *k[2];
        for (int s = 0; s < 2; s++) {
            snprintf(ck[s], sizeof ck[s], "%s/ckpt-%d.json", dir, s);
            unlink(ck[s]);
            assert_int_equal(ops[s]->open(db, ck[s], NULL, &k[s]), CK_OK);
        }
        sqlite3 *w;
        assert_int_equal(sqlite3_open(db, &w), SQLITE_OK);
        for (size_t step = 0; step < STEPS; step++) {
            c.where.step = step;
            c.where.op = "change";
            for (uint64_t m = pbt_below(&sr, 4); m > 0; m--)
                change(w, &sr, &c);
            c.where.op = "write";
            ckpt_info info[2];
            for (int s = 0; s < 2; s++) {
                int rc = ops[s]->write(k[s], (int64_t)step);
                if (rc != CK_OK)
                    pbt_mismatch(&c.where, "%s write: %d %s", ops[s]->name, rc,
                                 ops[s]->error(k[s]));
                rc = ckpt_load(ck[s], &info[s]);
                if (rc != CK_OK)
                    pbt_mismatch(&c.where, "%s checkpoint does not load: %d", ops[s]->name,
                                 rc);
            }
            if (info[0].full != 1 || info[1].full != 0 || info[0].tasks_listed != info[0].total)
                pbt_mismatch(&c.where, "kinds: naive full=%d listed %lld of %lld,"
                             " optimized full=%d", info[0].full,
                             (long long)info[0].tasks_listed, (long long)info[0].total,
                             info[1].full);
            info[0].full = info[1].full = 0;
            info[0].tasks_listed = 0;
            if (memcmp(&info[0], &info[1], sizeof info[0]) != 0)
                pbt_mismatch(&c.where, "essential part: naive %lld tasks %lld in progress,"
                             " optimized %lld tasks %lld in progress",
                             (long long)info[0].total, (long long)info[0].in_progress,
                             (long long)info[1].total, (long long)info[1].in_progress);
            if (info[1].total != count(w, "SELECT count(*) FROM tasks") ||
                info[1].in_progress != count(w, "SELECT count(*) FROM tasks WHERE status ="
                                                " 'in_progress'") ||
                info[1].other != count(w, "SELECT count(*) FROM tasks WHERE status NOT IN"
                                          " ('pending','in_progress','blocked','done')"))
                pbt_mismatch(&c.where, "counts differ from the tables");
        }
        sqlite3_close(w);
        for (int s = 0; s < 2; s++)
            ops[s]->close(k[s]);
    }
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "ckpt-diff", 1) != 0)
        return 1;
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    int failed = cmocka_run_group_tests_name("checkpoint differential", tests, NULL, NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
