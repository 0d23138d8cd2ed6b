/*
 * Unit tests of telemetry_writer, run once against every implementation
 * (naive, optimized, the stdio peer): the same test list is one cmocka
 * group per ops table. Every test works in its own mkdtemp directory under
 * /tmp (removed at its end) on real files; faults are injected through
 * telemetry_io hooks (for the stdio peer they route its stream through
 * fopencookie), a full device is /dev/full (no hooks: the stdio peer's
 * fdopen stream and the kernel's own ENOSPC), allocation failures by
 * pb_test_alloc.h (glibc, no sanitizer), the clock is injected.
 *
 * The crash test kills a writing child with SIGKILL 100 times per
 * implementation at a random moment (0-5 ms after its writer is open) and
 * checks the file (only whole
 * records, in order, no gap, no duplicate; naive: every acknowledged record;
 * optimized and stdio: every record of their last completed flush, at most
 * one batch lost) and prints the records lost per crash (mean and max) on
 * stdout.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE            /* MAP_ANONYMOUS */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pairbench/telemetry_writer.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

/* ---- helpers -------------------------------------------------------------- */

static const telemetry_writer_ops *ops_of(void **state)
{
    return (const telemetry_writer_ops *)*state;
}

/* optimized and stdio: lines held in memory, written per batch */
static int buffered(const telemetry_writer_ops *o)
{
    return o != &telemetry_writer_naive;
}

/* stdio: loses the batch when a write fails (telemetry_writer.h, STDIO) */
static int is_stdio(const telemetry_writer_ops *o)
{
    return o == &telemetry_writer_stdio;
}

typedef struct tdir {
    char dir[64];
    char path[128];            /* dir + "/t.jsonl" */
} tdir;

static void tdir_begin(tdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/telemetry_test.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/t.jsonl", t->dir);
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

static void write_raw(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* The file's content (caller frees; NUL-terminated, *len without it), or
 * NULL when it does not exist. */
static char *read_raw(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    char *buf = malloc((size_t)st.st_size + 1);
    assert_non_null(buf);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        assert_true(r > 0);
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
    if (len)
        *len = got;
    return buf;
}

static void assert_file_is(const char *path, const char *want)
{
    size_t len;
    char *got = read_raw(path, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(got, want, len);
    free(got);
}

static size_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (size_t)st.st_size;
}

/* ---- fault injection and the clock -------------------------------------------- */

enum { IO_OPEN, IO_WRITE, IO_FSYNC, IO_CLOSE, IO_KINDS };

typedef struct faults {
    int calls[IO_KINDS];       /* calls made so far, per kind */
    int fail_kind;             /* kind to fail, -1 = none */
    int fail_nth;              /* 1-based call number of that kind to fail; 0: every one */
    int err;                   /* errno to fail with */
    size_t max_write;          /* > 0: writes at most this many bytes per call */
    int64_t now_ms;            /* the injected clock */
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
    return write(fd, buf, f->max_write && n > f->max_write ? f->max_write : n);
}
static int h_fsync(void *arg, int fd)
{
    return hit(arg, IO_FSYNC) ? -1 : fsync(fd);
}
static int h_close(void *arg, int fd)
{
    int failed = hit(arg, IO_CLOSE);
    close(fd);                         /* Linux releases the fd anyway */
    if (failed)
        errno = ((faults *)arg)->err;
    return failed ? -1 : 0;
}
static int64_t h_clock(void *arg)
{
    return ((faults *)arg)->now_ms;
}

typedef struct rig {
    faults            f;
    telemetry_io      io;
    telemetry_options opts;
} rig;

/* Options with every hook and the clock pointing at r->f (no fault armed). */
static void rig_init(rig *r, int durable, size_t batch_records, int64_t batch_ms)
{
    memset(r, 0, sizeof *r);
    r->f.fail_kind = -1;
    r->io = (telemetry_io){ .open = h_open, .write = h_write, .fsync = h_fsync,
                            .close = h_close, .arg = &r->f };
    r->opts = (telemetry_options){ .clock = h_clock, .clock_arg = &r->f, .io = &r->io,
                                   .durable = durable, .batch_records = batch_records,
                                   .batch_ms = batch_ms };
}

static void arm(faults *f, int kind, int nth, int err)
{
    memset(f->calls, 0, sizeof f->calls);
    f->fail_kind = kind;
    f->fail_nth = nth;
    f->err = err;
}

static void disarm(faults *f)
{
    f->fail_kind = -1;
    memset(f->calls, 0, sizeof f->calls);
}

static int append_str(const telemetry_writer_ops *o, telemetry_writer *w, const char *s)
{
    return telemetry_writer_append(o, w, s, strlen(s));
}

static telemetry_stats stats_of(const telemetry_writer_ops *o, const telemetry_writer *w)
{
    telemetry_stats st;
    telemetry_writer_stats(o, w, &st);
    return st;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_einval(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    telemetry_writer *w = (telemetry_writer *)&t;          /* must be reset */
    assert_true(!strcmp(o->name, "naive") || !strcmp(o->name, "optimized") ||
                !strcmp(o->name, "stdio"));
    assert_int_equal(telemetry_writer_open(o, NULL, t.path, NULL), EINVAL);
    assert_int_equal(telemetry_writer_open(o, &w, NULL, NULL), EINVAL);
    assert_null(w);
    assert_int_equal(telemetry_writer_open(o, &w, "", NULL), EINVAL);
    telemetry_options bad = { .batch_ms = -1 };
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &bad), EINVAL);
    assert_null(w);
    assert_int_equal(access(t.path, F_OK), -1);             /* nothing created */
    assert_int_equal(telemetry_writer_append(o, NULL, "a", 1), EINVAL);
    assert_int_equal(telemetry_writer_flush(o, NULL), EINVAL);
    assert_int_equal(telemetry_writer_poll(o, NULL), EINVAL);
    assert_int_equal(telemetry_writer_close(o, NULL), 0);

    assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
    assert_non_null(w);
    assert_int_equal(file_size(t.path), 0);                 /* created at open */
    assert_int_equal(telemetry_writer_append(o, w, NULL, 1), EINVAL);
    assert_int_equal(telemetry_writer_append(o, w, "\n", 1), EINVAL);
    assert_int_equal(telemetry_writer_append(o, w, "a\nb", 3), EINVAL);
    assert_int_equal(telemetry_writer_append(o, w, "ab\n", 3), EINVAL);
    assert_int_equal(telemetry_writer_append(o, w, NULL, 0), 0);   /* empty record */
    telemetry_stats st = stats_of(o, w);
    assert_int_equal(st.accepted, 1);
    assert_int_equal(st.lost, 0);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "\n");

    char missing[192];
    snprintf(missing, sizeof missing, "%s/no/such/dir", t.dir);
    w = (telemetry_writer *)&t;
    assert_int_equal(telemetry_writer_open(o, &w, missing, NULL), ENOENT);
    assert_null(w);
    tdir_end(&t);
}

