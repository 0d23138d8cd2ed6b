/*
 * checkpoint: the resilience manager's emergency checkpoint of seed 004
 * ("Emergency checkpoint includes full roadmap (MB-sized)", fixed with "a
 * minimal snapshot with only essential metrics"), read from a real SQLite
 * roadmap database (impl_shared/shared_roadmap.h) and written to a real
 * file.
 *
 *   checkpoint_naive      the full roadmap: every task with all its fields,
 *                         its dependencies and its 5 most recent events, as
 *                         one JSON document built in memory (cJSON) and
 *                         printed: O(N + D + E) bytes, a heap of the whole
 *                         tree
 *   checkpoint_optimized  the essential metrics only: the status counts and
 *                         the ids of the tasks in progress (what a restart
 *                         resumes), from two aggregate queries, as a small
 *                         JSON document: O(in-progress tasks) bytes
 * Both documents carry the same essential part, so ckpt_load() of either
 * gives the same ckpt_info for the same roadmap; that is what the two are
 * compared on. What may differ is everything else: the file's size and
 * bytes, and that only the naive one holds the tasks' details.
 *
 * Writing is atomic in both, the same code: the document goes to
 * "<path>.tmp" (created or truncated, 0644 less the umask), is fsync()ed,
 * closed and renamed over path, then the directory is fsync()ed. A crash
 * at any point (kill -9, power loss after the fsyncs) leaves path holding
 * the previous checkpoint or the new one, whole, and at most a stale
 * "<path>.tmp", which open() removes and the next write replaces. One
 * writer per path: two handles writing the same path share the temp file.
 *
 * Return codes: CK_OK; CK_EINVAL (NULL arguments, a path of PATH_MAX - 5
 * bytes or more: nothing done); CK_ENOMEM; CK_EIO (SQLite failed reading
 * the roadmap, or a step of the write up to the rename failed: the temp
 * file is removed and path is untouched, the old checkpoint intact; errno
 * of the failed call, ENOSPC on a full disk, in ckpt->error()'s message);
 * CK_EDIRSYNC (only the directory's fsync failed: the new checkpoint is in
 * place but its rename may not survive a power loss); CK_ENOENT, CK_ECORRUPT
 * (ckpt_load only). Every failure leaves the handle usable.
 */
#ifndef PAIRBENCH_CHECKPOINT_H
#define PAIRBENCH_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { CK_OK = 0, CK_EINVAL = 1, CK_ENOMEM = 2, CK_EIO = 3, CK_EDIRSYNC = 4,
       CK_ENOENT = 5, CK_ECORRUPT = 6 };

/* The I/O a write does, for tests that make a call fail (a full disk, a
 * failing fsync, a rename that cannot be done). NULL hooks, or a NULL
 * ckpt_io, are the real calls; a hook returns what the call would, with
 * errno set. */
typedef struct ckpt_io {
    ssize_t (*write)(void *arg, int fd, const void *buf, size_t len);
    int     (*fsync)(void *arg, int fd);
    int     (*rename)(void *arg, const char *from, const char *to);
    void     *arg;
} ckpt_io;

/* The essential part of a checkpoint, as ckpt_load() reads it. */
typedef struct ckpt_info {
    int      full;               /* 1: the naive document, 0: the minimal */
    int64_t  taken_at;           /* the caller's timestamp */
    int64_t  total, pending, in_progress, blocked, done, other;
    int64_t  in_progress_listed; /* ids listed, == in_progress */
    uint64_t in_progress_digest; /* of the listed ids, in their order (by id) */
    int64_t  tasks_listed;       /* full: tasks in the document; minimal: 0 */
} ckpt_info;

typedef struct checkpoint checkpoint;     /* opaque */
struct sqlite3;

typedef struct checkpoint_ops {
    const char *name;                     /* "naive" | "optimized" */
    /* Opens the roadmap at db_path (read-only) for checkpoints written to
     * ckpt_path, through io (NULL: the real calls; kept by pointer, it
     * must outlive the handle), and removes a stale "<ckpt_path>.tmp".
     * CK_OK with *out; CK_EINVAL, CK_ENOMEM, CK_EIO (ckpt_open_error()). */
    int  (*open)(const char *db_path, const char *ckpt_path, const ckpt_io *io,
                 checkpoint **out);
    void (*close)(checkpoint *c);         /* NULL is a no-op */
    struct sqlite3 *(*db)(checkpoint *c); /* for the harness's SQL probe */
    const char *(*error)(checkpoint *c);  /* last failure's message, "" */
    /* Writes a checkpoint of the roadmap as it is now, stamped taken_at,
     * atomically to ckpt_path. */
    int  (*write)(checkpoint *c, int64_t taken_at);
} checkpoint_ops;

extern const checkpoint_ops checkpoint_naive;
extern const checkpoint_ops checkpoint_optimized;

/* The message of the last failed open in this thread ("" if none). */
const char *ckpt_open_error(void);

/* Reads and validates the checkpoint at path, either kind: a JSON object
 * with "format": "pairbench-checkpoint", "version": 1, "kind", "taken_at",
 * "counts" (six non-negative integers summing to "total"), "in_progress"
 * (ids in non-decreasing byte order, a NULL id written as "", as many as
 * counts.in_progress) and, when
 * full, "tasks" (one object per task, as many as the total, each with an
 * "id" and a "status" agreeing with the counts). CK_OK with *out;
 * CK_ENOENT (no file), CK_EIO (cannot be opened or read), CK_ECORRUPT
 * (anything else: not JSON, a field missing or of the wrong type, counts
 * that disagree, more than 1 GiB), CK_ENOMEM; *out is zeroed on failure.
 * Never crashes on any input (a fuzz target runs it). */
int ckpt_load(const char *path, ckpt_info *out);

#endif
