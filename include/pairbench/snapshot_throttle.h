/*
 * snapshot_throttle: seed 004's operations manager, which rebuilds its
 * strategy snapshot (recomputeStrategy) from the orchestrator's state on
 * every event, 100+ times a minute. The seed's fix (SNAPSHOT_THROTTLE_MS =
 * 2000, "uses cached snapshot for high-frequency events") is a plain
 * throttle: the events of a burst that arrive inside the window are
 * dropped, so after the burst the snapshot stays stale until the next
 * event, however long that takes. The optimized one here throttles with a
 * leading edge AND a trailing rebuild, so it is never staler than the
 * window.
 *
 *   snapshot_throttle_naive      the "before": a rebuild (one collect) on
 *                                every event
 *   snapshot_throttle_optimized  at most one rebuild per window_ms: an
 *                                event rebuilds at once when the last
 *                                rebuild is at least window_ms old (the
 *                                leading edge), else marks the snapshot
 *                                DIRTY, due window_ms after the last
 *                                rebuild; the event loop's tick (or a read)
 *                                rebuilds a dirty snapshot once it is due
 *                                (the trailing rebuild)
 *
 * THE SOURCE. The snapshot summarises state the component does not own
 * (the orchestrator's state machine). The caller gives, at create, a
 * COLLECT callback that fills a snap_strategy from the current state: the
 * expensive part (the seed's state machine queries, O(tasks)). A REBUILD
 * (a "build") is one successful collect; the snapshot is then exactly what
 * collect produced. Collect stamps the source's version (a number the
 * source bumps at every change) into the snapshot, so staleness is
 * checkable from outside. The component never reads the snapshot's fields.
 *
 * TIME is injected: every operation takes now_ms (milliseconds, any
 * origin, every int64 value allowed) and should be non-decreasing. A time
 * earlier than the latest one seen is taken as the latest one seen: the
 * component's clock never goes back (a backwards step neither brings a
 * rebuild forward nor delays one), so an event given an earlier time counts
 * as happening at the latest time seen, and everything below holds for it
 * from that time. Below, "t" and "time" are such clamped times.
 *
 * EVENTS. on_event(s, t) says the source changed at t (call it after the
 * change). An event is REFLECTED by the snapshot when the snapshot was
 * built by a collect that started after on_event was called for it.
 *
 * WHEN A COLLECT IS ATTEMPTED (exactly; "due" means: no snapshot exists
 * yet, or t - time of the last rebuild >= window_ms):
 *                   naive                       optimized
 *   on_event(t)     always                      when due; else the
 *                                               snapshot becomes DIRTY
 *   tick(t)         when DIRTY                  when DIRTY and due
 *   read(t)         when no snapshot exists or  when no snapshot exists, or
 *                   DIRTY                       DIRTY and due
 * A successful collect leaves the snapshot clean (not DIRTY); a failed one
 * leaves it DIRTY (naive and optimized), so the next tick, event or read
 * retries it (the optimized one: every one of them, from then on, until
 * one succeeds: failed attempts are not throttled). Without failures the
 * naive one is never DIRTY and its tick does nothing.
 *
 * THE SPECIFICATION (what read's SNAP_OK and tick's SNAP_OK promise):
 *   bound     at every read at time t that returns SNAP_OK, the copy
 *             reflects every event that happened at or before
 *             t - window_ms (optimized), every event so far (naive); and
 *             after every tick at t that returns SNAP_OK, the snapshot a
 *             read would copy (without rebuilding) reflects every event at
 *             or before t - window_ms (optimized), every event (naive).
 *   trailing  so after the last event of a burst, at time e, a rebuild that
 *             reflects it happens by e + window_ms: at the first tick or
 *             read at or after e + window_ms (or at once, if that event was
 *             a leading edge), unless collect fails there.
 *   throttle  (optimized) two rebuilds are always at least window_ms apart:
 *             at most one rebuild in any window_ms, the trailing rebuild
 *             included (a rebuild is due only window_ms after the last).
 *             Failed collects are not rebuilds and are not limited.
 * Without failures a read therefore never returns anything but SNAP_OK.
 *
 * FAILURES. Collect returns 0 on success or any non-zero value on failure
 * (its value is not passed on; a collect that wants it kept keeps it).
 * What a failed collect wrote into its argument is discarded: the snapshot
 * is only ever a successful collect's whole result. An operation whose
 * collect fails keeps the old snapshot (or none) and leaves it DIRTY.
 *
 * HOW THE TWO MAY LEGITIMATELY DIFFER (nothing else):
 *   - content: the naive snapshot reflects every event (read returns the
 *     source's current state); the optimized one may lag by up to
 *     window_ms, within the bound above, and is the source's state at its
 *     last rebuild;
 *   - the number of collects (and when they happen: the table above);
 *   - under failing collects, which calls attempt a collect, hence which
 *     calls return SNAP_ECOLLECT or SNAP_STALE.
 * Both allocate only in create; no operation allocates, blocks or starts a
 * thread. A handle is not thread-safe. The component counts nothing about
 * itself: builds are counted by the caller's collect.
 */
#ifndef PAIRBENCH_SNAPSHOT_THROTTLE_H
#define PAIRBENCH_SNAPSHOT_THROTTLE_H

