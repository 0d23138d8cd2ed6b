/*
 * checkpoint, naive: the emergency checkpoint serialises the full roadmap,
 * as the seed's resilience manager did: every task with all its fields,
 * its dependencies and its 5 most recent events, built as one cJSON tree
 * from three ordered scans merged by task id, printed, written atomically.
 * O(N + D + E) rows, bytes and heap (the tree and its printed text are
 * both in memory at the end).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../impl_shared/checkpoint_common.h"

#define RECENT_EVENTS 5

/* The queries, in c.own[] */
enum { TASKS, DEPS, EVENTS };

struct checkpoint {
    ck_conn c;
};

static const char *const sql[3] = {
    "SELECT id, title, epic_id, parent_id, status, priority, created_at FROM tasks"
    " ORDER BY id",
    "SELECT task_id, depends_on_task_id, dependency_type FROM task_dependencies"
    " ORDER BY task_id, rowid",
    "SELECT task_id, event_type, timestamp, data FROM events"
    " ORDER BY task_id, timestamp DESC, id DESC",
};

static void close_naive(checkpoint *k)
{
    if (!k)
        return;
    ck_c_close(&k->c);
    free(k);
}

static int open_naive(const char *db_path, const char *ckpt_path, const ckpt_io *io,
                      checkpoint **out)
{
    if (!out)
        return CK_EINVAL;
    *out = NULL;
    if (!db_path || !ckpt_path)
        return CK_EINVAL;
    checkpoint *k = calloc(1, sizeof *k);
    if (!k)
        return CK_ENOMEM;
    int rc = ck_c_open(&k->c, db_path, ckpt_path, io, sql, 3);
    if (rc != CK_OK) {
        free(k);
        return rc;
    }
    *out = k;
    return CK_OK;
}

static sqlite3 *db_naive(checkpoint *k)
{
    return k ? k->c.db : NULL;
}

static const char *error_naive(checkpoint *k)
{
    return k ? k->c.error : "";
}

/* A cursor over an ordered scan: the current row's task id, or NULL. */
typedef struct cursor {
    sqlite3_stmt *st;
    int           rc;
} cursor;

static const char *cur_task(cursor *c)
{
    return c->rc == SQLITE_ROW ? (const char *)sqlite3_column_text(c->st, 0) : NULL;
}

static void cur_next(cursor *c)
{
    c->rc = sqlite3_step(c->st);
}

/* Text column as a JSON string, NULL as JSON null. */
static int add_text(cJSON *o, const char *name, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? cJSON_AddStringToObject(o, name, (const char *)t) != NULL
             : cJSON_AddNullToObject(o, name) != NULL;
}

/* The id of the current row of st (column 0, "" for NULL) appended. */
static int add_id(cJSON *ids, sqlite3_stmt *st)
{
    const unsigned char *t = sqlite3_column_text(st, 0);
    cJSON *s = cJSON_CreateString(t ? (const char *)t : "");
    if (!s || !cJSON_AddItemToArray(ids, s)) {
        cJSON_Delete(s);
        return 0;
    }
    return 1;
}

/* The task of the current row of k->c.own[TASKS], with its dependencies and
 * recent events (advancing those cursors past its rows). 0 or -1 (OOM). */
