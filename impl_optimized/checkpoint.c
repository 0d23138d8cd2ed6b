/*
 * checkpoint, optimized: the seed's minimal snapshot. Two statements, the
 * status counts (count(*) GROUP BY status) and the ids of the tasks in
 * progress in id order, make a document of O(in-progress tasks) bytes,
 * written atomically like the naive one. SQLite still scans the tasks
 * (the seed's schema has no index on status): O(N) rows stepped inside
 * SQLite, none copied out; the heap holds only the small document.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "../impl_shared/checkpoint_common.h"

/* The queries, in c.own[] */
enum { COUNTS, IN_PROGRESS };
static const char *const sql[2] = {
    "SELECT status, count(*) FROM tasks GROUP BY status",
    "SELECT id FROM tasks WHERE status = 'in_progress' ORDER BY id",
};

struct checkpoint {
    ck_conn c;
};

static void close_optimized(checkpoint *k)
{
    if (!k)
        return;
    ck_c_close(&k->c);
    free(k);
}

static int open_optimized(const char *db_path, const char *ckpt_path, const ckpt_io *io,
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
    int rc = ck_c_open(&k->c, db_path, ckpt_path, io, sql, 2);
    if (rc != CK_OK) {
        free(k);
        return rc;
    }
    *out = k;
    return CK_OK;
}

static sqlite3 *db_optimized(checkpoint *k)
{
    return k ? k->c.db : NULL;
}

static const char *error_optimized(checkpoint *k)
{
    return k ? k->c.error : "";
}

/* The document of the roadmap now, in *root; CK_OK or the code. */
static int snapshot(checkpoint *k, int64_t taken_at, cJSON **root)
{
    ck_counts counts = { 0 };
    int src;
    while ((src = sqlite3_step(k->c.own[COUNTS])) == SQLITE_ROW)
        ck_tally(&counts, (const char *)sqlite3_column_text(k->c.own[COUNTS], 0),
                 sqlite3_column_int64(k->c.own[COUNTS], 1));
    sqlite3_reset(k->c.own[COUNTS]);
    if (src != SQLITE_DONE)
        return ck_c_sql_failed(&k->c, src);
    cJSON *ids = NULL;
    *root = ck_document("minimal", taken_at, &counts, &ids);
    if (!*root)
        return CK_ENOMEM;
    int rc = CK_OK;
    while (rc == CK_OK && (src = sqlite3_step(k->c.own[IN_PROGRESS])) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(k->c.own[IN_PROGRESS], 0);
        cJSON *s = cJSON_CreateString(t ? (const char *)t : "");
        if (!s || !cJSON_AddItemToArray(ids, s)) {
            cJSON_Delete(s);
            rc = CK_ENOMEM;
        }
    }
    sqlite3_reset(k->c.own[IN_PROGRESS]);
    if (rc == CK_OK && src != SQLITE_DONE)
        rc = ck_c_sql_failed(&k->c, src);
    return rc;
}

static int write_optimized(checkpoint *k, int64_t taken_at)
{
    if (!k)
        return CK_EINVAL;
    /* one read transaction: the counts and the ids of one snapshot (the
     * naive one's three scans are open together, which does the same) */
    int src = sqlite3_exec(k->c.db, "BEGIN", NULL, NULL, NULL);
    if (src != SQLITE_OK)
        return ck_c_sql_failed(&k->c, src);
    cJSON *root = NULL;
    int rc = snapshot(k, taken_at, &root);
    sqlite3_exec(k->c.db, "COMMIT", NULL, NULL, NULL);
    if (rc != CK_OK) {
        if (rc == CK_ENOMEM)
            snprintf(k->c.error, sizeof k->c.error, "out of memory building the checkpoint");
        cJSON_Delete(root);
        return rc;
    }
    return ck_c_write_document(&k->c, root);
}

const checkpoint_ops checkpoint_optimized = {
    .name = "optimized",
    .open = open_optimized,
    .close = close_optimized,
    .db = db_optimized,
    .error = error_optimized,
    .write = write_optimized,
};
