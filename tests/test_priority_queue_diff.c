/*
 * Differential test of priority_queue: the naive implementation is the
 * oracle of the optimized one and of the GLib peer.
 *
 * Random operation sequences (fixed seeds, splitmix64) run through all
 * three implementations; every return value and every output must be
 * identical.
 * A sequence has a target size (queued tasks) from 0 to 2000, log-uniform by
 * octaves so that most are small and many reach the top (see target_size),
 * plus fixed sizes 0, 1, 64 and 2000 (twice); one of five priority patterns (few distinct: 0..9
 * as in the seed; many distinct: 0..100000 with a few INT32_MIN/INT32_MAX;
 * all equal; monotone increasing with repeats; monotone decreasing with
 * repeats) and one of three id patterns (sequential "task-000123", random
 * alphanumeric of 1..39 characters, clustered "tenant-01/queue-02/job-0000042").
 * The operations: enqueue (fresh ids, duplicates of queued ids, re-enqueues of
 * dequeued or removed ids, invalid ids: "", NULL task, 40 bytes without a
 * NUL), dequeue and peek (also on an empty queue, with either output NULL),
 * remove (queued, gone, never-seen and invalid ids), contains and size.
 * Every output is compared, and on error it must be untouched. At the end of
 * each sequence every queue is drained and the full orders compared.
 *
 * On a mismatch the test prints the sequence's seed, number, operation index
 * and what differed, then fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/priority_queue.h"
#include "pb_test.h"
#include "pb_test_task.h"

/* Sequences per priority pattern: 10,001 in all. The patterns with many
 * distinct priorities get fewer, as the oracle sorts every distinct
 * priority on each dequeue and peek (O(n log n) per call). */
static const unsigned seqs_per_pattern[] = { 2500, 1667, 2500, 1667, 1667 };
#define SIZE_MAX_TARGET   2000
#define GONE_RING         512

/* IMPL[0], the naive queue, is the oracle of the others. */
enum { NAIVE, N_IMPL = 3 };
static const priority_queue_ops *const IMPL[N_IMPL] = {
    &priority_queue_naive, &priority_queue_optimized, &priority_queue_glib };

enum prio_pattern { PP_FEW, PP_MANY, PP_EQUAL, PP_INCREASING, PP_DECREASING, PP_COUNT };
static const char *const prio_name[PP_COUNT] = {
    "few (0..9)", "many (0..100000)", "all equal", "increasing", "decreasing" };

enum id_pattern { ID_SEQUENTIAL = PBT_ID_SEQUENTIAL, ID_RANDOM = PBT_ID_RANDOM,
                  ID_CLUSTERED = PBT_ID_CLUSTERED, ID_COUNT = PBT_ID_PATTERNS };
static const char *const id_name[ID_COUNT] = { "sequential", "random", "clustered" };

/* ---- sequence context and mismatch reporting ----------------------------- */

/* One enqueue attempt's id. A task carries its record number in
 * created_at_ms, so a dequeued task leads back to its record in O(1). */
typedef struct record {
    char   id[TASK_ID_MAX];
    size_t live_at;            /* position in live[] while queued */
} record;

typedef struct ctx {
    pbt_rng     r;
    pbt_where   at;         /* seed, seq, step, op: what a mismatch prints */
    const char *op_id;
    int         prio_pattern, id_pattern;
    size_t      target;

    priority_queue *q[N_IMPL];
    record     *rec;           /* every enqueue attempt of the sequence */
    size_t      n_rec, rec_cap;
    size_t     *live;          /* record numbers of the queued tasks */
    size_t      n_live, live_cap;
    char        gone[GONE_RING][TASK_ID_MAX];   /* recently dequeued or removed */
    size_t      n_gone;
    uint64_t    next_serial;
    int32_t     prio_base;     /* equal: the value; monotone: the start */
    int64_t     prio_step;     /* monotone: the distance walked so far */
    char       *id40;          /* 40 bytes, no NUL, own heap block */
    unsigned long long ops_done, drained;
} ctx;

/* What a mismatch prints besides seed, seq, step and op. */
static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "priorities=%s ids=%s target=%zu id=\"%s\"",
             prio_name[c->prio_pattern], id_name[c->id_pattern], c->target,
             c->op_id ? c->op_id : "(null)");
}

