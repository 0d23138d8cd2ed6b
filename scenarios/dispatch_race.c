/*
 * dispatch_race scenarios (seed 004): written once against
 * dispatch_race_ops and run for every implementation, with real threads.
 *
 * The scenario is the agent channel: the coordinator's send callback is
 * the scenario's, which keeps the LEDGER: per task the sends in its
 * current lifecycle (reset just before the scenario makes it ready), per
 * agent whether it holds a task not yet completed. A send of a task
 * already sent in its lifecycle is a duplicate: `duplicates` (per task)
 * and `dispatches` (sends per task) are counted there, never read from
 * the component. The specification (pb_scenario.check, PB_VERIFY_SPEC) is
 * judged from the ledger: no task sent twice in a lifecycle, none never
 * sent, none sent to an agent still busy; the naive one violates it by
 * design when passes overlap.
 *
 *   forced  a deterministic interleaving that provokes the race. N = the
 *           tasks one refresh makes ready (2, 8, 32); 4N agents; a second
 *           thread B of the fixture (started by set-up, joined by
 *           teardown). One round: thread A (run's) makes tasks 0..N-1
 *           ready; the pass in A sends task 0, and the send, for that
 *           first send of the round only, wakes B and waits (5 s at most,
 *           then the round fails loudly: a violation and a line on stderr)
 *           until B has made task N ready and that ready() (its pass runs
 *           in B) has returned; then A's send returns and A's pass goes
 *           on. The naive B copied a list still holding 0..N-1 (A marks
 *           task 0 only after its send returns) and sends all of them and
 *           N; A then sends 1..N-1 from its own copy: N duplicates per
 *           round. The optimized A had claimed task 0, B claims the rest,
 *           A finds nothing left: 0. Then every send of the round is
 *           completed, in send order, in the measured region (the same
 *           for both), so every round starts from the declared state. One
 *           op = one task: N + 1 per round, a batch is one round.
 *   stress  free-running. N = event threads (1, 2, 4, 8: run's thread and
 *           N - 1 of the fixture, kept across batches); 16 agents; a batch
 *           is a round of 1,024 tasks (ids 0..1023, a new lifecycle each
 *           round). Each thread loops, alternating where it can: make the
 *           next 1-4 tasks ready (a count from its own seeded stream; only
 *           while fewer than 32 tasks made ready wait for their first
 *           send, so the ready list stays short and agents run out now
 *           and then), or complete a send from the in-flight queue the
 *           scenario's send fills; until every task has been made ready,
 *           the queue is empty and no thread is inside an operation. One op = one task through
 *           its lifecycle; time per op is the throughput. With one thread
 *           passes never overlap and the naive one meets the
 *           specification; with more it may or may not in a given run on
 *           this machine's 2 cores (reported as a finding either way).
 *
 * Both are timing_dependent (threads: the instruction counts are not
 * reproducible). The digest folds every send (forced) and every return
 * code; it is not compared between the two (spec-verified).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/dispatch_race.h"
#include "pairbench/harness.h"
#include "scenarios.h"
#include "util.h"

#define HANDOFF_TIMEOUT_S 5
#define STRESS_TASKS      1024
#define STRESS_AGENTS     16
#define STRESS_CHUNK_MAX  4
#define STRESS_BACKLOG    (2 * STRESS_AGENTS)

static const int64_t sizes_forced[] = { 2, 8, 32, 0 };
static const int64_t sizes_stress[] = { 1, 2, 4, 8, 0 };
static const char *const counters[] = { "duplicates", "dispatches", NULL };
static const char *const charts[] = { "duplicates", NULL };
enum { C_DUPLICATES, C_DISPATCHES };

/* ---- the ledger: what the agent channel saw --------------------------------- */

typedef struct ledger {
    uint32_t             tasks, agents;
    atomic_uint         *sent;        /* [tasks]: sends in the lifecycle */
    atomic_uchar        *busy;        /* [agents]: holds a task not completed */
    atomic_uint_fast64_t duplicates, dispatches;
    pthread_mutex_t      why_lock;
    char                 why[192];    /* the first violation, or "" */
    char                 why_out[192];
} ledger;

