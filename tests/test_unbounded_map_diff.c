/*
 * unbounded_map differential test: 3,000 seeded sequences (1 to 3,000
 * operations over pools of 1 to 2,000 task ids, max_attempts 1 to 5) of
 * assign, complete, fail, attempts, assignment and bad ids through both
 * implementations, in phases that fill the tables, drain them and mix, so
 * every table crosses its grow and shrink boundaries back and forth.
 *
 * Id pools: "task-" + 16 hex digits; 63-byte ids differing only in their
 * last bytes; 63-byte random ids; ids whose hashes share their low 12
 * bits (every one at slot 0 or at the last slot of any table up to 4,096
 * slots: one long cluster wrapping around the end); groups of 8 ids with
 * the same full 64-bit hash (built from um_hash_step: the key comparison
 * decides); 1- and 2-character ids. A third of the sequences inject
 * allocation failures (pb_test_alloc.h) into assigns (the k-th allocation,
 * or all) and into removals (the optimized one's shrink).
 *
 * Judged three ways after every operation:
 *   - each implementation against its specification, an independent model
 *     (arrays indexed by pool position): the naive one keeps every id ever
 *     assigned, the optimized one forgets an id when it completes or gives
 *     up; return codes, attempts, agents, entries() (naive 2 x ids ever
 *     assigned, optimized 2 x live), and a failed assign leaving the id
 *     and entries() as they were;
 *   - naive against optimized, every result about an id that has not
 *     finished yet (live or never seen), where the contract says they are
 *     identical;
 *   - the tables: the naive capacity exactly the smallest power of two
 *     holding its entries at 3/4, the optimized one at most
 *     max(8, 8 x live) slots (but after an injected shrink failure, until
 *     the next removal).
 * Every 200 operations and at the end, every id of the pool is looked up
 * in both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/unbounded_map.h"
#include "pb_test.h"
#include "pb_test_alloc.h"
#include "../impl_shared/unbounded_map_tracker.h"

#define SEQS       3000
#define POOL_MAX   2000
#define OPS_MAX    3000
#define SWEEP      200
#define LOW_N      256             /* ids with 12 equal low hash bits */
#define GROUP      8
#define FULL_N     512             /* 64 groups of 8 with one 64-bit hash */
#define ID_CAP     (UM_TASK_MAX + 1)

enum { P_HEX, P_SUFFIX, P_LONG, P_LOWBITS, P_FULLHASH, P_SHORT, P_KINDS };
static const char *const pattern_name[] = { "hex", "suffix", "long", "lowbits",
                                            "fullhash", "short" };
static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static char low_ids[LOW_N][ID_CAP];
static char full_ids[FULL_N][ID_CAP];

/* Ids "coll-XXXXXXXX" whose hash's low 12 bits are all 0 or all 1. */
static void make_low_ids(void)
{
    char id[ID_CAP];
    int n = 0;
    for (uint32_t c = 0; n < LOW_N; c++) {
        snprintf(id, sizeof id, "coll-%08x", c);
        uint64_t low = um_hash(id, strlen(id)) & 0xfff;
        if (low == 0 || low == 0xfff)
            strcpy(low_ids[n++], id);
    }
}

/* Groups of GROUP 24-byte ids with one full hash: um_hash folds 8-byte
 * words w1, w2, w3 into h0 = step(seed, 24) as step(step(step(h0, w1),
 * w2), w3). For any w1', the word w2' = step(h0, w1) ^ w2 ^ step(h0, w1')
 * gives the same state after w2, so the same hash with the same w3. w2'
 * must hold no zero byte (the id is a C string); w1' is drawn until so. */
static void make_full_ids(void)
{
    pbt_rng r = { 0x66756c6c68617368ULL };
    uint64_t h0 = um_hash_step(UM_HASH_SEED, 24);
    for (int g = 0; g < FULL_N / GROUP; g++) {
        char base[ID_CAP];
        for (int k = 0; k < 16; k++)
            base[k] = alnum[pbt_below(&r, sizeof alnum - 1)];
        snprintf(base + 16, 9, "grp%05d", g);
        uint64_t w1, w2;
        memcpy(&w1, base, 8);
        memcpy(&w2, base + 8, 8);
        uint64_t target = um_hash_step(h0, w1) ^ w2;
        uint64_t h = um_hash(base, 24);
        strcpy(full_ids[g * GROUP], base);
        for (int v = 1; v < GROUP; v++) {
            char *id = full_ids[g * GROUP + v];
            for (;;) {
                memcpy(id, base, 25);
                for (int k = 0; k < 8; k++)
                    id[k] = alnum[pbt_below(&r, sizeof alnum - 1)];
                memcpy(&w1, id, 8);
                uint64_t w2v = target ^ um_hash_step(h0, w1);
                memcpy(id + 8, &w2v, 8);
                if (memchr(id, 0, 24) == NULL && strcmp(id, base) != 0)
                    break;
            }
            if (um_hash(id, 24) != h || strlen(id) != 24)
                fail_msg("the colliding id construction no longer matches um_hash:"
                         " update make_full_ids");
        }
    }
}