static void test_round_trip(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
    assert_int_equal(append_str(o, w, "{\"a\":1}"), 0);
    assert_int_equal(append_str(o, w, ""), 0);
    assert_int_equal(append_str(o, w, "bc"), 0);
    telemetry_stats st = stats_of(o, w);
    assert_int_equal(st.accepted, 3);
    assert_int_equal(st.written + st.pending, 3);
    assert_int_equal(st.pending, buffered(o) ? 3 : 0);
    assert_int_equal(telemetry_writer_flush(o, w), 0);
    assert_file_is(t.path, "{\"a\":1}\n\nbc\n");
    st = stats_of(o, w);
    assert_int_equal(st.written, 3);
    assert_int_equal(st.pending, 0);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    /* a second writer appends after what is there */
    assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
    assert_int_equal(append_str(o, w, "d"), 0);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "{\"a\":1}\n\nbc\nd\n");
    tdir_end(&t);
}

/* 100 records are one write(2) in the optimized writer, written by the
 * append of the 101st; the naive one writes each record. */
static void test_batch_of_100(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 0, 0);                                   /* defaults */
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(append_str(o, w, "0123456789"), 0);
    if (buffered(o)) {
        assert_int_equal(r.f.calls[IO_WRITE], 0);
        assert_int_equal(file_size(t.path), 0);
        assert_int_equal(telemetry_writer_poll(o, w), 0);      /* due: full */
        assert_int_equal(r.f.calls[IO_WRITE], 1);
        assert_int_equal(file_size(t.path), 1100);
        for (int i = 0; i < 100; i++)
            assert_int_equal(append_str(o, w, "0123456789"), 0);
        assert_int_equal(r.f.calls[IO_WRITE], 1);
        assert_int_equal(append_str(o, w, "x"), 0);            /* the 101st */
        assert_int_equal(r.f.calls[IO_WRITE], 2);
        assert_int_equal(file_size(t.path), 2200);
        telemetry_stats st = stats_of(o, w);
        assert_int_equal(st.written, 200);
        assert_int_equal(st.pending, 1);
    } else {
        assert_int_equal(r.f.calls[IO_WRITE], 100);
        assert_int_equal(r.f.calls[IO_OPEN], 101);             /* + the repair's */
        assert_int_equal(file_size(t.path), 1100);
    }
    assert_int_equal(r.f.calls[IO_FSYNC], 0);                  /* not durable */
    assert_int_equal(telemetry_writer_close(o, w), 0);
    tdir_end(&t);
}

