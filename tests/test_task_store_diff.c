/*
 * Differential test of task_store: the naive implementation is the oracle
 * of the others (optimized, and the peers on uthash and GLib).
 *
 * Random operation sequences (fixed seeds, splitmix64) run through all four
 * implementations; every return value and every output of each must be the
 * oracle's.
 * A sequence has a target size (live tasks) from 0 to 2000, nearly
 * log-uniform by octaves so that most are small and a hundred per pattern
 * are above 1023 (target_size), plus fixed sizes 0, 1, 64 and 2000
 * (twice); and one of three id patterns: sequential
 * ("task-000123"), random alphanumeric of 1..39 characters, and clustered
 * (long shared prefixes such as "tenant-07/queue-03/job-0000042"). It grows
 * to its target, churns around it, and half of the sequences then drain to
 * a quarter or less (many removals FIFO, as a queue does), which makes the
 * optimized store compact and shrink. Besides ordinary operations the mix
 * has absent ids, duplicate adds, re-adds of removed ids, invalid ids (empty,
 * NULL, 40 bytes without a NUL), bad statuses and update masks with unknown
 * bits. The full observable state (count, list, the four status listings,
 * an out-of-range status, metrics, and short lists with a small cap) is
 * compared after every operation while the store holds at most 64 tasks,
 * every target/8 operations above that, and at the end of each sequence.
 *
 * On a mismatch the test prints the sequence's seed, number, operation index
 * and what differed, then fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/task_store.h"
#include "pb_test.h"
#include "pb_test_task.h"

#define SEQS_PER_PATTERN  3334     /* x 3 patterns = 10,002 sequences */

#if defined(__SANITIZE_ADDRESS__)
/* ASan's defaults for this program (the sanitizer interface; ASAN_OPTIONS
 * still overrides). The naive oracle allocates and frees an array of n
 * pointers on every add, remove and update; ASan's allocator gives freed
 * pages back to the kernel every 5 s (allocator_release_to_os_interval_ms)
 * and every reuse faults them in again, which took 16% of this test's time
 * under ASan and checks nothing. Keep them. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_release_to_os_interval_ms=-1";
}
#endif
#define SIZE_MAX_TARGET   2000
#define FULL_CHECK_BELOW  64
#define GONE_RING         512

static const task_store_ops *const A = &task_store_naive;      /* oracle */
/* Checked against it, every operation. */
static const task_store_ops *const OTHERS[] = { &task_store_optimized, &task_store_uthash,
                                                &task_store_ghashtable };
#define N_OTHERS PBT_ARRAY_LEN(OTHERS)

enum id_pattern { PAT_SEQUENTIAL = PBT_ID_SEQUENTIAL, PAT_RANDOM = PBT_ID_RANDOM,
                  PAT_CLUSTERED = PBT_ID_CLUSTERED, PAT_COUNT = PBT_ID_PATTERNS };
static const char *const pattern_name[PAT_COUNT] = { "sequential", "random", "clustered" };

/* ---- sequence context and mismatch reporting ----------------------------- */

typedef struct ctx {
    pbt_rng     r;
    pbt_where   at;         /* seed, seq, step, op: what a mismatch prints */
    const char *op_id;
    int         pattern;
    size_t      target;

    task_store *a, *b[N_OTHERS];
    char      (*live)[TASK_ID_MAX];     /* ids stored, in no particular order */
    size_t      n_live, live_cap;
    char        gone[GONE_RING][TASK_ID_MAX];   /* recently removed ids */
    size_t      n_gone;
    uint64_t    next_serial;

    const task **out_a, **out_b[N_OTHERS];   /* listing buffers, out_cap entries */
    size_t      out_cap;
    char       *id40;                   /* 40 bytes, no NUL, own heap block */
    unsigned long long ops_done;
    unsigned long long full_checks;
} ctx;

/* What a mismatch prints besides seed, seq, step and op. */
static void describe(const void *arg, char *buf, size_t size)
{
    const ctx *c = arg;
    snprintf(buf, size, "pattern=%s target=%zu id=\"%s\"", pattern_name[c->pattern],
             c->target, c->op_id ? c->op_id : "(null)");
}