static int ledger_init(ledger *l, uint32_t tasks, uint32_t agents)
{
    memset(l, 0, sizeof *l);
    l->tasks = tasks;
    l->agents = agents;
    l->sent = calloc(tasks, sizeof *l->sent);
    l->busy = calloc(agents, sizeof *l->busy);
    if (!l->sent || !l->busy || pthread_mutex_init(&l->why_lock, NULL) != 0) {
        free(l->sent);
        free(l->busy);
        l->sent = NULL;
        l->busy = NULL;
        return -1;
    }
    for (uint32_t t = 0; t < tasks; t++)
        atomic_init(&l->sent[t], 0);
    for (uint32_t a = 0; a < agents; a++)
        atomic_init(&l->busy[a], 0);
    atomic_init(&l->duplicates, 0);
    atomic_init(&l->dispatches, 0);
    return 0;
}

static void ledger_fini(ledger *l)
{
    if (!l->sent)
        return;
    pthread_mutex_destroy(&l->why_lock);
    free(l->sent);
    free(l->busy);
}

static void ledger_violation(ledger *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ledger_violation(ledger *l, const char *fmt, ...)
{
    pthread_mutex_lock(&l->why_lock);
    if (!l->why[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->why, sizeof l->why, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&l->why_lock);
}

/* The channel's bookkeeping of one send (any thread). */
static void ledger_send(ledger *l, uint32_t t, uint32_t a)
{
    atomic_fetch_add(&l->dispatches, 1);
    if (t >= l->tasks || a >= l->agents) {
        ledger_violation(l, "task %u sent to agent %u: an id out of range", t, a);
        return;
    }
    if (atomic_fetch_add(&l->sent[t], 1) > 0) {
        atomic_fetch_add(&l->duplicates, 1);
        ledger_violation(l, "task %u sent twice in one lifecycle (again to agent %u)", t, a);
    }
    if (atomic_exchange(&l->busy[a], 1))
        ledger_violation(l, "task %u sent to agent %u, which had not completed its"
                         " last task", t, a);
}

/* A lifecycle starts: the scenario is about to make t ready. */
static void ledger_lifecycle(ledger *l, uint32_t t)
{
    atomic_store(&l->sent[t], 0);
}

/* The agent is about to be told it completed (before completed(): from
 * inside that call the agent may be sent a task again). */
static void ledger_free_agent(ledger *l, uint32_t a)
{
    atomic_store(&l->busy[a], 0);
}

/* Tasks 0..n-1 each sent at least once in their lifecycle. */
static void ledger_all_sent(ledger *l, uint32_t n)
{
    for (uint32_t t = 0; t < n; t++)
        if (atomic_load(&l->sent[t]) == 0) {
            ledger_violation(l, "task %u was made ready and never sent", t);
            return;
        }
}

/* The round's figures to the harness (run's thread), zeroed. */
static void ledger_report(ledger *l, pb_ctx *ctx)
{
    pb_count(ctx, C_DUPLICATES, (double)atomic_exchange(&l->duplicates, 0));
    pb_count(ctx, C_DISPATCHES, (double)atomic_exchange(&l->dispatches, 0));
}

static const char *ledger_check(ledger *l)
{
    pthread_mutex_lock(&l->why_lock);
    memcpy(l->why_out, l->why, sizeof l->why_out);
    pthread_mutex_unlock(&l->why_lock);
    return l->why_out[0] ? l->why_out : NULL;
}

/* What both scenarios' fixtures start with (their first member). */
typedef struct base {
    const dispatch_race_ops *ops;
    dr_coordinator *c;
    ledger          l;
    char            why[192];
} base;

/* pb_scenario.check of both: the ledger's first violation. */
static const char *check_ledger(void *fixture)
{
    return ledger_check(&((base *)fixture)->l);
}

/* pb_scenario.steady of both: between rounds nothing is ready, nothing
 * dispatched, every agent idle. */
static const char *steady_idle(void *fixture)
{
    base *b = fixture;
    dr_counts k;
    dispatch_race_counts(b->ops, b->c, &k);
    if (k.ready == 0 && k.dispatched == 0 && k.idle_agents == b->l.agents)
        return NULL;
    snprintf(b->why, sizeof b->why, "%u tasks ready, %u dispatched, %u of %u agents idle:"
             " declared none, none, all", k.ready, k.dispatched, k.idle_agents, b->l.agents);
    return b->why;
}

/* The end of a set-up: the heap baseline (the scenario's own data and
 * threads are ready), then the coordinator. 0, or -1 with the reason. */
static int build(const dispatch_race_ops *ops, uint32_t tasks, uint32_t agents,
                 dr_send_fn send, void *arg, pb_ctx *ctx, dr_coordinator **out)
{
    pb_heap_baseline(ctx);
    dr_options o = { .max_tasks = tasks, .agents = agents, .send = send, .send_arg = arg };
    int rc = dispatch_race_create(ops, &o, out);
    if (rc != DR_OK)
        pb_setup_failed(ctx, "create returned %d", rc);
    return rc == DR_OK ? 0 : -1;
}

/* ---- forced ------------------------------------------------------------------ */

typedef struct send_rec { uint32_t task, agent; } send_rec;

typedef struct forced {
    base            b;
    uint32_t        n;            /* tasks A makes ready per round */
    uint32_t       *tasks;        /* 0..n-1 */
    pthread_mutex_t rec_lock;
    send_rec       *sends;        /* the round's sends, in order */
    uint32_t        n_sends, cap_sends;
    atomic_int      armed;        /* the round's first send is still to come */
    int             broken;       /* a hand-off timed out: no more rounds */
    /* the hand-off with B, under hs */
    pthread_mutex_t hs;
    pthread_cond_t  cv;
    int             go, done, quit, rc_b;
    pthread_t       thread_b;
    int             b_started, sync_ok;
} forced;

static void *forced_b(void *arg)
{
    forced *f = arg;
    pthread_mutex_lock(&f->hs);
    for (;;) {
        while (!f->go && !f->quit)
            pthread_cond_wait(&f->cv, &f->hs);
        if (f->quit)
            break;
        f->go = 0;
        pthread_mutex_unlock(&f->hs);
        uint32_t t = f->n;
        ledger_lifecycle(&f->b.l, t);
        int rc = dispatch_race_ready(f->b.ops, f->b.c, &t, 1);
        pthread_mutex_lock(&f->hs);
        f->rc_b = rc;
        f->done = 1;
        pthread_cond_broadcast(&f->cv);
    }
    pthread_mutex_unlock(&f->hs);
    return NULL;
}

static int forced_send(void *arg, uint32_t t, uint32_t a)
{
    forced *f = arg;
    ledger_send(&f->b.l, t, a);
    pthread_mutex_lock(&f->rec_lock);
    if (f->n_sends < f->cap_sends)
        f->sends[f->n_sends++] = (send_rec){ t, a };
    else
        ledger_violation(&f->b.l, "more than %u sends in one round", f->cap_sends);
    pthread_mutex_unlock(&f->rec_lock);
    if (!atomic_exchange(&f->armed, 0))
        return 0;
    /* A's first send of the round: B makes one more task ready meanwhile */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += HANDOFF_TIMEOUT_S;
    pthread_mutex_lock(&f->hs);
    f->done = 0;
    f->go = 1;
    pthread_cond_broadcast(&f->cv);
    int e = 0;
    while (!f->done && e != ETIMEDOUT)
        e = pthread_cond_timedwait(&f->cv, &f->hs, &deadline);
    if (!f->done) {
        f->broken = 1;
        ledger_violation(&f->b.l, "thread B's ready() did not return within %d s of the"
                         " round's first send", HANDOFF_TIMEOUT_S);
        fprintf(stderr, "dispatch_race forced: thread B's ready() did not return within"
                " %d s; the remaining rounds are skipped\n", HANDOFF_TIMEOUT_S);
    }
    pthread_mutex_unlock(&f->hs);
    return 0;
}

static void forced_free(void *fp)
{
    forced *f = fp;
    if (!f)
        return;
    if (f->b_started) {
        pthread_mutex_lock(&f->hs);
        f->quit = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->hs);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 2 * HANDOFF_TIMEOUT_S;
        if (pthread_timedjoin_np(f->thread_b, NULL, &deadline) != 0) {
            /* B is stuck inside the component: it still uses the fixture */
            fprintf(stderr, "dispatch_race forced: thread B is stuck in ready(); its"
                    " fixture is left allocated\n");
            pthread_detach(f->thread_b);
            return;
        }
    }
    dispatch_race_destroy(f->b.ops, f->b.c);
    if (f->sync_ok) {
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->hs);
        pthread_mutex_destroy(&f->rec_lock);
    }
    ledger_fini(&f->b.l);
    free(f->tasks);
    free(f->sends);
    free(f);
}