static int add_task(checkpoint *k, cJSON *tasks, cursor *deps, cursor *events)
{
    sqlite3_stmt *t = k->c.own[TASKS];
    const char *id = (const char *)sqlite3_column_text(t, 0);
    if (!id)
        id = "";                              /* a NULL id sorts first */
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(tasks, o)) {
        cJSON_Delete(o);
        return -1;
    }
    if (!add_text(o, "id", t, 0) || !add_text(o, "title", t, 1) ||
        !add_text(o, "epic_id", t, 2) || !add_text(o, "parent_id", t, 3) ||
        !add_text(o, "status", t, 4) ||
        !cJSON_AddNumberToObject(o, "priority", (double)sqlite3_column_int64(t, 5)) ||
        !cJSON_AddNumberToObject(o, "created_at", (double)sqlite3_column_int64(t, 6)))
        return -1;
    cJSON *dl = cJSON_AddArrayToObject(o, "dependencies");
    cJSON *el = cJSON_AddArrayToObject(o, "events");
    if (!dl || !el)
        return -1;
    const char *d;
    while ((d = cur_task(deps)) && strcmp(d, id) < 0)
        cur_next(deps);                       /* dependencies of no task */
    while ((d = cur_task(deps)) && strcmp(d, id) == 0) {
        cJSON *x = cJSON_CreateObject();
        if (!x || !cJSON_AddItemToArray(dl, x)) {
            cJSON_Delete(x);
            return -1;
        }
        if (!add_text(x, "on", deps->st, 1) || !add_text(x, "type", deps->st, 2))
            return -1;
        cur_next(deps);
    }
    while ((d = cur_task(events)) && strcmp(d, id) < 0)
        cur_next(events);
    int kept = 0;
    while ((d = cur_task(events)) && strcmp(d, id) == 0) {
        if (kept++ < RECENT_EVENTS) {
            cJSON *x = cJSON_CreateObject();
            if (!x || !cJSON_AddItemToArray(el, x)) {
                cJSON_Delete(x);
                return -1;
            }
            if (!add_text(x, "type", events->st, 1) ||
                !cJSON_AddNumberToObject(x, "timestamp",
                                         (double)sqlite3_column_int64(events->st, 2)) ||
                !add_text(x, "data", events->st, 3))
                return -1;
        }
        cur_next(events);
    }
    return 0;
}

static int write_naive(checkpoint *k, int64_t taken_at)
{
    if (!k)
        return CK_EINVAL;
    cJSON *tasks = cJSON_CreateArray();
    cJSON *in_progress = cJSON_CreateArray();
    ck_counts counts = { 0 };
    cursor deps = { k->c.own[DEPS], 0 }, events = { k->c.own[EVENTS], 0 };
    int rc = CK_OK, src;
    if (!tasks || !in_progress)
        rc = CK_ENOMEM;
    if (rc == CK_OK) {
        cur_next(&deps);
        cur_next(&events);
    }
    while (rc == CK_OK && (src = sqlite3_step(k->c.own[TASKS])) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(k->c.own[TASKS], 4);
        ck_tally(&counts, status, 1);
        if (status && strcmp(status, "in_progress") == 0 &&
            !add_id(in_progress, k->c.own[TASKS]))
            rc = CK_ENOMEM;
        else if (add_task(k, tasks, &deps, &events) != 0)
            rc = CK_ENOMEM;
    }
    if (rc == CK_OK && src != SQLITE_DONE)
        rc = ck_c_sql_failed(&k->c, src);
    int scan[2] = { deps.rc, events.rc };
    for (int i = 0; i < 2 && rc == CK_OK; i++)
        if (scan[i] != SQLITE_DONE && scan[i] != SQLITE_ROW)
            rc = ck_c_sql_failed(&k->c, scan[i]);
    sqlite3_reset(k->c.own[TASKS]);
    sqlite3_reset(k->c.own[DEPS]);
    sqlite3_reset(k->c.own[EVENTS]);
    cJSON *ids = NULL;
    cJSON *root = rc == CK_OK ? ck_document("full", taken_at, &counts, &ids) : NULL;
    if (rc == CK_OK && !root)
        rc = CK_ENOMEM;
    if (rc == CK_OK) {
        /* the document's empty "in_progress" gives way to the one built */
        cJSON_ReplaceItemInObjectCaseSensitive(root, "in_progress", in_progress);
        in_progress = NULL;
        if (!cJSON_AddItemToObject(root, "tasks", tasks))
            rc = CK_ENOMEM;
        else
            tasks = NULL;
    }
    cJSON_Delete(tasks);
    cJSON_Delete(in_progress);
    if (rc != CK_OK) {
        if (rc == CK_ENOMEM)
            snprintf(k->c.error, sizeof k->c.error, "out of memory building the checkpoint");
        cJSON_Delete(root);
        return rc;
    }
    return ck_c_write_document(&k->c, root);
}

const checkpoint_ops checkpoint_naive = {
    .name = "naive",
    .open = open_naive,
    .close = close_naive,
    .db = db_naive,
    .error = error_naive,
    .write = write_naive,
};
