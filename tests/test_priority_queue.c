/*
 * Unit tests of priority_queue, run once against every implementation
 * (naive, optimized, the GLib peer): the same test list is run as one
 * cmocka group per ops table (the group setup puts the ops table in the
 * test state). Allocation failures come from pb_test_alloc.h.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE            /* SIGTRAP */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pairbench/priority_queue.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

/* ---- helpers -------------------------------------------------------------- */

static const priority_queue_ops *ops_of(void **state)
{
    return (const priority_queue_ops *)*state;
}

/* A task whose payload fields are derived from k, so a copy can be checked. */
static task make_task(const char *id, int k)
{
    task t;
    memset(&t, 0, sizeof t);
    snprintf(t.id, sizeof t.id, "%s", id);
    t.status = (task_status)(k % TASK_STATUS_COUNT);
    t.priority = 1000 + k;                 /* payload, not the queue key */
    t.created_at_ms = 1700000000000LL + k;
    t.updated_at_ms = -k;
    t.attempts = (uint32_t)k * 7u;
    return t;
}

static void assert_task_equal(const task *a, const task *b)
{
    assert_string_equal(a->id, b->id);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->priority, b->priority);
    assert_true(a->created_at_ms == b->created_at_ms);
    assert_true(a->updated_at_ms == b->updated_at_ms);
    assert_int_equal(a->attempts, b->attempts);
}

static void enq_ok(const priority_queue_ops *o, priority_queue *q, const char *id,
                   int k, int32_t prio)
{
    task t = make_task(id, k);
    assert_int_equal(priority_queue_enqueue(o, q, &t, prio), PQ_OK);
}

/* Peeks, then dequeues, and checks both give the task made by make_task(id, k)
 * with priority prio. */
static void deq_expect(const priority_queue_ops *o, priority_queue *q, const char *id,
                       int k, int32_t prio)
{
    task want = make_task(id, k), got;
    int32_t p = 0;
    size_t n = priority_queue_size(o, q);
    memset(&got, 0, sizeof got);
    assert_int_equal(priority_queue_peek(o, q, &got, &p), PQ_OK);
    assert_task_equal(&got, &want);
    assert_int_equal(p, prio);
    assert_int_equal(priority_queue_size(o, q), n);
    memset(&got, 0, sizeof got);
    p = 0;
    assert_int_equal(priority_queue_dequeue(o, q, &got, &p), PQ_OK);
    assert_task_equal(&got, &want);
    assert_int_equal(p, prio);
    assert_int_equal(priority_queue_size(o, q), n - 1);
    assert_int_equal(priority_queue_contains(o, q, id), 0);
}

