/*
 * Differential test of telemetry_writer (naive, optimized and the stdio
 * peer) against a reference model.
 *
 * The naive writer is not a full oracle for the optimized one: under
 * injected failures they fail in different calls (per record vs per batch),
 * so they accept different records, and at a given moment the optimized
 * file legitimately lags. So the oracle is the MODEL of the contract
 * (telemetry_writer.h, ACCEPTED): each writer's file, after a successful
 * close, is exactly the concatenation of the lines of the records that
 * writer accepted (append returned 0), in order. The naive one is compared
 * with the optimized one where it is a valid oracle: every return code in
 * sequences without faults, and the final files, byte for byte, in
 * sequences where every failure is cleared and retried. The stdio peer
 * loses the records buffered since its last completed flush when a write
 * fails (telemetry_writer.h, STDIO): its model drops them when the writer
 * reports them lost (stats.lost), which must happen only in a call that
 * failed, must be exactly the records pending before it, and must leave
 * the file ending at its last completed flush. Without faults (clean
 * sequences) it must agree with the others on every return code and the
 * final file; there it runs with no I/O hooks (its fdopen stream, the one
 * the benchmark measures), elsewhere through the hooks (its fopencookie
 * stream).
 *
 * SEQUENCES seeded sequences (splitmix64), each on three real files in one
 * mkdtemp directory (under /dev/shm when it exists: tmpfs, so fsync is
 * cheap; else /tmp), one per implementation, with a random configuration
 * (batch_records 1, 2, 3, 7, 100 or the default; batch_ms 1, 50, 5000 or the
 * default; durable one time in eight), run 20..420 operations: append of a
 * record of 0 bytes, 1..100, 100..3000 or 4097..20000 (larger than the
 * optimized buffer's first size), one in forty with a '\n' (EINVAL in
 * all); clock advances (0..3 s, sometimes 5..10 s); flush; poll; short
 * writes on or off (a write asked for n bytes writes n/2, but at least a
 * bound of 1..50 bytes: a batch goes in about log2(n) writes, the last of
 * them 1..50 bytes, so lines are split anywhere without a system call
 * per 25 bytes); a close and reopen of all writers; and, except in
 * "clean" sequences, a fault armed in all
 * (the open, write or fsync hook failing with ENOSPC or EIO, at the 1st,
 * 2nd or 3rd call from now or at every call) or disarmed. In "retry"
 * sequences a writer whose append or flush fails has its fault cleared and
 * the operation retried at once: it must then succeed, and both files end
 * identical. In "loose" sequences failures stay, records are lost where
 * their append failed, and each file is checked against its own model.
 *
 * After every operation: the naive file's size is its model's (it writes
 * through, and cuts a failed line off); the optimized and stdio files'
 * sizes lie between the end of their last completed flush and their
 * model's size, their stats agree with the model (accepted = written +
 * pending + lost, pending <= batch_records, lost 0 but for stdio); every
 * 32 operations the files are compared byte by byte (naive: equal to the
 * model; the others: a prefix of it). At the end every writer is closed
 * with no fault armed (close must return 0) and each file must equal its
 * model.
 *
 * On a mismatch the test prints the sequence, its seed and the operation
 * index, then fails.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pairbench/telemetry_writer.h"
#include "pb_test.h"

#define SEQUENCES   3000
#define MAX_RECORD  20000
#define BASE_SEED   UINT64_C(0x7e1e3e7c7d1ff001)

enum { NAIVE, OPTIMIZED, STDIO, SIDES };
static const telemetry_writer_ops *const IMPLS[SIDES] = { &telemetry_writer_naive,
                                                          &telemetry_writer_optimized,
                                                          &telemetry_writer_stdio };

enum { MODE_CLEAN, MODE_RETRY, MODE_LOOSE };
static const char *const mode_names[] = { "clean", "retry", "loose" };

/* ---- fault hooks and the clock ------------------------------------------------ */

enum { IO_OPEN, IO_WRITE, IO_FSYNC, IO_KINDS };

typedef struct faults {
    int     calls[IO_KINDS];
    int     fail_kind;         /* -1 = none */
    int     fail_nth;          /* 1-based call from arming; 0 = every call */
    int     err;
    size_t  max_write;         /* > 0: short writes of at most this */
    int64_t now_ms;
} faults;

