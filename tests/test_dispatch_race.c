/*
 * dispatch_race unit tests, run against each implementation: create's
 * arguments and its allocation failures; sends in ready order to agents in
 * FIFO order, agent exhaustion and the agents freed by completions; every
 * return code of ready, completed and dispatch with the state left
 * (nothing changed on DR_EINVAL and DR_ESTATE); a refused send (task back
 * at the head, agent at the FIFO tail, DR_ESEND) and the retry; a done
 * task made ready again; the naive pass's DR_ENOMEM (pb_test_alloc.h: the
 * tasks stay ready, the next dispatch sends them) against the optimized
 * one, which does not allocate; the forced interleaving (a second thread
 * makes a task ready while the first pass's first send waits: exactly N
 * duplicates per round from the naive one, none from the optimized one);
 * agents that complete from inside the send (nested passes: the optimized
 * one sends each task once); and a stress run of several threads making
 * tasks ready and completing every send: the optimized one over a million
 * dispatches with no duplicate and no task lost, the naive one over fewer
 * with no task or agent lost (its duplicates printed). The channel's
 * counts are the tests' own, never the component's. Also run under
 * ThreadSanitizer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/dispatch_race.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

static int is_naive(const dispatch_race_ops *ops)
{
    return strcmp(ops->name, "naive") == 0;
}

/* ---- a scripted agent channel for the sequential tests ----------------- */

#define LOG_MAX 4096

typedef struct chan {
    const dispatch_race_ops *ops;
    dr_coordinator *c;
    uint32_t task[LOG_MAX], agent[LOG_MAX];
    int      refused[LOG_MAX];
    unsigned n;                 /* sends so far */
    unsigned refuse_at;         /* send number refuse_at (1-based) refused; 0: none */
    int      complete_inside;   /* the agent completes before send returns */
} chan;

static int chan_send(void *arg, uint32_t t, uint32_t a)
{
    chan *ch = arg;
    assert_true(ch->n < LOG_MAX);
    unsigned i = ch->n++;
    ch->task[i] = t;
    ch->agent[i] = a;
    ch->refused[i] = ch->refuse_at == ch->n;
    if (ch->refused[i])
        return 7;
    if (ch->complete_inside)
        assert_int_equal(dispatch_race_completed(ch->ops, ch->c, t, a), DR_OK);
    return 0;
}

static void chan_open(chan *ch, const dispatch_race_ops *ops, uint32_t tasks, uint32_t agents)
{
    memset(ch, 0, sizeof *ch);
    ch->ops = ops;
    dr_options o = { .max_tasks = tasks, .agents = agents, .send = chan_send, .send_arg = ch };
    assert_int_equal(dispatch_race_create(ops, &o, &ch->c), DR_OK);
    assert_non_null(ch->c);
}

/* The sends since `from` are exactly pairs[0..2k): task, agent, ... */
static void expect_sends(const chan *ch, unsigned from, const uint32_t *pairs, unsigned k)
{
    assert_int_equal(ch->n - from, k);
    for (unsigned i = 0; i < k; i++) {
        assert_int_equal(ch->task[from + i], pairs[2 * i]);
        assert_int_equal(ch->agent[from + i], pairs[2 * i + 1]);
    }
}

static void expect_counts(const chan *ch, uint32_t ready, uint32_t dispatched, uint32_t idle)
{
    dr_counts k;
    dispatch_race_counts(ch->ops, ch->c, &k);
    assert_int_equal(k.ready, ready);
    assert_int_equal(k.dispatched, dispatched);
    assert_int_equal(k.idle_agents, idle);
}

static void expect_state(const chan *ch, uint32_t t, int state)
{
    assert_int_equal(dispatch_race_task_state(ch->ops, ch->c, t), state);
}

#define IDS(...) ((const uint32_t[]){ __VA_ARGS__ })
#define PAIRS(...) (const uint32_t[]){ __VA_ARGS__ }, \
    (unsigned)(sizeof (const uint32_t[]){ __VA_ARGS__ } / sizeof(uint32_t) / 2)

