/*
 * dispatch_race differential test: thousands of seeded single-threaded
 * sequences (1 to 48 tasks, 1 to 8 agents, 20 to 300 operations) of
 * ready (fresh tasks, and now and then an id out of range, a task not
 * idle or one twice in the call), completed (a busy agent's task, and
 * now and then an idle agent, the wrong task or an id out of range) and
 * dispatch, with sends the agents refuse (none, 5%, 40%, one agent that
 * refuses everything, or every send), so agents run out and tasks go back
 * to the head, and allocation failures injected into the naive pass.
 *
 * Sequentially the two must behave identically (the header's contract):
 * every operation's return code, every send (task, agent, in order), and
 * after every operation every task's state and the counts, compared
 * between the two and against an independent model of the specification
 * this test keeps (a ready list and an idle FIFO as plain arrays). Where
 * the naive pass fails with DR_ENOMEM it must have sent nothing, and a
 * dispatch() right after it must return and send what the optimized
 * operation did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/dispatch_race.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

#define SEQUENCES 4000
#define MAXT      48
#define MAXA      8
#define MAXOPS    300
#define LOGMAX    (MAXOPS * MAXA * 2 + 16)
#define NIL       UINT32_MAX

enum { REFUSE_NONE, REFUSE_LOW, REFUSE_HIGH, REFUSE_AGENT, REFUSE_ALL };

typedef struct plan {
    uint64_t seed;
    int      mode;
    uint32_t broken_agent;
} plan;

/* Whether the k-th send of the sequence, (t, a), is refused: the same
 * decision for the model and both implementations. */
static int refuses(const plan *p, unsigned k, uint32_t a)
{
    uint64_t s = p->seed ^ ((uint64_t)k * 0x9e3779b97f4a7c15ULL);
    uint64_t r = pb_rand(&s) % 100;
    switch (p->mode) {
    case REFUSE_LOW:   return r < 5;
    case REFUSE_HIGH:  return r < 40;
    case REFUSE_AGENT: return a == p->broken_agent;
    case REFUSE_ALL:   return 1;
    default:           return 0;
    }
}

/* One implementation and the sends it made. */
typedef struct side {
    const dispatch_race_ops *ops;
    dr_coordinator *c;
    const plan *p;
    unsigned  n;                  /* sends so far */
    uint32_t  task[LOGMAX], agent[LOGMAX];
} side;

static int side_send(void *arg, uint32_t t, uint32_t a)
{
    side *s = arg;
    unsigned k = s->n;
    if (s->n < LOGMAX) {
        s->task[s->n] = t;
        s->agent[s->n] = a;
    }
    s->n++;
    return refuses(s->p, k, a) ? 11 : 0;
}

/* ---- the model ----------------------------------------------------------- */

typedef struct model {
    uint32_t tasks, agents;
    int      state[MAXT];          /* DR_TASK_* */
    uint32_t list[MAXT];           /* the ready list, in order */
    unsigned nl;
    uint32_t fifo[MAXA];           /* the idle agents, in order */
    unsigned nf;
    uint32_t agent_task[MAXA];     /* NIL: idle */
    const plan *p;
    unsigned n;
    uint32_t task[LOGMAX], agent[LOGMAX];
} model;

static int model_pass(model *m)
{
    while (m->nl > 0 && m->nf > 0) {
        uint32_t t = m->list[0], a = m->fifo[0];
        memmove(m->fifo, m->fifo + 1, --m->nf * sizeof m->fifo[0]);
        unsigned k = m->n++;
        m->task[k] = t;
        m->agent[k] = a;
        if (refuses(m->p, k, a)) {
            m->fifo[m->nf++] = a;                     /* agent at the tail */
            return DR_ESEND;                          /* task stays at the head */
        }
        memmove(m->list, m->list + 1, --m->nl * sizeof m->list[0]);
        m->state[t] = DR_TASK_DISPATCHED;
        m->agent_task[a] = t;
    }
    return DR_OK;
}

static int model_ready(model *m, const uint32_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= m->tasks)
            return DR_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (m->state[ids[i]] != DR_TASK_IDLE)
            return DR_ESTATE;
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i])
                return DR_ESTATE;
    }
    for (size_t i = 0; i < n; i++) {
        m->state[ids[i]] = DR_TASK_READY;
        m->list[m->nl++] = ids[i];
    }
    return model_pass(m);
}

static int model_completed(model *m, uint32_t t, uint32_t a)
{
    if (t >= m->tasks || a >= m->agents)
        return DR_EINVAL;
    if (m->agent_task[a] != t)
        return DR_ESTATE;
    m->agent_task[a] = NIL;
    m->fifo[m->nf++] = a;
    m->state[t] = DR_TASK_IDLE;
    return model_pass(m);
}

