/*
 * SQL probe: what a registered SQLite connection did in the measured
 * region, as SQLite itself counts it, so a component's own "queries" figure
 * never stands in for it (contract in harness.h, pb_watch_sqlite, and
 * engine.h).
 *
 *   statements   sqlite3_trace_v2 SQLITE_TRACE_STMT fires once each time a
 *                statement starts running (and once per trigger program,
 *                with text starting "--", which is not counted)
 *   VM steps, full-scan steps, sorts, automatic indexes, reprepares
 *                sqlite3_stmt_status(..., reset = 1) of each statement:
 *                read when it finishes (SQLITE_TRACE_PROFILE, which also
 *                sees statements finalized inside the region, such as
 *                sqlite3_exec's) and, for statements still running at a
 *                region's end, by a sweep of sqlite3_next_stmt; a sweep at
 *                a region's start drops what ran outside it.
 *
 * Deterministic for a deterministic scenario: the gate may use it. Cost:
 * the trace callback per statement (a few branches when not armed) and one
 * walk of the connection's prepared statements at each region edge.
 */
#include <sqlite3.h>
#include <stdatomic.h>
#include <string.h>

#include "engine.h"

#define MAX_WATCHED 8

const char *const pb_sql_field_names[PB_SQL_FIELDS] = {
    "sql_statements", "sql_vm_steps", "sql_fullscan_steps", "sql_sorts",
    "sql_autoindexes", "sql_reprepares",
};

static const int status_ops[PB_SQL_FIELDS] = {
    -1, SQLITE_STMTSTATUS_VM_STEP, SQLITE_STMTSTATUS_FULLSCAN_STEP,
    SQLITE_STMTSTATUS_SORT, SQLITE_STMTSTATUS_AUTOINDEX,
    SQLITE_STMTSTATUS_REPREPARE,
};

static sqlite3 *watched[MAX_WATCHED];
static atomic_int armed;
static _Atomic double sums[PB_SQL_FIELDS];

/* Reads and resets a statement's counters; adds them when add. */
static void take(sqlite3_stmt *st, int add)
{
    for (int f = 1; f < PB_SQL_FIELDS; f++) {
        int v = sqlite3_stmt_status(st, status_ops[f], 1);
        if (add)
            pb_atomic_add_double(&sums[f], v);
    }
}

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx;
    if (!atomic_load(&armed))
        return 0;
    if (type == SQLITE_TRACE_STMT) {
        const char *text = x;
        if (!(text && text[0] == '-' && text[1] == '-'))
            pb_atomic_add_double(&sums[PB_SQL_STATEMENTS], 1);
    } else if (type == SQLITE_TRACE_PROFILE) {
        take(p, 1);
    }
    return 0;
}

static void sweep(int add)
{
    for (int i = 0; i < MAX_WATCHED; i++)
        if (watched[i])
            for (sqlite3_stmt *st = sqlite3_next_stmt(watched[i], NULL); st;
                 st = sqlite3_next_stmt(watched[i], st))
                take(st, add);
}

int pb_watch_sqlite(pb_ctx *ctx, struct sqlite3 *db)
{
    (void)ctx;
    int free_slot = -1;
    for (int i = 0; i < MAX_WATCHED; i++) {
        if (watched[i] == db)
            return 0;
        if (!watched[i] && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return -1;
    if (sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE,
                         on_trace, NULL) != SQLITE_OK)
        return -1;
    watched[free_slot] = db;
    return 0;
}

void pb_unwatch_sqlite(struct sqlite3 *db)
{
    for (int i = 0; i < MAX_WATCHED; i++)
        if (watched[i] == db) {
            sqlite3_trace_v2(db, 0, NULL, NULL);
            watched[i] = NULL;
        }
}

void pb_sql_forget_all(void)
{
    for (int i = 0; i < MAX_WATCHED; i++)
        if (watched[i])
            pb_unwatch_sqlite(watched[i]);
    atomic_store(&armed, 0);
}

int pb_sql_watching(void)
{
    for (int i = 0; i < MAX_WATCHED; i++)
        if (watched[i])
            return 1;
    return 0;
}

void pb_sql_region(int on)
{
    if (!pb_sql_watching())
        return;
    if (on) {
        sweep(0);                  /* what ran outside the region */
        atomic_store(&armed, 1);
    } else {
        atomic_store(&armed, 0);
        sweep(1);                  /* statements still running */
    }
}

void pb_sql_read(double out[PB_SQL_FIELDS])
{
    for (int f = 0; f < PB_SQL_FIELDS; f++)
        out[f] = atomic_load(&sums[f]);
}

void pb_sql_reset(void)
{
    for (int f = 0; f < PB_SQL_FIELDS; f++)
        atomic_store(&sums[f], 0);
}