/* The oracle's return code ra against implementation j's. */
static void check_rc(const ctx *c, size_t j, int ra, int rb)
{
    if (ra != rb)
        pbt_mismatch(&c->at, "return code: naive %d, %s %d", ra, OTHERS[j]->name, rb);
}

static void check_count(const ctx *c, size_t j, size_t na, size_t nb)
{
    if (na != nb)
        pbt_mismatch(&c->at, "count: naive %zu, %s %zu", na, OTHERS[j]->name, nb);
}

/* NULL when *x and *y are equal, else the first field that differs. Every
 * store copies a task whole, so equal copies are equal bytes: one memcmp
 * settles the common case (under ASan, one intercepted memcmp costs less
 * than an intercepted strncmp and five field compares); copies whose bytes
 * differ (in padding, say) get the field-by-field verdict. */
static const char *task_diff(const task *x, const task *y)
{
    return memcmp(x, y, sizeof *x) == 0 ? NULL : pbt_task_diff(x, y);
}

/* Compares the oracle's listing with implementation j's, made with the same
 * cap: returned n, the first min(n, cap) tasks field by field, and that
 * nothing past them was written. */
static void compare_listing(ctx *c, const char *what, size_t cap, size_t na, size_t j, size_t nb)
{
    const char *name = OTHERS[j]->name;
    const task **out_b = c->out_b[j];
    if (na != nb)
        pbt_mismatch(&c->at, "%s (cap %zu): naive returned %zu, %s %zu", what, cap, na, name, nb);
    size_t k = na < cap ? na : cap;
    for (size_t i = 0; i < k; i++) {
        const char *f = task_diff(c->out_a[i], out_b[i]);
        if (f != NULL)
            pbt_mismatch(&c->at, "%s (cap %zu): entry %zu differs in %s: naive \"%s\", %s \"%s\"",
                         what, cap, i, f, c->out_a[i]->id, name, out_b[i]->id);
    }
    if (cap < c->out_cap && (c->out_a[k] != NULL || out_b[k] != NULL))
        pbt_mismatch(&c->at, "%s (cap %zu): an entry past min(n, cap) = %zu was written"
                     " (naive or %s)", what, cap, k, name);
}

static void clear_out(ctx *c, size_t cap)
{
    size_t m = cap < c->out_cap ? cap + 1 : c->out_cap;
    memset(c->out_a, 0, m * sizeof *c->out_a);
    for (size_t j = 0; j < N_OTHERS; j++)
        memset(c->out_b[j], 0, m * sizeof *c->out_b[j]);
}

static void cmp_list(ctx *c, size_t cap)
{
    clear_out(c, cap);
    size_t na = task_store_list(A, c->a, c->out_a, cap);
    for (size_t j = 0; j < N_OTHERS; j++)
        compare_listing(c, "list", cap, na, j, task_store_list(OTHERS[j], c->b[j], c->out_b[j], cap));
}

static void cmp_list_by_status(ctx *c, task_status st, size_t cap)
{
    char what[48];
    snprintf(what, sizeof what, "list_by_status(%d)", (int)st);
    clear_out(c, cap);
    size_t na = task_store_list_by_status(A, c->a, st, c->out_a, cap);
    for (size_t j = 0; j < N_OTHERS; j++)
        compare_listing(c, what, cap, na, j,
                        task_store_list_by_status(OTHERS[j], c->b[j], st, c->out_b[j], cap));
}

static void cmp_metrics(ctx *c)
{
    task_metrics ma;
    memset(&ma, 0xa5, sizeof ma);
    task_store_metrics(A, c->a, &ma);
    for (size_t j = 0; j < N_OTHERS; j++) {
        task_metrics mb;
        memset(&mb, 0x5a, sizeof mb);
        task_store_metrics(OTHERS[j], c->b[j], &mb);
        if (ma.total != mb.total)
            pbt_mismatch(&c->at, "metrics.total: naive %zu, %s %zu", ma.total,
                         OTHERS[j]->name, mb.total);
        for (int st = 0; st < TASK_STATUS_COUNT; st++)
            if (ma.by_status[st] != mb.by_status[st])
                pbt_mismatch(&c->at, "metrics.by_status[%d]: naive %zu, %s %zu",
                             st, ma.by_status[st], OTHERS[j]->name, mb.by_status[st]);
    }
}

