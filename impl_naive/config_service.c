/*
 * config_service_naive: the configuration service of seed 001 as its
 * "before" code: no cache. Every access goes to the storage file.
 *
 * Costs (n entries in the file, B = file size in bytes):
 *   create        one load: open + read O(B) + cJSON parse O(B) (status)
 *   get           open + read + parse O(B), validate O(n), linear lookup O(n)
 *                 (last occurrence wins), free
 *   list          load as get, then sort the members O(n log n), one callback
 *                 per distinct key
 *   set, delete   load O(B), modify the cJSON tree O(n), print O(B), atomic
 *                 replace: write O(B) + 2 fsyncs + rename
 *   refresh       one load (only to report the status: nothing is kept)
 * A corrupt or unreadable file reads as empty on every access.
 */
#define _POSIX_C_SOURCE 200809L

#include "pairbench/config_service.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct config_service {
    char        *path;
    char        *dir;          /* directory of path, fsync'ed after a rename */
    config_io    io;
    unsigned     tmp_seq;      /* temp file name counter */
    int          status;       /* result of the last load (create/refresh) */
    config_stats st;
};

/* ---- shared by both implementations (kept textually identical) ---------- */

/* 1 when key is 1..CONFIG_KEY_MAX-1 bytes of 0x21..0x7e. */
static int key_valid(const char *key)
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
static int value_valid(const char *value)
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
static char *dir_of(const char *path)
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

/* Reads the whole file at path into a fresh NUL-terminated buffer.
 * OK with *out == NULL when the file does not exist; EIO when it cannot be
 * opened or read; ENOMEM. Counts one file read when the file was opened. */
static int read_file(const char *path, config_stats *st, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
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

/* Parses buf[0..len) and checks it is a valid configuration (see the
 * header): OK with *root set (the caller deletes it) or ECORRUPT. cJSON does
 * not tell an allocation failure from a syntax error, so running out of
 * memory while parsing reads as ECORRUPT. Counts one parse. */
static int parse_config(const char *buf, size_t len, config_stats *st, cJSON **root)
{
    const char *end = NULL;
    st->parses++;
    *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!*root)
        return CONFIG_ECORRUPT;
    size_t off = end ? (size_t)(end - buf) : len;
    while (off < len && (buf[off] == ' ' || buf[off] == '\t' ||
                         buf[off] == '\n' || buf[off] == '\r'))
        off++;
    int ok = off == len && cJSON_IsObject(*root);
    for (const cJSON *m = ok ? (*root)->child : NULL; m && ok; m = m->next)
        ok = key_valid(m->string) && cJSON_IsString(m) && value_valid(m->valuestring);
    if (!ok) {
        cJSON_Delete(*root);
        *root = NULL;
        return CONFIG_ECORRUPT;
    }
    return CONFIG_OK;
}

/* Loads and validates the storage file. OK with *root NULL for a missing
 * file; ECORRUPT, EIO, ENOMEM with *root NULL. */
static int load_config(const char *path, config_stats *st, cJSON **root)
{
    char *buf;
    size_t len;
    *root = NULL;
    int rc = read_file(path, st, &buf, &len);
    if (rc != CONFIG_OK || !buf)
        return rc;
    rc = parse_config(buf, len, st, root);
    free(buf);
    return rc;
}

/* Atomic replace of `path` by data[0..len): temp file in the same directory,
 * write, fsync, close, rename, fsync the directory. OK; EIO when a step up
 * to the rename failed (temp file removed, `path` untouched); EDIRSYNC when
 * only the directory fsync (or its open) failed (committed); ENOMEM. */
