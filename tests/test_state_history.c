/*
 * Unit tests of state_history, run once against every implementation: the
 * same test list is run as one cmocka group per ops table (the group setup
 * puts the ops table in the test state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/state_history.h"
#include "pb_test.h"

_Static_assert(sizeof(app_state) == 72, "app_state is 72 bytes without padding");
_Static_assert(offsetof(app_state_update, label) + APP_STATE_LABEL_MAX == sizeof(app_state_update),
               "the label ends app_state_update");

/* ---- helpers -------------------------------------------------------------- */

static const state_history_ops *ops_of(void **state)
{
    return (const state_history_ops *)*state;
}

static app_state make_state(int64_t version, const char *label)
{
    app_state s;
    memset(&s, 0, sizeof s);
    s.version = version;
    s.last_updated_ms = 1700000000000;
    s.active = 3;
    s.queued = 7;
    s.completed = 100;
    s.failed = 2;
    s.rejected = 1;
    s.mode = 1;
    snprintf(s.label, sizeof s.label, "%s", label);
    return s;
}

static void assert_state_equal(const app_state *a, const app_state *b)
{
    assert_true(a->version == b->version);
    assert_true(a->last_updated_ms == b->last_updated_ms);
    assert_int_equal(a->active, b->active);
    assert_int_equal(a->queued, b->queued);
    assert_int_equal(a->completed, b->completed);
    assert_int_equal(a->failed, b->failed);
    assert_int_equal(a->rejected, b->rejected);
    assert_int_equal(a->mode, b->mode);
    assert_memory_equal(a->label, b->label, APP_STATE_LABEL_MAX);
}

static app_state current_of(const state_history_ops *o, const state_history *h)
{
    app_state s;
    memset(&s, 0xcd, sizeof s);
    state_history_current(o, h, &s);
    return s;
}

/* An update of the masked fields with values derived from k, so that the
 * state written by update k can be recomputed: see expect_fields(). */
static app_state_update update_k(unsigned fields, uint32_t k)
{
    app_state_update u;
    memset(&u, 0, sizeof u);
    u.fields = fields;
    u.active = k;
    u.queued = 3 * k + 1;
    u.completed = 5 * k + 2;
    u.failed = k / 7;
    u.rejected = k / 3;
    u.mode = (int32_t)(k % 5) - 2;
    snprintf(u.label, sizeof u.label, "model-%u", k);
    return u;
}

static void update_ok(const state_history_ops *o, state_history *h,
                      const app_state_update *u, int64_t now_ms)
{
    assert_int_equal(state_history_update(o, h, u, now_ms), SH_OK);
}

/* Records what history() shows: states and indices, up to cap, and stops
 * when the index reaches stop_at. */
typedef struct recorder {
    app_state *states;
    size_t    *indices;
    size_t     n, cap;
    size_t     stop_at;      /* SIZE_MAX: never stop */
    void      *self;         /* must equal the recorder: arg is passed through */
} recorder;

static int record(const app_state *s, size_t index, void *arg)
{
    recorder *r = arg;
    assert_ptr_equal(r->self, r);
    assert_true(r->n < r->cap);
    r->states[r->n] = *s;
    r->indices[r->n] = index;
    r->n++;
    return index == r->stop_at;
}

static recorder *recorder_new(size_t cap, size_t stop_at)
{
    recorder *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->states = calloc(cap + 1, sizeof *r->states);
    r->indices = calloc(cap + 1, sizeof *r->indices);
    assert_non_null(r->states);
    assert_non_null(r->indices);
    r->cap = cap + 1;
    r->stop_at = stop_at;
    r->self = r;
    return r;
}

static void recorder_free(recorder *r)
{
    free(r->states);
    free(r->indices);
    free(r);
}

/* The history is exactly want[0..n), oldest first, through history() and
 * through history_at(); history_at(n) is ENOENT. */
