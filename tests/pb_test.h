/*
 * pb_test: what the component tests share (tests/pb_test.c): the seeded
 * generator (splitmix64, pb_rand of harness.h) with its two ways of drawing
 * below a bound, a shuffle, an id maker, the digest, the mismatch report of
 * the differential tests, and the cmocka runner that runs one list of tests
 * against each implementation's ops table.
 *
 * Include it instead of cmocka.h: it includes cmocka with the headers
 * cmocka needs before it.
 */
#ifndef PAIRBENCH_PB_TEST_H
#define PAIRBENCH_PB_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pairbench/harness.h"

#define PBT_ARRAY_LEN(a) (sizeof (a) / sizeof (a)[0])

/* ---- the generator ------------------------------------------------------- */

/* splitmix64: { seed } is a generator; the same seed, the same stream. */
typedef struct pbt_rng { uint64_t s; } pbt_rng;

static inline uint64_t pbt_next(pbt_rng *r)
{
    return pb_rand(&r->s);
}

/* Uniform in [0, n), n > 0: the high half of next * n (no modulo bias). */
static inline uint64_t pbt_below(pbt_rng *r, uint64_t n)
{
    return pb_rand_below(&r->s, n);
}

/* next % n, n > 0 (biased for huge n, irrelevant here). A different stream
 * from pbt_below: a test keeps the one its sequences were made with. */
static inline uint64_t pbt_mod(pbt_rng *r, uint64_t n)
{
    return pbt_next(r) % n;
}

/* Fisher-Yates: shuffles a[0..n) in place, j = pbt_mod(r, i + 1) for i from
 * n-1 down to 1. */
void pbt_shuffle_int(int *a, size_t n, pbt_rng *r);

/* The id of item i: prefix + i in at least 6 digits ("task-000042"). */
void pbt_make_id(char *buf, size_t size, const char *prefix, long i);

/* The id patterns of the differential tests of id-keyed components. */
enum pbt_id_pattern {
    PBT_ID_SEQUENTIAL,         /* "task-000123", from a serial number */
    PBT_ID_RANDOM,             /* 1..size-1 alphanumerics, skewed short */
    PBT_ID_CLUSTERED,          /* "tenant-02/queue-03/job-0000042" */
    PBT_ID_PATTERNS
};

/* A new id of `pattern` into buf (size bytes): sequential ids use and
 * increment *serial; clustered ones have a job number below 4 * target +
 * 64. Short random and clustered ids may repeat, which is the point: a
 * store must then say EEXIST like its oracle. */
void pbt_fresh_id(int pattern, pbt_rng *r, uint64_t *serial, size_t target,
                  char *buf, size_t size);

/* A size drawn uniformly from octave k, [2^k - 1, 2^(k+1) - 1), cut at
 * max + 1: with k drawn by the caller, sizes log-uniform on [0, max]. */
size_t pbt_octave_size(pbt_rng *r, size_t k, size_t max);

/* Folds v into the digest d (order-sensitive): pb_digest. */
static inline uint64_t pbt_digest(uint64_t d, uint64_t v)
{
    return pb_digest(d, v);
}

/* ---- differential tests: where a sequence is, and the mismatch --------- */

/* A differential test's position, kept up to date as the sequence runs
 * (a test keeps one in its context and sets seed, seq, step and op). */
typedef struct pbt_where {
    const char *test;          /* "task_store_diff" */
    uint64_t    seed;          /* the sequence's seed */
    unsigned    seq;           /* its number */
    size_t      step;          /* the operation's index in the sequence */
    const char *op;            /* the operation, NULL: "-" */
    /* More of the position ("target=64 id=..."), written into buf at the
     * mismatch, or NULL. */
    void (*describe)(const void *arg, char *buf, size_t size);
    const void *arg;
} pbt_where;

/* Prints, on stderr,
 *   TEST MISMATCH: seed=0x... seq=N step=K op=OP DESCRIBED
 *     DETAIL
 * where DETAIL is fmt formatted and says what differed with both results
 * ("count: naive=3 optimized=4"), then fails the running cmocka test. */
void pbt_mismatch(const pbt_where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same report without failing (a test that counts mismatches and fails
 * at the end). */
void pbt_report(const pbt_where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- files ------------------------------------------------------------------- */

/* A fresh private directory BASE/pb-test-NAME.XXXXXX into buf (mkdtemp):
 * BASE is /dev/shm when on_tmpfs and it exists (tmpfs: an fsync costs
 * nothing there, for tests that write a lot), else /tmp. 0, or -1 with
 * the reason on stderr. */
int  pbt_make_dir(char *buf, size_t cap, const char *name, int on_tmpfs);
/* Removes path and everything under it (nftw, no shell, links not
 * followed); a message on stderr for what could not be removed. */
void pbt_remove_dir(const char *path);
/* Runs sql on the SQLite database at path through a connection of its
 * own; fails the running cmocka test on an error. */
void pbt_sql(const char *path, const char *sql);

/* ---- unit tests: one list, every implementation ---------------------------- */

/* One run of the list: its group is named "COMPONENT NAME" and every test's
 * *state is `state` (an ops table, or what the test file makes of one). */
typedef struct pbt_table {
    const char *name;          /* "naive", "optimized", ... */
    const void *state;
} pbt_table;

/* Runs tests[0..n_tests) once per table, in order. Returns the number of
 * failed tests (0: all passed), cmocka's count summed over the runs. */
int pbt_run_tables(const char *component, const struct CMUnitTest *tests, size_t n_tests,
                   const pbt_table *tables, size_t n_tables);

/* The usual case: the list against the naive and the optimized ops table. */
#define PBT_RUN_BOTH(component, tests, naive, optimized)                        \
    pbt_run_tables((component), (tests), PBT_ARRAY_LEN(tests),                  \
                   (const pbt_table[]){ { "naive", (naive) },                   \
                                        { "optimized", (optimized) } }, 2)

#endif