/* rc[i] of every implementation equal to the oracle's. */
static void check_rc(const ctx *c, const int *rc)
{
    for (int i = 1; i < N_IMPL; i++)
        if (rc[i] != rc[NAIVE])
            pbt_mismatch(&c->at, "return code: naive %d, %s %d", rc[NAIVE], IMPL[i]->name,
                         rc[i]);
}

static void check_size(const ctx *c)
{
    size_t n0 = priority_queue_size(IMPL[NAIVE], c->q[NAIVE]);
    for (int i = 1; i < N_IMPL; i++) {
        size_t n = priority_queue_size(IMPL[i], c->q[i]);
        if (n != n0)
            pbt_mismatch(&c->at, "size: naive %zu, %s %zu", n0, IMPL[i]->name, n);
    }
    if (n0 != c->n_live)
        pbt_mismatch(&c->at, "size %zu, but the test tracked %zu queued ids", n0, c->n_live);
}

/* ---- ids, priorities and tasks ------------------------------------------------ */

/* A new id of the sequence's pattern into buf (TASK_ID_MAX bytes). It may
 * equal a queued one (short random ids, clustered ranges): then the oracle
 * says EEXIST and so must the other. */
static void fresh_id(ctx *c, char *buf)
{
    pbt_fresh_id(c->id_pattern, &c->r, &c->next_serial, c->target, buf, TASK_ID_MAX);
}

/* The next priority of the sequence's pattern. Monotone patterns repeat a
 * value about a third of the time, so FIFO among equals is exercised. */
static int32_t next_priority(ctx *c)
{
    switch (c->prio_pattern) {
    case PP_FEW:
        return (int32_t)pbt_mod(&c->r, 10);
    case PP_MANY: {
        size_t r = pbt_mod(&c->r, 200);
        if (r == 0)
            return INT32_MIN;
        if (r == 1)
            return INT32_MAX;
        return (int32_t)pbt_mod(&c->r, 100001);
    }
    case PP_EQUAL:
        return c->prio_base;
    case PP_INCREASING:
        c->prio_step += (int64_t)pbt_mod(&c->r, 3);
        return (int32_t)(c->prio_base + c->prio_step);
    default:
        c->prio_step += (int64_t)pbt_mod(&c->r, 3);
        return (int32_t)(c->prio_base - c->prio_step);
    }
}

/* A task with id, record number rec and random payload; the bytes after the
 * id's NUL are random too (they are not part of the id). */
static void make_task(ctx *c, task *t, const char *id, size_t rec)
{
    for (size_t i = 0; i < sizeof t->id; i++)
        t->id[i] = (char)pbt_next(&c->r);
    memcpy(t->id, id, strlen(id) + 1);
    t->status = (task_status)pbt_mod(&c->r, TASK_STATUS_COUNT + 2);   /* payload */
    t->priority = (int32_t)(uint32_t)pbt_next(&c->r);
    t->created_at_ms = (int64_t)rec;
    t->updated_at_ms = (int64_t)(pbt_next(&c->r) % 100000);
    t->attempts = (uint32_t)pbt_next(&c->r);
}

static size_t new_record(ctx *c, const char *id)
{
    if (c->n_rec == c->rec_cap) {
        c->rec_cap = c->rec_cap ? 2 * c->rec_cap : 1024;
        c->rec = realloc(c->rec, c->rec_cap * sizeof *c->rec);
        assert_non_null(c->rec);
    }
    memcpy(c->rec[c->n_rec].id, id, strlen(id) + 1);
    c->rec[c->n_rec].live_at = SIZE_MAX;
    return c->n_rec++;
}

static void track_enqueue(ctx *c, size_t rec)
{
    if (c->n_live == c->live_cap) {
        c->live_cap = c->live_cap ? 2 * c->live_cap : 256;
        c->live = realloc(c->live, c->live_cap * sizeof *c->live);
        assert_non_null(c->live);
    }
    c->rec[rec].live_at = c->n_live;
    c->live[c->n_live++] = rec;
}

/* Record rec left the queue: moves its id to the ring of gone ids. */
static void track_leave(ctx *c, size_t rec)
{
    size_t at = c->rec[rec].live_at;
    if (at >= c->n_live || c->live[at] != rec)
        pbt_mismatch(&c->at, "a task left the queue that the test did not track as queued");
    memcpy(c->gone[c->n_gone++ % GONE_RING], c->rec[rec].id, TASK_ID_MAX);
    size_t moved = c->live[--c->n_live];
    c->live[at] = moved;
    c->rec[moved].live_at = at;
    c->rec[rec].live_at = SIZE_MAX;
}