/* Dequeues everything and checks the ids come out as ids[0..n). */
static void drain_expect(const priority_queue_ops *o, priority_queue *q,
                         const char *const *ids, size_t n)
{
    assert_int_equal(priority_queue_size(o, q), n);
    for (size_t i = 0; i < n; i++) {
        task got;
        assert_int_equal(priority_queue_dequeue(o, q, &got, NULL), PQ_OK);
        assert_string_equal(got.id, ids[i]);
    }
    assert_int_equal(priority_queue_size(o, q), 0);
    assert_int_equal(priority_queue_dequeue(o, q, NULL, NULL), PQ_ENOENT);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_name(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    assert_true(strcmp(o->name, "naive") == 0 || strcmp(o->name, "optimized") == 0 ||
                strcmp(o->name, "glib") == 0);
}

static void test_empty_queue(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    assert_non_null(q);
    task out, blank;
    int32_t p = 12345;
    memset(&blank, 0x5a, sizeof blank);
    out = blank;

    assert_int_equal(priority_queue_size(o, q), 0);
    assert_int_equal(priority_queue_dequeue(o, q, &out, &p), PQ_ENOENT);
    assert_int_equal(priority_queue_peek(o, q, &out, &p), PQ_ENOENT);
    assert_int_equal(priority_queue_dequeue(o, q, NULL, NULL), PQ_ENOENT);
    assert_int_equal(priority_queue_peek(o, q, NULL, NULL), PQ_ENOENT);
    assert_memory_equal(&out, &blank, sizeof out);   /* outputs untouched */
    assert_int_equal(p, 12345);
    assert_int_equal(priority_queue_remove(o, q, "x"), PQ_ENOENT);
    assert_int_equal(priority_queue_contains(o, q, "x"), 0);
    priority_queue_destroy(o, q);
    priority_queue_destroy(o, NULL);
}

static void test_round_trip(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    task in = make_task("alpha", 3);
    in.created_at_ms = INT64_MIN;
    in.updated_at_ms = INT64_MAX;
    in.attempts = UINT32_MAX;
    in.status = (task_status)77;           /* status is payload: not checked */
    task want = in;
    assert_int_equal(priority_queue_enqueue(o, q, &in, 5), PQ_OK);
    in.attempts = 1;                       /* the queue keeps its own copy */
    assert_int_equal(priority_queue_size(o, q), 1);
    assert_int_equal(priority_queue_contains(o, q, "alpha"), 1);

    task got;
    int32_t p = 0;
    assert_int_equal(priority_queue_peek(o, q, &got, &p), PQ_OK);
    assert_task_equal(&got, &want);
    assert_int_equal(p, 5);
    /* Either output may be NULL. */
    p = 0;
    assert_int_equal(priority_queue_peek(o, q, NULL, &p), PQ_OK);
    assert_int_equal(p, 5);
    memset(&got, 0, sizeof got);
    assert_int_equal(priority_queue_peek(o, q, &got, NULL), PQ_OK);
    assert_task_equal(&got, &want);
    assert_int_equal(priority_queue_peek(o, q, NULL, NULL), PQ_OK);
    assert_int_equal(priority_queue_size(o, q), 1);

    memset(&got, 0, sizeof got);
    p = 0;
    assert_int_equal(priority_queue_dequeue(o, q, &got, &p), PQ_OK);
    assert_task_equal(&got, &want);
    assert_int_equal(p, 5);
    assert_int_equal(priority_queue_size(o, q), 0);
    assert_int_equal(priority_queue_contains(o, q, "alpha"), 0);

    /* Dequeue with NULL outputs still removes. */
    enq_ok(o, q, "beta", 1, 0);
    assert_int_equal(priority_queue_dequeue(o, q, NULL, NULL), PQ_OK);
    assert_int_equal(priority_queue_size(o, q), 0);
    enq_ok(o, q, "gamma", 2, 0);
    p = 99;
    assert_int_equal(priority_queue_dequeue(o, q, NULL, &p), PQ_OK);
    assert_int_equal(p, 0);
    enq_ok(o, q, "delta", 4, 0);
    assert_int_equal(priority_queue_dequeue(o, q, &got, NULL), PQ_OK);
    assert_string_equal(got.id, "delta");
    priority_queue_destroy(o, q);
}

static void test_fifo_within_priority(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    const char *ids[] = { "e", "d", "c", "b", "a", "zz", "y" };
    for (int i = 0; i < 7; i++)
        enq_ok(o, q, ids[i], i, 4);
    for (int i = 0; i < 7; i++)
        deq_expect(o, q, ids[i], i, 4);
    priority_queue_destroy(o, q);
}

static void test_lowest_number_first(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    /* The seed's range 0..9, arriving out of order, two per priority. */
    const int32_t prios[] = { 5, 3, 9, 0, 3, 7, 1, 5, 0, 9, 8, 2, 6, 4, 1, 2, 8, 6, 7, 4 };
    char id[32];
    for (int i = 0; i < 20; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        enq_ok(o, q, id, i, prios[i]);
    }
    for (int32_t p = 0; p <= 9; p++) {
        int first = 1;
        for (int i = 0; i < 20; i++) {
            if (prios[i] != p)
                continue;
            pbt_make_id(id, sizeof id, "task-", i);
            deq_expect(o, q, id, i, p);
            first = 0;
        }
        assert_false(first);
    }
    assert_int_equal(priority_queue_size(o, q), 0);
    priority_queue_destroy(o, q);
}

static void test_negative_and_extreme_priorities(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    enq_ok(o, q, "zero", 0, 0);
    enq_ok(o, q, "max", 1, INT32_MAX);
    enq_ok(o, q, "minus-one", 2, -1);
    enq_ok(o, q, "min", 3, INT32_MIN);
    enq_ok(o, q, "one", 4, 1);
    enq_ok(o, q, "min-2", 5, INT32_MIN);
    enq_ok(o, q, "max-minus-one", 6, INT32_MAX - 1);
    enq_ok(o, q, "minus-1000", 7, -1000);
    deq_expect(o, q, "min", 3, INT32_MIN);
    deq_expect(o, q, "min-2", 5, INT32_MIN);
    deq_expect(o, q, "minus-1000", 7, -1000);
    deq_expect(o, q, "minus-one", 2, -1);
    deq_expect(o, q, "zero", 0, 0);
    deq_expect(o, q, "one", 4, 1);
    deq_expect(o, q, "max-minus-one", 6, INT32_MAX - 1);
    deq_expect(o, q, "max", 1, INT32_MAX);
    priority_queue_destroy(o, q);
}

static void test_remove(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    /* a1 a2 a3 at 1, b1 b2 at 2, c1 at 0 */
    enq_ok(o, q, "a1", 1, 1);
    enq_ok(o, q, "b1", 2, 2);
    enq_ok(o, q, "a2", 3, 1);
    enq_ok(o, q, "c1", 4, 0);
    enq_ok(o, q, "a3", 5, 1);
    enq_ok(o, q, "b2", 6, 2);

    assert_int_equal(priority_queue_remove(o, q, "nope"), PQ_ENOENT);
    assert_int_equal(priority_queue_remove(o, q, "a"), PQ_ENOENT);
    assert_int_equal(priority_queue_remove(o, q, "a22"), PQ_ENOENT);
    assert_int_equal(priority_queue_size(o, q), 6);

    assert_int_equal(priority_queue_remove(o, q, "a2"), PQ_OK);   /* middle of a bucket */
    assert_int_equal(priority_queue_contains(o, q, "a2"), 0);
    assert_int_equal(priority_queue_remove(o, q, "a2"), PQ_ENOENT);
    assert_int_equal(priority_queue_remove(o, q, "c1"), PQ_OK);   /* the head, alone at 0 */
    assert_int_equal(priority_queue_remove(o, q, "b2"), PQ_OK);   /* the last one */
    assert_int_equal(priority_queue_size(o, q), 3);
    deq_expect(o, q, "a1", 1, 1);
    deq_expect(o, q, "a3", 5, 1);
    deq_expect(o, q, "b1", 2, 2);
    assert_int_equal(priority_queue_remove(o, q, "b1"), PQ_ENOENT);   /* dequeued */
    assert_int_equal(priority_queue_size(o, q), 0);
    priority_queue_destroy(o, q);
}

static void test_remove_then_reenqueue_goes_to_back(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    enq_ok(o, q, "one", 1, 3);
    enq_ok(o, q, "two", 2, 3);
    enq_ok(o, q, "three", 3, 3);
    enq_ok(o, q, "low", 4, 7);
    assert_int_equal(priority_queue_remove(o, q, "one"), PQ_OK);
    enq_ok(o, q, "one", 11, 3);             /* a new arrival: behind "three" */
    deq_expect(o, q, "two", 2, 3);
    deq_expect(o, q, "three", 3, 3);
    deq_expect(o, q, "one", 11, 3);
    deq_expect(o, q, "low", 4, 7);

    /* Re-enqueue at another priority, and after a dequeue. */
    enq_ok(o, q, "x", 1, 5);
    enq_ok(o, q, "y", 2, 5);
    assert_int_equal(priority_queue_remove(o, q, "x"), PQ_OK);
    enq_ok(o, q, "x", 3, 4);
    deq_expect(o, q, "x", 3, 4);
    enq_ok(o, q, "x", 4, 5);
    enq_ok(o, q, "z", 5, 5);
    deq_expect(o, q, "y", 2, 5);
    deq_expect(o, q, "x", 4, 5);
    deq_expect(o, q, "z", 5, 5);
    priority_queue_destroy(o, q);
}

static void test_duplicate_id(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    enq_ok(o, q, "a", 1, 5);
    enq_ok(o, q, "b", 2, 5);
    task dup = make_task("a", 50);
    assert_int_equal(priority_queue_enqueue(o, q, &dup, 5), PQ_EEXIST);
    assert_int_equal(priority_queue_enqueue(o, q, &dup, 0), PQ_EEXIST);   /* even if it would lead */
    assert_int_equal(priority_queue_enqueue(o, q, &dup, 9), PQ_EEXIST);
    /* Bytes after the NUL are not part of the id. */
    task dup2 = make_task("b", 60);
    memcpy(dup2.id + 2, "garbage", 8);
    assert_int_equal(priority_queue_enqueue(o, q, &dup2, 1), PQ_EEXIST);
    assert_int_equal(priority_queue_size(o, q), 2);
    deq_expect(o, q, "a", 1, 5);                 /* the original copy and priority */
    dup = make_task("a", 51);
    assert_int_equal(priority_queue_enqueue(o, q, &dup, 5), PQ_OK);   /* dequeued: free again */
    deq_expect(o, q, "b", 2, 5);
    deq_expect(o, q, "a", 51, 5);
    priority_queue_destroy(o, q);
}

static void test_invalid_ids(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    task t = make_task("", 1);
    assert_int_equal(priority_queue_enqueue(o, q, &t, 0), PQ_EINVAL);
    assert_int_equal(priority_queue_enqueue(o, q, NULL, 0), PQ_EINVAL);
    assert_int_equal(priority_queue_remove(o, q, ""), PQ_EINVAL);
    assert_int_equal(priority_queue_remove(o, q, NULL), PQ_EINVAL);
    assert_int_equal(priority_queue_contains(o, q, ""), 0);
    assert_int_equal(priority_queue_contains(o, q, NULL), 0);

    /* 39 characters: the longest valid id. */
    char id39[TASK_ID_MAX];
    memset(id39, 'q', TASK_ID_MAX - 1);
    id39[TASK_ID_MAX - 1] = '\0';
    t = make_task(id39, 4);
    assert_int_equal(priority_queue_enqueue(o, q, &t, 2), PQ_OK);
    assert_int_equal(priority_queue_contains(o, q, id39), 1);

    /* 40 characters without a NUL, in heap blocks of exactly that size, so
     * that ASan catches any read past TASK_ID_MAX. */
    char *id40 = malloc(TASK_ID_MAX);
    assert_non_null(id40);
    memset(id40, 'q', TASK_ID_MAX);
    task *t40 = malloc(sizeof *t40);
    assert_non_null(t40);
    *t40 = make_task("x", 1);
    memset(t40->id, 'q', TASK_ID_MAX);
    assert_int_equal(priority_queue_enqueue(o, q, t40, 0), PQ_EINVAL);
    assert_int_equal(priority_queue_remove(o, q, id40), PQ_EINVAL);
    assert_int_equal(priority_queue_contains(o, q, id40), 0);
    free(id40);
    free(t40);

    /* Queue unchanged by all of the above. */
    assert_int_equal(priority_queue_size(o, q), 1);
    deq_expect(o, q, id39, 4, 2);
    priority_queue_destroy(o, q);
}

static void test_similar_ids(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    const char *ids[] = { "a", "ab", "abc", "abd", "b",
                          "tenant-07/queue-03/job-0000042",
                          "tenant-07/queue-03/job-0000043",
                          "tenant-07/queue-03/job-000004",
                          "tenant-07/queue-03/job-00000421" };
    size_t n = sizeof ids / sizeof *ids;
    for (size_t i = 0; i < n; i++)
        enq_ok(o, q, ids[i], (int)i, 1);
    assert_int_equal(priority_queue_remove(o, q, "ab"), PQ_OK);
    assert_int_equal(priority_queue_contains(o, q, "a"), 1);
    assert_int_equal(priority_queue_contains(o, q, "abc"), 1);
    assert_int_equal(priority_queue_contains(o, q, "ab"), 0);
    assert_int_equal(priority_queue_remove(o, q, "tenant-07/queue-03/job-0000042"), PQ_OK);
    assert_int_equal(priority_queue_contains(o, q, "tenant-07/queue-03/job-0000043"), 1);
    const char *left[] = { "a", "abc", "abd", "b",
                           "tenant-07/queue-03/job-0000043",
                           "tenant-07/queue-03/job-000004",
                           "tenant-07/queue-03/job-00000421" };
    drain_expect(o, q, left, sizeof left / sizeof *left);
    priority_queue_destroy(o, q);
}

/* 1000 distinct priorities (shuffled, some negative), three tasks each. */
static void test_many_priorities(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    enum { P = 1000, PER = 3 };
    static int32_t prio_of[P * PER];
    int order[P * PER];
    pbt_rng rs = { 42 };
    for (int i = 0; i < P * PER; i++)
        order[i] = i;
    pbt_shuffle_int(order, P * PER, &rs);
    /* Task i has priority (i / PER) * 37 - 5000; enqueued in shuffled order,
     * so within a priority the arrival order is the order in `order`. */
    char id[32];
    for (int k = 0; k < P * PER; k++) {
        int i = order[k];
        prio_of[i] = (int32_t)(i / PER) * 37 - 5000;
        pbt_make_id(id, sizeof id, "task-", i);
        enq_ok(o, q, id, i, prio_of[i]);
    }
    int32_t prev_p = INT32_MIN;
    int prev_k = -1;
    for (int n = 0; n < P * PER; n++) {
        task got;
        int32_t p;
        assert_int_equal(priority_queue_dequeue(o, q, &got, &p), PQ_OK);
        int i = atoi(got.id + 5);
        assert_int_equal(p, prio_of[i]);
        assert_int_equal(got.attempts, (uint32_t)i * 7u);
        int k = 0;
        while (order[k] != i)
            k++;
        assert_true(p > prev_p || (p == prev_p && k > prev_k));
        prev_p = p;
        prev_k = k;
    }
    assert_int_equal(priority_queue_size(o, q), 0);
    priority_queue_destroy(o, q);
}

/* 5000 tasks with priorities 0..9 (the seed's range), drained in order. */
static void test_large_queue(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    enum { N = 5000 };
    static int32_t prio_of[N];
    pbt_rng rs = { 7 };
    char id[32];
    for (int i = 0; i < N; i++) {
        prio_of[i] = (int32_t)(pbt_next(&rs) % 10);
        pbt_make_id(id, sizeof id, "task-", i);
        enq_ok(o, q, id, i, prio_of[i]);
    }
    assert_int_equal(priority_queue_size(o, q), N);
    for (int i = 0; i < N; i += 13) {
        pbt_make_id(id, sizeof id, "task-", i);
        assert_int_equal(priority_queue_contains(o, q, id), 1);
    }
    int32_t prev_p = -1;
    int prev_i = -1;
    for (int n = 0; n < N; n++) {
        task got;
        int32_t p;
        assert_int_equal(priority_queue_dequeue(o, q, &got, &p), PQ_OK);
        int i = atoi(got.id + 5);
        assert_int_equal(p, prio_of[i]);
        assert_true(p > prev_p || (p == prev_p && i > prev_i));
        prev_p = p;
        prev_i = i;
    }
    assert_int_equal(priority_queue_dequeue(o, q, NULL, NULL), PQ_ENOENT);
    /* Empty after shrinking: usable again. */
    enq_ok(o, q, "again", 1, 3);
    deq_expect(o, q, "again", 1, 3);
    priority_queue_destroy(o, q);
}

/* A reference model: the queued (id, priority, arrival) triples, first = the
 * smallest (priority, arrival). O(n) per operation. */
typedef struct model_item { int id; int32_t prio; long arrival; } model_item;

static int model_first(const model_item *m, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++)
        if (best < 0 || m[i].prio < m[best].prio ||
            (m[i].prio == m[best].prio && m[i].arrival < m[best].arrival))
            best = i;
    return best;
}

