/*
 * checkpoint_common: the connection, the atomic write and the document's
 * head both implementations share (see the header). A write costs one
 * open, the write(s) of the document, two fsyncs (file, directory), one
 * rename.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "checkpoint_common.h"
#include "shared_roadmap.h"

static _Thread_local char open_error[PATH_MAX + 128];

const char *ckpt_open_error(void)
{
    return open_error;
}

/* Sets ckpt_open_error() to "PATH: MSG". */
static void ck_set_open_error(const char *path, const char *msg)
{
    snprintf(open_error, sizeof open_error, "%.3800s: %.300s", path, msg);
}

int ck_c_sql_failed(ck_conn *c, int rc)
{
    snprintf(c->error, sizeof c->error, "%s", sqlite3_errmsg(c->db));
    return (rc & 0xff) == SQLITE_NOMEM ? CK_ENOMEM : CK_EIO;
}

int ck_c_open(ck_conn *c, const char *db_path, const char *ckpt_path, const ckpt_io *io,
              const char *const *own_sql, int n_own)
{
    open_error[0] = '\0';
    memset(c, 0, sizeof *c);
    size_t len = strlen(ckpt_path);
    if (len + 5 > sizeof c->path) {
        snprintf(open_error, sizeof open_error, "checkpoint path too long");
        return CK_EINVAL;
    }
    memcpy(c->path, ckpt_path, len + 1);
    snprintf(c->tmp, sizeof c->tmp, "%s.tmp", ckpt_path);
    const char *slash = strrchr(ckpt_path, '/');
    if (!slash)
        snprintf(c->dir, sizeof c->dir, ".");
    else if (slash == ckpt_path)
        snprintf(c->dir, sizeof c->dir, "/");
    else
        snprintf(c->dir, sizeof c->dir, "%.*s", (int)(slash - ckpt_path), ckpt_path);
    c->io = io;
    if (roadmap_open(db_path, 1, &c->db, open_error, sizeof open_error) != 0)
        return strstr(open_error, "out of memory") ? CK_ENOMEM : CK_EIO;
    for (int i = 0; i < n_own && i < CK_OWN_MAX; i++) {
        int src = sqlite3_prepare_v3(c->db, own_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                     &c->own[i], NULL);
        if (src != SQLITE_OK) {
            int rc = ck_c_sql_failed(c, src);
            ck_set_open_error(db_path, c->error);
            ck_c_close(c);
            return rc;
        }
    }
    if (unlink(c->tmp) != 0 && errno != ENOENT) {
        snprintf(open_error, sizeof open_error, "cannot remove %s: %s", c->tmp,
                 strerror(errno));
        ck_c_close(c);
        return CK_EIO;
    }
    return CK_OK;
}

void ck_c_close(ck_conn *c)
{
    for (int i = 0; i < CK_OWN_MAX; i++) {
        sqlite3_finalize(c->own[i]);
        c->own[i] = NULL;
    }
    sqlite3_close(c->db);
    c->db = NULL;
}

static ssize_t do_write(const ckpt_io *io, int fd, const void *buf, size_t len)
{
    return io && io->write ? io->write(io->arg, fd, buf, len) : write(fd, buf, len);
}

static int do_fsync(const ckpt_io *io, int fd)
{
    return io && io->fsync ? io->fsync(io->arg, fd) : fsync(fd);
}

static int do_rename(const ckpt_io *io, const char *from, const char *to)
{
    return io && io->rename ? io->rename(io->arg, from, to) : rename(from, to);
}

static int io_failed(ck_conn *c, const char *what, int fd)
{
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(c->tmp);
    snprintf(c->error, sizeof c->error, "%s %s: %s", what, c->tmp, strerror(e));
    errno = e;
    return CK_EIO;
}

int ck_c_write_atomic(ck_conn *c, const char *data, size_t len)
{
    int fd = open(c->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return io_failed(c, "open", -1);
    for (size_t off = 0; off < len; ) {
        ssize_t k = do_write(c->io, fd, data + off, len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            return io_failed(c, "write", fd);
        }
        off += (size_t)k;
    }
    if (do_fsync(c->io, fd) != 0)
        return io_failed(c, "fsync", fd);
    if (close(fd) != 0)
        return io_failed(c, "close", -1);
    if (do_rename(c->io, c->tmp, c->path) != 0)
        return io_failed(c, "rename", -1);
    int dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = dfd < 0 ? -1 : do_fsync(c->io, dfd);
    int e = errno;
    if (dfd >= 0)
        close(dfd);
    if (rc != 0) {
        snprintf(c->error, sizeof c->error, "fsync of directory %s: %s", c->dir,
                 strerror(e));
        return CK_EDIRSYNC;
    }
    return CK_OK;
}

void ck_tally(ck_counts *k, const char *s, int64_t n)
{
    k->total += n;
    if (!s)
        k->other += n;
    else if (strcmp(s, "pending") == 0)
        k->pending += n;
    else if (strcmp(s, "in_progress") == 0)
        k->in_progress += n;
    else if (strcmp(s, "blocked") == 0)
        k->blocked += n;
    else if (strcmp(s, "done") == 0)
        k->done += n;
    else
        k->other += n;
}

cJSON *ck_document(const char *kind, int64_t taken_at, const ck_counts *k, cJSON **ids)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON *counts = cJSON_CreateObject();
    if (!counts || !cJSON_AddItemToObject(root, "counts", counts)) {
        cJSON_Delete(counts);
        cJSON_Delete(root);
        return NULL;
    }
    if (!cJSON_AddStringToObject(root, "format", "pairbench-checkpoint") ||
        !cJSON_AddNumberToObject(root, "version", 1) ||
        !cJSON_AddStringToObject(root, "kind", kind) ||
        !cJSON_AddNumberToObject(root, "taken_at", (double)taken_at)) {
        cJSON_Delete(root);
        return NULL;
    }
    const double v[6] = { (double)k->total, (double)k->pending, (double)k->in_progress,
                          (double)k->blocked, (double)k->done, (double)k->other };
    static const char *const names[6] = { "total", "pending", "in_progress", "blocked",
                                          "done", "other" };
    for (int i = 0; i < 6; i++)
        if (!cJSON_AddNumberToObject(counts, names[i], v[i])) {
            cJSON_Delete(root);
            return NULL;
        }
    *ids = cJSON_AddArrayToObject(root, "in_progress");
    if (!*ids) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int ck_c_write_document(ck_conn *c, cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) {
        snprintf(c->error, sizeof c->error, "out of memory printing the checkpoint");
        return CK_ENOMEM;
    }
    int rc = ck_c_write_atomic(c, text, strlen(text));
    cJSON_free(text);
    return rc;
}