static int hit(faults *f, int kind)
{
    f->calls[kind]++;
    if (f->fail_kind == kind && (f->fail_nth == 0 || f->calls[kind] == f->fail_nth)) {
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
    if (f->max_write && n > f->max_write)
        n = n / 2 > f->max_write ? n / 2 : f->max_write;
    return write(fd, buf, n);
}
static int h_fsync(void *arg, int fd)
{
    return hit(arg, IO_FSYNC) ? -1 : fsync(fd);
}
static int64_t h_clock(void *arg)
{
    return ((faults *)arg)->now_ms;
}

/* ---- the model and one side ----------------------------------------------------- */

typedef struct model {
    char   *bytes;             /* the accepted lines */
    size_t  len, cap;
    size_t *ends;              /* ends[i]: offset after line i */
    size_t  n, ncap;
} model;

static void model_add(model *m, const char *rec, size_t len)
{
    if (m->len + len + 1 > m->cap) {
        m->cap = (m->len + len + 1) * 2;
        m->bytes = realloc(m->bytes, m->cap);
        assert_non_null(m->bytes);
    }
    if (m->n == m->ncap) {
        m->ncap = m->ncap ? m->ncap * 2 : 256;
        m->ends = realloc(m->ends, m->ncap * sizeof *m->ends);
        assert_non_null(m->ends);
    }
    memcpy(m->bytes + m->len, rec, len);
    m->bytes[m->len + len] = '\n';
    m->len += len + 1;
    m->ends[m->n++] = m->len;
}

/* Drops the last k lines (records a writer lost). */
static void model_drop(model *m, size_t k)
{
    m->n -= k;
    m->len = m->n ? m->ends[m->n - 1] : 0;
}

typedef struct side {
    const telemetry_writer_ops *o;
    telemetry_writer  *w;
    faults             f;
    telemetry_io       io;
    telemetry_options  opts;
    char               path[160];
    model              m;
    size_t             base;   /* model records before the current writer */
    uint64_t           accepted;  /* appends of the current writer that returned 0 */
    uint64_t           lost;      /* its stats.lost as last seen */
} side;

typedef struct seqctx {
    pbt_where where;
    side     *sides;               /* [SIDES] */
    int       mode;
    size_t    batch_records;
    char      detail[96];
} seqctx;

static void describe(const void *arg, char *buf, size_t size)
{
    const seqctx *c = arg;
    snprintf(buf, size, "%s", c->detail);
}

static void disarm(faults *f)
{
    f->fail_kind = -1;
    memset(f->calls, 0, sizeof f->calls);
}

static void side_open(seqctx *c, side *s)
{
    int rc = telemetry_writer_open(s->o, &s->w, s->path, &s->opts);
    if (rc != 0)
        pbt_mismatch(&c->where, "%s: open returned %d", s->o->name, rc);
    s->base = s->m.n;
    s->accepted = s->lost = 0;
}

static void side_close(seqctx *c, side *s)
{
    disarm(&s->f);
    int rc = telemetry_writer_close(s->o, s->w);
    s->w = NULL;
    if (rc != 0)
        pbt_mismatch(&c->where, "%s: close with no fault returned %d", s->o->name, rc);
}

/* The file's bytes, in one buffer reused by every read (a fresh buffer per
 * read cost most of this test's time under AddressSanitizer, which maps
 * and unmaps large blocks); valid until the next read. NULL, *len 0, when
 * the file does not exist. */
static char  *read_buf;
static size_t read_cap;

static const char *read_file(const char *path, size_t *len)
{
    *len = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    size_t size = (size_t)st.st_size;
    if (size + 1 > read_cap) {
        read_cap = (size + 1) * 2;
        free(read_buf);
        read_buf = malloc(read_cap);
        assert_non_null(read_buf);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, read_buf + got, size - got);
        assert_true(r > 0);
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return read_buf;
}

static size_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* The per-operation invariants of one side (see the file comment); with
 * `full`, the bytes too (exact: the file must equal the model). */
static void check_side(seqctx *c, side *s, int full, int exact)
{
    telemetry_stats st;
    telemetry_writer_stats(s->o, s->w, &st);
    if (st.accepted != s->accepted || st.written + st.pending + st.lost != s->accepted ||
        st.lost != s->lost || s->m.n - s->base != s->accepted - s->lost)
        pbt_mismatch(&c->where, "%s: stats accepted=%llu written=%llu pending=%llu"
                     " lost=%llu, model accepted %llu lost %llu", s->o->name,
                     (unsigned long long)st.accepted, (unsigned long long)st.written,
                     (unsigned long long)st.pending, (unsigned long long)st.lost,
                     (unsigned long long)s->accepted, (unsigned long long)s->lost);
    if (st.pending > c->batch_records)
        pbt_mismatch(&c->where, "%s: %llu pending > batch %zu", s->o->name,
                     (unsigned long long)st.pending, c->batch_records);
    size_t size = size_of(s->path);
    size_t done = s->base + st.written;
    size_t lo = done ? s->m.ends[done - 1] : 0;
    if (exact && st.pending == 0)
        lo = s->m.len;
    if (size < lo || size > s->m.len)
        pbt_mismatch(&c->where, "%s: file size %zu, want %zu..%zu", s->o->name, size, lo,
                     s->m.len);
    if (!full)
        return;
    size_t len;
    const char *raw = read_file(s->path, &len);
    if (len > s->m.len || (len && memcmp(raw, s->m.bytes, len) != 0) ||
        (exact && len != s->m.len))
        pbt_mismatch(&c->where, "%s: file (%zu bytes) is not %s the model (%zu bytes)",
                     s->o->name, len, exact ? "equal to" : "a prefix of", s->m.len);
}

/* After a call that returned rc on side s, whose stats said pending_before
 * before it: an accepted append counts (the record joins the model), and
 * records the writer reports lost leave the model. Only the stdio peer
 * loses records, only in a call that failed, exactly those pending before
 * it; the file then ends at its last completed flush. */
static uint64_t failed_calls[SIDES];      /* calls that returned an I/O error */
static uint64_t losses, records_lost;     /* stdio's, over the run */

static void after_call(seqctx *c, side *s, int rc, uint64_t pending_before,
                       const char *rec, size_t len, int is_append)
{
    if (rc != 0 && rc != EINVAL)
        failed_calls[s - c->sides]++;
    if (is_append && rc == 0) {
        model_add(&s->m, rec, len);
        s->accepted++;
    }
    telemetry_stats st;
    telemetry_writer_stats(s->o, s->w, &st);
    if (st.lost == s->lost)
        return;
    uint64_t k = st.lost - s->lost;
    if (s->o != &telemetry_writer_stdio || rc == 0 || k != pending_before || st.pending)
        pbt_mismatch(&c->where, "%s: %llu records lost by a call that returned %d with"
                     " %llu pending before (%llu after)", s->o->name,
                     (unsigned long long)k, rc, (unsigned long long)pending_before,
                     (unsigned long long)st.pending);
    model_drop(&s->m, (size_t)k);
    s->lost = st.lost;
    losses++;
    records_lost += k;
    size_t size = size_of(s->path);
    if (size != s->m.len)
        pbt_mismatch(&c->where, "%s: file size %zu after losing %llu records, want %zu"
                     " (the last completed flush)", s->o->name, size,
                     (unsigned long long)k, s->m.len);
}

static uint64_t pending_of(const side *s)
{
    telemetry_stats st;
    telemetry_writer_stats(s->o, s->w, &st);
    return st.pending;
}

/* A closed writer's file is exactly its model. */
static void check_closed(seqctx *c, side *s)
{
    size_t len;
    const char *raw = read_file(s->path, &len);
    if (len != s->m.len || (len && memcmp(raw, s->m.bytes, len) != 0))
        pbt_mismatch(&c->where, "%s: closed file (%zu bytes) is not its model (%zu"
                     " bytes)", s->o->name, len, s->m.len);
}

/* A record for the next append into rec; its length. */
static size_t make_record(pbt_rng *r, char *rec)
{
    uint64_t k = pbt_below(r, 100);
    size_t len = k < 10 ? 0
               : k < 70 ? 1 + (size_t)pbt_below(r, 100)
               : k < 98 ? 100 + (size_t)pbt_below(r, 2901)
               : 4097 + (size_t)pbt_below(r, MAX_RECORD - 4096);
    for (size_t i = 0; i < len; i++)
        rec[i] = (char)(' ' + pbt_below(r, 95));
    if (len && pbt_below(r, 40) == 0)
        rec[pbt_below(r, len)] = '\n';
    return len;
}

/* Each side's model is kept from one sequence to the next (emptied, its
 * memory reused): a model grown afresh per sequence was, with the file
 * reads, most of this test's time under AddressSanitizer. */
static model models[SIDES];

static void run_sequence(unsigned seq, const char *dir, char *rec)
{
    seqctx c = { .where = { .test = "telemetry_writer_diff", .seed = BASE_SEED + seq,
                            .seq = seq, .describe = describe } };
    c.where.arg = &c;
    pbt_rng r = { BASE_SEED + seq };
    static const size_t batches[] = { 1, 2, 3, 7, 100, 0 };
    static const int64_t windows[] = { 1, 50, 5000, 0 };
    size_t batch = batches[pbt_below(&r, PBT_ARRAY_LEN(batches))];
    int64_t window = windows[pbt_below(&r, PBT_ARRAY_LEN(windows))];
    int durable = pbt_below(&r, 8) == 0;
    c.mode = (int)pbt_below(&r, 3);
    c.batch_records = batch ? batch : TELEMETRY_BATCH_RECORDS;
    snprintf(c.detail, sizeof c.detail, "mode=%s batch=%zu ms=%lld durable=%d",
             mode_names[c.mode], batch, (long long)window, durable);

    side sides[SIDES];
    memset(sides, 0, sizeof sides);
    c.sides = sides;
    for (int i = 0; i < SIDES; i++) {
        side *s = &sides[i];
        s->o = IMPLS[i];
        s->m = models[i];
        s->m.len = s->m.n = 0;
        s->f.fail_kind = -1;
        s->f.now_ms = 1000;
        s->io = (telemetry_io){ .open = h_open, .write = h_write, .fsync = h_fsync,
                                .arg = &s->f };
        /* stdio without faults: no hooks, its fdopen stream */
        int hooked = i != STDIO || c.mode != MODE_CLEAN;
        s->opts = (telemetry_options){ .clock = h_clock, .clock_arg = &s->f,
                                       .io = hooked ? &s->io : NULL,
                                       .durable = durable, .batch_records = batch,
                                       .batch_ms = window };
        snprintf(s->path, sizeof s->path, "%s/%s.jsonl", dir, s->o->name);
        unlink(s->path);
        side_open(&c, s);
    }

    size_t n_ops = 20 + (size_t)pbt_below(&r, 401);
    for (size_t step = 0; step < n_ops; step++) {
        c.where.step = step;
        uint64_t k = pbt_below(&r, 100);
        int rc[SIDES] = { 0 };
        if (k < 70) {
            c.where.op = "append";
            size_t len = make_record(&r, rec);
            int bad = memchr(rec, '\n', len) != NULL;
            for (int i = 0; i < SIDES; i++) {
                side *s = &sides[i];
                uint64_t pending = pending_of(s);
                rc[i] = telemetry_writer_append(s->o, s->w, rec, len);
                if (bad != (rc[i] == EINVAL))
                    pbt_mismatch(&c.where, "%s: append returned %d for a record %s"
                                 " a newline", s->o->name, rc[i],
                                 bad ? "with" : "without");
                after_call(&c, s, rc[i], pending, rec, len, 1);
                if (rc[i] != 0 && rc[i] != EINVAL && c.mode == MODE_RETRY) {
                    disarm(&s->f);
                    pending = pending_of(s);
                    int again = telemetry_writer_append(s->o, s->w, rec, len);
                    if (again != 0)
                        pbt_mismatch(&c.where, "%s: append failed with %d, then %d once"
                                     " the fault was cleared", s->o->name, rc[i], again);
                    rc[i] = again;
                    after_call(&c, s, again, pending, rec, len, 1);
                }
            }
        } else if (k < 80) {
            c.where.op = "clock";
            int64_t adv = pbt_below(&r, 5) == 0 ? 5000 + (int64_t)pbt_below(&r, 5001)
                                                : (int64_t)pbt_below(&r, 3001);
            for (int i = 0; i < SIDES; i++)
                sides[i].f.now_ms += adv;
        } else if (k < 90) {
            int poll = k < 85;
            c.where.op = poll ? "poll" : "flush";
            for (int i = 0; i < SIDES; i++) {
                side *s = &sides[i];
                uint64_t pending = pending_of(s);
                rc[i] = poll ? telemetry_writer_poll(s->o, s->w)
                             : telemetry_writer_flush(s->o, s->w);
                after_call(&c, s, rc[i], pending, NULL, 0, 0);
                if (rc[i] != 0 && c.mode == MODE_RETRY) {
                    disarm(&s->f);
                    pending = pending_of(s);
                    int again = telemetry_writer_flush(s->o, s->w);
                    if (again != 0)
                        pbt_mismatch(&c.where, "%s: %s failed with %d, then flush %d"
                                     " once the fault was cleared", s->o->name,
                                     c.where.op, rc[i], again);
                    rc[i] = again;
                    after_call(&c, s, again, pending, NULL, 0, 0);
                }
            }
        } else if (k < 93) {
            c.where.op = "short_writes";
            size_t mw = pbt_below(&r, 2) ? 1 + (size_t)pbt_below(&r, 50) : 0;
            for (int i = 0; i < SIDES; i++)
                sides[i].f.max_write = mw;
        } else if (k < 94) {
            c.where.op = "reopen";
            for (int i = 0; i < SIDES; i++) {
                side_close(&c, &sides[i]);
                check_closed(&c, &sides[i]);
                side_open(&c, &sides[i]);
            }
        } else if (c.mode != MODE_CLEAN) {
            c.where.op = k < 98 ? "arm" : "disarm";
            int kind = (int)pbt_below(&r, IO_KINDS);
            int nth = (int)pbt_below(&r, 4);
            int err = pbt_below(&r, 2) ? ENOSPC : EIO;
            for (int i = 0; i < SIDES; i++) {
                disarm(&sides[i].f);
                if (k < 98) {
                    sides[i].f.fail_kind = kind;
                    sides[i].f.fail_nth = nth;
                    sides[i].f.err = err;
                }
            }
        }
        if (c.mode == MODE_CLEAN &&
            (rc[NAIVE] != rc[OPTIMIZED] || rc[NAIVE] != rc[STDIO]))
            pbt_mismatch(&c.where, "return codes: naive=%d optimized=%d stdio=%d",
                         rc[NAIVE], rc[OPTIMIZED], rc[STDIO]);
        int full = step % 32 == 31;
        for (int i = 0; i < SIDES; i++)
            check_side(&c, &sides[i], full, i == NAIVE);
    }

    c.where.op = "close";
    for (int i = 0; i < SIDES; i++) {
        side_close(&c, &sides[i]);
        check_closed(&c, &sides[i]);
    }
    /* every record accepted by all (no fault, or each failure retried at
     * once): the files are the same bytes; but the stdio peer loses a
     * batch when a write fails, so it joins the comparison only when
     * clean */
    for (int i = OPTIMIZED; i < SIDES && c.mode != MODE_LOOSE; i++) {
        if (i == STDIO && c.mode != MODE_CLEAN)
            break;
        if (sides[NAIVE].m.len != sides[i].m.len ||
            memcmp(sides[NAIVE].m.bytes, sides[i].m.bytes, sides[NAIVE].m.len) != 0)
            pbt_mismatch(&c.where, "files differ: naive %zu bytes, %s %zu bytes",
                         sides[NAIVE].m.len, sides[i].o->name, sides[i].m.len);
    }
    for (int i = 0; i < SIDES; i++) {
        unlink(sides[i].path);
        models[i] = sides[i].m;
    }
}

static void test_diff(void **state)
{
    (void)state;
    struct stat sb;
    char dir[64];
    snprintf(dir, sizeof dir, "%s/telemetry_diff.XXXXXX",
             stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
    assert_non_null(mkdtemp(dir));
    char *rec = malloc(MAX_RECORD);
    assert_non_null(rec);
    for (unsigned seq = 0; seq < SEQUENCES; seq++)
        run_sequence(seq, dir, rec);
    /* the faults reached every writer (the stdio peer's cookie stream) */
    printf("telemetry_writer_diff: %u sequences; I/O errors returned: naive %llu,"
           " optimized %llu, stdio %llu; stdio lost %llu records in %llu failed calls\n",
           SEQUENCES, (unsigned long long)failed_calls[NAIVE],
           (unsigned long long)failed_calls[OPTIMIZED],
           (unsigned long long)failed_calls[STDIO], (unsigned long long)records_lost,
           (unsigned long long)losses);
    for (int i = 0; i < SIDES; i++)
        assert_true(failed_calls[i] > 0);
    assert_true(losses > 0);
    free(rec);
    for (int i = 0; i < SIDES; i++) {
        free(models[i].bytes);
        free(models[i].ends);
        models[i] = (model){ 0 };
    }
    free(read_buf);
    read_buf = NULL;
    read_cap = 0;
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests_name("telemetry_writer_diff", tests, NULL, NULL);
}
