/*
 * config_service_naive: the configuration service of seed 001 as its
 * "before" code: no cache. Every access goes to the storage file.
 *
 * Costs (n entries in the file, B = file size in bytes):
 *   create        one directory pass (stale temporaries, O(directory)),
 *                 one load: open + read O(B) + cJSON parse O(B) (status)
 *   get           open + read + parse O(B), validate O(n), linear lookup O(n)
 *                 (last occurrence wins), free
 *   list          load as get, then sort the members O(n log n), one callback
 *                 per distinct key
 *   set, delete   load O(B), modify the cJSON tree O(n), print O(B), atomic
 *                 replace: write O(B) + 2 fsyncs + rename
 *   refresh       one load (only to report the status: nothing is kept)
 * A corrupt file reads as empty on every access; a file that exists but
 * cannot be read (EIO) or a load that runs out of memory fails the access
 * with that code and nothing is written (the next access loads again). Loading,
 * validation and the atomic write are impl_shared/config_service_storage.c, shared
 * with the optimized service.
 */
#define _POSIX_C_SOURCE 200809L

#include "pairbench/config_service.h"
#include "../impl_shared/config_service_storage.h"

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
    int          status;       /* result of the last load, OK after a committed write */
    config_stats st;
};

/* ---- the naive service --------------------------------------------------- */

static config_service *cs_create(const char *path, const config_options *opts)
{
    if (!path || !*path)
        return NULL;
    config_service *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (config_location_new(path, opts, &s->path, &s->dir, &s->io) != 0) {
        free(s);
        return NULL;
    }
    config_remove_stale_temps(s->path, s->dir);
    cJSON *root;
    s->status = config_load(s->path, &s->io, &s->st, &root);
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

/* Loads the file and records the load's status; a corrupt or missing file
 * gives an empty object. OK, or EIO / ENOMEM (*root NULL): the load failed,
 * which is never an empty configuration. */
static int load_or_empty(config_service *s, cJSON **root)
{
    int rc = config_load(s->path, &s->io, &s->st, root);
    s->status = rc;
    if (rc == CONFIG_EIO || rc == CONFIG_ENOMEM)
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
    if (!config_key_valid(key) || !buf)
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
    int rc = config_write_atomic(s->path, s->dir, &s->io, &s->tmp_seq, &s->st,
                          text, strlen(text), s->status == CONFIG_ECORRUPT);
    cJSON_free(text);
    if (rc == CONFIG_OK || rc == CONFIG_EDIRSYNC)
        s->status = CONFIG_OK;         /* the file now holds a valid config */
    return rc;
}

static int cs_set(config_service *s, const char *key, const char *value)
{
    if (!config_key_valid(key) || !config_value_valid(value))
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
    if (!config_key_valid(key))
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
    s->status = config_load(s->path, &s->io, &s->st, &root);
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
