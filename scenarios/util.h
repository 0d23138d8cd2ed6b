/*
 * Helpers every scenario file shares: the id mix, shuffles and ids of the
 * fixtures, the common batch sizes and the no-fixture teardown. All are
 * `static inline` so that a scenario's run() compiles as it did when each
 * file had its own copy (the measured region must not change).
 *
 * The generator is pb_rand of harness.h (splitmix64) and the digest
 * pb_digest; this header adds only what is built on them.
 */
#ifndef PAIRBENCH_SCENARIOS_UTIL_H
#define PAIRBENCH_SCENARIOS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pairbench/harness.h"

/* Elements of a fixed-size array. */
#define PB_ARRAY_LEN(a) (sizeof (a) / sizeof (a)[0])

/* splitmix64's finaliser: a bijection on 64 bits (pb_rand's output for the
 * state z - the golden gamma), so mix64(i + 1) over i gives distinct ids. */
static inline uint64_t pb_mix64(uint64_t z)
{
    uint64_t state = z - 0x9e3779b97f4a7c15ULL;
    return pb_rand(&state);
}

/* Fisher-Yates: shuffles a[0..n) in place with pb_rand_below(rng, i + 1)
 * for i from n-1 down to 1 (n - 1 draws). */
static inline void pb_shuffle_u32(uint32_t *a, int64_t n, uint64_t *rng)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)pb_rand_below(rng, (uint64_t)i + 1);
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* perm[0..n) = a random permutation of [0, n): the identity, shuffled. */
static inline void pb_permutation(uint32_t *perm, int64_t n, uint64_t *rng)
{
    for (int64_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    pb_shuffle_u32(perm, n, rng);
}

/* The access stream of a scenario that visits every key in a random order:
 * pb_stream_len(n) indices, independent random permutations of [0, n) one
 * after another (every key visited equally often, each block of n a
 * permutation), at least PB_STREAM_MIN long, so that at small N the order
 * does not repeat every N operations (a pattern the branch predictor
 * learns and caches favour) and one repetition does not replay the last. */
#define PB_STREAM_MIN 65536
static inline int64_t pb_stream_len(int64_t n)
{
    return n >= PB_STREAM_MIN ? n : (PB_STREAM_MIN + n - 1) / n * n;
}
static inline void pb_access_stream(uint32_t *s, int64_t n, int64_t len, uint64_t *rng)
{
    for (int64_t b = 0; b + n <= len; b += n)
        pb_permutation(s + b, n, rng);
}

/* The id of item i: prefix + 16 hex digits of pb_mix64(i + 1), all distinct
 * over i ("task-1b5f0c..."). Truncated to cap - 1 bytes like snprintf. */
static inline void pb_make_id(char *out, size_t cap, const char *prefix, uint64_t i)
{
    snprintf(out, cap, "%s%016llx", prefix, (unsigned long long)pb_mix64(i + 1));
}

/* v clamped to [lo, hi]. */
static inline int64_t pb_clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- pb_scenario.batch: operations per timed batch at size n ------------ */

static inline int64_t pb_batch_n(int64_t n) { return n; }
static inline int64_t pb_batch_half(int64_t n) { return n / 2 > 0 ? n / 2 : 1; }
static inline int64_t pb_batch_4(int64_t n) { (void)n; return 4; }
static inline int64_t pb_batch_64(int64_t n) { (void)n; return 64; }
static inline int64_t pb_batch_256(int64_t n) { (void)n; return 256; }
static inline int64_t pb_batch_4096(int64_t n) { (void)n; return 4096; }

/* Defines `static int64_t name(int64_t n)`, a batch of work / n operations
 * clamped to [lo, hi]: about `work` units of work per batch whatever N. */
#define PB_BATCH_CLAMPED(name, work, lo, hi) \
    static int64_t name(int64_t n) { return pb_clamp((work) / n, (lo), (hi)); }

/* ---- pb_scenario.teardown ------------------------------------------------- */

/* For a fixture that owns nothing (a static token). A fixture that owns
 * memory has its own free function taking void *, used as teardown as is. */
static inline void pb_teardown_none(void *fixture) { (void)fixture; }

#endif
