/*
 * telemetry_writer_optimized: the telemetry exporter of seed 004 with its
 * fix, done carefully: the file stays open (O_APPEND), lines are copied
 * into one growable buffer and written with ONE write(2) per batch, when
 * the buffer is due (batch_records records, or batch_ms since its first
 * record by the injected clock), by the next append, poll, flush or close.
 *
 * Costs: append O(L) (one memcpy of the record, one clock read, amortized
 * O(1) growth: the buffer doubles and is never shrunk, so it settles at
 * about one batch of lines); one write(2) (+ one fsync when durable) per
 * batch, i.e. 1/batch_records system calls per record. open: the shared
 * torn-tail repair on the fd it keeps. Memory: the buffer, at most about
 * twice the bytes of batch_records lines.
 *
 * Failure handling: a failed write keeps the buffer whole and `done`
 * counts the bytes of it already in the file, so a retry continues after
 * them (nothing written twice, nothing lost). Every allocation an append
 * needs is made before any I/O, so ENOMEM changes nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include "pairbench/telemetry_writer.h"
#include "../impl_shared/telemetry_writer_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_CAP 4096

struct telemetry_writer {
    telemetry_cfg   cfg;
    int             fd;
    char           *buf;         /* len bytes of whole lines, cap allocated */
    size_t          len, cap;
    size_t          done;        /* bytes of buf already written */
    uint64_t        count;       /* records in buf */
    int64_t         first_ms;    /* clock at the first record in buf */
    telemetry_stats st;
};

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
    if (!err)
        err = telemetry_open_repaired(&w->cfg, path, O_APPEND, &w->fd, &w->st.torn_bytes);
    if (err) {
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

/* Room for `need` bytes in the buffer after its first `keep`. 0 or ENOMEM
 * (buffer unchanged). */
static int reserve(telemetry_writer *w, size_t keep, size_t need)
{
    if (need > SIZE_MAX - keep)
        return ENOMEM;
    size_t want = keep + need;
    if (want <= w->cap)
        return 0;
    size_t cap = w->cap ? w->cap : MIN_CAP;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    char *b = realloc(w->buf, cap);
    if (!b)
        return ENOMEM;
    w->buf = b;
    w->cap = cap;
    return 0;
}

/* Writes the rest of the buffer, then fsyncs when durable (see FLUSH). */
static int flush_buffer(telemetry_writer *w)
{
    if (w->count == 0)
        return 0;
    int err = telemetry_write_all(&w->cfg, w->fd, w->buf, w->len, &w->done);
    if (err)
        return err;
    w->st.written += w->count;
    w->st.pending = 0;
    w->count = 0;
    w->len = w->done = 0;
    if (w->cfg.durable && w->cfg.io.fsync(w->cfg.io.arg, w->fd) != 0)
        return errno ? errno : EIO;
    return 0;
}

static int tw_append(telemetry_writer *w, const void *record, size_t len)
{
    if (!w || !telemetry_record_valid(record, len))
        return EINVAL;
    int64_t now = w->cfg.clock(w->cfg.clock_arg);
    int due = is_due(w, now);
    if (reserve(w, due ? 0 : w->len, len + 1) != 0)
        return ENOMEM;
    if (due) {
        int err = flush_buffer(w);
        if (err)
            return err;
    }
    if (len)
        memcpy(w->buf + w->len, record, len);
    w->buf[w->len + len] = '\n';
    w->len += len + 1;
    if (w->count++ == 0)
        w->first_ms = now;
    w->st.accepted++;
    w->st.pending++;
    return 0;
}

static int tw_flush(telemetry_writer *w)
{
    return w ? flush_buffer(w) : EINVAL;
}

static int tw_poll(telemetry_writer *w)
{
    if (!w)
        return EINVAL;
    if (w->count == 0 || !is_due(w, w->cfg.clock(w->cfg.clock_arg)))
        return 0;
    return flush_buffer(w);
}

static int tw_close(telemetry_writer *w)
{
    if (!w)
        return 0;
    int err = flush_buffer(w);
    if (err && w->count) {
        /* the write failed: cut off a partial line it left (best effort;
         * the next open's repair cuts it otherwise) */
        size_t whole = w->done;
        while (whole > 0 && w->buf[whole - 1] != '\n')
            whole--;
        if (w->done > whole)
            (void)telemetry_cut_tail(w->fd, w->done - whole);
    }
    if (w->cfg.io.close(w->cfg.io.arg, w->fd) != 0 && !err)
        err = errno ? errno : EIO;
    free(w->buf);
    free(w);
    return err;
}

static void tw_stats(const telemetry_writer *w, telemetry_stats *out)
{
    *out = w->st;
}

const telemetry_writer_ops telemetry_writer_optimized = {
    .name = "optimized",
    .open = tw_open,
    .append = tw_append,
    .flush = tw_flush,
    .poll = tw_poll,
    .close = tw_close,
    .stats = tw_stats,
};