/* ---- tests ------------------------------------------------------------- */

static void test_create(void **state)
{
    const dispatch_race_ops *ops = *state;
    dr_coordinator *c = (dr_coordinator *)&c;        /* not NULL: must be reset */
    dr_options ok = { .max_tasks = 4, .agents = 2, .send = chan_send };
    assert_int_equal(dispatch_race_create(ops, NULL, &c), DR_EINVAL);
    assert_null(c);
    assert_int_equal(dispatch_race_create(ops, &ok, NULL), DR_EINVAL);
    dr_options bad[] = {
        { .max_tasks = 4, .agents = 2, .send = NULL },
        { .max_tasks = 0, .agents = 2, .send = chan_send },
        { .max_tasks = DR_TASKS_MAX + 1, .agents = 2, .send = chan_send },
        { .max_tasks = 4, .agents = 0, .send = chan_send },
        { .max_tasks = 4, .agents = DR_AGENTS_MAX + 1, .send = chan_send },
    };
    for (size_t i = 0; i < PBT_ARRAY_LEN(bad); i++) {
        c = (dr_coordinator *)&c;
        assert_int_equal(dispatch_race_create(ops, &bad[i], &c), DR_EINVAL);
        assert_null(c);
    }
    assert_int_equal(dispatch_race_create(ops, &ok, &c), DR_OK);
    dispatch_race_destroy(ops, c);
    dispatch_race_destroy(ops, NULL);
    /* every allocation of create failing in turn: DR_ENOMEM, nothing kept
     * (ASan's leak check in the sanitizer build, where injection is off) */
    if (!PBT_FAIL_INJECTION)
        return;
    for (long k = 0;; k++) {
        c = (dr_coordinator *)&c;
        pbt_fail_at(k);
        int rc = dispatch_race_create(ops, &ok, &c);
        int pending = pbt_fail_pending();
        pbt_fail_never();
        if (pending) {                 /* create needed fewer than k + 1 */
            assert_int_equal(rc, DR_OK);
            assert_true(k >= 2);
            dispatch_race_destroy(ops, c);
            break;
        }
        assert_int_equal(rc, DR_ENOMEM);
        assert_null(c);
    }
}

/* Sends in ready order, agents in FIFO order, exhaustion, agents freed by
 * completions going to the tail. */
static void test_order_and_exhaustion(void **state)
{
    chan ch;
    chan_open(&ch, *state, 10, 3);
    expect_counts(&ch, 0, 0, 3);
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(4, 1, 7, 0), 3), DR_OK);
    expect_sends(&ch, 0, PAIRS(4, 0, 1, 1, 7, 2));
    expect_counts(&ch, 0, 3, 0);
    expect_state(&ch, 4, DR_TASK_DISPATCHED);
    /* every agent busy: tasks wait, in order */
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(2, 3, 9, 0), 3), DR_OK);
    assert_int_equal(ch.n, 3);
    expect_counts(&ch, 3, 3, 0);
    expect_state(&ch, 2, DR_TASK_READY);
    assert_int_equal(dispatch_race_dispatch(ch.ops, ch.c), DR_OK);
    assert_int_equal(ch.n, 3);
    /* a completion frees its agent: the pass sends the head */
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 1, 1), DR_OK);
    expect_sends(&ch, 3, PAIRS(2, 1));
    expect_state(&ch, 1, DR_TASK_IDLE);
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 7, 2), DR_OK);
    expect_sends(&ch, 4, PAIRS(3, 2));
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 4, 0), DR_OK);
    expect_sends(&ch, 5, PAIRS(9, 0));
    expect_counts(&ch, 0, 3, 0);
    /* completions with nothing ready: agents idle in completion order */
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 3, 2), DR_OK);
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 9, 0), DR_OK);
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 2, 1), DR_OK);
    expect_counts(&ch, 0, 0, 3);
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(5, 6, 8, 0), 3), DR_OK);
    expect_sends(&ch, 6, PAIRS(5, 2, 6, 0, 8, 1));
    /* ready with no task: a pass alone */
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, NULL, 0), DR_OK);
    assert_int_equal(ch.n, 9);
    dispatch_race_destroy(ch.ops, ch.c);
}

