/*
 * Unit tests of task_store, run once against every implementation (naive,
 * optimized and the peers on uthash and GLib): the same test list is run as
 * one cmocka group per implementation (the group setup puts its ts_impl in
 * the test state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/task_store.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

/* An implementation under test: its ops table, its name, and why the
 * allocation failure test does not apply to it (NULL: it does). */
typedef struct ts_impl {
    const task_store_ops *ops;
    const char           *name;
    const char           *no_enomem;
} ts_impl;

static const ts_impl impls[] = {
    { &task_store_naive, "naive", NULL },
    { &task_store_optimized, "optimized", NULL },
    { &task_store_uthash, "uthash", NULL },
    /* GLib's g_malloc aborts the process when an allocation fails
     * (g_error), so a failure injected under it kills the test instead of
     * producing an ENOMEM to check; task_store.h documents that this peer
     * never returns ENOMEM. */
    { &task_store_ghashtable, "ghashtable",
      "GLib aborts on allocation failure: the peer never returns ENOMEM" },
};

/* ---- helpers -------------------------------------------------------------- */

static const ts_impl *impl_of(void **state)
{
    return (const ts_impl *)*state;
}

static const task_store_ops *ops_of(void **state)
{
    return impl_of(state)->ops;
}

static task make_task(const char *id, task_status st, int32_t prio)
{
    task t;
    memset(&t, 0, sizeof t);
    snprintf(t.id, sizeof t.id, "%s", id);
    t.status = st;
    t.priority = prio;
    t.created_at_ms = 1000 + prio;
    t.updated_at_ms = 2000 + prio;
    t.attempts = (uint32_t)prio * 3u;
    return t;
}

static void assert_task_equal(const task *a, const task *b)
{
    assert_string_equal(a->id, b->id);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->priority, b->priority);
    assert_int_equal(a->created_at_ms, b->created_at_ms);
    assert_int_equal(a->updated_at_ms, b->updated_at_ms);
    assert_int_equal(a->attempts, b->attempts);
}

static void add_ok(const task_store_ops *o, task_store *s, const char *id,
                   task_status st, int32_t prio)
{
    task t = make_task(id, st, prio);
    assert_int_equal(task_store_add(o, s, &t), TASK_STORE_OK);
}

