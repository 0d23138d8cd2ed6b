/*
 * telemetry_writer_stdio: the telemetry exporter's buffered writer done the
 * way a C programmer would reach for first: C stdio. The file is opened
 * (O_APPEND, with the shared torn-tail repair) and wrapped in a FILE
 * (fdopen) whose buffer is set with setvbuf(_IOFBF) to STDIO_BUFFER_BYTES,
 * 512 KiB: the capacity the optimized writer's doubling buffer settles at
 * for a batch of the suite's largest lines (100 x 4096 bytes = 400 KiB,
 * rounded up to its power of two), so stdio never writes on its own in the
 * scenarios and the comparison is about the mechanism, not the size. The
 * buffer is this writer's own malloc: glibc IGNORES the size given to
 * setvbuf(f, NULL, _IOFBF, size) and allocates st_blksize (4 KiB) instead.
 * Each record is one fwrite plus one putc('\n'); the stream is fflush'ed
 * (+ fsync when durable) exactly when the optimized writer flushes (a DUE
 * buffer before the next append buffers its record, poll, flush, close).
 *
 * Where a write or close hook is set (telemetry_io), stdio's writes must go
 * through them: the stream is then a fopencookie stream over the same fd,
 * whose write function calls the hook, looping on short writes as glibc's
 * own file write does, and whose close calls the close hook. The buffering
 * is glibc's same fileops code either way; only its innermost write(2)
 * call changes. Without such hooks (the scenarios) the stream is fdopen's.
 *
 * Costs: append O(L) (fwrite's memcpy into the buffer, one putc, one clock
 * read); one write(2) (+ one fsync when durable) per batch, i.e.
 * 1/batch_records system calls per record, as long as a batch fits in the
 * buffer (a larger one makes stdio write each time the buffer fills). No
 * allocation after open. open: the shared repair, one fstat, fdopen's
 * fcntl; memory: the 512 KiB buffer (touched only as far as a batch
 * reaches) and the FILE.
 *
 * Failures: glibc DISCARDS its buffer when a write fails (a retried fflush
 * has nothing to write), so the records buffered since the last completed
 * flush are lost. The writer says so (stats.lost), and cuts the file back
 * to the end of that flush (ftruncate to a size it tracks), so neither a
 * partial line nor a whole line of the lost batch stays.
 */
#define _GNU_SOURCE             /* fopencookie, __fpurge */

#include "pairbench/telemetry_writer.h"
#include "../impl_shared/telemetry_writer_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STDIO_BUFFER_BYTES (512u * 1024u)

struct telemetry_writer {
    telemetry_cfg   cfg;
    int             fd;
    FILE           *f;
    char           *buf;          /* stdio's buffer, STDIO_BUFFER_BYTES */
    int             regular;      /* a regular file: failed bytes are cut */
    int             cut_due;      /* that cut failed: retry before writing */
    uint64_t        flushed_end;  /* file size after the last completed flush */
    uint64_t        count;        /* records buffered since then */
    uint64_t        count_bytes;  /* their lines' bytes */
    int64_t         first_ms;     /* clock at the first of them */
    telemetry_stats st;
};

/* ---- the cookie stream: stdio's writes and close through the hooks ---- */

/* As glibc's file write: loops on short writes, stops at the first error
 * (EINTR included) and returns the bytes written; fewer than n is a
 * failure for stdio. A write returning 0 is EIO. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
    telemetry_writer *w = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t k = w->cfg.io.write(w->cfg.io.arg, w->fd, buf + done, n - done);
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            break;
        }
        done += (size_t)k;
    }
    return (ssize_t)done;
}

static int cookie_close(void *cookie)
{
    telemetry_writer *w = cookie;
    return w->cfg.io.close(w->cfg.io.arg, w->fd);
}

/* ---- the writer ---------------------------------------------------------------- */

