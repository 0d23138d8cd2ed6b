/*
 * config_service_optimized: the configuration service of seed 001 with the
 * fixes its catalog row asks for.
 *
 * Layout: the configuration lives in memory as an array of entries sorted by
 * key (strcmp); each entry is one heap block "key\0value\0". The file is
 * loaded on first access (lazy initialisation), and again only by refresh().
 * Writes are write-through with storage first: the new configuration is
 * printed from the array (with the change applied on the fly) and written by
 * atomic replace; the array is changed only after the rename succeeded, so a
 * failed write leaves memory and file as they were. Every allocation a write
 * needs (the new entry block, room in the array) is made before the I/O.
 * Costs (n entries, B = file size in bytes):
 *   create        O(1), no I/O
 *   first access  one directory pass (stale temporaries, O(directory)),
 *                 open + read O(B) + cJSON parse O(B) + sort O(n log n)
 *   get           O(log n) binary search + copy of the value
 *   list          O(n), already in order
 *   set, delete   O(log n) search, print O(B) through cJSON (values and keys
 *                 by reference, not copied), write O(B) + 2 fsyncs + rename,
 *                 then O(n) memmove for an insert/removal in the array
 *   refresh       a full load as above; the old array is kept on failure
 * Memory: the array (2 pointers per entry, grown by doubling) plus one block
 * of key+value+2 bytes per entry. Loading, validation and the atomic write
 * are impl_shared/config_service_storage.c, shared with the naive service.
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

typedef struct entry {
    char *key;                 /* owns the block "key\0value\0" */
    char *value;               /* points into the same block */
} entry;

struct config_service {
    char        *path;
    char        *dir;          /* directory of path, fsync'ed after a rename */
    config_io    io;
    unsigned     tmp_seq;      /* temp file name counter */
    int          loaded;       /* e holds a loaded configuration */
    int          attempted;    /* a load has been made (status no longer forces one) */
    int          status;       /* result of the last load, OK after a committed write */
    entry       *e;            /* n entries sorted by key, cap allocated */
    size_t       n, cap;
    config_stats st;
};

/* ---- the optimized service ------------------------------------------------ */

/* A new block "key\0value\0" as an entry; key NULL on ENOMEM. */
static entry entry_new(const char *key, const char *value)
{
    size_t kl = strlen(key), vl = strlen(value);
    entry e = { .key = malloc(kl + vl + 2), .value = NULL };
    if (e.key) {
        memcpy(e.key, key, kl + 1);
        e.value = e.key + kl + 1;
        memcpy(e.value, value, vl + 1);
    }
    return e;
}

static void entries_free(entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].key);
    free(e);
}

/* Binary search: 1 and *pos = its index when key is present, else 0 and
 * *pos = the index it would be inserted at. */
static int find(const config_service *s, const char *key, size_t *pos)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->e[mid].key, key);
        if (c == 0) {
            *pos = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
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

/* Loads the file into a new sorted, de-duplicated (last wins) array.
 * OK (missing file: empty array, *out may be NULL), ECORRUPT, EIO, ENOMEM;
 * on error nothing is allocated. */
static int load_entries(config_service *s, entry **out, size_t *n_out, size_t *cap_out)
{
    cJSON *root;
    *out = NULL;
    *n_out = *cap_out = 0;
    int rc = config_load(s->path, &s->io, &s->st, &root);
    if (rc != CONFIG_OK || !root)
        return rc;
    size_t n = 0;
    for (const cJSON *m = root->child; m; m = m->next)
        n++;
    member_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    entry *e = malloc((n ? n : 1) * sizeof *e);
    size_t k = 0;
    rc = CONFIG_ENOMEM;
    if (refs && e) {
        size_t i = 0;
        for (const cJSON *m = root->child; m; m = m->next, i++)
            refs[i] = (member_ref){ .m = m, .pos = i };
        qsort(refs, n, sizeof *refs, cmp_member);
        for (i = 0; i < n; i++) {
            if (i + 1 < n && strcmp(refs[i].m->string, refs[i + 1].m->string) == 0)
                continue;              /* a later duplicate follows */
            e[k] = entry_new(refs[i].m->string, refs[i].m->valuestring);
            if (!e[k].key)
                break;
            k++;
        }
        if (i == n)
            rc = CONFIG_OK;
    }
    free(refs);
    cJSON_Delete(root);
    if (rc != CONFIG_OK) {
        if (e)
            entries_free(e, k);
        return rc;
    }
    *out = e;
    *n_out = k;
    *cap_out = n ? n : 1;
    return CONFIG_OK;
}

/* Replaces the in-memory configuration by the file's. Records and returns
 * the load status. ECORRUPT: the previous configuration is kept (empty when
 * there was none) and counts as loaded. EIO, ENOMEM: the load failed, which
 * is not an empty configuration: the memory is dropped and the service is
 * unloaded, so the next access loads again and no write can replace the
 * file with a configuration that was never read. */
static int reload(config_service *s)
{
    entry *e;
    size_t n, cap;
    if (!s->attempted)
        config_remove_stale_temps(s->path, s->dir);
    s->attempted = 1;
    s->status = load_entries(s, &e, &n, &cap);
    if (s->status == CONFIG_OK) {
        entries_free(s->e, s->n);
        s->e = e;
        s->n = n;
        s->cap = cap;
        s->loaded = 1;
    } else if (s->status == CONFIG_ECORRUPT) {
        s->loaded = 1;
    } else {
        entries_free(s->e, s->n);
        s->e = NULL;
        s->n = s->cap = 0;
        s->loaded = 0;
    }
    return s->status;
}

/* Lazy initialisation: an access loads the file while none is loaded (the
 * first access, and every access after a failed load). CONFIG_OK when a
 * configuration is loaded, else the failed load's EIO or ENOMEM. */
static int ensure_loaded(config_service *s)
{
    if (!s->loaded && (reload(s), !s->loaded))
        return s->status;
    return CONFIG_OK;
}

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
    return s;
}

