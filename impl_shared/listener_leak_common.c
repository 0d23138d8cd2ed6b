/*
 * listener_leak: the emitter, the components' handlers and the bound
 * handler both implementations use (listener_leak_common.h). Costs: on
 * amortised O(1), off O(listeners after the one removed), emit
 * O(listeners of the event) with no allocation, a handler O(1).
 */
#include <stdlib.h>
#include <string.h>

#include "listener_leak_common.h"

int ll_emitter_on(ll_emitter *em, ll_event ev, ll_listener_fn fn, void *ctx)
{
    if (em->n[ev] == em->cap[ev]) {
        size_t cap = em->cap[ev] ? em->cap[ev] * 2 : 4;
        ll_listener *p = realloc(em->l[ev], cap * sizeof *p);
        if (!p)
            return LL_ENOMEM;
        em->l[ev] = p;
        em->cap[ev] = cap;
    }
    em->l[ev][em->n[ev]++] = (ll_listener){ fn, ctx };
    return 0;
}

int ll_emitter_off(ll_emitter *em, ll_event ev, ll_listener_fn fn, void *ctx)
{
    for (size_t i = em->n[ev]; i-- > 0; )
        if (em->l[ev][i].fn == fn && em->l[ev][i].ctx == ctx) {
            memmove(&em->l[ev][i], &em->l[ev][i + 1],
                    (em->n[ev] - i - 1) * sizeof em->l[ev][0]);
            em->n[ev]--;
            return 0;
        }
    return -1;
}

void ll_emitter_emit(const ll_emitter *em, ll_event ev, uint64_t payload)
{
    size_t n = em->n[ev];
    const ll_listener *l = em->l[ev];
    for (size_t i = 0; i < n; i++)
        l[i].fn(l[i].ctx, payload);
}

void ll_emitter_free(ll_emitter *em)
{
    for (int ev = 0; ev < LL_EVENTS; ev++) {
        free(em->l[ev]);
        em->l[ev] = NULL;
        em->n[ev] = em->cap[ev] = 0;
    }
}

int ll_component_events(ll_component_id c, ll_event out[LL_EVENTS])
{
    int k = 0;
    for (int ev = 0; ev < LL_EVENTS; ev++)
        if (ll_handles(c, (ll_event)ev))
            out[k++] = (ll_event)ev;
    return k;
}

void ll_base_init(ll_base *b, ll_sink sink, void *arg)
{
    memset(b, 0, sizeof *b);
    for (int c = 0; c < LL_COMPONENTS; c++) {
        b->comp[c].id = (ll_component_id)c;
        b->comp[c].sink = sink;
        b->comp[c].arg = arg;
    }
}

/* The handler of every component: count the event, fold its payload,
 * report. */
static void component_handle(ll_component *c, ll_event ev, uint64_t payload)
{
    c->handled[ev]++;
    c->fold[ev] = (c->fold[ev] ^ payload) * 0x100000001b3ULL + c->handled[ev];
    c->sink(c->arg, c->id, ev, payload, c->fold[ev]);
}

void ll_bound_call(void *ctx, uint64_t payload)
{
    ll_bound *b = ctx;
    component_handle(b->self, b->ev, payload);
}
