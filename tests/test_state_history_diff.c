/*
 * Differential test of state_history: the naive implementation is the
 * oracle of the optimized one.
 *
 * Random operation sequences (fixed seeds, splitmix64) run through both
 * implementations; every return value and every output must be identical.
 * A sequence has a history cap from 1 to 2000: fixed caps 1, 2, 64, 65, 100
 * and 2000 (twice) for the first sequences, then log-uniform by octaves
 * ([1,2), [2,4), ... [1024,2000]) so that most caps are small and about 9%
 * are 1024..2000. Its length is 0..cap+8 operations for a quarter of the
 * sequences and cap..3*cap+24 for the rest; updates are about 65% of the
 * operations, so most sequences fill the history and wrap the optimized ring
 * one or more times. The other operations are current, history_len,
 * history_at (in range, just past the end, huge indices) and history() with
 * no stop, a stop anywhere, or a stop in the first few states. Updates
 * carry random masks (empty, single bits, all bits, unknown bits, random
 * words), random values, random labels (empty, 31 characters, garbage after
 * the NUL, and 32 bytes without a NUL in a heap block that ends there, so
 * that ASan sees an overread), the occasional NULL update, and a clock that
 * mostly advances but sometimes jumps anywhere. Initial versions include
 * values next to INT64_MAX (the version wraps). Some sequences first try
 * invalid creates (cap 0, NULL, label without a NUL): both must refuse.
 *
 * The full observable state (current, history_len, the whole history through
 * history() and through history_at() for every index, history_at(len)) is
 * compared after every operation while the history holds at most 64 states,
 * every cap/8 operations above that, and at the end of each sequence. Besides
 * naive == optimized, the test checks what it can know on its own: the
 * history length is min(successful updates, cap), versions are consecutive,
 * the newest previous state is the current state before the last update, and
 * label bytes after the NUL are zero.
 *
 * On a mismatch the test prints the sequence's seed, number, cap, operation
 * index and what differed, then fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/state_history.h"
#include "pb_test.h"

#define N_SEQUENCES       10000
#define CAP_MAX           2000
#define FULL_CHECK_BELOW  64

static const state_history_ops *const A = &state_history_naive;      /* oracle */
static const state_history_ops *const B = &state_history_optimized;

/* ---- sequence context and mismatch reporting ----------------------------- */

/* What one history() call showed. */
typedef struct walk {
    app_state *states;       /* cap entries */
    size_t    *indices;
    size_t     n, cap;
    size_t     stop_at;      /* SIZE_MAX: never stop */
    int        overflow;     /* the walk went past cap states */
} walk;

typedef struct ctx {
    pbt_rng     r;
    pbt_where   at;         /* seed, seq, step, op: what a mismatch prints */
    size_t      cap;
    size_t      n_ops;

    state_history *a, *b;
    walk        wa, wb;
    app_state_update *u;      /* heap block of exactly one update: label last */
    int64_t     clock;
    size_t      updates_ok;   /* successful updates in this sequence */

    unsigned long long ops_done, updates, updates_rejected, walks, reads_at;
    unsigned long long full_checks, wraps_seen;
} ctx;

/* What a mismatch prints besides seed, seq, step and op. */
static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "cap=%zu n_ops=%zu", c->cap, c->n_ops);
}

/* NULL when equal, else the name of the first differing field. */
static const char *state_diff(const app_state *x, const app_state *y)
{
    if (x->version != y->version)
        return "version";
    if (x->last_updated_ms != y->last_updated_ms)
        return "last_updated_ms";
    if (x->active != y->active)
        return "active";
    if (x->queued != y->queued)
        return "queued";
    if (x->completed != y->completed)
        return "completed";
    if (x->failed != y->failed)
        return "failed";
    if (x->rejected != y->rejected)
        return "rejected";
    if (x->mode != y->mode)
        return "mode";
    if (memcmp(x->label, y->label, APP_STATE_LABEL_MAX) != 0)
        return "label";
    return NULL;
}

static void check_rc(const ctx *c, int ra, int rb)
{
    if (ra != rb)
        pbt_mismatch(&c->at, "return code: naive %d, optimized %d", ra, rb);
}

