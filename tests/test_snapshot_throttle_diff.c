/*
 * snapshot_throttle differential test: thousands of seeded random
 * sequences of events, ticks and reads (windows from 1 ms to the default
 * 2000; bursts, gaps of exactly the window and one off it, long quiet
 * periods, times that repeat, go back, start at INT64_MIN, jump across
 * half the int64 range or run into INT64_MAX; collects failing while the source is "locked" or at random,
 * after scribbling on their output; create failing for lack of memory)
 * through both implementations against one source.
 *
 * The naive one is no oracle for the optimized one (it is never stale; the
 * optimized one may be, within the window), so each is judged alone by an
 * independent model the test keeps: the source's versions with their
 * (clamped) times and the snapshot each version must produce, and, per
 * implementation, the header's table of when a collect is attempted. Every
 * operation's return code and collect count must be the model's; every
 * read that returns SNAP_OK must hold the bound (naive: the current
 * version; optimized: every version at or before now - window) and be
 * exactly what the source was at that version; SNAP_STALE the last
 * successful build; SNAP_ECOLLECT only with none; after every tick that
 * returns SNAP_OK the last build holds the bound; and the optimized one's
 * builds are at least the window apart. What must agree between them: the
 * naive snapshot is the source's current state, the optimized one's
 * content is the source at its build (both checked against the model).
 */
#include <stdio.h>
#include <string.h>

#include "pairbench/snapshot_throttle.h"
#include "pb_test.h"
#include "pb_test_alloc.h"

#define SEQS     4000
#define MAX_OPS  1500
#define TASKS    12

enum { NAIVE, OPTIMIZED, IMPLS };
static const snapshot_throttle_ops *const tables[IMPLS] = { &snapshot_throttle_naive,
                                                            &snapshot_throttle_optimized };
static const char *const impl_name[IMPLS] = { "naive", "optimized" };

typedef __int128 wide;

/* What the sequences exercised, over all of them (the test fails when a
 * kind never happened: it would then check nothing). */
static long seen_rc[IMPLS][5];      /* reads by return code */
static long seen_lagging;           /* optimized SNAP_OK reads behind the source */
static long seen_tight;             /* ... exactly at the bound */
static long seen_trailing;          /* optimized builds by a tick */

/* The source: a few tasks, a version, and a lock that makes collects fail. */
typedef struct source {
    uint8_t  status[TASKS];
    uint8_t  agent[TASKS];
    uint64_t version;
    int      locked;
} source;

static void fill(const source *src, snap_strategy *out)
{
    memset(out, 0, sizeof *out);
    out->version = src->version;
    out->tasks = TASKS;
    for (int i = 0; i < TASKS; i++) {
        out->by_status[src->status[i]]++;
        out->agent_load[src->agent[i]] += src->status[i] == SNAP_RUNNING;
    }
    uint32_t ended = out->by_status[SNAP_DONE] + out->by_status[SNAP_FAILED];
    out->failure_permille = ended ? out->by_status[SNAP_FAILED] * 1000u / ended : 0;
}

/* One implementation's collect and what the model knows of it. */
typedef struct probe {
    const source *src;
    pbt_rng  fail_rng;
    int      fail_rate;         /* 1 in fail_rate calls fails at random; 0 never */
    wide     now;               /* the clamped time of the running operation */
    wide     window;
    int      throttled;
    long     calls, builds;
    int      last_failed;
    /* the model */
    int      have;              /* a successful build happened */
    int      dirty;             /* the model's DIRTY */
    wide     built_at;          /* time of the last successful build */
    uint64_t built_version;
    char     violation[200];
} probe;

static int collect(void *arg, snap_strategy *out)
{
    probe *p = arg;
    p->calls++;
    int fail = p->src->locked || (p->fail_rate && pbt_below(&p->fail_rng, (uint64_t)p->fail_rate) == 0);
    p->last_failed = fail;
    if (fail) {
        memset(out, 0xc3, sizeof *out);      /* must be discarded */
        return -5;
    }
    if (p->throttled && p->have && p->now - p->built_at < p->window && !p->violation[0])
        snprintf(p->violation, sizeof p->violation, "builds at %lld and %lld, less than"
                 " the window %lld apart", (long long)p->built_at, (long long)p->now,
                 (long long)p->window);
    fill(p->src, out);
    p->builds++;
    return 0;
}

