/*
 * config_storage: the storage layer both config_service implementations
 * share, so that they differ only in what the seed changes (when the file is
 * read), never in how it is read, validated or written.
 *
 *   validation   key and value rules of config_service.h
 *   load         read the whole file and parse it with cJSON; a missing file
 *                is an empty config; anything but one object of string
 *                members (or trailing data) is ECORRUPT
 *   write        atomic replace: temp file in the same directory, write,
 *                fsync, close, (a corrupt file kept by a hard link,) rename,
 *                fsync the directory, through the caller's injectable I/O
 *                hooks
 *   stale temps  the temporaries of writers that died (kill -9) removed at
 *                a service's first load: one getdents64 pass, no allocation
 *
 * Cost: load and write are O(file size); the counters in config_stats count
 * file reads, parses, writes and fsyncs.
 */
#define _GNU_SOURCE                    /* getdents64 */

#include "config_service_storage.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when key is 1..CONFIG_KEY_MAX-1 bytes of 0x21..0x7e. */
int config_key_valid(const char *key)
{
    size_t i = 0;
    if (!key)
        return 0;
    for (; key[i]; i++)
        if (i >= CONFIG_KEY_MAX - 1 || (unsigned char)key[i] < 0x21 ||
            (unsigned char)key[i] > 0x7e)
            return 0;
    return i > 0;
}

/* 1 when value is 0..CONFIG_VALUE_MAX-1 bytes of 0x20..0x7e. */
int config_value_valid(const char *value)
{
    if (!value)
        return 0;
    for (size_t i = 0; value[i]; i++)
        if (i >= CONFIG_VALUE_MAX - 1 || (unsigned char)value[i] < 0x20 ||
            (unsigned char)value[i] > 0x7e)
            return 0;
    return 1;
}

/* "<dir of path>": "." when path has no slash, "/" for "/name". NULL on ENOMEM. */
char *config_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, path, len);
        d[len] = '\0';
    }
    return d;
}

int config_location_new(const char *path, const config_options *opts, char **path_out,
                        char **dir_out, config_io *io)
{
    char *p = strdup(path), *d = config_dir_of(path);
    if (!p || !d) {
        free(p);
        free(d);
        return -1;
    }
    *path_out = p;
    *dir_out = d;
    if (opts && opts->io)
        *io = *opts->io;
    return 0;
}

static int io_open(const config_io *io, const char *p, int flags, mode_t mode)
{
    return io->open ? io->open(io->arg, p, flags, mode) : open(p, flags, mode);
}
static ssize_t io_write(const config_io *io, int fd, const void *b, size_t n)
{
    return io->write ? io->write(io->arg, fd, b, n) : write(fd, b, n);
}
static int io_fsync(const config_io *io, int fd)
{
    return io->fsync ? io->fsync(io->arg, fd) : fsync(fd);
}
static int io_rename(const config_io *io, const char *from, const char *to)
{
    return io->rename ? io->rename(io->arg, from, to) : rename(from, to);
}
static int io_link(const config_io *io, const char *from, const char *to)
{
    return io->link ? io->link(io->arg, from, to) : link(from, to);
}

/* Reads the whole file at path into a fresh NUL-terminated buffer.
 * OK with *out == NULL when the file does not exist; EIO when it cannot be
 * opened or read; ENOMEM. Counts one file read when the file was opened. */
static int read_file(const char *path, const config_io *io, config_stats *st, char **out,
                     size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = io && io->load_open ? io->load_open(io->arg, path, O_RDONLY | O_CLOEXEC)
                                 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? CONFIG_OK : CONFIG_EIO;
    st->file_reads++;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return CONFIG_EIO;
    }
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return CONFIG_ENOMEM;
    }
    for (;;) {
        if (n + 1 == cap) {            /* the file grew meanwhile */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                close(fd);
                return CONFIG_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            close(fd);
            return CONFIG_EIO;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CONFIG_OK;
}

/* 1 when buf[0..len) holds the escape \u0000 (a backslash that is not
 * itself escaped, then u0000): it would decode to a NUL, which no key or
 * value may contain, and cJSON would silently cut the string there. memchr
 * finds the backslashes; each escape is skipped whole, so "\\u0000" (an
 * escaped backslash, then text) is not one. */
static int has_nul_escape(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
            return 1;
        p += 2;                        /* the escaped character */
        if (p >= end)
            break;
    }
    return 0;
}

/* Parses buf[0..len) and checks it is a valid configuration (see the
 * header): OK with *root set (the caller deletes it), ECORRUPT, or ENOMEM
 * when the parse failed and errno says an allocation failed (cJSON does not
 * tell an allocation failure from a syntax error; malloc sets ENOMEM, so a
 * failed parse with errno ENOMEM is taken as one: never ECORRUPT for a file
 * that may be valid). Counts one parse. */
static int parse_config(const char *buf, size_t len, config_stats *st, cJSON **root)
{
    const char *end = NULL;
    st->parses++;
    errno = 0;
    *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!*root)
        return errno == ENOMEM ? CONFIG_ENOMEM : CONFIG_ECORRUPT;
    size_t off = end ? (size_t)(end - buf) : len;
    while (off < len && (buf[off] == ' ' || buf[off] == '\t' ||
                         buf[off] == '\n' || buf[off] == '\r'))
        off++;
    int ok = off == len && cJSON_IsObject(*root) && !has_nul_escape(buf, len);
    for (const cJSON *m = ok ? (*root)->child : NULL; m && ok; m = m->next)
        ok = config_key_valid(m->string) && cJSON_IsString(m) && config_value_valid(m->valuestring);
    if (!ok) {
        cJSON_Delete(*root);
        *root = NULL;
        return CONFIG_ECORRUPT;
    }
    return CONFIG_OK;
}

