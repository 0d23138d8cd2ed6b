/*
 * chart_discovery, naive: the seed's "before". Per type, sequentially:
 * listDir (readdir, names copied into an array), then per name not
 * skipped by its suffix, path.join(type, name, "Chart.yaml") as a new
 * string and fileService.exists (stat). O(entries) stats and allocations.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../impl_shared/chart_discovery_common.h"

typedef struct list {
    char  **s;
    size_t  n, cap;
} list;

static int push(list *l, char *s)
{
    if (!s)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **ns = realloc(l->s, cap * sizeof *ns);
        if (!ns) {
            free(s);
            return -1;
        }
        l->s = ns;
        l->cap = cap;
    }
    l->s[l->n++] = s;
    return 0;
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    l->s = NULL;
    l->n = l->cap = 0;
}

/* a + "/" + b, a new string */
static char *join(const char *a, const char *b)
{
    size_t x = strlen(a), y = strlen(b);
    char *s = malloc(x + y + 2);
    if (s) {
        memcpy(s, a, x);
        s[x] = '/';
        memcpy(s + x + 1, b, y + 1);
    }
    return s;
}

static void failed(cd_charts *out, const char *path, int e)
{
    /* a long path is cut, so that the error always fits */
    snprintf(out->error, sizeof out->error, "%.200s%s: %s", path,
             strlen(path) > 200 ? "..." : "", strerror(e));
}

/* fileService.listDir: the names in dir. 0; 1 when dir does not exist; -1
 * (out->error) on failure, or -2 when out of memory. */
static int list_dir(const char *dir, list *names, cd_charts *out)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 1;
        failed(out, dir, errno);
        return -1;
    }
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (push(names, strdup(e->d_name)) != 0) {
            closedir(d);
            return -2;
        }
        errno = 0;
    }
    int err = errno;
    closedir(d);
    if (err) {
        failed(out, dir, err);
        return -1;
    }
    return 0;
}

static int discover_type(const char *root, const char *type, list *found, cd_charts *out)
{
    char *dir = join(root, type);
    if (!dir)
        return CD_ENOMEM;
    list names = { 0 };
    int rc = list_dir(dir, &names, out);
    if (rc < 0) {
        free(dir);
        list_free(&names);
        return rc == -2 ? CD_ENOMEM : CD_EIO;
    }
    size_t first = found->n;
    for (size_t i = 0; i < names.n && rc >= 0; i++) {
        const char *name = names.s[i];
        if (!cd_candidate(name))
            continue;
        char *chart = join(dir, name);
        char *yaml = chart ? join(chart, "Chart.yaml") : NULL;
        free(chart);
        if (!yaml) {
            rc = -2;
            break;
        }
        struct stat st;
        if (stat(yaml, &st) == 0) {
            if (push(found, join(type, name)) != 0)
                rc = -2;
        } else if (errno != ENOENT && errno != ENOTDIR) {
            failed(out, yaml, errno);
            rc = -1;
        }
        free(yaml);
    }
    free(dir);
    list_free(&names);
    if (rc < 0)
        return rc == -2 ? CD_ENOMEM : CD_EIO;
    cd_sort_type((const char **)found->s + first, found->n - first);
    return CD_OK;
}

static void free_naive(cd_charts *c)
{
    if (!c || !c->mem)
        return;
    list *l = c->mem;
    list_free(l);
    free(l);
    c->mem = NULL;
    c->paths = NULL;
    c->n = 0;
}

static int discover_naive(const char *root, const char *const *types, size_t n_types,
                          cd_charts *out)
{
    int rc = cd_check_args(root, types, n_types, out);
    if (rc != CD_OK)
        return rc;
    memset(out, 0, sizeof *out);
    list *found = calloc(1, sizeof *found);
    if (!found)
        return CD_ENOMEM;
    for (size_t t = 0; t < n_types && rc == CD_OK; t++)
        rc = discover_type(root, types[t], found, out);
    if (rc != CD_OK) {
        char error[sizeof out->error];
        memcpy(error, out->error, sizeof error);
        list_free(found);
        free(found);
        memset(out, 0, sizeof *out);
        memcpy(out->error, error, sizeof error);
        return rc;
    }
    out->mem = found;
    out->n = found->n;
    out->paths = (const char **)found->s;
    return CD_OK;
}

const chart_discovery_ops chart_discovery_naive = {
    .name = "naive",
    .discover = discover_naive,
    .free_charts = free_naive,
};