/* Every observable of the stores. O(n). */
static void check_state(ctx *c)
{
    size_t na = task_store_count(A, c->a);
    for (size_t j = 0; j < N_OTHERS; j++)
        check_count(c, j, na, task_store_count(OTHERS[j], c->b[j]));
    if (na != c->n_live)
        pbt_mismatch(&c->at, "count %zu, but the test tracked %zu live ids", na, c->n_live);
    size_t full = na + 1;   /* room for all, plus one slot that must stay unwritten */
    cmp_list(c, full);
    for (int st = 0; st <= TASK_STATUS_COUNT; st++)
        cmp_list_by_status(c, (task_status)st, full);
    cmp_metrics(c);
    size_t small = pbt_mod(&c->r, 4);
    cmp_list(c, small);
    cmp_list_by_status(c, (task_status)pbt_mod(&c->r, TASK_STATUS_COUNT), small);
    c->full_checks++;
}

/* ---- ids and tasks -------------------------------------------------------- */

/* A new id of the sequence's pattern into buf (TASK_ID_MAX bytes). It may
 * equal a stored one (short random ids, clustered ranges): then the oracle
 * says EEXIST and so must the other. */
static void fresh_id(ctx *c, char *buf)
{
    pbt_fresh_id(c->pattern, &c->r, &c->next_serial, c->target, buf, TASK_ID_MAX);
}

static task_status random_status(ctx *c, int allow_bad)
{
    if (allow_bad && pbt_mod(&c->r, 40) == 0) {
        static const int bad[] = { TASK_STATUS_COUNT, TASK_STATUS_COUNT + 1, -1, 1000 };
        return (task_status)bad[pbt_mod(&c->r, 4)];
    }
    return (task_status)pbt_mod(&c->r, TASK_STATUS_COUNT);
}

/* A task with id and random fields; the bytes after the id's NUL are random
 * too (they are not part of the id). */
static void random_task(ctx *c, task *t, const char *id)
{
    for (size_t i = 0; i < sizeof t->id; i++)
        t->id[i] = (char)pbt_next(&c->r);
    memcpy(t->id, id, strlen(id) + 1);
    t->status = random_status(c, 1);
    t->priority = (int32_t)(uint32_t)pbt_next(&c->r);
    t->created_at_ms = (int64_t)(pbt_next(&c->r) >> 1) - INT64_C(0x3fffffffffffffff);
    t->updated_at_ms = (int64_t)(pbt_next(&c->r) % 100000);
    t->attempts = (uint32_t)pbt_next(&c->r);
}

static void track_add(ctx *c, const char *id)
{
    if (c->n_live == c->live_cap) {
        c->live_cap = c->live_cap ? 2 * c->live_cap : 256;
        c->live = realloc(c->live, c->live_cap * sizeof *c->live);
        assert_non_null(c->live);
    }
    memcpy(c->live[c->n_live++], id, strlen(id) + 1);
}

/* Moves live[i] to the ring of removed ids. */
static void track_remove_at(ctx *c, size_t i)
{
    memcpy(c->gone[c->n_gone++ % GONE_RING], c->live[i], TASK_ID_MAX);
    memcpy(c->live[i], c->live[--c->n_live], TASK_ID_MAX);
}

static void track_remove(ctx *c, const char *id)
{
    for (size_t i = 0; i < c->n_live; i++) {
        if (strcmp(c->live[i], id) == 0) {
            track_remove_at(c, i);
            return;
        }
    }
    pbt_mismatch(&c->at, "removed an id the test did not track as live");
}

/* An id for remove/get/update: a stored one, an absent one, or an invalid
 * one (NULL, "", 40 bytes without NUL). Copies into buf when needed; sets
 * *live_at to the id's place in live[] when it was picked from there. */
