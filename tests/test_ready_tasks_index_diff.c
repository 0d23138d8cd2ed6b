/*
 * ready_tasks_index differential test: thousands of seeded sequences, each
 * on a generated roadmap (sizes log-uniform from 1 to 1500 tasks, every
 * sequence its own seed), copied into two files, one opened by the naive
 * implementation and one by the optimized. Each step is a random query
 * (existing, missing and over-long ids, caps 0, 1, random and larger than
 * any result) or a random change written to both files through a separate
 * connection (a task added with a duplicate priority and created_at, a
 * status flipped, a dependency added, also on a missing task or one that
 * makes a tie, a dependency removed, an event with a duplicate timestamp,
 * a quality score): every result (return code, every row in order, counts
 * and means) must be the same. The naive one is correct by construction
 * (no index: SQLite answers from the tables), so it is the oracle.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pairbench/ready_tasks_index.h"
#include "../impl_shared/shared_roadmap.h"
#include "pb_test.h"

#define SEQUENCES 2000
#define STEPS     40
#define ROWS      2048

static char dir[40];     /* /dev/shm/pb-test-NAME.XXXXXX, by pbt_make_dir */

typedef struct side {
    const ready_tasks_index_ops *ops;
    ready_tasks_index *r;
    sqlite3  *writer;        /* the test's own connection for changes */
    char      path[96];
    rti_task  rows[ROWS];
    rti_event ev[ROWS];
} side;

static side sides[2];

typedef struct ctx {
    pbt_where where;
    int64_t   n;             /* tasks generated */
    int64_t   added;         /* tasks the sequence added */
} ctx;

static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "tasks=%lld added=%lld", (long long)c->n, (long long)c->added);
}

/* A task id: mostly existing, sometimes missing, added, or too long. */
static void pick_task(pbt_rng *r, const ctx *c, char *buf, size_t cap)
{
    uint64_t k = pbt_below(r, 20);
    if (k == 0)
        snprintf(buf, cap, "T9999999");                       /* missing */
    else if (k == 1)
        snprintf(buf, cap, "%.*s", RTI_ID_MAX, "this-id-is-far-too-long-for-rti");
    else if (k == 2 && c->added > 0)
        snprintf(buf, cap, "X%05llu", (unsigned long long)pbt_below(r, (uint64_t)c->added));
    else
        roadmap_task_id(buf, cap, (int64_t)pbt_below(r, (uint64_t)c->n));
}

