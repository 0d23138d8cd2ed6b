/*
 * telemetry_writer: the telemetry exporter of seed 004 (one fs.appendFile
 * per record vs. a buffer written once per batch).
 *
 * A writer appends RECORDS to one file. A record is 0..SIZE_MAX-1 bytes
 * without a '\n' (the seed writes JSON lines); the writer stores it as one
 * LINE, the record followed by '\n'. So the file is a sequence of whole
 * lines, and a record is "in the file" when its whole line is.
 *
 * ACCEPTED. append returns 0 exactly when the record is accepted: it is in
 * the file (naive), or buffered and written by a later successful flush,
 * poll, append or close (optimized). Any other return code means the record
 * is NOT accepted and none of its bytes will ever be in the file, so a
 * caller may retry it without writing it twice. Over a writer's life (no
 * crash, and a close that returns 0) the file gains exactly the
 * concatenation of the lines of the accepted records, in append order, in
 * naive and optimized: that is the model the differential test checks. The
 * stdio peer meets it too, except that a failed write LOSES accepted
 * records (see STDIO below): its file is the accepted records less those
 * it reports lost (stats.lost), in order.
 *
 * Three implementations share this ops table:
 *   telemetry_writer_naive      the seed's "before", fs.appendFile per
 *                               record: open(O_WRONLY|O_APPEND|O_CREAT),
 *                               write the line, (fsync when durable), close.
 *   telemetry_writer_optimized  the fd stays open (O_APPEND); lines are
 *                               buffered and written with one write(2) per
 *                               batch (+ one fsync when durable).
 *   telemetry_writer_stdio      a peer: the optimized writer's batching
 *                               done with C stdio (fdopen, setvbuf
 *                               _IOFBF with a 512 KiB buffer, fwrite per
 *                               record, fflush + fsync where the optimized
 *                               one flushes). See STDIO.
 * How naive and optimized may legitimately differ: only in WHEN accepted
 * records reach the file. The naive one writes each record before append returns; the
 * optimized one holds up to batch_records accepted records in memory. After
 * a crash (kill -9 of the process) the naive file holds every accepted
 * record (and possibly the one in flight, whose append had not returned);
 * the optimized file holds every record of its completed flushes and loses
 * at most one batch: the records accepted since its last completed flush
 * (at most batch_records). Under injected failures they fail in different
 * calls (the naive one writes per record, the optimized one per batch), so
 * their return codes, hence their accepted sets, differ; each file is still
 * its own accepted records, whole.
 *
 * STDIO. The stdio peer flushes exactly when the optimized writer does
 * (WHEN THE OPTIMIZED WRITER WRITES, FLUSH, the crash bound: at most one
 * batch lost), with the same return codes in the same calls while no write
 * fails. It differs in these ways:
 *   - A failed write loses the batch. glibc discards its buffer when a
 *     write of it fails, so the records accepted since the last completed
 *     flush (stats.pending) are LOST, not kept for a retry: they move to
 *     stats.lost, the call returns the write's errno, and the file is cut
 *     back (ftruncate) to the end of the last completed flush, so none of
 *     their bytes stay, whole lines included (the optimized writer keeps
 *     the buffer and a retry continues it; its close keeps the whole lines
 *     a failed flush wrote). stdio cannot say which records were in the
 *     file when the write failed, hence the whole batch. A later append
 *     starts a new batch; the caller learns from the error (and
 *     stats.lost) that accepted records are gone, and may append them
 *     again: none of them is in the file.
 *   - If that cut fails (ftruncate: EIO...), the next append, flush, poll
 *     or close retries it first and fails with its errno while it fails;
 *     nothing is written meanwhile.
 *   - EINTR from write(2) is returned, not retried (glibc does not retry
 *     it; Linux does not interrupt writes to regular files).
 *   - A batch larger than the 512 KiB buffer is written in part by stdio
 *     whenever the buffer fills (more write(2) calls than the optimized
 *     writer's one, lines possibly split across them; stats.written still
 *     counts only completed flushes, and a crash may then leave part of
 *     the batch in the file). A write failing there fails that append
 *     (its record not accepted) and loses the batch as above.
 *   - append never allocates (no ENOMEM); open allocates the buffer and
 *     the FILE.
 *   - Its FILE is one of the process's streams: exit() and fflush(NULL)
 *     write its buffer too, outside its flush points (a process that
 *     exits without close keeps the pending records the others drop);
 *     a fork()ed child that calls exit() writes the parent's pending
 *     records a second time, so such children must _exit().
 *   - close returning 0 means every accepted record not reported lost
 *     (stats.lost) is in the file.
 *   - I/O hooks: see telemetry_io.
 *
 * WHEN THE OPTIMIZED WRITER WRITES. A buffer is DUE when it holds
 * batch_records records, or when it is not empty and now - (time of its
 * first record) >= batch_ms (now from the injected clock). append flushes a
 * due buffer BEFORE it buffers its own record (so append never writes the
 * record it is given, and the buffer never holds more than batch_records
 * records); poll flushes a due buffer; flush and close flush any non-empty
 * buffer. There is no timer thread: a buffer that became due is written by
 * the next append, poll, flush or close. A flush writes the buffer with one
 * write(2) (looping on short writes, each continuing where the last ended),
 * then fsyncs once when durable.
 *
 * TORN TAIL. A crash during a write can leave a partial last line. open
 * (every implementation, impl_shared/telemetry_writer_file.c) cuts the file
 * back to just after its last '\n' (to empty when it has none), fsync'ed
 * when durable, so the file holds only whole lines before anything is
 * appended. This assumes one writer per file: do not open a file another
 * writer is appending to. The bytes cut are reported in stats.torn_bytes.
 *
 * Every return code is 0 or a positive errno value. EINVAL is checked
 * before anything else and changes nothing. An I/O errno is that of the
 * failed call (open, write, fsync through the hooks; fstat, pread,
 * ftruncate, which are not hooked); a write(2) that returns 0 for a
 * non-empty buffer is EIO; EINTR is retried, never returned (stdio: see
 * STDIO).
 *
 * A writer is not thread-safe. Components count nothing of their own I/O:
 * system calls are counted by the harness, from the kernel.
 */
