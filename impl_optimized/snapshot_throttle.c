/*
 * snapshot_throttle, optimized: a throttle with a leading edge and a
 * trailing rebuild (the seed's SNAPSHOT_THROTTLE_MS = 2000 drops the
 * burst's last events; this one never does). An event collects at once
 * when no snapshot exists or the last rebuild is at least window_ms old;
 * otherwise it only marks the snapshot DIRTY, due window_ms after the last
 * rebuild, and the next tick or read at or after that time collects. So
 * rebuilds are at least window_ms apart, and a read is never staler than
 * the window. Cost: on_event, tick and read O(1) plus at most one collect
 * (O(source)) per window_ms, plus the copy in read.
 */
#include "pairbench/snapshot_throttle.h"
#include "../impl_shared/snapshot_throttle_core.h"

/* No snapshot yet, or the last rebuild is at least window_ms old at t
 * (t >= built_ms always: the clock never goes back; the difference of two
 * int64 values fits in a uint64). */
static int due(const snapshot_throttle *s, int64_t t)
{
    return !s->have || (uint64_t)t - (uint64_t)s->built_ms >= (uint64_t)s->window_ms;
}

static int on_event_optimized(snapshot_throttle *s, int64_t now_ms)
{
    if (!s)
        return SNAP_EINVAL;
    int64_t t = snap_core_clock(s, now_ms);
    if (due(s, t))
        return snap_core_build(s, t);      /* the leading edge */
    s->dirty = 1;
    return SNAP_OK;
}

static int tick_optimized(snapshot_throttle *s, int64_t now_ms)
{
    if (!s)
        return SNAP_EINVAL;
    int64_t t = snap_core_clock(s, now_ms);
    return s->dirty && due(s, t) ? snap_core_build(s, t) : SNAP_OK;   /* trailing */
}

static int read_optimized(snapshot_throttle *s, int64_t now_ms, snap_strategy *out)
{
    if (!s || !out)
        return SNAP_EINVAL;
    int64_t t = snap_core_clock(s, now_ms);
    int rc = !s->have || (s->dirty && due(s, t)) ? snap_core_build(s, t) : SNAP_OK;
    return snap_core_copy(s, rc, out);
}

const snapshot_throttle_ops snapshot_throttle_optimized = {
    .name = "optimized",
    .create = snap_core_create,
    .destroy = snap_core_destroy,
    .on_event = on_event_optimized,
    .tick = tick_optimized,
    .read = read_optimized,
};
