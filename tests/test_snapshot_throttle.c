/*
 * snapshot_throttle unit tests, run against each implementation: every
 * return code of the header; the leading edge (the first event builds at
 * once); the throttle (events inside the window build nothing, optimized)
 * and the trailing rebuild after a burst, at the first tick at or after
 * the last build + window; the window boundary (window_ms - 1 defers,
 * exactly window_ms builds); reads without ticks rebuild a due snapshot;
 * collect failures (the failed output discarded, the old snapshot kept and
 * returned as SNAP_STALE, SNAP_ECOLLECT when none exists) and their
 * recovery at the next tick, event or read; time going backwards (clamped);
 * create's failures (bad options, out of memory through pb_test_alloc.h).
 * Builds are counted by the test's collect.
 */
#include <stdio.h>
#include <string.h>

#include "pairbench/snapshot_throttle.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

/* The test's source: a version and a value; collect copies them and
 * counts its calls; fail > 0 makes the next `fail` collects fail after
 * scribbling on their output. */
typedef struct source {
    uint64_t version;
    uint32_t value;
    int      calls;          /* collects attempted */
    int      builds;         /* collects that succeeded */
    int      fail;
} source;

static int collect(void *arg, snap_strategy *out)
{
    source *src = arg;
    src->calls++;
    if (src->fail > 0) {
        src->fail--;
        memset(out, 0xa5, sizeof *out);       /* must never reach a read */
        return 7;
    }
    memset(out, 0, sizeof *out);
    out->version = src->version;
    out->tasks = src->value;
    src->builds++;
    return 0;
}

static int is_naive(const snapshot_throttle_ops *ops)
{
    return strcmp(ops->name, "naive") == 0;
}

static snapshot_throttle *make(const snapshot_throttle_ops *ops, source *src, int64_t window)
{
    memset(src, 0, sizeof *src);
    snap_options o = { .collect = collect, .collect_arg = src, .window_ms = window };
    snapshot_throttle *s = NULL;
    assert_int_equal(snapshot_throttle_create(ops, &s, &o), SNAP_OK);
    assert_non_null(s);
    return s;
}

/* An event at t: the source changes, then on_event. */
static int event(const snapshot_throttle_ops *ops, snapshot_throttle *s, source *src,
                 int64_t t)
{
    src->version++;
    src->value = (uint32_t)(src->version * 3 + 1);
    return snapshot_throttle_on_event(ops, s, t);
}

/* Reads at t, expects rc and (unless SNAP_ECOLLECT) version; returns it. */
static uint64_t read_expect(const snapshot_throttle_ops *ops, snapshot_throttle *s,
                            int64_t t, int rc, uint64_t version)
{
    snap_strategy out;
    memset(&out, 0x5a, sizeof out);
    assert_int_equal(snapshot_throttle_read(ops, s, t, &out), rc);
    if (rc == SNAP_ECOLLECT || rc == SNAP_EINVAL) {
        assert_int_equal(out.version, 0x5a5a5a5a5a5a5a5aULL);   /* untouched */
        return 0;
    }
    assert_int_equal(out.version, version);
    assert_int_equal(out.tasks, (uint32_t)(version * 3 + 1) * (version != 0));
    return out.version;
}

static void test_create_errors(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    source src = { 0 };
    snap_options o = { .collect = collect, .collect_arg = &src, .window_ms = 10 };
    snapshot_throttle *s = (snapshot_throttle *)&src;
    assert_int_equal(snapshot_throttle_create(ops, NULL, &o), SNAP_EINVAL);
    assert_int_equal(snapshot_throttle_create(ops, &s, NULL), SNAP_EINVAL);
    assert_null(s);
    s = (snapshot_throttle *)&src;
    o.collect = NULL;
    assert_int_equal(snapshot_throttle_create(ops, &s, &o), SNAP_EINVAL);
    assert_null(s);
    o.collect = collect;
    o.window_ms = -1;
    s = (snapshot_throttle *)&src;
    assert_int_equal(snapshot_throttle_create(ops, &s, &o), SNAP_EINVAL);
    assert_null(s);
    assert_int_equal(src.calls, 0);
    snapshot_throttle_destroy(ops, NULL);                   /* nothing */
}

