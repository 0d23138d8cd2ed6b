/*
 * Unit tests of config_service, run once against every implementation: the
 * same test list is run as one cmocka group per ops table. Every test works
 * in its own mkdtemp directory under /tmp (removed at its end) on real files;
 * storage faults are injected through config_io hooks.
 */
#define _POSIX_C_SOURCE 200809L


#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pairbench/config_service.h"
#include "pb_test.h"

/* ---- allocation failure injection ------------------------------------------
 * Where glibc is the allocator and no sanitizer owns malloc, this file
 * defines the malloc family (as test_priority_queue.c does), forwarding to
 * glibc's __libc_* entry points. While armed, the allocation numbered
 * `fail_at` (0-based, counted from arming) fails with errno ENOMEM, once. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define CS_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CS_TEST_SANITIZED 1
#endif
#if defined(__GLIBC__) && !defined(CS_TEST_SANITIZED)
#define CS_FAIL_INJECTION 1
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void  __libc_free(void *p);

static long fail_at = -1;                  /* -1: disarmed */

static int alloc_fails(void)
{
    if (fail_at < 0)
        return 0;
    if (fail_at-- == 0) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t size) { return alloc_fails() ? NULL : __libc_malloc(size); }
void *calloc(size_t n, size_t size) { return alloc_fails() ? NULL : __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { return alloc_fails() ? NULL : __libc_realloc(p, size); }
void free(void *p) { __libc_free(p); }
#else
#define CS_FAIL_INJECTION 0
static long fail_at = -1;
#endif

/* ---- helpers -------------------------------------------------------------- */

static const config_service_ops *ops_of(void **state)
{
    return (const config_service_ops *)*state;
}

static int is_optimized(const config_service_ops *o)
{
    return o == &config_service_optimized;
}

typedef struct tdir {
    char dir[64];
    char path[128];            /* dir + "/config.json" */
} tdir;

static void tdir_begin(tdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/cfgsvc_test.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/config.json", t->dir);
}

/* Number of directory entries other than . and .. */
static int tdir_entries(const tdir *t)
{
    DIR *d = opendir(t->dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void tdir_end(tdir *t)
{
    DIR *d = opendir(t->dir);
    assert_non_null(d);
    char p[512];
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", t->dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    assert_int_equal(rmdir(t->dir), 0);
}

static void write_raw(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    assert_int_equal(fclose(f), 0);
}

/* The file's content (caller frees), or NULL when it does not exist. */
static char *read_raw(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The file parses as one JSON object whose members are exactly the given
 * key/value pairs (in any order). NULL-terminated varargs: k1, v1, k2, v2... */
static void assert_file_holds(const char *path, ...)
{
    char *text = read_raw(path);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    assert_true(cJSON_IsObject(root));
    va_list ap;
    va_start(ap, path);
    int n = 0;
    for (const char *k; (k = va_arg(ap, const char *));) {
        const char *v = va_arg(ap, const char *);
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, k);
        assert_non_null(m);
        assert_true(cJSON_IsString(m));
        assert_string_equal(m->valuestring, v);
        n++;
    }
    va_end(ap);
    assert_int_equal(cJSON_GetArraySize(root), n);
    cJSON_Delete(root);
    free(text);
}

static void assert_get(const config_service_ops *o, config_service *s,
                       const char *key, const char *want)
{
    char buf[CONFIG_VALUE_MAX];
    int rc = config_service_get(o, s, key, buf, sizeof buf);
    if (!want) {
        assert_int_equal(rc, CONFIG_ENOENT);
    } else {
        assert_int_equal(rc, CONFIG_OK);
        assert_string_equal(buf, want);
    }
}

typedef struct collected {
    char keys[64][CONFIG_KEY_MAX];
    char values[64][64];
    size_t n;
} collected;

static void collect(const char *key, const char *value, void *arg)
{
    collected *c = arg;
    if (c->n < 64) {
        snprintf(c->keys[c->n], sizeof c->keys[0], "%s", key);
        snprintf(c->values[c->n], sizeof c->values[0], "%s", value);
    }
    c->n++;
}

/* ---- fault injection -------------------------------------------------------- */

enum { IO_OPEN, IO_WRITE, IO_FSYNC, IO_RENAME, IO_LINK, IO_KINDS };

typedef struct faults {
    int calls[IO_KINDS];       /* calls made so far, per kind */
    int fail_kind;             /* kind to fail, -1 = none */
    int fail_nth;              /* 1-based call number of that kind to fail */
    int err;                   /* errno to fail with */
    size_t max_write;          /* > 0: writes at most this many bytes per call */
} faults;

static int hit(faults *f, int kind)
{
    f->calls[kind]++;
    if (f->fail_kind == kind && f->calls[kind] == f->fail_nth) {
        errno = f->err;
        return 1;
    }
    return 0;
}

static int h_open(void *arg, const char *path, int flags, mode_t mode)
{
    return hit(arg, IO_OPEN) ? -1 : open(path, flags, mode);
}
static ssize_t h_write(void *arg, int fd, const void *buf, size_t n)
{
    faults *f = arg;
    if (hit(f, IO_WRITE))
        return -1;
    return write(fd, buf, f->max_write && n > f->max_write ? f->max_write : n);
}
static int h_fsync(void *arg, int fd)
{
    return hit(arg, IO_FSYNC) ? -1 : fsync(fd);
}
static int h_rename(void *arg, const char *from, const char *to)
{
    return hit(arg, IO_RENAME) ? -1 : rename(from, to);
}
static int h_link(void *arg, const char *from, const char *to)
{
    return hit(arg, IO_LINK) ? -1 : link(from, to);
}
/* The load's open of the storage file: fails while load_fail > 0 (one per
 * call) with load_err. */
static int load_fail;
static int load_err;
static int load_calls;
static int h_load_open(void *arg, const char *path, int flags)
{
    (void)arg;
    load_calls++;
    if (load_fail > 0) {
        load_fail--;
        errno = load_err;
        return -1;
    }
    return open(path, flags);
}

static config_service *create_with_faults(const config_service_ops *o,
                                          const char *path, faults *f,
                                          config_io *io)
{
    memset(f, 0, sizeof *f);
    f->fail_kind = -1;
    *io = (config_io){ .open = h_open, .write = h_write, .fsync = h_fsync,
                       .rename = h_rename, .arg = f, .load_open = h_load_open,
                       .link = h_link };
    load_fail = 0;
    config_options opts = { .io = io };
    return config_service_create(o, path, &opts);
}

static void arm(faults *f, int kind, int nth, int err)
{
    memset(f->calls, 0, sizeof f->calls);
    f->fail_kind = kind;
    f->fail_nth = nth;
    f->err = err;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_name(void **state)
{
    const config_service_ops *o = ops_of(state);
    assert_true(!strcmp(o->name, "naive") || !strcmp(o->name, "optimized"));
    assert_null(config_service_create(o, NULL, NULL));
    assert_null(config_service_create(o, "", NULL));
    config_service_destroy(o, NULL);
}

static void test_missing_file_is_empty(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    assert_non_null(s);
    assert_int_equal(config_service_status(o, s), CONFIG_OK);
    assert_int_equal(config_service_list(o, s, NULL, NULL), 0);
    assert_get(o, s, "a", NULL);
    assert_int_equal(config_service_delete(o, s, "a"), CONFIG_ENOENT);
    assert_int_equal(config_service_refresh(o, s), CONFIG_OK);
    assert_int_equal(tdir_entries(&t), 0);        /* reads create nothing */
    config_service_destroy(o, s);
    tdir_end(&t);
}

static void test_round_trip_and_persistence(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_set(o, s, "model", "gpt-x"), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "temperature", "0.7"), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "empty", ""), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "model", "claude \"q\" \\ /"), CONFIG_OK);
    assert_get(o, s, "model", "claude \"q\" \\ /");
    assert_get(o, s, "temperature", "0.7");
    assert_get(o, s, "empty", "");
    assert_int_equal(config_service_list(o, s, NULL, NULL), 3);
    assert_file_holds(t.path, "model", "claude \"q\" \\ /", "temperature", "0.7",
                      "empty", "", NULL);
    config_service_destroy(o, s);
    /* a new service on the same file sees everything */
    s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_status(o, s), CONFIG_OK);
    assert_get(o, s, "model", "claude \"q\" \\ /");
    assert_get(o, s, "empty", "");
    assert_int_equal(config_service_list(o, s, NULL, NULL), 3);
    assert_int_equal(tdir_entries(&t), 1);        /* no temp files */
    config_service_destroy(o, s);
    tdir_end(&t);
}