static int tw_open(telemetry_writer **out, const char *path, const telemetry_options *opts)
{
    if (out)
        *out = NULL;
    if (!out || !path || !*path)
        return EINVAL;
    telemetry_writer *w = calloc(1, sizeof *w);
    if (!w)
        return ENOMEM;
    int err = telemetry_cfg_init(&w->cfg, opts);
    if (!err && !(w->buf = malloc(STDIO_BUFFER_BYTES)))
        err = ENOMEM;
    if (!err)
        err = telemetry_open_repaired(&w->cfg, path, O_APPEND, &w->fd, &w->st.torn_bytes);
    if (err) {
        free(w->buf);
        free(w);
        return err;
    }
    struct stat st;
    if (fstat(w->fd, &st) != 0) {
        err = errno;
    } else {
        w->regular = S_ISREG(st.st_mode);
        w->flushed_end = (uint64_t)st.st_size;
        int hooked = opts && opts->io && (opts->io->write || opts->io->close);
        errno = 0;
        if (hooked)
            w->f = fopencookie(w, "w", (cookie_io_functions_t){ .write = cookie_write,
                                                                .close = cookie_close });
        else
            w->f = fdopen(w->fd, "a");
        if (!w->f)
            err = errno ? errno : ENOMEM;
        else if (setvbuf(w->f, w->buf, _IOFBF, STDIO_BUFFER_BYTES) != 0)
            err = EIO;                  /* glibc: only for a bad mode */
    }
    if (err) {
        if (w->f)
            fclose(w->f);               /* closes the fd */
        else
            w->cfg.io.close(w->cfg.io.arg, w->fd);
        free(w->buf);
        free(w);
        return err;
    }
    *out = w;
    return 0;
}

static int is_due(const telemetry_writer *w, int64_t now)
{
    return telemetry_batch_due(&w->cfg, w->count, w->first_ms, now);
}

/* A write failed and stdio discarded its buffer: the records buffered since
 * the last completed flush are lost; cut the file back to where that flush
 * ended (a failed cut is retried by the next call, see settle). */
static void lose_batch(telemetry_writer *w)
{
    __fpurge(w->f);                     /* glibc emptied it already: be sure */
    clearerr(w->f);
    w->st.lost += w->count;
    w->st.pending = 0;
    w->count = w->count_bytes = 0;
    if (w->regular && ftruncate(w->fd, (off_t)w->flushed_end) != 0)
        w->cut_due = 1;
}

/* Before anything is written: a cut still due. 0 or its errno. */
static int settle(telemetry_writer *w)
{
    if (!w->cut_due)
        return 0;
    if (ftruncate(w->fd, (off_t)w->flushed_end) != 0)
        return errno;
    w->cut_due = 0;
    return 0;
}

/* fflush, then fsync when durable (see FLUSH in the header). */
static int flush_stream(telemetry_writer *w)
{
    if (w->count == 0)
        return 0;
    errno = 0;
    if (fflush(w->f) != 0) {
        int err = errno ? errno : EIO;
        lose_batch(w);
        return err;
    }
    w->st.written += w->count;
    w->st.pending = 0;
    w->flushed_end += w->count_bytes;
    w->count = w->count_bytes = 0;
    if (w->cfg.durable && w->cfg.io.fsync(w->cfg.io.arg, w->fd) != 0)
        return errno ? errno : EIO;
    return 0;
}

static int tw_append(telemetry_writer *w, const void *record, size_t len)
{
    if (!w || !telemetry_record_valid(record, len))
        return EINVAL;
    int err = settle(w);
    if (err)
        return err;
    int64_t now = w->cfg.clock(w->cfg.clock_arg);
    if (is_due(w, now) && (err = flush_stream(w)) != 0)
        return err;
    errno = 0;
    if ((len && fwrite(record, 1, len, w->f) != len) || putc('\n', w->f) == EOF) {
        /* the buffer filled, and stdio's own write of it failed */
        err = errno ? errno : EIO;
        lose_batch(w);
        return err;
    }
    if (w->count++ == 0)
        w->first_ms = now;
    w->count_bytes += len + 1;
    w->st.accepted++;
    w->st.pending++;
    return 0;
}

static int tw_flush(telemetry_writer *w)
{
    if (!w)
        return EINVAL;
    int err = settle(w);
    return err ? err : flush_stream(w);
}

static int tw_poll(telemetry_writer *w)
{
    if (!w)
        return EINVAL;
    int err = settle(w);
    if (err || w->count == 0 || !is_due(w, w->cfg.clock(w->cfg.clock_arg)))
        return err;
    return flush_stream(w);
}

static int tw_close(telemetry_writer *w)
{
    if (!w)
        return 0;
    int err = settle(w);
    if (!err)
        err = flush_stream(w);
    /* the buffer is empty now: fclose writes nothing, it closes the fd
     * (fdopen: close(2); a cookie stream: the close hook) */
    errno = 0;
    if (fclose(w->f) != 0 && !err)
        err = errno ? errno : EIO;
    free(w->buf);
    free(w);
    return err;
}

static void tw_stats(const telemetry_writer *w, telemetry_stats *out)
{
    *out = w->st;
}

const telemetry_writer_ops telemetry_writer_stdio = {
    .name = "stdio",
    .open = tw_open,
    .append = tw_append,
    .flush = tw_flush,
    .poll = tw_poll,
    .close = tw_close,
    .stats = tw_stats,
};