/* A stored label has a NUL and only zeros after it. */
static void check_label(const ctx *c, const char *what, const app_state *s)
{
    const char *nul = memchr(s->label, '\0', APP_STATE_LABEL_MAX);
    if (nul == NULL)
        pbt_mismatch(&c->at, "%s: label without a NUL", what);
    for (const char *p = nul; p < s->label + APP_STATE_LABEL_MAX; p++)
        if (*p != '\0')
            pbt_mismatch(&c->at, "%s: non-zero label byte after the NUL", what);
}

/* ---- history() ------------------------------------------------------------- */

static int record(const app_state *s, size_t index, void *arg)
{
    walk *w = arg;
    if (w->n == w->cap) {
        w->overflow = 1;
        return 1;
    }
    w->states[w->n] = *s;
    w->indices[w->n] = index;
    w->n++;
    return index == w->stop_at;
}

/* Walks both histories with the same stop and compares everything seen.
 * Returns the number visited. */
static size_t cmp_walk(ctx *c, size_t stop_at)
{
    c->wa.n = c->wb.n = 0;
    c->wa.overflow = c->wb.overflow = 0;
    c->wa.stop_at = c->wb.stop_at = stop_at;
    size_t na = state_history_visit(A, c->a, record, &c->wa);
    size_t nb = state_history_visit(B, c->b, record, &c->wb);
    if (c->wa.overflow || c->wb.overflow)
        pbt_mismatch(&c->at, "history(): more than cap=%zu states visited", c->cap);
    if (na != nb)
        pbt_mismatch(&c->at, "history(stop %zu): naive returned %zu, optimized %zu", stop_at, na, nb);
    if (c->wa.n != na || c->wb.n != nb)
        pbt_mismatch(&c->at, "history(stop %zu): returned %zu/%zu but visited %zu/%zu",
                     stop_at, na, nb, c->wa.n, c->wb.n);
    for (size_t i = 0; i < na; i++) {
        if (c->wa.indices[i] != i || c->wb.indices[i] != i)
            pbt_mismatch(&c->at, "history(): call %zu got index %zu (naive), %zu (optimized)",
                         i, c->wa.indices[i], c->wb.indices[i]);
        const char *f = state_diff(&c->wa.states[i], &c->wb.states[i]);
        if (f != NULL)
            pbt_mismatch(&c->at, "history(): state %zu differs in %s", i, f);
    }
    c->walks++;
    return na;
}

/* ---- observable state ------------------------------------------------------ */

static void cmp_len(ctx *c)
{
    size_t na = state_history_len(A, c->a), nb = state_history_len(B, c->b);
    if (na != nb)
        pbt_mismatch(&c->at, "history_len: naive %zu, optimized %zu", na, nb);
}

static void cmp_current(ctx *c, app_state *out)
{
    app_state ca, cb;
    memset(&ca, 0xa5, sizeof ca);
    memset(&cb, 0x5a, sizeof cb);
    state_history_current(A, c->a, &ca);
    state_history_current(B, c->b, &cb);
    const char *f = state_diff(&ca, &cb);
    if (f != NULL)
        pbt_mismatch(&c->at, "current: differs in %s", f);
    check_label(c, "current", &ca);
    if (out != NULL)
        *out = ca;
}

static void cmp_at(ctx *c, size_t i)
{
    app_state ga, gb, blank;
    memset(&blank, 0xc3, sizeof blank);
    ga = blank;
    gb = blank;
    int ra = state_history_at(A, c->a, i, &ga);
    int rb = state_history_at(B, c->b, i, &gb);
    check_rc(c, ra, rb);
    if (ra == SH_OK) {
        const char *f = state_diff(&ga, &gb);
        if (f != NULL)
            pbt_mismatch(&c->at, "history_at(%zu): differs in %s", i, f);
    } else if (memcmp(&ga, &blank, sizeof blank) != 0 || memcmp(&gb, &blank, sizeof blank) != 0) {
        pbt_mismatch(&c->at, "history_at(%zu): *out written on error %d", i, ra);
    }
    c->reads_at++;
}

