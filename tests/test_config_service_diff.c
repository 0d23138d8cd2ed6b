/*
 * Differential test of config_service: the naive implementation is the
 * oracle of the optimized one.
 *
 * SEQUENCES seeded random operation sequences (splitmix64) run through both
 * implementations, each on its own real file in one mkdtemp directory
 * (under /dev/shm when it exists: tmpfs, so fsync is cheap; else /tmp).
 * A sequence starts from a missing file, a corrupt one (identical bytes for
 * both) or a valid file of 0..300 keys written by hand (sometimes with
 * duplicate keys), then performs 40..640 operations interleaving get (also
 * with a too-small buffer), list (full listings compared entry by entry),
 * set, delete, status, refresh, an outside writer (the same valid JSON
 * written over both files, then refresh of both) and writes with an injected
 * fault (the same step - temp open, write, file fsync, the set-aside link
 * of a corrupt file, rename, directory open or fsync - failing with ENOSPC
 * or EIO in both) and transient load
 * failures (the open of the storage file failing with EIO, EMFILE or
 * EACCES in the same load of both, during get, list, set, delete or
 * refresh: the operation must fail with EIO in both, change neither file,
 * and the next access must load again and see every stored key). Keys and values are
 * random, a tenth of them invalid (empty, too long, spaces, control bytes,
 * non-ASCII, NULL). Every return code, value and listing must be identical.
 * After every write the corrupt files both services set aside must be the
 * same, name by name and byte by byte. At the end of a sequence both files
 * are re-read by fresh services and their listings compared, and no temp
 * file may be left in the directory.
 *
 * On a mismatch the test prints the sequence number, its seed and the
 * operation index, then fails.
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
#include <unistd.h>

#include "pairbench/config_service.h"
#include "pb_test.h"

#define SEQUENCES     2400
#define MAX_KEYS      300
#define BASE_SEED     UINT64_C(0xc0f16c0f16000001)

static const config_service_ops *const A = &config_service_naive;      /* oracle */
static const config_service_ops *const B = &config_service_optimized;

/* ---- fault hooks -------------------------------------------------------------- */

enum { IO_OPEN, IO_WRITE, IO_FSYNC, IO_RENAME, IO_LINK, IO_KINDS };