/* ---- one operation --------------------------------------------------------- */

enum { OP_READY, OP_COMPLETED, OP_DISPATCH };
static const char *const op_names[] = { "ready", "completed", "dispatch" };

typedef struct op {
    int      kind;
    uint32_t ids[6];
    size_t   n;
    uint32_t task, agent;
} op;

static int apply(const dispatch_race_ops *ops, dr_coordinator *c, const op *o)
{
    switch (o->kind) {
    case OP_READY:     return dispatch_race_ready(ops, c, o->ids, o->n);
    case OP_COMPLETED: return dispatch_race_completed(ops, c, o->task, o->agent);
    default:           return dispatch_race_dispatch(ops, c);
    }
}

static int model_apply(model *m, const op *o)
{
    switch (o->kind) {
    case OP_READY:     return model_ready(m, o->ids, o->n);
    case OP_COMPLETED: return model_completed(m, o->task, o->agent);
    default:           return model_pass(m);
    }
}

/* A task of the model in state `want`, or NIL when there is none. */
static uint32_t pick_task(const model *m, pbt_rng *r, int want)
{
    uint32_t start = (uint32_t)pbt_below(r, m->tasks);
    for (uint32_t i = 0; i < m->tasks; i++) {
        uint32_t t = (start + i) % m->tasks;
        if (m->state[t] == want)
            return t;
    }
    return NIL;
}

static op make_op(const model *m, pbt_rng *r)
{
    op o = { 0 };
    uint64_t roll = pbt_below(r, 100);
    if (roll < 45) {
        o.kind = OP_READY;
        size_t k = (size_t)pbt_below(r, 5);
        int bad = pbt_below(r, 10) == 0;
        for (size_t i = 0; i < k; i++) {
            uint32_t t = pick_task(m, r, DR_TASK_IDLE);
            int dup = 0;
            for (size_t j = 0; j < o.n; j++)
                dup |= o.ids[j] == t;
            if (t != NIL && !dup)
                o.ids[o.n++] = t;
        }
        if (bad) {                    /* adversarial: one bad element */
            uint32_t b;
            switch (pbt_below(r, 4)) {
            case 0:  b = m->tasks + (uint32_t)pbt_below(r, 3); break;
            case 1:  b = UINT32_MAX; break;
            case 2:  b = o.n ? o.ids[pbt_below(r, o.n)] : 0; break;   /* twice */
            default: b = (uint32_t)pbt_below(r, m->tasks); break;     /* any state */
            }
            size_t at = (size_t)pbt_below(r, o.n + 1);
            memmove(o.ids + at + 1, o.ids + at, (o.n - at) * sizeof o.ids[0]);
            o.ids[at] = b;
            o.n++;
        }
    } else if (roll < 85) {
        o.kind = OP_COMPLETED;
        uint32_t a = (uint32_t)pbt_below(r, m->agents);
        if (pbt_below(r, 10) == 0) {  /* adversarial: any pair, maybe out of range */
            o.task = (uint32_t)pbt_below(r, m->tasks + 2);
            o.agent = (uint32_t)pbt_below(r, m->agents + 2);
        } else {                      /* a busy agent's task, if any */
            for (uint32_t i = 0; i < m->agents; i++)
                if (m->agent_task[(a + i) % m->agents] != NIL) {
                    a = (a + i) % m->agents;
                    break;
                }
            o.agent = a;
            o.task = m->agent_task[a] != NIL ? m->agent_task[a]
                                             : (uint32_t)pbt_below(r, m->tasks);
        }
    } else {
        o.kind = OP_DISPATCH;
    }
    return o;
}

/* ---- the comparison ----------------------------------------------------------- */

static void compare_sends(const pbt_where *w, const model *m, const side *s, unsigned from)
{
    if (s->n != m->n)
        pbt_mismatch(w, "%s made %u sends in all, the model %u", s->ops->name, s->n, m->n);
    for (unsigned i = from; i < m->n && i < LOGMAX; i++)
        if (s->task[i] != m->task[i] || s->agent[i] != m->agent[i])
            pbt_mismatch(w, "send %u: %s sent task %u to agent %u, the model task %u to"
                         " agent %u", i, s->ops->name, s->task[i], s->agent[i], m->task[i],
                         m->agent[i]);
}

static void compare_state(const pbt_where *w, const model *m, const side *s)
{
    for (uint32_t t = 0; t < m->tasks; t++) {
        int st = dispatch_race_task_state(s->ops, s->c, t);
        if (st != m->state[t])
            pbt_mismatch(w, "task %u: %s state %d, the model %d", t, s->ops->name, st,
                         m->state[t]);
    }
    uint32_t busy = 0;
    for (uint32_t a = 0; a < m->agents; a++)
        busy += m->agent_task[a] != NIL;
    dr_counts k;
    dispatch_race_counts(s->ops, s->c, &k);
    if (k.ready != m->nl || k.dispatched != busy || k.idle_agents != m->nf)
        pbt_mismatch(w, "%s counts %u ready, %u dispatched, %u idle; the model %u, %u, %u",
                     s->ops->name, k.ready, k.dispatched, k.idle_agents, m->nl, busy, m->nf);
}