static void assert_history(const state_history_ops *o, const state_history *h,
                           const app_state *want, size_t n)
{
    assert_int_equal(state_history_len(o, h), n);
    recorder *r = recorder_new(n, SIZE_MAX);
    assert_int_equal(state_history_visit(o, h, record, r), n);
    assert_int_equal(r->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r->indices[i], i);
        assert_state_equal(&r->states[i], &want[i]);
        app_state got;
        assert_int_equal(state_history_at(o, h, i, &got), SH_OK);
        assert_state_equal(&got, &want[i]);
    }
    app_state got;
    assert_int_equal(state_history_at(o, h, n, &got), SH_ENOENT);
    recorder_free(r);
}

/* The history holds versions first, first+1, ... (n of them) and history()
 * and history_at() agree on them. */
static void assert_history_versions(const state_history_ops *o, const state_history *h,
                                    int64_t first, size_t n)
{
    assert_int_equal(state_history_len(o, h), n);
    recorder *r = recorder_new(n, SIZE_MAX);
    assert_int_equal(state_history_visit(o, h, record, r), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r->indices[i], i);
        assert_true(r->states[i].version == first + (int64_t)i);
        app_state got;
        assert_int_equal(state_history_at(o, h, i, &got), SH_OK);
        assert_state_equal(&got, &r->states[i]);
    }
    recorder_free(r);
}

/* A state_history_update whose label has no NUL, at the very end of a heap
 * block, so that ASan catches any read past APP_STATE_LABEL_MAX. */