typedef struct seq {
    pbt_where       w;
    source          src;
    probe           pr[IMPLS];
    snapshot_throttle *s[IMPLS];
    wide            clock;      /* latest time seen */
    int             clock_set;
    wide            window;
    snap_strategy   at_version[MAX_OPS + 1];   /* what each version collects */
    wide            event_time[MAX_OPS + 1];
    uint64_t        settled;    /* newest version at or before clock - window */
} seq;

static void describe(const void *arg, char *buf, size_t size)
{
    const seq *q = arg;
    snprintf(buf, size, "window=%lld clock=%lld version=%llu",
             (long long)q->window, (long long)q->clock, (unsigned long long)q->src.version);
}

static void settle(seq *q)
{
    while (q->settled < q->src.version &&
           q->event_time[q->settled + 1] <= q->clock - q->window)
        q->settled++;
}

/* The model's "due" (the header's word): no snapshot, or the window has
 * passed since the last build. */
static int model_due(const seq *q, const probe *p)
{
    return !p->have || q->clock - p->built_at >= q->window;
}

/* What the table says the operation does for implementation i: 1 when it
 * attempts a collect. kind: 'e' event, 't' tick, 'r' read. */
static int model_attempts(const seq *q, int i, char kind)
{
    const probe *p = &q->pr[i];
    if (i == NAIVE)
        return kind == 'e' || (kind == 't' && p->dirty) ||
               (kind == 'r' && (!p->have || p->dirty));
    switch (kind) {
    case 'e': return model_due(q, p);
    case 't': return p->dirty && model_due(q, p);
    default:  return !p->have || (p->dirty && model_due(q, p));
    }
}

/* Checks the collect count and the return code against the model and
 * moves the model on; returns the expected code's verdict (the rc that
 * the attempt implies: SNAP_OK or SNAP_ECOLLECT). */
static int model_step(seq *q, int i, char kind, long calls_before, int rc)
{
    probe *p = &q->pr[i];
    int attempted = model_attempts(q, i, kind);
    long made = p->calls - calls_before;
    if (made != attempted) {
        pbt_mismatch(&q->w, "%s %c: %ld collects, the table says %d", impl_name[i], kind,
                     made, attempted);
        return -1;
    }
    int ok = attempted && !p->last_failed;
    if (ok) {
        p->have = 1;
        p->dirty = 0;
        p->built_at = q->clock;
        p->built_version = q->src.version;
    } else if (attempted || kind == 'e') {
        p->dirty = 1;                        /* failed, or (optimized) deferred */
    }
    int want = attempted && p->last_failed ? SNAP_ECOLLECT : SNAP_OK;
    if (kind == 'r' && want == SNAP_ECOLLECT && p->have)
        want = SNAP_STALE;
    if (rc != want)
        pbt_mismatch(&q->w, "%s %c: returned %d, want %d", impl_name[i], kind, rc, want);
    return want;
}

/* The bound, on a version a read returned or the last build holds. */
static void check_bound(seq *q, int i, const char *what, uint64_t v)
{
    settle(q);
    if (i == NAIVE ? v != q->src.version : v < q->settled)
        pbt_mismatch(&q->w, "%s %s: version %llu, the source at %llu, version %llu is"
                     " at least the window old", impl_name[i], what, (unsigned long long)v,
                     (unsigned long long)q->src.version, (unsigned long long)q->settled);
}

static void apply_event(seq *q, pbt_rng *r)
{
    source *src = &q->src;
    int i = (int)pbt_below(r, TASKS);
    if (src->status[i] == SNAP_PENDING) {
        src->status[i] = SNAP_RUNNING;
        src->agent[i] = (uint8_t)pbt_below(r, SNAP_AGENTS);
    } else if (src->status[i] == SNAP_RUNNING) {
        src->status[i] = pbt_below(r, 4) ? SNAP_DONE : SNAP_FAILED;
    } else {
        src->status[i] = SNAP_PENDING;
    }
    src->version++;
    fill(src, &q->at_version[src->version]);
    q->event_time[src->version] = q->clock;
}

/* The next time: repeats, small steps, exactly the window and one off,
 * long quiet, a step back; clamped to int64. */