/* The queued record whose id is id; linear, for the rare removal of an id
 * not picked from live[] (a gone id enqueued again, a colliding fresh id). */
static size_t find_live(ctx *c, const char *id)
{
    for (size_t i = 0; i < c->n_live; i++)
        if (strcmp(c->rec[c->live[i]].id, id) == 0)
            return c->live[i];
    pbt_mismatch(&c->at, "removed an id the test did not track as queued");
    return SIZE_MAX;
}

static const char *gone_id(ctx *c)
{
    size_t n = c->n_gone < GONE_RING ? c->n_gone : GONE_RING;
    return c->gone[pbt_mod(&c->r, n)];
}

/* An id for remove/contains: a queued one, a gone one, a new one or an
 * invalid one (NULL, "", 40 bytes without NUL). Sets *rec to the record
 * when picked from the queued ones, else SIZE_MAX. */
static const char *pick_id(ctx *c, char *buf, size_t *rec)
{
    size_t r = pbt_mod(&c->r, 100);
    *rec = SIZE_MAX;
    if (r < 70 && c->n_live > 0) {
        *rec = c->live[pbt_mod(&c->r, c->n_live)];
        memcpy(buf, c->rec[*rec].id, TASK_ID_MAX);
        return buf;
    }
    if (r < 82 && c->n_gone > 0) {
        memcpy(buf, gone_id(c), TASK_ID_MAX);
        return buf;
    }
    if (r < 94) {
        fresh_id(c, buf);
        return buf;
    }
    switch (pbt_mod(&c->r, 3)) {
    case 0:  return NULL;
    case 1:  return "";
    default: return c->id40;
    }
}

static const char *shown_id(const ctx *c, const char *id)
{
    return id == c->id40 ? "<40 bytes, no NUL>" : id;
}

/* ---- operations ----------------------------------------------------------- */

static void op_enqueue(ctx *c)
{
    char id[TASK_ID_MAX];
    task t, *tp = &t;
    int invalid = 0;
    size_t r = pbt_mod(&c->r, 100);
    if (r < 80 || c->n_live == 0) {
        c->at.op = "enqueue(fresh)";
        fresh_id(c, id);
    } else if (r < 88) {
        c->at.op = "enqueue(duplicate)";
        memcpy(id, c->rec[c->live[pbt_mod(&c->r, c->n_live)]].id, TASK_ID_MAX);
    } else if (r < 96 && c->n_gone > 0) {
        c->at.op = "enqueue(again)";
        memcpy(id, gone_id(c), TASK_ID_MAX);
    } else {
        c->at.op = "enqueue(invalid id)";
        id[0] = '\0';
        invalid = 1 + (int)pbt_mod(&c->r, 3);
    }
    size_t rec = invalid ? SIZE_MAX : new_record(c, id);
    make_task(c, &t, id, rec);
    int32_t prio = next_priority(c);
    c->op_id = id;
    if (invalid == 2) {
        memset(t.id, 'x', TASK_ID_MAX);
        c->op_id = "<40 bytes, no NUL>";
    } else if (invalid == 3) {
        tp = NULL;
        c->op_id = "(NULL task)";
    }
    int rc[N_IMPL];
    for (int i = 0; i < N_IMPL; i++)
        rc[i] = priority_queue_enqueue(IMPL[i], c->q[i], tp, prio);
    check_rc(c, rc);
    if (rc[NAIVE] == PQ_OK)
        track_enqueue(c, rec);
}

/* Dequeue (or peek) with a random choice of NULL outputs; every output is
 * compared, and must be untouched on error. A dequeue without a task output
 * is preceded by a peek of every queue, which tells the test what leaves. */