/* Interleaved enqueue / dequeue / remove / peek against the model, with
 * growth to ~600 and drains to empty, so that the optimized heap grows,
 * shrinks and sifts up as well as down on removal. */
static void test_interleaved_against_model(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    enum { IDS = 800, OPS = 20000 };
    static model_item m[IDS];
    static int queued[IDS];
    int n = 0;
    long arrivals = 0;
    pbt_rng rs = { 99 };
    char id[32];
    memset(queued, 0, sizeof queued);
    for (int op = 0; op < OPS; op++) {
        int phase = (op / 2500) % 2;          /* 0: grow, 1: shrink */
        uint64_t r = pbt_next(&rs) % 100;
        int32_t span = (op / 5000) % 2 ? 5 : 100000;
        if (r < (phase == 0 ? 55u : 25u)) {
            int i = (int)(pbt_next(&rs) % IDS);
            int32_t p = (int32_t)(pbt_next(&rs) % (uint64_t)span) - span / 3;
            pbt_make_id(id, sizeof id, "task-", i);
            task t = make_task(id, i);
            int rc = priority_queue_enqueue(o, q, &t, p);
            if (queued[i]) {
                assert_int_equal(rc, PQ_EEXIST);
            } else {
                assert_int_equal(rc, PQ_OK);
                queued[i] = 1;
                m[n].id = i;
                m[n].prio = p;
                m[n].arrival = arrivals++;
                n++;
            }
        } else if (r < 80) {
            task got;
            int32_t p;
            int f = model_first(m, n);
            int rc = priority_queue_dequeue(o, q, &got, &p);
            if (f < 0) {
                assert_int_equal(rc, PQ_ENOENT);
            } else {
                assert_int_equal(rc, PQ_OK);
                assert_int_equal(atoi(got.id + 5), m[f].id);
                assert_int_equal(got.attempts, (uint32_t)m[f].id * 7u);
                assert_int_equal(p, m[f].prio);
                queued[m[f].id] = 0;
                m[f] = m[--n];
            }
        } else if (r < 95) {
            int i = (int)(pbt_next(&rs) % IDS);
            pbt_make_id(id, sizeof id, "task-", i);
            int rc = priority_queue_remove(o, q, id);
            if (!queued[i]) {
                assert_int_equal(rc, PQ_ENOENT);
            } else {
                assert_int_equal(rc, PQ_OK);
                queued[i] = 0;
                for (int k = 0; k < n; k++)
                    if (m[k].id == i) {
                        m[k] = m[--n];
                        break;
                    }
            }
        } else {
            task got;
            int32_t p;
            int f = model_first(m, n);
            int rc = priority_queue_peek(o, q, &got, &p);
            if (f < 0) {
                assert_int_equal(rc, PQ_ENOENT);
            } else {
                assert_int_equal(rc, PQ_OK);
                assert_int_equal(atoi(got.id + 5), m[f].id);
                assert_int_equal(p, m[f].prio);
            }
        }
        assert_int_equal(priority_queue_size(o, q), (size_t)n);
    }
    for (int i = 0; i < IDS; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        assert_int_equal(priority_queue_contains(o, q, id), queued[i]);
    }
    priority_queue_destroy(o, q);   /* with tasks still queued */
}