static void test_corrupt_file_at_startup(void **state)
{
    const config_service_ops *o = ops_of(state);
    static const char *const bad[] = {
        "not json",
        "{\"a\":\"b\",\"c\":\"d",                 /* truncated */
        "{\"a\":\"b\",",                          /* truncated */
        "",                                       /* empty file */
        "[\"a\",\"b\"]",                          /* not an object */
        "{\"a\":1}",                              /* non-string value */
        "{\"a\":{\"b\":\"c\"}}",
        "{\"a\":\"b\"} trailing",
        "{\"a\":\"b\"}{}",
        "{\"\":\"b\"}",                           /* empty key */
        "{\"a b\":\"c\"}",                        /* space in key */
        "{\"a\":\"line\\nbreak\"}",               /* control character */
        "{\"k\\u00e9\":\"v\"}",                   /* non-ASCII key */
        "{\"0123456789012345678901234567890123456789012345678901234567890123\":\"v\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tdir t;
        tdir_begin(&t);
        write_raw(t.path, bad[i]);
        config_service *s = config_service_create(o, t.path, NULL);
        assert_non_null(s);
        assert_int_equal(config_service_status(o, s), CONFIG_ECORRUPT);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 0);
        assert_get(o, s, "a", NULL);
        assert_int_equal(config_service_delete(o, s, "a"), CONFIG_ENOENT);
        char *after = read_raw(t.path);          /* untouched so far */
        assert_non_null(after);
        assert_string_equal(after, bad[i]);
        free(after);
        /* the next successful write replaces it with a valid file, and
         * keeps the corrupt one as config.json.corrupt */
        assert_int_equal(config_service_set(o, s, "x", "1"), CONFIG_OK);
        assert_file_holds(t.path, "x", "1", NULL);
        char aside[160];
        snprintf(aside, sizeof aside, "%s.corrupt", t.path);
        after = read_raw(aside);
        assert_non_null(after);
        assert_string_equal(after, bad[i]);
        free(after);
        assert_int_equal(tdir_entries(&t), 2);
        assert_get(o, s, "x", "1");
        assert_get(o, s, "a", NULL);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 1);
        assert_int_equal(config_service_refresh(o, s), CONFIG_OK);
        assert_int_equal(config_service_status(o, s), CONFIG_OK);
        config_service_destroy(o, s);
        tdir_end(&t);
    }
}

