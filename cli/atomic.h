/*
 * Atomic file writes and `mkdir -p` for the commands (cli/atomic.c).
 *
 * A file is written to PATH.tmp.PID in PATH's own directory (created with
 * O_EXCL), flushed and fsync'ed, renamed over PATH, and the directory is
 * fsync'ed: a reader sees the old file or the whole new one, never a part.
 * On every failure the temporary is unlinked. A PATH whose temporary name
 * would be too long (a last component over NAME_MAX or a whole path over
 * PATH_MAX once ".tmp.PID" is added) is refused with ENAMETOOLONG rather
 * than cut, and a PATH that is a directory with EISDIR, both before
 * anything is created. Temporaries PATH.tmp.PID of a PID that no longer
 * exists (a killed pairbench) are removed by pb_atomic_begin. While a
 * write is in progress its temporary is registered with the engine's
 * cleanup table (harness/engine.h): SIGINT, SIGTERM or exit() without a
 * commit removes it.
 */
#ifndef PAIRBENCH_CLI_ATOMIC_H
#define PAIRBENCH_CLI_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

/* One write in progress. f is open on tmp for the caller to write into;
 * another writer may also rewrite tmp in place by its name (run lets
 * Google Benchmark do so). */
typedef struct pb_atomic {
    char *path;                 /* the final name */
    char *tmp;                  /* PATH.tmp.PID */
    FILE *f;
} pb_atomic;

/* Creates the temporary. 0, or -1 with errno set (ENAMETOOLONG for a path
 * too long for its temporary) and nothing created. */
int  pb_atomic_begin(pb_atomic *a, const char *path);
/* Flushes, fsyncs and closes the temporary, renames it over the path and
 * fsyncs the directory. 0, or -1 with errno set and the temporary gone.
 * Either way a is released. */
int  pb_atomic_commit(pb_atomic *a);
/* Commits n writes together: every file is replaced or none is. The old
 * files are kept as PATH.old.PID hard links until every rename is done;
 * when one fails, those already renamed are put back (or removed if there
 * was none) and every temporary is unlinked. 0, or -1 with errno set (the
 * first failure). Either way every a[i] is released. */
int  pb_atomic_commit_all(pb_atomic *a, size_t n);
/* Closes and unlinks the temporary; a is released. */
void pb_atomic_abort(pb_atomic *a);
/* The whole of buf (len bytes) to path, atomically. 0, or -1 (errno). */
int  pb_atomic_write(const char *path, const void *buf, size_t len);

/* mkdir -p PATH (mode 0777 before umask). 0, or -1 with errno set
 * (ENOTDIR when PATH or a parent exists and is not a directory). */
int  pb_mkdirs(const char *path);

#endif
