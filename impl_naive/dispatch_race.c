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

static int ready_naive(dr_coordinator *c, const uint32_t *tasks, size_t n)
{
    return dr_core_ready(c, tasks, n, pass_naive);
}

static int completed_naive(dr_coordinator *c, uint32_t task, uint32_t agent)
{
    return dr_core_completed(c, task, agent, pass_naive);
}

static int dispatch_naive(dr_coordinator *c)
{
    return c ? pass_naive(c) : DR_EINVAL;
}

const dispatch_race_ops dispatch_race_naive = {
    .name = "naive",
    .create = dr_core_create,
    .destroy = dr_core_destroy,
    .ready = ready_naive,
    .completed = completed_naive,
    .dispatch = dispatch_naive,
    .task_state = dr_core_task_state,
    .counts = dr_core_counts,
};