/* Every observable of the two histories, and the invariants the test knows
 * on its own. O(len). */
static void check_state(ctx *c)
{
    size_t len = state_history_len(A, c->a);
    cmp_len(c);
    size_t want = c->updates_ok < c->cap ? c->updates_ok : c->cap;
    if (len != want)
        pbt_mismatch(&c->at, "history_len %zu, but min(updates %zu, cap) is %zu", len, c->updates_ok, want);
    app_state cur;
    cmp_current(c, &cur);

    if (cmp_walk(c, SIZE_MAX) != len)
        pbt_mismatch(&c->at, "history() visited fewer than history_len = %zu states", len);
    for (size_t i = 0; i < len; i++) {
        app_state ga, gb;
        if (state_history_at(A, c->a, i, &ga) != SH_OK || state_history_at(B, c->b, i, &gb) != SH_OK)
            pbt_mismatch(&c->at, "history_at(%zu) failed inside history_len %zu", i, len);
        const char *f = state_diff(&ga, &gb);
        if (f == NULL)
            f = state_diff(&ga, &c->wa.states[i]);
        if (f != NULL)
            pbt_mismatch(&c->at, "history_at(%zu) and history() differ in %s", i, f);
        check_label(c, "history", &ga);
        int64_t next = i + 1 < len ? c->wa.states[i + 1].version : cur.version;
        if ((uint64_t)next != (uint64_t)ga.version + 1u)
            pbt_mismatch(&c->at, "version of state %zu is %lld, the next one %lld",
                         i, (long long)ga.version, (long long)next);
    }
    cmp_at(c, len);
    c->full_checks++;
}

/* ---- operations ------------------------------------------------------------ */

/* A label in dst: a valid one (random non-zero bytes, garbage after the NUL)
 * or, when invalid, APP_STATE_LABEL_MAX non-zero bytes. */
static void random_label(ctx *c, char *dst, int invalid)
{
    for (size_t i = 0; i < APP_STATE_LABEL_MAX; i++)
        dst[i] = (char)(1 + pbt_mod(&c->r, 255));
    if (invalid)
        return;
    size_t r = pbt_mod(&c->r, 10);
    size_t len = r == 0 ? 0 : r == 1 ? APP_STATE_LABEL_MAX - 1
                                     : 1 + pbt_mod(&c->r, APP_STATE_LABEL_MAX - 2);
    dst[len] = '\0';
}

static unsigned random_mask(ctx *c)
{
    size_t r = pbt_mod(&c->r, 100);
    if (r < 45)
        return (unsigned)pbt_next(&c->r) & APP_STATE_UPDATE_ALL;
    if (r < 65)
        return 1u << pbt_mod(&c->r, 7);
    if (r < 73)
        return 0;
    if (r < 90)
        return APP_STATE_UPDATE_ALL;
    if (r < 96)
        return ((unsigned)pbt_next(&c->r) & APP_STATE_UPDATE_ALL) | (1u << (7 + pbt_mod(&c->r, 25)));
    return (unsigned)pbt_next(&c->r);
}

static void op_update(ctx *c)
{
    app_state_update *u = c->u;
    u->fields = random_mask(c);
    u->active = (uint32_t)pbt_mod(&c->r, 64);
    u->queued = (uint32_t)pbt_mod(&c->r, 1000);
    u->completed = (uint32_t)pbt_next(&c->r);
    u->failed = (uint32_t)pbt_mod(&c->r, 100);
    u->rejected = (uint32_t)pbt_next(&c->r);
    u->mode = (int32_t)(uint32_t)pbt_next(&c->r);
    random_label(c, u->label, pbt_mod(&c->r, 12) == 0);
    if (pbt_mod(&c->r, 50) == 0)
        c->clock = (int64_t)pbt_next(&c->r);
    else
        c->clock = (int64_t)((uint64_t)c->clock + pbt_mod(&c->r, 1000));
    const app_state_update *arg = pbt_mod(&c->r, 100) == 0 ? NULL : u;
    c->at.op = arg == NULL ? "update(NULL)" : "update";

    app_state before;
    state_history_current(A, c->a, &before);
    int ra = state_history_update(A, c->a, arg, c->clock);
    int rb = state_history_update(B, c->b, arg, c->clock);
    check_rc(c, ra, rb);
    c->updates++;
    if (ra != SH_OK) {
        c->updates_rejected++;
        return;
    }
    c->updates_ok++;
    if (c->updates_ok > c->cap)
        c->wraps_seen += (c->updates_ok - c->cap) % c->cap == 0;
    /* The newest previous state is the current one before this update. */
    size_t len = state_history_len(A, c->a);
    app_state last;
    if (len == 0 || state_history_at(A, c->a, len - 1, &last) != SH_OK)
        pbt_mismatch(&c->at, "update succeeded but the history is empty");
    const char *f = state_diff(&last, &before);
    if (f != NULL)
        pbt_mismatch(&c->at, "the newest previous state differs from the old current in %s", f);
}