static int64_t next_time(seq *q, pbt_rng *r, int burst)
{
    wide t = q->clock, w = q->window;
    if (!burst && t < 0 && pbt_below(r, 100) == 0)    /* across half the range */
        t += (wide)INT64_MAX + 1 + (wide)pbt_below(r, 4 * (uint64_t)w);
    else switch (burst ? pbt_below(r, 3) : pbt_below(r, 10)) {
    case 0:  break;                                          /* the same ms */
    case 1:  t += (wide)pbt_below(r, (uint64_t)(w / 10 + 2)); break;
    case 2:  t += (wide)pbt_below(r, (uint64_t)(w / 3 + 2)); break;
    case 3:  t += w; break;
    case 4:  t += w - 1; break;
    case 5:  t += w + 1; break;
    case 6:  t += w * (wide)(10 + pbt_below(r, 90)); break;  /* long quiet */
    case 7:  t -= (wide)pbt_below(r, (uint64_t)(2 * w + 2)); break;   /* back */
    case 8:  t += (wide)pbt_below(r, (uint64_t)(3 * w + 1)); break;
    default: t += 1000; break;                               /* a tick's step */
    }
    if (t > INT64_MAX)
        t = INT64_MAX;
    if (t < INT64_MIN)
        t = INT64_MIN;
    return (int64_t)t;
}

static void run_seq(seq *q, pbt_rng *r, int *enomem_checked)
{
    static const int64_t windows[] = { 1, 2, 3, 10, 100, 1000, 2000, 0 };
    int64_t window = windows[pbt_below(r, PBT_ARRAY_LEN(windows))];
    q->window = window ? window : SNAP_WINDOW_MS_DEFAULT;
    size_t len = pbt_octave_size(r, pbt_below(r, 11), MAX_OPS);
    int fail_mode = (int)pbt_below(r, 5);       /* 0, 1: none; 2, 3: locks; 4: random */
    int start = (int)pbt_below(r, 8);
    int64_t t0 = start == 0 ? INT64_MIN : start == 1 ? INT64_MAX - 5000
               : (int64_t)pbt_below(r, 1u << 20) - (1 << 19);
    for (int i = 0; i < TASKS; i++)
        q->src.status[i] = (uint8_t)pbt_below(r, SNAP_STATUSES);
    fill(&q->src, &q->at_version[0]);
    q->event_time[0] = t0;

    snap_options o = { .collect = collect, .window_ms = window };
    for (int i = 0; i < IMPLS; i++) {
        probe *p = &q->pr[i];
        p->src = &q->src;
        p->fail_rng.s = pbt_next(r);
        p->fail_rate = fail_mode == 4 ? 2 + (int)pbt_below(r, 6) : 0;
        p->window = q->window;
        p->throttled = i == OPTIMIZED;
        o.collect_arg = p;
        int no_memory = pbt_below(r, 8) == 0;   /* drawn always: one stream per seed */
        if (PBT_FAIL_INJECTION && no_memory) {
            /* create without memory: ENOMEM, nothing made, then again */
            q->s[i] = (snapshot_throttle *)p;
            pbt_fail_at(0);
            int rc = snapshot_throttle_create(tables[i], &q->s[i], &o);
            pbt_fail_never();
            if (rc != SNAP_ENOMEM || q->s[i] != NULL)
                pbt_mismatch(&q->w, "%s create without memory: %d", impl_name[i], rc);
            (*enomem_checked)++;
        }
        int rc = snapshot_throttle_create(tables[i], &q->s[i], &o);
        if (rc != SNAP_OK)
            pbt_mismatch(&q->w, "%s create: %d", impl_name[i], rc);
    }

    int burst = 0;
    for (size_t step = 0; step < len; step++) {
        q->w.step = step;
        if (pbt_below(r, 50) == 0)
            burst = !burst;                      /* bursts come and go */
        int64_t t = next_time(q, r, burst);
        if (!q->clock_set || t > q->clock) {
            q->clock = t;
            q->clock_set = 1;
        }
        for (int i = 0; i < IMPLS; i++)
            q->pr[i].now = q->clock;
        if ((fail_mode == 2 || fail_mode == 3) && pbt_below(r, 12) == 0)
            q->src.locked = !q->src.locked;
        uint64_t k = pbt_below(r, 20);
        char kind = k < 10 || burst ? 'e' : k < 14 ? 't' : 'r';
        if (kind == 'e' && q->src.version == MAX_OPS)
            kind = 'r';
        q->w.op = kind == 'e' ? "event" : kind == 't' ? "tick" : "read";
        if (kind == 'e')
            apply_event(q, r);
        for (int i = 0; i < IMPLS; i++) {
            probe *p = &q->pr[i];
            long before = p->calls;
            snap_strategy out;
            memset(&out, 0x7e, sizeof out);
            int rc = kind == 'e' ? snapshot_throttle_on_event(tables[i], q->s[i], t)
                   : kind == 't' ? snapshot_throttle_tick(tables[i], q->s[i], t)
                                 : snapshot_throttle_read(tables[i], q->s[i], t, &out);
            int want = model_step(q, i, kind, before, rc);
            if (want < 0 || rc != want)
                return;
            if (i == OPTIMIZED && kind == 't' && p->calls > before && rc == SNAP_OK)
                seen_trailing++;
            if (kind == 't' && rc == SNAP_OK && p->have)
                check_bound(q, i, "tick: the last build", p->built_version);
            if (kind != 'r')
                continue;
            seen_rc[i][rc]++;
            if (rc == SNAP_ECOLLECT) {
                snap_strategy untouched;
                memset(&untouched, 0x7e, sizeof untouched);
                if (memcmp(&out, &untouched, sizeof out) != 0)
                    pbt_mismatch(&q->w, "%s read: SNAP_ECOLLECT wrote *out", impl_name[i]);
                continue;
            }
            if (out.version != p->built_version ||
                memcmp(&out, &q->at_version[p->built_version], sizeof out) != 0) {
                pbt_mismatch(&q->w, "%s read %d: version %llu, not the source at version"
                             " %llu, its last build", impl_name[i], rc,
                             (unsigned long long)out.version,
                             (unsigned long long)p->built_version);
                return;
            }
            if (rc == SNAP_OK)
                check_bound(q, i, "read", out.version);
            if (i == OPTIMIZED && rc == SNAP_OK && out.version < q->src.version) {
                seen_lagging++;
                seen_tight += out.version == q->settled;
            }
        }
        for (int i = 0; i < IMPLS; i++)
            if (q->pr[i].violation[0]) {
                pbt_mismatch(&q->w, "%s: %s", impl_name[i], q->pr[i].violation);
                return;
            }
    }
}

