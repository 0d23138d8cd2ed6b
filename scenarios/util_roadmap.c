/*
 * util_roadmap: template roadmaps and their per-case copies (see the
 * header). A template costs one roadmap_build per (N, indexed) per
 * process; a fixture one file copy.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../impl_shared/shared_roadmap.h"
#include "util.h"
#include "util_roadmap.h"

#define TEMPLATES 16

long long pb_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

const char *pb_file_unchanged(const char *path, long long size, char *why, size_t cap)
{
    long long now = pb_file_size(path);
    if (now == size)
        return NULL;
    snprintf(why, cap, "%s is %lld bytes, %lld after open", path, now, size);
    return why;
}

/* Runs sql on the database at path (a fresh connection). 0, or -1 with why. */
static int exec_on(const char *path, const char *sql, char *why, size_t cap)
{
    sqlite3 *db;
    if (roadmap_open(path, 0, &db, why, cap) != 0)
        return -1;
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        snprintf(why, cap, "%s: %s", path, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK) {
        snprintf(why, cap, "%s: close failed", path);
        rc = SQLITE_ERROR;
    }
    return rc == SQLITE_OK ? 0 : -1;
}

/* The template of n tasks, built at its first use in this process. */
static const char *template_for(int64_t n, int indexed, char *why, size_t cap)
{
    static struct { int64_t n; int indexed; char path[PATH_MAX]; } made[TEMPLATES];
    int slot = -1;
    for (int i = 0; i < TEMPLATES; i++) {
        if (made[i].n == n && made[i].indexed == indexed)
            return made[i].path;
        if (made[i].n == 0 && slot < 0)
            slot = i;
    }
    if (slot < 0) {
        snprintf(why, cap, "more than %d roadmap templates", TEMPLATES);
        return NULL;
    }
    const char *root = pb_scratch_dir();
    if (!root) {
        snprintf(why, cap, "no scratch directory: %s", strerror(errno));
        return NULL;
    }
    char path[PATH_MAX];
    int k = snprintf(path, sizeof path, "%s/roadmap-%lld%s.db", root, (long long)n,
                     indexed ? "-indexed" : "");
    if (k < 0 || (size_t)k >= sizeof path) {
        snprintf(why, cap, "scratch path too long");
        return NULL;
    }
    unlink(path);                      /* a half-built one of a failed try */
    if (roadmap_build(path, n, pb_mix64((uint64_t)n), why, cap) != 0)
        return NULL;
    if (indexed &&
        exec_on(path, "BEGIN;" ROADMAP_SEED_INDEXES "ANALYZE; COMMIT;", why, cap) != 0) {
        unlink(path);
        return NULL;
    }
    made[slot].n = n;
    made[slot].indexed = indexed;
    memcpy(made[slot].path, path, (size_t)k + 1);
    return made[slot].path;
}

int pb_roadmap_fixture(pb_ctx *ctx, int64_t n, unsigned flags, char *path, size_t cap)
{
    char why[PATH_MAX + 128];
    const char *tmpl = template_for(n, (flags & PB_ROADMAP_INDEXED) != 0, why, sizeof why);
    if (!tmpl) {
        pb_setup_failed(ctx, "%s", why);
        return -1;
    }
    const char *dir = pb_case_dir(ctx);
    if (!dir) {
        pb_setup_failed(ctx, "cannot make a case directory: %s", strerror(errno));
        return -1;
    }
    int k = snprintf(path, cap, "%s/roadmap.db", dir);
    if (k < 0 || (size_t)k >= cap) {
        pb_setup_failed(ctx, "case path too long");
        return -1;
    }
    if (roadmap_copy(tmpl, path) != 0) {
        pb_setup_failed(ctx, "cannot copy %s: %s", tmpl, strerror(errno));
        return -1;
    }
    if ((flags & PB_ROADMAP_WAL) &&
        exec_on(path, "PRAGMA journal_mode=WAL;", why, sizeof why) != 0) {
        pb_setup_failed(ctx, "%s", why);
        return -1;
    }
    return 0;
}
