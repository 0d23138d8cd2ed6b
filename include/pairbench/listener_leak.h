/*
 * listener_leak: seed 004's orchestrator runtime and its event emitter
 * (item 1, "Memory Leaks - Event Listener Cleanup", and item 15,
 * "Complete Shutdown Sequence").
 *
 * A runtime owns an event emitter and three components that subscribe to
 * its events when the runtime starts:
 *
 *   component              events it handles
 *   LL_COORDINATOR         LL_TASK_READY, LL_TASK_COMPLETED, LL_AGENT_IDLE
 *   LL_SCHEDULER           LL_TASK_COMPLETED, LL_TASK_FAILED
 *   LL_OPERATIONS          LL_TASK_COMPLETED, LL_TASK_FAILED, LL_RATE_LIMITED
 *
 * (8 subscriptions; ll_subscribers(ev) says how many components handle
 * ev). A handler updates its component's state (per event, the number
 * handled and a fold of the payloads) and reports what it did to the
 * sink the caller gave at create: sink(arg, component, event, payload,
 * state), state being that component's fold after the call. The sink is
 * how the caller sees handler calls; the runtime keeps no count of its own.
 *
 *   listener_leak_naive      the seed's "before": every start binds fresh
 *                            handlers (`emitter.on(ev, this.onX.bind(this))`:
 *                            a new closure, malloc'd, per subscription) and
 *                            stop removes none. After k start/stop cycles every event reaches k + 1
 *                            copies of each handler, and the closures, which
 *                            only the emitter pointed to, are never freed:
 *                            after destroy Valgrind reports them "definitely
 *                            lost" (16 bytes each, 8 per start). The leak is
 *                            kept on purpose: it is what the pair measures.
 *   listener_leak_optimized  the seed's fix, completed: each component binds
 *                            its handlers once, at create (the seed's
 *                            `listeners` object), start subscribes them, stop
 *                            unsubscribes exactly those, and the runtime's
 *                            stop stops every component, in reverse order
 *                            of their start (the complete shutdown).
 *                            Heap, handler calls and emit cost stay flat
 *                            across cycles; destroy frees everything.
 *
 * The emitter (impl_shared/listener_leak_common.c) is the same in both,
 * like Node's EventEmitter: per event an array of listeners in the order
 * subscribed; emit calls those subscribed when it begins, in that order,
 * and allocates nothing; removal takes the most recently added matching
 * listener out, keeping the order of the rest. The pair differs only in
 * how the components subscribe and unsubscribe.
 *
 * THE SPECIFICATION (what the optimized implementation meets and the naive
 * one violates by design once it has been restarted): while the runtime
 * runs, every emitted event calls the handler of each component that
 * handles it exactly once; while it is stopped, an event calls no handler.
 *
 * Return codes (0 or one of LL_E*):
 *   create   NULL when an allocation fails (nothing is left allocated)
 *   start    0; LL_EALREADY when running (nothing changes); LL_ENOMEM when
 *            an allocation fails: the runtime stays stopped. Optimized:
 *            every subscription the call made is removed again (the state
 *            is as before the call). Naive: the subscriptions made before
 *            the failure stay, with their closures (as the seed's start
 *            would leave them after an exception), and later events reach
 *            them; the closure of the failed subscription is freed
 *   stop     0; LL_ENOTRUNNING when stopped (nothing changes). Never fails:
 *            removing a listener allocates nothing
 *   emit     0, whether running or not; LL_EINVAL for an event out of range
 *            (nothing called)
 *   destroy  frees the runtime, running or not (optimized: stopped first);
 *            the naive's closures are lost, as above
 *
 * How the two may legitimately differ: only after a stop. Until the first
 * stop (create, start, any emits) they make the same handler calls with the
 * same payloads and states, in the same order. After k >= 1 start/stop
 * cycles the naive one calls each handler k + 1 times per event while
 * running (and up to k times while stopped), so its component states,
 * allocations and heap grow with k; the optimized one's stay as after the
 * first start. The naive one's start allocates 8 closures; the optimized
 * one's allocates nothing once its listener arrays have room (after the
 * first start).
 */
#ifndef PAIRBENCH_LISTENER_LEAK_H
#define PAIRBENCH_LISTENER_LEAK_H

#include <stdint.h>

typedef enum ll_event {
    LL_TASK_READY, LL_TASK_COMPLETED, LL_TASK_FAILED, LL_AGENT_IDLE,
    LL_RATE_LIMITED, LL_EVENTS
} ll_event;

typedef enum ll_component_id {
    LL_COORDINATOR, LL_SCHEDULER, LL_OPERATIONS, LL_COMPONENTS
} ll_component_id;

enum { LL_OK = 0, LL_EINVAL = 1, LL_ENOMEM = 2, LL_EALREADY = 3, LL_ENOTRUNNING = 4 };

/* What a handler reports: the component, the event and payload it
 * handled, and the component's state (a fold of what it has handled for
 * that event) after the call. Called on the thread that called emit. */
typedef void (*ll_sink)(void *arg, ll_component_id component, ll_event ev,
                        uint64_t payload, uint64_t state);

typedef struct ll_runtime ll_runtime;

typedef struct listener_leak_ops {
    const char *name;            /* "naive" | "optimized" */
    /* A stopped runtime; sink must not be NULL. NULL when out of memory. */
    ll_runtime *(*create)(ll_sink sink, void *arg);
    void        (*destroy)(ll_runtime *rt);
    int         (*start)(ll_runtime *rt);
    int         (*stop)(ll_runtime *rt);
    int         (*emit)(ll_runtime *rt, ll_event ev, uint64_t payload);
} listener_leak_ops;

extern const listener_leak_ops listener_leak_naive;
extern const listener_leak_ops listener_leak_optimized;

/* Components that handle ev (0 for an event out of range). */
static inline int ll_subscribers(ll_event ev)
{
    static const int n[LL_EVENTS] = { 1, 3, 2, 1, 1 };
    return (unsigned)ev < LL_EVENTS ? n[ev] : 0;
}

/* 1 when component c handles event ev. */
static inline int ll_handles(ll_component_id c, ll_event ev)
{
    static const unsigned mask[LL_COMPONENTS] = {
        1u << LL_TASK_READY | 1u << LL_TASK_COMPLETED | 1u << LL_AGENT_IDLE,
        1u << LL_TASK_COMPLETED | 1u << LL_TASK_FAILED,
        1u << LL_TASK_COMPLETED | 1u << LL_TASK_FAILED | 1u << LL_RATE_LIMITED,
    };
    return (unsigned)c < LL_COMPONENTS && (unsigned)ev < LL_EVENTS &&
           (mask[c] >> ev & 1u);
}

#endif
