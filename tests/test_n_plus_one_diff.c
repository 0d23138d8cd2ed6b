/*
 * n_plus_one differential test: thousands of seeded sequences, each on a
 * generated roadmap (sizes log-uniform from 1 to 1500 tasks, every
 * sequence its own seed) copied into two files, one opened by the naive
 * implementation and one by the optimized. Each step is a refresh (caps 0,
 * 1, random and larger than any result) or a random change written to
 * both files through a separate connection (a task tying with another on
 * priority and created_at, a status flip, a dependency added, also on a
 * missing task, one removed, an event with a timestamp equal to the
 * task's latest, a priority change): every refresh (return code, every
 * row and field in order) must be the same. The naive one is correct by
 * construction (each query answers one question about one task), so it
 * is the oracle.
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

#define SEQUENCES 1500
#define STEPS     16
#define ROWS      1024

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

typedef struct side {
    const n_plus_one_ops *ops;
    n_plus_one *r;
    sqlite3  *writer;
    char      path[96];
    np_entry  rows[ROWS];
} side;

static side sides[2];

typedef struct ctx {
    pbt_where where;
    int64_t   n, added;
} ctx;

static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "tasks=%lld added=%lld", (long long)c->n, (long long)c->added);
}

static void pick_task(pbt_rng *r, const ctx *c, char *buf, size_t cap)
{
    uint64_t k = pbt_below(r, 16);
    if (k == 0)
        snprintf(buf, cap, "T9999999");                       /* missing */
    else if (k == 1 && c->added > 0)
        snprintf(buf, cap, "X%05llu", (unsigned long long)pbt_below(r, (uint64_t)c->added));
    else
        roadmap_task_id(buf, cap, (int64_t)pbt_below(r, (uint64_t)c->n));
}

static void change(pbt_rng *r, ctx *c)
{
    char q[512], a[NP_ID_MAX], b[NP_ID_MAX];
    static const char *const statuses[] = { "pending", "done", "in_progress", "blocked" };
    pick_task(r, c, a, sizeof a);
    pick_task(r, c, b, sizeof b);
    switch (pbt_below(r, 7)) {
    case 0:
        snprintf(q, sizeof q, "INSERT INTO tasks SELECT 'X%05lld', 't', epic_id, NULL,"
                 " '%s', priority, created_at FROM tasks WHERE id = '%s'"
                 " UNION ALL SELECT 'X%05lld', 't', NULL, NULL, 'pending', 3, 1700000000000"
                 " WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE id = '%s') LIMIT 1",
                 (long long)c->added, statuses[pbt_below(r, 4)], a, (long long)c->added, a);
        c->added++;
        break;
    case 1:
        snprintf(q, sizeof q, "UPDATE tasks SET status = '%s' WHERE id = '%s'",
                 statuses[pbt_below(r, 4)], a);
        break;
    case 2:
        snprintf(q, sizeof q, "INSERT INTO task_dependencies VALUES('%s', '%s', '%s')",
                 a, b, pbt_below(r, 3) ? "blocks" : "related");
        break;
    case 3:
        snprintf(q, sizeof q, "DELETE FROM task_dependencies WHERE rowid IN (SELECT rowid"
                 " FROM task_dependencies WHERE task_id = '%s' ORDER BY rowid LIMIT 1)", a);
        break;
    case 4:     /* ties the latest timestamp: the greater id must win */
        snprintf(q, sizeof q, "INSERT INTO events(task_id, event_type, timestamp, data)"
                 " SELECT '%s', 'e%llu', coalesce(max(timestamp), 5), '' FROM events"
                 " WHERE task_id = '%s'", a, (unsigned long long)pbt_below(r, 9), a);
        break;
    case 5:
        snprintf(q, sizeof q, "DELETE FROM events WHERE task_id = '%s'", a);
        break;
    default:
        snprintf(q, sizeof q, "UPDATE tasks SET priority = %llu WHERE id = '%s'",
                 (unsigned long long)pbt_below(r, 6), a);
        break;
    }
    for (int s = 0; s < 2; s++) {
        char *err = NULL;
        if (sqlite3_exec(sides[s].writer, q, NULL, NULL, &err) != SQLITE_OK)
            pbt_mismatch(&c->where, "change %s failed on %s: %s", q, sides[s].ops->name, err);
    }
}