static void test_unreadable_storage(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    assert_int_equal(mkdir(t.path, 0700), 0);     /* a directory, not a file */
    config_service *s = config_service_create(o, t.path, NULL);
    assert_non_null(s);
    assert_int_equal(config_service_status(o, s), CONFIG_EIO);
    /* an unreadable file is not an empty configuration: every access
     * fails with EIO (list: nothing, 0) and nothing is written */
    char buf[8];
    assert_int_equal(config_service_list(o, s, NULL, NULL), 0);
    assert_int_equal(config_service_get(o, s, "a", buf, sizeof buf), CONFIG_EIO);
    assert_int_equal(config_service_set(o, s, "a", "b"), CONFIG_EIO);
    assert_int_equal(config_service_delete(o, s, "a"), CONFIG_EIO);
    assert_int_equal(config_service_refresh(o, s), CONFIG_EIO);
    assert_int_equal(config_service_status(o, s), CONFIG_EIO);
    assert_int_equal(tdir_entries(&t), 1);        /* no temp file */
    config_service_destroy(o, s);
    assert_int_equal(rmdir(t.path), 0);
    tdir_end(&t);
}

static void test_duplicate_keys_last_wins(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    write_raw(t.path, " {\"b\":\"1\",\"a\":\"x\",\"b\":\"2\",\"c\":\"3\",\"b\":\"last\"}\n");
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_status(o, s), CONFIG_OK);
    assert_get(o, s, "b", "last");
    collected c = { .n = 0 };
    assert_int_equal(config_service_list(o, s, collect, &c), 3);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.keys[0], "a");
    assert_string_equal(c.keys[1], "b");
    assert_string_equal(c.values[1], "last");
    assert_string_equal(c.keys[2], "c");
    assert_int_equal(config_service_delete(o, s, "b"), CONFIG_OK);
    assert_get(o, s, "b", NULL);
    assert_file_holds(t.path, "a", "x", "c", "3", NULL);
    config_service_destroy(o, s);
    tdir_end(&t);
}

static void test_sorted_listing(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    static const char *const keys[] = { "zeta", "Alpha", "alpha", "b", "a.b",
                                        "a", "~", "!", "a-b", "aa", "Z" };
    const size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(config_service_set(o, s, keys[i], keys[i]), CONFIG_OK);
    collected c = { .n = 0 };
    assert_int_equal(config_service_list(o, s, collect, &c), n);
    assert_int_equal(c.n, n);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(c.keys[i - 1], c.keys[i]) < 0);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(c.keys[i], c.values[i]);
    assert_string_equal(c.keys[0], "!");
    assert_string_equal(c.keys[n - 1], "~");
    config_service_destroy(o, s);
    tdir_end(&t);
}

static void test_delete(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_set(o, s, "a", "1"), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "b", "2"), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "c", "3"), CONFIG_OK);
    assert_int_equal(config_service_delete(o, s, "b"), CONFIG_OK);
    assert_get(o, s, "b", NULL);
    assert_int_equal(config_service_delete(o, s, "b"), CONFIG_ENOENT);
    assert_int_equal(config_service_delete(o, s, "nope"), CONFIG_ENOENT);
    assert_file_holds(t.path, "a", "1", "c", "3", NULL);
    assert_int_equal(config_service_delete(o, s, "a"), CONFIG_OK);
    assert_int_equal(config_service_delete(o, s, "c"), CONFIG_OK);
    assert_int_equal(config_service_list(o, s, NULL, NULL), 0);
    assert_file_holds(t.path, NULL);
    assert_int_equal(config_service_set(o, s, "b", "again"), CONFIG_OK);
    assert_get(o, s, "b", "again");
    config_service_destroy(o, s);
    tdir_end(&t);
}

