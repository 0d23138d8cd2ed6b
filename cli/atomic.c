/*
 * Atomic writes (temporary + fsync + rename + directory fsync) and
 * `mkdir -p`; the contract is in atomic.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness/engine.h"
#include "atomic.h"
#include "str.h"

/* Length of the last component of path. */
static size_t last_component_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strlen(slash ? slash + 1 : path);
}

/* The directory holding path ("." when it has no slash); caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pb_xstrdup(".");
    if (slash == path)
        return pb_xstrdup("/");
    char *d = pb_xmalloc((size_t)(slash - path) + 1);
    memcpy(d, path, (size_t)(slash - path));
    d[slash - path] = '\0';
    return d;
}

static void release(pb_atomic *a)
{
    if (a->tmp)
        pb_cleanup_forget(a->tmp);
    free(a->path);
    free(a->tmp);
    a->path = a->tmp = NULL;
    a->f = NULL;
}

int pb_atomic_begin(pb_atomic *a, const char *path)
{
    memset(a, 0, sizeof *a);
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    char *tmp = pb_strf("%s.tmp.%ld", path, (long)getpid());
    if (strlen(tmp) >= PATH_MAX || last_component_len(tmp) > NAME_MAX) {
        free(tmp);
        errno = ENAMETOOLONG;
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        free(tmp);
        errno = EISDIR;
        return -1;
    }
    /* Temporaries of this name left by a killed pairbench. */
    char *dir = dir_of(path), *stem = pb_strf("%s.tmp", path + (strlen(path) -
                                              last_component_len(path)));
    pb_cleanup_stale(dir, stem);
    free(dir);
    free(stem);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    if (pb_cleanup_add_file(tmp) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    a->f = fdopen(fd, "w");
    if (!a->f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        pb_cleanup_forget(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    a->tmp = tmp;
    a->path = pb_xstrdup(path);
    return 0;
}

void pb_atomic_abort(pb_atomic *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    release(a);
}

/* fsync of the directory holding path: the rename is on disk. */
static int sync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int pb_atomic_commit(pb_atomic *a)
{
    int e = 0;
    if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0)
        e = errno;
    if (fclose(a->f) != 0 && !e)
        e = errno;
    a->f = NULL;
    if (!e && rename(a->tmp, a->path) != 0)
        e = errno;
    if (e) {
        unlink(a->tmp);
        release(a);
        errno = e;
        return -1;
    }
    int rc = sync_dir(a->path);
    e = errno;
    release(a);
    errno = e;
    return rc;
}

/* The old file at a->path is kept as PATH.old.PID (a hard link) until
 * every rename of pb_atomic_commit_all is done. */
static char *keep_old(const pb_atomic *a, int *had)
{
    char *old = pb_strf("%s.old.%ld", a->path, (long)getpid());
    unlink(old);
    *had = link(a->path, old) == 0;
    if (!*had && errno != ENOENT) {
        free(old);
        return NULL;
    }
    if (*had)
        pb_cleanup_add_file(old);
    return old;
}

int pb_atomic_commit_all(pb_atomic *a, size_t n)
{
    int e = 0;
    size_t done = 0, kept = 0;
    char **old = pb_xmalloc((n ? n : 1) * sizeof *old);
    int *had = pb_xmalloc((n ? n : 1) * sizeof *had);
    memset(old, 0, (n ? n : 1) * sizeof *old);
    memset(had, 0, (n ? n : 1) * sizeof *had);
    for (size_t i = 0; i < n && !e; i++) {
        if (fflush(a[i].f) != 0 || fsync(fileno(a[i].f)) != 0)
            e = errno;
        if (fclose(a[i].f) != 0 && !e)
            e = errno;
        a[i].f = NULL;
    }
    for (; kept < n && !e; kept++)
        if (!(old[kept] = keep_old(&a[kept], &had[kept])))
            e = errno;
    for (; done < n && !e; done++)
        if (rename(a[done].tmp, a[done].path) != 0)
            e = errno;
    if (e) {
        /* Put back what was renamed: the old file, or no file. */
        for (size_t i = 0; i < done; i++) {
            if (had[i])
                rename(old[i], a[i].path);
            else
                unlink(a[i].path);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i].f)
            fclose(a[i].f);
        if (i >= done || e)
            unlink(a[i].tmp);
        if (i < kept && old[i]) {
            unlink(old[i]);
            pb_cleanup_forget(old[i]);
        }
        free(old[i]);
    }
    int rc = 0;
    if (!e && n && sync_dir(a[0].path) != 0)
        e = errno, rc = -1;
    for (size_t i = 0; i < n; i++)
        release(&a[i]);
    free(old);
    free(had);
    if (e) {
        errno = e;
        return -1;
    }
    return rc;
}

int pb_atomic_write(const char *path, const void *buf, size_t len)
{
    pb_atomic a;
    if (pb_atomic_begin(&a, path) != 0)
        return -1;
    if (len && fwrite(buf, 1, len, a.f) != len) {
        int e = errno;
        pb_atomic_abort(&a);
        errno = e;
        return -1;
    }
    return pb_atomic_commit(&a);
}

int pb_mkdirs(const char *path)
{
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    char *buf = pb_xstrdup(path);
    for (char *p = buf + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char ch = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        *p = ch;
        if (!ch)
            break;
    }
    free(buf);
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