static int init_sync(forced *f)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return -1;
    int ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
             pthread_cond_init(&f->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok)
        return -1;
    if (pthread_mutex_init(&f->hs, NULL) != 0) {
        pthread_cond_destroy(&f->cv);
        return -1;
    }
    if (pthread_mutex_init(&f->rec_lock, NULL) != 0) {
        pthread_mutex_destroy(&f->hs);
        pthread_cond_destroy(&f->cv);
        return -1;
    }
    return 0;
}

static void *forced_setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    (void)seed;                        /* deterministic: no randomness */
    forced *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->b.ops = ops;
    f->n = (uint32_t)n;
    uint32_t agents = 4 * f->n;
    f->cap_sends = 2 * agents;
    f->tasks = malloc(f->n * sizeof *f->tasks);
    f->sends = malloc(f->cap_sends * sizeof *f->sends);
    atomic_init(&f->armed, 0);
    if (!f->tasks || !f->sends || ledger_init(&f->b.l, f->n + 1, agents) != 0 ||
        init_sync(f) != 0) {
        forced_free(f);
        return NULL;
    }
    f->sync_ok = 1;
    for (uint32_t t = 0; t < f->n; t++)
        f->tasks[t] = t;
    if (pthread_create(&f->thread_b, NULL, forced_b, f) != 0) {
        pb_setup_failed(ctx, "cannot start thread B");
        forced_free(f);
        return NULL;
    }
    f->b_started = 1;
    if (build(f->b.ops, f->n + 1, agents, forced_send, f, ctx, &f->b.c) != 0) {
        forced_free(f);
        return NULL;
    }
    return f;
}