static app_state_update *update_no_nul(unsigned fields)
{
    app_state_update *u = malloc(sizeof *u);
    assert_non_null(u);
    *u = update_k(fields, 9);
    memset(u->label, 'L', APP_STATE_LABEL_MAX);
    return u;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_name(void **state)
{
    const state_history_ops *o = ops_of(state);
    assert_true(strcmp(o->name, "naive") == 0 || strcmp(o->name, "optimized") == 0);
}

static void test_create_invalid(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(1, "idle");
    assert_null(state_history_create(o, &init, 0));
    assert_null(state_history_create(o, NULL, 100));

    app_state *bad = malloc(sizeof *bad);   /* label last: ASan sees overreads */
    assert_non_null(bad);
    *bad = init;
    memset(bad->label, 'x', APP_STATE_LABEL_MAX);
    assert_null(state_history_create(o, bad, 100));
    bad->label[APP_STATE_LABEL_MAX - 1] = '\0';   /* 31 characters: valid */
    state_history *h = state_history_create(o, bad, 100);
    assert_non_null(h);
    app_state cur = current_of(o, h);
    assert_memory_equal(cur.label, bad->label, APP_STATE_LABEL_MAX);
    state_history_destroy(o, h);
    free(bad);

    h = state_history_create(o, &init, 1);
    assert_non_null(h);
    state_history_destroy(o, h);
    state_history_destroy(o, NULL);
}

static void test_initial_state(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(41, "llama3");
    init.last_updated_ms = -5;
    init.active = UINT32_MAX;
    init.mode = INT32_MIN;
    memcpy(init.label + 7, "garbage", 7);      /* after the NUL: not kept */
    state_history *h = state_history_create(o, &init, 100);
    assert_non_null(h);
    init.active = 0;                            /* the history keeps its own copy */

    app_state cur = current_of(o, h);
    app_state want = make_state(41, "llama3");
    want.last_updated_ms = -5;
    want.active = UINT32_MAX;
    want.mode = INT32_MIN;
    assert_state_equal(&cur, &want);
    for (size_t i = strlen("llama3"); i < APP_STATE_LABEL_MAX; i++)
        assert_int_equal(cur.label[i], 0);

    /* Empty history. */
    assert_int_equal(state_history_len(o, h), 0);
    recorder *r = recorder_new(0, SIZE_MAX);
    assert_int_equal(state_history_visit(o, h, record, r), 0);
    assert_int_equal(r->n, 0);
    recorder_free(r);
    app_state out, blank;
    memset(&out, 0x5a, sizeof out);
    blank = out;
    assert_int_equal(state_history_at(o, h, 0, &out), SH_ENOENT);
    assert_memory_equal(&out, &blank, sizeof out);

    /* current is a copy. */
    cur.version = 0;
    cur = current_of(o, h);
    assert_true(cur.version == 41);
    state_history_destroy(o, h);
}

static void test_version_and_clock(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(10, "idle");
    state_history *h = state_history_create(o, &init, 100);
    app_state want[6];
    want[0] = init;
    app_state_update u = update_k(0, 0);        /* empty mask */
    for (int i = 1; i <= 5; i++) {
        update_ok(o, h, &u, 2000 + 10 * i);
        want[i] = init;
        want[i].version = 10 + i;
        want[i].last_updated_ms = 2000 + 10 * i;
        app_state cur = current_of(o, h);
        assert_state_equal(&cur, &want[i]);
        assert_history(o, h, want, (size_t)i);
    }
    /* The clock is injected: it may stand still or go back. */
    update_ok(o, h, &u, 2050);
    update_ok(o, h, &u, INT64_MIN);
    app_state cur = current_of(o, h);
    assert_true(cur.version == 17);
    assert_true(cur.last_updated_ms == INT64_MIN);
    app_state prev;
    assert_int_equal(state_history_at(o, h, 6, &prev), SH_OK);
    assert_true(prev.version == 16 && prev.last_updated_ms == 2050);
    state_history_destroy(o, h);
}

static void test_masked_fields_only(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "idle");
    state_history *h = state_history_create(o, &init, 100);
    app_state want = init;
    app_state hist[16];
    size_t n = 0;

    for (unsigned bit = 0; bit < 7; bit++) {
        unsigned f = 1u << bit;
        app_state_update u = update_k(f, 1000 + bit);
        hist[n++] = want;
        update_ok(o, h, &u, 5000 + bit);
        want.version++;
        want.last_updated_ms = 5000 + bit;
        switch (f) {
        case APP_STATE_UPDATE_ACTIVE:    want.active = u.active; break;
        case APP_STATE_UPDATE_QUEUED:    want.queued = u.queued; break;
        case APP_STATE_UPDATE_COMPLETED: want.completed = u.completed; break;
        case APP_STATE_UPDATE_FAILED:    want.failed = u.failed; break;
        case APP_STATE_UPDATE_REJECTED:  want.rejected = u.rejected; break;
        case APP_STATE_UPDATE_MODE:      want.mode = u.mode; break;
        default:
            memset(want.label, 0, sizeof want.label);
            strcpy(want.label, u.label);
            break;
        }
        app_state cur = current_of(o, h);
        assert_state_equal(&cur, &want);
    }
    /* Two fields at once; the unmasked ones keep their values. */
    app_state_update u = update_k(APP_STATE_UPDATE_ACTIVE | APP_STATE_UPDATE_FAILED, 77);
    u.queued = 999999;
    hist[n++] = want;
    update_ok(o, h, &u, 6000);
    want.version++;
    want.last_updated_ms = 6000;
    want.active = 77;
    want.failed = 11;
    app_state cur = current_of(o, h);
    assert_state_equal(&cur, &want);
    /* Everything. */
    u = update_k(APP_STATE_UPDATE_ALL, 5);
    hist[n++] = want;
    update_ok(o, h, &u, 6001);
    app_state all = { .version = want.version + 1, .last_updated_ms = 6001,
                      .active = 5, .queued = 16, .completed = 27, .failed = 0,
                      .rejected = 1, .mode = -2, .label = "model-5" };
    cur = current_of(o, h);
    assert_state_equal(&cur, &all);
    assert_history(o, h, hist, n);
    state_history_destroy(o, h);
}