/* The full list is exactly ids[0..n), in this order. */
static void assert_list(const task_store_ops *o, const task_store *s,
                        const char *const *ids, size_t n)
{
    const task **out = calloc(n + 1, sizeof *out);
    assert_non_null(out);
    assert_int_equal(task_store_count(o, s), n);
    assert_int_equal(task_store_list(o, s, out, n + 1), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(out[i]->id, ids[i]);
    assert_null(out[n]);
    free(out);
}

/* The listing of status st is exactly ids[0..n), in this order. */
static void assert_status_list(const task_store_ops *o, const task_store *s,
                               task_status st, const char *const *ids, size_t n)
{
    const task **out = calloc(n + 1, sizeof *out);
    assert_non_null(out);
    assert_int_equal(task_store_list_by_status(o, s, st, out, n + 1), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(out[i]->id, ids[i]);
        assert_int_equal(out[i]->status, st);
    }
    assert_null(out[n]);
    free(out);
}

static void assert_metrics(const task_store_ops *o, const task_store *s, size_t total,
                           size_t pending, size_t running, size_t completed, size_t failed)
{
    task_metrics m;
    memset(&m, 0xab, sizeof m);
    task_store_metrics(o, s, &m);
    assert_int_equal(m.total, total);
    assert_int_equal(m.by_status[TASK_PENDING], pending);
    assert_int_equal(m.by_status[TASK_RUNNING], running);
    assert_int_equal(m.by_status[TASK_COMPLETED], completed);
    assert_int_equal(m.by_status[TASK_FAILED], failed);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_name(void **state)
{
    assert_string_equal(ops_of(state)->name, impl_of(state)->name);
}

static void test_empty_store(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    assert_non_null(s);
    const task *out[4] = { NULL };
    task t;
    task_update u = { .fields = TASK_UPDATE_PRIORITY, .priority = 1 };

    assert_int_equal(task_store_count(o, s), 0);
    assert_int_equal(task_store_list(o, s, out, 4), 0);
    assert_int_equal(task_store_list(o, s, NULL, 0), 0);
    for (int st = 0; st < TASK_STATUS_COUNT; st++)
        assert_int_equal(task_store_list_by_status(o, s, (task_status)st, out, 4), 0);
    assert_null(out[0]);
    assert_metrics(o, s, 0, 0, 0, 0, 0);
    assert_int_equal(task_store_get(o, s, "x", &t), TASK_STORE_ENOENT);
    assert_int_equal(task_store_remove(o, s, "x"), TASK_STORE_ENOENT);
    assert_int_equal(task_store_update(o, s, "x", &u), TASK_STORE_ENOENT);
    task_store_destroy(o, s);
    task_store_destroy(o, NULL);
}

static void test_add_get_round_trip(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    task in = make_task("alpha", TASK_RUNNING, -7);
    in.created_at_ms = INT64_MIN;
    in.updated_at_ms = INT64_MAX;
    in.attempts = UINT32_MAX;
    assert_int_equal(task_store_add(o, s, &in), TASK_STORE_OK);
    in.priority = 99;   /* the store keeps its own copy */

    task out;
    memset(&out, 0, sizeof out);
    assert_int_equal(task_store_get(o, s, "alpha", &out), TASK_STORE_OK);
    assert_string_equal(out.id, "alpha");
    assert_int_equal(out.status, TASK_RUNNING);
    assert_int_equal(out.priority, -7);
    assert_true(out.created_at_ms == INT64_MIN);
    assert_true(out.updated_at_ms == INT64_MAX);
    assert_int_equal(out.attempts, UINT32_MAX);

    /* *out untouched on error */
    task before;
    memset(&out, 0x5a, sizeof out);
    before = out;
    assert_int_equal(task_store_get(o, s, "beta", &out), TASK_STORE_ENOENT);
    assert_memory_equal(&out, &before, sizeof out);
    assert_int_equal(task_store_get(o, s, "", &out), TASK_STORE_EINVAL);
    assert_memory_equal(&out, &before, sizeof out);
    task_store_destroy(o, s);
}

static void test_duplicate_add(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    add_ok(o, s, "a", TASK_PENDING, 1);
    add_ok(o, s, "b", TASK_RUNNING, 2);
    task dup = make_task("a", TASK_FAILED, 50);
    assert_int_equal(task_store_add(o, s, &dup), TASK_STORE_EEXIST);

    task got;
    task want = make_task("a", TASK_PENDING, 1);
    assert_int_equal(task_store_get(o, s, "a", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);
    const char *ids[] = { "a", "b" };
    assert_list(o, s, ids, 2);
    assert_metrics(o, s, 2, 1, 1, 0, 0);

    /* Bytes after the NUL are not part of the id. */
    task dup2 = make_task("b", TASK_PENDING, 3);
    memcpy(dup2.id + 2, "garbage", 8);
    assert_int_equal(task_store_add(o, s, &dup2), TASK_STORE_EEXIST);
    assert_list(o, s, ids, 2);
    task_store_destroy(o, s);
}

static void test_missing_ids(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    add_ok(o, s, "job-1", TASK_PENDING, 1);
    add_ok(o, s, "job-2", TASK_PENDING, 2);
    task t;
    task_update u = { .fields = TASK_UPDATE_ALL, .status = TASK_FAILED };
    const char *missing[] = { "job-3", "job-", "job-12", "job-1 ", "Job-1", "j" };
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
        assert_int_equal(task_store_get(o, s, missing[i], &t), TASK_STORE_ENOENT);
        assert_int_equal(task_store_remove(o, s, missing[i]), TASK_STORE_ENOENT);
        assert_int_equal(task_store_update(o, s, missing[i], &u), TASK_STORE_ENOENT);
    }
    const char *ids[] = { "job-1", "job-2" };
    assert_list(o, s, ids, 2);
    assert_metrics(o, s, 2, 2, 0, 0, 0);
    /* Removed ids are missing too. */
    assert_int_equal(task_store_remove(o, s, "job-1"), TASK_STORE_OK);
    assert_int_equal(task_store_remove(o, s, "job-1"), TASK_STORE_ENOENT);
    assert_int_equal(task_store_get(o, s, "job-1", &t), TASK_STORE_ENOENT);
    assert_int_equal(task_store_update(o, s, "job-1", &u), TASK_STORE_ENOENT);
    task_store_destroy(o, s);
}

static void test_invalid_ids(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    task t = make_task("", TASK_PENDING, 1);
    task out;
    task_update u = { .fields = TASK_UPDATE_PRIORITY, .priority = 5 };

    assert_int_equal(task_store_add(o, s, &t), TASK_STORE_EINVAL);
    assert_int_equal(task_store_get(o, s, "", &out), TASK_STORE_EINVAL);
    assert_int_equal(task_store_remove(o, s, ""), TASK_STORE_EINVAL);
    assert_int_equal(task_store_update(o, s, "", &u), TASK_STORE_EINVAL);
    assert_int_equal(task_store_get(o, s, NULL, &out), TASK_STORE_EINVAL);
    assert_int_equal(task_store_remove(o, s, NULL), TASK_STORE_EINVAL);
    assert_int_equal(task_store_update(o, s, NULL, &u), TASK_STORE_EINVAL);

    /* 39 characters: the longest valid id. */
    char id39[TASK_ID_MAX];
    memset(id39, 'q', TASK_ID_MAX - 1);
    id39[TASK_ID_MAX - 1] = '\0';
    t = make_task(id39, TASK_RUNNING, 4);
    assert_int_equal(task_store_add(o, s, &t), TASK_STORE_OK);
    assert_int_equal(task_store_get(o, s, id39, &out), TASK_STORE_OK);
    assert_task_equal(&out, &t);
    assert_int_equal(task_store_update(o, s, id39, &u), TASK_STORE_OK);

    /* 40 characters without a NUL, in a heap block of exactly 40 bytes, so
     * that ASan catches any read past TASK_ID_MAX. */
    char *id40 = malloc(TASK_ID_MAX);
    assert_non_null(id40);
    memset(id40, 'q', TASK_ID_MAX);
    task *t40 = malloc(sizeof *t40);
    assert_non_null(t40);
    *t40 = make_task("x", TASK_PENDING, 1);
    memset(t40->id, 'q', TASK_ID_MAX);
    assert_int_equal(task_store_add(o, s, t40), TASK_STORE_EINVAL);
    assert_int_equal(task_store_get(o, s, id40, &out), TASK_STORE_EINVAL);
    assert_int_equal(task_store_remove(o, s, id40), TASK_STORE_EINVAL);
    assert_int_equal(task_store_update(o, s, id40, &u), TASK_STORE_EINVAL);
    free(id40);
    free(t40);

    /* Store unchanged by all of the above. */
    assert_int_equal(task_store_count(o, s), 1);
    assert_int_equal(task_store_get(o, s, id39, &out), TASK_STORE_OK);
    assert_int_equal(out.priority, 5);
    task_store_destroy(o, s);
}

static void test_invalid_status_and_fields(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    task t = make_task("a", TASK_STATUS_COUNT, 1);
    assert_int_equal(task_store_add(o, s, &t), TASK_STORE_EINVAL);
    t.status = (task_status)-1;
    assert_int_equal(task_store_add(o, s, &t), TASK_STORE_EINVAL);
    assert_int_equal(task_store_count(o, s), 0);
    add_ok(o, s, "a", TASK_PENDING, 1);
    /* EINVAL wins over EEXIST. */
    t.status = TASK_STATUS_COUNT;
    assert_int_equal(task_store_add(o, s, &t), TASK_STORE_EINVAL);

    task_update u = { .fields = TASK_UPDATE_ALL + 1u };
    assert_int_equal(task_store_update(o, s, "a", &u), TASK_STORE_EINVAL);
    u.fields = 1u << 31;
    assert_int_equal(task_store_update(o, s, "a", &u), TASK_STORE_EINVAL);
    u.fields = TASK_UPDATE_STATUS;
    u.status = TASK_STATUS_COUNT;
    assert_int_equal(task_store_update(o, s, "a", &u), TASK_STORE_EINVAL);
    u.status = (task_status)-3;
    assert_int_equal(task_store_update(o, s, "a", &u), TASK_STORE_EINVAL);
    /* EINVAL wins over ENOENT. */
    assert_int_equal(task_store_update(o, s, "zz", &u), TASK_STORE_EINVAL);
    u.fields = TASK_UPDATE_PRIORITY | (1u << 4);
    assert_int_equal(task_store_update(o, s, "zz", &u), TASK_STORE_EINVAL);
    assert_int_equal(task_store_update(o, s, "a", NULL), TASK_STORE_EINVAL);

    /* A bad status is ignored when the status bit is not set. */
    u.fields = TASK_UPDATE_PRIORITY;
    u.status = TASK_STATUS_COUNT;
    u.priority = 42;
    assert_int_equal(task_store_update(o, s, "a", &u), TASK_STORE_OK);
    task got;
    assert_int_equal(task_store_get(o, s, "a", &got), TASK_STORE_OK);
    assert_int_equal(got.status, TASK_PENDING);
    assert_int_equal(got.priority, 42);
    assert_int_equal(got.attempts, 3);

    /* An out-of-range status lists nothing. */
    const task *out[2] = { NULL, NULL };
    assert_int_equal(task_store_list_by_status(o, s, TASK_STATUS_COUNT, out, 2), 0);
    assert_int_equal(task_store_list_by_status(o, s, (task_status)-1, out, 2), 0);
    assert_null(out[0]);
    assert_metrics(o, s, 1, 1, 0, 0, 0);
    task_store_destroy(o, s);
}

static void test_order_after_removals(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    const char *all[] = { "a", "b", "c", "d", "e", "f", "g" };
    for (int i = 0; i < 7; i++)
        add_ok(o, s, all[i], (task_status)(i % 2), i);
    assert_list(o, s, all, 7);

    assert_int_equal(task_store_remove(o, s, "a"), TASK_STORE_OK);   /* first */
    const char *l1[] = { "b", "c", "d", "e", "f", "g" };
    assert_list(o, s, l1, 6);
    assert_int_equal(task_store_remove(o, s, "d"), TASK_STORE_OK);   /* middle */
    const char *l2[] = { "b", "c", "e", "f", "g" };
    assert_list(o, s, l2, 5);
    assert_int_equal(task_store_remove(o, s, "g"), TASK_STORE_OK);   /* last */
    const char *l3[] = { "b", "c", "e", "f" };
    assert_list(o, s, l3, 4);
    const char *p[] = { "c", "e" };            /* even i: pending */
    const char *r[] = { "b", "f" };
    assert_status_list(o, s, TASK_PENDING, p, 2);
    assert_status_list(o, s, TASK_RUNNING, r, 2);

    assert_int_equal(task_store_remove(o, s, "b"), TASK_STORE_OK);
    assert_int_equal(task_store_remove(o, s, "c"), TASK_STORE_OK);
    assert_int_equal(task_store_remove(o, s, "e"), TASK_STORE_OK);
    assert_int_equal(task_store_remove(o, s, "f"), TASK_STORE_OK);
    assert_list(o, s, NULL, 0);
    assert_metrics(o, s, 0, 0, 0, 0, 0);
    add_ok(o, s, "z", TASK_FAILED, 1);
    const char *l4[] = { "z" };
    assert_list(o, s, l4, 1);
    task_store_destroy(o, s);
}

static void test_readd_goes_to_end(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    add_ok(o, s, "one", TASK_PENDING, 1);
    add_ok(o, s, "two", TASK_PENDING, 2);
    add_ok(o, s, "three", TASK_PENDING, 3);
    assert_int_equal(task_store_remove(o, s, "one"), TASK_STORE_OK);
    add_ok(o, s, "one", TASK_RUNNING, 10);
    const char *ids[] = { "two", "three", "one" };
    assert_list(o, s, ids, 3);
    task got;
    task want = make_task("one", TASK_RUNNING, 10);
    assert_int_equal(task_store_get(o, s, "one", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);
    const char *p[] = { "two", "three" };
    assert_status_list(o, s, TASK_PENDING, p, 2);
    const char *r[] = { "one" };
    assert_status_list(o, s, TASK_RUNNING, r, 1);

    /* Same for the last task, then for a middle one. */
    assert_int_equal(task_store_remove(o, s, "one"), TASK_STORE_OK);
    add_ok(o, s, "one", TASK_PENDING, 11);
    assert_int_equal(task_store_remove(o, s, "two"), TASK_STORE_OK);
    add_ok(o, s, "two", TASK_PENDING, 12);
    const char *ids2[] = { "three", "one", "two" };
    assert_list(o, s, ids2, 3);
    assert_status_list(o, s, TASK_PENDING, ids2, 3);
    task_store_destroy(o, s);
}

static void test_update_fields(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    add_ok(o, s, "x", TASK_PENDING, 1);
    add_ok(o, s, "y", TASK_PENDING, 2);
    add_ok(o, s, "z", TASK_PENDING, 3);
    task want = make_task("y", TASK_PENDING, 2);
    task got;
    task_update u;

    memset(&u, 0, sizeof u);
    u.status = TASK_COMPLETED;
    u.priority = -100;
    u.updated_at_ms = 123456789012345;
    u.attempts = 77;

    u.fields = 0;   /* an empty mask is valid and changes nothing */
    assert_int_equal(task_store_update(o, s, "y", &u), TASK_STORE_OK);
    assert_int_equal(task_store_get(o, s, "y", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);

    u.fields = TASK_UPDATE_PRIORITY;
    assert_int_equal(task_store_update(o, s, "y", &u), TASK_STORE_OK);
    want.priority = -100;
    assert_int_equal(task_store_get(o, s, "y", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);

    u.fields = TASK_UPDATE_UPDATED_AT;
    assert_int_equal(task_store_update(o, s, "y", &u), TASK_STORE_OK);
    want.updated_at_ms = 123456789012345;
    assert_int_equal(task_store_get(o, s, "y", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);

    u.fields = TASK_UPDATE_ATTEMPTS;
    assert_int_equal(task_store_update(o, s, "y", &u), TASK_STORE_OK);
    want.attempts = 77;
    assert_int_equal(task_store_get(o, s, "y", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);

    u.fields = TASK_UPDATE_STATUS;
    assert_int_equal(task_store_update(o, s, "y", &u), TASK_STORE_OK);
    want.status = TASK_COMPLETED;
    assert_int_equal(task_store_get(o, s, "y", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);

    u.fields = TASK_UPDATE_ALL;
    u.status = TASK_FAILED;
    u.priority = 5;
    u.updated_at_ms = -1;
    u.attempts = 0;
    assert_int_equal(task_store_update(o, s, "y", &u), TASK_STORE_OK);
    want.status = TASK_FAILED;
    want.priority = 5;
    want.updated_at_ms = -1;
    want.attempts = 0;
    assert_int_equal(task_store_get(o, s, "y", &got), TASK_STORE_OK);
    assert_task_equal(&got, &want);

    /* Position kept; neighbours untouched. */
    const char *ids[] = { "x", "y", "z" };
    assert_list(o, s, ids, 3);
    task wx = make_task("x", TASK_PENDING, 1), wz = make_task("z", TASK_PENDING, 3);
    assert_int_equal(task_store_get(o, s, "x", &got), TASK_STORE_OK);
    assert_task_equal(&got, &wx);
    assert_int_equal(task_store_get(o, s, "z", &got), TASK_STORE_OK);
    assert_task_equal(&got, &wz);
    task_store_destroy(o, s);
}

static void test_status_change_moves_between_listings(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    const char *all[] = { "t0", "t1", "t2", "t3", "t4", "t5" };
    for (int i = 0; i < 6; i++)
        add_ok(o, s, all[i], TASK_PENDING, i);
    task_update u = { .fields = TASK_UPDATE_STATUS, .status = TASK_RUNNING };

    /* Move t4 first, then t1: the running listing is still in insertion order. */
    assert_int_equal(task_store_update(o, s, "t4", &u), TASK_STORE_OK);
    assert_int_equal(task_store_update(o, s, "t1", &u), TASK_STORE_OK);
    const char *run[] = { "t1", "t4" };
    const char *pend[] = { "t0", "t2", "t3", "t5" };
    assert_status_list(o, s, TASK_RUNNING, run, 2);
    assert_status_list(o, s, TASK_PENDING, pend, 4);

    /* Back and forth: t1 returns to pending at its original position. */
    u.status = TASK_PENDING;
    assert_int_equal(task_store_update(o, s, "t1", &u), TASK_STORE_OK);
    const char *pend2[] = { "t0", "t1", "t2", "t3", "t5" };
    const char *run2[] = { "t4" };
    assert_status_list(o, s, TASK_PENDING, pend2, 5);
    assert_status_list(o, s, TASK_RUNNING, run2, 1);

    /* Setting the same status is a no-op. */
    assert_int_equal(task_store_update(o, s, "t0", &u), TASK_STORE_OK);
    assert_status_list(o, s, TASK_PENDING, pend2, 5);
    assert_metrics(o, s, 6, 5, 1, 0, 0);

    u.status = TASK_COMPLETED;
    assert_int_equal(task_store_update(o, s, "t5", &u), TASK_STORE_OK);
    assert_int_equal(task_store_update(o, s, "t0", &u), TASK_STORE_OK);
    const char *done[] = { "t0", "t5" };
    assert_status_list(o, s, TASK_COMPLETED, done, 2);
    assert_status_list(o, s, TASK_FAILED, NULL, 0);
    assert_list(o, s, all, 6);
    assert_metrics(o, s, 6, 3, 1, 2, 0);
    task_store_destroy(o, s);
}

/* Status changes and removals that empty whole 64-task runs of a status
 * (in the optimized store: whole bitmap words), far apart in the order. */
static void test_status_listing_with_gaps(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    enum { N = 5000 };
    char id[32];
    static const task *out[N];
    static int want[N];
    for (int i = 0; i < N; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        add_ok(o, s, id, TASK_PENDING, i);
    }
    /* Pending keeps only [0, 10), [2000, 2003), [4090, 4100) and 4999;
     * [100, 1000) goes to running, the rest of what is not kept is removed. */
    task_update u = { .fields = TASK_UPDATE_STATUS, .status = TASK_RUNNING };
    int n_want = 0;
    for (int i = 0; i < N; i++) {
        int keep = i < 10 || (i >= 2000 && i < 2003) || (i >= 4090 && i < 4100) || i == N - 1;
        pbt_make_id(id, sizeof id, "task-", i);
        if (keep)
            want[n_want++] = i;
        else if (i >= 100 && i < 1000)
            assert_int_equal(task_store_update(o, s, id, &u), TASK_STORE_OK);
        else
            assert_int_equal(task_store_remove(o, s, id), TASK_STORE_OK);
    }
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(task_store_list_by_status(o, s, TASK_PENDING, out, N), n_want);
        for (int j = 0; j < n_want; j++) {
            pbt_make_id(id, sizeof id, "task-", want[j]);
            assert_string_equal(out[j]->id, id);
        }
        assert_int_equal(task_store_list_by_status(o, s, TASK_RUNNING, out, N), 900);
        for (int j = 0; j < 900; j++) {
            pbt_make_id(id, sizeof id, "task-", 100 + j);
            assert_string_equal(out[j]->id, id);
        }
        /* Second pass: the same after moving the running ones back and forth. */
        for (int i = 100; i < 1000; i++) {
            pbt_make_id(id, sizeof id, "task-", i);
            u.status = TASK_FAILED;
            assert_int_equal(task_store_update(o, s, id, &u), TASK_STORE_OK);
        }
        assert_int_equal(task_store_list_by_status(o, s, TASK_RUNNING, out, N), 0);
        for (int i = 100; i < 1000; i++) {
            pbt_make_id(id, sizeof id, "task-", i);
            u.status = TASK_RUNNING;
            assert_int_equal(task_store_update(o, s, id, &u), TASK_STORE_OK);
        }
    }
    assert_metrics(o, s, (size_t)n_want + 900, (size_t)n_want, 900, 0, 0);
    task_store_destroy(o, s);
}

static void test_metrics_after_mixed_operations(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    char id[32];
    size_t want[TASK_STATUS_COUNT] = { 0 };
    /* 100 tasks, status i % 4; then remove every 3rd, move every 5th remaining to failed. */
    for (int i = 0; i < 100; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        add_ok(o, s, id, (task_status)(i % 4), i);
        want[i % 4]++;
    }
    for (int i = 0; i < 100; i += 3) {
        pbt_make_id(id, sizeof id, "task-", i);
        assert_int_equal(task_store_remove(o, s, id), TASK_STORE_OK);
        want[i % 4]--;
    }
    task_update u = { .fields = TASK_UPDATE_STATUS, .status = TASK_FAILED };
    for (int i = 0; i < 100; i += 5) {
        if (i % 3 == 0)
            continue;
        pbt_make_id(id, sizeof id, "task-", i);
        assert_int_equal(task_store_update(o, s, id, &u), TASK_STORE_OK);
        want[i % 4]--;
        want[TASK_FAILED]++;
    }
    size_t total = want[0] + want[1] + want[2] + want[3];
    assert_int_equal(total, 66);
    assert_metrics(o, s, total, want[0], want[1], want[2], want[3]);
    for (int st = 0; st < TASK_STATUS_COUNT; st++)
        assert_int_equal(task_store_list_by_status(o, s, (task_status)st, NULL, 0), want[st]);
    task_store_destroy(o, s);
}

static void test_list_cap_smaller_than_n(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    char id[32];
    for (int i = 0; i < 10; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        add_ok(o, s, id, (task_status)(i % 2), i);
    }
    const task *out[8];
    const task *sentinel = (const task *)&out;   /* any recognisable pointer */
    for (int i = 0; i < 8; i++)
        out[i] = sentinel;

    assert_int_equal(task_store_list(o, s, out, 3), 10);
    for (int i = 0; i < 3; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        assert_string_equal(out[i]->id, id);
    }
    for (int i = 3; i < 8; i++)
        assert_ptr_equal(out[i], sentinel);

    for (int i = 0; i < 8; i++)
        out[i] = sentinel;
    assert_int_equal(task_store_list_by_status(o, s, TASK_RUNNING, out, 2), 5);
    assert_string_equal(out[0]->id, "task-000001");
    assert_string_equal(out[1]->id, "task-000003");
    assert_ptr_equal(out[2], sentinel);

    assert_int_equal(task_store_list(o, s, NULL, 0), 10);
    assert_int_equal(task_store_list_by_status(o, s, TASK_PENDING, NULL, 0), 5);

    /* Borrowed pointers show the stored tasks. */
    assert_int_equal(task_store_list(o, s, out, 8), 10);
    for (int i = 0; i < 8; i++) {
        task got;
        assert_int_equal(task_store_get(o, s, out[i]->id, &got), TASK_STORE_OK);
        assert_task_equal(&got, out[i]);
    }
    task_store_destroy(o, s);
}

/* Removal patterns that make the optimized store pop trailing dead slots,
 * compact (dead > live), compact instead of growing, and shrink; the order
 * of everything left must survive all of them. */
static void test_compaction_keeps_order(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    enum { N = 1000 };
    char id[32];
    static char names[2 * N][16];
    const char *expect[2 * N];
    const char *expect_st[TASK_STATUS_COUNT][2 * N];
    size_t n_st[TASK_STATUS_COUNT];

    for (int i = 0; i < N; i++) {
        pbt_make_id(names[i], sizeof names[i], "task-", i);
        add_ok(o, s, names[i], (task_status)(i % 3), i);
    }
    /* Remove from the front, keeping every 10th: many dead slots before live ones. */
    for (int i = 0; i < N; i++)
        if (i % 10 != 0)
            assert_int_equal(task_store_remove(o, s, names[i]), TASK_STORE_OK);
    size_t n = 0;
    for (int i = 0; i < N; i += 10)
        expect[n++] = names[i];
    assert_list(o, s, expect, n);

    /* Add a second batch after the survivors, then remove from the back (LIFO). */
    for (int i = N; i < 2 * N; i++) {
        pbt_make_id(names[i], sizeof names[i], "task-", i);
        add_ok(o, s, names[i], (task_status)(i % 3), i);
    }
    for (int i = 2 * N - 1; i >= N + N / 2; i--)
        assert_int_equal(task_store_remove(o, s, names[i]), TASK_STORE_OK);
    /* Then every other survivor of the second batch. */
    for (int i = N; i < N + N / 2; i += 2)
        assert_int_equal(task_store_remove(o, s, names[i]), TASK_STORE_OK);

    n = 0;
    for (int st = 0; st < TASK_STATUS_COUNT; st++)
        n_st[st] = 0;
    for (int i = 0; i < N + N / 2; i++) {
        int alive = i < N ? (i % 10 == 0) : ((i - N) % 2 == 1);
        if (!alive)
            continue;
        expect[n++] = names[i];
        expect_st[i % 3][n_st[i % 3]++] = names[i];
    }
    assert_list(o, s, expect, n);
    for (int st = 0; st < TASK_STATUS_COUNT; st++)
        assert_status_list(o, s, (task_status)st, expect_st[st], n_st[st]);
    assert_metrics(o, s, n, n_st[0], n_st[1], n_st[2], n_st[3]);
    for (size_t i = 0; i < n; i++) {
        task got;
        assert_int_equal(task_store_get(o, s, expect[i], &got), TASK_STORE_OK);
        assert_string_equal(got.id, expect[i]);
    }
    /* Every removed id is gone. */
    for (int i = 0; i < 2 * N; i++) {
        int alive = i < N ? (i % 10 == 0) : (i < N + N / 2 && (i - N) % 2 == 1);
        if (!alive) {
            task got;
            assert_int_equal(task_store_get(o, s, names[i], &got), TASK_STORE_ENOENT);
        }
    }
    /* Drain completely, then reuse. */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(task_store_remove(o, s, expect[i]), TASK_STORE_OK);
    assert_list(o, s, NULL, 0);
    assert_metrics(o, s, 0, 0, 0, 0, 0);
    snprintf(id, sizeof id, "after-drain");
    add_ok(o, s, id, TASK_FAILED, 1);
    const char *one[] = { "after-drain" };
    assert_list(o, s, one, 1);
    assert_status_list(o, s, TASK_FAILED, one, 1);
    task_store_destroy(o, s);
}

/* Removals from the middle that leave fewer dead than live tasks, then adds
 * past a power-of-two size: the optimized store reuses the dead slots by
 * compacting when its slot array is full, instead of growing it. */
static void test_adds_after_middle_removals(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    enum { N = 64, GAP_FROM = 10, GAP_TO = 30, MORE = 40 };
    const char *expect[N + MORE] = { NULL };
    static char names[N + MORE][16];
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        pbt_make_id(names[i], sizeof names[i], "task-", i);
        add_ok(o, s, names[i], (task_status)(i % 2), i);
    }
    for (int i = GAP_FROM; i < GAP_TO; i++)
        assert_int_equal(task_store_remove(o, s, names[i]), TASK_STORE_OK);
    for (int i = N; i < N + MORE; i++) {
        pbt_make_id(names[i], sizeof names[i], "task-", i);
        add_ok(o, s, names[i], (task_status)(i % 2), i);
    }
    for (int i = 0; i < N + MORE; i++)
        if (i < GAP_FROM || i >= GAP_TO)
            expect[n++] = names[i];
    assert_list(o, s, expect, n);
    const char *odd[N + MORE] = { NULL };
    size_t n_odd = 0;
    for (size_t j = 0; j < n; j++)
        if (atoi(expect[j] + 5) % 2 == 1)
            odd[n_odd++] = expect[j];
    assert_status_list(o, s, TASK_RUNNING, odd, n_odd);
    for (size_t j = 0; j < n; j++) {
        task got;
        assert_int_equal(task_store_get(o, s, expect[j], &got), TASK_STORE_OK);
        assert_int_equal(got.priority, atoi(expect[j] + 5));
    }
    task_store_destroy(o, s);
}

/* Steady churn at a fixed size: add one at the back, remove the oldest. The
 * optimized store compacts again and again; order must stay FIFO. */
static void test_fifo_churn(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    enum { LIVE = 50, ROUNDS = 3000 };
    char id[32];
    for (int i = 0; i < LIVE; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        add_ok(o, s, id, TASK_PENDING, i);
    }
    for (int r = 0; r < ROUNDS; r++) {
        pbt_make_id(id, sizeof id, "task-", r);
        assert_int_equal(task_store_remove(o, s, id), TASK_STORE_OK);
        pbt_make_id(id, sizeof id, "task-", LIVE + r);
        add_ok(o, s, id, (task_status)(r % 4), r);
        if (r % 97 == 0 || r == ROUNDS - 1) {
            const task *out[LIVE];
            assert_int_equal(task_store_list(o, s, out, LIVE), LIVE);
            for (int i = 0; i < LIVE; i++) {
                pbt_make_id(id, sizeof id, "task-", r + 1 + i);
                assert_string_equal(out[i]->id, id);
            }
            /* Task k (k >= LIVE) has status (k - LIVE) % 4, older ones pending. */
            for (int st = 0; st < TASK_STATUS_COUNT; st++) {
                size_t want = 0;
                for (int k = r + 1; k <= r + LIVE; k++)
                    want += (k < LIVE ? 0 : (k - LIVE) % 4) == st;
                size_t n = task_store_list_by_status(o, s, (task_status)st, out, LIVE);
                assert_int_equal(n, want);
                int prev = -1;
                for (size_t j = 0; j < n; j++) {
                    int k = atoi(out[j]->id + 5);
                    assert_true(k > prev && k > r && k <= r + LIVE);
                    assert_int_equal(k < LIVE ? 0 : (k - LIVE) % 4, st);
                    prev = k;
                }
            }
        }
    }
    task_store_destroy(o, s);
}

/* Ids of every valid length, each in a heap block of exactly its size (its
 * bytes and the NUL), for add (a task's id is a 40-byte array, so through
 * get, update and remove): under ASan any read past an id's NUL fails. */
static void test_ids_in_exact_blocks(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    char *ids[TASK_ID_MAX];
    for (size_t len = 1; len < TASK_ID_MAX; len++) {
        ids[len] = malloc(len + 1);
        assert_non_null(ids[len]);
        for (size_t i = 0; i < len; i++)
            ids[len][i] = (char)('a' + (len + i) % 26);
        ids[len][len] = '\0';
        add_ok(o, s, ids[len], TASK_PENDING, (int32_t)len);
    }
    task_update u = { .fields = TASK_UPDATE_PRIORITY };
    for (size_t len = 1; len < TASK_ID_MAX; len++) {
        task got;
        assert_int_equal(task_store_get(o, s, ids[len], &got), TASK_STORE_OK);
        assert_int_equal(got.priority, (int32_t)len);
        u.priority = -(int32_t)len;
        assert_int_equal(task_store_update(o, s, ids[len], &u), TASK_STORE_OK);
        assert_int_equal(task_store_get(o, s, ids[len], &got), TASK_STORE_OK);
        assert_int_equal(got.priority, -(int32_t)len);
        /* A one-byte-shorter prefix of a longer id is another id. */
        if (len > 1) {
            char *prefix = malloc(len);
            assert_non_null(prefix);
            memcpy(prefix, ids[len], len - 1);
            prefix[len - 1] = '\0';
            int want = strcmp(prefix, ids[len - 1]) == 0 ? TASK_STORE_OK : TASK_STORE_ENOENT;
            assert_int_equal(task_store_get(o, s, prefix, &got), want);
            free(prefix);
        }
    }
    for (size_t len = 1; len < TASK_ID_MAX; len++) {
        assert_int_equal(task_store_remove(o, s, ids[len]), TASK_STORE_OK);
        assert_int_equal(task_store_remove(o, s, ids[len]), TASK_STORE_ENOENT);
        free(ids[len]);
    }
    assert_int_equal(task_store_count(o, s), 0);
    task_store_destroy(o, s);
}

static void test_similar_ids(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    /* Prefixes of each other and ids that differ only in their last byte. */
    const char *ids[] = { "a", "ab", "abc", "abd", "abe", "b",
                          "tenant-07/queue-03/job-0000042",
                          "tenant-07/queue-03/job-0000043",
                          "tenant-07/queue-03/job-000004",
                          "tenant-07/queue-03/job-00000421" };
    size_t n = sizeof ids / sizeof *ids;
    for (size_t i = 0; i < n; i++)
        add_ok(o, s, ids[i], TASK_PENDING, (int32_t)i);
    for (size_t i = 0; i < n; i++) {
        task got;
        assert_int_equal(task_store_get(o, s, ids[i], &got), TASK_STORE_OK);
        assert_int_equal(got.priority, (int32_t)i);
    }
    assert_int_equal(task_store_remove(o, s, "ab"), TASK_STORE_OK);
    task got;
    assert_int_equal(task_store_get(o, s, "a", &got), TASK_STORE_OK);
    assert_int_equal(task_store_get(o, s, "abc", &got), TASK_STORE_OK);
    assert_int_equal(task_store_get(o, s, "ab", &got), TASK_STORE_ENOENT);
    assert_int_equal(task_store_remove(o, s, "tenant-07/queue-03/job-0000042"), TASK_STORE_OK);
    assert_int_equal(task_store_get(o, s, "tenant-07/queue-03/job-0000043", &got), TASK_STORE_OK);
    assert_int_equal(got.priority, 7);
    const char *left[] = { "a", "abc", "abd", "abe", "b",
                           "tenant-07/queue-03/job-0000043",
                           "tenant-07/queue-03/job-000004",
                           "tenant-07/queue-03/job-00000421" };
    assert_list(o, s, left, sizeof left / sizeof *left);
    task_store_destroy(o, s);
}

static void test_large_store(void **state)
{
    const task_store_ops *o = ops_of(state);
    task_store *s = task_store_create(o);
    enum { N = 5000 };
    char id[32];
    for (int i = 0; i < N; i++) {
        pbt_make_id(id, sizeof id, "task-", i);
        add_ok(o, s, id, (task_status)(i % 4), i);
    }
    assert_int_equal(task_store_count(o, s), N);
    for (int i = 0; i < N; i += 7) {
        task got, want;
        pbt_make_id(id, sizeof id, "task-", i);
        want = make_task(id, (task_status)(i % 4), i);
        assert_int_equal(task_store_get(o, s, id, &got), TASK_STORE_OK);
        assert_task_equal(&got, &want);
    }
    /* Remove the even ones, complete every 3rd odd one. */
    for (int i = 0; i < N; i += 2) {
        pbt_make_id(id, sizeof id, "task-", i);
        assert_int_equal(task_store_remove(o, s, id), TASK_STORE_OK);
    }
    task_update u = { .fields = TASK_UPDATE_STATUS, .status = TASK_COMPLETED };
    size_t completed = 0;
    for (int i = 1; i < N; i += 2) {
        if (i % 3 == 0 || i % 4 == 2) {
            pbt_make_id(id, sizeof id, "task-", i);
            assert_int_equal(task_store_update(o, s, id, &u), TASK_STORE_OK);
        }
    }
    const task **out = malloc(N * sizeof *out);
    assert_non_null(out);
    assert_int_equal(task_store_list(o, s, out, N), N / 2);
    for (int j = 0; j < N / 2; j++) {
        pbt_make_id(id, sizeof id, "task-", 2 * j + 1);
        assert_string_equal(out[j]->id, id);
        if (out[j]->status == TASK_COMPLETED)
            completed++;
    }
    size_t n = task_store_list_by_status(o, s, TASK_COMPLETED, out, N);
    assert_int_equal(n, completed);
    int prev = -1;
    for (size_t j = 0; j < n; j++) {
        int i = atoi(out[j]->id + 5);
        assert_true(i > prev);
        assert_true(i % 2 == 1 && (i % 3 == 0 || i % 4 == 2));
        prev = i;
    }
    task_metrics m;
    task_store_metrics(o, s, &m);
    assert_int_equal(m.total, N / 2);
    assert_int_equal(m.by_status[TASK_COMPLETED], completed);
    assert_int_equal(m.by_status[TASK_PENDING] + m.by_status[TASK_RUNNING] + m.by_status[TASK_FAILED],
                     N / 2 - completed);
    free(out);
    task_store_destroy(o, s);
}

/* ---- out of memory ---------------------------------------------------------- */

/* What the store must hold: the tasks in insertion order. */
typedef struct ts_model {
    task   tasks[512];
    size_t n;
} ts_model;

/* The store's whole observable state is the model's: count, the full list
 * field by field, each status listing, metrics. O(n). */
static void assert_model(const task_store_ops *o, const task_store *s, const ts_model *m)
{
    static const task *out[512 + 1];
    size_t by_status[TASK_STATUS_COUNT] = { 0 };
    assert_int_equal(task_store_count(o, s), m->n);
    assert_int_equal(task_store_list(o, s, out, m->n + 1), m->n);
    for (size_t i = 0; i < m->n; i++) {
        assert_task_equal(out[i], &m->tasks[i]);
        by_status[m->tasks[i].status]++;
    }
    for (int st = 0; st < TASK_STATUS_COUNT; st++) {
        size_t k = task_store_list_by_status(o, s, (task_status)st, out, m->n + 1);
        assert_int_equal(k, by_status[st]);
        for (size_t i = 0, j = 0; i < m->n; i++)
            if (m->tasks[i].status == (task_status)st)
                assert_task_equal(out[j++], &m->tasks[i]);
    }
    assert_metrics(o, s, m->n, by_status[TASK_PENDING], by_status[TASK_RUNNING],
                   by_status[TASK_COMPLETED], by_status[TASK_FAILED]);
}

/* Runs op (0 add, 1 remove, 2 update of task i) once with allocation k
 * failing, for k = 0, 1, ... until an attempt makes fewer than k + 1
 * allocations. Each failed attempt must return ENOMEM and leave the store
 * as the model says (add must; remove and update may also succeed, as
 * the optimized store's best-effort shrink does); the last attempt must
 * succeed. Returns the number of ENOMEM attempts at k >= 1 (an allocation
 * after the operation's first one). */
static int fail_each_allocation(const task_store_ops *o, task_store *s, ts_model *m,
                                int op, size_t i, const task *t)
{
    task_update u = { .fields = TASK_UPDATE_STATUS | TASK_UPDATE_ATTEMPTS,
                      .status = (task_status)((m->tasks[i < m->n ? i : 0].status + 1) %
                                              TASK_STATUS_COUNT),
                      .attempts = 99 };
    char id[TASK_ID_MAX];
    memcpy(id, op == 0 ? t->id : m->tasks[i].id, TASK_ID_MAX);
    int later = 0;
    for (long k = 0;; k++) {
        pbt_fail_at(k);
        int rc = op == 0 ? task_store_add(o, s, t)
               : op == 1 ? task_store_remove(o, s, id)
                         : task_store_update(o, s, id, &u);
        int failed = !pbt_fail_pending();
        pbt_fail_never();
        if (!failed || rc == TASK_STORE_OK) {
            assert_true(!failed || op != 0);
            assert_int_equal(rc, TASK_STORE_OK);
            break;
        }
        assert_int_equal(rc, TASK_STORE_ENOMEM);
        assert_model(o, s, m);
        later += k >= 1;
    }
    if (op == 0) {
        m->tasks[m->n++] = *t;
    } else if (op == 1) {
        memmove(&m->tasks[i], &m->tasks[i + 1], (m->n - i - 1) * sizeof m->tasks[0]);
        m->n--;
    } else {
        m->tasks[i].status = u.status;
        m->tasks[i].attempts = u.attempts;
    }
    assert_model(o, s, m);
    return later;
}

/* Every allocation of create, add, remove and update fails once, in turn,
 * while a store grows to 400 tasks (past the optimized store's slot and
 * index doublings and uthash's bucket doublings) and shrinks to 100: the
 * operation returns ENOMEM and the store is unchanged, or it succeeds
 * (remove and update only); then it succeeds for real. (Leaks on these
 * paths are not checked here: the injector cannot run under ASan, and
 * mallinfo2 counts glibc's per-thread cache of freed blocks as in use.) */
static void test_out_of_memory(void **state)
{
    const ts_impl *im = impl_of(state);
    const task_store_ops *o = im->ops;
    if (!PBT_FAIL_INJECTION) {
        print_message("    (no allocation failure injection in this build)\n");
        return;
    }
    if (im->no_enomem != NULL) {
        print_message("    (%s: %s)\n", im->name, im->no_enomem);
        return;
    }
    static ts_model m;
    m.n = 0;
    pbt_fail_at(0);
    task_store *s = task_store_create(o);
    pbt_fail_never();
    assert_null(s);
    s = task_store_create(o);
    assert_non_null(s);

    enum { N = 400 };
    int later_adds = 0;
    for (int i = 0; i < N; i++) {
        char id[32];
        pbt_make_id(id, sizeof id, "task-", i);
        task t = make_task(id, (task_status)(i % 3), i);
        int later = fail_each_allocation(o, s, &m, 0, 0, &t);
        if (i > 0)
            later_adds += later;
    }
    /* Remove tasks at spread positions until a quarter is left (the
     * optimized store compacts and shrinks), updating one now and then. */
    for (size_t r = 0; m.n > N / 4; r++) {
        (void)fail_each_allocation(o, s, &m, 1, (r * 7) % m.n, NULL);
        if (r % 7 == 0)
            (void)fail_each_allocation(o, s, &m, 2, r % m.n, NULL);
    }
    /* An allocation after the first of an add failed and was rolled back:
     * a doubling of the optimized store's arrays, naive's new array,
     * uthash's doubled buckets. */
    assert_true(later_adds > 0);
    task_store_destroy(o, s);
}

/* ---- runner ----------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_empty_store),
        cmocka_unit_test(test_add_get_round_trip),
        cmocka_unit_test(test_duplicate_add),
        cmocka_unit_test(test_missing_ids),
        cmocka_unit_test(test_invalid_ids),
        cmocka_unit_test(test_invalid_status_and_fields),
        cmocka_unit_test(test_order_after_removals),
        cmocka_unit_test(test_readd_goes_to_end),
        cmocka_unit_test(test_update_fields),
        cmocka_unit_test(test_status_change_moves_between_listings),
        cmocka_unit_test(test_status_listing_with_gaps),
        cmocka_unit_test(test_metrics_after_mixed_operations),
        cmocka_unit_test(test_list_cap_smaller_than_n),
        cmocka_unit_test(test_compaction_keeps_order),
        cmocka_unit_test(test_adds_after_middle_removals),
        cmocka_unit_test(test_fifo_churn),
        cmocka_unit_test(test_ids_in_exact_blocks),
        cmocka_unit_test(test_similar_ids),
        cmocka_unit_test(test_large_store),
        cmocka_unit_test(test_out_of_memory),
    };
    pbt_table tables[PBT_ARRAY_LEN(impls)];
    for (size_t i = 0; i < PBT_ARRAY_LEN(impls); i++)
        tables[i] = (pbt_table){ impls[i].name, &impls[i] };
    return pbt_run_tables("task_store", tests, PBT_ARRAY_LEN(tests), tables,
                          PBT_ARRAY_LEN(tables)) != 0;
}
