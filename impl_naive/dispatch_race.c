/*
 * dispatch_race, naive: the seed's dispatchWork loop, faithfully:
 *   ready = scheduler.getReadyTasks();          // a new array
 *   for (task of ready) {
 *     agent = pool.getIdleAgent(); if (!agent) break;
 *     await dispatch(task, agent);              // then markInProgress
 *   }
 * with the coordinator's data behind a mutex, as a reasonable engineer
 * would protect it: the copy is made under the lock, each agent taken
 * under the lock, the send made unlocked (the await), the task marked in
 * progress (off the ready list) under the lock after its send returned.
 * The race is logical, not a data race: check (the copy) and act (the
 * send) are in different critical sections, so a pass that starts while
 * another is sending copies tasks the first will still send, and both
 * send them.
 *
 * Cost per pass sending k of r ready tasks: one malloc/free of r ids and
 * an O(r) copy under the lock, two lock round trips per task sent, the
 * sends.
 */
#include <stdlib.h>

#include "../impl_shared/dispatch_race_core.h"

static int pass_naive(dr_coordinator *c)
{
    pthread_mutex_lock(&c->lock);
    uint32_t n = c->listed, k = 0;
    uint32_t *ready = malloc((n ? n : 1) * sizeof *ready);   /* getReadyTasks() */
    if (!ready) {
        pthread_mutex_unlock(&c->lock);
        return DR_ENOMEM;
    }
    for (uint32_t t = c->head; t != DR_NIL; t = c->task[t].next)
        ready[k++] = t;
    pthread_mutex_unlock(&c->lock);

    int rc = DR_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = ready[i];
        pthread_mutex_lock(&c->lock);
        uint32_t a = dr_core_take_agent_locked(c);            /* getIdleAgent() */
        if (a == DR_NIL) {
            pthread_mutex_unlock(&c->lock);
            break;
        }
        dr_core_hold_locked(c, t, a);
        pthread_mutex_unlock(&c->lock);

        int refused = c->send(c->send_arg, t, a);              /* await dispatch() */

        pthread_mutex_lock(&c->lock);
        if (refused) {
            dr_core_refused_locked(c, t, a);   /* t is still where it was */
            pthread_mutex_unlock(&c->lock);
            rc = DR_ESEND;
            break;
        }
        if (c->task[t].listed)                                 /* markInProgress() */
            dr_core_unlink_locked(c, t);
        pthread_mutex_unlock(&c->lock);
    }
    free(ready);
    return rc;
}

/* ready, completed and dispatch end with this pass; the rest is shared. */
DR_DEFINE_OPS(dispatch_race_naive, "naive", pass_naive);