#include <stdint.h>

/* The seed's SNAPSHOT_THROTTLE_MS: the window when snap_options.window_ms
 * is 0. */
#define SNAP_WINDOW_MS_DEFAULT 2000

/* Return codes. */
enum {
    SNAP_OK       = 0,
    SNAP_EINVAL   = 1,   /* a NULL handle, output or callback, a negative
                            window: nothing done, nothing changed */
    SNAP_ENOMEM   = 2,   /* create only: out of memory */
    SNAP_ECOLLECT = 3,   /* a collect was attempted and failed; the old
                            snapshot (or none) is kept, DIRTY */
    SNAP_STALE    = 4    /* read only: a due collect failed; *out is the old
                            snapshot, which may miss events older than the
                            window (naive: any event since it was built) */
};

/* The task statuses the snapshot counts, and the agents it loads. */
enum { SNAP_PENDING, SNAP_RUNNING, SNAP_DONE, SNAP_FAILED, SNAP_STATUSES };
#define SNAP_AGENTS 8

/* The strategy snapshot: a plain value, filled by collect. */
typedef struct snap_strategy {
    uint64_t version;                    /* the source's version when
                                            collected (its change count) */
    uint32_t tasks;                      /* tasks scanned */
    uint32_t by_status[SNAP_STATUSES];   /* tasks per status */
    uint32_t agent_load[SNAP_AGENTS];    /* running tasks per agent */
    uint32_t failure_permille;           /* failed * 1000 / (done + failed),
                                            0 when both are 0 */
} snap_strategy;

/* Fills *out from the source's current state: 0, or non-zero on failure. */
typedef int (*snap_collect_fn)(void *arg, snap_strategy *out);

typedef struct snap_options {
    snap_collect_fn collect;             /* required */
    void           *collect_arg;         /* passed to collect */
    int64_t         window_ms;           /* 0: SNAP_WINDOW_MS_DEFAULT;
                                            < 0: SNAP_EINVAL. The naive one
                                            checks it and ignores it */
} snap_options;

typedef struct snapshot_throttle snapshot_throttle;   /* opaque */

typedef struct snapshot_throttle_ops {
    const char *name;                    /* "naive" | "optimized" */

    /* A component with no snapshot (nothing collected: the first event or
     * read collects). On SNAP_OK *out is the handle; else *out is NULL (when
     * out is not) and nothing is allocated.
     *   SNAP_EINVAL  out, opts or opts->collect NULL, opts->window_ms < 0
     *   SNAP_ENOMEM  the handle could not be allocated */
    int (*create)(snapshot_throttle **out, const snap_options *opts);
    /* Frees the handle (NULL: nothing). Calls nothing. */
    void (*destroy)(snapshot_throttle *s);

    /* The source changed at now_ms (see WHEN A COLLECT IS ATTEMPTED).
     *   SNAP_OK        rebuilt, or (optimized) marked DIRTY
     *   SNAP_ECOLLECT  the attempted collect failed (the event is not
     *                  lost: the snapshot stays DIRTY)
     *   SNAP_EINVAL    s NULL */
    int (*on_event)(snapshot_throttle *s, int64_t now_ms);

    /* The event loop's timer: rebuilds a DIRTY snapshot that is due
     * (naive: a DIRTY one; it is DIRTY only after a failed collect).
     *   SNAP_OK        nothing to do, or rebuilt: the bound holds at now_ms
     *   SNAP_ECOLLECT  the attempted collect failed (still DIRTY)
     *   SNAP_EINVAL    s NULL */
    int (*tick)(snapshot_throttle *s, int64_t now_ms);

    /* Copies the current snapshot into *out, rebuilding first when a
     * collect is due (see the table), so the bound holds at now_ms even
     * when no tick came.
     *   SNAP_OK        *out meets the bound at now_ms
     *   SNAP_STALE     the collect failed; *out is the old snapshot
     *   SNAP_ECOLLECT  no snapshot exists and the collect failed; *out
     *                  untouched
     *   SNAP_EINVAL    s or out NULL; *out untouched */
    int (*read)(snapshot_throttle *s, int64_t now_ms, snap_strategy *out);
} snapshot_throttle_ops;

extern const snapshot_throttle_ops snapshot_throttle_naive;
extern const snapshot_throttle_ops snapshot_throttle_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline int snapshot_throttle_create(const snapshot_throttle_ops *o, snapshot_throttle **out, const snap_options *opts) { return o->create(out, opts); }
static inline void snapshot_throttle_destroy(const snapshot_throttle_ops *o, snapshot_throttle *s) { o->destroy(s); }
static inline int snapshot_throttle_on_event(const snapshot_throttle_ops *o, snapshot_throttle *s, int64_t now_ms) { return o->on_event(s, now_ms); }
static inline int snapshot_throttle_tick(const snapshot_throttle_ops *o, snapshot_throttle *s, int64_t now_ms) { return o->tick(s, now_ms); }
static inline int snapshot_throttle_read(const snapshot_throttle_ops *o, snapshot_throttle *s, int64_t now_ms, snap_strategy *out) { return o->read(s, now_ms, out); }

#endif
