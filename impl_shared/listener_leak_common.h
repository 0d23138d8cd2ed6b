/*
 * listener_leak: what the two implementations share, because the seed's
 * fix does not touch it: the event emitter, the three components' handlers
 * and state, and the bound handler (the closure a subscription carries).
 */
#ifndef PAIRBENCH_LISTENER_LEAK_COMMON_H
#define PAIRBENCH_LISTENER_LEAK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "pairbench/listener_leak.h"

/* --- the emitter -------------------------------------------------------------
 * Node's EventEmitter in C: per event a growable array of (fn, ctx) in the
 * order subscribed. on appends (the array doubles when full: amortised
 * O(1), one realloc per doubling); off removes the most recently added
 * matching listener, O(listeners after it); emit calls the listeners
 * subscribed when it begins, in order, O(listeners), no allocation.
 * Listeners must not subscribe or unsubscribe while an emit runs. */
typedef void (*ll_listener_fn)(void *ctx, uint64_t payload);

typedef struct ll_listener {
    ll_listener_fn fn;
    void          *ctx;
} ll_listener;

typedef struct ll_emitter {
    ll_listener *l[LL_EVENTS];
    size_t       n[LL_EVENTS], cap[LL_EVENTS];
} ll_emitter;

/* 0, or LL_ENOMEM when the array cannot grow (nothing changed). */
int  ll_emitter_on(ll_emitter *em, ll_event ev, ll_listener_fn fn, void *ctx);
/* 0, or -1 when no listener (fn, ctx) is subscribed to ev. */
int  ll_emitter_off(ll_emitter *em, ll_event ev, ll_listener_fn fn, void *ctx);
void ll_emitter_emit(const ll_emitter *em, ll_event ev, uint64_t payload);
/* Frees the arrays (not the listeners' ctx: the emitter does not own them). */
void ll_emitter_free(ll_emitter *em);

/* --- the components ------------------------------------------------------- */

typedef struct ll_component {
    ll_component_id id;
    uint64_t        handled[LL_EVENTS];   /* events handled, per event */
    uint64_t        fold[LL_EVENTS];      /* a fold of their payloads */
    ll_sink         sink;
    void           *arg;
} ll_component;

/* The events component c subscribes to, in its subscription order, into
 * out; their number. */
int  ll_component_events(ll_component_id c, ll_event out[LL_EVENTS]);
/* Subscriptions of the whole runtime: the sum over the components (8). */
#define LL_SUBSCRIPTIONS 8

/* What the runtime of either implementation holds besides its own part. */
typedef struct ll_base {
    ll_emitter   em;
    ll_component comp[LL_COMPONENTS];
    int          running;
} ll_base;

void ll_base_init(ll_base *b, ll_sink sink, void *arg);

/* --- the bound handler ---------------------------------------------------------
 * `this.onX.bind(this)`: the component and the event it handles. Its
 * listener function is ll_bound_call. */
typedef struct ll_bound {
    ll_component *self;
    ll_event      ev;
} ll_bound;

void ll_bound_call(void *ctx, uint64_t payload);

#endif
