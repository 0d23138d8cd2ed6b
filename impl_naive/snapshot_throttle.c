/*
 * snapshot_throttle, naive: the seed's "before", recomputeStrategy on every
 * event: on_event collects every time, so the snapshot is always the
 * source's current state. tick does nothing (it retries a collect that
 * failed); read copies, collecting first only when no snapshot exists or
 * the last collect failed. Cost: one collect (O(source)) per event; tick
 * and read O(1) plus the copy.
 */
#include "pairbench/snapshot_throttle.h"
#include "../impl_shared/snapshot_throttle_core.h"

static int on_event_naive(snapshot_throttle *s, int64_t now_ms)
{
    if (!s)
        return SNAP_EINVAL;
    return snap_core_build(s, snap_core_clock(s, now_ms));
}

static int tick_naive(snapshot_throttle *s, int64_t now_ms)
{
    if (!s)
        return SNAP_EINVAL;
    int64_t t = snap_core_clock(s, now_ms);
    return s->dirty ? snap_core_build(s, t) : SNAP_OK;
}

static int read_naive(snapshot_throttle *s, int64_t now_ms, snap_strategy *out)
{
    if (!s || !out)
        return SNAP_EINVAL;
    int64_t t = snap_core_clock(s, now_ms);
    int rc = !s->have || s->dirty ? snap_core_build(s, t) : SNAP_OK;
    return snap_core_copy(s, rc, out);
}

const snapshot_throttle_ops snapshot_throttle_naive = {
    .name = "naive",
    .create = snap_core_create,
    .destroy = snap_core_destroy,
    .on_event = on_event_naive,
    .tick = tick_naive,
    .read = read_naive,
};
