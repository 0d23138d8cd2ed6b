/*
 * n_plus_one_common: what both n_plus_one implementations share, since the
 * seed's fix does not touch it: the connection (the seed's indexed
 * schema), the candidates' WHERE and ORDER BY, the error codes and the
 * column copy.
 */
#ifndef PAIRBENCH_N_PLUS_ONE_COMMON_H
#define PAIRBENCH_N_PLUS_ONE_COMMON_H

#include "pairbench/n_plus_one.h"

struct sqlite3_stmt;

/* The candidates and their order, after "FROM tasks t". */
#define NP_CANDIDATES \
    " WHERE t.status IN ('pending', 'blocked') ORDER BY t.priority DESC, t.created_at, t.id"
/* A dependency that blocks: "blocks", on a task not done or missing. */
#define NP_OPEN_BLOCKER "(b.status IS NULL OR b.status != 'done')"

/* Opens path (roadmap_open_indexed): NP_OK and *db, or the code with the
 * message in np_open_error(). */
int  np_connect(const char *path, struct sqlite3 **db);
/* Records a failed open's message: "PATH: MSG". */
void np_set_open_error(const char *path, const char *msg);
/* SQLite's result code as ours (NP_ENOMEM or NP_EIO). */
int  np_code(int rc);
/* Column col of the current row as text into dst (NP_ID_MAX, "" for NULL). */
void np_text(char *dst, struct sqlite3_stmt *st, int col);

#endif