/* Hold model at a steady size: dequeue one, enqueue one; FIFO and priority
 * order hold throughout, and the queue survives repeated empty/refill. */
static void test_drain_and_refill(void **state)
{
    const priority_queue_ops *o = ops_of(state);
    priority_queue *q = priority_queue_create(o);
    char id[32];
    for (int round = 0; round < 4; round++) {
        int n = 100 << round;
        for (int i = 0; i < n; i++) {
            pbt_make_id(id, sizeof id, "task-", i);
            enq_ok(o, q, id, i, (int32_t)(n - i) / 50);   /* decreasing priorities */
        }
        int32_t prev = INT32_MIN;
        int prev_i = -1;
        for (int i = 0; i < n; i++) {
            task got;
            int32_t p;
            assert_int_equal(priority_queue_dequeue(o, q, &got, &p), PQ_OK);
            int k = atoi(got.id + 5);
            assert_int_equal(p, (int32_t)(n - k) / 50);
            assert_true(p > prev || (p == prev && k > prev_i));
            prev = p;
            prev_i = k;
        }
        assert_int_equal(priority_queue_size(o, q), 0);
    }
    priority_queue_destroy(o, q);
}

#if PBT_FAIL_INJECTION
/* The queued state as the model has it: size, every id contained, and the
 * first task and priority. */