static const char *pick_id(ctx *c, char *buf, size_t *live_at)
{
    size_t r = pbt_mod(&c->r, 100);
    *live_at = SIZE_MAX;
    if (r < 70 && c->n_live > 0) {
        *live_at = pbt_mod(&c->r, c->n_live);
        memcpy(buf, c->live[*live_at], TASK_ID_MAX);
        return buf;
    }
    if (r < 82 && c->n_gone > 0) {
        size_t n = c->n_gone < GONE_RING ? c->n_gone : GONE_RING;
        memcpy(buf, c->gone[pbt_mod(&c->r, n)], TASK_ID_MAX);
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

/* ---- operations ----------------------------------------------------------- */

static void op_add(ctx *c)
{
    char id[TASK_ID_MAX];
    task t;
    int no_nul = 0;
    size_t r = pbt_mod(&c->r, 100);
    if (r < 80 || c->n_live == 0) {
        c->at.op = "add(fresh)";
        fresh_id(c, id);
    } else if (r < 88) {
        c->at.op = "add(duplicate)";
        memcpy(id, c->live[pbt_mod(&c->r, c->n_live)], TASK_ID_MAX);
    } else if (r < 96 && c->n_gone > 0) {
        c->at.op = "add(re-add)";
        size_t n = c->n_gone < GONE_RING ? c->n_gone : GONE_RING;
        memcpy(id, c->gone[pbt_mod(&c->r, n)], TASK_ID_MAX);
    } else {
        c->at.op = "add(invalid id)";
        id[0] = '\0';
        no_nul = pbt_mod(&c->r, 2) == 0;
    }
    random_task(c, &t, id);
    if (no_nul)
        memset(t.id, 'x', TASK_ID_MAX);
    c->op_id = no_nul ? "<40 bytes, no NUL>" : id;
    int ra = task_store_add(A, c->a, &t);
    for (size_t j = 0; j < N_OTHERS; j++)
        check_rc(c, j, ra, task_store_add(OTHERS[j], c->b[j], &t));
    if (ra == TASK_STORE_OK)
        track_add(c, id);
}

/* Removes a random id from pick_id(), or, when oldest, one of the four
 * oldest tasks (a queue's FIFO removal, which leaves dead slots in front). */
static void op_remove(ctx *c, int oldest)
{
    char buf[TASK_ID_MAX];
    size_t live_at = SIZE_MAX;
    const char *id;
    if (oldest && c->n_live > 0) {
        size_t k = 1 + pbt_mod(&c->r, 4);
        size_t n = task_store_list(A, c->a, c->out_a, k);
        memcpy(buf, c->out_a[pbt_mod(&c->r, n < k ? n : k)]->id, TASK_ID_MAX);
        id = buf;
        c->at.op = "remove(oldest)";
    } else {
        id = pick_id(c, buf, &live_at);
        c->at.op = "remove";
    }
    c->op_id = id == c->id40 ? "<40 bytes, no NUL>" : id;
    int ra = task_store_remove(A, c->a, id);
    for (size_t j = 0; j < N_OTHERS; j++)
        check_rc(c, j, ra, task_store_remove(OTHERS[j], c->b[j], id));
    if (ra == TASK_STORE_OK) {
        if (live_at != SIZE_MAX)
            track_remove_at(c, live_at);
        else
            track_remove(c, id);
    }
}

static void op_get(ctx *c)
{
    char buf[TASK_ID_MAX];
    size_t live_at;
    const char *id = pick_id(c, buf, &live_at);
    task ga, blank;
    memset(&blank, 0xc3, sizeof blank);
    ga = blank;
    c->at.op = "get";
    c->op_id = id == c->id40 ? "<40 bytes, no NUL>" : id;
    int ra = task_store_get(A, c->a, id, &ga);
    if (ra != TASK_STORE_OK && memcmp(&ga, &blank, sizeof blank) != 0)
        pbt_mismatch(&c->at, "get: naive wrote *out on error %d", ra);
    for (size_t j = 0; j < N_OTHERS; j++) {
        task gb = blank;
        check_rc(c, j, ra, task_store_get(OTHERS[j], c->b[j], id, &gb));
        if (ra == TASK_STORE_OK) {
            const char *f = pbt_task_diff(&ga, &gb);
            if (f != NULL)
                pbt_mismatch(&c->at, "get: naive's and %s's copies differ in %s",
                             OTHERS[j]->name, f);
        } else if (memcmp(&gb, &blank, sizeof blank) != 0) {
            pbt_mismatch(&c->at, "get: %s wrote *out on error %d", OTHERS[j]->name, ra);
        }
    }
}

static void op_update(ctx *c)
{
    char buf[TASK_ID_MAX];
    size_t live_at;
    const char *id = pick_id(c, buf, &live_at);
    task_update u;
    memset(&u, 0, sizeof u);
    size_t r = pbt_mod(&c->r, 100);
    if (r < 45)
        u.fields = TASK_UPDATE_STATUS;                       /* the common transition */
    else if (r < 90)
        u.fields = (unsigned)pbt_mod(&c->r, TASK_UPDATE_ALL + 1);
    else if (r < 95)
        u.fields = (unsigned)pbt_mod(&c->r, TASK_UPDATE_ALL + 1) | (1u << (4 + pbt_mod(&c->r, 28)));
    else
        u.fields = (unsigned)pbt_next(&c->r);
    u.status = random_status(c, 1);
    u.priority = (int32_t)(uint32_t)pbt_next(&c->r);
    u.updated_at_ms = (int64_t)(pbt_next(&c->r) % 1000000);
    u.attempts = (uint32_t)pbt_mod(&c->r, 10);
    c->at.op = "update";
    c->op_id = id == c->id40 ? "<40 bytes, no NUL>" : id;
    int ra = task_store_update(A, c->a, id, &u);
    for (size_t j = 0; j < N_OTHERS; j++)
        check_rc(c, j, ra, task_store_update(OTHERS[j], c->b[j], id, &u));
}

static void op_listing(ctx *c)
{
    size_t r = pbt_mod(&c->r, 100);
    size_t cap = pbt_mod(&c->r, 2) ? pbt_mod(&c->r, 8) : pbt_mod(&c->r, c->out_cap);
    if (r < 30) {
        c->at.op = "list";
        cmp_list(c, cap);
    } else if (r < 80) {
        c->at.op = "list_by_status";
        cmp_list_by_status(c, random_status(c, 1), cap);
    } else if (r < 95) {
        c->at.op = "metrics";
        cmp_metrics(c);
    } else {
        c->at.op = "count";
        size_t na = task_store_count(A, c->a);
        for (size_t j = 0; j < N_OTHERS; j++)
            check_count(c, j, na, task_store_count(OTHERS[j], c->b[j]));
    }
}

/* ---- sequences ------------------------------------------------------------- */

/* Target size of sequence i: a few fixed extremes, else nearly
 * log-uniform on [0, 2000] by octaves: pick one of 11 octaves
 * [2^k - 1, 2^(k+1) - 1), the ten lower ones with weight 3 and the top one
 * (cut at 2000) with weight 1, then a size uniformly inside it. A sequence
 * costs O(target^2) through the naive oracle, so the top octave at full
 * weight took 70% of the test's time; at weight 1 it still holds about 108
 * sequences per pattern (3%), spread over 1023..2000, plus the two fixed
 * at 2000: enough to cross every resize boundary up there (the optimized
 * index's 2048 -> 4096 at 1434 live tasks, its slot array's 2048 -> 4096,
 * GLib's table's 2048 -> 4096 near 1930, uthash's bucket doublings). */
static size_t target_size(ctx *c, unsigned i)
{
    switch (i) {
    case 0: return 0;
    case 1: return SIZE_MAX_TARGET;
    case 2: return 1;
    case 3: return FULL_CHECK_BELOW;
    case 4: return SIZE_MAX_TARGET;
    default: break;
    }
    size_t w = pbt_mod(&c->r, 31);
    return pbt_octave_size(&c->r, w < 30 ? w / 3 : 10, SIZE_MAX_TARGET);
}

static void run_sequence(ctx *c, int pattern, unsigned i)
{
    c->at.seed = (UINT64_C(0x7a5c0de5eed00000) + (uint64_t)pattern * UINT64_C(0x100000000)) ^ i;
    c->r.s = c->at.seed;
    c->at.seq = i;
    c->pattern = pattern;
    c->at.op = "create";
    c->op_id = NULL;
    c->at.step = 0;
    c->target = target_size(c, i);
    c->n_live = 0;
    c->n_gone = 0;
    c->next_serial = pbt_mod(&c->r, 1000);

    /* Phases, by the live count against the current goal: grow to the
     * target (adds dominate), churn around it; half of the sequences then
     * drain to a low goal (removals dominate, many of them FIFO, so the
     * optimized store compacts), and churn there. */
    size_t goal = c->target;
    int drains = pbt_mod(&c->r, 2) == 0;
    size_t low_goal = pbt_mod(&c->r, c->target / 4 + 1);
    size_t drain_at = 2 * c->target;
    size_t n_ops = (drains ? 7 * c->target / 2 : 5 * c->target / 2) + 24 + pbt_mod(&c->r, 40);
    size_t check_every = c->target / 8 > 1 ? c->target / 8 : 1;
    c->out_cap = n_ops + 2;
    c->out_a = calloc(c->out_cap, sizeof *c->out_a);
    assert_non_null(c->out_a);
    c->a = task_store_create(A);
    assert_non_null(c->a);
    for (size_t j = 0; j < N_OTHERS; j++) {
        c->out_b[j] = calloc(c->out_cap, sizeof *c->out_b[j]);
        assert_non_null(c->out_b[j]);
        c->b[j] = task_store_create(OTHERS[j]);
        assert_non_null(c->b[j]);
    }
    check_state(c);

    for (c->at.step = 0; c->at.step < n_ops; c->at.step++) {
        if (drains && c->at.step == drain_at)
            goal = low_goal;
        /*                         add remove get update (rest: listings) */
        static const size_t mix[3][4] = { { 78,  4, 6, 8 },     /* grow  */
                                          { 24, 24, 14, 26 },   /* churn */
                                          {  6, 62, 8, 16 } };  /* drain */
        int phase = c->n_live < goal ? 0 : c->n_live <= goal + goal / 8 + 2 ? 1 : 2;
        size_t r = pbt_mod(&c->r, 100);
        size_t p_add = mix[phase][0];
        size_t p_remove = p_add + mix[phase][1];
        size_t p_get = p_remove + mix[phase][2];
        size_t p_update = p_get + mix[phase][3];
        if (r < p_add)
            op_add(c);
        else if (r < p_remove)
            op_remove(c, phase > 0 && pbt_mod(&c->r, 5) < 2);
        else if (r < p_get)
            op_get(c);
        else if (r < p_update)
            op_update(c);
        else
            op_listing(c);
        c->ops_done++;
        if (c->n_live <= FULL_CHECK_BELOW || c->at.step % check_every == 0)
            check_state(c);
    }
    c->at.op = "end of sequence";
    c->op_id = NULL;
    check_state(c);

    task_store_destroy(A, c->a);
    free(c->out_a);
    for (size_t j = 0; j < N_OTHERS; j++) {
        task_store_destroy(OTHERS[j], c->b[j]);
        free(c->out_b[j]);
    }
}

static unsigned long long total_seqs, total_ops, total_checks;

static void run_pattern(int pattern)
{
    ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->at = (pbt_where){ .test = "task_store_diff", .describe = describe, .arg = c };
    c->id40 = malloc(TASK_ID_MAX);
    assert_non_null(c->id40);
    memset(c->id40, 'y', TASK_ID_MAX);
    for (unsigned i = 0; i < SEQS_PER_PATTERN; i++)
        run_sequence(c, pattern, i);
    printf("task_store_diff: %s ids: %u sequences, %llu operations, %llu full-state comparisons\n",
           pattern_name[pattern], SEQS_PER_PATTERN, c->ops_done, c->full_checks);
    fflush(stdout);
    total_seqs += SEQS_PER_PATTERN;
    total_ops += c->ops_done;
    total_checks += c->full_checks;
    free(c->live);
    free(c->id40);
    free(c);
}

static void test_diff_sequential_ids(void **state)
{
    (void)state;
    run_pattern(PAT_SEQUENTIAL);
}

static void test_diff_random_ids(void **state)
{
    (void)state;
    run_pattern(PAT_RANDOM);
}

static void test_diff_clustered_ids(void **state)
{
    (void)state;
    run_pattern(PAT_CLUSTERED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_sequential_ids),
        cmocka_unit_test(test_diff_random_ids),
        cmocka_unit_test(test_diff_clustered_ids),
    };
    int failed = cmocka_run_group_tests_name("task_store naive vs optimized, uthash, ghashtable",
                                             tests, NULL, NULL);
    printf("task_store_diff: checked %llu sequences, %llu operations, %llu full-state comparisons\n",
           total_seqs, total_ops, total_checks);
    fflush(stdout);
    return failed != 0;
}