/* The 5 s rule, by the injected clock. */
static void test_clock_flush(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 0, 0);
    r.f.now_ms = 1000000;
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    assert_int_equal(append_str(o, w, "a"), 0);
    r.f.now_ms += 4999;
    assert_int_equal(telemetry_writer_poll(o, w), 0);
    assert_int_equal(append_str(o, w, "b"), 0);
    if (buffered(o))
        assert_int_equal(file_size(t.path), 0);
    r.f.now_ms += 1;                                           /* 5000 since "a" */
    assert_int_equal(append_str(o, w, "c"), 0);
    if (buffered(o)) {
        assert_file_is(t.path, "a\nb\n");
        assert_int_equal(r.f.calls[IO_WRITE], 1);
        r.f.now_ms += 4999;                                    /* "c" is 4999 old */
        assert_int_equal(telemetry_writer_poll(o, w), 0);
        assert_file_is(t.path, "a\nb\n");
        r.f.now_ms += 1;
        assert_int_equal(telemetry_writer_poll(o, w), 0);
        assert_int_equal(r.f.calls[IO_WRITE], 2);
    }
    assert_file_is(t.path, "a\nb\nc\n");
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "a\nb\nc\n");
    if (buffered(o))
        assert_int_equal(r.f.calls[IO_WRITE], 2);              /* close: nothing left */
    tdir_end(&t);
}

static void test_close_flushes(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 0, 0);
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    for (int i = 0; i < 7; i++) {
        char rec[16];
        snprintf(rec, sizeof rec, "r%d", i);
        assert_int_equal(append_str(o, w, rec), 0);
    }
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "r0\nr1\nr2\nr3\nr4\nr5\nr6\n");
    assert_int_equal(r.f.calls[IO_WRITE], buffered(o) ? 1 : 7);
    tdir_end(&t);
}

/* ENOSPC on the write: the error is returned, the record is not accepted,
 * nothing is written twice or lost once the failure clears (stdio: the
 * batch is lost, said by stats.lost, none of it in the file), and the
 * records flushed before are intact. */
static void test_enospc_on_write(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 3, 0);
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    for (const char *s = "abcd"; *s; s++) {          /* a b c flushed by d */
        char rec[2] = { *s, 0 };
        assert_int_equal(append_str(o, w, rec), 0);
    }
    assert_file_is(t.path, buffered(o) ? "a\nb\nc\n" : "a\nb\nc\nd\n");
    assert_int_equal(append_str(o, w, "e"), 0);
    assert_int_equal(append_str(o, w, "f"), 0);
    arm(&r.f, IO_WRITE, 0, ENOSPC);                    /* the disk is full */
    /* optimized, stdio: d e f due, their write fails; naive: g's write fails */
    assert_int_equal(append_str(o, w, "g"), ENOSPC);
    if (is_stdio(o)) {
        /* d e f lost, the buffer empty: g is buffered, then lost by flush */
        telemetry_stats st = stats_of(o, w);
        assert_int_equal(st.lost, 3);
        assert_int_equal(st.pending, 0);
        assert_int_equal(st.written, 3);
        assert_file_is(t.path, "a\nb\nc\n");
        assert_int_equal(append_str(o, w, "g"), 0);
        assert_int_equal(telemetry_writer_flush(o, w), ENOSPC);
        assert_int_equal(telemetry_writer_flush(o, w), 0);     /* nothing left */
        st = stats_of(o, w);
        assert_int_equal(st.accepted, 7);
        assert_int_equal(st.lost, 4);
        assert_int_equal(st.pending, 0);
        disarm(&r.f);
        assert_int_equal(append_str(o, w, "g"), 0);
        assert_int_equal(telemetry_writer_close(o, w), 0);
        assert_file_is(t.path, "a\nb\nc\ng\n");
        tdir_end(&t);
        return;
    }
    assert_int_equal(append_str(o, w, "g"), ENOSPC);
    assert_int_equal(telemetry_writer_flush(o, w), buffered(o) ? ENOSPC : 0);
    telemetry_stats st = stats_of(o, w);
    assert_int_equal(st.accepted, 6);
    assert_int_equal(st.pending, buffered(o) ? 3 : 0);
    assert_int_equal(st.lost, 0);
    assert_file_is(t.path, buffered(o) ? "a\nb\nc\n" : "a\nb\nc\nd\ne\nf\n");
    disarm(&r.f);                                      /* space again */
    assert_int_equal(append_str(o, w, "g"), 0);
    assert_file_is(t.path, buffered(o) ? "a\nb\nc\nd\ne\nf\n" : "a\nb\nc\nd\ne\nf\ng\n");
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "a\nb\nc\nd\ne\nf\ng\n");
    tdir_end(&t);
}

