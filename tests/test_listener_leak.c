/*
 * listener_leak unit tests, run against each implementation: the first
 * start calls each handler once per event, with the payload, in
 * subscription order; every return code of the header; what k start/stop
 * cycles leave (the optimized one: one call per handler while running,
 * none while stopped; the naive one: k + 1 while running, k while stopped,
 * the seed's "before" as the header states it); allocation failures in
 * create and at every allocation of a start (the optimized one's start
 * undoes its subscriptions; the naive one stays stopped and keeps what it
 * subscribed); destroy while running. Also the shared emitter: order,
 * removal of the most recently added duplicate, a listener not there,
 * growth failing without a change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/listener_leak.h"
#include "../impl_shared/listener_leak_common.h"
#include "pb_test.h"
#include "pb_test_listener_leak.h"
#include "pb_test_alloc.h"



/* Calls each component got in the log since index from. */
static void per_component(const pbt_ll_seen *s, int from, int out[LL_COMPONENTS])
{
    memset(out, 0, LL_COMPONENTS * sizeof out[0]);
    for (int i = from; i < s->n && i < PBT_LL_LOG_MAX; i++)
        out[s->log[i].c]++;
}

static int is_naive(const listener_leak_ops *ops)
{
    return ops == &listener_leak_naive;
}

/* Emits ev once and requires `times` calls of each component handling it
 * and none of the others. */
static void expect_calls(const listener_leak_ops *ops, ll_runtime *rt, pbt_ll_seen *s,
                         ll_event ev, int times)
{
    int from = s->n, got[LL_COMPONENTS];
    assert_int_equal(ops->emit(rt, ev, 1000 + (uint64_t)ev), LL_OK);
    per_component(s, from, got);
    for (int c = 0; c < LL_COMPONENTS; c++) {
        int want = ll_handles((ll_component_id)c, ev) ? times : 0;
        if (got[c] != want)
            fail_msg("%s: event %d, component %d: %d calls, want %d", ops->name, (int)ev, c,
                     got[c], want);
    }
}

static void expect_all(const listener_leak_ops *ops, ll_runtime *rt, pbt_ll_seen *s,
                       int times)
{
    for (int ev = 0; ev < LL_EVENTS; ev++)
        expect_calls(ops, rt, s, (ll_event)ev, times);
}

/* ---- tests of both implementations ------------------------------------------ */

static void test_first_start(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen s;
    memset(&s, 0, sizeof s);
    ll_runtime *rt = ops->create(pbt_ll_sink, &s);
    assert_non_null(rt);
    expect_all(ops, rt, &s, 0);                  /* not started: nothing */
    assert_int_equal(ops->start(rt), LL_OK);
    expect_all(ops, rt, &s, 1);
    /* the payload reaches every handler, in subscription order */
    int from = s.n;
    assert_int_equal(ops->emit(rt, LL_TASK_COMPLETED, 77), LL_OK);
    assert_int_equal(s.n - from, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.log[from + i].c, i);
        assert_int_equal(s.log[from + i].ev, LL_TASK_COMPLETED);
        assert_true(s.log[from + i].payload == 77);
    }
    ops->destroy(rt);
}

static void test_return_codes(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen s;
    memset(&s, 0, sizeof s);
    assert_null(ops->create(NULL, &s));
    ll_runtime *rt = ops->create(pbt_ll_sink, &s);
    assert_non_null(rt);
    assert_int_equal(ops->stop(rt), LL_ENOTRUNNING);
    assert_int_equal(ops->start(rt), LL_OK);
    assert_int_equal(ops->start(rt), LL_EALREADY);
    expect_all(ops, rt, &s, 1);                  /* the refused start added nothing */
    int before = s.n;
    assert_int_equal(ops->emit(rt, LL_EVENTS, 1), LL_EINVAL);
    assert_int_equal(ops->emit(rt, (ll_event)-1, 1), LL_EINVAL);
    assert_int_equal(s.n, before);
    assert_int_equal(ops->stop(rt), LL_OK);
    assert_int_equal(ops->stop(rt), LL_ENOTRUNNING);
    ops->destroy(rt);
    ops->destroy(NULL);
}

