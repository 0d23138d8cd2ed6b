/*
 * chart_discovery, optimized: each type folder opened once and read with
 * its entries' types; a candidate that is a directory, a symbolic link or
 * of unknown type costs one faccessat relative to the folder's fd, any
 * other entry nothing; names go to one arena per type. Types run on one
 * thread each when the first folder is large (see the header). O(entries)
 * getdents bytes, O(candidate directories) faccessat calls, O(types)
 * allocations that grow geometrically.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../impl_shared/chart_discovery_common.h"

#define PARALLEL_DIR_BYTES (64 * 1024)

/* The charts of one type: "TYPE/NAME\0" strings back to back. */
typedef struct part {
    const char *root, *type;
    int         rc;
    char        error[320];
    char       *arena;
    size_t      len, cap, n;
} part;

typedef struct result_mem {
    size_t       n_parts;
    part        *parts;
    const char **paths;
} result_mem;

static int arena_add(part *p, const char *name)
{
    size_t t = strlen(p->type), k = strlen(name), need = t + k + 2;
    if (p->len + need > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap < p->len + need)
            cap *= 2;
        char *a = realloc(p->arena, cap);
        if (!a)
            return -1;
        p->arena = a;
        p->cap = cap;
    }
    char *at = p->arena + p->len;
    memcpy(at, p->type, t);
    at[t] = '/';
    memcpy(at + t + 1, name, k + 1);
    p->len += need;
    p->n++;
    return 0;
}

static void fail(part *p, const char *what, int e)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s%s%s", p->root, p->type, what[0] ? "/" : "", what);
    /* a long path is cut, so that the error always fits */
    snprintf(p->error, sizeof p->error, "%.200s%s: %s", path, strlen(path) > 200 ? "..." : "",
             strerror(e));
    p->rc = CD_EIO;
}

/* Opens ROOT/TYPE: the fd, -1 when it does not exist (no chart), -2 on
 * failure (p->rc set). */
static int open_type(part *p)
{
    char dir[PATH_MAX];
    int k = snprintf(dir, sizeof dir, "%s/%s", p->root, p->type);
    if (k < 0 || (size_t)k >= sizeof dir) {
        fail(p, "", ENAMETOOLONG);
        return -2;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return -1;
        fail(p, "", errno);
        return -2;
    }
    return fd;
}

/* Reads the folder open on fd (taken over) into p. */
static void scan(part *p, int fd)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        fail(p, "", errno);
        close(fd);
        return;
    }
    struct dirent *e;
    char rel[NAME_MAX + sizeof "/Chart.yaml" + 1];
    errno = 0;
    while (p->rc == CD_OK && (e = readdir(d)) != NULL) {
        unsigned char t = e->d_type;
        if ((t != DT_DIR && t != DT_LNK && t != DT_UNKNOWN) || !cd_candidate(e->d_name)) {
            errno = 0;
            continue;                 /* a file: no system call */
        }
        snprintf(rel, sizeof rel, "%s/Chart.yaml", e->d_name);
        if (faccessat(dirfd(d), rel, F_OK, 0) == 0) {
            if (arena_add(p, e->d_name) != 0)
                p->rc = CD_ENOMEM;
        } else if (errno != ENOENT && errno != ENOTDIR) {
            fail(p, rel, errno);
        }
        errno = 0;
    }
    if (p->rc == CD_OK && errno)
        fail(p, "", errno);
    closedir(d);
}

static void *scan_thread(void *arg)
{
    part *p = arg;
    int fd = open_type(p);
    if (fd >= 0)
        scan(p, fd);
    return NULL;
}

static void free_mem(result_mem *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_parts; i++)
        free(m->parts[i].arena);
    free(m->parts);
    free(m->paths);
    free(m);
}

static void free_optimized(cd_charts *c)
{
    if (!c || !c->mem)
        return;
    free_mem(c->mem);
    c->mem = NULL;
    c->paths = NULL;
    c->n = 0;
}

/* Large enough to be worth a thread per further type: by its size. */
static int large(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_size >= PARALLEL_DIR_BYTES;
}

static int discover_optimized(const char *root, const char *const *types, size_t n_types,
                              cd_charts *out)
{
    int rc = cd_check_args(root, types, n_types, out);
    if (rc != CD_OK)
        return rc;
    memset(out, 0, sizeof *out);
    result_mem *m = calloc(1, sizeof *m);
    part *parts = m ? calloc(n_types, sizeof *parts) : NULL;
    if (!parts) {
        free(m);
        return CD_ENOMEM;
    }
    m->parts = parts;
    m->n_parts = n_types;
    for (size_t t = 0; t < n_types; t++) {
        parts[t].root = root;
        parts[t].type = types[t];
    }
    int fd0 = open_type(&parts[0]);
    pthread_t tid[CD_TYPES_MAX];
    int started[CD_TYPES_MAX] = { 0 };
    if (fd0 >= 0 && n_types > 1 && large(fd0))
        for (size_t t = 1; t < n_types; t++)
            started[t] = pthread_create(&tid[t], NULL, scan_thread, &parts[t]) == 0;
    if (fd0 >= 0)
        scan(&parts[0], fd0);
    for (size_t t = 1; t < n_types; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else if (parts[0].rc == CD_OK)
            scan_thread(&parts[t]);   /* sequential, or no thread to be had */
    }
    size_t total = 0;
    for (size_t t = 0; t < n_types; t++) {
        if (parts[t].rc != CD_OK) {
            rc = parts[t].rc;
            memcpy(out->error, parts[t].error, sizeof out->error);
            break;
        }
        total += parts[t].n;
    }
    if (rc == CD_OK && total && !(m->paths = malloc(total * sizeof *m->paths)))
        rc = CD_ENOMEM;
    if (rc != CD_OK) {
        char error[sizeof out->error];
        memcpy(error, out->error, sizeof error);
        free_mem(m);
        memset(out, 0, sizeof *out);
        memcpy(out->error, error, sizeof error);
        return rc;
    }
    size_t k = 0;
    for (size_t t = 0; t < n_types; t++) {
        size_t first = k;
        for (size_t off = 0; off < parts[t].len; off += strlen(parts[t].arena + off) + 1)
            m->paths[k++] = parts[t].arena + off;
        cd_sort_type(m->paths + first, k - first);
    }
    out->mem = m;
    out->paths = m->paths;
    out->n = total;
    return CD_OK;
}

const chart_discovery_ops chart_discovery_optimized = {
    .name = "optimized",
    .discover = discover_optimized,
    .free_charts = free_optimized,
};
