/*
 * listener_leak differential test: thousands of seeded sequences of
 * start, stop and emit (events of every kind, invalid ones, starts while
 * running, stops while stopped, long runs of cycles, injected allocation
 * failures at any allocation of a start) through both implementations.
 *
 * The naive runtime is correct until it is first stopped, so it is the
 * oracle in two ways:
 *   - until the first stop both must report the same handler calls (the
 *     component, event, payload and state of every call, in order) and
 *     the same return codes;
 *   - the optimized runtime must, at every moment, behave as a runtime
 *     that was started once and never stopped (an oracle: a naive runtime
 *     started once), fed only the events the optimized one received while
 *     running: the same calls, payloads and states in the same order; and
 *     while stopped an event calls nothing.
 * The naive runtime after a stop is judged against its own specification
 * (the seed's "before", as the header states it): each event calls every
 * handler once per successful start so far, running or not. After an
 * injected failure of one of its starts (which leaves a prefix of that
 * start's subscriptions) the naive runtime is only required to return
 * LL_ENOMEM and stay stopped, and its sequence ends there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/listener_leak.h"
#include "pb_test.h"
#include "pb_test_listener_leak.h"
#include "pb_test_alloc.h"

#define SEQUENCES 3000
#define MAX_STEPS 1000


typedef struct ctx {
    pbt_where w;
    /* what the sequences exercised, checked at the end so that a change of
     * the generator cannot leave a case untested */
    long      oracle_events, lockstep_events, naive_judged, enomem_optimized,
              enomem_naive, max_starts;
} ctx;

/* The two logs must be the same calls. */
static void same_calls(const pbt_where *w, const char *what, const pbt_ll_seen *a, const pbt_ll_seen *b)
{
    if (a->n != b->n) {
        pbt_mismatch(w, "%s: %d calls vs %d", what, a->n, b->n);
        return;
    }
    for (int i = 0; i < a->n && i < PBT_LL_LOG_MAX; i++)
        if (memcmp(&a->log[i], &b->log[i], sizeof a->log[i]) != 0)
            pbt_mismatch(w, "%s: call %d: component %d event %d payload %llu state %llx vs"
                         " component %d event %d payload %llu state %llx", what, i,
                         a->log[i].c, a->log[i].ev, (unsigned long long)a->log[i].payload,
                         (unsigned long long)a->log[i].state, b->log[i].c, b->log[i].ev,
                         (unsigned long long)b->log[i].payload,
                         (unsigned long long)b->log[i].state);
}

/* The naive runtime's specification: `times` calls per handler of ev. */
static void naive_calls(const pbt_where *w, const pbt_ll_seen *s, ll_event ev, int times)
{
    for (int c = 0; c < LL_COMPONENTS; c++) {
        int want = ll_handles((ll_component_id)c, ev) ? times : 0;
        if (s->per[c] != want)
            pbt_mismatch(w, "naive: event %d called component %d %d times, want %d",
                         (int)ev, c, s->per[c], want);
    }
}

