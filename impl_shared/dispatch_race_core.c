/*
 * dispatch_race_core: the coordinator's state both implementations share
 * (see dispatch_race_core.h). Every operation here is O(1) but ready's,
 * which is O(n) in the tasks of the call.
 */
#include <stdlib.h>

#include "dispatch_race_core.h"

int dr_core_create(const dr_options *opt, dr_coordinator **out)
{
    if (!out)
        return DR_EINVAL;
    *out = NULL;
    if (!opt || !opt->send || opt->max_tasks == 0 || opt->max_tasks > DR_TASKS_MAX ||
        opt->agents == 0 || opt->agents > DR_AGENTS_MAX)
        return DR_EINVAL;
    dr_coordinator *c = calloc(1, sizeof *c);
    if (!c)
        return DR_ENOMEM;
    c->task = malloc((size_t)opt->max_tasks * sizeof *c->task);
    c->agent_task = malloc((size_t)opt->agents * sizeof *c->agent_task);
    c->idle = malloc((size_t)opt->agents * sizeof *c->idle);
    if (!c->task || !c->agent_task || !c->idle || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->task);
        free(c->agent_task);
        free(c->idle);
        free(c);
        return DR_ENOMEM;
    }
    c->max_tasks = opt->max_tasks;
    c->agents = opt->agents;
    c->send = opt->send;
    c->send_arg = opt->send_arg;
    for (uint32_t t = 0; t < c->max_tasks; t++)
        c->task[t] = (dr_task){ DR_NIL, DR_NIL, 0, 0 };
    c->head = c->tail = DR_NIL;
    for (uint32_t a = 0; a < c->agents; a++) {
        c->agent_task[a] = DR_NIL;
        c->idle[a] = a;
    }
    c->idle_count = c->agents;
    *out = c;
    return DR_OK;
}

void dr_core_destroy(dr_coordinator *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c->task);
    free(c->agent_task);
    free(c->idle);
    free(c);
}

/* Links t into the ready list between prev and next (DR_NIL: an end). */
static void link_locked(dr_coordinator *c, uint32_t t, uint32_t prev, uint32_t next)
{
    dr_task *k = &c->task[t];
    k->prev = prev;
    k->next = next;
    if (prev == DR_NIL)
        c->head = t;
    else
        c->task[prev].next = t;
    if (next == DR_NIL)
        c->tail = t;
    else
        c->task[next].prev = t;
    k->listed = 1;
    c->listed++;
}

void dr_core_unlink_locked(dr_coordinator *c, uint32_t t)
{
    dr_task *k = &c->task[t];
    if (k->prev == DR_NIL)
        c->head = k->next;
    else
        c->task[k->prev].next = k->next;
    if (k->next == DR_NIL)
        c->tail = k->prev;
    else
        c->task[k->next].prev = k->prev;
    k->prev = k->next = DR_NIL;
    k->listed = 0;
    c->listed--;
}

uint32_t dr_core_pop_head_locked(dr_coordinator *c)
{
    uint32_t t = c->head;
    if (t != DR_NIL)
        dr_core_unlink_locked(c, t);
    return t;
}

void dr_core_push_head_locked(dr_coordinator *c, uint32_t t)
{
    link_locked(c, t, DR_NIL, c->head);
}

int dr_core_ready_locked(dr_coordinator *c, const uint32_t *tasks, size_t n)
{
    if (!tasks && n > 0)
        return DR_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (tasks[i] >= c->max_tasks)
            return DR_EINVAL;
    for (size_t i = 0; i < n; i++) {
        dr_task *k = &c->task[tasks[i]];
        if (k->listed || k->holders) {       /* not IDLE, or twice in the call */
            while (i-- > 0)                  /* undo: they are the list's tail */
                dr_core_unlink_locked(c, c->tail);
            return DR_ESTATE;
        }
        link_locked(c, tasks[i], c->tail, DR_NIL);     /* append */
    }
    return DR_OK;
}

static void agent_idle_locked(dr_coordinator *c, uint32_t a)
{
    c->agent_task[a] = DR_NIL;
    c->idle[(c->idle_head + c->idle_count) % c->agents] = a;
    c->idle_count++;
}

static void release_locked(dr_coordinator *c, uint32_t t)
{
    if (--c->task[t].holders == 0)
        c->held--;
}

int dr_core_completed_locked(dr_coordinator *c, uint32_t task, uint32_t agent)
{
    if (task >= c->max_tasks || agent >= c->agents)
        return DR_EINVAL;
    if (c->agent_task[agent] != task)
        return DR_ESTATE;
    agent_idle_locked(c, agent);
    release_locked(c, task);
    /* done; still listed only when a naive pass sent it and has not yet
     * marked it in progress: the completion ends its lifecycle too */
    if (c->task[task].holders == 0 && c->task[task].listed)
        dr_core_unlink_locked(c, task);
    return DR_OK;
}

int dr_core_ready(dr_coordinator *c, const uint32_t *tasks, size_t n, dr_pass_fn pass)
{
    if (!c)
        return DR_EINVAL;
    pthread_mutex_lock(&c->lock);
    int rc = dr_core_ready_locked(c, tasks, n);
    pthread_mutex_unlock(&c->lock);
    return rc == DR_OK ? pass(c) : rc;
}

int dr_core_completed(dr_coordinator *c, uint32_t task, uint32_t agent, dr_pass_fn pass)
{
    if (!c)
        return DR_EINVAL;
    pthread_mutex_lock(&c->lock);
    int rc = dr_core_completed_locked(c, task, agent);
    pthread_mutex_unlock(&c->lock);
    return rc == DR_OK ? pass(c) : rc;
}

uint32_t dr_core_take_agent_locked(dr_coordinator *c)
{
    if (c->idle_count == 0)
        return DR_NIL;
    uint32_t a = c->idle[c->idle_head];
    c->idle_head = (c->idle_head + 1) % c->agents;
    c->idle_count--;
    return a;
}

void dr_core_hold_locked(dr_coordinator *c, uint32_t t, uint32_t a)
{
    c->agent_task[a] = t;
    if (c->task[t].holders++ == 0)
        c->held++;
}

void dr_core_refused_locked(dr_coordinator *c, uint32_t t, uint32_t a)
{
    agent_idle_locked(c, a);
    release_locked(c, t);
}

int dr_core_task_state(dr_coordinator *c, uint32_t task)
{
    if (!c || task >= c->max_tasks)
        return -1;
    pthread_mutex_lock(&c->lock);
    const dr_task *k = &c->task[task];
    int s = k->holders ? DR_TASK_DISPATCHED : k->listed ? DR_TASK_READY : DR_TASK_IDLE;
    pthread_mutex_unlock(&c->lock);
    return s;
}

void dr_core_counts(dr_coordinator *c, dr_counts *out)
{
    if (!out)
        return;
    if (!c) {
        *out = (dr_counts){ 0, 0, 0 };
        return;
    }
    pthread_mutex_lock(&c->lock);
    *out = (dr_counts){ c->listed, c->held, c->idle_count };
    pthread_mutex_unlock(&c->lock);
}