static uint64_t forced_run(void *fp, int64_t ops, pb_ctx *ctx)
{
    forced *f = fp;
    uint64_t d = 0;
    for (int64_t done = 0; done < ops && !f->broken; done += f->n + 1) {
        for (uint32_t t = 0; t < f->n; t++)
            ledger_lifecycle(&f->b.l, t);
        pthread_mutex_lock(&f->rec_lock);
        f->n_sends = 0;
        pthread_mutex_unlock(&f->rec_lock);
        pthread_mutex_lock(&f->hs);
        f->done = 0;
        pthread_mutex_unlock(&f->hs);
        atomic_store(&f->armed, 1);
        int rc_a = dispatch_race_ready(f->b.ops, f->b.c, f->tasks, f->n);
        if (atomic_exchange(&f->armed, 0))
            ledger_violation(&f->b.l, "thread A's ready() of %u tasks sent nothing", f->n);
        pthread_mutex_lock(&f->hs);
        int rc_b = f->done ? f->rc_b : -1;
        pthread_mutex_unlock(&f->hs);
        d = pb_digest(pb_digest(d, (uint64_t)rc_a), (uint64_t)rc_b);
        if (rc_a != DR_OK || rc_b != DR_OK)
            ledger_violation(&f->b.l, "ready() returned %d in thread A, %d in thread B",
                             rc_a, rc_b);
        if (f->broken)
            break;
        /* complete every send, in send order (a send made meanwhile too) */
        for (uint32_t i = 0;; i++) {
            pthread_mutex_lock(&f->rec_lock);
            int more = i < f->n_sends;
            send_rec s = more ? f->sends[i] : (send_rec){ 0, 0 };
            pthread_mutex_unlock(&f->rec_lock);
            if (!more)
                break;
            ledger_free_agent(&f->b.l, s.agent);
            int rc = dispatch_race_completed(f->b.ops, f->b.c, s.task, s.agent);
            d = pb_digest(pb_digest(pb_digest(d, s.task), s.agent), (uint64_t)rc);
            if (rc != DR_OK)
                ledger_violation(&f->b.l, "completed(task %u, agent %u) returned %d",
                                 s.task, s.agent, rc);
        }
        ledger_all_sent(&f->b.l, f->n + 1);
        ledger_report(&f->b.l, ctx);
    }
    return d;
}

