/*
 * ready_tasks_index_queries: the connection, the SQL and the row loops both
 * implementations share (see the header). Every query is one prepared
 * statement, prepared at open and reset after each call; its cost is the
 * plan SQLite picks for the indexes the implementation created.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "shared_roadmap.h"
#include "ready_tasks_index_queries.h"

enum { Q_READY, Q_EPIC, Q_PARENT, Q_DEPENDENTS, Q_EVENTS, Q_QUALITY, Q_COUNT };

const char *const rti_q_names[Q_COUNT] = {
    "ready", "by_epic", "by_parent", "dependents", "events", "quality" };

#define TASK_COLS "t.id, t.epic_id, t.status, t.priority, t.created_at"

const char *const rti_q_sql[Q_COUNT] = {
    /* getReadyTasks: pending, no blocking dependency on a task not done
     * (LEFT JOIN: a dependency on a missing task blocks) */
    "SELECT " TASK_COLS " FROM tasks t WHERE t.status = 'pending' AND NOT EXISTS"
    " (SELECT 1 FROM task_dependencies d LEFT JOIN tasks b ON b.id = d.depends_on_task_id"
    " WHERE d.task_id = t.id AND d.dependency_type = 'blocks'"
    " AND (b.status IS NULL OR b.status != 'done'))"
    " ORDER BY t.priority DESC, t.created_at, t.id LIMIT ?1",
    "SELECT " TASK_COLS " FROM tasks t WHERE t.epic_id = ?1 ORDER BY t.created_at, t.id",
    "SELECT " TASK_COLS " FROM tasks t WHERE t.parent_id = ?1 ORDER BY t.created_at, t.id",
    "SELECT " TASK_COLS " FROM tasks t WHERE t.id IN (SELECT d.task_id FROM"
    " task_dependencies d WHERE d.depends_on_task_id = ?1 AND d.dependency_type = 'blocks')"
    " ORDER BY t.id",
    "SELECT e.id, e.timestamp FROM events e WHERE e.task_id = ?1 AND e.event_type = ?2"
    " ORDER BY e.timestamp, e.id",
    "SELECT count(*), coalesce(avg(q.score), 0) FROM quality_metrics q"
    " WHERE q.task_id = ?1 AND q.dimension = ?2",
};

struct ready_tasks_index {
    sqlite3      *db;
    sqlite3_stmt *st[Q_COUNT];
    char          error[256];
};

static _Thread_local char open_error[256];

const char *rti_open_error(void)
{
    return open_error;
}

/* SQLite's result code as ours. */
static int code_of(int rc)
{
    return rc == SQLITE_NOMEM ? RTI_ENOMEM : RTI_EIO;
}

static int failed(ready_tasks_index *r, int rc)
{
    snprintf(r->error, sizeof r->error, "%s", sqlite3_errmsg(r->db));
    return code_of(rc);
}

int rti_q_open(const char *path, const char *ddl, ready_tasks_index **out)
{
    open_error[0] = '\0';
    if (!out)
        return RTI_EINVAL;
    *out = NULL;
    if (!path)
        return RTI_EINVAL;
    ready_tasks_index *r = calloc(1, sizeof *r);
    if (!r)
        return RTI_ENOMEM;
    if (roadmap_open(path, 0, &r->db, open_error, sizeof open_error) != 0) {
        free(r);
        return strstr(open_error, "out of memory") ? RTI_ENOMEM : RTI_EIO;
    }
    int rc = ddl ? sqlite3_exec(r->db, ddl, NULL, NULL, NULL) : SQLITE_OK;
    for (int q = 0; q < Q_COUNT && rc == SQLITE_OK; q++)
        rc = sqlite3_prepare_v3(r->db, rti_q_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
                                &r->st[q], NULL);
    if (rc != SQLITE_OK) {
        snprintf(open_error, sizeof open_error, "%s: %s", path, sqlite3_errmsg(r->db));
        rti_q_close(r);
        return code_of(rc);
    }
    *out = r;
    return RTI_OK;
}