/* Short writes complete the line or batch; a failure after a short write
 * leaves nothing twice: optimized continues after the bytes written, naive
 * cuts the partial line off, stdio cuts the lost batch off. */
static void test_short_writes(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 4, 0);
    r.f.max_write = 3;
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(append_str(o, w, "abcdefgh"), 0);
    assert_int_equal(telemetry_writer_flush(o, w), 0);
    assert_file_is(t.path, "abcdefgh\nabcdefgh\nabcdefgh\nabcdefgh\n");
    assert_int_equal(r.f.calls[IO_WRITE], 12);                 /* 36 bytes / 3 */

    /* 3 bytes written, then EIO */
    assert_int_equal(append_str(o, w, "123456"), 0);
    if (is_stdio(o)) {
        assert_int_equal(append_str(o, w, "789"), 0);
        arm(&r.f, IO_WRITE, 2, EIO);
        assert_int_equal(telemetry_writer_flush(o, w), EIO);
        assert_int_equal(file_size(t.path), 36);               /* "123" cut off */
        telemetry_stats st = stats_of(o, w);
        assert_int_equal(st.pending, 0);
        assert_int_equal(st.lost, 2);
        arm(&r.f, IO_WRITE, 1, EIO);
        assert_int_equal(telemetry_writer_flush(o, w), 0);     /* nothing left */
        assert_int_equal(r.f.calls[IO_WRITE], 0);
        disarm(&r.f);
        assert_int_equal(append_str(o, w, "123456"), 0);       /* again */
        assert_int_equal(append_str(o, w, "789"), 0);
        assert_int_equal(telemetry_writer_flush(o, w), 0);
        assert_int_equal(r.f.calls[IO_WRITE], 4);              /* 11 bytes / 3 */
    } else if (buffered(o)) {
        assert_int_equal(append_str(o, w, "789"), 0);
        arm(&r.f, IO_WRITE, 2, EIO);
        assert_int_equal(telemetry_writer_flush(o, w), EIO);
        assert_int_equal(file_size(t.path), 36 + 3);           /* "123" torn */
        assert_int_equal(stats_of(o, w).pending, 2);
        arm(&r.f, IO_WRITE, 1, EIO);
        assert_int_equal(telemetry_writer_flush(o, w), EIO);   /* no progress */
        disarm(&r.f);
        assert_int_equal(telemetry_writer_flush(o, w), 0);
        assert_int_equal(r.f.calls[IO_WRITE], 3);              /* 8 bytes left */
    } else {
        arm(&r.f, IO_WRITE, 2, EIO);
        assert_int_equal(append_str(o, w, "789"), EIO);
        assert_int_equal(file_size(t.path), 36 + 7);           /* cut again */
        disarm(&r.f);
        assert_int_equal(append_str(o, w, "789"), 0);
    }
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "abcdefgh\nabcdefgh\nabcdefgh\nabcdefgh\n123456\n789\n");
    tdir_end(&t);
}

/* durable: one fsync per record (naive) or per batch (optimized). A failed
 * fsync: naive cuts the line off (not accepted); optimized's lines are in
 * the file (accepted before), the error is returned once. */
static void test_fsync(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 1, 5, 0);
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(append_str(o, w, "rec"), 0);
    assert_int_equal(r.f.calls[IO_FSYNC], buffered(o) ? 1 : 10);
    assert_int_equal(telemetry_writer_flush(o, w), 0);
    assert_int_equal(r.f.calls[IO_FSYNC], buffered(o) ? 2 : 10);
    assert_int_equal(file_size(t.path), 40);

    assert_int_equal(append_str(o, w, "x"), 0);
    arm(&r.f, IO_FSYNC, 1, EIO);
    if (buffered(o)) {
        assert_int_equal(telemetry_writer_flush(o, w), EIO);
        assert_int_equal(file_size(t.path), 42);               /* written */
        telemetry_stats st = stats_of(o, w);
        assert_int_equal(st.pending, 0);
        assert_int_equal(st.written, 11);
        assert_int_equal(telemetry_writer_flush(o, w), 0);     /* nothing to redo */
        assert_int_equal(r.f.calls[IO_FSYNC], 1);
    } else {
        assert_int_equal(append_str(o, w, "y"), EIO);
        assert_int_equal(file_size(t.path), 42);               /* "y" cut off */
        assert_int_equal(stats_of(o, w).accepted, 11);
    }
    disarm(&r.f);
    assert_int_equal(append_str(o, w, "y"), 0);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    size_t len;
    char *raw = read_raw(t.path, &len);
    assert_int_equal(len, 44);
    assert_memory_equal(raw + 40, "x\ny\n", 4);
    free(raw);
    tdir_end(&t);
}

