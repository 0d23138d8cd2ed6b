/*
 * health_cache: the state machine's getRoadmapHealth of seed 004 ("Called
 * 100+ times/min", fixed with cachedHealth / healthCacheValid) on a real
 * SQLite roadmap database (impl_shared/shared_roadmap.h), with the writes
 * that change it: a task created, a task's transition, a quality record.
 *
 *   health_cache_naive      recomputes on every call the seed's way: every
 *                           task read into memory (getTasks()), then
 *                           counted in C, plus the quality aggregate:
 *                           O(N) rows and N allocations per call
 *   health_cache_optimized  the seed's cache: a valid copy is returned as
 *                           is (O(1), no statement). A write through the
 *                           handle invalidates, before it runs, the part
 *                           it can change (create and transition: the
 *                           status counts; a quality record: the quality
 *                           aggregate; the seed drops all of it on any
 *                           write), and the next call recomputes that
 *                           part only: the counts with count(*) GROUP BY
 *                           status over idx_tasks_status, an index open()
 *                           adds (a covering scan, no table row, no sort,
 *                           nothing copied out), the quality with the
 *                           shared aggregate. O(N) index entries stepped
 *                           per recount, no allocation per task
 * Both run on the seed's indexed schema (open() creates
 * ROADMAP_SEED_INDEXES if missing; the optimized one idx_tasks_status too,
 * which every write of the database then maintains) and compute the quality means with the
 * same SQL, so every field is identical, the means bit for bit, after any
 * sequence of calls through one handle.
 *
 * The one way they may differ: the optimized handle sees only its own
 * writes. A write to the database through another connection (or another
 * process) is not seen until the handle's next write; the naive one sees
 * it on its next call. The seed's cache has the same contract. The
 * other side of it: while its cache is valid the optimized health()
 * succeeds without reading (so also while the database is locked or
 * unreadable, where the naive one fails with HC_EIO), returning the
 * health as of its last write.
 *
 * Return codes: HC_OK; HC_EINVAL (r, out, an id or a text NULL, an id or
 * text of HC_ID_MAX bytes or more, a status not one of the four, a
 * dimension not one of the three, a score outside [0, 1] or NaN: nothing
 * run, the cache untouched); HC_EEXIST (create: the id exists); HC_ENOENT
 * (transition, quality: no such task); HC_ENOMEM; HC_EIO (SQLite failed:
 * I/O error, a full disk, the database locked past the busy timeout or
 * read-only); error() then gives SQLite's message. After a failed write
 * (other than HC_EINVAL) the database is as before the call (each write
 * is one statement in its own transaction) and the part of the optimized
 * cache the write could change is invalid (the next health() recomputes
 * it). After a failed health() *out is unchanged and the cache is as
 * before the call.
 */
#ifndef PAIRBENCH_HEALTH_CACHE_H
#define PAIRBENCH_HEALTH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define HC_ID_MAX 24     /* ids: at most 23 bytes + NUL */

enum { HC_OK = 0, HC_EINVAL = 1, HC_ENOMEM = 2, HC_EIO = 3, HC_EEXIST = 4,
       HC_ENOENT = 5 };

/* The dimensions of quality records, in hc_health's order. */
enum { HC_CORRECTNESS, HC_MAINTAINABILITY, HC_PERFORMANCE, HC_DIMENSIONS };

typedef struct hc_health {
    int64_t total;              /* every task, whatever its status */
    int64_t pending, in_progress, blocked, done;
    int64_t other;              /* a status written by someone else */
    double  completion;         /* done / total, 0 when there is no task */
    int64_t quality_count[HC_DIMENSIONS];
    double  quality_mean[HC_DIMENSIONS];   /* 0 when count is 0 */
} hc_health;

typedef struct health_cache health_cache;   /* opaque */
struct sqlite3;

typedef struct health_cache_ops {
    const char *name;                       /* "naive" | "optimized" */
    /* Opens the roadmap at path read-write and creates the seed's indexes
     * if missing. HC_OK with *out, or HC_EINVAL / HC_ENOMEM / HC_EIO with
     * *out NULL and hc_open_error() saying why. No cache yet. */
    int  (*open)(const char *path, health_cache **out);
    void (*close)(health_cache *r);         /* NULL is a no-op */
    struct sqlite3 *(*db)(health_cache *r); /* for the harness's SQL probe */
    const char *(*error)(health_cache *r);  /* last failure's message, "" */

    /* getRoadmapHealth: the health as of the last write through r, into
     * *out (a copy: the caller owns it). */
    int (*health)(health_cache *r, hc_health *out);
    /* createTask: a new pending task (no parent). */
    int (*create_task)(health_cache *r, const char *id, const char *epic,
                       int64_t priority, int64_t created_at);
    /* transition: the task's status becomes status ("pending",
     * "in_progress", "blocked", "done"). */
    int (*transition)(health_cache *r, const char *id, const char *status);
    /* recordQuality: one score in [0, 1] for the task in dimension
     * ("correctness", "maintainability", "performance"). */
    int (*record_quality)(health_cache *r, const char *id, const char *dimension,
                          double score, int64_t timestamp);
} health_cache_ops;

extern const health_cache_ops health_cache_naive;
extern const health_cache_ops health_cache_optimized;

/* The message of the last failed open in this thread ("" if none). */
const char *hc_open_error(void);

#endif
