/*
 * listener_leak, naive: the seed's "before". start binds a fresh handler
 * per subscription (`emitter.on(ev, this.onX.bind(this))`: a 16-byte
 * closure malloc'd each time, 8 per start) and stop removes none, so after
 * k start/stop cycles the emitter holds 8(k + 1) listeners: every event
 * calls each handler k + 1 times (emit O(k)), the heap grows by the
 * closures and the listener arrays every cycle, and the closures, which
 * only the emitter points to, are lost when the runtime is destroyed.
 * start: 8 mallocs + 8 appends; stop: O(1).
 */
#include <stdlib.h>

#include "../impl_shared/listener_leak_common.h"

struct ll_runtime {
    ll_base b;
};

static ll_runtime *naive_create(ll_sink sink, void *arg)
{
    if (!sink)
        return NULL;
    ll_runtime *rt = malloc(sizeof *rt);
    if (rt)
        ll_base_init(&rt->b, sink, arg);
    return rt;
}

/* The closures stay with the emitter, which does not own them. */
static void naive_destroy(ll_runtime *rt)
{
    if (!rt)
        return;
    ll_emitter_free(&rt->b.em);
    free(rt);
}

/* A fresh closure per subscription, as `.bind(this)` makes one per call. */
static int naive_subscribe(ll_runtime *rt, ll_component *c, ll_event ev)
{
    ll_bound *h = malloc(sizeof *h);
    if (!h)
        return LL_ENOMEM;
    h->self = c;
    h->ev = ev;
    if (ll_emitter_on(&rt->b.em, ev, ll_bound_call, h) != 0) {
        free(h);
        return LL_ENOMEM;
    }
    return 0;
}

static int naive_start(ll_runtime *rt)
{
    if (rt->b.running)
        return LL_EALREADY;
    for (int c = 0; c < LL_COMPONENTS; c++) {
        ll_event evs[LL_EVENTS];
        int k = ll_component_events((ll_component_id)c, evs);
        for (int i = 0; i < k; i++) {
            int rc = naive_subscribe(rt, &rt->b.comp[c], evs[i]);
            if (rc)
                return rc;          /* what was subscribed stays */
        }
    }
    rt->b.running = 1;
    return 0;
}

/* Each component's stop forgets its handlers without unsubscribing them. */
static int naive_stop(ll_runtime *rt)
{
    if (!rt->b.running)
        return LL_ENOTRUNNING;
    rt->b.running = 0;
    return 0;
}

static int naive_emit(ll_runtime *rt, ll_event ev, uint64_t payload)
{
    if ((unsigned)ev >= LL_EVENTS)
        return LL_EINVAL;
    ll_emitter_emit(&rt->b.em, ev, payload);
    return 0;
}

const listener_leak_ops listener_leak_naive = {
    .name = "naive",
    .create = naive_create,
    .destroy = naive_destroy,
    .start = naive_start,
    .stop = naive_stop,
    .emit = naive_emit,
};
