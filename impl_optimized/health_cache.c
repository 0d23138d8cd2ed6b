/*
 * health_cache, optimized: the seed's cachedHealth / healthCacheValid. A
 * valid cache is returned as a copy: O(1), no statement, no allocation.
 * Every write through the handle invalidates what it can change before
 * it runs (so a failed write leaves that invalid, never stale): a task
 * created or transitioned the status counts, a quality record the quality
 * aggregate (the seed drops the whole health on any write; a transition
 * cannot move a quality mean). The next call recomputes only the invalid
 * part: the counts from idx_tasks_status, an index the seed lacks (a
 * covering scan of N entries grouped as they lie, no sort, no table row,
 * nothing copied out; it costs every transition one more index update),
 * the quality with the shared aggregate.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../impl_shared/health_cache_common.h"

struct health_cache {
    hc_conn       c;
    int           counts_valid;   /* the status counts and completion */
    int           quality_valid;  /* the quality counts and means */
    hc_health     cached;
};

static void close_optimized(health_cache *r)
{
    if (!r)
        return;
    hc_c_close(&r->c);
    free(r);
}

static int open_optimized(const char *path, health_cache **out)
{
    if (!out)
        return HC_EINVAL;
    *out = NULL;
    if (!path)
        return HC_EINVAL;
    health_cache *r = calloc(1, sizeof *r);
    if (!r)
        return HC_ENOMEM;
    int rc = hc_c_open(&r->c, path,
                       "CREATE INDEX IF NOT EXISTS idx_tasks_status ON tasks(status)",
                       "SELECT status, count(*) FROM tasks GROUP BY status");
    if (rc != HC_OK) {
        free(r);
        return rc;
    }
    *out = r;
    return HC_OK;
}

static sqlite3 *db_optimized(health_cache *r)
{
    return r ? r->c.db : NULL;
}

static const char *error_optimized(health_cache *r)
{
    return r ? r->c.error : "";
}

/* The status counts, from idx_tasks_status: a covering index scan that
 * visits each status's run of entries, no table row and no sort. */
static int recount(health_cache *r, hc_health *h)
{
    hc_health c;
    memset(&c, 0, sizeof c);
    sqlite3_stmt *st = r->c.own;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        hc_tally(&c, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return hc_c_failed(&r->c, rc);
    hc_finish(&c);
    h->total = c.total;
    h->pending = c.pending;
    h->in_progress = c.in_progress;
    h->blocked = c.blocked;
    h->done = c.done;
    h->other = c.other;
    h->completion = c.completion;
    return HC_OK;
}

static int health_optimized(health_cache *r, hc_health *out)
{
    if (!r || !out)
        return HC_EINVAL;
    hc_health h = r->cached;
    int rc = r->counts_valid ? HC_OK : recount(r, &h);
    if (rc == HC_OK && !r->quality_valid)
        rc = hc_c_quality(&r->c, &h);
    if (rc != HC_OK)
        return rc;                           /* cache and flags unchanged */
    r->cached = h;
    r->counts_valid = r->quality_valid = 1;
    *out = h;                                /* the defensive copy */
    return HC_OK;
}

static int create_optimized(health_cache *r, const char *id, const char *epic,
                            int64_t priority, int64_t created_at)
{
    if (!r)
        return HC_EINVAL;
    int rc = hc_c_check_create(id, epic);
    if (rc != HC_OK)
        return rc;                           /* nothing run: still valid */
    r->counts_valid = 0;
    return hc_c_create(&r->c, id, epic, priority, created_at);
}

static int transition_optimized(health_cache *r, const char *id, const char *status)
{
    if (!r)
        return HC_EINVAL;
    int rc = hc_c_check_transition(id, status);
    if (rc != HC_OK)
        return rc;
    r->counts_valid = 0;
    return hc_c_transition(&r->c, id, status);
}

static int quality_optimized(health_cache *r, const char *id, const char *dimension,
                             double score, int64_t timestamp)
{
    if (!r)
        return HC_EINVAL;
    int rc = hc_c_check_quality(id, dimension, score);
    if (rc != HC_OK)
        return rc;
    r->quality_valid = 0;
    return hc_c_record_quality(&r->c, id, dimension, score, timestamp);
}

const health_cache_ops health_cache_optimized = {
    .name = "optimized",
    .open = open_optimized,
    .close = close_optimized,
    .db = db_optimized,
    .error = error_optimized,
    .health = health_optimized,
    .create_task = create_optimized,
    .transition = transition_optimized,
    .record_quality = quality_optimized,
};