void rti_q_close(ready_tasks_index *r)
{
    if (!r)
        return;
    for (int q = 0; q < Q_COUNT; q++)
        sqlite3_finalize(r->st[q]);
    sqlite3_close(r->db);
    free(r);
}

sqlite3 *rti_q_db(ready_tasks_index *r)
{
    return r ? r->db : NULL;
}

const char *rti_q_error(ready_tasks_index *r)
{
    return r ? r->error : "";
}

static int id_ok(const char *s)
{
    return s && strlen(s) < RTI_ID_MAX;
}

static void copy_text(char *dst, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, RTI_ID_MAX, "%s", t ? (const char *)t : "");
}

/* Runs statement q with its parameters bound, copying up to cap task rows. */
static int task_rows(ready_tasks_index *r, int q, rti_task *out, size_t cap, size_t *n)
{
    sqlite3_stmt *st = r->st[q];
    int rc = SQLITE_DONE;
    while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rti_task *t = &out[*n];
        copy_text(t->id, st, 0);
        copy_text(t->epic_id, st, 1);
        copy_text(t->status, st, 2);
        t->priority = sqlite3_column_int64(st, 3);
        t->created_at = sqlite3_column_int64(st, 4);
        (*n)++;
    }
    if (*n == cap)
        rc = SQLITE_DONE;              /* the caller asked for no more */
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? RTI_OK : failed(r, rc);
}

static int args_ok(ready_tasks_index *r, const void *out, size_t cap, size_t *n)
{
    if (n)
        *n = 0;
    return r && n && (out || cap == 0);
}

int rti_q_ready(ready_tasks_index *r, rti_task *out, size_t cap, size_t *n)
{
    if (!args_ok(r, out, cap, n))
        return RTI_EINVAL;
    sqlite3_bind_int64(r->st[Q_READY], 1, (sqlite3_int64)cap);
    return task_rows(r, Q_READY, out, cap, n);
}

static int by_one(ready_tasks_index *r, int q, const char *id, rti_task *out, size_t cap,
                  size_t *n)
{
    if (!args_ok(r, out, cap, n) || !id_ok(id))
        return RTI_EINVAL;
    sqlite3_bind_text(r->st[q], 1, id, -1, SQLITE_STATIC);
    return task_rows(r, q, out, cap, n);
}

int rti_q_by_epic(ready_tasks_index *r, const char *epic, rti_task *out, size_t cap,
                  size_t *n)
{
    return by_one(r, Q_EPIC, epic, out, cap, n);
}

int rti_q_by_parent(ready_tasks_index *r, const char *parent, rti_task *out, size_t cap,
                    size_t *n)
{
    return by_one(r, Q_PARENT, parent, out, cap, n);
}

int rti_q_dependents(ready_tasks_index *r, const char *task, rti_task *out, size_t cap,
                     size_t *n)
{
    return by_one(r, Q_DEPENDENTS, task, out, cap, n);
}

int rti_q_events(ready_tasks_index *r, const char *task, const char *type, rti_event *out,
                 size_t cap, size_t *n)
{
    if (!args_ok(r, out, cap, n) || !id_ok(task) || !id_ok(type))
        return RTI_EINVAL;
    sqlite3_stmt *st = r->st[Q_EVENTS];
    sqlite3_bind_text(st, 1, task, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE;
    while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        out[*n].id = sqlite3_column_int64(st, 0);
        out[*n].timestamp = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    if (*n == cap)
        rc = SQLITE_DONE;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? RTI_OK : failed(r, rc);
}

int rti_q_quality(ready_tasks_index *r, const char *task, const char *dimension,
                  double *mean, int64_t *count)
{
    if (!r || !mean || !count || !id_ok(task) || !id_ok(dimension))
        return RTI_EINVAL;
    *mean = 0;
    *count = 0;
    sqlite3_stmt *st = r->st[Q_QUALITY];
    sqlite3_bind_text(st, 1, task, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dimension, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int64(st, 0);
        *mean = sqlite3_column_double(st, 1);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? RTI_OK : failed(r, rc);
}