/* A failed open: of the writer (nothing allocated, *out NULL) and of the
 * naive per-record open (the record not accepted). */
static void test_open_failures(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 0, 0);
    telemetry_writer *w = (telemetry_writer *)&t;
    arm(&r.f, IO_OPEN, 1, EACCES);
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), EACCES);
    assert_null(w);
    disarm(&r.f);
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    assert_int_equal(append_str(o, w, "a"), 0);
    arm(&r.f, IO_OPEN, 1, EMFILE);
    assert_int_equal(append_str(o, w, "b"), buffered(o) ? 0 : EMFILE);
    disarm(&r.f);
    assert_int_equal(append_str(o, w, "c"), 0);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, buffered(o) ? "a\nb\nc\n" : "a\nc\n");
    /* a failed close(2) */
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    assert_int_equal(append_str(o, w, "d"), 0);
    arm(&r.f, IO_CLOSE, 0, EIO);
    assert_int_equal(append_str(o, w, "e"), 0);               /* naive: not checked */
    assert_int_equal(telemetry_writer_close(o, w), buffered(o) ? EIO : 0);
    disarm(&r.f);
    assert_file_is(t.path, buffered(o) ? "a\nb\nc\nd\ne\n" : "a\nc\nd\ne\n");
    tdir_end(&t);
}

/* close whose flush fails: the error is returned, everything is freed, the
 * records not written are lost (stdio: the whole batch) and no partial line
 * is left. */
static void test_close_failure(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 0, 0);
    r.f.max_write = 5;
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    assert_int_equal(append_str(o, w, "keep"), 0);
    assert_int_equal(telemetry_writer_flush(o, w), 0);
    assert_int_equal(append_str(o, w, "abc"), 0);
    assert_int_equal(append_str(o, w, "defghij"), 0);
    arm(&r.f, IO_WRITE, 2, ENOSPC);           /* "abc\nd" written, then ENOSPC */
    int rc = telemetry_writer_close(o, w);
    disarm(&r.f);
    if (is_stdio(o)) {
        assert_int_equal(rc, ENOSPC);
        assert_file_is(t.path, "keep\n");        /* the batch cut off, "abc" too */
    } else if (buffered(o)) {
        assert_int_equal(rc, ENOSPC);
        assert_file_is(t.path, "keep\nabc\n");              /* "d" cut off */
    } else {
        assert_int_equal(rc, 0);
        assert_file_is(t.path, "keep\nabc\ndefghij\n");
    }
    tdir_end(&t);
}

/* open cuts a torn last line; whole files are untouched. */
static void test_torn_tail_repair(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 1, 0, 0);
    telemetry_writer *w;
    static const struct { const char *in, *out; } cases[] = {
        { "a\nb\npar", "a\nb\n" },
        { "xyz", "" },
        { "a\nb\n", "a\nb\n" },
        { "\n", "\n" },
        { "", "" },
    };
    for (size_t i = 0; i < PBT_ARRAY_LEN(cases); i++) {
        write_raw(t.path, cases[i].in, strlen(cases[i].in));
        memset(r.f.calls, 0, sizeof r.f.calls);
        assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
        assert_file_is(t.path, cases[i].out);
        telemetry_stats st = stats_of(o, w);
        size_t cut = strlen(cases[i].in) - strlen(cases[i].out);
        assert_int_equal(st.torn_bytes, cut);
        assert_int_equal(r.f.calls[IO_FSYNC], cut ? 1 : 0);   /* durable */
        assert_int_equal(append_str(o, w, "new"), 0);
        assert_int_equal(telemetry_writer_close(o, w), 0);
        char want[32];
        snprintf(want, sizeof want, "%snew\n", cases[i].out);
        assert_file_is(t.path, want);
    }
    /* a torn line longer than the repair's 4 KiB read, after whole lines */
    size_t n = 3 + 10000;
    char *big = malloc(n);
    assert_non_null(big);
    memcpy(big, "ok\n", 3);
    memset(big + 3, 'x', 10000);
    write_raw(t.path, big, n);
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    assert_int_equal(stats_of(o, w).torn_bytes, 10000);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_file_is(t.path, "ok\n");
    /* the repair's fsync failing fails the open */
    write_raw(t.path, big, n);
    arm(&r.f, IO_FSYNC, 1, EIO);
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), EIO);
    assert_null(w);
    disarm(&r.f);
    free(big);
    tdir_end(&t);
}

