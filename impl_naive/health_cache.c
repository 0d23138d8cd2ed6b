/*
 * health_cache, naive: getRoadmapHealth as the seed had it, recomputed on
 * every call: getTasks() reads every task into memory as an object (its
 * strings copied), the health is counted from them in C, then the quality
 * aggregate. O(N) rows stepped and N + 1 allocations per call; the writes
 * are the shared ones and cost the same in both implementations.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../impl_shared/health_cache_common.h"

struct health_cache {
    hc_conn       c;
};

/* One row of getTasks(). */
typedef struct task_row {
    char   *id, *title, *epic_id, *parent_id, *status;
    int64_t priority, created_at;
} task_row;

static void close_naive(health_cache *r)
{
    if (!r)
        return;
    hc_c_close(&r->c);
    free(r);
}

static int open_naive(const char *path, health_cache **out)
{
    if (!out)
        return HC_EINVAL;
    *out = NULL;
    if (!path)
        return HC_EINVAL;
    health_cache *r = calloc(1, sizeof *r);
    if (!r)
        return HC_ENOMEM;
    int rc = hc_c_open(&r->c, path, NULL, "SELECT id, title, epic_id, parent_id, status,"
                       " priority, created_at FROM tasks");
    if (rc != HC_OK) {
        free(r);
        return rc;
    }
    *out = r;
    return HC_OK;
}

static sqlite3 *db_naive(health_cache *r)
{
    return r ? r->c.db : NULL;
}

static const char *error_naive(health_cache *r)
{
    return r ? r->c.error : "";
}

static char *dup_column(sqlite3_stmt *st, int col, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    char *s = strdup((const char *)t);
    if (!s)
        *oom = 1;
    return s;
}

static void free_rows(task_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].id);
        free(rows[i].title);
        free(rows[i].epic_id);
        free(rows[i].parent_id);
        free(rows[i].status);
    }
    free(rows);
}

/* getTasks(): every task, as objects. HC_OK with *rows, *n. */
static int get_tasks(health_cache *r, task_row **rows, size_t *n)
{
    sqlite3_stmt *st = r->c.own;
    size_t cap = 0, got = 0;
    task_row *a = NULL;
    int rc, oom = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (got == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            task_row *na = realloc(a, ncap * sizeof *na);
            if (!na) {
                oom = 1;
                break;
            }
            a = na;
            cap = ncap;
        }
        task_row *t = &a[got++];
        t->id = dup_column(st, 0, &oom);
        t->title = dup_column(st, 1, &oom);
        t->epic_id = dup_column(st, 2, &oom);
        t->parent_id = dup_column(st, 3, &oom);
        t->status = dup_column(st, 4, &oom);
        t->priority = sqlite3_column_int64(st, 5);
        t->created_at = sqlite3_column_int64(st, 6);
        if (oom)
            break;
    }
    sqlite3_reset(st);
    if (oom || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
        free_rows(a, got);
        if (oom) {
            snprintf(r->c.error, sizeof r->c.error, "out of memory");
            return HC_ENOMEM;
        }
        return hc_c_failed(&r->c, rc);
    }
    *rows = a;
    *n = got;
    return HC_OK;
}

static int health_naive(health_cache *r, hc_health *out)
{
    if (!r || !out)
        return HC_EINVAL;
    task_row *rows = NULL;
    size_t n = 0;
    int rc = get_tasks(r, &rows, &n);
    if (rc != HC_OK)
        return rc;
    hc_health h;
    memset(&h, 0, sizeof h);
    for (size_t i = 0; i < n; i++)          /* the seed's "expensive filtering" */
        hc_tally(&h, rows[i].status, 1);
    free_rows(rows, n);
    hc_finish(&h);
    rc = hc_c_quality(&r->c, &h);
    if (rc == HC_OK)
        *out = h;
    return rc;
}

static int create_naive(health_cache *r, const char *id, const char *epic, int64_t priority,
                        int64_t created_at)
{
    return r ? hc_c_create(&r->c, id, epic, priority, created_at) : HC_EINVAL;
}

static int transition_naive(health_cache *r, const char *id, const char *status)
{
    return r ? hc_c_transition(&r->c, id, status) : HC_EINVAL;
}

static int quality_naive(health_cache *r, const char *id, const char *dimension,
                         double score, int64_t timestamp)
{
    return r ? hc_c_record_quality(&r->c, id, dimension, score, timestamp) : HC_EINVAL;
}

const health_cache_ops health_cache_naive = {
    .name = "naive",
    .open = open_naive,
    .close = close_naive,
    .db = db_naive,
    .error = error_naive,
    .health = health_naive,
    .create_task = create_naive,
    .transition = transition_naive,
    .record_quality = quality_naive,
};