static void one_sequence(ctx *cx, pbt_rng *r)
{
    static pbt_ll_seen sn, so, sref;
    const listener_leak_ops *nv = &listener_leak_naive, *op = &listener_leak_optimized;
    ll_runtime *rn = nv->create(pbt_ll_sink, &sn), *ro = op->create(pbt_ll_sink, &so);
    ll_runtime *ref = nv->create(pbt_ll_sink, &sref);   /* started once, never stopped */
    if (!rn || !ro || !ref)
        fail_msg("create failed");
    assert_int_equal(nv->start(ref), LL_OK);
    /* naive_alive: the naive runtime is still judged (no failed start);
     * lockstep: both have pbt_ll_seen the same successful calls and no stop, so
     * they must report the same; running: the optimized one runs; starts:
     * the naive one's successful starts */
    int naive_alive = 1, lockstep = 1, running = 0, starts = 0;
    int steps = (int)pbt_octave_size(r, pbt_below(r, 10), MAX_STEPS);
    /* how often each op comes: cycle-heavy, emit-heavy or balanced */
    int p_start = 1 + (int)pbt_below(r, 45), p_stop = 1 + (int)pbt_below(r, 45);
    int fail_rate = (int)pbt_below(r, 4);        /* 0: no injected failure */
    for (cx->w.step = 0; cx->w.step < (size_t)steps; cx->w.step++) {
        int x = (int)pbt_below(r, 100);
        memset(sn.per, 0, sizeof sn.per);
        sn.n = so.n = sref.n = 0;
        if (x < p_start) {
            cx->w.op = "start";
            long k = fail_rate && pbt_below(r, 8 / (uint64_t)fail_rate) == 0
                         ? (long)pbt_below(r, 16) : -1;
            int a = LL_OK;
            if (naive_alive) {
                pbt_fail_at(k);
                a = nv->start(rn);
                pbt_fail_never();
            }
            pbt_fail_at(k);
            int b = op->start(ro);
            int b_failed = k >= 0 && !pbt_fail_pending();
            pbt_fail_never();
            int want = running ? LL_EALREADY : b_failed ? LL_ENOMEM : LL_OK;
            cx->enomem_optimized += b == LL_ENOMEM;
            if (b != want)
                pbt_mismatch(&cx->w, "optimized start returned %d, want %d", b, want);
            running |= b == LL_OK;
            if (!naive_alive)
                continue;
            if (a == LL_ENOMEM) {
                cx->enomem_naive++;
                if (nv->stop(rn) != LL_ENOTRUNNING)   /* it stays stopped */
                    pbt_mismatch(&cx->w, "naive: running after a failed start");
                naive_alive = 0;
                continue;
            }
            if (a != b)
                lockstep = 0;        /* one of them failed by injection */
            if (a != b && b != LL_ENOMEM)
                pbt_mismatch(&cx->w, "start: naive %d, optimized %d", a, b);
            starts += a == LL_OK;
            if (starts > cx->max_starts)
                cx->max_starts = starts;
        } else if (x < p_start + p_stop) {
            cx->w.op = "stop";
            int a = naive_alive ? nv->stop(rn) : LL_OK;
            int b = op->stop(ro);
            if (b != (running ? LL_OK : LL_ENOTRUNNING))
                pbt_mismatch(&cx->w, "optimized stop returned %d while %s", b,
                             running ? "running" : "stopped");
            if (naive_alive && lockstep && a != b)
                pbt_mismatch(&cx->w, "stop: naive %d, optimized %d", a, b);
            if (b == LL_OK)
                lockstep = 0;
            running = 0;
        } else {
            cx->w.op = "emit";
            ll_event ev = pbt_below(r, 50) == 0 ? (ll_event)(LL_EVENTS + (int)pbt_below(r, 3))
                                                : (ll_event)pbt_below(r, LL_EVENTS);
            uint64_t payload = pbt_next(r);
            int want = (unsigned)ev < LL_EVENTS ? LL_OK : LL_EINVAL;
            int a = naive_alive ? nv->emit(rn, ev, payload) : want;
            int b = op->emit(ro, ev, payload);
            if (a != want || b != want)
                pbt_mismatch(&cx->w, "emit(%d): naive %d, optimized %d, want %d", (int)ev,
                             a, b, want);
            /* the optimized runtime against the started-once oracle */
            if (running && want == LL_OK) {
                nv->emit(ref, ev, payload);
                same_calls(&cx->w, "optimized vs the runtime started once", &so, &sref);
                cx->oracle_events++;
            } else if (so.n != 0) {
                pbt_mismatch(&cx->w, "optimized: %d calls while stopped", so.n);
            }
            if (!naive_alive)
                continue;
            if (lockstep) {
                same_calls(&cx->w, "naive vs optimized before the first stop", &sn, &so);
                cx->lockstep_events += sn.n > 0;
            } else if (want == LL_OK) {
                naive_calls(&cx->w, &sn, ev, starts);
                cx->naive_judged += starts > 1;
            }
            else if (sn.n)
                pbt_mismatch(&cx->w, "naive: an invalid event called %d handlers", sn.n);
        }
    }
    nv->destroy(rn);
    op->destroy(ro);
    nv->destroy(ref);
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng seeds = { 0x6c697374656e6572ULL };
    ctx cx = { .w = { .test = "listener_leak_diff" } };
    for (unsigned s = 0; s < SEQUENCES; s++) {
        cx.w.seq = s;
        cx.w.seed = pbt_next(&seeds);
        pbt_rng r = { cx.w.seed };
        one_sequence(&cx, &r);
    }
    printf("listener_leak_diff: %d sequences; events checked against the started-once"
           " runtime %ld, naive = optimized before a stop %ld, naive after restarts %ld;"
           " injected start failures: optimized %ld, naive %ld; most naive starts %ld\n",
           SEQUENCES, cx.oracle_events, cx.lockstep_events, cx.naive_judged,
           cx.enomem_optimized, cx.enomem_naive, cx.max_starts);
    assert_true(cx.oracle_events > 10000 && cx.lockstep_events > 1000 &&
                cx.naive_judged > 10000 && cx.max_starts > 100);
    if (PBT_FAIL_INJECTION)
        assert_true(cx.enomem_optimized > 100 && cx.enomem_naive > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests_name("listener_leak_diff", tests, NULL, NULL) ? 1 : 0;
}