/* Records larger than the optimized buffer's first size, and many of them. */
static void test_large_records(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
    size_t sizes[] = { 5000, 1, 100000, 0, 4095, 4096, 70000 };
    size_t total = 0;
    char *rec = malloc(100000);
    assert_non_null(rec);
    for (size_t i = 0; i < PBT_ARRAY_LEN(sizes); i++) {
        memset(rec, 'a' + (int)i, sizes[i]);
        assert_int_equal(telemetry_writer_append(o, w, rec, sizes[i]), 0);
        total += sizes[i] + 1;
    }
    assert_int_equal(telemetry_writer_close(o, w), 0);
    size_t len;
    char *raw = read_raw(t.path, &len);
    assert_int_equal(len, total);
    size_t at = 0;
    for (size_t i = 0; i < PBT_ARRAY_LEN(sizes); i++) {
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(raw[at + k], 'a' + (int)i);
        assert_int_equal(raw[at + sizes[i]], '\n');
        at += sizes[i] + 1;
    }
    free(raw);
    free(rec);
    tdir_end(&t);
}

/* An allocation failing anywhere in open or append: ENOMEM, nothing changed,
 * the retry succeeds. The stdio peer allocates nothing after open. */
static void test_enomem(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    if (!PBT_FAIL_INJECTION)
        skip();
    tdir t;
    tdir_begin(&t);
    telemetry_writer *w;
    int enomem = 0;
    for (long k = 0; k < 10; k++) {
        pbt_fail_at(k);
        int rc = telemetry_writer_open(o, &w, t.path, NULL);
        int missed = pbt_fail_pending();
        pbt_fail_never();
        if (rc == ENOMEM) {
            enomem++;
            assert_null(w);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(telemetry_writer_close(o, w), 0);
        if (missed)
            break;
    }
    assert_true(enomem >= (is_stdio(o) ? 3 : 1));      /* stdio: writer, buffer, FILE */
    assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
    char *rec = malloc(20000);
    assert_non_null(rec);
    memset(rec, 'r', 20000);
    size_t expect = 0;
    enomem = 0;
    int untouched = 0;                       /* appends that allocated nothing */
    for (int i = 0; i < 40; i++) {
        size_t len = (size_t)(i * 500);                    /* grows the buffer */
        telemetry_stats before = stats_of(o, w);
        pbt_fail_at(0);
        int rc = telemetry_writer_append(o, w, rec, len);
        untouched += pbt_fail_pending();
        pbt_fail_never();
        telemetry_stats after = stats_of(o, w);
        if (rc == ENOMEM) {
            enomem++;
            assert_memory_equal(&before, &after, sizeof before);
            assert_int_equal(telemetry_writer_append(o, w, rec, len), 0);
        } else {
            assert_int_equal(rc, 0);
        }
        expect += len + 1;
    }
    if (is_stdio(o)) {
        assert_int_equal(enomem, 0);
        assert_int_equal(untouched, 40);
    } else {
        assert_true(enomem >= (buffered(o) ? 3 : 40));
    }
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_int_equal(file_size(t.path), expect);
    free(rec);
    tdir_end(&t);
}

/* A full device, no hooks: /dev/full fails every write(2) with ENOSPC (the
 * kernel's own, through stdio's fdopen stream for the peer). Naive: the
 * append fails; optimized: flush and close fail and lose nothing before
 * close; stdio: the flush fails and loses the record, close has nothing
 * left. */
static void test_full_device(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    if (access("/dev/full", W_OK) != 0)
        skip();
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, "/dev/full", NULL), 0);
    assert_int_equal(stats_of(o, w).torn_bytes, 0);          /* not repaired */
    assert_int_equal(append_str(o, w, "a"), buffered(o) ? 0 : ENOSPC);
    assert_int_equal(telemetry_writer_flush(o, w), buffered(o) ? ENOSPC : 0);
    telemetry_stats st = stats_of(o, w);
    assert_int_equal(st.accepted, buffered(o) ? 1 : 0);
    assert_int_equal(st.written, 0);
    assert_int_equal(st.pending, is_stdio(o) || !buffered(o) ? 0 : 1);
    assert_int_equal(st.lost, is_stdio(o) ? 1 : 0);
    int kept = buffered(o) && !is_stdio(o);          /* optimized: still pending */
    assert_int_equal(telemetry_writer_flush(o, w), kept ? ENOSPC : 0);
    assert_int_equal(telemetry_writer_close(o, w), kept ? ENOSPC : 0);
}

/* The scenario's largest batch, 100 lines of 4096 bytes (400 KiB), is held
 * in memory until the 101st append writes it at once, with no hooks (the
 * stdio peer's fdopen stream: its setvbuf buffer is really 512 KiB, not
 * the 4 KiB glibc allocates when setvbuf is given no buffer). */