static void test_validation(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    char k63[64], k64[65], v1023[1024], v1024[1025];
    memset(k63, 'k', 63); k63[63] = '\0';
    memset(k64, 'k', 64); k64[64] = '\0';
    memset(v1023, 'v', 1023); v1023[1023] = '\0';
    memset(v1024, 'v', 1024); v1024[1024] = '\0';
    char buf[CONFIG_VALUE_MAX];

    assert_int_equal(config_service_set(o, s, NULL, "v"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "", "v"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, k64, "v"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "a b", "v"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "a\tb", "v"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "caf\xc3\xa9", "v"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "a", NULL), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "a", "x\ny"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "a", "\x7f"), CONFIG_EINVAL);
    assert_int_equal(config_service_set(o, s, "a", v1024), CONFIG_EINVAL);
    assert_int_equal(config_service_get(o, s, k64, buf, sizeof buf), CONFIG_EINVAL);
    assert_int_equal(config_service_get(o, s, NULL, buf, sizeof buf), CONFIG_EINVAL);
    assert_int_equal(config_service_get(o, s, "a", NULL, 10), CONFIG_EINVAL);
    assert_int_equal(config_service_delete(o, s, ""), CONFIG_EINVAL);
    assert_int_equal(config_service_delete(o, s, NULL), CONFIG_EINVAL);
    assert_int_equal(tdir_entries(&t), 0);        /* nothing was written */

    assert_int_equal(config_service_set(o, s, k63, v1023), CONFIG_OK);
    assert_get(o, s, k63, v1023);
    assert_int_equal(config_service_set(o, s, "short", "12345"), CONFIG_OK);
    memset(buf, '#', sizeof buf);
    assert_int_equal(config_service_get(o, s, "short", buf, 5), CONFIG_ERANGE);
    assert_int_equal(buf[0], '#');                /* untouched */
    assert_int_equal(config_service_get(o, s, "short", buf, 0), CONFIG_ERANGE);
    assert_int_equal(config_service_get(o, s, "short", buf, 6), CONFIG_OK);
    assert_string_equal(buf, "12345");
    assert_int_equal(config_service_get(o, s, "nope", buf, 0), CONFIG_ENOENT);
    config_service_destroy(o, s);
    tdir_end(&t);
}

static void test_refresh_sees_other_writer(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *a = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_set(o, a, "k", "1"), CONFIG_OK);
    assert_get(o, a, "k", "1");
    /* another service instance writes */
    config_service *b = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_set(o, b, "k", "2"), CONFIG_OK);
    assert_int_equal(config_service_set(o, b, "new", "n"), CONFIG_OK);
    if (is_optimized(o))
        assert_get(o, a, "k", "1");              /* cached until refresh */
    assert_int_equal(config_service_refresh(o, a), CONFIG_OK);
    assert_get(o, a, "k", "2");
    assert_get(o, a, "new", "n");
    assert_int_equal(config_service_list(o, a, NULL, NULL), 2);
    config_service_destroy(o, b);
    /* a writer by hand */
    write_raw(t.path, "{\"hand\":\"made\"}");
    assert_int_equal(config_service_refresh(o, a), CONFIG_OK);
    assert_get(o, a, "hand", "made");
    assert_get(o, a, "k", NULL);
    assert_int_equal(config_service_list(o, a, NULL, NULL), 1);
    /* the file removed: an empty configuration */
    assert_int_equal(unlink(t.path), 0);
    assert_int_equal(config_service_refresh(o, a), CONFIG_OK);
    assert_int_equal(config_service_list(o, a, NULL, NULL), 0);
    config_service_destroy(o, a);
    tdir_end(&t);
}

/* refresh of a file that became corrupt: reported; the optimized service
 * keeps its previous configuration, the naive one (no memory) reads empty. */
static void test_refresh_corrupt(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_set(o, s, "a", "1"), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "b", "2"), CONFIG_OK);
    write_raw(t.path, "{\"a\":\"9\",");           /* truncated by another writer */
    assert_int_equal(config_service_refresh(o, s), CONFIG_ECORRUPT);
    assert_int_equal(config_service_status(o, s), CONFIG_ECORRUPT);
    if (is_optimized(o)) {
        assert_get(o, s, "a", "1");
        assert_get(o, s, "b", "2");
        assert_int_equal(config_service_list(o, s, NULL, NULL), 2);
    } else {
        assert_get(o, s, "a", NULL);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 0);
    }
    char *raw = read_raw(t.path);                 /* not overwritten by reads */
    assert_string_equal(raw, "{\"a\":\"9\",");
    free(raw);
    /* the next write replaces the corrupt file with the service's view */
    assert_int_equal(config_service_set(o, s, "c", "3"), CONFIG_OK);
    if (is_optimized(o))
        assert_file_holds(t.path, "a", "1", "b", "2", "c", "3", NULL);
    else
        assert_file_holds(t.path, "c", "3", NULL);
    assert_int_equal(config_service_refresh(o, s), CONFIG_OK);
    config_service_destroy(o, s);
    tdir_end(&t);
}

static const int fault_errs[] = { ENOSPC, EIO };

/* Every step of the atomic replace up to the rename fails in turn (open of
 * the temp file, first and a later write, the file fsync, the rename), for
 * set of an existing key, set of a new key and delete: the call returns EIO,
 * memory and file keep the old configuration, no temp file is left. */
