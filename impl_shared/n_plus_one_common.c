/*
 * n_plus_one_common: the connection, error codes and column copy both
 * implementations share (see the header).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>

#include <sqlite3.h>

#include "n_plus_one_common.h"
#include "shared_roadmap.h"

static _Thread_local char open_error[256];

const char *np_open_error(void)
{
    return open_error;
}

void np_set_open_error(const char *path, const char *msg)
{
    snprintf(open_error, sizeof open_error, "%s: %s", path, msg);
}

int np_connect(const char *path, sqlite3 **db)
{
    open_error[0] = '\0';
    if (roadmap_open_indexed(path, db, open_error, sizeof open_error) != 0)
        return errno == ENOMEM ? NP_ENOMEM : NP_EIO;
    return NP_OK;
}

int np_code(int rc)
{
    return (rc & 0xff) == SQLITE_NOMEM ? NP_ENOMEM : NP_EIO;
}

void np_text(char *dst, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, NP_ID_MAX, "%s", t ? (const char *)t : "");
}