static void op_take(ctx *c, int peek)
{
    task t[N_IMPL], blank;
    int32_t p[N_IMPL];
    int rc[N_IMPL];
    memset(&blank, 0xc3, sizeof blank);
    size_t r = pbt_mod(&c->r, 10);
    int want_task = r != 0 && r != 1, want_prio = r != 0 && r != 2;
    size_t leaving = SIZE_MAX;
    c->op_id = NULL;
    if (!peek && !want_task && c->n_live > 0) {
        c->at.op = "peek before dequeue(NULL task)";
        for (int i = 0; i < N_IMPL; i++) {
            t[i] = blank;
            rc[i] = priority_queue_peek(IMPL[i], c->q[i], &t[i], NULL);
        }
        check_rc(c, rc);
        for (int i = 1; i < N_IMPL; i++) {
            const char *f = rc[NAIVE] == PQ_OK ? pbt_task_diff(&t[NAIVE], &t[i]) : "return code";
            if (f != NULL)
                pbt_mismatch(&c->at, "peek: %d, tasks differ in %s (naive, %s)", rc[NAIVE], f,
                             IMPL[i]->name);
        }
        leaving = (size_t)t[NAIVE].created_at_ms;
    }
    c->at.op = peek ? "peek" : "dequeue";
    for (int i = 0; i < N_IMPL; i++) {
        t[i] = blank;
        p[i] = 0x5a5a5a5a;
        task *to = want_task ? &t[i] : NULL;
        int32_t *po = want_prio ? &p[i] : NULL;
        rc[i] = peek ? priority_queue_peek(IMPL[i], c->q[i], to, po)
                     : priority_queue_dequeue(IMPL[i], c->q[i], to, po);
    }
    check_rc(c, rc);
    if (rc[NAIVE] != PQ_OK) {
        if (rc[NAIVE] != PQ_ENOENT)
            pbt_mismatch(&c->at, "%s returned %d", c->at.op, rc[NAIVE]);
        if (c->n_live != 0)
            pbt_mismatch(&c->at, "%s: ENOENT with %zu queued", c->at.op, c->n_live);
        for (int i = 0; i < N_IMPL; i++)
            if (memcmp(&t[i], &blank, sizeof blank) != 0 || p[i] != 0x5a5a5a5a)
                pbt_mismatch(&c->at, "%s: %s wrote an output on error", c->at.op,
                             IMPL[i]->name);
        return;
    }
    if (c->n_live == 0)
        pbt_mismatch(&c->at, "%s succeeded on a queue the test tracked as empty", c->at.op);
    for (int i = 1; i < N_IMPL; i++) {
        if (want_prio && p[i] != p[NAIVE])
            pbt_mismatch(&c->at, "%s: priority naive %d, %s %d", c->at.op, (int)p[NAIVE],
                         IMPL[i]->name, (int)p[i]);
        const char *f = want_task ? pbt_task_diff(&t[NAIVE], &t[i]) : NULL;
        if (f != NULL)
            pbt_mismatch(&c->at, "%s: tasks differ in %s: naive \"%.39s\", %s \"%.39s\"",
                         c->at.op, f, t[NAIVE].id, IMPL[i]->name, t[i].id);
    }
    for (int i = 0; i < N_IMPL; i++) {
        if (!want_task && memcmp(&t[i], &blank, sizeof blank) != 0)
            pbt_mismatch(&c->at, "%s: %s wrote a task through a NULL output", c->at.op,
                         IMPL[i]->name);
        if (!want_prio && p[i] != 0x5a5a5a5a)
            pbt_mismatch(&c->at, "%s: %s wrote a priority through a NULL output", c->at.op,
                         IMPL[i]->name);
    }
    if (want_task)
        leaving = (size_t)t[NAIVE].created_at_ms;
    if (peek)
        return;
    if (leaving >= c->n_rec)
        pbt_mismatch(&c->at, "dequeue: the task's record number %zu is unknown", leaving);
    for (int i = 0; i < N_IMPL; i++)
        if (priority_queue_contains(IMPL[i], c->q[i], c->rec[leaving].id) != 0)
            pbt_mismatch(&c->at, "dequeued \"%s\" is still contained in %s",
                         c->rec[leaving].id, IMPL[i]->name);
    track_leave(c, leaving);
}

static void op_remove(ctx *c)
{
    char buf[TASK_ID_MAX];
    size_t rec;
    const char *id = pick_id(c, buf, &rec);
    c->at.op = rec != SIZE_MAX ? "remove(queued)" : "remove";
    c->op_id = shown_id(c, id);
    int rc[N_IMPL];
    for (int i = 0; i < N_IMPL; i++)
        rc[i] = priority_queue_remove(IMPL[i], c->q[i], id);
    check_rc(c, rc);
    if (rec != SIZE_MAX && rc[NAIVE] != PQ_OK)
        pbt_mismatch(&c->at, "remove of a queued id returned %d", rc[NAIVE]);
    if (rc[NAIVE] == PQ_OK)
        track_leave(c, rec != SIZE_MAX ? rec : find_live(c, id));
}