/* ---- one sequence ---------------------------------------------------------- */

typedef struct model {
    uint32_t n_att, n_agent;        /* the naive one's entries (0: none) */
    uint32_t o_att, o_agent;        /* the optimized one's */
    int      finished;              /* finished once: the two may differ */
    int      live_at;               /* position in live[], or -1 */
} model;

typedef struct seq {
    int          pattern;
    size_t       pool_n;
    uint32_t     max;
    char         pool[POOL_MAX][ID_CAP];
    model        m[POOL_MAX];
    uint32_t     live[POOL_MAX];
    size_t       n_live, n_ever;
    int          shrink_debt;       /* an injected shrink failure not yet redone */
    int          inject;
    um_tracker  *tn, *to;
    const char  *id;                /* the id of the operation, for reports */
    pbt_rng      r;
    pbt_where    w;
} seq;

static void escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 5 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

static void describe(const void *arg, char *buf, size_t size)
{
    const seq *s = arg;
    char id[4 * ID_CAP + 1];
    escape(s->id, id, sizeof id);
    snprintf(buf, size, "pattern=%s pool=%zu max=%u live=%zu id=%s",
             pattern_name[s->pattern], s->pool_n, s->max, s->n_live, s->id ? id : "-");
}

static void base62(char *out, size_t i, int width)
{
    for (int k = width - 1; k >= 0; k--, i /= 62)
        out[k] = alnum[i % 62];
    out[width] = '\0';
}

static void make_pool(seq *s)
{
    size_t off = (size_t)pbt_next(&s->r);
    uint64_t base = pbt_next(&s->r);
    for (size_t i = 0; i < s->pool_n; i++) {
        char *id = s->pool[i];
        switch (s->pattern) {
        case P_HEX:
            snprintf(id, ID_CAP, "task-%016llx",
                     (unsigned long long)((base + i) * 0x9e3779b97f4a7c15ULL));
            break;
        case P_SUFFIX:                   /* 58 bytes in common, 5 that differ */
            memset(id, 'p', 58);
            memcpy(id, "task-", 5);
            base62(id + 58, i, 5);
            break;
        case P_LONG:                     /* 63 bytes: 4 for the index, random */
            base62(id, i, 4);
            for (int k = 4; k < UM_TASK_MAX; k++)
                id[k] = alnum[pbt_below(&s->r, sizeof alnum - 1)];
            id[UM_TASK_MAX] = '\0';
            break;
        case P_LOWBITS:
            strcpy(id, low_ids[(off + i) % LOW_N]);
            break;
        case P_FULLHASH:
            strcpy(id, full_ids[(off + i) % FULL_N]);
            break;
        default:
            base62(id, i, i < 62 ? 1 : 2);
            break;
        }
        s->m[i] = (model){ .live_at = -1 };
    }
}

/* A size in [0, max], log-uniform: an octave k with 2^k - 1 <= max drawn
 * uniformly, then a size within it. */
static size_t log_uniform(pbt_rng *r, size_t max)
{
    size_t k = 0;
    while (((size_t)2 << k) - 1 <= max)
        k++;
    return pbt_octave_size(r, pbt_below(r, k + 1), max);
}

static size_t grow_cap(size_t count)
{
    size_t cap = UM_TABLE_MIN_CAP;
    while (count * 4 > cap * 3)
        cap *= 2;
    return cap;
}

