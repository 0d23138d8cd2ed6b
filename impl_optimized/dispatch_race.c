/*
 * dispatch_race, optimized: the seed's fix ("track a dispatching set
 * within dispatchWork"), made atomic: per step, in one critical section,
 * the first ready task is claimed (taken off the ready list: it is
 * dispatched, the in-flight set being the tasks agents hold) together
 * with the next idle agent; the send is made unlocked. A pass that starts
 * while another is sending sees only what nobody has claimed, so a task
 * is sent once per lifecycle however passes overlap. A refused send
 * undoes its claim: the task back at the head of the ready list, the
 * agent idle.
 *
 * Cost per pass sending k tasks: k + 1 lock round trips and the sends; no
 * copy, no allocation.
 */
#include "../impl_shared/dispatch_race_core.h"

static int pass_optimized(dr_coordinator *c)
{
    for (;;) {
        pthread_mutex_lock(&c->lock);
        if (c->head == DR_NIL || c->idle_count == 0) {
            pthread_mutex_unlock(&c->lock);
            return DR_OK;
        }
        uint32_t t = dr_core_pop_head_locked(c);       /* the claim: task */
        uint32_t a = dr_core_take_agent_locked(c);     /* and agent, together */
        dr_core_hold_locked(c, t, a);
        pthread_mutex_unlock(&c->lock);

        if (c->send(c->send_arg, t, a) != 0) {
            pthread_mutex_lock(&c->lock);
            dr_core_refused_locked(c, t, a);
            dr_core_push_head_locked(c, t);            /* its place */
            pthread_mutex_unlock(&c->lock);
            return DR_ESEND;
        }
    }
}

/* ready, completed and dispatch end with this pass; the rest is shared. */
DR_DEFINE_OPS(dispatch_race_optimized, "optimized", pass_optimized);
