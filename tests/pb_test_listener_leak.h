/*
 * pb_test_listener_leak: what listener_leak's unit and differential tests
 * share: a sink that logs every handler call it sees and counts them per
 * component.
 */
#ifndef PAIRBENCH_PB_TEST_LISTENER_LEAK_H
#define PAIRBENCH_PB_TEST_LISTENER_LEAK_H

#include <stdint.h>

#include "pairbench/listener_leak.h"

#define PBT_LL_LOG_MAX 4096

typedef struct pbt_ll_call {
    ll_component_id c;
    ll_event        ev;
    uint64_t        payload, state;
} pbt_ll_call;

typedef struct pbt_ll_seen {
    int         n;                     /* calls; the first PBT_LL_LOG_MAX logged */
    int         per[LL_COMPONENTS];    /* calls per component */
    pbt_ll_call log[PBT_LL_LOG_MAX];
} pbt_ll_seen;

/* The sink given to create, with a pbt_ll_seen as its argument. */
static inline void pbt_ll_sink(void *arg, ll_component_id c, ll_event ev, uint64_t payload,
                               uint64_t state)
{
    pbt_ll_seen *s = arg;
    if (s->n < PBT_LL_LOG_MAX)
        s->log[s->n] = (pbt_ll_call){ c, ev, payload, state };
    s->n++;
    s->per[c]++;
}

#endif