static void assert_same_as_model(const priority_queue_ops *o, priority_queue *q,
                                 const model_item *m, int n)
{
    char id[32];
    assert_int_equal(priority_queue_size(o, q), (size_t)n);
    for (int i = 0; i < n; i++) {
        pbt_make_id(id, sizeof id, "task-", m[i].id);
        assert_int_equal(priority_queue_contains(o, q, id), 1);
    }
    task got;
    int32_t p;
    int f = model_first(m, n);
    if (f < 0) {
        assert_int_equal(priority_queue_peek(o, q, &got, &p), PQ_ENOENT);
        return;
    }
    assert_int_equal(priority_queue_peek(o, q, &got, &p), PQ_OK);
    pbt_make_id(id, sizeof id, "task-", m[f].id);
    assert_string_equal(got.id, id);
    assert_int_equal(p, m[f].prio);
}
#endif

/* Every allocation of enqueue, dequeue and remove is made to fail in turn
 * (and every one after it): the operation returns ENOMEM and the queue is
 * unchanged, or it succeeds (optimized dequeue/remove never fail: their
 * shrinking is best effort). 400 tasks: buckets are created and grow, the
 * maps and the heap arrays and index grow and shrink. */
static void test_enomem_leaves_queue_unchanged(void **state)
{
#if !PBT_FAIL_INJECTION
    (void)state;
    skip();
#else
    const priority_queue_ops *o = ops_of(state);
    if (o == &priority_queue_glib)
        skip();                     /* it aborts instead: test_glib_aborts_on_enomem */
    enum { N = 400 };
    static model_item m[N];
    int n = 0;
    long arrivals = 0, enomem = 0;
    char id[32];

    pbt_fail_after(0);
    priority_queue *q = priority_queue_create(o);
    pbt_fail_never();
    assert_null(q);
    q = priority_queue_create(o);
    assert_non_null(q);

    for (int i = 0; i < N; i++) {
        /* Few distinct priorities, and a new one every fifth task. */
        int32_t prio = i % 5 == 0 ? 100 + i : i % 7;
        pbt_make_id(id, sizeof id, "task-", i);
        task t = make_task(id, i);
        for (long k = 0;; k++) {
            pbt_fail_after(k);
            int rc = priority_queue_enqueue(o, q, &t, prio);
            pbt_fail_never();
            if (rc == PQ_OK)
                break;
            assert_int_equal(rc, PQ_ENOMEM);
            enomem++;
            assert_same_as_model(o, q, m, n);
            assert_true(k < 100);
        }
        m[n].id = i;
        m[n].prio = prio;
        m[n].arrival = arrivals++;
        n++;

        if (i % 3 == 2) {          /* dequeue one */
            int f = model_first(m, n);
            for (long k = 0;; k++) {
                task got;
                int32_t p;
                pbt_fail_after(k);
                int rc = priority_queue_dequeue(o, q, &got, &p);
                pbt_fail_never();
                if (rc == PQ_OK) {
                    pbt_make_id(id, sizeof id, "task-", m[f].id);
                    assert_string_equal(got.id, id);
                    assert_int_equal(p, m[f].prio);
                    break;
                }
                assert_int_equal(rc, PQ_ENOMEM);
                enomem++;
                assert_same_as_model(o, q, m, n);
                assert_true(k < 100);
            }
            m[f] = m[--n];
        }
        if (i % 11 == 10) {        /* remove one, with every allocation failing */
            int victim = (i * 7) % n;
            pbt_make_id(id, sizeof id, "task-", m[victim].id);
            pbt_fail_after(0);
            int rc = priority_queue_remove(o, q, id);
            pbt_fail_never();
            assert_int_equal(rc, PQ_OK);
            m[victim] = m[--n];
        }
        assert_same_as_model(o, q, m, n);
    }
    assert_true(enomem > 0);

    /* Drain with every allocation failing where the implementation allows. */
    while (n > 0) {
        int f = model_first(m, n);
        task got;
        int32_t p;
        pbt_fail_after(0);
        int rc = priority_queue_dequeue(o, q, &got, &p);
        pbt_fail_never();
        if (rc == PQ_ENOMEM)
            rc = priority_queue_dequeue(o, q, &got, &p);
        assert_int_equal(rc, PQ_OK);
        pbt_make_id(id, sizeof id, "task-", m[f].id);
        assert_string_equal(got.id, id);
        assert_int_equal(p, m[f].prio);
        m[f] = m[--n];
    }
    assert_int_equal(priority_queue_size(o, q), 0);
    priority_queue_destroy(o, q);
#endif
}