static void cs_destroy(config_service *s)
{
    if (!s)
        return;
    entries_free(s->e, s->n);
    free(s->path);
    free(s->dir);
    free(s);
}

static int cs_status(config_service *s)
{
    if (!s->attempted)
        reload(s);
    return s->status;
}

static int cs_get(config_service *s, const char *key, char *buf, size_t cap)
{
    if (!config_key_valid(key) || !buf)
        return CONFIG_EINVAL;
    int lrc = ensure_loaded(s);
    if (lrc != CONFIG_OK)
        return lrc;
    size_t pos;
    if (!find(s, key, &pos))
        return CONFIG_ENOENT;
    size_t len = strlen(s->e[pos].value);
    if (len >= cap)
        return CONFIG_ERANGE;
    memcpy(buf, s->e[pos].value, len + 1);
    return CONFIG_OK;
}

static size_t cs_list(config_service *s, config_list_fn fn, void *arg)
{
    if (ensure_loaded(s) != CONFIG_OK)
        return 0;
    if (fn)
        for (size_t i = 0; i < s->n; i++)
            fn(s->e[i].key, s->e[i].value, arg);
    return s->n;
}

/* Writes the configuration as it will be after the change: entry `skip` left
 * out (SIZE_MAX = none), `repl` (when non-NULL) placed at index `at` (it
 * replaces entry `at` when `replace`, else goes before it). Keys and values
 * are referenced, not copied. Returns write_atomic's result or ENOMEM. */
static int store(config_service *s, size_t skip, const entry *repl, size_t at, int replace)
{
    cJSON *root = cJSON_CreateObject();
    int ok = root != NULL;
    for (size_t i = 0; ok && i <= s->n; i++) {
        if (repl && i == at) {
            cJSON *v = cJSON_CreateStringReference(repl->value);
            ok = v != NULL;
            if (ok)
                cJSON_AddItemToObjectCS(root, repl->key, v);
            if (replace)
                continue;
        }
        if (i == s->n || i == skip)
            continue;
        cJSON *v = cJSON_CreateStringReference(s->e[i].value);
        ok = v != NULL;
        if (ok)
            cJSON_AddItemToObjectCS(root, s->e[i].key, v);
    }
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return CONFIG_ENOMEM;
    int rc = config_write_atomic(s->path, s->dir, &s->io, &s->tmp_seq, &s->st,
                          text, strlen(text), s->status == CONFIG_ECORRUPT);
    cJSON_free(text);
    if (rc == CONFIG_OK || rc == CONFIG_EDIRSYNC)
        s->status = CONFIG_OK;         /* the file now holds a valid config */
    return rc;
}

static int committed(int rc)
{
    return rc == CONFIG_OK || rc == CONFIG_EDIRSYNC;
}

static int cs_set(config_service *s, const char *key, const char *value)
{
    if (!config_key_valid(key) || !config_value_valid(value))
        return CONFIG_EINVAL;
    int lrc = ensure_loaded(s);
    if (lrc != CONFIG_OK)
        return lrc;
    size_t pos;
    int found = find(s, key, &pos);
    if (!found && s->n == s->cap) {            /* room first: no I/O yet */
        size_t ncap = s->cap ? s->cap * 2 : 16;
        entry *ne = realloc(s->e, ncap * sizeof *ne);
        if (!ne)
            return CONFIG_ENOMEM;
        s->e = ne;
        s->cap = ncap;
    }
    entry fresh = entry_new(key, value);
    if (!fresh.key)
        return CONFIG_ENOMEM;
    int rc = store(s, SIZE_MAX, &fresh, pos, found);
    if (!committed(rc)) {
        free(fresh.key);
        return rc;
    }
    if (found) {
        free(s->e[pos].key);
    } else {
        memmove(&s->e[pos + 1], &s->e[pos], (s->n - pos) * sizeof *s->e);
        s->n++;
    }
    s->e[pos] = fresh;
    return rc;
}

static int cs_del(config_service *s, const char *key)
{
    if (!config_key_valid(key))
        return CONFIG_EINVAL;
    int lrc = ensure_loaded(s);
    if (lrc != CONFIG_OK)
        return lrc;
    size_t pos;
    if (!find(s, key, &pos))
        return CONFIG_ENOENT;
    int rc = store(s, pos, NULL, 0, 0);
    if (!committed(rc))
        return rc;
    free(s->e[pos].key);
    memmove(&s->e[pos], &s->e[pos + 1], (s->n - pos - 1) * sizeof *s->e);
    s->n--;
    return rc;
}

static int cs_refresh(config_service *s)
{
    return reload(s);
}

static void cs_stats(const config_service *s, config_stats *out)
{
    *out = s->st;
}

const config_service_ops config_service_optimized = {
    .name = "optimized",
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