static void test_injected_write_failures(void **state)
{
    const config_service_ops *o = ops_of(state);
    static const struct { int kind, nth; } steps[] = {
        { IO_OPEN, 1 }, { IO_WRITE, 1 }, { IO_WRITE, 2 }, { IO_FSYNC, 1 },
        { IO_RENAME, 1 },
    };
    for (size_t e = 0; e < 2; e++)
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    for (int op = 0; op < 3; op++) {
        tdir t;
        tdir_begin(&t);
        faults f;
        config_io io;
        config_service *s = create_with_faults(o, t.path, &f, &io);
        assert_int_equal(config_service_set(o, s, "a", "1"), CONFIG_OK);
        assert_int_equal(config_service_set(o, s, "b", "2"), CONFIG_OK);
        f.max_write = 4;                           /* several write calls */
        arm(&f, steps[i].kind, steps[i].nth, fault_errs[e]);
        int rc = op == 0 ? config_service_set(o, s, "a", "changed")
               : op == 1 ? config_service_set(o, s, "c", "new")
                         : config_service_delete(o, s, "b");
        assert_int_equal(rc, CONFIG_EIO);
        assert_int_equal(f.calls[steps[i].kind], steps[i].nth);
        assert_get(o, s, "a", "1");
        assert_get(o, s, "b", "2");
        assert_get(o, s, "c", NULL);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 2);
        assert_file_holds(t.path, "a", "1", "b", "2", NULL);
        assert_int_equal(tdir_entries(&t), 1);    /* no temp file left */
        /* and the service still works afterwards */
        arm(&f, -1, 0, 0);
        assert_int_equal(config_service_set(o, s, "c", "3"), CONFIG_OK);
        assert_file_holds(t.path, "a", "1", "b", "2", "c", "3", NULL);
        assert_int_equal(tdir_entries(&t), 1);
        config_service_destroy(o, s);
        tdir_end(&t);
    }
}

/* The first write ever fails: the file still does not exist. */
static void test_failure_on_first_write(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    faults f;
    config_io io;
    config_service *s = create_with_faults(o, t.path, &f, &io);
    arm(&f, IO_FSYNC, 1, ENOSPC);
    assert_int_equal(config_service_set(o, s, "a", "1"), CONFIG_EIO);
    assert_get(o, s, "a", NULL);
    assert_int_equal(tdir_entries(&t), 0);
    config_service_destroy(o, s);
    tdir_end(&t);
}

/* Only the directory fsync (or its open) fails: committed, EDIRSYNC. */
static void test_directory_fsync_failure(void **state)
{
    const config_service_ops *o = ops_of(state);
    for (int which = 0; which < 2; which++) {
        tdir t;
        tdir_begin(&t);
        faults f;
        config_io io;
        config_service *s = create_with_faults(o, t.path, &f, &io);
        assert_int_equal(config_service_set(o, s, "a", "1"), CONFIG_OK);
        if (which == 0)
            arm(&f, IO_FSYNC, 2, EIO);             /* the directory's */
        else
            arm(&f, IO_OPEN, 2, EIO);              /* opening the directory */
        assert_int_equal(config_service_set(o, s, "a", "2"), CONFIG_EDIRSYNC);
        assert_get(o, s, "a", "2");
        assert_file_holds(t.path, "a", "2", NULL);
        arm(&f, IO_FSYNC, 2, EIO);
        assert_int_equal(config_service_delete(o, s, "a"), CONFIG_EDIRSYNC);
        assert_get(o, s, "a", NULL);
        assert_file_holds(t.path, NULL);
        assert_int_equal(tdir_entries(&t), 1);
        config_service_destroy(o, s);
        tdir_end(&t);
    }
}

/* The counters show the difference: the naive service reads and parses the
 * file on every access, the optimized one once (lazily). */
static void test_stats(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    write_raw(t.path, "{\"a\":\"1\",\"b\":\"2\"}");
    config_service *s = config_service_create(o, t.path, NULL);
    config_stats st;
    config_service_stats(o, s, &st);
    assert_int_equal(st.file_reads, is_optimized(o) ? 0 : 1);
    for (int i = 0; i < 10; i++)
        assert_get(o, s, "a", "1");
    assert_int_equal(config_service_list(o, s, NULL, NULL), 2);
    config_service_stats(o, s, &st);
    assert_int_equal(st.file_reads, is_optimized(o) ? 1 : 12);
    assert_int_equal(st.parses, is_optimized(o) ? 1 : 12);
    assert_int_equal(st.file_writes, 0);
    assert_int_equal(st.fsyncs, 0);
    assert_int_equal(config_service_set(o, s, "c", "3"), CONFIG_OK);
    config_service_stats(o, s, &st);
    assert_int_equal(st.file_reads, is_optimized(o) ? 1 : 13);
    assert_int_equal(st.file_writes, 1);
    assert_int_equal(st.fsyncs, 2);               /* file and directory */
    assert_int_equal(config_service_refresh(o, s), CONFIG_OK);
    config_service_stats(o, s, &st);
    assert_int_equal(st.file_reads, is_optimized(o) ? 2 : 14);
    config_service_destroy(o, s);
    tdir_end(&t);
}