static void test_return_codes(void **state)
{
    const dispatch_race_ops *ops = *state;
    chan ch;
    chan_open(&ch, ops, 6, 1);
    uint32_t t;
    /* NULL coordinator */
    assert_int_equal(dispatch_race_ready(ops, NULL, &t, 0), DR_EINVAL);
    assert_int_equal(dispatch_race_completed(ops, NULL, 0, 0), DR_EINVAL);
    assert_int_equal(dispatch_race_dispatch(ops, NULL), DR_EINVAL);
    assert_int_equal(dispatch_race_task_state(ops, NULL, 0), -1);
    dr_counts k = { 9, 9, 9 };
    dispatch_race_counts(ops, NULL, &k);
    assert_true(k.ready == 0 && k.dispatched == 0 && k.idle_agents == 0);
    assert_int_equal(dispatch_race_task_state(ops, ch.c, 6), -1);
    /* ready: EINVAL changes nothing, even for the valid tasks of the call */
    assert_int_equal(dispatch_race_ready(ops, ch.c, NULL, 2), DR_EINVAL);
    assert_int_equal(dispatch_race_ready(ops, ch.c, IDS(1, 6), 2), DR_EINVAL);
    assert_int_equal(dispatch_race_ready(ops, ch.c, IDS(1, UINT32_MAX), 2), DR_EINVAL);
    expect_counts(&ch, 0, 0, 1);
    assert_int_equal(ch.n, 0);
    /* a task twice in one call: ESTATE, none made ready */
    assert_int_equal(dispatch_race_ready(ops, ch.c, IDS(2, 3, 2, 0), 3), DR_ESTATE);
    expect_counts(&ch, 0, 0, 1);
    expect_state(&ch, 2, DR_TASK_IDLE);
    expect_state(&ch, 3, DR_TASK_IDLE);
    assert_int_equal(ch.n, 0);
    /* task 0 sent to the one agent, 1 and 2 wait */
    assert_int_equal(dispatch_race_ready(ops, ch.c, IDS(0, 1, 2, 0), 3), DR_OK);
    expect_sends(&ch, 0, PAIRS(0, 0));
    /* READY again, DISPATCHED again: ESTATE, and the other tasks of the
     * call are not made ready either */
    assert_int_equal(dispatch_race_ready(ops, ch.c, IDS(4, 1), 2), DR_ESTATE);
    assert_int_equal(dispatch_race_ready(ops, ch.c, IDS(5, 0), 2), DR_ESTATE);
    expect_state(&ch, 4, DR_TASK_IDLE);
    expect_state(&ch, 5, DR_TASK_IDLE);
    expect_counts(&ch, 2, 1, 0);
    /* completed: out of range, idle agent, wrong task, task not sent */
    assert_int_equal(dispatch_race_completed(ops, ch.c, 6, 0), DR_EINVAL);
    assert_int_equal(dispatch_race_completed(ops, ch.c, 0, 1), DR_EINVAL);
    assert_int_equal(dispatch_race_completed(ops, ch.c, 1, 0), DR_ESTATE);  /* READY */
    assert_int_equal(dispatch_race_completed(ops, ch.c, 4, 0), DR_ESTATE);  /* IDLE */
    expect_counts(&ch, 2, 1, 0);
    assert_int_equal(ch.n, 1);
    assert_int_equal(dispatch_race_completed(ops, ch.c, 0, 0), DR_OK);
    expect_sends(&ch, 1, PAIRS(1, 0));
    expect_state(&ch, 0, DR_TASK_IDLE);
    assert_int_equal(dispatch_race_completed(ops, ch.c, 0, 0), DR_ESTATE);  /* done */
    assert_int_equal(ch.n, 2);
    dispatch_race_destroy(ops, ch.c);
    /* an agent idle with nothing ever sent */
    chan_open(&ch, ops, 2, 2);
    assert_int_equal(dispatch_race_completed(ops, ch.c, 0, 1), DR_ESTATE);
    assert_int_equal(dispatch_race_dispatch(ops, ch.c), DR_OK);
    assert_int_equal(ch.n, 0);
    dispatch_race_destroy(ops, ch.c);
}

