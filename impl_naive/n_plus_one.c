/*
 * n_plus_one, naive: the scheduler refresh as an ORM writes it. The
 * candidates are read into the caller's array first; then, per candidate,
 * its dependencies (each row with the status of the task it depends on)
 * and its latest event, each query prepared, stepped and finalised per
 * call. 1 + 2C statements and 1 + 2C prepares for C candidates: O(C log N)
 * rows read, but C statement set-ups, each a parse and a plan.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../impl_shared/n_plus_one_common.h"

struct n_plus_one {
    sqlite3 *db;
    char     error[256];
};

static const char sql_candidates[] =
    "SELECT t.id, t.status, t.priority, t.created_at FROM tasks t" NP_CANDIDATES;
static const char sql_dependencies[] =
    "SELECT d.depends_on_task_id, b.status FROM task_dependencies d"
    " LEFT JOIN tasks b ON b.id = d.depends_on_task_id"
    " WHERE d.task_id = ?1 AND d.dependency_type = 'blocks'";
static const char sql_latest_event[] =
    "SELECT e.event_type, e.timestamp FROM events e WHERE e.task_id = ?1"
    " ORDER BY e.timestamp DESC, e.id DESC LIMIT 1";

static int open_naive(const char *path, n_plus_one **out)
{
    if (!out)
        return NP_EINVAL;
    *out = NULL;
    if (!path)
        return NP_EINVAL;
    n_plus_one *r = calloc(1, sizeof *r);
    if (!r)
        return NP_ENOMEM;
    int rc = np_connect(path, &r->db);
    if (rc != NP_OK) {
        free(r);
        return rc;
    }
    *out = r;
    return NP_OK;
}

static void close_naive(n_plus_one *r)
{
    if (!r)
        return;
    sqlite3_close(r->db);
    free(r);
}

static sqlite3 *db_naive(n_plus_one *r)
{
    return r ? r->db : NULL;
}

static const char *error_naive(n_plus_one *r)
{
    return r ? r->error : "";
}

static int failed(n_plus_one *r, sqlite3_stmt *st, int rc)
{
    snprintf(r->error, sizeof r->error, "%s", sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return np_code(rc);
}

/* getDependencies(task): every "blocks" dependency with its task's status. */
static int dependencies(n_plus_one *r, np_entry *e)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql_dependencies, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return failed(r, st, rc);
    sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *status = sqlite3_column_text(st, 1);
        e->blockers++;
        if (!status || strcmp((const char *)status, "done") != 0)
            e->open_blockers++;
    }
    if (rc != SQLITE_DONE)
        return failed(r, st, rc);
    sqlite3_finalize(st);
    return NP_OK;
}

/* getLatestEvent(task). */
static int latest_event(n_plus_one *r, np_entry *e)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql_latest_event, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return failed(r, st, rc);
    sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        np_text(e->last_event, st, 0);
        e->last_event_at = sqlite3_column_int64(st, 1);
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE)
        return failed(r, st, rc);
    sqlite3_finalize(st);
    return NP_OK;
}

static int refresh_naive(n_plus_one *r, np_entry *out, size_t cap, size_t *n)
{
    if (n)
        *n = 0;
    if (!r || !n || (!out && cap > 0))
        return NP_EINVAL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql_candidates, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return failed(r, st, rc);
    size_t got = 0;
    while (got < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        np_entry *e = &out[got++];
        memset(e, 0, sizeof *e);
        np_text(e->id, st, 0);
        np_text(e->status, st, 1);
        e->priority = sqlite3_column_int64(st, 2);
        e->created_at = sqlite3_column_int64(st, 3);
    }
    if (got == cap)
        rc = SQLITE_DONE;
    *n = got;
    if (rc != SQLITE_DONE)
        return failed(r, st, rc);
    sqlite3_finalize(st);
    for (size_t i = 0; i < got; i++) {
        int err = dependencies(r, &out[i]);
        if (err == NP_OK)
            err = latest_event(r, &out[i]);
        if (err != NP_OK)
            return err;
    }
    return NP_OK;
}

const n_plus_one_ops n_plus_one_naive = {
    .name = "naive",
    .open = open_naive,
    .close = close_naive,
    .db = db_naive,
    .error = error_naive,
    .refresh = refresh_naive,
};