static int write_atomic(const char *path, const char *dir, const config_io *io,
                        unsigned *seq, config_stats *st, const char *data, size_t len)
{
    size_t tcap = strlen(path) + 48;
    char *tmp = malloc(tcap);
    if (!tmp)
        return CONFIG_ENOMEM;
    int fd = -1;
    for (int attempt = 0; attempt < 64 && fd < 0; attempt++) {
        snprintf(tmp, tcap, "%s.tmp.%ld.%u", path, (long)getpid(), (*seq)++);
        fd = io_open(io, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
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
    if (crc != 0 || io_rename(io, tmp, path) != 0)
        goto fail;
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

/* ---- the naive service --------------------------------------------------- */

static config_service *cs_create(const char *path, const config_options *opts)
{
    if (!path || !*path)
        return NULL;
    config_service *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->path = strdup(path);
    s->dir = dir_of(path);
    if (!s->path || !s->dir) {
        free(s->path);
        free(s->dir);
        free(s);
        return NULL;
    }
    if (opts && opts->io)
        s->io = *opts->io;
    cJSON *root;
    s->status = load_config(s->path, &s->st, &root);
    cJSON_Delete(root);
    return s;
}

static void cs_destroy(config_service *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->dir);
    free(s);
}

static int cs_status(config_service *s)
{
    return s->status;
}

/* Loads the file; a corrupt, unreadable or missing file gives an empty
 * object. OK or ENOMEM. */
static int load_or_empty(config_service *s, cJSON **root)
{
    int rc = load_config(s->path, &s->st, root);
    if (rc == CONFIG_ENOMEM)
        return rc;
    if (!*root) {
        *root = cJSON_CreateObject();
        if (!*root)
            return CONFIG_ENOMEM;
    }
    return CONFIG_OK;
}

/* The last member named key, or NULL. O(n). */
static const cJSON *find_last(const cJSON *root, const char *key)
{
    const cJSON *hit = NULL;
    for (const cJSON *m = root->child; m; m = m->next)
        if (strcmp(m->string, key) == 0)
            hit = m;
    return hit;
}

static int cs_get(config_service *s, const char *key, char *buf, size_t cap)
{
    if (!key_valid(key) || !buf)
        return CONFIG_EINVAL;
    cJSON *root;
    int rc = load_or_empty(s, &root);
    if (rc != CONFIG_OK)
        return rc;
    const cJSON *m = find_last(root, key);
    if (!m) {
        rc = CONFIG_ENOENT;
    } else {
        size_t len = strlen(m->valuestring);
        if (len >= cap) {
            rc = CONFIG_ERANGE;
        } else {
            memcpy(buf, m->valuestring, len + 1);
        }
    }
    cJSON_Delete(root);
    return rc;
}

typedef struct member_ref {
    const cJSON *m;
    size_t       pos;          /* position in the file: later wins */
} member_ref;

static int cmp_member(const void *a, const void *b)
{
    const member_ref *x = a, *y = b;
    int c = strcmp(x->m->string, y->m->string);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static size_t cs_list(config_service *s, config_list_fn fn, void *arg)
{
    cJSON *root;
    if (load_or_empty(s, &root) != CONFIG_OK)
        return 0;
    size_t n = 0, count = 0;
    for (const cJSON *m = root->child; m; m = m->next)
        n++;
    member_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (refs) {
        size_t i = 0;
        for (const cJSON *m = root->child; m; m = m->next, i++)
            refs[i] = (member_ref){ .m = m, .pos = i };
        qsort(refs, n, sizeof *refs, cmp_member);
        for (i = 0; i < n; i++) {
            if (i + 1 < n && strcmp(refs[i].m->string, refs[i + 1].m->string) == 0)
                continue;              /* a later duplicate follows */
            if (fn)
                fn(refs[i].m->string, refs[i].m->valuestring, arg);
            count++;
        }
        free(refs);
    }
    cJSON_Delete(root);
    return count;
}

/* Prints root and replaces the file with it. */
static int store(config_service *s, const cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    if (!text)
        return CONFIG_ENOMEM;
    int rc = write_atomic(s->path, s->dir, &s->io, &s->tmp_seq, &s->st,
                          text, strlen(text));
    cJSON_free(text);
    return rc;
}

static int cs_set(config_service *s, const char *key, const char *value)
{
    if (!key_valid(key) || !value_valid(value))
        return CONFIG_EINVAL;
    cJSON *root;
    int rc = load_or_empty(s, &root);
    if (rc != CONFIG_OK)
        return rc;
    while (cJSON_GetObjectItemCaseSensitive(root, key))
        cJSON_DeleteItemFromObjectCaseSensitive(root, key);
    if (!cJSON_AddStringToObject(root, key, value))
        rc = CONFIG_ENOMEM;
    else
        rc = store(s, root);
    cJSON_Delete(root);
    return rc;
}

static int cs_del(config_service *s, const char *key)
{
    if (!key_valid(key))
        return CONFIG_EINVAL;
    cJSON *root;
    int rc = load_or_empty(s, &root);
    if (rc != CONFIG_OK)
        return rc;
    if (!cJSON_GetObjectItemCaseSensitive(root, key)) {
        rc = CONFIG_ENOENT;
    } else {
        while (cJSON_GetObjectItemCaseSensitive(root, key))
            cJSON_DeleteItemFromObjectCaseSensitive(root, key);
        rc = store(s, root);
    }
    cJSON_Delete(root);
    return rc;
}

static int cs_refresh(config_service *s)
{
    cJSON *root;
    s->status = load_config(s->path, &s->st, &root);
    cJSON_Delete(root);
    return s->status;
}

static void cs_stats(const config_service *s, config_stats *out)
{
    *out = s->st;
}

const config_service_ops config_service_naive = {
    .name = "naive",
    .create = cs_create,
    .destroy = cs_destroy,
    .status = cs_status,
    .get = cs_get,
    .list = cs_list,
    .set = cs_set,
    .del = cs_del,
    .refresh = cs_refresh,
    .stats = cs_stats,
};