/* The GLib peer's ENOMEM ends the process (the header says so): in a child
 * process, a create or an enqueue whose allocation fails is killed by
 * g_error (SIGTRAP, G_BREAKPOINT, in GLib 2.74; SIGABRT where GLib aborts
 * instead), its message on stderr sent to /dev/null; it never returns. */
static void test_glib_aborts_on_enomem(void **state)
{
#if !PBT_FAIL_INJECTION
    (void)state;
    skip();
#else
    const priority_queue_ops *o = ops_of(state);
    if (o != &priority_queue_glib)
        skip();
    for (int what = 0; what < 2; what++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            signal(SIGABRT, SIG_DFL);
            signal(SIGTRAP, SIG_DFL);
            if (!freopen("/dev/null", "w", stderr))
                _exit(5);
            priority_queue *q = what ? priority_queue_create(o) : NULL;
            task t = make_task("task-000001", 1);
            pbt_fail_at(0);                        /* the next one fails */
            if (what)
                priority_queue_enqueue(o, q, &t, 1);
            else
                q = priority_queue_create(o);
            _exit(q ? 3 : 4);                      /* did not abort */
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_true(WTERMSIG(status) == SIGTRAP || WTERMSIG(status) == SIGABRT);
    }
#endif
}

/* ---- runner ----------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_empty_queue),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_fifo_within_priority),
        cmocka_unit_test(test_lowest_number_first),
        cmocka_unit_test(test_negative_and_extreme_priorities),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_remove_then_reenqueue_goes_to_back),
        cmocka_unit_test(test_duplicate_id),
        cmocka_unit_test(test_invalid_ids),
        cmocka_unit_test(test_similar_ids),
        cmocka_unit_test(test_many_priorities),
        cmocka_unit_test(test_large_queue),
        cmocka_unit_test(test_interleaved_against_model),
        cmocka_unit_test(test_drain_and_refill),
        cmocka_unit_test(test_enomem_leaves_queue_unchanged),
        cmocka_unit_test(test_glib_aborts_on_enomem),
    };
    static const pbt_table tables[] = {
        { "naive", &priority_queue_naive },
        { "optimized", &priority_queue_optimized },
        { "glib", &priority_queue_glib },
    };
    return pbt_run_tables("priority_queue", tests, PBT_ARRAY_LEN(tests), tables,
                          PBT_ARRAY_LEN(tables)) != 0;
}