/* Both against their specifications: entries() and the tables. */
static void check_sizes(seq *s)
{
    size_t en = um_entries(&unbounded_map_naive, s->tn);
    size_t eo = um_entries(&unbounded_map_optimized, s->to);
    if (en != 2 * s->n_ever)
        pbt_mismatch(&s->w, "naive entries()=%zu, want 2 x %zu ids ever assigned", en,
                     s->n_ever);
    if (eo != 2 * s->n_live)
        pbt_mismatch(&s->w, "optimized entries()=%zu, want 2 x %zu live", eo, s->n_live);
    const um_table *tabs[] = { &s->tn->attempts, &s->tn->assignments,
                               &s->to->attempts, &s->to->assignments };
    for (int k = 0; k < 4; k++) {
        const um_table *t = tabs[k];
        size_t held = k < 2 ? s->n_ever : s->n_live;
        if (t->count != held || t->count * 4 > t->cap * 3)
            pbt_mismatch(&s->w, "%s table %d: %zu entries in %zu slots, %zu held",
                         k < 2 ? "naive" : "optimized", k % 2, t->count, t->cap, held);
        if (k < 2 && t->cap != grow_cap(held))
            pbt_mismatch(&s->w, "naive table %d: %zu slots for %zu entries, want %zu", k,
                         t->cap, held, grow_cap(held));
        size_t bound = 8 * held > UM_TABLE_MIN_CAP ? 8 * held : UM_TABLE_MIN_CAP;
        if (k >= 2 && !s->shrink_debt && t->cap > bound)
            pbt_mismatch(&s->w, "optimized table %d: %zu slots for %zu live, at most %zu",
                         k % 2, t->cap, held, bound);
    }
}

/* One implementation's attempts() and assignment() of id i against its
 * model; returns them folded for the naive/optimized comparison. */
static uint64_t look(seq *s, int naive, size_t i)
{
    const unbounded_map_ops *ops = naive ? &unbounded_map_naive : &unbounded_map_optimized;
    um_tracker *t = naive ? s->tn : s->to;
    const model *m = &s->m[i];
    uint32_t att = naive ? m->n_att : m->o_att, ag = naive ? m->n_agent : m->o_agent;
    int want = att ? (int)att : UM_ENOENT;
    int n = um_attempts(ops, t, s->pool[i]);
    uint32_t agent = 0xfeedface;
    int rc = um_assignment(ops, t, s->pool[i], &agent);
    if (n != want)
        pbt_mismatch(&s->w, "%s attempts()=%d, want %d", ops->name, n, want);
    if (rc != (att ? UM_OK : UM_ENOENT) || agent != (att ? ag : 0xfeedface))
        pbt_mismatch(&s->w, "%s assignment()=%d agent %u, want %d agent %u", ops->name,
                     rc, agent, att ? UM_OK : UM_ENOENT, att ? ag : 0xfeedface);
    return ((uint64_t)(uint32_t)n << 32 | agent) ^ ((uint64_t)(uint32_t)rc << 20);
}

static void look_both(seq *s, size_t i)
{
    s->id = s->pool[i];
    uint64_t a = look(s, 1, i), b = look(s, 0, i);
    if (!s->m[i].finished && a != b)
        pbt_mismatch(&s->w, "lookups of an unfinished task differ");
}

static void live_add(seq *s, size_t i)
{
    s->m[i].live_at = (int)s->n_live;
    s->live[s->n_live++] = (uint32_t)i;
}

static void live_remove(seq *s, size_t i)
{
    size_t at = (size_t)s->m[i].live_at;
    uint32_t last = s->live[--s->n_live];
    s->live[at] = last;
    s->m[last].live_at = (int)at;
    s->m[i].live_at = -1;
    s->m[i].finished = 1;
}

/* assign through one implementation, perhaps with an allocation failure
 * armed: a UM_ENOMEM must leave the id and entries() as they were, and is
 * then retried without one. */
static int assign_one(seq *s, int naive, size_t i, uint32_t agent)
{
    const unbounded_map_ops *ops = naive ? &unbounded_map_naive : &unbounded_map_optimized;
    um_tracker *t = naive ? s->tn : s->to;
    if (!s->inject || pbt_below(&s->r, 3) != 0)
        return um_assign(ops, t, s->pool[i], agent);
    size_t entries = um_entries(ops, t);
    if (pbt_below(&s->r, 4) == 0)
        pbt_fail_after(0);
    else
        pbt_fail_at((long)pbt_below(&s->r, 4));
    int rc = um_assign(ops, t, s->pool[i], agent);
    int hit = !pbt_fail_pending();
    pbt_fail_never();
    if (rc != UM_ENOMEM) {
        if (hit)
            pbt_mismatch(&s->w, "%s assign: an allocation failed, yet it returned %d",
                         ops->name, rc);
        return rc;
    }
    if (!hit)
        pbt_mismatch(&s->w, "%s assign returned UM_ENOMEM, no allocation failed",
                     ops->name);
    if (um_entries(ops, t) != entries)
        pbt_mismatch(&s->w, "%s assign failed with UM_ENOMEM and changed entries()"
                     " %zu -> %zu", ops->name, entries, um_entries(ops, t));
    look(s, naive, i);                     /* the id as the model still has it */
    return um_assign(ops, t, s->pool[i], agent);
}