static void op_walk(ctx *c)
{
    size_t len = state_history_len(A, c->a);
    size_t r = pbt_mod(&c->r, 3);
    size_t stop = r == 0 ? SIZE_MAX : r == 1 ? pbt_mod(&c->r, len + 2) : pbt_mod(&c->r, 4);
    c->at.op = "history";
    size_t n = cmp_walk(c, stop);
    size_t want = stop < len ? stop + 1 : len;
    if (n != want)
        pbt_mismatch(&c->at, "history(stop %zu) visited %zu of %zu states", stop, n, len);
}

static void op_at(ctx *c)
{
    size_t len = state_history_len(A, c->a);
    size_t r = pbt_mod(&c->r, 100);
    size_t i;
    if (r < 75)
        i = len > 0 ? pbt_mod(&c->r, len) : 0;
    else if (r < 90)
        i = len + pbt_mod(&c->r, 2);
    else if (r < 95)
        i = SIZE_MAX - pbt_mod(&c->r, 2);
    else
        i = (size_t)pbt_next(&c->r);
    c->at.op = "history_at";
    cmp_at(c, i);
}

/* ---- sequences ------------------------------------------------------------- */

/* Cap of sequence i: fixed extremes first, else log-uniform by octaves
 * [2^k, 2^(k+1)), k = 0..10, the top one cut at CAP_MAX. */
static size_t pick_cap(ctx *c, unsigned i)
{
    static const size_t fixed[] = { 1, 2, 100, CAP_MAX, 64, 65, 1, CAP_MAX, 100, 2 };
    if (i < sizeof fixed / sizeof *fixed)
        return fixed[i];
    size_t k = pbt_mod(&c->r, 11);
    size_t lo = (size_t)1 << k, hi = (size_t)2 << k;
    if (hi > CAP_MAX + 1)
        hi = CAP_MAX + 1;
    return lo + pbt_mod(&c->r, hi - lo);
}

static void random_initial(ctx *c, app_state *s)
{
    size_t r = pbt_mod(&c->r, 20);
    s->version = r == 0 ? INT64_MAX - (int64_t)pbt_mod(&c->r, 4 * c->cap + 64)
               : r == 1 ? (int64_t)pbt_next(&c->r)
                        : (int64_t)pbt_mod(&c->r, 1000);
    s->last_updated_ms = (int64_t)pbt_next(&c->r);
    s->active = (uint32_t)pbt_next(&c->r);
    s->queued = (uint32_t)pbt_next(&c->r);
    s->completed = (uint32_t)pbt_next(&c->r);
    s->failed = (uint32_t)pbt_next(&c->r);
    s->rejected = (uint32_t)pbt_next(&c->r);
    s->mode = (int32_t)(uint32_t)pbt_next(&c->r);
    random_label(c, s->label, 0);
}