static void test_differential(void **state)
{
    (void)state;
    pbt_rng r = { 0x736e6170646966ULL };
    static seq q;
    long builds[IMPLS] = { 0, 0 }, calls[IMPLS] = { 0, 0 }, events = 0;
    int enomem = 0;
    for (unsigned n = 0; n < SEQS; n++) {
        memset(&q, 0, sizeof q);
        q.w = (pbt_where){ .test = "snapshot_throttle_diff", .seq = n, .seed = pbt_next(&r),
                           .describe = describe, .arg = &q };
        pbt_rng sr = { q.w.seed };
        run_seq(&q, &sr, &enomem);
        events += (long)q.src.version;
        for (int i = 0; i < IMPLS; i++) {
            builds[i] += q.pr[i].builds;
            calls[i] += q.pr[i].calls;
            snapshot_throttle_destroy(tables[i], q.s[i]);
        }
    }
    print_message("    %d sequences, %ld events: builds naive %ld, optimized %ld;"
                  " collects %ld, %ld; %d creates without memory\n", SEQS, events,
                  builds[NAIVE], builds[OPTIMIZED], calls[NAIVE], calls[OPTIMIZED], enomem);
    print_message("    reads OK/STALE/ECOLLECT: naive %ld/%ld/%ld, optimized %ld/%ld/%ld;"
                  " optimized reads behind the source %ld (%ld at the bound exactly),"
                  " trailing builds by a tick %ld\n", seen_rc[NAIVE][SNAP_OK],
                  seen_rc[NAIVE][SNAP_STALE], seen_rc[NAIVE][SNAP_ECOLLECT],
                  seen_rc[OPTIMIZED][SNAP_OK], seen_rc[OPTIMIZED][SNAP_STALE],
                  seen_rc[OPTIMIZED][SNAP_ECOLLECT], seen_lagging, seen_tight, seen_trailing);
    assert_true(builds[OPTIMIZED] < builds[NAIVE]);
    for (int i = 0; i < IMPLS; i++) {
        assert_true(seen_rc[i][SNAP_OK] > 0);
        assert_true(seen_rc[i][SNAP_STALE] > 0);
        assert_true(seen_rc[i][SNAP_ECOLLECT] > 0);
    }
    assert_true(seen_lagging > 0 && seen_tight > 0 && seen_trailing > 0);
    assert_true(enomem > 0 || !PBT_FAIL_INJECTION);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_differential) };
    return cmocka_run_group_tests_name("snapshot_throttle differential", tests, NULL, NULL)
               ? 1 : 0;
}
