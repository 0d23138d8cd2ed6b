/*
 * dispatch_race: seed 004's coordinator dispatch loop (fix 10,
 * claude_code_coordinator.ts dispatchWork): tasks that became ready are
 * sent to idle agents, and events (a task completed, new tasks ready)
 * start another dispatch pass, perhaps while one is still sending.
 *
 *   dispatch_race_naive      the seed's loop: `ready =
 *                            scheduler.getReadyTasks(); for (task of
 *                            ready) { agent = pool.getIdleAgent(); if
 *                            (!agent) break; await dispatch(task, agent);
 *                            }`: the pass copies the ready list (a new
 *                            array: one malloc per pass), then per task
 *                            takes an idle agent under the lock, sends
 *                            unlocked (the await), and only then marks the
 *                            task in progress (it leaves the ready list).
 *                            Two passes that overlap both send what both
 *                            copied: a task can be sent twice
 *   dispatch_race_optimized  the fix, "track a dispatching set": per step,
 *                            in ONE critical section, the first ready task
 *                            is claimed (it leaves the ready list, it is
 *                            dispatched) together with an idle agent; then
 *                            it is sent unlocked. No copy, no allocation
 *                            after create; a task is sent once per
 *                            lifecycle however passes overlap
 *
 * THE MODEL (one mutex per coordinator guards all of it; the same code in
 * both, impl_shared/dispatch_race_core.c; the pair differs only in the
 * pass):
 *   tasks   ids 0..max_tasks-1, fixed at create. A task is IDLE (never
 *           ready, or done), READY (in the ready list, which keeps the
 *           order in which tasks became ready) or DISPATCHED (held by at
 *           least one agent: taken for it, being sent or sent, not yet
 *           completed). ready() makes IDLE tasks READY: a new LIFECYCLE
 *           each time (a done task may be made ready again).
 *   agents  ids 0..agents-1, fixed at create, each idle or busy with one
 *           task. Idle agents wait in a FIFO, initially 0, 1, ..., and an
 *           agent freed (completed, or its send failed) goes to its tail.
 *   send    the agent channel, given at create: send(send_arg, task,
 *           agent) returns 0 when the agent took the task, non-zero when
 *           it refused. It is called without the coordinator's lock held
 *           (it is the seed's `await`: it may take long, and it may call
 *           this coordinator's operations, from its thread or another,
 *           which then run a pass that overlaps the sending one; never
 *           destroy). The component never counts sends: whoever gives the
 *           channel does (the scenarios count duplicates there).
 *
 * A DISPATCH PASS (every operation below ends with one, in the calling
 * thread) repeats: take a ready task and an idle agent (the agent is busy
 * with the task from then on), send. It stops, returning DR_OK, when no
 * task is ready or no agent is idle (the tasks left stay READY, in order,
 * for a later pass), and it stops at the first send that fails:
 *   SEND FAILURE  the agent is idle again (FIFO tail), the task READY
 *                 again at the HEAD of the ready list, and the pass
 *                 returns DR_ESEND; the tasks after it stay READY. The
 *                 optimized one puts the task back at the head (its claim
 *                 took it from there); the naive one never took it off the
 *                 list, and in a sequential run a refused task is the
 *                 first of the list, so its place is the head too. (In a
 *                 concurrent naive run the task stays as the other passes
 *                 left it: where it is on the list, DISPATCHED while
 *                 another agent it was sent to holds it, or IDLE when that
 *                 agent already completed it.)
 * Naive: the pass sends the tasks of its copy in order, each to the next
 * idle agent, whatever became of the task since the copy (the bug); a
 * copy it cannot allocate ends the pass at once with DR_ENOMEM, nothing
 * sent. Optimized: it sends the head of the ready list, whatever it is at
 * that moment.
 *
 * RETURN CODES of ready, completed and dispatch. The operation's own
 * change is all or nothing and comes first; the pass runs only if it
 * succeeded:
 *   DR_OK      the change made, the pass ended without a failure
 *   DR_EINVAL  c NULL, tasks NULL with n > 0, a task id >= max_tasks or
 *              an agent id >= agents: nothing changed, no pass
 *   DR_ESTATE  ready: a task of the call is not IDLE (already READY, or
 *              DISPATCHED: its sends not all completed), or appears twice
 *              in the call; completed: the agent is not busy with that
 *              task (idle, or busy with another). Nothing changed (no task
 *              of the call made ready), no pass
 *   DR_ESEND   the change made; the pass stopped at a refused send (see
 *              SEND FAILURE)
 *   DR_ENOMEM  naive only: the change made; the pass could not copy the
 *              ready list and sent nothing. The tasks stay READY: the
 *              next pass (dispatch() will do) sends what this one would
 *              have. The optimized one never returns it after create
 * create returns DR_OK with *out, or DR_EINVAL (out or opt NULL,
 * opt->send NULL, max_tasks or agents 0 or above DR_TASKS_MAX /
 * DR_AGENTS_MAX) or DR_ENOMEM with *out NULL and nothing allocated.
 *
 * THE CONTRACT between the two:
 *   - Sequentially (no two passes ever overlapping: operations called one
 *     at a time, send never calling back), the two behave identically:
 *     the same sends, in the same order, to the same agents, the same
 *     return codes and the same states, except where the naive one runs
 *     out of memory (DR_ENOMEM; the optimized one has sent what the naive
 *     one's next dispatch() sends). The naive one is then the oracle.
 *   - Concurrently they are judged by the specification, not against each
 *     other: every task made ready is sent EXACTLY ONCE per lifecycle (once
 *     more after each refused send), to an agent that is idle, and none
 *     is left READY while an agent is idle once every operation has
 *     returned. The optimized one meets it. The naive one does not, by
 *     design: when passes overlap (events arriving while a pass is
 *     sending), a task on two passes' copies is sent by both, to two
 *     agents, and even a task already done (its lifecycle over) can be
 *     sent again by a pass that copied the list before. Each such send
 *     holds its agent until completed() is called for that agent, and the
 *     task is done (IDLE, ready() accepts it again) only when every agent
 *     it was sent to has completed it; a completion that comes before the
 *     naive pass marked the task in progress also ends it. So overlapping
 *     naive passes also leave fewer agents idle than the optimized one
 *     would, and the sends and their order differ from there on.
 *   - The naive one allocates a copy of the ready list per pass (O(ready)
 *     bytes, under the lock); the optimized one allocates nothing after
 *     create.
 *
 * Cost per pass sending k tasks with r ready: naive O(r) copy + one
 * malloc/free + 2 lock round trips per task + k sends; optimized one lock
 * round trip per task + k sends. Every list operation is O(1).
 */