/* A refused send: DR_ESEND, the task back at the head, the agent at the
 * FIFO tail, the tasks after it still ready; the retry sends them. */
static void test_send_failure(void **state)
{
    chan ch;
    chan_open(&ch, *state, 8, 5);
    ch.refuse_at = 2;
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(3, 1, 5, 0), 3), DR_ESEND);
    expect_sends(&ch, 0, PAIRS(3, 0, 1, 1));
    assert_true(ch.refused[1]);
    expect_state(&ch, 3, DR_TASK_DISPATCHED);
    expect_state(&ch, 1, DR_TASK_READY);
    expect_state(&ch, 5, DR_TASK_READY);
    expect_counts(&ch, 2, 1, 4);
    /* a task made ready now goes after them; agent 1 comes after 2, 3, 4 */
    ch.refuse_at = 0;
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(7, 0), 1), DR_OK);
    expect_sends(&ch, 2, PAIRS(1, 2, 5, 3, 7, 4));
    expect_counts(&ch, 0, 4, 1);
    /* agents 1 then 0 idle; task 0 waits for one */
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 3, 0), DR_OK);
    assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(6, 2, 0), 3), DR_OK);
    expect_sends(&ch, 5, PAIRS(6, 1, 2, 0));
    expect_state(&ch, 0, DR_TASK_READY);
    /* a completion's pass refused at its first send: the completion stands */
    ch.refuse_at = ch.n + 1;
    assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 1, 2), DR_ESEND);
    expect_sends(&ch, 7, PAIRS(0, 2));
    expect_state(&ch, 0, DR_TASK_READY);
    expect_state(&ch, 1, DR_TASK_IDLE);
    expect_counts(&ch, 1, 4, 1);
    ch.refuse_at = 0;
    assert_int_equal(dispatch_race_dispatch(ch.ops, ch.c), DR_OK);
    expect_sends(&ch, 8, PAIRS(0, 2));
    expect_counts(&ch, 0, 5, 0);
    dispatch_race_destroy(ch.ops, ch.c);
}

/* A done task made ready again is a new lifecycle, sent again. */
static void test_ready_again(void **state)
{
    chan ch;
    chan_open(&ch, *state, 3, 2);
    for (uint32_t round = 0; round < 4; round++) {
        unsigned from = ch.n;
        assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(2, 0), 1), DR_OK);
        expect_sends(&ch, from, PAIRS(2, round % 2));
        assert_int_equal(dispatch_race_ready(ch.ops, ch.c, IDS(2, 0), 1), DR_ESTATE);
        assert_int_equal(dispatch_race_completed(ch.ops, ch.c, 2, round % 2), DR_OK);
        expect_state(&ch, 2, DR_TASK_IDLE);
    }
    expect_counts(&ch, 0, 0, 2);
    dispatch_race_destroy(ch.ops, ch.c);
}

/* The naive pass allocates its copy of the ready list: DR_ENOMEM, nothing
 * sent, the change made; the next dispatch sends what it would have. The
 * optimized pass allocates nothing. */
