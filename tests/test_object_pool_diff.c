/*
 * Differential test of object_pool: the naive implementation is the oracle
 * of the optimized one.
 *
 * Random sequences (fixed seeds, splitmix64) of acquire and release run
 * through both implementations side by side. A sequence has a pool capacity
 * of 0..64 and 0..600 operations; the acquire probability is drawn per
 * sequence (0.2..0.8) and sometimes switches to bursts (acquire many, then
 * release many), so pools run empty, full, and over capacity. Releases pick
 * a uniformly random held context, so release order is arbitrary. While a
 * context is held, the test writes random bytes into random fields and
 * buffers of both copies (the same writes), as a task run would.
 *
 * Checked after every acquire: both contexts are byte-for-byte equal to each
 * other and to the initial state (id = acquire number, every other byte
 * zero) — so a reused optimized context, however dirty it was, must be
 * indistinguishable from a fresh one. Checked after every operation:
 * acquires, releases and in_use equal in both; the optimized pool's hits,
 * misses and idle equal those of a model of the policy (release keeps the
 * context while idle < capacity; acquire hits while idle > 0), and the
 * naive one reports hits 0, idle 0. At the end every held context is
 * released and both pools destroyed (LeakSanitizer checks nothing is lost).
 *
 * On a mismatch the test prints the sequence number, capacity and operation
 * index, then fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pairbench/object_pool.h"
#include "pb_test.h"

#define N_SEQUENCES 5000
#define CAP_MAX     64
#define OPS_MAX     600

static const object_pool_ops *const A = &object_pool_naive;      /* oracle */
static const object_pool_ops *const B = &object_pool_optimized;

typedef struct totals {
    unsigned long long acquires, releases, hits, dirty_reuses, checks;
} totals;

#define SEED_OF(seq) (0x0b1ec7ULL * 1000003ULL + (seq))

/* Reports a mismatch (the test fails once every sequence has run); 1. */
static int fail_at(unsigned seq, size_t cap, int op, const char *what)
{
    pbt_where w = { .test = "object_pool_diff", .seed = SEED_OF(seq), .seq = seq,
                    .step = op < 0 ? 0 : (size_t)op, .op = op < 0 ? "end" : NULL };
    pbt_report(&w, "capacity %zu: %s", cap, what);
    return 1;
}

/* Random task-run writes, identical into *a and *b. */
static void scribble(pbt_rng *r, exec_ctx *a, exec_ctx *b)
{
    unsigned n = (unsigned)pbt_below(r, 6);
    for (unsigned k = 0; k < n; k++) {
        size_t off = (size_t)pbt_below(r, sizeof(exec_ctx));
        size_t len = 1 + (size_t)pbt_below(r, 40);
        if (off + len > sizeof(exec_ctx))
            len = sizeof(exec_ctx) - off;
        unsigned char byte = (unsigned char)pbt_next(r);
        if (pbt_below(r, 4) == 0)
            byte = (unsigned char)(1 + pbt_below(r, 255));     /* never zero */
        memset((unsigned char *)a + off, byte, len);
        memset((unsigned char *)b + off, byte, len);
    }
    if (pbt_below(r, 3) == 0) {                                /* typical fill */
        a->task_id = b->task_id = pbt_next(r);
        a->n_tags = b->n_tags = (uint32_t)pbt_below(r, EXEC_CTX_TAGS_MAX + 1);
        snprintf(a->name, sizeof a->name, "task-%llu", (unsigned long long)a->task_id);
        memcpy(b->name, a->name, sizeof a->name);
    }
}