/* Many keys: sorted listing, lookups and deletes over a larger file. */
static void test_many_keys(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    /* write 500 keys by hand (one file), in scrambled order */
    size_t cap = 500 * 64 + 16, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len, "{");
    for (int i = 0; i < 500; i++) {
        int k = (i * 263) % 500;
        len += (size_t)snprintf(text + len, cap - len, "%s\"key-%04d\":\"val-%d\"",
                                i ? "," : "", k, k * 7);
    }
    snprintf(text + len, cap - len, "}");
    write_raw(t.path, text);
    free(text);
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_status(o, s), CONFIG_OK);
    assert_int_equal(config_service_list(o, s, NULL, NULL), 500);
    char key[32], want[32];
    for (int k = 0; k < 500; k += 37) {
        snprintf(key, sizeof key, "key-%04d", k);
        snprintf(want, sizeof want, "val-%d", k * 7);
        assert_get(o, s, key, want);
    }
    assert_int_equal(config_service_delete(o, s, "key-0000"), CONFIG_OK);
    assert_int_equal(config_service_delete(o, s, "key-0499"), CONFIG_OK);
    assert_int_equal(config_service_set(o, s, "key-0250", "mid"), CONFIG_OK);
    collected c = { .n = 0 };
    assert_int_equal(config_service_list(o, s, collect, &c), 498);
    assert_string_equal(c.keys[0], "key-0001");
    config_service_destroy(o, s);
    s = config_service_create(o, t.path, NULL);
    assert_get(o, s, "key-0250", "mid");
    assert_get(o, s, "key-0499", NULL);
    assert_int_equal(config_service_list(o, s, NULL, NULL), 498);
    config_service_destroy(o, s);
    tdir_end(&t);
}


/* A load that fails for a reason other than "absent" (EIO, EMFILE, EACCES)
 * is not an empty store: the operation returns the error, nothing is
 * written, and the next access loads again. Before the fix the optimized
 * service (and the naive one when its set's own load failed) replaced the
 * 20 stored keys with the one being set. */
static void test_transient_load_failure_keeps_file(void **state)
{
    const config_service_ops *o = ops_of(state);
    static const int errs[] = { EIO, EMFILE, EACCES };
    for (size_t e = 0; e < 3; e++) {
        tdir t;
        tdir_begin(&t);
        char text[2048];
        size_t len = (size_t)snprintf(text, sizeof text, "{");
        for (int i = 0; i < 20; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s\"k%02d\":\"v%d\"",
                                    i ? "," : "", i, i);
        snprintf(text + len, sizeof text - len, "}");
        write_raw(t.path, text);
        faults f;
        config_io io;
        config_service *s = create_with_faults(o, t.path, &f, &io);
        assert_non_null(s);
        load_err = errs[e];
        load_fail = 1;                             /* the next load fails */
        assert_int_equal(config_service_set(o, s, "new", "x"), CONFIG_EIO);
        char *raw = read_raw(t.path);
        assert_string_equal(raw, text);            /* nothing written */
        free(raw);
        assert_int_equal(tdir_entries(&t), 1);
        assert_int_equal(config_service_status(o, s), CONFIG_EIO);
        load_fail = 1;
        char buf[16];
        assert_int_equal(config_service_get(o, s, "k00", buf, sizeof buf), CONFIG_EIO);
        load_fail = 0;
        /* the load is retried: everything is there */
        assert_int_equal(config_service_set(o, s, "new", "x"), CONFIG_OK);
        assert_int_equal(config_service_status(o, s), CONFIG_OK);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 21);
        config_service_destroy(o, s);
        s = config_service_create(o, t.path, NULL);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 21);
        assert_get(o, s, "k19", "v19");
        config_service_destroy(o, s);
        tdir_end(&t);
    }
}

/* Replacing the file keeps its permission bits; a new file gets 0644 (less
 * the umask). Before the fix a 0600 file became 0644. */
static void test_mode_kept_on_replace(void **state)
{
    const config_service_ops *o = ops_of(state);
    static const mode_t modes[] = { 0600, 0640, 0666 };
    mode_t old_umask = umask(022);
    for (size_t i = 0; i < 3; i++) {
        tdir t;
        tdir_begin(&t);
        write_raw(t.path, "{\"a\":\"1\"}");
        assert_int_equal(chmod(t.path, modes[i]), 0);
        config_service *s = config_service_create(o, t.path, NULL);
        assert_int_equal(config_service_set(o, s, "b", "2"), CONFIG_OK);
        assert_int_equal(config_service_delete(o, s, "a"), CONFIG_OK);
        struct stat sb;
        assert_int_equal(stat(t.path, &sb), 0);
        assert_int_equal(sb.st_mode & 07777, modes[i]);
        config_service_destroy(o, s);
        tdir_end(&t);
    }
    tdir t;
    tdir_begin(&t);
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_set(o, s, "a", "1"), CONFIG_OK);
    struct stat sb;
    assert_int_equal(stat(t.path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0644);
    config_service_destroy(o, s);
    tdir_end(&t);
    umask(old_umask);
}

/* \u0000 inside a key or a value makes the file corrupt (a key or value is
 * printable ASCII); it is not accepted and truncated at the NUL. An escaped
 * backslash followed by "u0000" is plain text and valid. */