static void test_labels(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "first");
    state_history *h = state_history_create(o, &init, 4);
    app_state_update u = update_k(APP_STATE_UPDATE_LABEL, 0);

    /* Bytes after the NUL are ignored and come back as zeros. */
    memset(u.label, 'z', sizeof u.label);
    memcpy(u.label, "ab\0", 3);
    update_ok(o, h, &u, 1);
    app_state cur = current_of(o, h);
    char want[APP_STATE_LABEL_MAX] = "ab";
    assert_memory_equal(cur.label, want, sizeof want);

    /* Empty, and the longest (31 characters). */
    memset(u.label, 0, sizeof u.label);
    update_ok(o, h, &u, 2);
    cur = current_of(o, h);
    memset(want, 0, sizeof want);
    assert_memory_equal(cur.label, want, sizeof want);
    memset(u.label, 'm', APP_STATE_LABEL_MAX - 1);
    u.label[APP_STATE_LABEL_MAX - 1] = '\0';
    update_ok(o, h, &u, 3);
    cur = current_of(o, h);
    assert_memory_equal(cur.label, u.label, sizeof want);

    /* Without the label bit the label bytes are not read at all. */
    app_state_update *nn = update_no_nul(APP_STATE_UPDATE_MODE);
    update_ok(o, h, nn, 4);
    cur = current_of(o, h);
    assert_memory_equal(cur.label, u.label, sizeof want);
    assert_int_equal(cur.mode, nn->mode);

    /* The history holds the earlier labels. */
    app_state got;
    assert_int_equal(state_history_at(o, h, 0, &got), SH_OK);
    char first[APP_STATE_LABEL_MAX] = "first";
    assert_memory_equal(got.label, first, sizeof first);
    assert_int_equal(state_history_at(o, h, 1, &got), SH_OK);
    char ab[APP_STATE_LABEL_MAX] = "ab";
    assert_memory_equal(got.label, ab, sizeof ab);
    free(nn);
    state_history_destroy(o, h);
}

static void test_cap_one(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(100, "one");
    state_history *h = state_history_create(o, &init, 1);
    assert_history(o, h, NULL, 0);
    app_state prev = init;
    for (uint32_t k = 0; k < 50; k++) {
        app_state_update u = update_k(k % 2 ? APP_STATE_UPDATE_ALL : APP_STATE_UPDATE_QUEUED, k);
        update_ok(o, h, &u, 10 + k);
        assert_history(o, h, &prev, 1);
        prev = current_of(o, h);
        assert_true(prev.version == 101 + (int64_t)k);
    }
    state_history_destroy(o, h);
}

static void test_cap_100_reached_and_passed(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "seed-cap");
    state_history *h = state_history_create(o, &init, 100);
    app_state all[260];
    all[0] = init;
    for (uint32_t k = 1; k <= 250; k++) {
        app_state_update u = update_k(APP_STATE_UPDATE_ACTIVE | APP_STATE_UPDATE_LABEL, k);
        update_ok(o, h, &u, 1000 + k);
        all[k] = current_of(o, h);
        size_t n = k < 100 ? k : 100;
        if (k == 99 || k == 100 || k == 101 || k == 150 || k == 199 || k == 200 || k == 250) {
            /* The last n previous states, oldest first. */
            assert_history(o, h, &all[k - n], n);
        }
        assert_int_equal(state_history_len(o, h), n);
    }
    app_state got;
    assert_int_equal(state_history_at(o, h, 0, &got), SH_OK);
    assert_true(got.version == 150);
    assert_int_equal(got.active, 150);
    assert_int_equal(state_history_at(o, h, 99, &got), SH_OK);
    assert_true(got.version == 249);
    assert_int_equal(state_history_at(o, h, 100, &got), SH_ENOENT);
    state_history_destroy(o, h);
}

/* Caps 1..20, 0..3*cap+2 updates: after every update the whole history,
 * through history() and history_at(), and every early stop of history(), so
 * that every position of the ring's wrap point is read across. */
static void test_reads_across_wrap(void **state)
{
    const state_history_ops *o = ops_of(state);
    for (size_t cap = 1; cap <= 20; cap++) {
        app_state init = make_state(1000, "wrap");
        state_history *h = state_history_create(o, &init, cap);
        assert_non_null(h);
        for (size_t k = 1; k <= 3 * cap + 2; k++) {
            app_state_update u = update_k(APP_STATE_UPDATE_COMPLETED, (uint32_t)k);
            update_ok(o, h, &u, (int64_t)k);
            size_t n = k < cap ? k : cap;
            int64_t first = 1000 + (int64_t)(k - n);
            assert_history_versions(o, h, first, n);
            for (size_t stop = 0; stop < n; stop++) {
                recorder *r = recorder_new(n, stop);
                assert_int_equal(state_history_visit(o, h, record, r), stop + 1);
                assert_int_equal(r->n, stop + 1);
                for (size_t i = 0; i <= stop; i++) {
                    assert_int_equal(r->indices[i], i);
                    assert_true(r->states[i].version == first + (int64_t)i);
                    /* update j wrote completed = 5j + 2 into version 1000 + j */
                    int64_t j = r->states[i].version - 1000;
                    assert_int_equal(r->states[i].completed, j == 0 ? 100 : 5 * (uint32_t)j + 2);
                }
                recorder_free(r);
            }
        }
        state_history_destroy(o, h);
    }
}