static int64_t forced_batch(int64_t n) { return n + 1; }

/* ---- stress ------------------------------------------------------------------ */

typedef struct stress stress;

typedef struct worker {
    stress   *s;
    uint64_t  rng;
    int       toggle;
    uint64_t  digest;            /* pb_digest_add of its return codes */
    pthread_t tid;
} worker;

struct stress {
    base            b;
    int             threads;
    worker         *w;           /* [threads]: w[0] is run's thread */
    int             started;     /* helper threads running */
    /* the in-flight queue and the round, under q */
    pthread_mutex_t q;
    pthread_cond_t  q_cv;        /* work arrived, or the round is over */
    pthread_cond_t  round_cv;    /* a round starts, or a helper finished one */
    send_rec       *fifo;        /* [agents]: every entry holds an agent */
    uint32_t        f_head, f_len;
    uint32_t        total, next; /* the round's tasks, the next to make ready */
    uint32_t        inside;      /* threads inside a coordinator operation */
    uint64_t        generation;
    int             finished, quit, sync_ok;
};

static int stress_send(void *arg, uint32_t t, uint32_t a)
{
    stress *s = arg;
    ledger_send(&s->b.l, t, a);
    pthread_mutex_lock(&s->q);
    if (s->f_len < s->b.l.agents) {
        s->fifo[(s->f_head + s->f_len++) % s->b.l.agents] = (send_rec){ t, a };
        pthread_cond_signal(&s->q_cv);
    } else {
        ledger_violation(&s->b.l, "more sends in flight than agents (%u)", s->b.l.agents);
    }
    pthread_mutex_unlock(&s->q);
    return 0;
}

/* One thread's share of a round: until everything is made ready, nothing
 * is in flight and nobody is inside an operation. */
static void stress_work(stress *s, worker *w)
{
    uint32_t chunk[STRESS_CHUNK_MAX];
    pthread_mutex_lock(&s->q);
    for (;;) {
        /* made ready and not yet sent: at most STRESS_BACKLOG to add more */
        uint64_t firsts = atomic_load(&s->b.l.dispatches) - atomic_load(&s->b.l.duplicates);
        int have_new = s->next < s->total && s->next < firsts + STRESS_BACKLOG;
        w->toggle ^= 1;
        if (s->f_len && (w->toggle || !have_new)) {
            send_rec r = s->fifo[s->f_head];
            s->f_head = (s->f_head + 1) % s->b.l.agents;
            s->f_len--;
            s->inside++;
            pthread_mutex_unlock(&s->q);
            ledger_free_agent(&s->b.l, r.agent);
            int rc = dispatch_race_completed(s->b.ops, s->b.c, r.task, r.agent);
            w->digest = pb_digest_add(w->digest, (uint64_t)rc + 1);
            if (rc != DR_OK)
                ledger_violation(&s->b.l, "completed(task %u, agent %u) returned %d",
                                 r.task, r.agent, rc);
            pthread_mutex_lock(&s->q);
            s->inside--;
        } else if (have_new) {
            uint32_t k = 1 + (uint32_t)pb_rand_below(&w->rng, STRESS_CHUNK_MAX);
            if (k > s->total - s->next)
                k = s->total - s->next;
            for (uint32_t i = 0; i < k; i++)
                chunk[i] = s->next + i;
            s->next += k;
            s->inside++;
            pthread_mutex_unlock(&s->q);
            for (uint32_t i = 0; i < k; i++)
                ledger_lifecycle(&s->b.l, chunk[i]);
            int rc = dispatch_race_ready(s->b.ops, s->b.c, chunk, k);
            w->digest = pb_digest_add(w->digest, (uint64_t)rc + 0x100);
            if (rc != DR_OK)
                ledger_violation(&s->b.l, "ready() of %u tasks from %u returned %d", k,
                                 chunk[0], rc);
            pthread_mutex_lock(&s->q);
            s->inside--;
        } else if (s->inside == 0) {
            pthread_cond_broadcast(&s->q_cv);          /* the round is over */
            break;
        } else {
            pthread_cond_wait(&s->q_cv, &s->q);
        }
    }
    pthread_mutex_unlock(&s->q);
}

