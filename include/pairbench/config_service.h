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
 * non-object, a non-string or invalid member) is CORRUPT: it is reported
 * (config_service_status) and read as an EMPTY configuration. A corrupt file
 * is never rewritten except by the next successful set/delete, which replaces
 * it with the new configuration.
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
 * boundary (files stay real). The read path (open/fstat/read/close of the
 * storage file) is not hooked; a corrupt file is made by writing one.
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
    CONFIG_EIO      = 4,   /* set/delete: the write failed; nothing changed.
                              status: the storage file exists but cannot be read */
    CONFIG_ENOMEM   = 5,   /* allocation failed; nothing changed */
    CONFIG_ECORRUPT = 6,   /* status/refresh: the file is not a valid config */
    CONFIG_EDIRSYNC = 7    /* set/delete: committed, but the directory fsync failed */
};

/* Fault-injection hooks, called exactly where the write path calls the real
 * function. A NULL member means the real call. Each returns what the real
 * call returns (-1 with errno set on failure). Per set/delete that writes, the
 * order is: open(temp, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644); write until
 * all bytes are written; fsync(temp fd); close; rename(temp, path);
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

    /* Result of the last load (the initial one or refresh): CONFIG_OK (also
     * for a missing file), CONFIG_ECORRUPT or CONFIG_EIO. Optimized: forces
     * the lazy initial load if it has not happened yet. */
    int (*status)(config_service *s);

    /* Copies the value of key (with its NUL) into buf[0..cap).
     * OK, ENOENT, EINVAL (bad key, buf NULL), ERANGE (strlen(value) >= cap). */
    int (*get)(config_service *s, const char *key, char *buf, size_t cap);
    /* Calls fn for every entry in ascending bytewise key order (strcmp) and
     * returns the number of entries. fn may be NULL (count only). */
    size_t (*list)(config_service *s, config_list_fn fn, void *arg);
    /* Sets key to value (insert or replace), storage first.
     * OK, EINVAL, EIO, ENOMEM, EDIRSYNC (see above). */
    int (*set)(config_service *s, const char *key, const char *value);
    /* Deletes key, storage first. OK, ENOENT (no write), EINVAL, EIO, ENOMEM,
     * EDIRSYNC. */
    int (*del)(config_service *s, const char *key);
    /* Re-reads the file (another writer's changes). Returns and records the
     * load status: OK (memory replaced; missing file = empty), ECORRUPT or
     * EIO (optimized: previous memory kept), ENOMEM (previous kept). */
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