static void change(pbt_rng *r, ctx *c)
{
    char q[512], a[RTI_ID_MAX + 8], b[RTI_ID_MAX + 8], e[RTI_ID_MAX];
    static const char *const statuses[] = { "pending", "done", "in_progress", "blocked" };
    pick_task(r, c, a, sizeof a);
    pick_task(r, c, b, sizeof b);
    roadmap_epic_id(e, sizeof e, (int64_t)pbt_below(r, (uint64_t)roadmap_epics(c->n) + 1));
    switch (pbt_below(r, 7)) {
    case 0:     /* a task tying with an existing one on priority and age */
        snprintf(q, sizeof q, "INSERT INTO tasks SELECT 'X%05lld', 't', '%s', '%s',"
                 " '%s', priority, created_at FROM tasks WHERE id = '%s'"
                 " UNION ALL SELECT 'X%05lld', 't', NULL, NULL, 'pending', 3, 1700000000000"
                 " WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE id = '%s') LIMIT 1",
                 (long long)c->added, e, b, statuses[pbt_below(r, 4)], a,
                 (long long)c->added, a);
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
        /* ORDER BY rowid: the same row on both files whatever the plan */
        snprintf(q, sizeof q, "DELETE FROM task_dependencies WHERE rowid IN (SELECT rowid"
                 " FROM task_dependencies WHERE task_id = '%s' ORDER BY rowid LIMIT 1)", a);
        break;
    case 4:
        snprintf(q, sizeof q, "INSERT INTO events(task_id, event_type, timestamp, data)"
                 " SELECT '%s', 'progress', coalesce(max(timestamp), 5), '' FROM events"
                 " WHERE task_id = '%s'", a, a);
        break;
    case 5:
        snprintf(q, sizeof q, "INSERT INTO quality_metrics(task_id, dimension, score,"
                 " timestamp) VALUES('%s', 'correctness', %g, 1)", a,
                 (double)pbt_below(r, 1001) / 1000.0);
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

static int same_tasks(const side *x, const side *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const rti_task *a = &x->rows[i], *b = &y->rows[i];
        if (strcmp(a->id, b->id) || strcmp(a->epic_id, b->epic_id) ||
            strcmp(a->status, b->status) || a->priority != b->priority ||
            a->created_at != b->created_at)
            return (int)i + 1;
    }
    return 0;
}

static size_t pick_cap(pbt_rng *r)
{
    switch (pbt_below(r, 6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ROWS;
    default: return 1 + (size_t)pbt_below(r, 80);
    }
}

static void query(pbt_rng *r, ctx *c)
{
    int rc[2];
    size_t n[2];
    char id[RTI_ID_MAX + 8], ty[RTI_ID_MAX];
    uint64_t which = pbt_below(r, 6);
    size_t cap = pick_cap(r);
    pick_task(r, c, id, sizeof id);
    if (which == 1)
        roadmap_epic_id(id, sizeof id, (int64_t)pbt_below(r, (uint64_t)roadmap_epics(c->n) + 2));
    static const char *const types[] = { "progress", "created", "completed", "nope" };
    snprintf(ty, sizeof ty, "%s", types[pbt_below(r, 4)]);
    static const char *const names[] = { "ready", "by_epic", "by_parent", "dependents",
                                         "events", "quality" };
    c->where.op = names[which];
    double mean[2];
    int64_t count[2];
    for (int s = 0; s < 2; s++) {
        side *sd = &sides[s];
        const ready_tasks_index_ops *o = sd->ops;
        switch (which) {
        case 0: rc[s] = o->ready(sd->r, sd->rows, cap, &n[s]); break;
        case 1: rc[s] = o->by_epic(sd->r, id, sd->rows, cap, &n[s]); break;
        case 2: rc[s] = o->by_parent(sd->r, id, sd->rows, cap, &n[s]); break;
        case 3: rc[s] = o->dependents(sd->r, id, sd->rows, cap, &n[s]); break;
        case 4: rc[s] = o->events(sd->r, id, ty, sd->ev, cap, &n[s]); break;
        default:
            rc[s] = o->quality(sd->r, id, "correctness", &mean[s], &count[s]);
            n[s] = 0;
            break;
        }
    }
    if (rc[0] != rc[1] || n[0] != n[1])
        pbt_mismatch(&c->where, "%s(%s, cap %zu): naive rc=%d rows=%zu, optimized rc=%d"
                     " rows=%zu", names[which], id, cap, rc[0], n[0], rc[1], n[1]);
    if (which == 4) {
        for (size_t i = 0; i < n[0]; i++)
            if (sides[0].ev[i].id != sides[1].ev[i].id ||
                sides[0].ev[i].timestamp != sides[1].ev[i].timestamp)
                pbt_mismatch(&c->where, "events(%s, %s): row %zu differs", id, ty, i);
    } else if (which == 5) {
        if (rc[0] == RTI_OK && (count[0] != count[1] || mean[0] != mean[1]))
            pbt_mismatch(&c->where, "quality(%s): naive %lld %.17g, optimized %lld %.17g",
                         id, (long long)count[0], mean[0], (long long)count[1], mean[1]);
    } else {
        int at = same_tasks(&sides[0], &sides[1], n[0]);
        if (at)
            pbt_mismatch(&c->where, "%s(%s): row %d: naive %s, optimized %s", names[which],
                         id, at - 1, sides[0].rows[at - 1].id, sides[1].rows[at - 1].id);
    }
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x7274692d64696666ULL };
    char tmpl[96], err[256];
    snprintf(tmpl, sizeof tmpl, "%s/template.db", dir);
    sides[0].ops = &ready_tasks_index_naive;
    sides[1].ops = &ready_tasks_index_optimized;
    for (unsigned seq = 0; seq < SEQUENCES; seq++) {
        ctx c = { .where = { .test = "ready_tasks_index_diff", .seq = seq,
                             .describe = describe } };
        c.where.arg = &c;
        c.where.seed = pbt_next(&r);
        pbt_rng sr = { c.where.seed };
        /* log-uniform sizes 1..1500, a few at the largest */
        c.n = seq % 200 == 0 ? 1500
                             : (int64_t)pbt_octave_size(&sr, pbt_below(&sr, 9), 1499) + 1;
        unlink(tmpl);
        if (roadmap_build(tmpl, c.n, c.where.seed, err, sizeof err) != 0)
            fail_msg("build: %s", err);
        for (int s = 0; s < 2; s++) {
            snprintf(sides[s].path, sizeof sides[s].path, "%s/%s.db", dir, sides[s].ops->name);
            unlink(sides[s].path);
            assert_int_equal(roadmap_copy(tmpl, sides[s].path), 0);
            assert_int_equal(sides[s].ops->open(sides[s].path, &sides[s].r), RTI_OK);
            assert_int_equal(sqlite3_open(sides[s].path, &sides[s].writer), SQLITE_OK);
            /* the test's changes need no durability: no fsync per change */
            assert_int_equal(sqlite3_exec(sides[s].writer, "PRAGMA synchronous=OFF", NULL,
                                          NULL, NULL), SQLITE_OK);
        }
        for (size_t step = 0; step < STEPS; step++) {
            c.where.step = step;
            if (pbt_below(&sr, 4) == 0) {
                c.where.op = "change";
                change(&sr, &c);
            } else {
                query(&sr, &c);
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
    if (pbt_make_dir(dir, sizeof dir, "rti-diff", 0) != 0)
        return 1;
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    int failed = cmocka_run_group_tests_name("ready_tasks_index differential", tests,
                                             NULL, NULL);
    pbt_remove_dir(dir);
    return failed ? 1 : 0;
}