static void *stress_helper(void *arg)
{
    worker *w = arg;
    stress *s = w->s;
    uint64_t seen = 0;
    pthread_mutex_lock(&s->q);
    for (;;) {
        while (s->generation == seen && !s->quit)
            pthread_cond_wait(&s->round_cv, &s->q);
        if (s->quit)
            break;
        seen = s->generation;
        pthread_mutex_unlock(&s->q);
        stress_work(s, w);
        pthread_mutex_lock(&s->q);
        s->finished++;
        pthread_cond_broadcast(&s->round_cv);
    }
    pthread_mutex_unlock(&s->q);
    return NULL;
}

static void stress_free(void *fp)
{
    stress *s = fp;
    if (!s)
        return;
    if (s->started) {
        pthread_mutex_lock(&s->q);
        s->quit = 1;
        pthread_cond_broadcast(&s->round_cv);
        pthread_mutex_unlock(&s->q);
        for (int i = 1; i <= s->started; i++)
            pthread_join(s->w[i].tid, NULL);
    }
    dispatch_race_destroy(s->b.ops, s->b.c);
    if (s->sync_ok) {
        pthread_cond_destroy(&s->round_cv);
        pthread_cond_destroy(&s->q_cv);
        pthread_mutex_destroy(&s->q);
    }
    ledger_fini(&s->b.l);
    free(s->fifo);
    free(s->w);
    free(s);
}

static void *stress_setup(const void *ops, int64_t n, uint64_t seed, pb_ctx *ctx)
{
    stress *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->b.ops = ops;
    s->threads = (int)n;
    s->w = calloc((size_t)n, sizeof *s->w);
    s->fifo = malloc(STRESS_AGENTS * sizeof *s->fifo);
    if (!s->w || !s->fifo || ledger_init(&s->b.l, STRESS_TASKS, STRESS_AGENTS) != 0) {
        stress_free(s);
        return NULL;
    }
    if (pthread_mutex_init(&s->q, NULL) != 0) {
        stress_free(s);
        return NULL;
    }
    if (pthread_cond_init(&s->q_cv, NULL) != 0) {
        pthread_mutex_destroy(&s->q);
        stress_free(s);
        return NULL;
    }
    if (pthread_cond_init(&s->round_cv, NULL) != 0) {
        pthread_cond_destroy(&s->q_cv);
        pthread_mutex_destroy(&s->q);
        stress_free(s);
        return NULL;
    }
    s->sync_ok = 1;
    for (int i = 0; i < s->threads; i++)
        s->w[i] = (worker){ .s = s, .rng = seed ^ pb_mix64((uint64_t)i + 1) };
    for (int i = 1; i < s->threads; i++) {
        if (pthread_create(&s->w[i].tid, NULL, stress_helper, &s->w[i]) != 0) {
            pb_setup_failed(ctx, "cannot start event thread %d of %d", i + 1, s->threads);
            stress_free(s);
            return NULL;
        }
        s->started = i;
    }
    if (build(s->b.ops, STRESS_TASKS, STRESS_AGENTS, stress_send, s, ctx, &s->b.c) != 0) {
        stress_free(s);
        return NULL;
    }
    return s;
}