/* Both implementations refuse the same invalid creates. */
static void try_invalid_creates(ctx *c, const app_state *init)
{
    c->at.op = "create(invalid)";
    app_state *bad = malloc(sizeof *bad);   /* label last: ASan sees overreads */
    assert_non_null(bad);
    *bad = *init;
    random_label(c, bad->label, 1);
    state_history *pa[3] = { state_history_create(A, init, 0), state_history_create(A, NULL, c->cap),
                             state_history_create(A, bad, c->cap) };
    state_history *pb[3] = { state_history_create(B, init, 0), state_history_create(B, NULL, c->cap),
                             state_history_create(B, bad, c->cap) };
    for (int i = 0; i < 3; i++)
        if (pa[i] != NULL || pb[i] != NULL)
            pbt_mismatch(&c->at, "invalid create %d returned a history", i);
    free(bad);
}

static void run_sequence(ctx *c, unsigned i)
{
    c->at.seed = UINT64_C(0x5747e4157000d1ff) ^ ((uint64_t)i * UINT64_C(0x100000001b3));
    c->r.s = c->at.seed;
    c->at.seq = i;
    c->at.op = "create";
    c->at.step = 0;
    c->cap = pick_cap(c, i);
    c->n_ops = pbt_mod(&c->r, 4) == 0 ? pbt_mod(&c->r, c->cap + 9)
                                        : c->cap + pbt_mod(&c->r, 2 * c->cap + 25);
    c->clock = (int64_t)pbt_mod(&c->r, INT64_C(1) << 42);
    c->updates_ok = 0;

    app_state init;
    random_initial(c, &init);
    if (pbt_mod(&c->r, 10) == 0)
        try_invalid_creates(c, &init);
    c->at.op = "create";
    c->a = state_history_create(A, &init, c->cap);
    c->b = state_history_create(B, &init, c->cap);
    assert_non_null(c->a);
    assert_non_null(c->b);
    c->wa.cap = c->wb.cap = c->cap;
    check_state(c);

    size_t check_every = c->cap / 8 > 1 ? c->cap / 8 : 1;
    for (c->at.step = 0; c->at.step < c->n_ops; c->at.step++) {
        size_t r = pbt_mod(&c->r, 100);
        if (r < 65) {
            op_update(c);
        } else if (r < 73) {
            c->at.op = "current";
            cmp_current(c, NULL);
        } else if (r < 78) {
            c->at.op = "history_len";
            cmp_len(c);
        } else if (r < 92) {
            op_at(c);
        } else {
            op_walk(c);
        }
        c->ops_done++;
        if (state_history_len(A, c->a) <= FULL_CHECK_BELOW || c->at.step % check_every == 0)
            check_state(c);
    }
    c->at.op = "end of sequence";
    check_state(c);

    state_history_destroy(A, c->a);
    state_history_destroy(B, c->b);
}

static void test_diff_random_sequences(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->at = (pbt_where){ .test = "state_history_diff", .describe = describe, .arg = c };
    c->u = malloc(sizeof *c->u);
    c->wa.states = malloc(CAP_MAX * sizeof *c->wa.states);
    c->wb.states = malloc(CAP_MAX * sizeof *c->wb.states);
    c->wa.indices = malloc(CAP_MAX * sizeof *c->wa.indices);
    c->wb.indices = malloc(CAP_MAX * sizeof *c->wb.indices);
    assert_true(c->u && c->wa.states && c->wb.states && c->wa.indices && c->wb.indices);

    struct timespec t0, t1;
    timespec_get(&t0, TIME_UTC);
    for (unsigned i = 0; i < N_SEQUENCES; i++)
        run_sequence(c, i);
    timespec_get(&t1, TIME_UTC);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    printf("state_history_diff: checked %u sequences (caps 1..%d), %llu operations: "
           "%llu updates (%llu rejected as invalid), %llu history() walks, %llu history_at; "
           "%llu full-state comparisons; %llu full ring turns; %.1f s\n",
           N_SEQUENCES, CAP_MAX, c->ops_done, c->updates, c->updates_rejected, c->walks,
           c->reads_at, c->full_checks, c->wraps_seen, secs);
    fflush(stdout);
    free(c->u);
    free(c->wa.states);
    free(c->wb.states);
    free(c->wa.indices);
    free(c->wb.indices);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_random_sequences),
    };
    return cmocka_run_group_tests_name("state_history naive vs optimized", tests, NULL, NULL) != 0;
}