static void op_assign(seq *s, size_t i)
{
    model *m = &s->m[i];
    uint32_t agent = (uint32_t)pbt_next(&s->r);
    int wn = m->n_att >= s->max ? UM_EXHAUSTED : (int)m->n_att + 1;
    int wo = m->o_att >= s->max ? UM_EXHAUSTED : (int)m->o_att + 1;
    int rn = assign_one(s, 1, i, agent);
    int ro = assign_one(s, 0, i, agent);
    if (rn != wn)
        pbt_mismatch(&s->w, "naive assign=%d, want %d", rn, wn);
    if (ro != wo)
        pbt_mismatch(&s->w, "optimized assign=%d, want %d", ro, wo);
    if (!m->finished && rn != ro)
        pbt_mismatch(&s->w, "assign of an unfinished task: naive=%d optimized=%d", rn, ro);
    if (wn > 0) {
        s->n_ever += m->n_att == 0;
        m->n_att++;
        m->n_agent = agent;
    }
    if (wo > 0) {
        if (m->o_att == 0)
            live_add(s, i);
        m->o_att++;
        m->o_agent = agent;
    }
}

/* complete (fail = 0) or fail (1): a removal in the optimized one, with a
 * shrink failure injected at times. */
static void op_finish(seq *s, size_t i, int failing)
{
    model *m = &s->m[i];
    int wn = !m->n_att ? UM_ENOENT : !failing ? UM_OK : m->n_att < s->max ? UM_RETRY
                                                                            : UM_GAVE_UP;
    int wo = !m->o_att ? UM_ENOENT : !failing ? UM_OK : m->o_att < s->max ? UM_RETRY
                                                                            : UM_GAVE_UP;
    int rn = failing ? um_fail(&unbounded_map_naive, s->tn, s->pool[i])
                     : um_complete(&unbounded_map_naive, s->tn, s->pool[i]);
    int injected = s->inject && pbt_below(&s->r, 4) == 0;
    if (injected)
        pbt_fail_after(0);
    int ro = failing ? um_fail(&unbounded_map_optimized, s->to, s->pool[i])
                     : um_complete(&unbounded_map_optimized, s->to, s->pool[i]);
    pbt_fail_never();
    const char *what = failing ? "fail" : "complete";
    if (rn != wn)
        pbt_mismatch(&s->w, "naive %s=%d, want %d", what, rn, wn);
    if (ro != wo)
        pbt_mismatch(&s->w, "optimized %s=%d, want %d", what, ro, wo);
    if (!m->finished && rn != ro)
        pbt_mismatch(&s->w, "%s of an unfinished task: naive=%d optimized=%d", what, rn,
                     ro);
    if (wo == UM_OK || wo == UM_GAVE_UP) {
        m->o_att = 0;
        live_remove(s, i);
        s->shrink_debt = injected;
    }
    if (wn == UM_OK || wn == UM_GAVE_UP)
        m->finished = 1;
}

/* A bad id through every operation of both: UM_EINVAL, nothing changed. */
static void op_bad(seq *s)
{
    static char too_long[UM_TASK_MAX + 2];
    memset(too_long, 'z', UM_TASK_MAX + 1);
    const char *bad[] = { NULL, "", too_long };
    const char *id = bad[pbt_below(&s->r, 3)];
    s->id = id;
    for (int k = 0; k < 2; k++) {
        const unbounded_map_ops *ops = k ? &unbounded_map_optimized : &unbounded_map_naive;
        um_tracker *t = k ? s->to : s->tn;
        uint32_t a;
        int rc[5] = { um_assign(ops, t, id, 1), um_complete(ops, t, id), um_fail(ops, t, id),
                      um_attempts(ops, t, id), um_assignment(ops, t, id, &a) };
        for (int j = 0; j < 5; j++)
            if (rc[j] != UM_EINVAL)
                pbt_mismatch(&s->w, "%s operation %d on a bad id returned %d", ops->name, j,
                             rc[j]);
    }
}