static void test_nul_escape_is_corrupt(void **state)
{
    const config_service_ops *o = ops_of(state);
    static const char *const bad[] = {
        "{\"a\":\"x\\u0000y\"}",
        "{\"a\":\"\\u0000\"}",
        "{\"k\\u0000z\":\"v\"}",
        "{\"a\":\"\\\\\\u0000\"}",
    };
    for (size_t i = 0; i < 4; i++) {
        tdir t;
        tdir_begin(&t);
        write_raw(t.path, bad[i]);
        config_service *s = config_service_create(o, t.path, NULL);
        assert_int_equal(config_service_status(o, s), CONFIG_ECORRUPT);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 0);
        config_service_destroy(o, s);
        tdir_end(&t);
    }
    tdir t;
    tdir_begin(&t);
    write_raw(t.path, "{\"a\":\"x\\\\u0000\"}");     /* x\u0000 as text */
    config_service *s = config_service_create(o, t.path, NULL);
    assert_int_equal(config_service_status(o, s), CONFIG_OK);
    assert_get(o, s, "a", "x\\u0000");
    config_service_destroy(o, s);
    tdir_end(&t);
}

/* One allocation failing anywhere in a set (the load included: inside
 * cJSON's parse it must read as ENOMEM, not as a corrupt, empty file): the
 * set returns ENOMEM with the file byte-identical, or OK; the 20 stored keys
 * are never lost. Before the fix a failed allocation in the parse made the
 * file "corrupt" and the set replaced it with its one key. */
static void test_enomem_in_load_keeps_file(void **state)
{
    const config_service_ops *o = ops_of(state);
    if (!CS_FAIL_INJECTION)
        skip();
    tdir t;
    tdir_begin(&t);
    char text[2048];
    size_t len = (size_t)snprintf(text, sizeof text, "{");
    for (int i = 0; i < 20; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s\"k%02d\":\"v%d\"",
                                i ? "," : "", i, i);
    snprintf(text + len, sizeof text - len, "}");
    int enomem = 0;
    for (long k = 0; k < 200; k++) {
        write_raw(t.path, text);
        config_service *s = config_service_create(o, t.path, NULL);
        assert_non_null(s);
        fail_at = k;
        int rc = config_service_set(o, s, "new", "x");
        int missed = fail_at >= 0;                 /* the failure never came */
        fail_at = -1;
        char *raw = read_raw(t.path);
        if (rc == CONFIG_ENOMEM) {
            enomem++;
            assert_string_equal(raw, text);
            assert_int_equal(config_service_set(o, s, "new", "x"), CONFIG_OK);
        } else {
            assert_int_equal(rc, CONFIG_OK);
        }
        free(raw);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 21);
        config_service_destroy(o, s);
        s = config_service_create(o, t.path, NULL);
        assert_int_equal(config_service_list(o, s, NULL, NULL), 21);
        config_service_destroy(o, s);
        if (missed)
            break;
    }
    assert_true(enomem > 60);                     /* the load's allocations were hit */
    tdir_end(&t);
}

/* Each corrupt file a write replaces is kept, under the first free of
 * <path>.corrupt, <path>.corrupt.1, ...; a link or rename that fails keeps
 * the file as it was and leaves no new name. */
static void test_corrupt_file_set_aside(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    char aside0[160], aside1[160], aside2[160];
    snprintf(aside0, sizeof aside0, "%s.corrupt", t.path);
    snprintf(aside1, sizeof aside1, "%s.corrupt.1", t.path);
    snprintf(aside2, sizeof aside2, "%s.corrupt.2", t.path);
    write_raw(t.path, "{\"a\":\"1\",");
    faults f;
    config_io io;
    config_service *s = create_with_faults(o, t.path, &f, &io);
    assert_non_null(s);
    assert_int_equal(config_service_status(o, s), CONFIG_ECORRUPT);

    /* the link fails (EPERM: no hard links here): EIO, nothing changed */
    arm(&f, IO_LINK, 1, EPERM);
    assert_int_equal(config_service_set(o, s, "x", "1"), CONFIG_EIO);
    char *raw = read_raw(t.path);
    assert_string_equal(raw, "{\"a\":\"1\",");
    free(raw);
    assert_int_equal(tdir_entries(&t), 1);
    /* the rename fails after the link: the link is removed again */
    arm(&f, IO_RENAME, 1, EIO);
    assert_int_equal(config_service_set(o, s, "x", "1"), CONFIG_EIO);
    assert_int_equal(f.calls[IO_LINK], 1);
    raw = read_raw(t.path);
    assert_string_equal(raw, "{\"a\":\"1\",");
    free(raw);
    assert_int_equal(tdir_entries(&t), 1);
    /* a write that succeeds keeps the corrupt bytes under .corrupt */
    arm(&f, -1, 0, 0);
    assert_int_equal(config_service_set(o, s, "x", "1"), CONFIG_OK);
    assert_int_equal(f.calls[IO_LINK], 1);
    raw = read_raw(aside0);
    assert_string_equal(raw, "{\"a\":\"1\",");
    free(raw);
    assert_file_holds(t.path, "x", "1", NULL);
    /* a valid file is replaced without a set-aside */
    assert_int_equal(config_service_set(o, s, "y", "2"), CONFIG_OK);
    assert_int_equal(f.calls[IO_LINK], 1);
    assert_int_equal(tdir_entries(&t), 2);

    /* another corrupt version: kept as .corrupt.1, .corrupt untouched */
    write_raw(t.path, "garbage");
    assert_int_equal(config_service_refresh(o, s), CONFIG_ECORRUPT);
    assert_int_equal(config_service_delete(o, s, "x"),
                     is_optimized(o) ? CONFIG_OK : CONFIG_ENOENT);
    if (!is_optimized(o))       /* naive reads the corrupt file as empty */
        assert_int_equal(config_service_set(o, s, "z", "3"), CONFIG_OK);
    raw = read_raw(aside1);
    assert_non_null(raw);
    assert_string_equal(raw, "garbage");
    free(raw);
    raw = read_raw(aside0);
    assert_string_equal(raw, "{\"a\":\"1\",");
    free(raw);
    assert_null(read_raw(aside2));
    assert_int_equal(config_service_status(o, s), CONFIG_OK);

    /* every name taken: EIO, the corrupt file stays */
    write_raw(t.path, "[]");
    assert_int_equal(config_service_refresh(o, s), CONFIG_ECORRUPT);
    for (int i = 2; i < 64; i++) {
        char name[160];
        snprintf(name, sizeof name, "%s.corrupt.%d", t.path, i);
        write_raw(name, "taken");
    }
    assert_int_equal(config_service_set(o, s, "w", "4"), CONFIG_EIO);
    raw = read_raw(t.path);
    assert_string_equal(raw, "[]");
    free(raw);
    assert_int_equal(tdir_entries(&t), 65);
    config_service_destroy(o, s);
    tdir_end(&t);
}