static void test_create_enomem(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    if (!PBT_FAIL_INJECTION) {
        print_message("    (no allocation failure injection under a sanitizer)\n");
        return;
    }
    source src = { 0 };
    snap_options o = { .collect = collect, .collect_arg = &src };
    snapshot_throttle *s = (snapshot_throttle *)&src;
    pbt_fail_at(0);
    int rc = snapshot_throttle_create(ops, &s, &o);
    int pending = pbt_fail_pending();
    pbt_fail_never();
    assert_false(pending);                   /* create did allocate, and failed */
    assert_int_equal(rc, SNAP_ENOMEM);
    assert_null(s);
    assert_int_equal(src.calls, 0);
    /* and succeeds once memory is there */
    assert_int_equal(snapshot_throttle_create(ops, &s, &o), SNAP_OK);
    snapshot_throttle_destroy(ops, s);
    /* no operation allocates */
    s = make(ops, &src, 100);
    pbt_fail_after(0);
    int rcs[4] = { event(ops, s, &src, 0), event(ops, s, &src, 10),
                   snapshot_throttle_tick(ops, s, 200), 0 };
    snap_strategy out;
    rcs[3] = snapshot_throttle_read(ops, s, 300, &out);
    pending = pbt_fail_pending();
    pbt_fail_never();
    assert_true(pending);
    for (int i = 0; i < 4; i++)
        assert_int_equal(rcs[i], SNAP_OK);
    snapshot_throttle_destroy(ops, s);
}

static void test_einval(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    source src;
    snapshot_throttle *s = make(ops, &src, 100);
    snap_strategy out;
    assert_int_equal(snapshot_throttle_on_event(ops, NULL, 0), SNAP_EINVAL);
    assert_int_equal(snapshot_throttle_tick(ops, NULL, 0), SNAP_EINVAL);
    assert_int_equal(snapshot_throttle_read(ops, NULL, 0, &out), SNAP_EINVAL);
    assert_int_equal(snapshot_throttle_read(ops, s, 0, NULL), SNAP_EINVAL);
    assert_int_equal(src.calls, 0);                        /* nothing done */
    snapshot_throttle_destroy(ops, s);
}

/* A read before any event builds (the source's initial state). */
static void test_first_read_builds(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    source src;
    snapshot_throttle *s = make(ops, &src, 100);
    assert_int_equal(snapshot_throttle_tick(ops, s, 0), SNAP_OK);
    assert_int_equal(src.calls, 0);                        /* a tick builds nothing */
    read_expect(ops, s, 0, SNAP_OK, 0);
    assert_int_equal(src.builds, 1);
    read_expect(ops, s, 5000, SNAP_OK, 0);
    assert_int_equal(src.builds, 1);                       /* nothing changed */
    snapshot_throttle_destroy(ops, s);
}

/* The leading edge, the throttle and the trailing rebuild after a burst:
 * 10 events in 0..900 ms, window 2000, ticks every second. */
static void test_burst_trailing(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    int naive = is_naive(ops);
    source src;
    snapshot_throttle *s = make(ops, &src, 2000);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(event(ops, s, &src, i * 100), SNAP_OK);
        /* the first event builds at once, in both (the leading edge) */
        assert_int_equal(src.builds, naive ? i + 1 : 1);
        read_expect(ops, s, i * 100, SNAP_OK, naive ? src.version : 1);
    }
    assert_int_equal(snapshot_throttle_tick(ops, s, 1000), SNAP_OK);
    assert_int_equal(src.builds, naive ? 10 : 1);          /* not due yet */
    assert_int_equal(snapshot_throttle_tick(ops, s, 2000), SNAP_OK);
    /* the trailing rebuild, reflecting the burst's last event */
    assert_int_equal(src.builds, naive ? 10 : 2);
    read_expect(ops, s, 2000, SNAP_OK, 10);
    /* quiet: nothing more, however long */
    for (int64_t t = 3000; t <= 60000; t += 1000)
        assert_int_equal(snapshot_throttle_tick(ops, s, t), SNAP_OK);
    read_expect(ops, s, 60000, SNAP_OK, 10);
    assert_int_equal(src.builds, naive ? 10 : 2);
    assert_int_equal(src.calls, src.builds);
    snapshot_throttle_destroy(ops, s);
}