static void test_early_stop(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "stop");
    state_history *h = state_history_create(o, &init, 10);
    app_state_update u = update_k(0, 0);
    for (int i = 0; i < 6; i++)
        update_ok(o, h, &u, i);

    size_t stops[] = { 0, 2, 5 };
    for (size_t s = 0; s < 3; s++) {
        recorder *r = recorder_new(6, stops[s]);
        assert_int_equal(state_history_visit(o, h, record, r), stops[s] + 1);
        assert_int_equal(r->n, stops[s] + 1);
        recorder_free(r);
    }
    /* NULL visits nothing. */
    assert_int_equal(state_history_visit(o, h, NULL, NULL), 0);
    /* The history is intact after stopped walks. */
    assert_history_versions(o, h, 0, 6);
    state_history_destroy(o, h);
}

static void test_history_at_out_of_range(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "range");
    state_history *h = state_history_create(o, &init, 3);
    app_state_update u = update_k(0, 0);
    app_state out, blank;
    memset(&blank, 0x77, sizeof blank);
    size_t bad[] = { 0, 1, 3, 4, SIZE_MAX / 2, SIZE_MAX };
    for (int round = 0; round < 5; round++) {
        size_t n = state_history_len(o, h);
        for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
            if (bad[b] < n)
                continue;
            out = blank;
            assert_int_equal(state_history_at(o, h, bad[b], &out), SH_ENOENT);
            assert_memory_equal(&out, &blank, sizeof out);
        }
        if (n > 0) {
            assert_int_equal(state_history_at(o, h, n - 1, &out), SH_OK);
            assert_true(out.version == (int64_t)round - 1);
        }
        assert_int_equal(state_history_at(o, h, 0, NULL), SH_EINVAL);
        update_ok(o, h, &u, round);
    }
    state_history_destroy(o, h);
}

static void test_invalid_updates_change_nothing(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "steady");
    for (size_t cap = 1; cap <= 4; cap += 3) {
        state_history *h = state_history_create(o, &init, cap);
        app_state hist[8];
        size_t n = 0;
        for (uint32_t k = 0; k < 6; k++) {
            if (n == cap) {
                memmove(hist, hist + 1, (cap - 1) * sizeof *hist);
                n--;
            }
            hist[n++] = current_of(o, h);
            app_state_update u = update_k(APP_STATE_UPDATE_ALL, k);
            update_ok(o, h, &u, k);
        }
        app_state before = current_of(o, h);

        unsigned bad_masks[] = { APP_STATE_UPDATE_ALL + 1, 1u << 7, 1u << 31,
                                 APP_STATE_UPDATE_ACTIVE | (1u << 12), ~0u };
        for (size_t b = 0; b < sizeof bad_masks / sizeof *bad_masks; b++) {
            app_state_update u = update_k(bad_masks[b], 4242);
            assert_int_equal(state_history_update(o, h, &u, 99999), SH_EINVAL);
        }
        app_state_update *nn = update_no_nul(APP_STATE_UPDATE_LABEL | APP_STATE_UPDATE_ACTIVE);
        assert_int_equal(state_history_update(o, h, nn, 99999), SH_EINVAL);
        nn->fields = APP_STATE_UPDATE_ALL;
        assert_int_equal(state_history_update(o, h, nn, 99999), SH_EINVAL);
        free(nn);
        assert_int_equal(state_history_update(o, h, NULL, 99999), SH_EINVAL);

        app_state after = current_of(o, h);
        assert_state_equal(&after, &before);
        assert_history(o, h, hist, n);

        /* The next valid update bumps the version by exactly one. */
        app_state_update u = update_k(0, 0);
        update_ok(o, h, &u, 7);
        after = current_of(o, h);
        assert_true(after.version == before.version + 1);
        state_history_destroy(o, h);
    }
}