static void test_enomem(void **state)
{
    const dispatch_race_ops *ops = *state;
    if (!PBT_FAIL_INJECTION) {
        print_message("    allocation failure injection unavailable here (sanitizer)\n");
        return;
    }
    chan ch;
    chan_open(&ch, ops, 8, 2);
    pbt_fail_at(0);
    int rc = dispatch_race_ready(ops, ch.c, IDS(4, 5, 6, 0), 3);
    int pending = pbt_fail_pending();
    pbt_fail_never();
    if (is_naive(ops)) {
        assert_int_equal(rc, DR_ENOMEM);
        assert_false(pending);
        assert_int_equal(ch.n, 0);
        expect_counts(&ch, 3, 0, 2);
        assert_int_equal(dispatch_race_dispatch(ops, ch.c), DR_OK);
    } else {
        assert_int_equal(rc, DR_OK);
        assert_true(pending);                      /* no allocation at all */
    }
    expect_sends(&ch, 0, PAIRS(4, 0, 5, 1));
    /* completed: the completion stands, the pass fails (naive) */
    pbt_fail_at(0);
    rc = dispatch_race_completed(ops, ch.c, 5, 1);
    pending = pbt_fail_pending();
    pbt_fail_never();
    expect_state(&ch, 5, DR_TASK_IDLE);
    if (is_naive(ops)) {
        assert_int_equal(rc, DR_ENOMEM);
        assert_int_equal(ch.n, 2);
        expect_counts(&ch, 1, 1, 1);
        pbt_fail_at(0);
        assert_int_equal(dispatch_race_dispatch(ops, ch.c), DR_ENOMEM);  /* a pass alone */
        pbt_fail_never();
        assert_int_equal(ch.n, 2);
        assert_int_equal(dispatch_race_dispatch(ops, ch.c), DR_OK);
    } else {
        assert_int_equal(rc, DR_OK);
        assert_true(pending);
    }
    expect_sends(&ch, 2, PAIRS(6, 1));
    expect_counts(&ch, 0, 2, 0);
    dispatch_race_destroy(ops, ch.c);
}

/* Agents that complete before their send returns: every pass nests
 * another. The optimized one sends each task once; the naive one's
 * nested passes overlap the outer ones, which send again what they copied
 * (a deterministic duplicate), but nothing is lost: every task done, every
 * agent idle at the end. */
static void test_completed_inside_send(void **state)
{
    const dispatch_race_ops *ops = *state;
    chan ch;
    chan_open(&ch, ops, 10, 3);
    ch.complete_inside = 1;
    uint32_t all[10];
    for (uint32_t t = 0; t < 10; t++)
        all[t] = t;
    assert_int_equal(dispatch_race_ready(ops, ch.c, all, 10), DR_OK);
    unsigned per[10] = { 0 };
    for (unsigned i = 0; i < ch.n; i++)
        per[ch.task[i]]++;
    unsigned dup = 0;
    for (uint32_t t = 0; t < 10; t++) {
        assert_true(per[t] >= 1);
        dup += per[t] - 1;
        expect_state(&ch, t, DR_TASK_IDLE);
    }
    expect_counts(&ch, 0, 0, 3);
    print_message("    %s: %u sends for 10 tasks, %u duplicates\n", ops->name, ch.n, dup);
    if (is_naive(ops))
        assert_true(dup > 0);
    else
        assert_int_equal(dup, 0);
    dispatch_race_destroy(ops, ch.c);
}

/* ---- the forced interleaving -------------------------------------------- */

#define FZ_MAX_N 32

typedef struct fz {
    const dispatch_race_ops *ops;
    dr_coordinator *c;
    uint32_t  n;
    sem_t     go, done;
    int       armed, quit, rc_b, timed_out;
    pthread_mutex_t m;          /* the log: sends by A and by B */
    uint32_t  task[4 * FZ_MAX_N + 2], agent[4 * FZ_MAX_N + 2];
    unsigned  sends, dups;
    unsigned  sent[FZ_MAX_N + 1];
} fz;

static void *fz_b(void *arg)
{
    fz *f = arg;
    for (;;) {
        while (sem_wait(&f->go) != 0)
            ;
        if (f->quit)
            return NULL;
        uint32_t t = f->n;
        f->rc_b = dispatch_race_ready(f->ops, f->c, &t, 1);
        sem_post(&f->done);
    }
}

static int fz_send(void *arg, uint32_t t, uint32_t a)
{
    fz *f = arg;
    pthread_mutex_lock(&f->m);
    if (f->sends < PBT_ARRAY_LEN(f->task)) {
        f->task[f->sends] = t;
        f->agent[f->sends] = a;
    }
    f->sends++;
    if (t <= f->n && f->sent[t]++ > 0)
        f->dups++;
    int first = f->armed;
    f->armed = 0;
    pthread_mutex_unlock(&f->m);
    if (first) {                   /* A's first send: B makes task n ready */
        sem_post(&f->go);
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += 5;
        int e = 0;
        while ((e = sem_timedwait(&f->done, &dl)) != 0 && errno == EINTR)
            ;
        if (e != 0)
            f->timed_out = 1;
    }
    return 0;
}

