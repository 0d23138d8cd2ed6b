/*
 * n_plus_one, optimized: getTasksForScheduling, the seed's fix. One
 * statement, prepared once at open, returns every candidate with its
 * dependency counts and its latest event: correlated subqueries that
 * SQLite runs as index seeks (idx_deps_task_type, idx_events_task_type)
 * inside the one statement, so a refresh costs one statement set-up
 * instead of 1 + 2C. The rows read are the same, O(C log N).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "../impl_shared/n_plus_one_common.h"

struct n_plus_one {
    sqlite3      *db;
    sqlite3_stmt *refresh;
    char          error[256];
};

static const char sql_refresh[] =
    "SELECT t.id, t.status, t.priority, t.created_at,"
    " (SELECT count(*) FROM task_dependencies d WHERE d.task_id = t.id"
    "  AND d.dependency_type = 'blocks'),"
    " (SELECT count(*) FROM task_dependencies d"
    "  LEFT JOIN tasks b ON b.id = d.depends_on_task_id"
    "  WHERE d.task_id = t.id AND d.dependency_type = 'blocks' AND " NP_OPEN_BLOCKER "),"
    " e.event_type, e.timestamp"
    " FROM tasks t LEFT JOIN events e ON e.id = (SELECT x.id FROM events x"
    "  WHERE x.task_id = t.id ORDER BY x.timestamp DESC, x.id DESC LIMIT 1)"
    NP_CANDIDATES;

static void close_optimized(n_plus_one *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->refresh);
    sqlite3_close(r->db);
    free(r);
}

static int open_optimized(const char *path, n_plus_one **out)
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
    int src = sqlite3_prepare_v3(r->db, sql_refresh, -1, SQLITE_PREPARE_PERSISTENT,
                                 &r->refresh, NULL);
    if (src != SQLITE_OK) {
        np_set_open_error(path, sqlite3_errmsg(r->db));
        close_optimized(r);
        return np_code(src);
    }
    *out = r;
    return NP_OK;
}

static sqlite3 *db_optimized(n_plus_one *r)
{
    return r ? r->db : NULL;
}

static const char *error_optimized(n_plus_one *r)
{
    return r ? r->error : "";
}

static int refresh_optimized(n_plus_one *r, np_entry *out, size_t cap, size_t *n)
{
    if (n)
        *n = 0;
    if (!r || !n || (!out && cap > 0))
        return NP_EINVAL;
    sqlite3_stmt *st = r->refresh;
    size_t got = 0;
    int rc = SQLITE_DONE;
    while (got < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        np_entry *e = &out[got++];
        np_text(e->id, st, 0);
        np_text(e->status, st, 1);
        e->priority = sqlite3_column_int64(st, 2);
        e->created_at = sqlite3_column_int64(st, 3);
        e->blockers = sqlite3_column_int64(st, 4);
        e->open_blockers = sqlite3_column_int64(st, 5);
        np_text(e->last_event, st, 6);
        e->last_event_at = sqlite3_column_int64(st, 7);
    }
    if (got == cap)
        rc = SQLITE_DONE;
    *n = got;
    if (rc != SQLITE_DONE)
        snprintf(r->error, sizeof r->error, "%s", sqlite3_errmsg(r->db));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? NP_OK : np_code(rc);
}

const n_plus_one_ops n_plus_one_optimized = {
    .name = "optimized",
    .open = open_optimized,
    .close = close_optimized,
    .db = db_optimized,
    .error = error_optimized,
    .refresh = refresh_optimized,
};