/* Exactly window_ms after a build is due; window_ms - 1 is not. */
static void test_window_boundary(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    int naive = is_naive(ops);
    source src;
    snapshot_throttle *s = make(ops, &src, 0);            /* 0: the default 2000 */
    assert_int_equal(event(ops, s, &src, 10000), SNAP_OK);
    assert_int_equal(event(ops, s, &src, 10000 + 1999), SNAP_OK);
    assert_int_equal(src.builds, naive ? 2 : 1);
    assert_int_equal(snapshot_throttle_tick(ops, s, 10000 + 1999), SNAP_OK);
    assert_int_equal(src.builds, naive ? 2 : 1);
    read_expect(ops, s, 10000 + 1999, SNAP_OK, naive ? 2 : 1);
    assert_int_equal(snapshot_throttle_tick(ops, s, 12000), SNAP_OK);
    assert_int_equal(src.builds, 2);                       /* the trailing one */
    /* an event exactly window_ms after that build: a leading edge */
    assert_int_equal(event(ops, s, &src, 14000), SNAP_OK);
    assert_int_equal(src.builds, 3);
    read_expect(ops, s, 14000, SNAP_OK, 3);
    /* one event 1 ms short of the window: deferred, then due exactly at
     * the boundary, for an event too */
    assert_int_equal(event(ops, s, &src, 15999), SNAP_OK);
    assert_int_equal(src.builds, naive ? 4 : 3);
    assert_int_equal(event(ops, s, &src, 16000), SNAP_OK);
    assert_int_equal(src.builds, naive ? 5 : 4);
    read_expect(ops, s, 16000, SNAP_OK, 5);
    snapshot_throttle_destroy(ops, s);
}

/* No tick at all: a read rebuilds a dirty snapshot once it is due. */
static void test_read_without_ticks(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    int naive = is_naive(ops);
    source src;
    snapshot_throttle *s = make(ops, &src, 500);
    assert_int_equal(event(ops, s, &src, 0), SNAP_OK);
    assert_int_equal(event(ops, s, &src, 100), SNAP_OK);
    read_expect(ops, s, 499, SNAP_OK, naive ? 2 : 1);      /* within the bound */
    read_expect(ops, s, 500, SNAP_OK, 2);                  /* due: rebuilt */
    assert_int_equal(src.builds, 2);
    read_expect(ops, s, 100000, SNAP_OK, 2);
    assert_int_equal(src.builds, 2);
    /* a read builds nothing when the snapshot is clean, even long after */
    assert_int_equal(event(ops, s, &src, 100000), SNAP_OK);
    assert_int_equal(src.builds, 3);
    snapshot_throttle_destroy(ops, s);
}

/* The first collect fails: no snapshot. */
static void test_fail_without_snapshot(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    source src;
    snapshot_throttle *s = make(ops, &src, 1000);
    src.fail = 2;
    assert_int_equal(event(ops, s, &src, 0), SNAP_ECOLLECT);
    read_expect(ops, s, 0, SNAP_ECOLLECT, 0);              /* retried, failed */
    assert_int_equal(src.calls, 2);
    /* retried at the next tick, which now succeeds */
    assert_int_equal(snapshot_throttle_tick(ops, s, 1), SNAP_OK);
    assert_int_equal(src.builds, 1);
    read_expect(ops, s, 1, SNAP_OK, 1);
    assert_int_equal(src.calls, 3);
    snapshot_throttle_destroy(ops, s);
}

/* A failing collect with a snapshot: the old one kept, SNAP_STALE, the
 * scribbled output discarded; recovery at the next tick, event or read. */
static void test_fail_with_snapshot(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    int naive = is_naive(ops);
    source src;
    snapshot_throttle *s = make(ops, &src, 1000);
    assert_int_equal(event(ops, s, &src, 0), SNAP_OK);
    src.fail = 3;
    /* naive: the event's collect fails; optimized: deferred */
    assert_int_equal(event(ops, s, &src, 100), naive ? SNAP_ECOLLECT : SNAP_OK);
    assert_int_equal(snapshot_throttle_tick(ops, s, 1000),
                     SNAP_ECOLLECT);                       /* due (naive: dirty) */
    read_expect(ops, s, 1000, SNAP_STALE, 1);              /* retried, failed */
    if (naive) {
        assert_int_equal(src.calls, 4);                     /* 3 failed */
        read_expect(ops, s, 1000, SNAP_OK, 2);             /* the read recovers */
    } else {
        assert_int_equal(snapshot_throttle_tick(ops, s, 1000), SNAP_ECOLLECT);
        assert_int_equal(src.calls, 4);
        assert_int_equal(snapshot_throttle_tick(ops, s, 1001), SNAP_OK);
        read_expect(ops, s, 1001, SNAP_OK, 2);             /* the tick recovered */
    }
    assert_int_equal(src.calls, 5);
    assert_int_equal(src.builds, 2);
    /* an event recovers too: a failed leading edge, retried by the next */
    int64_t t = 5000;
    src.fail = 1;
    assert_int_equal(event(ops, s, &src, t), SNAP_ECOLLECT);
    assert_int_equal(event(ops, s, &src, t + 1), SNAP_OK);
    read_expect(ops, s, t + 1, SNAP_OK, 4);
    assert_int_equal(src.builds, 3);
    snapshot_throttle_destroy(ops, s);
}