static void describe(const void *arg, char *buf, size_t size)
{
    const model *m = arg;
    snprintf(buf, size, "tasks=%u agents=%u refusal=%d", m->tasks, m->agents, m->p->mode);
}

static void test_differential(void **state)
{
    (void)state;
    static model m;
    static side nv, op_side;
    pbt_rng master = { 0x6469737061746368ULL };
    unsigned enomem = 0, esend = 0, sends = 0;
    for (unsigned q = 0; q < SEQUENCES; q++) {
        pbt_where w = { .test = "dispatch_race_diff", .seq = q, .seed = pbt_next(&master),
                        .describe = describe, .arg = &m };
        pbt_rng r = { w.seed };
        plan p = { .seed = w.seed };
        uint64_t mode = pbt_below(&r, 100);
        p.mode = mode < 40 ? REFUSE_NONE : mode < 70 ? REFUSE_LOW : mode < 85 ? REFUSE_HIGH
                 : mode < 95 ? REFUSE_AGENT : REFUSE_ALL;
        memset(&m, 0, sizeof m);
        m.tasks = 1 + (uint32_t)pbt_octave_size(&r, pbt_below(&r, 6), MAXT - 1);
        m.agents = 1 + (uint32_t)pbt_below(&r, MAXA);
        p.broken_agent = (uint32_t)pbt_below(&r, m.agents);
        m.p = &p;
        for (uint32_t a = 0; a < m.agents; a++) {
            m.fifo[m.nf++] = a;
            m.agent_task[a] = NIL;
        }
        side *sd[2] = { &nv, &op_side };
        const dispatch_race_ops *tables[2] = { &dispatch_race_naive, &dispatch_race_optimized };
        for (int i = 0; i < 2; i++) {
            memset(sd[i], 0, sizeof *sd[i]);
            sd[i]->ops = tables[i];
            sd[i]->p = &p;
            dr_options o = { .max_tasks = m.tasks, .agents = m.agents, .send = side_send,
                             .send_arg = sd[i] };
            assert_int_equal(dispatch_race_create(tables[i], &o, &sd[i]->c), DR_OK);
        }
        size_t steps = 20 + (size_t)pbt_below(&r, MAXOPS - 20);
        int fail_rate = (int)pbt_below(&r, 3);          /* 0: none, else 1 in 8 or 4 */
        for (size_t step = 0; step < steps; step++) {
            w.step = step;
            op o = make_op(&m, &r);
            w.op = op_names[o.kind];
            unsigned from = m.n;
            int want = model_apply(&m, &o);
            /* drawn in every build, so a seed is the same sequence everywhere */
            int draw = fail_rate && pbt_below(&r, fail_rate == 1 ? 8 : 4) == 0;
            int inject = PBT_FAIL_INJECTION && draw;
            if (inject)
                pbt_fail_at(0);
            int rn = apply(nv.ops, nv.c, &o);
            pbt_fail_never();
            if (rn == DR_ENOMEM) {
                enomem++;
                if (!inject)
                    pbt_mismatch(&w, "naive returned DR_ENOMEM with no allocation failing");
                if (nv.n != from)
                    pbt_mismatch(&w, "naive sent %u tasks in a pass that failed with"
                                 " DR_ENOMEM", nv.n - from);
                rn = dispatch_race_dispatch(nv.ops, nv.c);   /* does what it would have */
            }
            int ro = apply(op_side.ops, op_side.c, &o);
            if (rn != want || ro != want)
                pbt_mismatch(&w, "return: model %d, naive %d, optimized %d", want, rn, ro);
            esend += want == DR_ESEND;
            compare_sends(&w, &m, &nv, from);
            compare_sends(&w, &m, &op_side, from);
            compare_state(&w, &m, &nv);
            compare_state(&w, &m, &op_side);
        }
        sends += m.n;
        for (int i = 0; i < 2; i++)
            dispatch_race_destroy(sd[i]->ops, sd[i]->c);
    }
    print_message("    %u sequences, %u sends, %u refused passes, %u naive passes out of"
                  " memory\n", SEQUENCES, sends, esend, enomem);
    assert_true(esend > 0);
    if (PBT_FAIL_INJECTION)
        assert_true(enomem > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    return cmocka_run_group_tests_name("dispatch_race differential", tests, NULL, NULL)
               ? 1 : 0;
}
