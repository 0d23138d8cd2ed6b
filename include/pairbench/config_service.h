/*
 * config_service: the configuration service of seed 001 (storage on every
 * access vs. a lazily loaded in-memory map with write-through).
 *
 * A service holds a key -> value configuration stored as one JSON object in
 * a real file (read and written with cJSON). Keys and values are strings:
 *   key    1..CONFIG_KEY_MAX-1 bytes, each printable ASCII without space
 *          (0x21..0x7e)
 *   value  0..CONFIG_VALUE_MAX-1 bytes, each printable ASCII (0x20..0x7e)
 * Anything else is CONFIG_EINVAL. A storage file is valid when it parses as
 * one JSON object (nothing but whitespace after it) whose members all have a
 * valid key and a string value that is a valid value; when a key occurs more
 * than once the last occurrence wins (as JSON.parse does). A missing file is
 * an empty configuration. Anything else (not JSON, truncated, empty file, a
 * non-object, a non-string or invalid member, a \u0000 escape in a key or
 * value) is CORRUPT: it is reported (status) and read as an EMPTY
 * configuration. A corrupt file is never rewritten except by the next
 * successful set/delete, which replaces it with the new configuration and
 * first keeps it: just before the rename, the corrupt file is hard-linked to
 * "<path>.corrupt", or to the first free of "<path>.corrupt.1" ..
 * "<path>.corrupt.63" (a link, never a copy: no corrupt bytes are lost,
 * none are written). The set-aside happens when the service's last load
 * read the file as corrupt (naive: the load of that set/delete; optimized:
 * its first load or last refresh), in both implementations alike. When the
 * link fails (all 64 names taken, or any error but ENOENT, such as EPERM on
 * a file system without hard links) the write fails with EIO and nothing
 * changes; ENOENT (the file vanished) writes without a set-aside. When the
 * rename then fails, the new link is removed.
 *
 * A FAILED LOAD is not an empty configuration. A load fails with EIO when
 * the file exists but cannot be opened or read (EACCES, EMFILE, ENFILE, EIO,
 * not a regular file...) and with ENOMEM when an allocation fails while
 * loading (also inside cJSON's parse, told from a syntax error by errno).
 * The operation that made the load returns that code and changes nothing
 * (no write); the service holds no configuration (the optimized one drops
 * its memory, also after a failed refresh) and the next operation that needs
 * the configuration loads again. So no write can replace the file with a
 * configuration that was not read from it.
 *
 * Loads: the naive service loads at create, and in every get, list, set,
 * delete and refresh. The optimized one loads at its first access (status
 * included), in refresh, and in every get/list/set/delete while it holds no
 * configuration (after a failed load).
 *
 * File mode: a replaced file keeps its permission bits (the temporary is
 * created 0600 and fchmod'ed to the old file's mode before any data is
 * written); a new file is created 0644 less the umask. Owner and group are
 * not kept (the temporary belongs to the writing process).
 *
 * Writes (set, delete) are write-through with storage first, by atomic
 * replace: the whole configuration is written to a new temporary file in the
 * same directory ("<path>.tmp.<pid>.<n>", opened O_CREAT|O_EXCL) with write(2)
 * (no stdio buffering, so nothing to flush), fsync'ed, closed, renamed over
 * <path>, and then the directory is fsync'ed. When any step up to and
 * including the rename fails, the temporary file is removed, the operation
 * returns CONFIG_EIO and both the in-memory state and the file are unchanged
 * (the file keeps its old, valid content). When only the directory fsync
 * fails, the change is committed (the file has the new content, reads see
 * it) and the operation returns CONFIG_EDIRSYNC: it may not survive a crash.
 *
 * Stale temporaries: a writer killed between the open of its temporary and
 * the rename leaves "<path>.tmp.<pid>.<n>". At its first load (naive:
 * create; optimized: first access, status included) a service removes from
 * the directory every such file of its path whose pid is not its own and
 * names no live process (kill(pid, 0) fails with ESRCH). Best effort and
 * not hooked: a directory that cannot be read or a failed unlink is
 * ignored, changes no return code and makes no allocation. A writer in
 * another PID namespace sharing the directory would see its temporary
 * removed, its rename fail and its set/delete return EIO (nothing lost).
 *
 * Two implementations share this ops table:
 *   config_service_naive      the seed's "before": every get and list opens,
 *                             reads and parses the file, looks up, frees;
 *                             set/delete load, modify and atomically write.
 *   config_service_optimized  lazy initialisation (the first access loads the
 *                             file), in-memory sorted array, write-through
 *                             with storage first (memory updated only after
 *                             the rename), manual refresh.
 * Observable results (return codes, values, listings, status) are identical
 * when the file is changed only through the service, or when every outside
 * change is followed by refresh() before the next access. The one defined
 * difference: refresh() of a file that has become corrupt keeps the previous
 * in-memory configuration in the optimized service; the naive one has no
 * memory, so it reads the corrupt file as empty (as it does at start-up).
 * Both report CONFIG_ECORRUPT from that refresh.
 *
 * A service is not thread-safe; one process may open several services on
 * the same file (they see each other's writes after refresh).
 *
 * Storage faults are injectable through config_io hooks at the real-call
 * boundary (files stay real). Of the read path only the open of the storage
 * file is hooked (load_open); fstat/read/close are not; a corrupt file is
 * made by writing one.
 */
