/*
 * telemetry_writer_naive: the telemetry exporter of seed 004 as its
 * "before" code: every record is one fs.appendFile, i.e. open the file
 * (O_WRONLY|O_APPEND|O_CREAT), write the line, close. Nothing is buffered,
 * nothing is kept open between records.
 *
 * Costs per append (L = record length): one malloc + copy O(L) for the line
 * (as appendFile's line string), open + write + close (3 system calls,
 * about 14 us for 64 bytes here), + fsync when durable (milliseconds on a
 * disk). open: the shared torn-tail repair (open, fstat, pread, close).
 * flush and poll have nothing to do. The only extra work over appendFile
 * is on the failure path: the bytes of a failed line are cut off again
 * (fstat + ftruncate), so a record that was not accepted leaves nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include "pairbench/telemetry_writer.h"
#include "../impl_shared/telemetry_writer_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct telemetry_writer {
    telemetry_cfg   cfg;
    char           *path;
    uint64_t        cut_due;     /* bytes of a failed line still to cut off */
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
    if (err) {
        free(w);
        return err;
    }
    size_t n = strlen(path) + 1;
    w->path = malloc(n);
    if (!w->path) {
        free(w);
        return ENOMEM;
    }
    memcpy(w->path, path, n);
    int fd;
    err = telemetry_open_repaired(&w->cfg, w->path, 0, &fd, &w->st.torn_bytes);
    if (err) {
        free(w->path);
        free(w);
        return err;
    }
    w->cfg.io.close(w->cfg.io.arg, fd);
    *out = w;
    return 0;
}

/* Opens the file for one append (appendFile's open). fd or -1 (errno). */
static int open_append(telemetry_writer *w)
{
    return w->cfg.io.open(w->cfg.io.arg, w->path,
                          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

static int tw_append(telemetry_writer *w, const void *record, size_t len)
{
    if (!w || !telemetry_record_valid(record, len))
        return EINVAL;
    char *line = malloc(len + 1);
    if (!line)
        return ENOMEM;
    if (len)
        memcpy(line, record, len);
    line[len] = '\n';
    int fd = open_append(w);
    if (fd < 0) {
        int err = errno ? errno : EIO;
        free(line);
        return err;
    }
    int err = 0;
    if (w->cut_due) {
        err = telemetry_cut_tail(fd, w->cut_due);
        if (!err)
            w->cut_due = 0;
    }
    size_t done = 0;
    if (!err) {
        err = telemetry_write_all(&w->cfg, fd, line, len + 1, &done);
        if (!err && w->cfg.durable && w->cfg.io.fsync(w->cfg.io.arg, fd) != 0)
            err = errno ? errno : EIO;
        if (err && done && telemetry_cut_tail(fd, done) != 0)
            w->cut_due = done;           /* cut before the next line */
    }
    w->cfg.io.close(w->cfg.io.arg, fd);  /* see the header: not checked */
    free(line);
    if (err)
        return err;
    w->st.accepted++;
    w->st.written++;
    return 0;
}

static int tw_flush(telemetry_writer *w)
{
    return w ? 0 : EINVAL;
}

static int tw_close(telemetry_writer *w)
{
    if (!w)
        return 0;
    int err = 0;
    if (w->cut_due) {
        int fd = open_append(w);
        if (fd < 0) {
            err = errno ? errno : EIO;
        } else {
            err = telemetry_cut_tail(fd, w->cut_due);
            w->cfg.io.close(w->cfg.io.arg, fd);
        }
    }
    free(w->path);
    free(w);
    return err;
}

static void tw_stats(const telemetry_writer *w, telemetry_stats *out)
{
    *out = w->st;
}

const telemetry_writer_ops telemetry_writer_naive = {
    .name = "naive",
    .open = tw_open,
    .append = tw_append,
    .flush = tw_flush,
    .poll = tw_flush,
    .close = tw_close,
    .stats = tw_stats,
};