static uint64_t stress_run(void *fp, int64_t ops, pb_ctx *ctx)
{
    stress *s = fp;
    uint64_t d = 0;
    for (int64_t done = 0; done < ops;) {
        uint32_t total = (uint32_t)pb_clamp(ops - done, 1, STRESS_TASKS);
        pthread_mutex_lock(&s->q);
        s->total = total;
        s->next = 0;
        s->finished = 0;
        s->generation++;
        pthread_cond_broadcast(&s->round_cv);
        pthread_mutex_unlock(&s->q);
        stress_work(s, &s->w[0]);
        pthread_mutex_lock(&s->q);
        while (s->finished < s->threads - 1)
            pthread_cond_wait(&s->round_cv, &s->q);
        pthread_mutex_unlock(&s->q);
        for (int i = 0; i < s->threads; i++) {
            d += s->w[i].digest;
            s->w[i].digest = 0;
        }
        ledger_all_sent(&s->b.l, total);
        ledger_report(&s->b.l, ctx);
        done += total;
    }
    return d;
}

static int64_t stress_batch(int64_t n) { (void)n; return STRESS_TASKS; }

static const pb_scenario scenarios[] = {
    { .name = "forced",
      .description = "thread A makes N tasks ready; while A's pass sends the first,"
                     " thread B makes one more ready and its pass runs to the end; then"
                     " every send is completed (naive: N duplicates per round, optimized:"
                     " none)",
      .sizes = sizes_forced, .counters = counters, .charts = charts,
      .batch = forced_batch, .setup = forced_setup, .run = forced_run,
      .teardown = forced_free, .verify = PB_VERIFY_SPEC, .check = check_ledger,
      .steady = steady_idle, .timing_dependent = 1 },
    { .name = "stress",
      .description = "N threads make 1,024 tasks ready, 1 to 4 at a time with at most 32"
                     " waiting, and complete every send they see (16 agents) until all are"
                     " done: no task sent twice or never",
      .sizes = sizes_stress, .counters = counters, .charts = charts,
      .batch = stress_batch, .setup = stress_setup, .run = stress_run,
      .teardown = stress_free, .verify = PB_VERIFY_SPEC, .check = check_ledger,
      .steady = steady_idle, .timing_dependent = 1 },
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &dispatch_race_naive, .source = "impl_naive/dispatch_race.c",
      .wrong_by_design = "two overlapping dispatch passes read the same ready list: a task"
                         " can be sent twice" },
    { .name = "optimized", .ops = &dispatch_race_optimized,
      .source = "impl_optimized/dispatch_race.c" },
};

/* Claim D-8 of seed 004 (fix 10): "Task could be dispatched twice if events
 * fire mid-loop", fixed: no task dispatched twice. Judged on the agent
 * channel's count of duplicate sends per task, optimized, in both
 * scenarios at every N: at most 0. */
#define SEED_004 "004_bc0182ebbdcf053b.txt"
static const pb_claim claims[] = {
    { .id = "D-8", .seed = SEED_004, .words = "no task dispatched twice",
      .metric_text = "duplicate sends per task (a send of a task already sent in its"
                     " lifecycle, counted by the scenario's agent channel), optimized,"
                     " forced interleaving and free-running stress, every N",
      .kind = PB_CLAIM_VALUE_AT_MOST, .metric = PB_METRIC_COUNTER, .counter = "duplicates",
      .scenarios = "forced stress", .sizes = NULL, .threshold = 0 },
};

const pb_component pb_component_dispatch_race = {
    .name = "dispatch_race",
    .summary = "a dispatch loop that copies the ready list and marks each task after"
               " its send (overlapping passes send a task twice) vs a claim of task and"
               " agent in one critical section",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