#ifndef PAIRBENCH_TELEMETRY_WRITER_H
#define PAIRBENCH_TELEMETRY_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TELEMETRY_BATCH_RECORDS 100     /* default batch_records */
#define TELEMETRY_BATCH_MS      5000    /* default batch_ms */

/* I/O hooks, called exactly where the writer calls the real function, to
 * inject ENOSPC, EIO or short writes. A NULL member is the real call. Each
 * returns what the real call returns (-1 with errno set on failure).
 *   open   open(path, flags, mode): at open, flags O_RDWR|O_CREAT|O_CLOEXEC
 *          (optimized: |O_APPEND), mode 0644, for the tail repair (naive:
 *          then closed; optimized: kept); naive append:
 *          O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, 0644.
 *   write  write(fd, buf, n): one call per line (naive) or per batch
 *          (optimized), more only after a short write.
 *   fsync  fsync(fd): when durable, after each line (naive) or batch
 *          (optimized), and after a tail repair that cut bytes.
 *   close  close(fd): naive after each append and after the repair;
 *          optimized in close (and when open fails after the open).
 * stdio: open and fsync as optimized. Its writes are stdio's own: with no
 * write or close hook the stream is fdopen's and stdio calls write(2) and
 * close(2) itself (the hooks are not called); with either hook set it is a
 * fopencookie stream on the same fd whose write calls the write hook (one
 * call per batch, more after a short write; a hook returning 0 is EIO) and
 * whose close calls the close hook, once, in close (or when open fails
 * after the open). */
typedef struct telemetry_io {
    int     (*open)(void *arg, const char *path, int flags, mode_t mode);
    ssize_t (*write)(void *arg, int fd, const void *buf, size_t n);
    int     (*fsync)(void *arg, int fd);
    int     (*close)(void *arg, int fd);
    void     *arg;                      /* passed to every hook */
} telemetry_io;

/* The clock, in milliseconds (any origin; it should not go back: a clock
 * that goes back only delays a time flush). */
typedef int64_t (*telemetry_clock_fn)(void *arg);

typedef struct telemetry_options {
    telemetry_clock_fn clock;           /* NULL: CLOCK_MONOTONIC in ms */
    void              *clock_arg;
    const telemetry_io *io;             /* NULL: the real calls; copied */
    int                durable;         /* 1: fsync after each line (naive)
                                           or each batch (optimized) */
    size_t             batch_records;   /* 0: TELEMETRY_BATCH_RECORDS */
    int64_t            batch_ms;        /* 0: TELEMETRY_BATCH_MS; < 0: EINVAL */
} telemetry_options;

/* The writer's own figures (not system-call counts). */
typedef struct telemetry_stats {
    uint64_t accepted;      /* appends that returned 0 */
    uint64_t written;       /* accepted records wholly in the file: naive
                               every accepted one; optimized those of
                               completed flushes (a flush completes when its
                               write does, even if its fsync then fails) */
    uint64_t pending;       /* accepted - written - lost: records held in
                               memory (naive: always 0) */
    uint64_t lost;          /* accepted records a failed write lost (see
                               STDIO); naive and optimized: always 0 */
    uint64_t torn_bytes;    /* bytes of a partial last line cut at open */
} telemetry_stats;

typedef struct telemetry_writer telemetry_writer;   /* opaque */

