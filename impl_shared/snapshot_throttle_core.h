/*
 * snapshot_throttle_core: what both snapshot_throttle implementations
 * share, since the seed's fix does not touch it: the handle, create and
 * destroy, the clock that never goes back, one collect into the snapshot
 * (a failed collect's output discarded) and the end of a read. The two
 * differ only in WHEN they collect (the header's table).
 */
#ifndef PAIRBENCH_SNAPSHOT_THROTTLE_CORE_H
#define PAIRBENCH_SNAPSHOT_THROTTLE_CORE_H

#include <stdint.h>

#include "pairbench/snapshot_throttle.h"

struct snapshot_throttle {
    snap_collect_fn collect;
    void           *collect_arg;
    int64_t         window_ms;
    int64_t         clock_ms;      /* the latest time seen */
    int             clock_set;     /* 0 until the first operation */
    int             have;          /* a snapshot exists */
    int             dirty;         /* it misses an event (see the header) */
    int64_t         built_ms;      /* time of the last rebuild, when have */
    snap_strategy   snap;          /* the snapshot, when have */
    snap_strategy   scratch;       /* collect's output, kept on success */
};

/* create and destroy, as the header says (one allocation). */
int  snap_core_create(snapshot_throttle **out, const snap_options *opts);
void snap_core_destroy(snapshot_throttle *s);
/* The clamped time: max(now_ms, the latest time seen), which becomes the
 * latest time seen. */
int64_t snap_core_clock(snapshot_throttle *s, int64_t now_ms);
/* One collect at time t_ms: SNAP_OK (the snapshot replaced, clean,
 * built_ms = t_ms) or SNAP_ECOLLECT (the snapshot kept, DIRTY). */
int  snap_core_build(snapshot_throttle *s, int64_t t_ms);
/* The end of a read whose collect, if one was attempted, returned rc
 * (SNAP_OK when none was): copies the snapshot and returns SNAP_OK, or
 * SNAP_STALE after a failed collect, or SNAP_ECOLLECT with *out untouched
 * when no snapshot exists. */
int  snap_core_copy(const snapshot_throttle *s, int rc, snap_strategy *out);

#endif