static int same(const np_entry *a, const np_entry *b)
{
    return !strcmp(a->id, b->id) && !strcmp(a->status, b->status) &&
           a->priority == b->priority && a->created_at == b->created_at &&
           a->blockers == b->blockers && a->open_blockers == b->open_blockers &&
           !strcmp(a->last_event, b->last_event) && a->last_event_at == b->last_event_at;
}

static void refresh(pbt_rng *r, ctx *c)
{
    size_t cap;
    switch (pbt_below(r, 6)) {
    case 0: cap = 0; break;
    case 1: cap = 1; break;
    case 2: cap = ROWS; break;
    default: cap = 1 + (size_t)pbt_below(r, 80); break;
    }
    int rc[2];
    size_t n[2];
    for (int s = 0; s < 2; s++)
        rc[s] = sides[s].ops->refresh(sides[s].r, sides[s].rows, cap, &n[s]);
    if (rc[0] != rc[1] || n[0] != n[1])
        pbt_mismatch(&c->where, "refresh(cap %zu): naive rc=%d rows=%zu, optimized rc=%d"
                     " rows=%zu", cap, rc[0], n[0], rc[1], n[1]);
    for (size_t i = 0; i < n[0]; i++) {
        const np_entry *a = &sides[0].rows[i], *b = &sides[1].rows[i];
        if (!same(a, b))
            pbt_mismatch(&c->where, "row %zu: naive %s %s %lld/%lld %s@%lld, optimized %s"
                         " %s %lld/%lld %s@%lld", i, a->id, a->status,
                         (long long)a->open_blockers, (long long)a->blockers, a->last_event,
                         (long long)a->last_event_at, b->id, b->status,
                         (long long)b->open_blockers, (long long)b->blockers, b->last_event,
                         (long long)b->last_event_at);
    }
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x6e706c7573316466ULL };
    char tmpl[96], err[256];
    snprintf(tmpl, sizeof tmpl, "%s/template.db", dir);
    sides[0].ops = &n_plus_one_naive;
    sides[1].ops = &n_plus_one_optimized;
    for (unsigned seq = 0; seq < SEQUENCES; seq++) {
        ctx c = { .where = { .test = "n_plus_one_diff", .seq = seq, .describe = describe } };
        c.where.arg = &c;
        c.where.seed = pbt_next(&r);
        pbt_rng sr = { c.where.seed };
        c.n = seq % 300 == 0 ? 1500
                             : (int64_t)pbt_octave_size(&sr, pbt_below(&sr, 9), 1499) + 1;
        unlink(tmpl);
        if (roadmap_build(tmpl, c.n, c.where.seed, err, sizeof err) != 0)
            fail_msg("build: %s", err);
        for (int s = 0; s < 2; s++) {
            snprintf(sides[s].path, sizeof sides[s].path, "%s/%s.db", dir, sides[s].ops->name);
            unlink(sides[s].path);
            assert_int_equal(roadmap_copy(tmpl, sides[s].path), 0);
            assert_int_equal(sides[s].ops->open(sides[s].path, &sides[s].r), NP_OK);
            assert_int_equal(sqlite3_open(sides[s].path, &sides[s].writer), SQLITE_OK);
            assert_int_equal(sqlite3_exec(sides[s].writer, "PRAGMA synchronous=OFF", NULL,
                                          NULL, NULL), SQLITE_OK);
        }
        for (size_t step = 0; step < STEPS; step++) {
            c.where.step = step;
            if (pbt_below(&sr, 3) == 0) {
                c.where.op = "change";
                change(&sr, &c);
            } else {
                c.where.op = "refresh";
                refresh(&sr, &c);
            }
        }
        for (int s = 0; s < 2; s++) {
            sqlite3_close(sides[s].writer);
            sides[s].ops->close(sides[s].r);
        }
    }
}

int main(void)
{
    if (pbt_make_dir(dir, sizeof dir, "np-diff", 0) != 0)
        return 1;
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    int failed = cmocka_run_group_tests_name("n_plus_one differential", tests, NULL, NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
