/*
 * checkpoint_common: what both checkpoint implementations share, since the
 * seed's fix does not touch it: the read-only connection, the atomic write
 * (temp file, fsync, rename, directory fsync, through the ckpt_io hooks),
 * and the head of the document (format, version, kind, taken_at, counts)
 * so that ckpt_load() reads both alike.
 */
#ifndef PAIRBENCH_CHECKPOINT_COMMON_H
#define PAIRBENCH_CHECKPOINT_COMMON_H

#include <limits.h>

#include <cjson/cJSON.h>

#include "pairbench/checkpoint.h"

struct sqlite3;
struct sqlite3_stmt;

#define CK_OWN_MAX 4

typedef struct ck_conn {
    struct sqlite3 *db;
    struct sqlite3_stmt *own[CK_OWN_MAX];  /* the implementation's queries */
    const ckpt_io  *io;
    char            path[PATH_MAX], tmp[PATH_MAX], dir[PATH_MAX];
    char            error[PATH_MAX + 128];
} ck_conn;

/* The status counts of a checkpoint (ckpt_info's order). */
typedef struct ck_counts {
    int64_t total, pending, in_progress, blocked, done, other;
} ck_counts;

/* Opens db_path read-only, prepares the implementation's n_own queries
 * (at most CK_OWN_MAX) as c->own[], records the paths, removes a stale
 * temp file. CK_OK, or the code with ckpt_open_error() set (c closed). */
int  ck_c_open(ck_conn *c, const char *db_path, const char *ckpt_path, const ckpt_io *io,
               const char *const *own_sql, int n_own);
void ck_c_close(ck_conn *c);
/* Atomically replaces the checkpoint by data[0..len): CK_OK, CK_EIO (temp
 * removed, old checkpoint intact), CK_EDIRSYNC. */
int  ck_c_write_atomic(ck_conn *c, const char *data, size_t len);
/* Adds n tasks of status s (NULL: none) to k. */
void ck_tally(ck_counts *k, const char *s, int64_t n);
/* A new document with its head: format, version, kind, taken_at, counts,
 * and an empty "in_progress" array (returned in *ids), or NULL when out of
 * memory. */
cJSON *ck_document(const char *kind, int64_t taken_at, const ck_counts *k, cJSON **ids);
/* Prints root unformatted and writes it atomically; deletes root. */
int  ck_c_write_document(ck_conn *c, cJSON *root);
/* Records SQLite's message and returns CK_ENOMEM or CK_EIO for rc. */
int  ck_c_sql_failed(ck_conn *c, int rc);

#endif
