/*
 * health_cache_common: the connection, the writes and the quality
 * aggregate both implementations share (see the header). Every write is
 * one prepared statement in autocommit: its own transaction.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "health_cache_common.h"
#include "shared_roadmap.h"

static _Thread_local char open_error[256];

const char *hc_open_error(void)
{
    return open_error;
}

static const char *const dimensions[HC_DIMENSIONS] = {
    "correctness", "maintainability", "performance" };

static int text_ok(const char *s)
{
    return s && strlen(s) < HC_ID_MAX;
}

int hc_c_failed(hc_conn *c, int rc)
{
    snprintf(c->error, sizeof c->error, "%s", sqlite3_errmsg(c->db));
    return (rc & 0xff) == SQLITE_NOMEM ? HC_ENOMEM : HC_EIO;
}

void hc_c_close(hc_conn *c)
{
    sqlite3_finalize(c->create);
    sqlite3_finalize(c->transition);
    sqlite3_finalize(c->quality_add);
    sqlite3_finalize(c->quality_agg);
    sqlite3_finalize(c->own);
    sqlite3_close(c->db);
    memset(c, 0, sizeof *c);
}

int hc_c_open(hc_conn *c, const char *path, const char *ddl, const char *own_sql)
{
    open_error[0] = '\0';
    memset(c, 0, sizeof *c);
    if (roadmap_open_indexed(path, &c->db, open_error, sizeof open_error) != 0)
        return errno == ENOMEM ? HC_ENOMEM : HC_EIO;
    if (ddl && sqlite3_exec(c->db, ddl, NULL, NULL, NULL) != SQLITE_OK) {
        int rc = sqlite3_errcode(c->db);
        snprintf(open_error, sizeof open_error, "%s: %s", path, sqlite3_errmsg(c->db));
        hc_c_close(c);
        return (rc & 0xff) == SQLITE_NOMEM ? HC_ENOMEM : HC_EIO;
    }
    const char *const sql[5] = {
        "INSERT INTO tasks(id, title, epic_id, parent_id, status, priority, created_at)"
        " VALUES(?1, ?1, ?2, NULL, 'pending', ?3, ?4)",
        "UPDATE tasks SET status = ?2 WHERE id = ?1",
        /* a score for a task that exists, else no row */
        "INSERT INTO quality_metrics(task_id, dimension, score, timestamp)"
        " SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?1)",
        "SELECT dimension, count(*), avg(score) FROM quality_metrics"
        " WHERE dimension IN ('correctness', 'maintainability', 'performance')"
        " GROUP BY dimension",
        own_sql,
    };
    sqlite3_stmt **st[5] = { &c->create, &c->transition, &c->quality_add, &c->quality_agg,
                             &c->own };
    for (int i = 0; i < 5; i++) {
        int rc = sqlite3_prepare_v3(c->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, st[i],
                                    NULL);
        if (rc != SQLITE_OK) {
            snprintf(open_error, sizeof open_error, "%s: %s", path, sqlite3_errmsg(c->db));
            hc_c_close(c);
            return (rc & 0xff) == SQLITE_NOMEM ? HC_ENOMEM : HC_EIO;
        }
    }
    return HC_OK;
}

/* Steps a write once; HC_OK, HC_EEXIST on a primary key clash, or the code. */
static int run_write(hc_conn *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int ext = sqlite3_extended_errcode(c->db);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE)
        return HC_OK;
    if (ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        snprintf(c->error, sizeof c->error, "%s", sqlite3_errmsg(c->db));
        return HC_EEXIST;
    }
    return hc_c_failed(c, rc);
}

int hc_c_check_create(const char *id, const char *epic)
{
    return text_ok(id) && text_ok(epic) ? HC_OK : HC_EINVAL;
}

int hc_c_check_transition(const char *id, const char *status)
{
    static const char *const ok[] = { "pending", "in_progress", "blocked", "done" };
    if (!text_ok(id) || !status)
        return HC_EINVAL;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(status, ok[i]) == 0)
            return HC_OK;
    return HC_EINVAL;
}

int hc_c_check_quality(const char *id, const char *dimension, double score)
{
    if (!text_ok(id) || !dimension || !(score >= 0.0 && score <= 1.0))
        return HC_EINVAL;
    for (int i = 0; i < HC_DIMENSIONS; i++)
        if (strcmp(dimension, dimensions[i]) == 0)
            return HC_OK;
    return HC_EINVAL;
}

int hc_c_create(hc_conn *c, const char *id, const char *epic, int64_t priority,
                int64_t created_at)
{
    int rc = hc_c_check_create(id, epic);
    if (rc != HC_OK)
        return rc;
    sqlite3_bind_text(c->create, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->create, 2, epic, -1, SQLITE_STATIC);
    sqlite3_bind_int64(c->create, 3, priority);
    sqlite3_bind_int64(c->create, 4, created_at);
    return run_write(c, c->create);
}

int hc_c_transition(hc_conn *c, const char *id, const char *status)
{
    int rc = hc_c_check_transition(id, status);
    if (rc != HC_OK)
        return rc;
    sqlite3_bind_text(c->transition, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->transition, 2, status, -1, SQLITE_STATIC);
    rc = run_write(c, c->transition);
    return rc == HC_OK && sqlite3_changes(c->db) == 0 ? HC_ENOENT : rc;
}

int hc_c_record_quality(hc_conn *c, const char *id, const char *dimension, double score,
                        int64_t timestamp)
{
    int rc = hc_c_check_quality(id, dimension, score);
    if (rc != HC_OK)
        return rc;
    sqlite3_bind_text(c->quality_add, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->quality_add, 2, dimension, -1, SQLITE_STATIC);
    sqlite3_bind_double(c->quality_add, 3, score);
    sqlite3_bind_int64(c->quality_add, 4, timestamp);
    rc = run_write(c, c->quality_add);
    return rc == HC_OK && sqlite3_changes(c->db) == 0 ? HC_ENOENT : rc;
}

int hc_c_quality(hc_conn *c, hc_health *h)
{
    sqlite3_stmt *st = c->quality_agg;
    int rc;
    for (int i = 0; i < HC_DIMENSIONS; i++) {
        h->quality_count[i] = 0;
        h->quality_mean[i] = 0;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *d = sqlite3_column_text(st, 0);
        for (int i = 0; d && i < HC_DIMENSIONS; i++)
            if (strcmp((const char *)d, dimensions[i]) == 0) {
                h->quality_count[i] = sqlite3_column_int64(st, 1);
                h->quality_mean[i] = sqlite3_column_double(st, 2);
            }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? HC_OK : hc_c_failed(c, rc);
}

void hc_tally(hc_health *h, const char *status, int64_t count)
{
    h->total += count;
    if (!status)
        h->other += count;
    else if (strcmp(status, "pending") == 0)
        h->pending += count;
    else if (strcmp(status, "in_progress") == 0)
        h->in_progress += count;
    else if (strcmp(status, "blocked") == 0)
        h->blocked += count;
    else if (strcmp(status, "done") == 0)
        h->done += count;
    else
        h->other += count;
}

void hc_finish(hc_health *h)
{
    h->completion = h->total ? (double)h->done / (double)h->total : 0.0;
}