#ifndef PAIRBENCH_CONFIG_SERVICE_H
#define PAIRBENCH_CONFIG_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONFIG_KEY_MAX   64      /* key buffer size: at most 63 bytes + NUL */
#define CONFIG_VALUE_MAX 1024    /* value buffer size: at most 1023 bytes + NUL */

/* Return codes. EINVAL is checked first (before any I/O). */
enum {
    CONFIG_OK       = 0,
    CONFIG_ENOENT   = 1,   /* get/delete: no such key */
    CONFIG_EINVAL   = 2,   /* bad key/value/buffer/NULL argument */
    CONFIG_ERANGE   = 3,   /* get: value does not fit in cap bytes; buf untouched */
    CONFIG_EIO      = 4,   /* the load failed: the file exists but cannot be
                              read; or set/delete: the write failed. Nothing
                              changed */
    CONFIG_ENOMEM   = 5,   /* allocation failed (in the load or the write);
                              nothing changed */
    CONFIG_ECORRUPT = 6,   /* status/refresh: the file is not a valid config */
    CONFIG_EDIRSYNC = 7    /* set/delete: committed, but the directory fsync failed */
};

/* Fault-injection hooks, called exactly where the write path calls the real
 * function. A NULL member means the real call. Each returns what the real
 * call returns (-1 with errno set on failure). Per set/delete that writes, the
 * order is: open(temp, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0600 when a file
 * is replaced, else 0644); write until all bytes are written; fsync(temp
 * fd); close; only when the file was read as corrupt, link(path,
 * "<path>.corrupt[.N]") until a free name; rename(temp, path);
 * open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC, 0); fsync(dir fd); close. */
typedef struct config_io {
    int     (*open)(void *arg, const char *path, int flags, mode_t mode);
    ssize_t (*write)(void *arg, int fd, const void *buf, size_t n);
    int     (*fsync)(void *arg, int fd);
    int     (*rename)(void *arg, const char *from, const char *to);
    void     *arg;                        /* passed to every hook */
    /* The load's open of the storage file (open(path, O_RDONLY|O_CLOEXEC)):
     * the read path's one hook, to inject EIO/EMFILE/EACCES into a load. */
    int     (*load_open)(void *arg, const char *path, int flags);
    /* The set-aside of a corrupt file (link(path, aside)); see above. */
    int     (*link)(void *arg, const char *from, const char *to);
} config_io;

typedef struct config_options {
    const config_io *io;                  /* NULL = real POSIX calls; copied */
} config_options;

/* Work the service has done since create (component counters). */
typedef struct config_stats {
    uint64_t file_reads;    /* loads of the storage file (open + read whole) */
    uint64_t parses;        /* cJSON parses of the file content */
    uint64_t file_writes;   /* temporary files written (atomic replace attempts) */
    uint64_t fsyncs;        /* fsync calls (file and directory) */
} config_stats;

