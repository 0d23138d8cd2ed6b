/*
 * health_cache differential test: thousands of seeded sequences, each on a
 * generated roadmap (sizes log-uniform from 1 to 1200 tasks, every
 * sequence its own seed) copied into two files, one opened by the naive
 * implementation and one by the optimized. Steps interleave reads with
 * the three writes (transitions to every status, tasks created with new
 * and duplicate ids, quality records in every dimension, also for missing
 * tasks and out of range), in runs of many reads between writes and of
 * many writes between reads, and inject failures: for a few steps both
 * connections are read-only (PRAGMA query_only) or a third connection
 * holds an exclusive lock on both files. Every call's return code must be
 * the same (but for the documented difference: while the database is
 * locked, an optimized read from a valid cache succeeds where the naive
 * one fails, and must then return the last health it returned); every
 * successful read must equal the naive one's (bit for
 * bit: the naive one recomputes on every call, so it is the oracle) and
 * an independent recomputation by the test's own SQL on the optimized
 * file (counts exactly, means within 1e-12). The files live under
 * /dev/shm when it exists (tmpfs: a commit's fsync costs nothing there).
 */
#define _GNU_SOURCE
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pairbench/health_cache.h"
#include "../impl_shared/shared_roadmap.h"
#include "pb_test.h"

#define SEQUENCES 1500
#define STEPS     48

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

typedef struct side {
    const health_cache_ops *ops;
    health_cache *r;
    sqlite3 *locker;
    char     path[96];
} side;

static side sides[2];
static hc_health last;       /* the optimized side's last successful read */

typedef struct ctx {
    pbt_where where;
    int64_t   n, added;
    int       mode;          /* 0 reads mostly, 1 writes mostly, 2 mixed */
    int       fault;         /* steps left of the injected failure */
} ctx;

static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "tasks=%lld added=%lld mode=%d fault=%d", (long long)c->n,
             (long long)c->added, c->mode, c->fault);
}

static void pick_task(pbt_rng *r, const ctx *c, char *buf, size_t cap)
{
    uint64_t k = pbt_below(r, 16);
    if (k == 0)
        snprintf(buf, cap, "T9999999");
    else if (k == 1 && c->added > 0)
        snprintf(buf, cap, "X%05llu", (unsigned long long)pbt_below(r, (uint64_t)c->added));
    else
        roadmap_task_id(buf, cap, (int64_t)pbt_below(r, (uint64_t)c->n));
}

