/*
 * snapshot_throttle_core: the handle both implementations share (see
 * snapshot_throttle_core.h). O(1) everything but the collect, which costs
 * what the caller's callback costs.
 */
#include <stdlib.h>

#include "snapshot_throttle_core.h"

int snap_core_create(snapshot_throttle **out, const snap_options *opts)
{
    if (out)
        *out = NULL;
    if (!out || !opts || !opts->collect || opts->window_ms < 0)
        return SNAP_EINVAL;
    snapshot_throttle *s = calloc(1, sizeof *s);
    if (!s)
        return SNAP_ENOMEM;
    s->collect = opts->collect;
    s->collect_arg = opts->collect_arg;
    s->window_ms = opts->window_ms ? opts->window_ms : SNAP_WINDOW_MS_DEFAULT;
    *out = s;
    return SNAP_OK;
}

void snap_core_destroy(snapshot_throttle *s)
{
    free(s);
}

int64_t snap_core_clock(snapshot_throttle *s, int64_t now_ms)
{
    if (!s->clock_set || now_ms > s->clock_ms) {
        s->clock_ms = now_ms;
        s->clock_set = 1;
    }
    return s->clock_ms;
}

int snap_core_build(snapshot_throttle *s, int64_t t_ms)
{
    if (s->collect(s->collect_arg, &s->scratch) != 0) {
        s->dirty = 1;
        return SNAP_ECOLLECT;
    }
    s->snap = s->scratch;
    s->have = 1;
    s->dirty = 0;
    s->built_ms = t_ms;
    return SNAP_OK;
}

int snap_core_copy(const snapshot_throttle *s, int rc, snap_strategy *out)
{
    if (!s->have)
        return SNAP_ECOLLECT;
    *out = s->snap;
    return rc == SNAP_OK ? SNAP_OK : SNAP_STALE;
}
