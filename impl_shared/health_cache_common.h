/*
 * health_cache_common: what both health_cache implementations share, since
 * the seed's fix does not touch it: the connection (the seed's indexed
 * schema), the three writes with their validation, the quality aggregate
 * (one SQL text, so the means are bit for bit the same) and the tally of
 * a status into an hc_health.
 */
#ifndef PAIRBENCH_HEALTH_CACHE_COMMON_H
#define PAIRBENCH_HEALTH_CACHE_COMMON_H

#include "pairbench/health_cache.h"

struct sqlite3;
struct sqlite3_stmt;

typedef struct hc_conn {
    struct sqlite3      *db;
    struct sqlite3_stmt *create, *transition, *quality_add, *quality_agg;
    struct sqlite3_stmt *own;    /* the implementation's read of the tasks */
    char                 error[256];
} hc_conn;

/* Opens path, runs ddl (NULL: none: the implementation's own indexes),
 * prepares the shared statements and own_sql as c->own. HC_OK, or the
 * code with the message in hc_open_error() (c is then closed). */
int  hc_c_open(hc_conn *c, const char *path, const char *ddl, const char *own_sql);
void hc_c_close(hc_conn *c);

int  hc_c_create(hc_conn *c, const char *id, const char *epic, int64_t priority,
                 int64_t created_at);
int  hc_c_transition(hc_conn *c, const char *id, const char *status);
int  hc_c_record_quality(hc_conn *c, const char *id, const char *dimension, double score,
                         int64_t timestamp);
/* Validation alone (HC_OK or HC_EINVAL), as the writes above do it first. */
int  hc_c_check_create(const char *id, const char *epic);
int  hc_c_check_transition(const char *id, const char *status);
int  hc_c_check_quality(const char *id, const char *dimension, double score);

/* The quality counts and means into h. HC_OK or the code (message in c). */
int  hc_c_quality(hc_conn *c, hc_health *h);
/* Adds `count` tasks of status to h (total included). */
void hc_tally(hc_health *h, const char *status, int64_t count);
/* h->completion from its counts. */
void hc_finish(hc_health *h);
/* Records SQLite's message for rc and returns our code for it. */
int  hc_c_failed(hc_conn *c, int rc);

#endif
