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
 *
 * The facts of a case (pb_sql_note_case): during the counting pass (which
 * is not probed) the trace callback keeps the distinct SQL texts the
 * case's batches ran (at most CAPTURE_MAX, in static buffers: no
 * allocation while the tracker counts); afterwards each is run through
 * EXPLAIN QUERY PLAN on its
 * connection, and the connection's SQLite version, journal mode,
 * synchronous level and page cache are read with PRAGMAs, into one text
 * per case that `run` puts in the results' context.
 */
#include <pthread.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

#define CAPTURE_MAX  12
#define CAPTURE_TEXT 2048
static struct { sqlite3 *db; char text[CAPTURE_TEXT]; } captured[CAPTURE_MAX];
static int n_captured, capture_overflow;
static atomic_int capturing;
static pthread_mutex_t capture_lock = PTHREAD_MUTEX_INITIALIZER;

static void capture(sqlite3_stmt *st, const char *text)
{
    sqlite3 *db = sqlite3_db_handle(st);
    pthread_mutex_lock(&capture_lock);
    int seen = 0;
    for (int i = 0; i < n_captured && !seen; i++)
        seen = captured[i].db == db && strncmp(captured[i].text, text, CAPTURE_TEXT - 1) == 0;
    if (!seen && n_captured < CAPTURE_MAX) {
        captured[n_captured].db = db;
        snprintf(captured[n_captured].text, CAPTURE_TEXT, "%s", text);
        n_captured++;
    } else if (!seen) {
        capture_overflow = 1;
    }
    pthread_mutex_unlock(&capture_lock);
}

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx;
    if (type == SQLITE_TRACE_STMT && atomic_load(&capturing) && x &&
        ((const char *)x)[0] != '-')
        capture(p, x);                 /* the counting pass, unprobed */
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

/* --- the facts of a case ------------------------------------------------- */

void pb_sql_capture(int on)
{
    pthread_mutex_lock(&capture_lock);
    if (on) {
        n_captured = 0;
        capture_overflow = 0;
    }
    atomic_store(&capturing, on);
    pthread_mutex_unlock(&capture_lock);
}

/* Appends to buf (cap bytes, used so far *len): printf-style, truncating. */
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len = *len + (size_t)k < cap ? *len + (size_t)k : cap - 1;
}

/* The first column of a one-row PRAGMA, as text, into out. */
static void pragma(sqlite3 *db, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    snprintf(out, cap, "?");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static const char *sync_name(const char *level)
{
    static const char *const names[] = { "OFF", "NORMAL", "FULL", "EXTRA" };
    int v = atoi(level);
    return v >= 0 && v <= 3 ? names[v] : "?";
}

static void describe_db(sqlite3 *db, char *buf, size_t cap, size_t *len)
{
    char journal[32], sync[32], cache[32];
    pragma(db, "PRAGMA journal_mode", journal, sizeof journal);
    pragma(db, "PRAGMA synchronous", sync, sizeof sync);
    pragma(db, "PRAGMA cache_size", cache, sizeof cache);
    add(buf, cap, len, "SQLite %s, journal_mode %s, synchronous %s, cache_size %s\n",
        sqlite3_libversion(), journal, sync_name(sync), cache);
}

/* EXPLAIN QUERY PLAN of text on db, a line per row, indented by its
 * depth in the plan's tree. */
static void plan(sqlite3 *db, const char *text, char *buf, size_t cap, size_t *len)
{
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", text);
    sqlite3_stmt *st = NULL;
    if (!q || sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        add(buf, cap, len, "  plan: (not available: %s)\n", q ? sqlite3_errmsg(db)
                                                               : "out of memory");
        sqlite3_free(q);
        return;
    }
    sqlite3_free(q);
    int ids[64], depth[64], n = 0;
    add(buf, cap, len, "  plan:\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1), d = 0;
        for (int i = 0; i < n; i++)
            if (ids[i] == parent)
                d = depth[i] + 1;
        if (n < 64) {
            ids[n] = id;
            depth[n++] = d;
        }
        const unsigned char *detail = sqlite3_column_text(st, 3);
        add(buf, cap, len, "    %*s%s\n", d * 2, "", detail ? (const char *)detail : "");
    }
    if (n == 0)
        add(buf, cap, len, "    (none: not a query)\n");
    sqlite3_finalize(st);
}

#define NOTES_MAX 2048
static struct { char *name, *text; } notes[NOTES_MAX];
static size_t n_notes;

int pb_sql_note_case(const char *name)
{
    pthread_mutex_lock(&capture_lock);
    atomic_store(&capturing, 0);
    int have = 0;
    for (int i = 0; i < MAX_WATCHED; i++)
        have |= watched[i] != NULL;
    if (!have || n_notes == NOTES_MAX) {
        pthread_mutex_unlock(&capture_lock);
        return 0;
    }
    size_t cap = 16384, len = 0;
    char *buf = pb_alloc_plain_malloc(cap);
    char *copy = pb_alloc_plain_malloc(strlen(name) + 1);
    if (!buf || !copy) {
        pb_alloc_plain_free(buf);
        pb_alloc_plain_free(copy);
        pthread_mutex_unlock(&capture_lock);
        return -1;
    }
    buf[0] = '\0';
    for (int i = 0; i < MAX_WATCHED; i++)
        if (watched[i]) {
            describe_db(watched[i], buf, cap, &len);
            for (int k = 0; k < n_captured; k++)
                if (captured[k].db == watched[i]) {
                    add(buf, cap, &len, "%s\n", captured[k].text);
                    plan(watched[i], captured[k].text, buf, cap, &len);
                }
        }
    if (capture_overflow)
        add(buf, cap, &len, "(more than %d distinct statements: the rest not shown)\n",
            CAPTURE_MAX);
    if (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    strcpy(copy, name);
    notes[n_notes].name = copy;
    notes[n_notes].text = buf;
    n_notes++;
    pthread_mutex_unlock(&capture_lock);
    return 0;
}

size_t pb_sql_note_count(void)
{
    return n_notes;
}

const char *pb_sql_note(size_t i, const char **text)
{
    if (i >= n_notes)
        return NULL;
    *text = notes[i].text;
    return notes[i].name;
}