/* Loads and validates the storage file. OK with *root NULL for a missing
 * file; ECORRUPT, EIO, ENOMEM with *root NULL. */
int config_load(const char *path, const config_io *io, config_stats *st, cJSON **root)
{
    char *buf;
    size_t len;
    *root = NULL;
    int rc = read_file(path, io, st, &buf, &len);
    if (rc != CONFIG_OK || !buf)
        return rc;
    rc = parse_config(buf, len, st, root);
    free(buf);
    return rc;
}

/* Keeps the file at path under "<path>.corrupt", or the first free of
 * "<path>.corrupt.1" .. "<path>.corrupt.63", by a hard link (io->link): OK
 * with *aside the name made (malloc'ed), or NULL when path no longer exists;
 * EIO when no name is free or the link fails otherwise; ENOMEM. */
static int keep_corrupt(const char *path, const config_io *io, char **aside)
{
    size_t cap = strlen(path) + 24;
    char *name = malloc(cap);
    *aside = NULL;
    if (!name)
        return CONFIG_ENOMEM;
    for (int i = 0; i < 64; i++) {
        if (i == 0)
            snprintf(name, cap, "%s.corrupt", path);
        else
            snprintf(name, cap, "%s.corrupt.%d", path, i);
        if (io_link(io, path, name) == 0) {
            *aside = name;
            return CONFIG_OK;
        }
        if (errno != EEXIST) {
            free(name);
            return errno == ENOENT ? CONFIG_OK : CONFIG_EIO;
        }
    }
    free(name);
    return CONFIG_EIO;
}

/* Removes from dir the temporaries "<base of path>.tmp.<pid>.<n>" whose pid
 * is not a live process (kill(pid, 0) fails with ESRCH) and is not ours:
 * what a writer killed between its open and its rename left. Best effort:
 * an unreadable directory or a failed unlink is ignored. Reads the
 * directory with getdents64 into a stack buffer: no allocation. */
void config_remove_stale_temps(const char *path, const char *dir)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    long self = (long)getpid();
    char buf[4096] __attribute__((aligned(8)));
    for (;;) {
        ssize_t got = getdents64(dfd, buf, sizeof buf);
        if (got <= 0)
            break;
        for (ssize_t off = 0; off < got;) {
            const struct dirent64 *e = (const struct dirent64 *)(buf + off);
            off += e->d_reclen;
            const char *p = e->d_name;
            if (strncmp(p, base, blen) != 0 || strncmp(p + blen, ".tmp.", 5) != 0)
                continue;
            p += blen + 5;
            long pid = 0;
            int pd = 0, nd = 0;
            for (; *p >= '0' && *p <= '9' && pd < 10; p++, pd++)
                pid = pid * 10 + (*p - '0');
            if (*p++ != '.')
                continue;
            for (; *p >= '0' && *p <= '9'; p++)
                nd++;
            if (*p || !pd || !nd || pid <= 0 || pid == self || (pid_t)pid != pid)
                continue;
            if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
                unlinkat(dfd, e->d_name, 0);
        }
    }
    close(dfd);
}

/* Atomic replace of `path` by data[0..len): temp file in the same directory,
 * write, fsync, close, rename, fsync the directory. OK; EIO when a step up
 * to the rename failed (temp file removed, `path` untouched); EDIRSYNC when
 * only the directory fsync (or its open) failed (committed); ENOMEM. */
int config_write_atomic(const char *path, const char *dir, const config_io *io,
                        unsigned *seq, config_stats *st, const char *data, size_t len,
                        int set_aside)
{
    char *aside = NULL;
    size_t tcap = strlen(path) + 48;
    char *tmp = malloc(tcap);
    if (!tmp)
        return CONFIG_ENOMEM;
    /* The replacement keeps the permission bits of the file it replaces; a
     * new file is 0644 less the umask. */
    struct stat old;
    int keep_mode = stat(path, &old) == 0 && S_ISREG(old.st_mode);
    mode_t mode = keep_mode ? old.st_mode & 07777 : 0644;
    int fd = -1;
    for (int attempt = 0; attempt < 64 && fd < 0; attempt++) {
        snprintf(tmp, tcap, "%s.tmp.%ld.%u", path, (long)getpid(), (*seq)++);
        fd = io_open(io, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, keep_mode ? 0600 : mode);
        if (fd < 0 && errno != EEXIST) {
            free(tmp);                 /* nothing was created */
            return CONFIG_EIO;
        }
    }
    if (fd < 0) {
        free(tmp);
        return CONFIG_EIO;
    }
    st->file_writes++;
    if (keep_mode && fchmod(fd, mode) != 0)   /* the umask does not apply */
        goto fail;
    for (size_t off = 0; off < len;) {
        ssize_t w = io_write(io, fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        off += (size_t)w;
    }
    st->fsyncs++;
    if (io_fsync(io, fd) != 0)
        goto fail;
    int crc = close(fd);
    fd = -1;
    if (crc != 0)
        goto fail;
    if (set_aside) {
        int arc = keep_corrupt(path, io, &aside);
        if (arc != CONFIG_OK) {
            unlink(tmp);
            free(tmp);
            return arc;
        }
    }
    if (io_rename(io, tmp, path) != 0) {
        if (aside)
            unlink(aside);             /* the corrupt file is still at path */
        free(aside);
        goto fail;
    }
    free(aside);
    free(tmp);
    int dfd = io_open(io, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dfd < 0)
        return CONFIG_EDIRSYNC;
    st->fsyncs++;
    int frc = io_fsync(io, dfd);
    close(dfd);
    return frc == 0 ? CONFIG_OK : CONFIG_EDIRSYNC;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return CONFIG_EIO;
}
/* ---- end of the shared part --------------------------------------------- */