static void op_contains(ctx *c)
{
    char buf[TASK_ID_MAX];
    size_t rec;
    const char *id = pick_id(c, buf, &rec);
    c->at.op = "contains";
    c->op_id = shown_id(c, id);
    int rc[N_IMPL];
    for (int i = 0; i < N_IMPL; i++)
        rc[i] = priority_queue_contains(IMPL[i], c->q[i], id);
    check_rc(c, rc);
    if (rec != SIZE_MAX && rc[NAIVE] != 1)
        pbt_mismatch(&c->at, "contains of a queued id returned %d", rc[NAIVE]);
}

/* Dequeues every queue to the end, comparing every task and priority. */
static void drain_and_compare(ctx *c)
{
    c->at.op = "final drain";
    c->op_id = NULL;
    size_t n = c->n_live;
    for (size_t k = 0; k < n; k++) {
        task t[N_IMPL];
        int32_t p[N_IMPL];
        int rc[N_IMPL];
        for (int i = 0; i < N_IMPL; i++)
            rc[i] = priority_queue_dequeue(IMPL[i], c->q[i], &t[i], &p[i]);
        for (int i = 0; i < N_IMPL; i++)
            if (rc[i] != PQ_OK)
                pbt_mismatch(&c->at, "drain %zu of %zu: %s returned %d", k, n, IMPL[i]->name,
                             rc[i]);
        for (int i = 1; i < N_IMPL; i++) {
            const char *f = pbt_task_diff(&t[NAIVE], &t[i]);
            if (f != NULL)
                pbt_mismatch(&c->at, "drain %zu of %zu: tasks differ in %s: naive \"%.39s\","
                             " %s \"%.39s\"", k, n, f, t[NAIVE].id, IMPL[i]->name, t[i].id);
            if (p[i] != p[NAIVE])
                pbt_mismatch(&c->at, "drain %zu of %zu: priority naive %d, %s %d", k, n,
                             (int)p[NAIVE], IMPL[i]->name, (int)p[i]);
        }
        track_leave(c, (size_t)t[NAIVE].created_at_ms);
    }
    check_size(c);
    for (int i = 0; i < N_IMPL; i++) {
        int rc = priority_queue_dequeue(IMPL[i], c->q[i], NULL, NULL);
        if (rc != PQ_ENOENT)
            pbt_mismatch(&c->at, "dequeue after the drain: %s %d", IMPL[i]->name, rc);
    }
    c->drained += n;
}

/* ---- sequences ------------------------------------------------------------- */

/* Target size of sequence i: a few fixed extremes, else log-uniform on
 * [0, 2000] by octaves: pick one of 11 octaves [2^k - 1, 2^(k+1) - 1), the
 * top one (cut at 2000) with half the weight of the others, then a size
 * uniformly inside it. So about 5% of the sequences (some 480) have a
 * target of 1023..2000 and 15% one of 511..2000; the top octave has half
 * weight because the oracle's cost grows as n^2 log n there. */
static size_t target_size(ctx *c, unsigned i)
{
    switch (i) {
    case 0: return 0;
    case 1: return SIZE_MAX_TARGET;
    case 2: return 1;
    case 3: return 64;
    case 4: return SIZE_MAX_TARGET;
    default: break;
    }
    size_t k = pbt_mod(&c->r, 21) / 2;
    return pbt_octave_size(&c->r, k, SIZE_MAX_TARGET);
}