/* One round: checked without asserting, so that a failure still stops
 * thread B before the test fails. NULL, or what went wrong. */
static const char *fz_round(fz *f, const uint32_t *tasks, char *why, size_t cap)
{
    int naive = is_naive(f->ops);
    pthread_mutex_lock(&f->m);
    f->sends = f->dups = 0;
    memset(f->sent, 0, sizeof f->sent);
    f->armed = 1;
    f->rc_b = -1;
    pthread_mutex_unlock(&f->m);
    int rc = dispatch_race_ready(f->ops, f->c, tasks, f->n);
    if (f->timed_out)
        return "thread B's ready() did not return within 5 s";
    if (rc != DR_OK || f->armed || f->rc_b != DR_OK) {
        snprintf(why, cap, "ready() %d in A, %d in B, first send %s", rc, f->rc_b,
                 f->armed ? "never made" : "made");
        return why;
    }
    /* the race, or its absence, exactly */
    unsigned want_dups = naive ? f->n : 0, want_sends = naive ? 2 * f->n + 1 : f->n + 1;
    if (f->dups != want_dups || f->sends != want_sends) {
        snprintf(why, cap, "%u duplicates in %u sends, want %u in %u", f->dups, f->sends,
                 want_dups, want_sends);
        return why;
    }
    for (uint32_t t = 0; t <= f->n; t++)
        if (f->sent[t] == 0) {
            snprintf(why, cap, "task %u never sent", t);
            return why;
        }
    for (unsigned i = 0; i < f->sends; i++)
        if ((rc = dispatch_race_completed(f->ops, f->c, f->task[i], f->agent[i])) != DR_OK) {
            snprintf(why, cap, "completed(%u, %u) returned %d", f->task[i], f->agent[i], rc);
            return why;
        }
    dr_counts k;
    dispatch_race_counts(f->ops, f->c, &k);
    if (k.ready || k.dispatched || k.idle_agents != 4 * f->n) {
        snprintf(why, cap, "left %u ready, %u dispatched, %u agents idle", k.ready,
                 k.dispatched, k.idle_agents);
        return why;
    }
    return NULL;
}

static void test_forced(void **state)
{
    const dispatch_race_ops *ops = *state;
    const uint32_t sizes[] = { 1, 2, 8, 32 };
    for (size_t s = 0; s < PBT_ARRAY_LEN(sizes); s++) {
        fz *f = calloc(1, sizeof *f);
        assert_non_null(f);
        f->ops = ops;
        f->n = sizes[s];
        assert_int_equal(sem_init(&f->go, 0, 0), 0);
        assert_int_equal(sem_init(&f->done, 0, 0), 0);
        assert_int_equal(pthread_mutex_init(&f->m, NULL), 0);
        dr_options o = { .max_tasks = f->n + 1, .agents = 4 * f->n, .send = fz_send,
                         .send_arg = f };
        assert_int_equal(dispatch_race_create(ops, &o, &f->c), DR_OK);
        pthread_t b;
        assert_int_equal(pthread_create(&b, NULL, fz_b, f), 0);
        uint32_t tasks[FZ_MAX_N];
        for (uint32_t t = 0; t < f->n; t++)
            tasks[t] = t;
        char buf[160];
        const char *why = NULL;
        for (int round = 0; round < 3 && !why; round++)
            why = fz_round(f, tasks, buf, sizeof buf);
        if (!why)
            print_message("    %s: N = %u, %u duplicates per round\n", ops->name, f->n,
                          f->dups);
        if (!f->timed_out) {            /* else B may be stuck: leave it */
            f->quit = 1;
            sem_post(&f->go);
            pthread_join(b, NULL);
            dispatch_race_destroy(ops, f->c);
            sem_destroy(&f->go);
            sem_destroy(&f->done);
            pthread_mutex_destroy(&f->m);
            free(f);
        }
        if (why)
            fail_msg("%s, N = %u: %s", ops->name, sizes[s], why);
    }
}

