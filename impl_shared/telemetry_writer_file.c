/*
 * telemetry_writer_file: the file handling the telemetry writers share
 * (telemetry_writer_file.h): defaults, validation, the write loop, the tail
 * cut and the torn-tail repair at open.
 *
 * Costs: validation O(len) (one memchr); the repair one fstat, one pread
 * of the last 4 KiB when they hold a '\n' (the usual case: the file ends
 * in one), else more backward preads of 4 KiB until a '\n' (O(length of
 * the torn line)) and one ftruncate (+ fsync when durable). Only a regular
 * file is repaired (a device or FIFO is appended to as it is).
 */
#define _POSIX_C_SOURCE 200809L

#include "telemetry_writer_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int real_open(void *arg, const char *path, int flags, mode_t mode)
{
    (void)arg;
    return open(path, flags, mode);
}

static ssize_t real_write(void *arg, int fd, const void *buf, size_t n)
{
    (void)arg;
    return write(fd, buf, n);
}

static int real_fsync(void *arg, int fd)
{
    (void)arg;
    return fsync(fd);
}

static int real_close(void *arg, int fd)
{
    (void)arg;
    return close(fd);
}

static int64_t monotonic_ms(void *arg)
{
    (void)arg;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int telemetry_cfg_init(telemetry_cfg *cfg, const telemetry_options *opts)
{
    static const telemetry_options none;
    if (!opts)
        opts = &none;
    if (opts->batch_ms < 0)
        return EINVAL;
    memset(cfg, 0, sizeof *cfg);
    if (opts->io)
        cfg->io = *opts->io;
    if (!cfg->io.open)
        cfg->io.open = real_open;
    if (!cfg->io.write)
        cfg->io.write = real_write;
    if (!cfg->io.fsync)
        cfg->io.fsync = real_fsync;
    if (!cfg->io.close)
        cfg->io.close = real_close;
    cfg->clock = opts->clock ? opts->clock : monotonic_ms;
    cfg->clock_arg = opts->clock ? opts->clock_arg : NULL;
    cfg->durable = opts->durable != 0;
    cfg->batch_records = opts->batch_records ? opts->batch_records : TELEMETRY_BATCH_RECORDS;
    cfg->batch_ms = opts->batch_ms ? opts->batch_ms : TELEMETRY_BATCH_MS;
    return 0;
}

int telemetry_record_valid(const void *record, size_t len)
{
    if (len == 0)
        return 1;
    return record && len < SIZE_MAX && !memchr(record, '\n', len);
}

int telemetry_write_all(const telemetry_cfg *cfg, int fd, const char *buf, size_t len,
                        size_t *done)
{
    while (*done < len) {
        ssize_t n = cfg->io.write(cfg->io.arg, fd, buf + *done, len - *done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno ? errno : EIO;
        }
        if (n == 0)
            return EIO;
        *done += (size_t)n;
    }
    return 0;
}

int telemetry_cut_tail(int fd, uint64_t n)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return errno;
    if ((uint64_t)st.st_size < n)
        return EIO;                      /* someone else cut the file */
    if (ftruncate(fd, st.st_size - (off_t)n) != 0)
        return errno;
    return 0;
}

/* Offset just after the last '\n' of the first `size` bytes of fd (0 when
 * none), into *keep. 0 or errno. */
static int last_line_end(int fd, off_t size, off_t *keep)
{
    char chunk[4096];
    off_t end = size;
    while (end > 0) {
        size_t want = end < (off_t)sizeof chunk ? (size_t)end : sizeof chunk;
        off_t at = end - (off_t)want;
        size_t got = 0;
        while (got < want) {
            ssize_t r = pread(fd, chunk + got, want - got, at + (off_t)got);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                return errno;
            }
            if (r == 0)
                return EIO;              /* the file shrank under us */
            got += (size_t)r;
        }
        for (size_t i = want; i > 0; i--) {
            if (chunk[i - 1] == '\n') {
                *keep = at + (off_t)i;
                return 0;
            }
        }
        end = at;
    }
    *keep = 0;
    return 0;
}

int telemetry_open_repaired(const telemetry_cfg *cfg, const char *path, int extra_flags,
                            int *fd_out, uint64_t *torn_bytes)
{
    *fd_out = -1;
    *torn_bytes = 0;
    int fd = cfg->io.open(cfg->io.arg, path, O_RDWR | O_CREAT | O_CLOEXEC | extra_flags, 0644);
    if (fd < 0)
        return errno ? errno : EIO;
    int err = 0;
    struct stat st;
    off_t keep = 0;
    if (fstat(fd, &st) != 0) {
        err = errno;
    } else if (S_ISREG(st.st_mode) && st.st_size > 0) {
        /* the usual case: the last byte is '\n', one pread */
        err = last_line_end(fd, st.st_size, &keep);
        if (!err && keep < st.st_size) {
            if (ftruncate(fd, keep) != 0)
                err = errno;
            else if (cfg->durable && cfg->io.fsync(cfg->io.arg, fd) != 0)
                err = errno ? errno : EIO;
            if (!err)
                *torn_bytes = (uint64_t)(st.st_size - keep);
        }
    }
    if (err) {
        cfg->io.close(cfg->io.arg, fd);
        return err;
    }
    *fd_out = fd;
    return 0;
}