typedef struct faults {
    int calls[IO_KINDS];
    int fail_kind;             /* -1 = none */
    int fail_nth;
    int err;
    int load_fail;             /* the next load's open fails (then 0) */
    int load_err;
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
    return hit(arg, IO_WRITE) ? -1 : write(fd, buf, n);
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

static int h_load_open(void *arg, const char *path, int flags)
{
    faults *f = arg;
    if (f->load_fail) {
        f->load_fail = 0;
        errno = f->load_err;
        return -1;
    }
    return open(path, flags);
}

static void arm(faults *f, int kind, int nth, int err)
{
    memset(f->calls, 0, sizeof f->calls);
    f->fail_kind = kind;
    f->fail_nth = nth;
    f->err = err;
}

/* ---- sequence context ----------------------------------------------------------- */

typedef struct listing {
    char  *buf;                /* "key\0value\0" per entry */
    size_t len, cap, n;
} listing;

typedef struct ctx {
    pbt_rng     r;
    pbt_where   at;         /* seed, seq, step, op: what a mismatch prints */

    char        dir[64];
    char        path_a[128], path_b[128];
    config_service *a, *b;
    faults      fa, fb;
    config_io   ioa, iob;

    char      (*pool)[CONFIG_KEY_MAX + 8];   /* candidate keys, some invalid */
    size_t      pool_n;
    listing     la, lb;
    char        va[CONFIG_VALUE_MAX + 8], vb[CONFIG_VALUE_MAX + 8];
    char        value[CONFIG_VALUE_MAX + 8];
    unsigned long long ops_done;
    unsigned long long load_faults;   /* injected load failures that fired */
} ctx;


static void same_rc(const ctx *c, int ra, int rb)
{
    if (ra != rb)
        pbt_mismatch(&c->at, "return code naive=%d optimized=%d", ra, rb);
}

static void collect(const char *key, const char *value, void *arg)
{
    listing *l = arg;
    size_t kl = strlen(key) + 1, vl = strlen(value) + 1;
    if (l->len + kl + vl > l->cap) {
        size_t ncap = (l->cap ? l->cap * 2 : 4096) + kl + vl;
        char *nb = realloc(l->buf, ncap);
        assert_non_null(nb);
        l->buf = nb;
        l->cap = ncap;
    }
    memcpy(l->buf + l->len, key, kl);
    memcpy(l->buf + l->len + kl, value, vl);
    l->len += kl + vl;
    l->n++;
}

static void compare_lists(ctx *c, config_service *sa, config_service *sb)
{
    c->la.len = c->la.n = c->lb.len = c->lb.n = 0;
    size_t na = config_service_list(A, sa, collect, &c->la);
    size_t nb = config_service_list(B, sb, collect, &c->lb);
    if (na != nb || c->la.n != na || c->lb.n != nb)
        pbt_mismatch(&c->at, "list count naive=%zu (%zu calls) optimized=%zu (%zu calls)",
                     na, c->la.n, nb, c->lb.n);
    if (c->la.len != c->lb.len ||
        (c->la.len && memcmp(c->la.buf, c->lb.buf, c->la.len) != 0))
        pbt_mismatch(&c->at, "listings differ (%zu entries)", na);
    /* sorted, strictly */
    const char *prev = NULL;
    for (size_t off = 0; off < c->la.len;) {
        const char *k = c->la.buf + off;
        if (prev && strcmp(prev, k) >= 0)
            pbt_mismatch(&c->at, "listing not sorted at \"%s\"", k);
        prev = k;
        off += strlen(k) + 1;
        off += strlen(c->la.buf + off) + 1;
    }
}

/* ---- random keys and values -------------------------------------------------------- */

static void random_key(pbt_rng *r, char *out)
{
    size_t kind = pbt_mod(r, 100);
    if (kind < 40) {                       /* structured */
        static const char *const pre[] = { "llm.", "provider/", "model-", "k", "a.b.c." };
        snprintf(out, CONFIG_KEY_MAX, "%s%zu", pre[pbt_mod(r, 5)], pbt_mod(r, 1000));
        return;
    }
    size_t len = kind < 90 ? 1 + pbt_mod(r, 12) : 1 + pbt_mod(r, CONFIG_KEY_MAX - 1);
    for (size_t i = 0; i < len; i++)
        out[i] = (char)(0x21 + pbt_mod(r, 0x7e - 0x21 + 1));   /* incl. " and \ */
    out[len] = '\0';
}

static void invalid_key(pbt_rng *r, char *out)
{
    switch (pbt_mod(r, 6)) {
    case 0: out[0] = '\0'; break;
    case 1: memset(out, 'x', CONFIG_KEY_MAX); out[CONFIG_KEY_MAX] = '\0'; break;
    case 2: strcpy(out, "has space"); break;
    case 3: strcpy(out, "tab\there"); break;
    case 4: strcpy(out, "caf\xc3\xa9"); break;
    default: strcpy(out, "del\x7f"); break;
    }
}

/* A value into c->value; returns 0 when it is invalid (or NULL: *null set). */
static const char *random_value(ctx *c)
{
    pbt_rng *r = &c->r;
    size_t kind = pbt_mod(r, 100);
    if (kind < 3) {
        switch (pbt_mod(r, 4)) {
        case 0: return NULL;
        case 1: strcpy(c->value, "line\nbreak"); return c->value;
        case 2: strcpy(c->value, "\xe2\x82\xac"); return c->value;
        default:
            memset(c->value, 'v', CONFIG_VALUE_MAX);
            c->value[CONFIG_VALUE_MAX] = '\0';
            return c->value;
        }
    }
    size_t len = kind < 70 ? pbt_mod(r, 40) : kind < 95 ? pbt_mod(r, 300)
                                                          : pbt_mod(r, CONFIG_VALUE_MAX);
    for (size_t i = 0; i < len; i++)
        c->value[i] = (char)(0x20 + pbt_mod(r, 0x7e - 0x20 + 1));
    c->value[len] = '\0';
    return c->value;
}

static const char *pick_key(ctx *c)
{
    return c->pool[pbt_mod(&c->r, c->pool_n)];
}

/* ---- files ------------------------------------------------------------------------- */

static void write_both(ctx *c, const char *text, size_t len)
{
    const char *paths[2] = { c->path_a, c->path_b };
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "wb");
        assert_non_null(f);
        if (len)
            assert_int_equal(fwrite(text, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
    }
}

/* A valid configuration file of about n keys from the pool (valid ones only),
 * written with cJSON; with dup, some keys occur twice. */
static void write_valid(ctx *c, size_t n, int dup)
{
    cJSON *root = cJSON_CreateObject();
    assert_non_null(root);
    for (size_t i = 0; i < n; i++) {
        const char *k = pick_key(c);
        const char *v;
        do
            v = random_value(c);
        while (!v || strlen(v) >= CONFIG_VALUE_MAX || strchr(v, '\n') || (v[0] & 0x80));
        char key[CONFIG_KEY_MAX + 8];
        snprintf(key, sizeof key, "%s", k);
        if (!key[0] || strlen(key) >= CONFIG_KEY_MAX || strpbrk(key, " \t\x7f\xc3"))
            continue;
        if (!dup && cJSON_GetObjectItemCaseSensitive(root, key))
            continue;
        cJSON_AddItemToObject(root, key, cJSON_CreateString(v));
    }
    char *text = pbt_mod(&c->r, 2) ? cJSON_PrintUnformatted(root) : cJSON_Print(root);
    assert_non_null(text);
    write_both(c, text, strlen(text));
    cJSON_free(text);
    cJSON_Delete(root);
}

static void write_corrupt(ctx *c)
{
    static const char *const bad[] = {
        "", "{", "{\"a\":\"b\",", "[]", "null", "{\"a\":2}", "{\"a\":\"b\"}x",
        "{\"a b\":\"c\"}", "garbage\x01\x02",
    };
    const char *t = bad[pbt_mod(&c->r, sizeof bad / sizeof bad[0])];
    if (pbt_mod(&c->r, 2) == 0) {
        write_valid(c, 1 + pbt_mod(&c->r, 40), 0);   /* then truncate it */
        FILE *f = fopen(c->path_a, "rb");
        assert_non_null(f);
        char buf[1 << 16];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        write_both(c, buf, len > 2 ? 1 + pbt_mod(&c->r, len - 2) : 1);
        return;
    }
    write_both(c, t, strlen(t));
}

/* The file's bytes (malloc'ed, *len set), or NULL when it does not exist. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return NULL;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (size_t r; (r = fread(buf + *len, 1, cap - *len, f)) > 0;) {
        *len += r;
        if (*len == cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    fclose(f);
    return buf;
}

static int temp_files_left(const ctx *c)
{
    DIR *d = opendir(c->dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".tmp."))
            n++;
    closedir(d);
    return n;
}

/* The name of set-aside number i of path (see config_service.h). */
static void aside_name(char *out, size_t cap, const char *path, int i)
{
    if (i == 0)
        snprintf(out, cap, "%s.corrupt", path);
    else
        snprintf(out, cap, "%s.corrupt.%d", path, i);
}

/* Both services kept the same corrupt files under the same names. With
 * remove, deletes them (a new sequence starts with none). */
static void compare_asides(ctx *c, int remove)
{
    for (int i = 0; i < 64; i++) {
        char na[160], nb[160];
        aside_name(na, sizeof na, c->path_a, i);
        aside_name(nb, sizeof nb, c->path_b, i);
        size_t la, lb;
        char *fa = slurp(na, &la), *fb = slurp(nb, &lb);
        int same = !fa == !fb && la == lb && (!fa || memcmp(fa, fb, la) == 0);
        free(fa);
        free(fb);
        if (!remove && !same)
            pbt_mismatch(&c->at, "set-aside %s and %s differ", na, nb);
        if (remove) {
            unlink(na);
            unlink(nb);
        }
        if (!fa && !fb)
            break;
    }
}

/* ---- one sequence --------------------------------------------------------------------- */

static void open_services(ctx *c)
{
    memset(&c->fa, 0, sizeof c->fa);
    memset(&c->fb, 0, sizeof c->fb);
    c->fa.fail_kind = c->fb.fail_kind = -1;
    c->ioa = (config_io){ h_open, h_write, h_fsync, h_rename, &c->fa, h_load_open, h_link };
    c->iob = (config_io){ h_open, h_write, h_fsync, h_rename, &c->fb, h_load_open, h_link };
    config_options oa = { .io = &c->ioa }, ob = { .io = &c->iob };
    c->a = config_service_create(A, c->path_a, &oa);
    c->b = config_service_create(B, c->path_b, &ob);
    assert_non_null(c->a);
    assert_non_null(c->b);
}

static void close_services(ctx *c)
{
    config_service_destroy(A, c->a);
    config_service_destroy(B, c->b);
    c->a = c->b = NULL;
}

static void run_sequence(ctx *c)
{
    pbt_rng *r = &c->r;
    /* target size: log-uniform-ish in 0..MAX_KEYS */
    size_t target = pbt_mod(r, 5) == 0 ? pbt_mod(r, 4)
                  : (size_t)1 << pbt_mod(r, 9);
    if (target > MAX_KEYS)
        target = MAX_KEYS;
    if (pbt_mod(r, 20) == 0)
        target = MAX_KEYS;
    c->pool_n = 2 * target + 8;
    for (size_t i = 0; i < c->pool_n; i++) {
        if (pbt_mod(r, 100) < 8)
            invalid_key(r, c->pool[i]);
        else
            random_key(r, c->pool[i]);
    }
    unlink(c->path_a);
    unlink(c->path_b);
    compare_asides(c, 1);
    size_t start = pbt_mod(r, 10);
    if (start < 4)
        ;                                   /* missing file */
    else if (start < 5)
        write_corrupt(c);
    else
        write_valid(c, target + pbt_mod(r, target / 2 + 1), start == 9);

    open_services(c);
    size_t n_ops = 40 + pbt_mod(r, 2 * target + 40);
    for (c->at.step = 0; c->at.step < n_ops; c->at.step++) {
        size_t op = pbt_mod(r, 100);
        int ra, rb;
        if (op < 30) {
            c->at.op = "get";
            const char *k = pbt_mod(r, 50) == 0 ? NULL : pick_key(c);
            size_t cap = pbt_mod(r, 10) == 0 ? pbt_mod(r, 8) : sizeof c->va;
            memset(c->va, 0, sizeof c->va);
            memset(c->vb, 0, sizeof c->vb);
            ra = config_service_get(A, c->a, k, c->va, cap);
            rb = config_service_get(B, c->b, k, c->vb, cap);
            same_rc(c, ra, rb);
            if (memcmp(c->va, c->vb, sizeof c->va) != 0)
                pbt_mismatch(&c->at, "get \"%s\": \"%s\" vs \"%s\"", k ? k : "(null)", c->va, c->vb);
        } else if (op < 38) {
            c->at.op = "list";
            compare_lists(c, c->a, c->b);
        } else if (op < 68) {
            c->at.op = "set";
            const char *k = pbt_mod(r, 50) == 0 ? NULL : pick_key(c);
            const char *v = random_value(c);
            same_rc(c, config_service_set(A, c->a, k, v), config_service_set(B, c->b, k, v));
            compare_asides(c, 0);
        } else if (op < 84) {
            c->at.op = "delete";
            const char *k = pick_key(c);
            same_rc(c, config_service_delete(A, c->a, k), config_service_delete(B, c->b, k));
            compare_asides(c, 0);
        } else if (op < 88) {
            c->at.op = "status";
            same_rc(c, config_service_status(A, c->a), config_service_status(B, c->b));
        } else if (op < 91) {
            c->at.op = "refresh";
            same_rc(c, config_service_refresh(A, c->a), config_service_refresh(B, c->b));
        } else if (op < 93) {
            c->at.op = "outside_writer";
            if (pbt_mod(r, 4) == 0) {
                unlink(c->path_a);
                unlink(c->path_b);
            } else {
                write_valid(c, pbt_mod(r, target + 2), pbt_mod(r, 3) == 0);
            }
            same_rc(c, config_service_refresh(A, c->a), config_service_refresh(B, c->b));
        } else if (op < 96) {
            /* A transient load failure (EIO, EMFILE, EACCES at the open of
             * the storage file) in the next load: armed in the optimized
             * service first, and in the naive one only when the optimized
             * one did load (the naive one loads in every operation here),
             * so both fail the same load. A failed load must fail the
             * operation, leave both files byte-identical and lose nothing. */
            static const int errs[] = { EIO, EMFILE, EACCES };
            static const char *const names[] = { "load_fault_get", "load_fault_list",
                "load_fault_set", "load_fault_delete", "load_fault_refresh" };
            size_t which = pbt_mod(r, 5);
            int err = errs[pbt_mod(r, 3)];
            c->at.op = names[which];
            const char *k = pick_key(c);
            const char *v = which == 2 ? random_value(c) : NULL;
            size_t la0, lb0, la1, lb1;
            char *fa0 = slurp(c->path_a, &la0), *fb0 = slurp(c->path_b, &lb0);
            c->fb.load_fail = 1;
            c->fb.load_err = err;
            size_t nb = 0, na = 0;
            c->la.len = c->la.n = c->lb.len = c->lb.n = 0;
            switch (which) {
            case 0: rb = config_service_get(B, c->b, k, c->vb, sizeof c->vb); break;
            case 1: nb = config_service_list(B, c->b, collect, &c->lb); rb = 0; break;
            case 2: rb = config_service_set(B, c->b, k, v); break;
            case 3: rb = config_service_delete(B, c->b, k); break;
            default: rb = config_service_refresh(B, c->b); break;
            }
            int fired = !c->fb.load_fail;
            c->load_faults += (unsigned)fired;
            c->fb.load_fail = 0;
            c->fa.load_fail = fired;
            c->fa.load_err = err;
            switch (which) {
            case 0: ra = config_service_get(A, c->a, k, c->va, sizeof c->va); break;
            case 1: na = config_service_list(A, c->a, collect, &c->la); ra = 0; break;
            case 2: ra = config_service_set(A, c->a, k, v); break;
            case 3: ra = config_service_delete(A, c->a, k); break;
            default: ra = config_service_refresh(A, c->a); break;
            }
            if (c->fa.load_fail)
                pbt_mismatch(&c->at, "the naive service did not load");
            same_rc(c, ra, rb);
            if (na != nb || c->la.len != c->lb.len ||
                (c->la.len && memcmp(c->la.buf, c->lb.buf, c->la.len) != 0))
                pbt_mismatch(&c->at, "list naive=%zu optimized=%zu", na, nb);
            if (which == 0 && ra == CONFIG_OK && strcmp(c->va, c->vb) != 0)
                pbt_mismatch(&c->at, "get \"%s\": \"%s\" vs \"%s\"", k, c->va, c->vb);
            if (fired) {
                int want = which == 0 || which == 2 || which == 3 || which == 4;
                if (want && ra != CONFIG_EIO && !(ra == CONFIG_EINVAL && which != 4))
                    pbt_mismatch(&c->at, "a failed load returned %d, not EIO", ra);
                char *fa1 = slurp(c->path_a, &la1), *fb1 = slurp(c->path_b, &lb1);
                if (la0 != la1 || lb0 != lb1 || (fa0 && memcmp(fa0, fa1, la0)) ||
                    (fb0 && memcmp(fb0, fb1, lb0)) || !fa0 != !fa1 || !fb0 != !fb1)
                    pbt_mismatch(&c->at, "a failed load changed a file");
                free(fa1);
                free(fb1);
                same_rc(c, config_service_status(A, c->a), config_service_status(B, c->b));
            }
            free(fa0);
            free(fb0);
        } else {
            c->at.op = "faulty_write";
            static const struct { int kind, nth; } steps[] = {
                { IO_OPEN, 1 }, { IO_WRITE, 1 }, { IO_FSYNC, 1 }, { IO_RENAME, 1 },
                { IO_OPEN, 2 }, { IO_FSYNC, 2 }, { IO_LINK, 1 },
            };
            size_t st = pbt_mod(r, sizeof steps / sizeof steps[0]);
            int err = pbt_mod(r, 2) ? ENOSPC : EIO;
            arm(&c->fa, steps[st].kind, steps[st].nth, err);
            arm(&c->fb, steps[st].kind, steps[st].nth, err);
            const char *k = pick_key(c);
            if (pbt_mod(r, 3) == 0) {
                ra = config_service_delete(A, c->a, k);
                rb = config_service_delete(B, c->b, k);
            } else {
                const char *v = random_value(c);
                ra = config_service_set(A, c->a, k, v);
                rb = config_service_set(B, c->b, k, v);
            }
            same_rc(c, ra, rb);
            arm(&c->fa, -1, 0, 0);
            arm(&c->fb, -1, 0, 0);
            if (temp_files_left(c))
                pbt_mismatch(&c->at, "a temp file was left behind");
            compare_asides(c, 0);
        }
        c->ops_done++;
    }
    c->at.op = "final_list";
    compare_lists(c, c->a, c->b);
    same_rc(c, config_service_status(A, c->a), config_service_status(B, c->b));
    close_services(c);
    /* the files hold the same configuration: fresh services agree */
    c->at.op = "reopen";
    config_service *fa = config_service_create(A, c->path_a, NULL);
    config_service *fb = config_service_create(A, c->path_b, NULL);
    assert_non_null(fa);
    assert_non_null(fb);
    same_rc(c, config_service_status(A, fa), config_service_status(A, fb));
    c->la.len = c->la.n = c->lb.len = c->lb.n = 0;
    config_service_list(A, fa, collect, &c->la);
    config_service_list(A, fb, collect, &c->lb);
    if (c->la.len != c->lb.len ||
        (c->la.len && memcmp(c->la.buf, c->lb.buf, c->la.len) != 0))
        pbt_mismatch(&c->at, "the two files hold different configurations");
    config_service_destroy(A, fa);
    config_service_destroy(A, fb);
    if (temp_files_left(c))
        pbt_mismatch(&c->at, "a temp file was left behind");
}

/* The test's directory, removed by the group teardown even after a failure. */
static char test_dir[64];

static int remove_test_dir(void **state)
{
    (void)state;
    if (!test_dir[0])
        return 0;
    DIR *d = opendir(test_dir);
    if (d) {
        char p[512];
        for (struct dirent *e; (e = readdir(d));) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%s/%s", test_dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    return rmdir(test_dir) == 0 ? 0 : -1;
}

static void test_differential(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->at = (pbt_where){ .test = "config_service_diff" };
    c->pool = calloc(2 * MAX_KEYS + 8, sizeof *c->pool);
    assert_non_null(c->pool);
    struct stat sb;
    snprintf(c->dir, sizeof c->dir, "%s/cfgsvc_diff.XXXXXX",
             stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
    assert_non_null(mkdtemp(c->dir));
    memcpy(test_dir, c->dir, sizeof test_dir);
    snprintf(c->path_a, sizeof c->path_a, "%s/naive.json", c->dir);
    snprintf(c->path_b, sizeof c->path_b, "%s/optimized.json", c->dir);

    for (c->at.seq = 0; c->at.seq < SEQUENCES; c->at.seq++) {
        c->at.seed = BASE_SEED + c->at.seq * UINT64_C(0x9e3779b97f4a7c15);
        c->r.s = c->at.seed;
        run_sequence(c);
    }
    printf("config_service_diff: %u sequences, %llu operations (%llu failed loads),"
           " all identical\n", c->at.seq, c->ops_done, c->load_faults);
    assert_true(c->load_faults > 100);

    assert_int_equal(temp_files_left(c), 0);
    free(c->la.buf);
    free(c->lb.buf);
    free(c->pool);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests_name("config_service naive vs optimized", tests, NULL,
                                       remove_test_dir);
}