static void test_largest_batch_held(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    telemetry_writer *w;
    char *rec = malloc(4095);
    assert_non_null(rec);
    memset(rec, 'q', 4095);
    assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
    for (int i = 0; i < TELEMETRY_BATCH_RECORDS; i++) {
        assert_int_equal(telemetry_writer_append(o, w, rec, 4095), 0);
        assert_int_equal(file_size(t.path), buffered(o) ? 0 : (size_t)(i + 1) * 4096);
    }
    assert_int_equal(telemetry_writer_append(o, w, rec, 4095), 0);
    assert_int_equal(file_size(t.path),
                     (size_t)(TELEMETRY_BATCH_RECORDS + !buffered(o)) * 4096);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    assert_int_equal(file_size(t.path), (size_t)(TELEMETRY_BATCH_RECORDS + 1) * 4096);
    free(rec);
    tdir_end(&t);
}

/* A batch larger than stdio's 512 KiB buffer: stdio writes when its buffer
 * fills, inside an append; a write failing there fails that append and
 * loses the batch (none of it stays in the file). The others: naive fails
 * the append whose line cannot be written, optimized holds the batch. */
static void test_batch_over_buffer(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    rig r;
    rig_init(&r, 0, 0, 0);
    enum { BIG = 200000 };                   /* 3 lines fill 512 KiB */
    char *rec = malloc(BIG);
    assert_non_null(rec);
    memset(rec, 'z', BIG);
    telemetry_writer *w;
    assert_int_equal(telemetry_writer_open(o, &w, t.path, &r.opts), 0);
    assert_int_equal(append_str(o, w, "first"), 0);
    assert_int_equal(telemetry_writer_flush(o, w), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(telemetry_writer_append(o, w, rec, BIG), 0);
    assert_int_equal(file_size(t.path), buffered(o) ? 6 : 6 + 2 * (BIG + 1));
    arm(&r.f, IO_WRITE, 0, ENOSPC);
    int rc = telemetry_writer_append(o, w, rec, BIG);
    telemetry_stats st = stats_of(o, w);
    if (is_stdio(o)) {
        assert_int_equal(rc, ENOSPC);          /* the buffer filled: its write failed */
        assert_true(r.f.calls[IO_WRITE] >= 1);
        assert_int_equal(st.lost, 2);
        assert_int_equal(st.pending, 0);
        assert_int_equal(file_size(t.path), 6);
    } else {
        assert_int_equal(rc, buffered(o) ? 0 : ENOSPC);
        assert_int_equal(r.f.calls[IO_WRITE], buffered(o) ? 0 : 1);
        assert_int_equal(st.lost, 0);
    }
    disarm(&r.f);
    /* with room again: stdio writes each time its buffer fills */
    for (int i = 0; i < 3; i++)
        assert_int_equal(telemetry_writer_append(o, w, rec, BIG), 0);
    if (is_stdio(o))
        assert_true(r.f.calls[IO_WRITE] >= 1 && file_size(t.path) > 6);
    assert_int_equal(telemetry_writer_close(o, w), 0);
    size_t lines = is_stdio(o) ? 3 : buffered(o) ? 6 : 5;
    assert_int_equal(file_size(t.path), 6 + lines * (BIG + 1));
    free(rec);
    tdir_end(&t);
}

/* ---- the crash test ------------------------------------------------------------ */

#define CRASHES     100
#define CRASH_BATCH TELEMETRY_BATCH_RECORDS
/* The kill lands 0..CRASH_DELAY_US after the child's writer is open. A
 * batch of 100 records fills in well under 100 us here, so kill points
 * fall uniformly over the batch positions; 5 ms also gives the naive
 * writer hundreds of records. (It was 20 ms: four times the records to
 * write and check per crash, for the same kill points.) */
#define CRASH_DELAY_US 5000

typedef struct crash_page {
    atomic_int      ready;          /* the child's writer is open */
    atomic_uint_fast64_t acked;     /* records whose append returned 0 */
    atomic_uint_fast64_t flushed;   /* stats.written after the last append */
} crash_page;

/* The record of seq: "rec <seq> <padding of 0..63 'p' by seq>". */
static size_t crash_record(char *buf, size_t cap, uint64_t seq)
{
    int k = snprintf(buf, cap, "rec %08llu ", (unsigned long long)seq);
    uint64_t z = seq;
    size_t pad = (size_t)(pb_rand(&z) % 64);
    memset(buf + k, 'p', pad);
    return (size_t)k + pad;
}

static void crash_child(const telemetry_writer_ops *o, const char *path, crash_page *pg)
{
    telemetry_writer *w;
    if (telemetry_writer_open(o, &w, path, NULL) != 0)
        _exit(3);
    atomic_store(&pg->ready, 1);
    char rec[128];
    for (uint64_t seq = 0;; seq++) {
        if (seq >= 4000000) {                  /* enough: wait for the kill */
            for (;;)
                pause();
        }
        size_t len = crash_record(rec, sizeof rec, seq);
        if (telemetry_writer_append(o, w, rec, len) != 0)
            _exit(4);
        atomic_store(&pg->acked, seq + 1);
        telemetry_stats st;
        telemetry_writer_stats(o, w, &st);
        atomic_store(&pg->flushed, st.written);
    }
}

/* Checks that raw[0..len) is whole records 0, 1, ... except perhaps a
 * partial last line; returns the number of whole records. */
static uint64_t check_records(const char *raw, size_t len, size_t *whole_bytes)
{
    uint64_t n = 0;
    size_t at = 0;
    char want[128];
    for (;;) {
        const char *nl = memchr(raw + at, '\n', len - at);
        if (!nl)
            break;
        size_t line = (size_t)(nl - (raw + at));
        size_t wl = crash_record(want, sizeof want, n);
        if (line != wl || memcmp(raw + at, want, wl) != 0) {
            fprintf(stderr, "record %llu is wrong at byte %zu\n", (unsigned long long)n, at);
            fail();
        }
        n++;
        at += line + 1;
    }
    *whole_bytes = at;
    return n;
}

static void test_crash(void **state)
{
    const telemetry_writer_ops *o = ops_of(state);
    tdir t;
    tdir_begin(&t);
    crash_page *pg = mmap(NULL, sizeof *pg, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(pg != MAP_FAILED);
    pbt_rng rng = { 0x7e1e3e7c7a5400d1ULL };
    uint64_t lost_sum = 0, lost_max = 0, acked_sum = 0, torn = 0;
    for (int trial = 0; trial < CRASHES; trial++) {
        unlink(t.path);
        atomic_store(&pg->ready, 0);
        atomic_store(&pg->acked, 0);
        atomic_store(&pg->flushed, 0);
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            crash_child(o, t.path, pg);
        for (int i = 0; !atomic_load(&pg->ready); i++) {
            assert_true(i < 5000);                     /* 5 s */
            nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
        }
        long delay_us = (long)pbt_below(&rng, CRASH_DELAY_US + 1);
        nanosleep(&(struct timespec){ 0, delay_us * 1000 }, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        uint64_t acked = atomic_load(&pg->acked), flushed = atomic_load(&pg->flushed);

        size_t len, whole;
        char *raw = read_raw(t.path, &len);
        assert_non_null(raw);
        uint64_t on_disk = check_records(raw, len, &whole);
        if (whole < len)
            torn++;
        /* the open repair leaves exactly the whole records */
        telemetry_writer *w;
        assert_int_equal(telemetry_writer_open(o, &w, t.path, NULL), 0);
        assert_int_equal(stats_of(o, w).torn_bytes, len - whole);
        assert_int_equal(telemetry_writer_close(o, w), 0);
        assert_int_equal(file_size(t.path), whole);
        free(raw);

        assert_true(on_disk >= flushed);          /* every completed flush */
        assert_true(on_disk <= acked + 1);        /* at most the one in flight */
        uint64_t lost = acked > on_disk ? acked - on_disk : 0;
        if (buffered(o))
            assert_true(lost <= CRASH_BATCH);     /* at most one batch */
        else
            assert_int_equal(lost, 0);            /* every acked record */
        lost_sum += lost;
        acked_sum += acked;
        if (lost > lost_max)
            lost_max = lost;
    }
    printf("crash test %s: %d kill -9 crashes, records lost per crash mean %.2f max %llu"
           " (acknowledged records per crash mean %.0f, torn last lines %llu)\n",
           o->name, CRASHES, (double)lost_sum / CRASHES, (unsigned long long)lost_max,
           (double)acked_sum / CRASHES, (unsigned long long)torn);
    munmap(pg, sizeof *pg);
    tdir_end(&t);
}

/* ---- runner ----------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_einval),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_batch_of_100),
        cmocka_unit_test(test_clock_flush),
        cmocka_unit_test(test_close_flushes),
        cmocka_unit_test(test_enospc_on_write),
        cmocka_unit_test(test_short_writes),
        cmocka_unit_test(test_fsync),
        cmocka_unit_test(test_open_failures),
        cmocka_unit_test(test_close_failure),
        cmocka_unit_test(test_torn_tail_repair),
        cmocka_unit_test(test_large_records),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_full_device),
        cmocka_unit_test(test_largest_batch_held),
        cmocka_unit_test(test_batch_over_buffer),
        cmocka_unit_test(test_crash),
    };
    static const pbt_table tables[] = {
        { "naive", &telemetry_writer_naive },
        { "optimized", &telemetry_writer_optimized },
        { "stdio", &telemetry_writer_stdio },
    };
    return pbt_run_tables("telemetry_writer", tests, PBT_ARRAY_LEN(tests), tables,
                          PBT_ARRAY_LEN(tables)) != 0;
}
