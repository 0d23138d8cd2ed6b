/*
 * telemetry_writer_file: what impl_naive/telemetry_writer.c,
 * impl_optimized/telemetry_writer.c and impl_peer/telemetry_writer_stdio.c
 * share where the seed's fix does not touch it (not part of any ops
 * table): the resolved I/O hooks and clock, record validation, the batch
 * DUE rule of the two buffered writers, the write loop, cutting bytes off
 * the file's end and the open-time repair of a torn tail.
 */
#ifndef PAIRBENCH_TELEMETRY_WRITER_FILE_H
#define PAIRBENCH_TELEMETRY_WRITER_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pairbench/telemetry_writer.h"

/* Options with every default filled in: hooks and clock never NULL. */
typedef struct telemetry_cfg {
    telemetry_io       io;
    telemetry_clock_fn clock;
    void              *clock_arg;
    int                durable;
    size_t             batch_records;
    int64_t            batch_ms;
} telemetry_cfg;

/* The DUE rule of the buffered writers (telemetry_writer.h, WHEN THE
 * OPTIMIZED WRITER WRITES): `count` records buffered, the first at
 * first_ms; 1 when they must be written now. */
static inline int telemetry_batch_due(const telemetry_cfg *cfg, uint64_t count,
                                      int64_t first_ms, int64_t now)
{
    return count > 0 && (count >= cfg->batch_records || now - first_ms >= cfg->batch_ms);
}

/* Fills *cfg from opts (NULL: defaults). 0, or EINVAL (batch_ms < 0). */
int  telemetry_cfg_init(telemetry_cfg *cfg, const telemetry_options *opts);
/* 1 when record[0..len) is a valid record (no '\n'; NULL only when len 0). */
int  telemetry_record_valid(const void *record, size_t len);
/* Writes buf[*done..len) to fd through cfg->io, looping on short writes and
 * EINTR; *done grows by every byte written, also when it fails. 0, or the
 * errno of the failed write (EIO for a write returning 0). */
int  telemetry_write_all(const telemetry_cfg *cfg, int fd, const char *buf, size_t len,
                         size_t *done);
/* Cuts the last n bytes off the file open on fd (fstat + ftruncate, not
 * hooked). 0, or errno. */
int  telemetry_cut_tail(int fd, uint64_t n);
/* Opens path through cfg->io with O_RDWR|O_CREAT|O_CLOEXEC|extra_flags,
 * 0644, and repairs a torn tail: cuts the file back to just after its last
 * '\n' (to empty without one), then fsyncs when durable and bytes were cut.
 * 0 with *fd_out open and *torn_bytes the bytes cut; else the errno (the fd
 * closed again, *fd_out -1). */
int  telemetry_open_repaired(const telemetry_cfg *cfg, const char *path, int extra_flags,
                             int *fd_out, uint64_t *torn_bytes);

#endif