/* The time goes back: taken as the latest time seen. */
static void test_time_backwards(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    int naive = is_naive(ops);
    source src;
    snapshot_throttle *s = make(ops, &src, 2000);
    assert_int_equal(event(ops, s, &src, 5000), SNAP_OK);
    /* an event at 1000 happens at 5000: inside the window */
    assert_int_equal(event(ops, s, &src, 1000), SNAP_OK);
    assert_int_equal(src.builds, naive ? 2 : 1);
    read_expect(ops, s, 0, SNAP_OK, naive ? 2 : 1);
    /* a tick far in the past is a tick at 5000: not due */
    assert_int_equal(snapshot_throttle_tick(ops, s, -1000000), SNAP_OK);
    assert_int_equal(src.builds, naive ? 2 : 1);
    assert_int_equal(snapshot_throttle_tick(ops, s, 6999), SNAP_OK);
    assert_int_equal(src.builds, naive ? 2 : 1);
    assert_int_equal(snapshot_throttle_tick(ops, s, 7000), SNAP_OK);
    assert_int_equal(src.builds, 2);
    /* after time 7000, an event at 8000 is not a leading edge (a window
     * counts from the build at 7000, not from the backwards time) */
    assert_int_equal(event(ops, s, &src, 8000), SNAP_OK);
    assert_int_equal(src.builds, naive ? 3 : 2);
    read_expect(ops, s, 8999, SNAP_OK, naive ? 3 : 2);
    read_expect(ops, s, 9000, SNAP_OK, 3);
    snapshot_throttle_destroy(ops, s);
}

/* Extreme times: the window arithmetic does not overflow. */
static void test_extreme_times(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    int naive = is_naive(ops);
    source src;
    snapshot_throttle *s = make(ops, &src, 2000);
    assert_int_equal(event(ops, s, &src, INT64_MIN), SNAP_OK);
    assert_int_equal(event(ops, s, &src, INT64_MIN + 1999), SNAP_OK);
    assert_int_equal(src.builds, naive ? 2 : 1);
    assert_int_equal(event(ops, s, &src, INT64_MAX - 5), SNAP_OK);   /* long after */
    assert_int_equal(src.builds, naive ? 3 : 2);
    assert_int_equal(event(ops, s, &src, INT64_MAX), SNAP_OK);
    assert_int_equal(src.builds, naive ? 4 : 2);
    read_expect(ops, s, INT64_MAX, SNAP_OK, naive ? 4 : 3);
    snapshot_throttle_destroy(ops, s);
}

/* read copies: changing the copy changes nothing. */
static void test_read_copies(void **state)
{
    const snapshot_throttle_ops *ops = *state;
    source src;
    snapshot_throttle *s = make(ops, &src, 100);
    assert_int_equal(event(ops, s, &src, 0), SNAP_OK);
    snap_strategy out;
    assert_int_equal(snapshot_throttle_read(ops, s, 0, &out), SNAP_OK);
    memset(&out, 0xff, sizeof out);
    read_expect(ops, s, 0, SNAP_OK, 1);
    snapshot_throttle_destroy(ops, s);
}

int main(void)
{
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_create_enomem),
        cmocka_unit_test(test_einval),
        cmocka_unit_test(test_first_read_builds),
        cmocka_unit_test(test_burst_trailing),
        cmocka_unit_test(test_window_boundary),
        cmocka_unit_test(test_read_without_ticks),
        cmocka_unit_test(test_fail_without_snapshot),
        cmocka_unit_test(test_fail_with_snapshot),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_extreme_times),
        cmocka_unit_test(test_read_copies),
    };
    return PBT_RUN_BOTH("snapshot_throttle", each, &snapshot_throttle_naive,
                        &snapshot_throttle_optimized) ? 1 : 0;
}