/* A pid that named a process, now dead (reaped). */
static long dead_pid(void)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0)
        _exit(0);
    int st;
    assert_int_equal(waitpid(p, &st, 0), p);
    return (long)p;
}

/* The temporaries of a dead writer of this path are removed at the first
 * load; a live writer's, our own, another file's and names not of the
 * service's form stay. */
static void test_stale_temps_removed(void **state)
{
    const config_service_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    write_raw(t.path, "{\"a\":\"1\"}");
    long dead = dead_pid();
    char stale[2][192], keep[6][192];
    snprintf(stale[0], sizeof stale[0], "%s.tmp.%ld.0", t.path, dead);
    snprintf(stale[1], sizeof stale[1], "%s.tmp.%ld.17", t.path, dead);
    snprintf(keep[0], sizeof keep[0], "%s.tmp.1.0", t.path);           /* live: init */
    snprintf(keep[1], sizeof keep[1], "%s.tmp.%ld.3", t.path, (long)getpid());
    snprintf(keep[2], sizeof keep[2], "%s/other.json.tmp.%ld.0", t.dir, dead);
    snprintf(keep[3], sizeof keep[3], "%s.tmp.%ld.x", t.path, dead);
    snprintf(keep[4], sizeof keep[4], "%s.tmp.%ld", t.path, dead);
    snprintf(keep[5], sizeof keep[5], "%s.tmp.%ld.0.1", t.path, dead);
    for (int i = 0; i < 2; i++)
        write_raw(stale[i], "{\"half\":");
    for (int i = 0; i < 6; i++)
        write_raw(keep[i], "{\"half\":");
    config_service *s = config_service_create(o, t.path, NULL);
    assert_non_null(s);
    if (is_optimized(o)) {                 /* create makes no I/O */
        assert_int_equal(access(stale[0], F_OK), 0);
        assert_int_equal(config_service_status(o, s), CONFIG_OK);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(access(stale[i], F_OK), -1);
    for (int i = 0; i < 6; i++)
        assert_int_equal(access(keep[i], F_OK), 0);
    assert_get(o, s, "a", "1");
    assert_int_equal(tdir_entries(&t), 7);
    config_service_destroy(o, s);
    tdir_end(&t);
}

/* ---- runner ----------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_missing_file_is_empty),
        cmocka_unit_test(test_round_trip_and_persistence),
        cmocka_unit_test(test_corrupt_file_at_startup),
        cmocka_unit_test(test_unreadable_storage),
        cmocka_unit_test(test_duplicate_keys_last_wins),
        cmocka_unit_test(test_sorted_listing),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_refresh_sees_other_writer),
        cmocka_unit_test(test_refresh_corrupt),
        cmocka_unit_test(test_injected_write_failures),
        cmocka_unit_test(test_failure_on_first_write),
        cmocka_unit_test(test_directory_fsync_failure),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_transient_load_failure_keeps_file),
        cmocka_unit_test(test_mode_kept_on_replace),
        cmocka_unit_test(test_nul_escape_is_corrupt),
        cmocka_unit_test(test_enomem_in_load_keeps_file),
        cmocka_unit_test(test_corrupt_file_set_aside),
        cmocka_unit_test(test_stale_temps_removed),
    };
    return PBT_RUN_BOTH("config_service", tests, &config_service_naive, &config_service_optimized) != 0;
}
