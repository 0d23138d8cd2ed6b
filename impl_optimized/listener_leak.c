/*
 * listener_leak, optimized: the seed's fix, completed. Each component's
 * handlers are bound once, at create (the seed's `listeners` object: 8
 * closures inside the runtime, no allocation of their own); start
 * subscribes them, stop unsubscribes exactly those, every component, in
 * reverse order of their start (the complete shutdown). start: 8 appends,
 * allocating only while a listener array first grows; stop: 8 removals,
 * each O(1) here (the most recently added listener of its event); emit:
 * O(subscribers), flat across any number of cycles; destroy frees all.
 */
#include <stdlib.h>

#include "../impl_shared/listener_leak_common.h"

struct ll_runtime {
    ll_base  b;
    ll_bound bound[LL_SUBSCRIPTIONS];    /* in subscription order */
};

static ll_runtime *optimized_create(ll_sink sink, void *arg)
{
    if (!sink)
        return NULL;
    ll_runtime *rt = malloc(sizeof *rt);
    if (!rt)
        return NULL;
    ll_base_init(&rt->b, sink, arg);
    int k = 0;
    for (int c = 0; c < LL_COMPONENTS; c++) {
        ll_event evs[LL_EVENTS];
        int m = ll_component_events((ll_component_id)c, evs);
        for (int i = 0; i < m; i++)
            rt->bound[k++] = (ll_bound){ &rt->b.comp[c], evs[i] };
    }
    return rt;
}

/* Unsubscribes bound[from - 1] down to bound[0]: the reverse of start. */
static void unsubscribe_down(ll_runtime *rt, int from)
{
    for (int i = from; i-- > 0; )
        ll_emitter_off(&rt->b.em, rt->bound[i].ev, ll_bound_call, &rt->bound[i]);
}

static int optimized_start(ll_runtime *rt)
{
    if (rt->b.running)
        return LL_EALREADY;
    for (int i = 0; i < LL_SUBSCRIPTIONS; i++)
        if (ll_emitter_on(&rt->b.em, rt->bound[i].ev, ll_bound_call, &rt->bound[i]) != 0) {
            unsubscribe_down(rt, i);
            return LL_ENOMEM;
        }
    rt->b.running = 1;
    return 0;
}

static int optimized_stop(ll_runtime *rt)
{
    if (!rt->b.running)
        return LL_ENOTRUNNING;
    unsubscribe_down(rt, LL_SUBSCRIPTIONS);
    rt->b.running = 0;
    return 0;
}

static void optimized_destroy(ll_runtime *rt)
{
    if (!rt)
        return;
    if (rt->b.running)
        optimized_stop(rt);
    ll_emitter_free(&rt->b.em);
    free(rt);
}

static int optimized_emit(ll_runtime *rt, ll_event ev, uint64_t payload)
{
    if ((unsigned)ev >= LL_EVENTS)
        return LL_EINVAL;
    ll_emitter_emit(&rt->b.em, ev, payload);
    return 0;
}

const listener_leak_ops listener_leak_optimized = {
    .name = "optimized",
    .create = optimized_create,
    .destroy = optimized_destroy,
    .start = optimized_start,
    .stop = optimized_stop,
    .emit = optimized_emit,
};