#ifndef PAIRBENCH_DISPATCH_RACE_H
#define PAIRBENCH_DISPATCH_RACE_H

#include <stddef.h>
#include <stdint.h>

#define DR_TASKS_MAX  (1u << 24)
#define DR_AGENTS_MAX (1u << 20)

enum { DR_OK = 0, DR_EINVAL = 1, DR_ENOMEM = 2, DR_ESTATE = 3, DR_ESEND = 4 };

/* A task's state (task_state): between operations; while a naive pass is
 * sending, a task it took an agent for is DISPATCHED though still on the
 * ready list until the pass marks it. */
enum { DR_TASK_IDLE = 0, DR_TASK_READY = 1, DR_TASK_DISPATCHED = 2 };

/* The agent channel: 0 when the agent took the task, non-zero when it
 * refused. Called without the coordinator's lock held. */
typedef int (*dr_send_fn)(void *arg, uint32_t task, uint32_t agent);

typedef struct dr_options {
    uint32_t   max_tasks;    /* task ids 0..max_tasks-1, 1..DR_TASKS_MAX */
    uint32_t   agents;       /* agent ids 0..agents-1, 1..DR_AGENTS_MAX */
    dr_send_fn send;         /* required */
    void      *send_arg;
} dr_options;

/* What the coordinator holds now (for a fixture's steady state and for
 * tests; the component's own view, never a measurement). */
typedef struct dr_counts {
    uint32_t ready;          /* tasks on the ready list (naive: including
                                those a pass in flight has taken an agent
                                for and not yet marked) */
    uint32_t dispatched;     /* tasks held by at least one agent */
    uint32_t idle_agents;
} dr_counts;

typedef struct dr_coordinator dr_coordinator;       /* opaque */

typedef struct dispatch_race_ops {
    const char *name;        /* "naive" | "optimized" */

    /* A coordinator: every task IDLE, every agent idle. See RETURN CODES. */
    int  (*create)(const dr_options *opt, dr_coordinator **out);
    /* Frees c (NULL: nothing). No operation may be running on c, and no
     * send either: destroy is not a synchronisation point. */
    void (*destroy)(dr_coordinator *c);

    /* The scheduler's refresh made tasks[0..n) ready: appended to the ready
     * list in that order (n = 0: nothing), then a pass. Any thread. */
    int  (*ready)(dr_coordinator *c, const uint32_t *tasks, size_t n);
    /* The agent finished the task: the agent is idle (FIFO tail) and the
     * task done (IDLE) unless other agents still hold it (a naive
     * duplicate), then a pass. Any thread. */
    int  (*completed)(dr_coordinator *c, uint32_t task, uint32_t agent);
    /* A pass alone: DR_OK, DR_ESEND, DR_ENOMEM (naive), DR_EINVAL (c NULL).
     * Any thread. */
    int  (*dispatch)(dr_coordinator *c);

    /* DR_TASK_IDLE, DR_TASK_READY or DR_TASK_DISPATCHED; -1 for c NULL or
     * an id out of range. Any thread (a snapshot under the lock). */
    int  (*task_state)(dr_coordinator *c, uint32_t task);
    /* *out = the counts now (zeros for c NULL). Any thread. */
    void (*counts)(dr_coordinator *c, dr_counts *out);
} dispatch_race_ops;

extern const dispatch_race_ops dispatch_race_naive;
extern const dispatch_race_ops dispatch_race_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline int dispatch_race_create(const dispatch_race_ops *o, const dr_options *opt, dr_coordinator **out) { return o->create(opt, out); }
static inline void dispatch_race_destroy(const dispatch_race_ops *o, dr_coordinator *c) { o->destroy(c); }
static inline int dispatch_race_ready(const dispatch_race_ops *o, dr_coordinator *c, const uint32_t *tasks, size_t n) { return o->ready(c, tasks, n); }
static inline int dispatch_race_completed(const dispatch_race_ops *o, dr_coordinator *c, uint32_t task, uint32_t agent) { return o->completed(c, task, agent); }
static inline int dispatch_race_dispatch(const dispatch_race_ops *o, dr_coordinator *c) { return o->dispatch(c); }
static inline int dispatch_race_task_state(const dispatch_race_ops *o, dr_coordinator *c, uint32_t task) { return o->task_state(c, task); }
static inline void dispatch_race_counts(const dispatch_race_ops *o, dr_coordinator *c, dr_counts *out) { o->counts(c, out); }

#endif