static void test_version_wraps(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(INT64_MAX - 1, "wrap");
    state_history *h = state_history_create(o, &init, 2);
    app_state_update u = update_k(0, 0);
    update_ok(o, h, &u, 1);
    update_ok(o, h, &u, 2);
    app_state cur = current_of(o, h);
    assert_true(cur.version == INT64_MIN);
    app_state got;
    assert_int_equal(state_history_at(o, h, 1, &got), SH_OK);
    assert_true(got.version == INT64_MAX);
    state_history_destroy(o, h);
}

static void test_copies_not_views(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "copy");
    state_history *h = state_history_create(o, &init, 5);
    app_state_update u = update_k(APP_STATE_UPDATE_QUEUED, 1);
    update_ok(o, h, &u, 1);
    u.queued = 123;                      /* the update is not kept either */
    app_state got;
    assert_int_equal(state_history_at(o, h, 0, &got), SH_OK);
    got.queued = 555;
    assert_int_equal(state_history_at(o, h, 0, &got), SH_OK);
    assert_int_equal(got.queued, 7);
    app_state cur = current_of(o, h);
    assert_int_equal(cur.queued, 4);
    state_history_destroy(o, h);
}

/* A large cap, passed 2.5 times, every state's contents checked. */
static void test_large_cap(void **state)
{
    const state_history_ops *o = ops_of(state);
    enum { CAP = 10000, UPDATES = 25000 };
    app_state init = make_state(0, "big");
    state_history *h = state_history_create(o, &init, CAP);
    for (uint32_t k = 1; k <= UPDATES; k++) {
        app_state_update u = update_k(APP_STATE_UPDATE_ACTIVE | APP_STATE_UPDATE_LABEL, k);
        update_ok(o, h, &u, k);
    }
    assert_history_versions(o, h, UPDATES - CAP, CAP);
    for (size_t i = 0; i < CAP; i += 37) {
        app_state got;
        assert_int_equal(state_history_at(o, h, i, &got), SH_OK);
        uint32_t k = (uint32_t)(UPDATES - CAP + i);
        char label[APP_STATE_LABEL_MAX] = { 0 };
        snprintf(label, sizeof label, "model-%u", k);
        assert_int_equal(got.active, k);
        assert_true(got.last_updated_ms == (int64_t)k);
        assert_memory_equal(got.label, label, sizeof label);
    }
    state_history_destroy(o, h);
}

/* A cap far beyond what is ever used costs nothing up front. */
static void test_huge_cap(void **state)
{
    const state_history_ops *o = ops_of(state);
    app_state init = make_state(0, "huge");
    state_history *h = state_history_create(o, &init, SIZE_MAX);
    assert_non_null(h);
    app_state_update u = update_k(0, 0);
    for (int i = 0; i < 1000; i++)
        update_ok(o, h, &u, i);
    assert_history_versions(o, h, 0, 1000);
    state_history_destroy(o, h);
}

/* ---- runner ----------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_create_invalid),
        cmocka_unit_test(test_initial_state),
        cmocka_unit_test(test_version_and_clock),
        cmocka_unit_test(test_masked_fields_only),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_cap_one),
        cmocka_unit_test(test_cap_100_reached_and_passed),
        cmocka_unit_test(test_reads_across_wrap),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_history_at_out_of_range),
        cmocka_unit_test(test_invalid_updates_change_nothing),
        cmocka_unit_test(test_version_wraps),
        cmocka_unit_test(test_copies_not_views),
        cmocka_unit_test(test_large_cap),
        cmocka_unit_test(test_huge_cap),
    };
    return PBT_RUN_BOTH("state_history", tests, &state_history_naive, &state_history_optimized) != 0;
}