typedef struct telemetry_writer_ops {
    const char *name;                   /* "naive" | "optimized" | "stdio" */

    /* Opens a writer appending to `path` (copied; created 0644 less the
     * umask when missing, in both implementations) and repairs a torn tail
     * (see TORN TAIL). opts may be NULL (defaults). On 0, *out is the
     * writer. Else *out is NULL, nothing is allocated, no fd is left open
     * and the file is untouched unless the repair already cut it:
     *   EINVAL  out or path NULL, path empty, opts->batch_ms < 0
     *   ENOMEM  out of memory (stdio: also from fdopen/fopencookie, after
     *           the open and repair)
     *   errno   of the open (ENOENT for a missing directory, EACCES,
     *           EISDIR, EMFILE...), of fstat/pread/ftruncate in the repair,
     *           or of the fsync after a repair that cut bytes (durable). */
    int (*open)(telemetry_writer **out, const char *path, const telemetry_options *opts);

    /* Appends record[0..len) (record may be NULL when len is 0).
     *   0       accepted (see ACCEPTED)
     *   EINVAL  w NULL, record NULL with len > 0, or a '\n' in the record
     *   ENOMEM  no memory for the line (naive) or for the buffer to grow
     *           (optimized); nothing changed
     *   errno   of a failed open, write or fsync (ENOSPC, EIO, ...). The
     *           record is not accepted. Naive: none of its bytes stay in
     *           the file: the bytes of a failed or partial write, and after
     *           a failed fsync the whole line, are cut off again (fstat +
     *           ftruncate; if that fails too, before the next line is
     *           written, and that append fails with its errno). Optimized:
     *           the error is that of flushing the due buffer (see FLUSH);
     *           the record was not buffered. stdio: the error of that
     *           flush, or of stdio's own write when the record did not fit
     *           in its buffer; either way the batch is lost (see STDIO), or
     *           the errno of a cut still due from an earlier loss.
     * Naive: the close(2) after the write is not checked (Linux releases
     * the fd whatever close returns; the line is already written, and
     * fsync'ed when durable). stdio: never ENOMEM. */
    int (*append)(telemetry_writer *w, const void *record, size_t len);

    /* FLUSH: writes every buffered line, continuing after the bytes an
     * earlier failed flush already wrote (so a retry writes nothing twice
     * and loses nothing), then fsyncs when durable.
     *   0       nothing pending any more (naive: always, it holds nothing)
     *   EINVAL  w NULL
     *   errno   of the write: the buffer is kept whole, the bytes written
     *           so far are accounted (the file may end in part of a line
     *           until a retry completes it); of the fsync: the lines were
     *           written (stats.written counts them, the buffer is empty)
     *           but may not be durable; a retry has nothing to do.
     * stdio: the errno of a write loses the buffered records (see STDIO):
     * the file ends at the previous completed flush, a retry has nothing
     * to do; of the fsync as optimized. */
    int (*flush)(telemetry_writer *w);
    /* Flushes when the buffer is DUE (for a caller's periodic timer);
     * returns as flush, 0 when nothing was due. Naive: 0. */
    int (*poll)(telemetry_writer *w);

    /* Flushes what is pending, closes the file and frees the writer, always
     * (w is invalid afterwards, whatever the result). NULL: 0.
     *   0       every accepted record is in the file
     *   errno   of the flush's write: the records not wholly written are
     *           LOST, and a partial line written by the failed flush is cut
     *           off (best effort: otherwise the next open repairs it); call
     *           flush until it returns 0 before close to lose nothing.
     *           Of the flush's fsync or of close(2) (optimized): every
     *           accepted record is in the file, durability unknown.
     * Naive: 0 (nothing is pending, no fd is open), or the errno of cutting
     * off the bytes of a failed append when even that was still to do.
     * stdio: as optimized, except that a failed write cuts the file back
     * to the previous completed flush (see STDIO), and fclose's close
     * (close(2) or the close hook) gives the close errno. */
    int (*close)(telemetry_writer *w);

    /* Copies the writer's figures into *out. */
    void (*stats)(const telemetry_writer *w, telemetry_stats *out);
} telemetry_writer_ops;

extern const telemetry_writer_ops telemetry_writer_naive;
extern const telemetry_writer_ops telemetry_writer_optimized;
extern const telemetry_writer_ops telemetry_writer_stdio;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline int telemetry_writer_open(const telemetry_writer_ops *o, telemetry_writer **out, const char *path, const telemetry_options *opts) { return o->open(out, path, opts); }
static inline int telemetry_writer_append(const telemetry_writer_ops *o, telemetry_writer *w, const void *record, size_t len) { return o->append(w, record, len); }
static inline int telemetry_writer_flush(const telemetry_writer_ops *o, telemetry_writer *w) { return o->flush(w); }
static inline int telemetry_writer_poll(const telemetry_writer_ops *o, telemetry_writer *w) { return o->poll(w); }
static inline int telemetry_writer_close(const telemetry_writer_ops *o, telemetry_writer *w) { return o->close(w); }
static inline void telemetry_writer_stats(const telemetry_writer_ops *o, const telemetry_writer *w, telemetry_stats *out) { o->stats(w, out); }

#endif