static void run_sequence(ctx *c, int prio_pattern, unsigned i)
{
    c->at.seed = (UINT64_C(0x9a1e5eed00000000) + (uint64_t)prio_pattern * UINT64_C(0x100000000)) ^ i;
    c->r.s = c->at.seed;
    c->at.seq = i;
    c->prio_pattern = prio_pattern;
    c->id_pattern = (int)(i % ID_COUNT);
    c->at.op = "create";
    c->op_id = NULL;
    c->at.step = 0;
    c->target = target_size(c, i);
    c->n_rec = 0;
    c->n_live = 0;
    c->n_gone = 0;
    c->next_serial = pbt_mod(&c->r, 1000);
    c->prio_step = 0;
    switch (pbt_mod(&c->r, 4)) {
    case 0:  c->prio_base = 0; break;
    case 1:  c->prio_base = -1000; break;
    case 2:  c->prio_base = prio_pattern == PP_INCREASING ? INT32_MAX - 20000 : INT32_MAX; break;
    default: c->prio_base = prio_pattern == PP_DECREASING ? INT32_MIN + 20000 : INT32_MIN; break;
    }

    /* Phases, by the queued count against the current goal: grow to the
     * target (enqueues dominate), churn around it; half of the sequences
     * then drain to a low goal (dequeues and removals dominate) and churn
     * there. */
    size_t goal = c->target;
    int drains = pbt_mod(&c->r, 3) != 0;
    size_t low_goal = pbt_mod(&c->r, c->target / 4 + 1);
    size_t drain_at = 17 * c->target / 10;
    size_t n_ops = drain_at + (drains ? c->target : 0) + 24 + pbt_mod(&c->r, 40);
    for (int i = 0; i < N_IMPL; i++) {
        c->q[i] = priority_queue_create(IMPL[i]);
        assert_non_null(c->q[i]);
    }

    for (c->at.step = 0; c->at.step < n_ops; c->at.step++) {
        if (drains && c->at.step == drain_at)
            goal = low_goal;
        /*                         enq deq remove peek contains (rest: size) */
        static const size_t mix[3][5] = { { 84,  5,  3, 3,  3 },   /* grow  */
                                          { 34, 26, 16, 8, 10 },   /* churn */
                                          {  8, 30, 48, 4,  6 } }; /* drain */
        int phase = c->n_live < goal ? 0 : c->n_live <= goal + goal / 8 + 2 ? 1 : 2;
        size_t r = pbt_mod(&c->r, 100);
        size_t p_enq = mix[phase][0];
        size_t p_deq = p_enq + mix[phase][1];
        size_t p_rem = p_deq + mix[phase][2];
        size_t p_peek = p_rem + mix[phase][3];
        size_t p_cont = p_peek + mix[phase][4];
        if (r < p_enq)
            op_enqueue(c);
        else if (r < p_deq)
            op_take(c, 0);
        else if (r < p_rem)
            op_remove(c);
        else if (r < p_peek)
            op_take(c, 1);
        else if (r < p_cont)
            op_contains(c);
        else {
            c->at.op = "size";
            check_size(c);
        }
        c->ops_done++;
    }
    check_size(c);
    drain_and_compare(c);
    for (int i = 0; i < N_IMPL; i++)
        priority_queue_destroy(IMPL[i], c->q[i]);
}

static unsigned long long total_seqs, total_ops, total_drained;

static void run_pattern(int prio_pattern)
{
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->at = (pbt_where){ .test = "priority_queue_diff", .describe = describe, .arg = c };
    c->id40 = malloc(TASK_ID_MAX);
    assert_non_null(c->id40);
    memset(c->id40, 'y', TASK_ID_MAX);
    unsigned n_seqs = seqs_per_pattern[prio_pattern];
    for (unsigned i = 0; i < n_seqs; i++)
        run_sequence(c, prio_pattern, i);
    printf("priority_queue_diff: priorities %s: %u sequences, %llu operations,"
           " %llu tasks drained and compared\n",
           prio_name[prio_pattern], n_seqs, c->ops_done, c->drained);
    fflush(stdout);
    total_seqs += n_seqs;
    total_ops += c->ops_done;
    total_drained += c->drained;
    free(c->rec);
    free(c->live);
    free(c->id40);
    free(c);
}

static void test_diff_few_priorities(void **state) { (void)state; run_pattern(PP_FEW); }
static void test_diff_many_priorities(void **state) { (void)state; run_pattern(PP_MANY); }
static void test_diff_equal_priorities(void **state) { (void)state; run_pattern(PP_EQUAL); }
static void test_diff_increasing_priorities(void **state) { (void)state; run_pattern(PP_INCREASING); }
static void test_diff_decreasing_priorities(void **state) { (void)state; run_pattern(PP_DECREASING); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_few_priorities),
        cmocka_unit_test(test_diff_many_priorities),
        cmocka_unit_test(test_diff_equal_priorities),
        cmocka_unit_test(test_diff_increasing_priorities),
        cmocka_unit_test(test_diff_decreasing_priorities),
    };
    int failed = cmocka_run_group_tests_name("priority_queue naive vs optimized and glib", tests,
                                             NULL, NULL);
    printf("priority_queue_diff: checked %llu sequences, %llu operations,"
           " %llu tasks drained and compared\n", total_seqs, total_ops, total_drained);
    fflush(stdout);
    return failed != 0;
}