/* list callback: one entry; key and value are borrowed for the call only. */
typedef void (*config_list_fn)(const char *key, const char *value, void *arg);

typedef struct config_service config_service;   /* opaque */

typedef struct config_service_ops {
    const char *name;                   /* "naive" | "optimized" */

    /* A service on the file at `path` (copied; the directory must exist).
     * opts may be NULL. NULL when path is NULL/empty or out of memory.
     * naive: loads the file once to set status. optimized: no I/O (lazy). */
    config_service *(*create)(const char *path, const config_options *opts);
    /* Frees the service; never touches the file. NULL is a no-op. */
    void (*destroy)(config_service *s);

    /* The result of the service's last load (see "Loads" above), and OK
     * after a committed set/delete: OK (also for a missing file), ECORRUPT,
     * EIO or ENOMEM. Never changes the file. Naive: makes no load.
     * Optimized: makes the first load when none has been made yet (it does
     * not retry after a failed one: the next get/list/set/delete does). */
    int (*status)(config_service *s);

    /* Copies the value of key (with its NUL) into buf[0..cap).
     * OK; ENOENT; EINVAL (bad key, buf NULL: no load); ERANGE (strlen(value)
     * >= cap, buf untouched); EIO or ENOMEM: the load failed (buf untouched,
     * the service holds no configuration, the next access loads again). */
    int (*get)(config_service *s, const char *key, char *buf, size_t cap);
    /* Calls fn for every entry in ascending bytewise key order (strcmp) and
     * returns the number of entries. fn may be NULL (count only). When the
     * load fails (EIO, ENOMEM) fn is not called and the result is 0:
     * status() then says which (a 0 with status() OK is an empty
     * configuration). */
    size_t (*list)(config_service *s, config_list_fn fn, void *arg);
    /* Sets key to value (insert or replace), storage first. OK; EINVAL (no
     * I/O); EIO, ENOMEM: the load or the write failed, memory and file
     * unchanged; EDIRSYNC: committed (see above). A corrupt file is replaced
     * by the service's configuration with the change. */
    int (*set)(config_service *s, const char *key, const char *value);
    /* Deletes key, storage first. OK; ENOENT (no write); EINVAL (no I/O);
     * EIO, ENOMEM (load or write failed, nothing changed); EDIRSYNC. */
    int (*del)(config_service *s, const char *key);
    /* Re-reads the file (another writer's changes). Returns and records the
     * load status: OK (memory replaced; missing file = empty); ECORRUPT
     * (optimized: previous memory kept; naive: reads as empty); EIO, ENOMEM
     * (the load failed: the service holds no configuration, as above). */
    int (*refresh)(config_service *s);

    /* Copies the counters into *out. */
    void (*stats)(const config_service *s, config_stats *out);
} config_service_ops;

extern const config_service_ops config_service_naive;
extern const config_service_ops config_service_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline config_service *config_service_create(const config_service_ops *o, const char *path, const config_options *opts) { return o->create(path, opts); }
static inline void config_service_destroy(const config_service_ops *o, config_service *s) { o->destroy(s); }
static inline int config_service_status(const config_service_ops *o, config_service *s) { return o->status(s); }
static inline int config_service_get(const config_service_ops *o, config_service *s, const char *key, char *buf, size_t cap) { return o->get(s, key, buf, cap); }
static inline size_t config_service_list(const config_service_ops *o, config_service *s, config_list_fn fn, void *arg) { return o->list(s, fn, arg); }
static inline int config_service_set(const config_service_ops *o, config_service *s, const char *key, const char *value) { return o->set(s, key, value); }
static inline int config_service_delete(const config_service_ops *o, config_service *s, const char *key) { return o->del(s, key); }
static inline int config_service_refresh(const config_service_ops *o, config_service *s) { return o->refresh(s); }
static inline void config_service_stats(const config_service_ops *o, const config_service *s, config_stats *out) { o->stats(s, out); }

#endif