enum { FILL, DRAIN, MIXED };

static void run_seq(seq *s, size_t n_ops)
{
    int phase = MIXED;
    size_t phase_left = 0;
    for (size_t step = 0; step < n_ops; step++) {
        s->w.step = step;
        if (phase_left == 0) {
            phase = (int)pbt_below(&s->r, 3);
            phase_left = 10 + pbt_below(&s->r, 300);
        }
        phase_left--;
        uint64_t roll = pbt_below(&s->r, 100);
        /* FILL: mostly assigns; DRAIN: mostly completes and fails */
        int assign_pct = phase == FILL ? 65 : phase == DRAIN ? 12 : 35;
        int finish_pct = phase == FILL ? 15 : phase == DRAIN ? 70 : 35;
        size_t i = s->n_live && pbt_below(&s->r, 4) != 0
                       ? s->live[pbt_below(&s->r, s->n_live)]
                       : (size_t)pbt_below(&s->r, s->pool_n);
        s->id = s->pool[i];
        if (roll < (uint64_t)assign_pct) {
            s->w.op = "assign";
            op_assign(s, i);
        } else if (roll < (uint64_t)(assign_pct + finish_pct)) {
            int failing = pbt_below(&s->r, 2) == 0;
            s->w.op = failing ? "fail" : "complete";
            op_finish(s, i, failing);
        } else if (roll < 99) {
            s->w.op = "lookup";
            look_both(s, i);
        } else {
            s->w.op = "bad id";
            op_bad(s);
        }
        check_sizes(s);
        if (step % SWEEP == SWEEP - 1) {
            s->w.op = "sweep";
            for (size_t k = 0; k < s->pool_n; k++)
                look_both(s, k);
        }
    }
    s->w.op = "final sweep";
    for (size_t k = 0; k < s->pool_n; k++)
        look_both(s, k);
}

static void test_differential(void **state)
{
    (void)state;
    make_low_ids();
    make_full_ids();
    static seq s;
    pbt_rng r = { 0x756e626f756e6465ULL };
    size_t ops_total = 0, injected = 0;
    for (unsigned q = 0; q < SEQS; q++) {
        memset(&s.w, 0, sizeof s.w);
        s.w = (pbt_where){ .test = "unbounded_map_diff", .seq = q, .seed = pbt_next(&r),
                           .describe = describe, .arg = &s };
        s.r = (pbt_rng){ s.w.seed };
        s.pattern = (int)pbt_below(&s.r, P_KINDS);
        size_t pool_max = s.pattern == P_LOWBITS ? LOW_N
                        : s.pattern == P_FULLHASH ? FULL_N : POOL_MAX;
        s.pool_n = 1 + log_uniform(&s.r, pool_max - 1);
        s.max = 1 + (uint32_t)pbt_below(&s.r, 5);
        size_t n_ops = 1 + log_uniform(&s.r, OPS_MAX - 1);
        s.inject = PBT_FAIL_INJECTION && pbt_below(&s.r, 3) == 0;
        s.n_live = s.n_ever = 0;
        s.shrink_debt = 0;
        s.id = NULL;
        make_pool(&s);
        um_options o = { .max_attempts = s.max };
        if (um_create(&unbounded_map_naive, &o, &s.tn) != UM_OK ||
            um_create(&unbounded_map_optimized, &o, &s.to) != UM_OK)
            fail_msg("cannot create the trackers");
        run_seq(&s, n_ops);
        um_destroy(&unbounded_map_naive, s.tn);
        um_destroy(&unbounded_map_optimized, s.to);
        ops_total += n_ops;
        injected += (size_t)s.inject;
    }
    print_message("    %u sequences, %zu operations, %zu with injected allocation"
                  " failures%s\n", SEQS, ops_total, injected,
                  PBT_FAIL_INJECTION ? "" : " (none in this build)");
}

/* A failed assertion may leave a failure armed: disarm it. */
static int disarm(void **state)
{
    (void)state;
    pbt_fail_never();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test_teardown(test_differential, disarm) };
    return cmocka_run_group_tests_name("unbounded_map differential", tests, NULL, NULL)
               ? 1 : 0;
}