/* ---- stress -------------------------------------------------------------- */

#define ST_AGENTS  8
#define ST_THREADS 4

typedef struct st {
    const dispatch_race_ops *ops;
    dr_coordinator *c;
    uint32_t        tasks;                /* per round */
    int             rounds;
    atomic_uint    *sent;                 /* [tasks] */
    atomic_uchar    busy[ST_AGENTS];
    pthread_mutex_t qm;                   /* the sends not yet completed */
    uint32_t        qt[ST_AGENTS], qa[ST_AGENTS];
    unsigned        qh, ql;
    atomic_uint     next;
    atomic_int      inside;               /* threads inside ready() */
    atomic_long     outstanding;          /* sends not yet completed */
    atomic_long     sends, dups, busy_sends, bad_rc, lost;
    atomic_int      in_send;
    atomic_long     overlaps;
    pthread_barrier_t bar;
} st;

/* Every 8th send yields the processor while it is in flight (the seed's
 * await), so that passes overlap often; `overlaps` counts the sends made
 * while another send was in flight: passes that overlapped, as the test
 * saw them. */
static int st_send(void *arg, uint32_t t, uint32_t a)
{
    st *s = arg;
    if (atomic_fetch_add(&s->in_send, 1) > 0)
        atomic_fetch_add(&s->overlaps, 1);
    if ((t & 7) == 0)
        sched_yield();
    atomic_fetch_add(&s->outstanding, 1);
    atomic_fetch_add(&s->sends, 1);
    if (atomic_fetch_add(&s->sent[t], 1) > 0)
        atomic_fetch_add(&s->dups, 1);
    if (atomic_exchange(&s->busy[a], 1))
        atomic_fetch_add(&s->busy_sends, 1);
    pthread_mutex_lock(&s->qm);
    if (s->ql < ST_AGENTS) {
        s->qt[(s->qh + s->ql) % ST_AGENTS] = t;
        s->qa[(s->qh + s->ql) % ST_AGENTS] = a;
        s->ql++;
    } else {
        atomic_fetch_add(&s->busy_sends, 1);  /* more in flight than agents */
    }
    pthread_mutex_unlock(&s->qm);
    atomic_fetch_sub(&s->in_send, 1);
    return 0;
}

typedef struct st_arg { st *s; uint64_t seed; } st_arg;

static void *st_thread(void *p)
{
    st_arg *arg = p;
    st *s = arg->s;
    pbt_rng r = { arg->seed };
    for (int round = 0; round < s->rounds; round++) {
        pthread_barrier_wait(&s->bar);
        for (;;) {
            pthread_mutex_lock(&s->qm);
            if (s->ql) {
                uint32_t t = s->qt[s->qh], a = s->qa[s->qh];
                s->qh = (s->qh + 1) % ST_AGENTS;
                s->ql--;
                pthread_mutex_unlock(&s->qm);
                atomic_store(&s->busy[a], 0);
                if (dispatch_race_completed(s->ops, s->c, t, a) != DR_OK)
                    atomic_fetch_add(&s->bad_rc, 1);
                atomic_fetch_sub(&s->outstanding, 1);
                continue;
            }
            pthread_mutex_unlock(&s->qm);
            atomic_fetch_add(&s->inside, 1);
            uint32_t k = 1 + (uint32_t)pbt_below(&r, 3);
            uint32_t first = atomic_fetch_add(&s->next, k);
            if (first < s->tasks) {
                uint32_t ids[3];
                if (k > s->tasks - first)
                    k = s->tasks - first;
                for (uint32_t i = 0; i < k; i++)
                    ids[i] = first + i;
                if (dispatch_race_ready(s->ops, s->c, ids, k) != DR_OK)
                    atomic_fetch_add(&s->bad_rc, 1);
                atomic_fetch_sub(&s->inside, 1);
                continue;
            }
            atomic_fetch_sub(&s->inside, 1);
            if (atomic_load(&s->inside) == 0 && atomic_load(&s->outstanding) == 0)
                break;
            sched_yield();
        }
        if (pthread_barrier_wait(&s->bar) == PTHREAD_BARRIER_SERIAL_THREAD) {
            for (uint32_t t = 0; t < s->tasks; t++)
                if (atomic_exchange(&s->sent[t], 0) == 0)
                    atomic_fetch_add(&s->lost, 1);
            atomic_store(&s->next, 0);
        }
        pthread_barrier_wait(&s->bar);
    }
    return NULL;
}

