/*
 * dispatch_race_core: what both dispatch_race implementations share, since
 * the seed's fix does not touch it: the coordinator's state (the task
 * table, the ready list, the agent pool) behind one mutex, its creation,
 * the ready and completed state changes, the send-failure undo and the
 * queries. The implementations differ only in the dispatch pass.
 *
 * The ready list is doubly linked through the task table (append, pop the
 * head, push at the head, unlink any task: O(1)); the idle agents are a
 * ring (take the head, give back at the tail: O(1)). Functions named
 * *_locked need c->lock held; the others take it themselves.
 */
#ifndef PAIRBENCH_DISPATCH_RACE_CORE_H
#define PAIRBENCH_DISPATCH_RACE_CORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "pairbench/dispatch_race.h"

#define DR_NIL UINT32_MAX

typedef struct dr_task {
    uint32_t prev, next;       /* ready list links, DR_NIL at the ends */
    uint32_t holders;          /* agents busy with it (> 1: naive duplicates) */
    uint8_t  listed;           /* on the ready list */
} dr_task;

struct dr_coordinator {
    pthread_mutex_t lock;
    uint32_t   max_tasks, agents;
    dr_send_fn send;
    void      *send_arg;
    dr_task   *task;           /* [max_tasks] */
    uint32_t   head, tail;     /* the ready list */
    uint32_t   listed;         /* tasks on it */
    uint32_t   held;           /* tasks with holders > 0 */
    uint32_t  *agent_task;     /* [agents]: the task it is busy with, or DR_NIL */
    uint32_t  *idle;           /* [agents]: ring of idle agent ids */
    uint32_t   idle_head, idle_count;
};

int  dr_core_create(const dr_options *opt, dr_coordinator **out);
void dr_core_destroy(dr_coordinator *c);

/* The state changes of ready() and completed(), under the lock, all or
 * nothing: DR_OK, DR_EINVAL or DR_ESTATE as the header says. */
int  dr_core_ready_locked(dr_coordinator *c, const uint32_t *tasks, size_t n);
int  dr_core_completed_locked(dr_coordinator *c, uint32_t task, uint32_t agent);

/* ready() and completed() of the header: the state change under the lock,
 * then, if it succeeded, pass(c) in the calling thread, whose result is
 * returned. DR_EINVAL for c NULL. */
typedef int (*dr_pass_fn)(dr_coordinator *c);
int  dr_core_ready(dr_coordinator *c, const uint32_t *tasks, size_t n, dr_pass_fn pass);
int  dr_core_completed(dr_coordinator *c, uint32_t task, uint32_t agent, dr_pass_fn pass);

/* The ops table of an implementation whose dispatch pass is `pass`
 * (static int pass(dr_coordinator *)): everything else is this file's.
 * Defines the static wrappers and the one exported table `var`. */
#define DR_DEFINE_OPS(var, impl_name, pass)                                      \
    static int pass##_ready(dr_coordinator *c, const uint32_t *tasks, size_t n) \
    {                                                                            \
        return dr_core_ready(c, tasks, n, pass);                                 \
    }                                                                            \
    static int pass##_completed(dr_coordinator *c, uint32_t task, uint32_t agent) \
    {                                                                            \
        return dr_core_completed(c, task, agent, pass);                          \
    }                                                                            \
    static int pass##_dispatch(dr_coordinator *c)                                \
    {                                                                            \
        return c ? pass(c) : DR_EINVAL;                                          \
    }                                                                            \
    const dispatch_race_ops var = {                                              \
        .name = impl_name,                                                       \
        .create = dr_core_create,                                                \
        .destroy = dr_core_destroy,                                              \
        .ready = pass##_ready,                                                   \
        .completed = pass##_completed,                                           \
        .dispatch = pass##_dispatch,                                             \
        .task_state = dr_core_task_state,                                        \
        .counts = dr_core_counts,                                                \
    }

/* The next idle agent (FIFO head), taken, or DR_NIL when none is idle. */
uint32_t dr_core_take_agent_locked(dr_coordinator *c);
/* Agent a is busy with task t from now on. */
void dr_core_hold_locked(dr_coordinator *c, uint32_t t, uint32_t a);
/* The send of t to a was refused: a idle again (FIFO tail), t no longer
 * held by a. The caller decides where t goes on the list. */
void dr_core_refused_locked(dr_coordinator *c, uint32_t t, uint32_t a);

/* Ready list operations. */
uint32_t dr_core_pop_head_locked(dr_coordinator *c);     /* DR_NIL: empty */
void dr_core_push_head_locked(dr_coordinator *c, uint32_t t);
void dr_core_unlink_locked(dr_coordinator *c, uint32_t t); /* t listed */

/* The header's task_state and counts (each takes the lock). */
int  dr_core_task_state(dr_coordinator *c, uint32_t task);
void dr_core_counts(dr_coordinator *c, dr_counts *out);

#endif