static int run_sequence(unsigned seq, totals *t)
{
    pbt_rng r = { SEED_OF(seq) };
    size_t cap = seq < 65 ? seq : (size_t)pbt_below(&r, CAP_MAX + 1);
    int n_ops = (int)pbt_below(&r, OPS_MAX + 1);
    unsigned p_acq = 20 + (unsigned)pbt_below(&r, 61);       /* percent */
    int bursty = pbt_below(&r, 3) == 0;

    object_pool *pa = object_pool_create(A, cap);
    object_pool *pb = object_pool_create(B, cap);
    assert_non_null(pa);
    assert_non_null(pb);

    exec_ctx *ha[OPS_MAX], *hb[OPS_MAX];
    size_t held = 0;
    uint64_t acquires = 0, releases = 0, m_idle = 0, m_hits = 0;
    int bad = 0, burst_dir = 1, burst_left = 0;

    for (int op = 0; op < n_ops && !bad; op++) {
        int acquire;
        if (bursty) {
            if (burst_left == 0) {
                burst_dir = !burst_dir;
                burst_left = 1 + (int)pbt_below(&r, 2 * CAP_MAX);
            }
            burst_left--;
            acquire = burst_dir;
        } else {
            acquire = pbt_below(&r, 100) < p_acq;
        }
        if (held == 0)
            acquire = 1;

        if (acquire) {
            int reuse = m_idle > 0;
            exec_ctx *a = object_pool_acquire(A, pa);
            exec_ctx *b = object_pool_acquire(B, pb);
            assert_non_null(a);
            assert_non_null(b);
            acquires++;
            if (reuse) {
                m_idle--;
                m_hits++;
                t->dirty_reuses++;
            }
            exec_ctx want;
            memset(&want, 0, sizeof want);
            want.id = acquires;
            if (memcmp(a, &want, sizeof want) != 0)
                bad = fail_at(seq, cap, op, "naive context not in the initial state");
            else if (memcmp(b, &want, sizeof want) != 0)
                bad = fail_at(seq, cap, op, reuse ? "reused optimized context differs from a fresh one"
                                                  : "new optimized context not in the initial state");
            ha[held] = a;
            hb[held] = b;
            held++;
            scribble(&r, a, b);
        } else {
            size_t i = (size_t)pbt_below(&r, held);
            object_pool_release(A, pa, ha[i]);
            object_pool_release(B, pb, hb[i]);
            held--;
            ha[i] = ha[held];
            hb[i] = hb[held];
            releases++;
            if (m_idle < cap)
                m_idle++;
        }
        if (pbt_below(&r, 50) == 0) {
            object_pool_release(A, pa, NULL);
            object_pool_release(B, pb, NULL);
        }

        object_pool_stats sa, sb;
        object_pool_get_stats(A, pa, &sa);
        object_pool_get_stats(B, pb, &sb);
        t->checks++;
        if (bad)
            break;
        if (sa.acquires != acquires || sb.acquires != acquires ||
            sa.releases != releases || sb.releases != releases ||
            sa.in_use != held || sb.in_use != held)
            bad = fail_at(seq, cap, op, "acquires/releases/in_use differ");
        else if (sa.hits != 0 || sa.misses != acquires || sa.idle != 0 || sa.capacity != cap)
            bad = fail_at(seq, cap, op, "naive reuse statistics wrong");
        else if (sb.hits != m_hits || sb.misses != acquires - m_hits || sb.idle != m_idle ||
                 sb.capacity != cap)
            bad = fail_at(seq, cap, op, "optimized hits/misses/idle differ from the policy model");
    }
    while (held > 0) {
        held--;
        object_pool_release(A, pa, ha[held]);
        object_pool_release(B, pb, hb[held]);
    }
    t->acquires += acquires;
    t->releases += releases;
    t->hits += m_hits;
    object_pool_destroy(A, pa);
    object_pool_destroy(B, pb);
    return bad;
}

static void test_diff_random_sequences(void **state)
{
    (void)state;
    totals t;
    memset(&t, 0, sizeof t);
    struct timespec t0, t1;
    timespec_get(&t0, TIME_UTC);
    int failed = 0;
    unsigned done = 0;
    for (; done < N_SEQUENCES && !failed; done++)
        failed = run_sequence(done, &t);
    timespec_get(&t1, TIME_UTC);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("object_pool_diff: %u sequences (capacity 0..%d), %llu acquires (%llu reused"
           " dirty contexts checked fresh), %llu releases, %llu stats checks; %.1f s\n",
           done, CAP_MAX, t.acquires, t.dirty_reuses, t.releases, t.checks, secs);
    fflush(stdout);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_random_sequences),
    };
    return cmocka_run_group_tests_name("object_pool naive vs optimized", tests, NULL, NULL) != 0;
}