static void stress(const dispatch_race_ops *ops, uint32_t tasks, int rounds)
{
    static st s;
    memset(&s, 0, sizeof s);
    s.ops = ops;
    s.tasks = tasks;
    s.rounds = rounds;
    s.sent = calloc(tasks, sizeof *s.sent);
    assert_non_null(s.sent);
    assert_int_equal(pthread_mutex_init(&s.qm, NULL), 0);
    assert_int_equal(pthread_barrier_init(&s.bar, NULL, ST_THREADS), 0);
    dr_options o = { .max_tasks = tasks, .agents = ST_AGENTS, .send = st_send, .send_arg = &s };
    assert_int_equal(dispatch_race_create(ops, &o, &s.c), DR_OK);
    pthread_t tid[ST_THREADS];
    st_arg args[ST_THREADS];
    for (int i = 0; i < ST_THREADS; i++) {
        args[i] = (st_arg){ &s, 0x5eed0000u + (uint64_t)i };
        assert_int_equal(pthread_create(&tid[i], NULL, st_thread, &args[i]), 0);
    }
    for (int i = 0; i < ST_THREADS; i++)
        pthread_join(tid[i], NULL);
    long total = (long)tasks * rounds;
    print_message("    %s: %d threads, %ld tasks, %ld dispatches, %ld duplicates, %ld sends"
                  " made while another was in flight\n", ops->name, ST_THREADS, total,
                  atomic_load(&s.sends), atomic_load(&s.dups), atomic_load(&s.overlaps));
    assert_int_equal(atomic_load(&s.bad_rc), 0);
    assert_int_equal(atomic_load(&s.busy_sends), 0);
    assert_int_equal(atomic_load(&s.lost), 0);
    assert_int_equal(atomic_load(&s.outstanding), 0);
    assert_int_equal(atomic_load(&s.sends), total + atomic_load(&s.dups));
    assert_true(atomic_load(&s.overlaps) > 0);       /* the passes did overlap */
    if (!is_naive(ops))
        assert_int_equal(atomic_load(&s.dups), 0);
    dr_counts k;
    dispatch_race_counts(ops, s.c, &k);
    assert_true(k.ready == 0 && k.dispatched == 0 && k.idle_agents == ST_AGENTS);
    dispatch_race_destroy(ops, s.c);
    pthread_barrier_destroy(&s.bar);
    pthread_mutex_destroy(&s.qm);
    free(s.sent);
}

/* The optimized one: over a million dispatches (65,536 under sanitizers,
 * which run 5-20x slower); the naive one: 16,384 (8,192). */
static void test_stress(void **state)
{
    const dispatch_race_ops *ops = *state;
#ifdef PBT_ALLOC_SANITIZED
    const int big = 0;
#else
    const int big = 1;
#endif
    if (is_naive(ops))
        stress(ops, 4096, big ? 4 : 2);
    else
        stress(ops, 16384, big ? 64 : 4);
}

int main(void)
{
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_order_and_exhaustion),
        cmocka_unit_test(test_return_codes),
        cmocka_unit_test(test_send_failure),
        cmocka_unit_test(test_ready_again),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_completed_inside_send),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_stress),
    };
    return PBT_RUN_BOTH("dispatch_race", each, &dispatch_race_naive,
                        &dispatch_race_optimized) ? 1 : 0;
}