/* The test's own recomputation, on the optimized side's file. */
static void oracle(sqlite3 *db, const ctx *c, const hc_health *h)
{
    int64_t counts[5] = { 0 }, total = 0;
    static const char *const st[4] = { "pending", "in_progress", "blocked", "done" };
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT status, count(*) FROM tasks GROUP BY 1",
                                        -1, &q, NULL), SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(q, 0);
        int i = 4;
        for (int k = 0; k < 4; k++)
            if (s && strcmp(s, st[k]) == 0)
                i = k;
        counts[i] += sqlite3_column_int64(q, 1);
        total += sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    if (h->total != total || h->pending != counts[0] || h->in_progress != counts[1] ||
        h->blocked != counts[2] || h->done != counts[3] || h->other != counts[4])
        pbt_mismatch(&c->where, "counts: optimized %lld %lld/%lld/%lld/%lld/%lld, the"
                     " tables %lld %lld/%lld/%lld/%lld/%lld", (long long)h->total,
                     (long long)h->pending, (long long)h->in_progress, (long long)h->blocked,
                     (long long)h->done, (long long)h->other, (long long)total,
                     (long long)counts[0], (long long)counts[1], (long long)counts[2],
                     (long long)counts[3], (long long)counts[4]);
    static const char *const dim[HC_DIMENSIONS] = { "correctness", "maintainability",
                                                    "performance" };
    for (int d = 0; d < HC_DIMENSIONS; d++) {
        char text[160];
        snprintf(text, sizeof text, "SELECT count(*), total(score) FROM quality_metrics"
                 " WHERE dimension = '%s'", dim[d]);
        assert_int_equal(sqlite3_prepare_v2(db, text, -1, &q, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        int64_t n = sqlite3_column_int64(q, 0);
        double mean = n ? sqlite3_column_double(q, 1) / (double)n : 0.0;
        sqlite3_finalize(q);
        if (h->quality_count[d] != n || fabs(h->quality_mean[d] - mean) > 1e-12)
            pbt_mismatch(&c->where, "%s: optimized %lld %.17g, the tables %lld %.17g",
                         dim[d], (long long)h->quality_count[d], h->quality_mean[d],
                         (long long)n, mean);
    }
}

static void fault_on(pbt_rng *r, ctx *c)
{
    int lock = pbt_below(r, 2) == 0;
    c->fault = 1 + (int)pbt_below(r, 4);
    for (int s = 0; s < 2; s++) {
        if (lock) {
            assert_int_equal(sqlite3_open(sides[s].path, &sides[s].locker), SQLITE_OK);
            assert_int_equal(sqlite3_exec(sides[s].locker, "BEGIN EXCLUSIVE", NULL, NULL,
                                          NULL), SQLITE_OK);
        } else {
            assert_int_equal(sqlite3_exec(sides[s].ops->db(sides[s].r), "PRAGMA query_only=1",
                                          NULL, NULL, NULL), SQLITE_OK);
        }
    }
}

static void fault_off(void)
{
    for (int s = 0; s < 2; s++) {
        if (sides[s].locker) {
            sqlite3_exec(sides[s].locker, "ROLLBACK", NULL, NULL, NULL);
            sqlite3_close(sides[s].locker);
            sides[s].locker = NULL;
        }
        sqlite3_exec(sides[s].ops->db(sides[s].r), "PRAGMA query_only=0", NULL, NULL, NULL);
    }
}

static void write_step(pbt_rng *r, ctx *c)
{
    static const char *const statuses[] = { "pending", "in_progress", "blocked", "done",
                                            "bogus" };
    static const char *const dims[] = { "correctness", "maintainability", "performance",
                                        "style" };
    char id[HC_ID_MAX], epic[HC_ID_MAX];
    int rc[2];
    uint64_t which = pbt_below(r, 3);
    pick_task(r, c, id, sizeof id);
    const char *status = statuses[pbt_below(r, 5) == 4 && pbt_below(r, 4) == 0 ? 4
                                                                              : pbt_below(r, 4)];
    const char *dim = dims[pbt_below(r, 10) == 0 ? 3 : pbt_below(r, 3)];
    double score = pbt_below(r, 20) == 0 ? 1.5 : (double)pbt_below(r, 1001) / 1000.0;
    int fresh = pbt_below(r, 4) != 0;
    if (which == 0 && fresh)
        snprintf(id, sizeof id, "X%05lld", (long long)c->added);
    roadmap_epic_id(epic, sizeof epic, (int64_t)pbt_below(r, 8));
    c->where.op = which == 0 ? "create_task" : which == 1 ? "transition" : "record_quality";
    for (int s = 0; s < 2; s++) {
        const health_cache_ops *o = sides[s].ops;
        switch (which) {
        case 0: rc[s] = o->create_task(sides[s].r, id, epic, 3, 1700000000000LL); break;
        case 1: rc[s] = o->transition(sides[s].r, id, status); break;
        default: rc[s] = o->record_quality(sides[s].r, id, dim, score, 5); break;
        }
    }
    if (rc[0] != rc[1])
        pbt_mismatch(&c->where, "%s(%s): naive rc=%d, optimized rc=%d", c->where.op, id,
                     rc[0], rc[1]);
    if (which == 0 && fresh && rc[0] == HC_OK)
        c->added++;
}

static void read_step(ctx *c)
{
    hc_health h[2];
    int rc[2];
    c->where.op = "health";
    for (int s = 0; s < 2; s++)
        rc[s] = sides[s].ops->health(sides[s].r, &h[s]);
    if (rc[0] == HC_EIO && rc[1] == HC_OK && c->fault > 0) {
        if (memcmp(&h[1], &last, sizeof last) != 0)
            pbt_mismatch(&c->where, "health from the cache while locked: not the last one");
        return;
    }
    if (rc[0] != rc[1])
        pbt_mismatch(&c->where, "health: naive rc=%d, optimized rc=%d", rc[0], rc[1]);
    if (rc[0] != HC_OK)
        return;
    last = h[1];
    if (memcmp(&h[0], &h[1], sizeof h[0]) != 0)
        pbt_mismatch(&c->where, "health: naive %lld tasks %lld done q0 %lld %.17g,"
                     " optimized %lld tasks %lld done q0 %lld %.17g", (long long)h[0].total,
                     (long long)h[0].done, (long long)h[0].quality_count[0],
                     h[0].quality_mean[0], (long long)h[1].total, (long long)h[1].done,
                     (long long)h[1].quality_count[0], h[1].quality_mean[0]);
    if (c->fault == 0)
        oracle(sides[1].ops->db(sides[1].r), c, &h[1]);
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x6865616c74686466ULL };
    char tmpl[96], err[256];
    snprintf(tmpl, sizeof tmpl, "%s/template.db", dir);
    sides[0].ops = &health_cache_naive;
    sides[1].ops = &health_cache_optimized;
    for (unsigned seq = 0; seq < SEQUENCES; seq++) {
        ctx c = { .where = { .test = "health_cache_diff", .seq = seq,
                             .describe = describe } };
        c.where.arg = &c;
        c.where.seed = pbt_next(&r);
        pbt_rng sr = { c.where.seed };
        c.n = seq % 300 == 0 ? 1200
                             : (int64_t)pbt_octave_size(&sr, pbt_below(&sr, 9), 1199) + 1;
        c.mode = (int)pbt_below(&sr, 3);
        unlink(tmpl);
        if (roadmap_build(tmpl, c.n, c.where.seed, err, sizeof err) != 0)
            fail_msg("build: %s", err);
        for (int s = 0; s < 2; s++) {
            snprintf(sides[s].path, sizeof sides[s].path, "%s/%s.db", dir, sides[s].ops->name);
            unlink(sides[s].path);
            assert_int_equal(roadmap_copy(tmpl, sides[s].path), 0);
            assert_int_equal(sides[s].ops->open(sides[s].path, &sides[s].r), HC_OK);
        }
        for (size_t step = 0; step < STEPS; step++) {
            c.where.step = step;
            if (c.fault > 0 && --c.fault == 0)
                fault_off();
            else if (c.fault == 0 && pbt_below(&sr, 25) == 0)
                fault_on(&sr, &c);
            uint64_t w = pbt_below(&sr, 10);
            int write = c.mode == 0 ? w == 0 : c.mode == 1 ? w < 8 : w < 5;
            if (write)
                write_step(&sr, &c);
            else
                read_step(&c);
        }
        if (c.fault) {
            c.fault = 0;
            fault_off();
        }
        read_step(&c);                     /* the end state, checked */
        for (int s = 0; s < 2; s++)
            sides[s].ops->close(sides[s].r);
    }
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "hc-diff", 1) != 0)
        return 1;
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    int failed = cmocka_run_group_tests_name("health_cache differential", tests, NULL, NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