/* After k start/stop cycles and a start: 1 call per handler (optimized),
 * k + 1 (naive); after the next stop: none (optimized), k + 1 (naive). */
static void test_cycles(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen s;
    for (int k = 1; k <= 40; k += 13) {
        memset(&s, 0, sizeof s);
        ll_runtime *rt = ops->create(pbt_ll_sink, &s);
        assert_non_null(rt);
        for (int i = 0; i < k; i++) {
            assert_int_equal(ops->start(rt), LL_OK);
            assert_int_equal(ops->stop(rt), LL_OK);
        }
        expect_all(ops, rt, &s, is_naive(ops) ? k : 0);
        assert_int_equal(ops->start(rt), LL_OK);
        expect_all(ops, rt, &s, is_naive(ops) ? k + 1 : 1);
        assert_int_equal(ops->stop(rt), LL_OK);
        expect_all(ops, rt, &s, is_naive(ops) ? k + 1 : 0);
        ops->destroy(rt);
    }
}

/* Two runtimes fed the same events report the same states; a component's
 * state depends on what it handled. */
static void test_states(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    ll_runtime *ra = ops->create(pbt_ll_sink, &a), *rb = ops->create(pbt_ll_sink, &b);
    assert_non_null(ra);
    assert_non_null(rb);
    assert_int_equal(ops->start(ra), LL_OK);
    assert_int_equal(ops->start(rb), LL_OK);
    for (uint64_t i = 0; i < 50; i++) {
        assert_int_equal(ops->emit(ra, (ll_event)(i % LL_EVENTS), i * 977), LL_OK);
        assert_int_equal(ops->emit(rb, (ll_event)(i % LL_EVENTS), i * 977), LL_OK);
    }
    assert_int_equal(a.n, b.n);
    assert_int_equal(memcmp(a.log, b.log, (size_t)a.n * sizeof a.log[0]), 0);
    assert_true(a.log[a.n - 1].state != a.log[a.n - 1 - 8].state);
    assert_int_equal(ops->emit(rb, LL_TASK_READY, 5), LL_OK);   /* rb now differs */
    assert_int_equal(ops->emit(ra, LL_TASK_READY, 6), LL_OK);
    assert_true(a.log[a.n - 1].state != b.log[b.n - 1].state);
    ops->destroy(ra);
    ops->destroy(rb);
}

static void test_destroy_running(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen s;
    memset(&s, 0, sizeof s);
    ll_runtime *rt = ops->create(pbt_ll_sink, &s);
    assert_non_null(rt);
    assert_int_equal(ops->start(rt), LL_OK);
    ops->destroy(rt);                            /* ASan / memcheck: nothing wrong */
}

static void test_create_enomem(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen s;
    if (!PBT_FAIL_INJECTION)
        skip();
    pbt_fail_at(0);
    ll_runtime *rt = ops->create(pbt_ll_sink, &s);
    pbt_fail_never();
    assert_null(rt);
}

/* Every allocation of a start fails in turn (the first start, then one
 * after a cycle). The optimized start undoes what it subscribed: after
 * the failure an event calls nothing, and the next start gives exactly
 * one call per handler. The naive one stays stopped (start is not
 * refused as running) and returns LL_ENOMEM. */
static void test_start_enomem(void **state)
{
    const listener_leak_ops *ops = *state;
    static pbt_ll_seen s;
    if (!PBT_FAIL_INJECTION)
        skip();
    for (int cycles = 0; cycles < 2; cycles++) {
        int failures = 0;
        for (long k = 0;; k++) {
            memset(&s, 0, sizeof s);
            ll_runtime *rt = ops->create(pbt_ll_sink, &s);
            assert_non_null(rt);
            for (int i = 0; i < cycles; i++) {
                assert_int_equal(ops->start(rt), LL_OK);
                assert_int_equal(ops->stop(rt), LL_OK);
            }
            pbt_fail_at(k);
            int rc = ops->start(rt);
            int happened = !pbt_fail_pending();
            pbt_fail_never();
            if (!happened) {                 /* start allocated fewer than k + 1 times */
                assert_int_equal(rc, LL_OK);
                ops->destroy(rt);
                break;
            }
            failures++;
            assert_int_equal(rc, LL_ENOMEM);
            if (!is_naive(ops))
                expect_all(ops, rt, &s, 0);
            assert_int_equal(ops->start(rt), LL_OK);
            if (!is_naive(ops))
                expect_all(ops, rt, &s, 1);
            assert_int_equal(ops->stop(rt), LL_OK);
            ops->destroy(rt);
        }
        /* the optimized start allocates only while its arrays first grow */
        if (is_naive(ops))
            assert_true(failures >= LL_SUBSCRIPTIONS);
        else
            assert_int_equal(failures, cycles ? 0 : LL_EVENTS);
    }
}

/* ---- the shared emitter -------------------------------------------------------- */

static int order[64], n_order;

static void note(void *ctx, uint64_t payload)
{
    (void)payload;
    order[n_order++] = (int)(intptr_t)ctx;
}

static void other(void *ctx, uint64_t payload)
{
    (void)payload;
    order[n_order++] = 100 + (int)(intptr_t)ctx;
}

static void test_emitter(void **state)
{
    (void)state;
    ll_emitter em;
    memset(&em, 0, sizeof em);
    for (int i = 0; i < 9; i++)              /* past two doublings */
        assert_int_equal(ll_emitter_on(&em, LL_AGENT_IDLE, note, (void *)(intptr_t)(i % 3)), 0);
    assert_int_equal(ll_emitter_on(&em, LL_AGENT_IDLE, other, (void *)(intptr_t)1), 0);
    n_order = 0;
    ll_emitter_emit(&em, LL_AGENT_IDLE, 0);
    int want1[] = { 0, 1, 2, 0, 1, 2, 0, 1, 2, 101 };
    assert_int_equal(n_order, 10);
    assert_memory_equal(order, want1, sizeof want1);
    /* removal takes the most recently added match and keeps the order */
    assert_int_equal(ll_emitter_off(&em, LL_AGENT_IDLE, note, (void *)(intptr_t)1), 0);
    assert_int_equal(ll_emitter_off(&em, LL_AGENT_IDLE, other, (void *)(intptr_t)2), -1);
    assert_int_equal(ll_emitter_off(&em, LL_TASK_READY, note, (void *)(intptr_t)1), -1);
    n_order = 0;
    ll_emitter_emit(&em, LL_AGENT_IDLE, 0);
    int want2[] = { 0, 1, 2, 0, 1, 2, 0, 2, 101 };
    assert_int_equal(n_order, 9);
    assert_memory_equal(order, want2, sizeof want2);
    n_order = 0;
    ll_emitter_emit(&em, LL_TASK_FAILED, 0);     /* no listener */
    assert_int_equal(n_order, 0);
    if (PBT_FAIL_INJECTION) {                    /* growth fails: nothing changes */
        ll_emitter full;
        memset(&full, 0, sizeof full);
        for (int i = 0; i < 4; i++)
            assert_int_equal(ll_emitter_on(&full, LL_TASK_READY, note, (void *)(intptr_t)i), 0);
        pbt_fail_at(0);
        assert_int_equal(ll_emitter_on(&full, LL_TASK_READY, note, (void *)(intptr_t)9),
                         LL_ENOMEM);
        pbt_fail_never();
        n_order = 0;
        ll_emitter_emit(&full, LL_TASK_READY, 0);
        int want3[] = { 0, 1, 2, 3 };
        assert_int_equal(n_order, 4);
        assert_memory_equal(order, want3, sizeof want3);
        ll_emitter_free(&full);
    }
    ll_emitter_free(&em);
}

int main(void)
{
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_first_start),
        cmocka_unit_test(test_return_codes),
        cmocka_unit_test(test_cycles),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_destroy_running),
        cmocka_unit_test(test_create_enomem),
        cmocka_unit_test(test_start_enomem),
    };
    const struct CMUnitTest shared[] = {
        cmocka_unit_test(test_emitter),
    };
    int failed = PBT_RUN_BOTH("listener_leak", each, &listener_leak_naive,
                              &listener_leak_optimized);
    failed += cmocka_run_group_tests_name("listener_leak shared emitter", shared, NULL, NULL);
    return failed ? 1 : 0;
}
