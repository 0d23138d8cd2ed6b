/*
 * The change points of a history (reports/model/changepoint.h) on
 * synthetic series whose answers are known:
 *
 *   one step, two steps    found at their index, with the right means
 *   pure noise             how often a series with no change is flagged
 *                          (the method's false-positive rate)
 *   a step near the end    how many runs after a shift it takes to flag
 *                          it (what a CI gate on the last run can expect)
 *   constants, short series, bad input, cap, allocation failure
 *   p-values               Welch's test against reference values
 *
 * Every result is also checked against what the header promises (see
 * check_changes). The noise is deterministic: splitmix64 seeds, normal
 * values by Box-Muller, heavy-tailed ones as Student's t with 3 degrees
 * of freedom.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "pb_test_alloc.h"
#include "../reports/model/changepoint.h"

#define MAX_N   400
#define MAX_OUT 64

/* cmocka's assert_float_equal compares floats: doubles here */
#define assert_near(a, b, tol) near_at((a), (b), (tol), __FILE__, __LINE__)

static void near_at(double a, double b, double tol, const char *file, int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%.17g != %.17g (tolerance %g)\n", a, b, tol);
        _fail(file, line);
    }
}

/* --- deterministic noise --------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The stream starts at a mixed seed: seeds s and s + 1 must not be the
 * same stream shifted by one value. */
static void rng_seed(uint64_t seed)
{
    rng_state = seed;
    rng_state = rng_next();
}

static double uniform01(void) { return ((double)(rng_next() >> 11) + 0.5) * 0x1p-53; }

static double normal(void)
{
    double u = uniform01(), v = uniform01();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static double student3(void)
{
    double chi2 = 0;
    for (int i = 0; i < 3; i++) {
        double g = normal();
        chi2 += g * g;
    }
    return normal() / sqrt(chi2 / 3);
}

/* x[from..to) = level * (1 + sd * noise) */
static void fill(double *x, size_t from, size_t to, double level, double sd,
                 double (*noise)(void))
{
    for (size_t i = from; i < to; i++)
        x[i] = level * (1 + sd * noise());
}

/* --- what every result must satisfy ---------------------------------------- */

/* (divided first: values near DBL_MAX do not overflow the sum) */
static double mean_of(const double *x, size_t a, size_t b)
{
    double s = 0;
    for (size_t i = a; i < b; i++)
        s += x[i] / (double)(b - a);
    return s;
}

/* Runs pb_change_points into out (at most MAX_OUT) and checks the header's
 * promises: increasing indexes at least min_size apart and from both ends,
 * before and after the means of the final segments around each index,
 * shift as defined, p-value in [0, max_p). Returns the count. */
static int changes(const double *x, size_t n, const pb_change_opts *opts,
                   pb_change *out)
{
    double max_p = opts && opts->max_p != 0 ? opts->max_p : 0.001;
    size_t min_size = opts && opts->min_size ? opts->min_size : 3;
    int k = pb_change_points(x, n, opts, out, MAX_OUT);
    assert_true(k >= 0 && k <= MAX_OUT);
    for (int j = 0; j < k; j++) {
        size_t prev = j ? out[j - 1].index : 0;
        size_t next = j + 1 < k ? out[j + 1].index : n;
        const pb_change *c = &out[j];
        assert_true(c->index >= prev + min_size && c->index + min_size <= next);
        double before = mean_of(x, prev, c->index), after = mean_of(x, c->index, next);
        assert_near(c->before, before, 1e-12 * fmax(1, fabs(before)));
        assert_near(c->after, after, 1e-12 * fmax(1, fabs(after)));
        double shift = c->before != 0 ? (c->after - c->before) / c->before
                                      : c->after - c->before;
        assert_near(c->shift, shift, 1e-12 * fmax(1, fabs(shift)));
        assert_true(c->p_value >= 0 && c->p_value < max_p);
    }
    return k;
}

static const pb_change *find_index(const pb_change *out, int k, size_t index)
{
    for (int j = 0; j < k; j++)
        if (out[j].index == index)
            return &out[j];
    return NULL;
}

/* --- steps -------------------------------------------------------------------- */

/* Levels of 20 values each, noise 3% (a step of 10 sd or more), for the
 * first ten seeds: every step is found at its index, with the means of
 * its own neighbours (not of the first split's sides) and its shift.
 * Returns the change points found besides: a noisy level can carry a
 * false one of its own (see test_pure_noise). */
static int steps_found(const double *level, size_t levels)
{
    double x[MAX_N];
    pb_change out[MAX_OUT];
    int extra = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        rng_seed(seed);
        for (size_t j = 0; j < levels; j++)
            fill(x, 20 * j, 20 * (j + 1), level[j], 0.03, normal);
        int k = changes(x, 20 * levels, NULL, out);
        for (size_t j = 1; j < levels; j++) {
            const pb_change *c = find_index(out, k, 20 * j);
            assert_non_null(c);
            assert_near(c->before, level[j - 1], 0.03);
            assert_near(c->after, level[j], 0.03);
            assert_near(c->shift, level[j] / level[j - 1] - 1, 0.05);
            assert_true(c->p_value < 1e-6);
        }
        extra += k - (int)(levels - 1);
    }
    return extra;
}

static void test_single_step(void **state)
{
    (void)state;
    const double level[] = { 1.0, 1.3 };
    int extra = steps_found(level, 2);
    print_message("    one step: %d extra change points in 10 series\n", extra);
    assert_true(extra <= 2);
}

/* up then down */
static void test_two_steps(void **state)
{
    (void)state;
    const double level[] = { 1.0, 1.3, 1.0 };
    int extra = steps_found(level, 3);
    print_message("    two steps: %d extra change points in 10 series\n", extra);
    assert_true(extra <= 2);
}

/* A random walk of levels (a jump of about 5% every 10 runs on average)
 * under 2% noise, 200 series: what the splits find is kept only where the
 * final neighbours differ at max_p (the merge), which changes() checks on
 * every change. */
static void test_many_steps(void **state)
{
    (void)state;
    double x[MAX_N];
    pb_change out[MAX_OUT];
    int found = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        rng_seed(seed);
        size_t n = 60 + rng_next() % 100;
        double level = 1;
        for (size_t i = 0; i < n; i++) {
            if (rng_next() % 10 == 0)
                level *= 1 + 0.05 * normal();
            x[i] = level * (1 + 0.02 * normal());
        }
        found += changes(x, n, NULL, out);
    }
    print_message("    random walks: %d change points in 200 series\n", found);
    assert_true(found > 200);
}

/* --- pure noise ------------------------------------------------------------- */

/* Series with no change: 40 seeds for each length 10, 20, 50, 100, 200 and
 * each noise (normal 3%, Student's t(3) 3%). The split tested is the most
 * divergent of the segment's, so its level is max_p over their number
 * (Bonferroni); without that, 4-5% of the series of 50 to 200 values got a
 * change point. Measured with it over 4000 series of 10 to 200 values:
 * 0.7%. The 400 series here must stay under 1%. */
static void test_pure_noise(void **state)
{
    (void)state;
    static const size_t lengths[] = { 10, 20, 50, 100, 200 };
    double (*const noises[])(void) = { normal, student3 };
    double x[200];
    pb_change out[MAX_OUT];
    int flagged = 0, series = 0;
    for (size_t l = 0; l < sizeof lengths / sizeof *lengths; l++)
        for (size_t z = 0; z < 2; z++)
            for (uint64_t seed = 1; seed <= 40; seed++) {
                rng_seed(1000 * lengths[l] + 100 * z + seed);
                fill(x, 0, lengths[l], 1.0, 0.03, noises[z]);
                flagged += changes(x, lengths[l], NULL, out) > 0;
                series++;
            }
    print_message("    pure noise: %d of %d series flagged\n", flagged, series);
    assert_true(flagged * 100 < 1 * series);
}

/* --- a step near the end ------------------------------------------------------ */

/* 30 runs around 1.0 (1% noise), then k runs at 1 + step spread by 1% of
 * their level ({-1, +1, 0, -1, +1...} sd). */
static size_t tail_series(double *x, size_t k, double step)
{
    static const double spread[] = { -1, 1, 0, -1, 1, 0, -1, 1 };
    rng_seed(7);
    fill(x, 0, 30, 1.0, 0.01, normal);
    for (size_t i = 0; i < k; i++)
        x[30 + i] = (1 + step) * (1 + 0.01 * spread[i]);
    return 30 + k;
}

static int tail_found(size_t k, double step, const pb_change_opts *opts)
{
    double x[40];
    pb_change out[MAX_OUT];
    size_t n = tail_series(x, k, step);
    int found = changes(x, n, opts, out);
    assert_true(found <= 1);
    if (found)
        assert_int_equal(out[0].index, 30);
    return found;
}

/* How many runs after a shift it takes to flag it, with the defaults
 * (min_size 3, max_p 0.001 over the 28 splits of these 33 to 38 runs, by
 * Bonferroni). A change point has min_size runs or more on each side, so
 * the last run alone is never one: the earliest is when the min_size-th
 * run at the new level arrives. Welch's test then leans on the new runs'
 * own spread s (here about 1% of the new level), with about k - 1 degrees
 * of freedom for k new runs: at 3 runs even a doubling is not enough at
 * that level; at 4 a 20% shift is, 10% is not; at 5, 10% is, 5% is not;
 * at 6, 5% is, 3% is not. (Instruction counts, which do not spread, are
 * flagged at the min_size-th run: see test_constants.) */
static void test_last_runs(void **state)
{
    (void)state;
    assert_int_equal(tail_found(2, 1.00, NULL), 0);   /* 2 runs: never */
    assert_int_equal(tail_found(3, 1.00, NULL), 0);   /* 3 runs, 1% spread */
    assert_int_equal(tail_found(4, 0.10, NULL), 0);
    assert_int_equal(tail_found(4, 0.20, NULL), 1);
    assert_int_equal(tail_found(5, 0.05, NULL), 0);
    assert_int_equal(tail_found(5, 0.10, NULL), 1);
    assert_int_equal(tail_found(6, 0.03, NULL), 0);
    assert_int_equal(tail_found(6, 0.05, NULL), 1);
    /* min_size is the number of runs needed, whatever the shift */
    pb_change_opts five = { .min_size = 5 };
    assert_int_equal(tail_found(4, 1.00, &five), 0);
    assert_int_equal(tail_found(5, 1.00, &five), 1);
}

/* Scaling by a power of two changes nothing but the means: near DBL_MAX
 * (sums of distances would overflow) and near the smallest normal values
 * (squares would underflow to a variance of 0). */
static void test_scale(void **state)
{
    (void)state;
    double x[60], y[60];
    pb_change out[MAX_OUT], scaled[MAX_OUT];
    rng_seed(11);
    fill(x, 0, 20, 1.0, 0.03, normal);
    fill(x, 20, 40, 1.3, 0.03, normal);
    fill(x, 40, 60, -0.5, 0.03, normal);
    int k = changes(x, 60, NULL, out);
    assert_true(k >= 2);
    const int powers[] = { 1000, -1000 };
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; i < 60; i++)
            y[i] = ldexp(x[i], powers[s]);
        assert_int_equal(changes(y, 60, NULL, scaled), k);
        for (int j = 0; j < k; j++) {
            assert_int_equal(scaled[j].index, out[j].index);
            assert_true(scaled[j].before == ldexp(out[j].before, powers[s]));
            assert_true(scaled[j].after == ldexp(out[j].after, powers[s]));
            assert_true(scaled[j].p_value == out[j].p_value);
        }
    }
}

/* --- constants, short series -------------------------------------------------- */

static void test_constants(void **state)
{
    (void)state;
    double x[20];
    pb_change out[MAX_OUT];
    /* 0.1 summed and divided is not 0.1: equal constants still never split */
    for (size_t i = 0; i < 20; i++)
        x[i] = 0.1;
    assert_int_equal(changes(x, 20, NULL, out), 0);
    /* two different constants: always split, p = 0, exact means */
    for (size_t i = 10; i < 20; i++)
        x[i] = 0.3;
    assert_int_equal(changes(x, 20, NULL, out), 1);
    assert_int_equal(out[0].index, 10);
    assert_true(out[0].before == 0.1 && out[0].after == 0.3);
    assert_true(out[0].p_value == 0);
    /* before 0: the shift is after - before */
    for (size_t i = 0; i < 10; i++)
        x[i] = 0;
    assert_int_equal(changes(x, 20, NULL, out), 1);
    assert_near(out[0].shift, 0.3, 1e-15);
    /* even the smallest difference of two constants */
    for (size_t i = 0; i < 6; i++)
        x[i] = i < 3 ? 1.0 : nextafter(1.0, 2.0);
    assert_int_equal(changes(x, 6, NULL, out), 1);
    assert_int_equal(out[0].index, 3);
    /* a constant side and a noisy one at its level: no split; at another
     * level: the noisy side's spread alone decides (p below max_p) */
    rng_seed(3);
    fill(x, 0, 10, 1.0, 0, normal);
    fill(x, 10, 20, 1.0, 0.03, normal);
    assert_int_equal(changes(x, 20, NULL, out), 0);
    fill(x, 10, 20, 1.2, 0.03, normal);
    assert_int_equal(changes(x, 20, NULL, out), 1);
    assert_int_equal(out[0].index, 10);
}

static void test_short(void **state)
{
    (void)state;
    double x[12] = { 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5, 5 };
    pb_change out[MAX_OUT];
    assert_int_equal(pb_change_points(NULL, 0, NULL, NULL, 0), 0);
    assert_int_equal(changes(x, 5, NULL, out), 0);    /* < 2 * 3 */
    assert_int_equal(changes(x + 2, 6, NULL, out), 1); /* = 2 * 3 */
    assert_int_equal(out[0].index, 3);
    pb_change_opts six = { .min_size = 6 };
    assert_int_equal(changes(x, 11, &six, out), 0);
    assert_int_equal(changes(x, 12, &six, out), 0);   /* 6 | 6 mixes, p 0.004 */
    pb_change_opts five = { .min_size = 5 };
    assert_int_equal(changes(x, 10, &five, out), 1);
    /* min_size 1 is taken as 2 */
    pb_change_opts one = { .min_size = 1 };
    double y[4] = { 1, 1, 9, 9 };
    assert_int_equal(changes(y, 3, &one, out), 0);
    assert_int_equal(changes(y, 4, &one, out), 1);
    assert_int_equal(out[0].index, 2);
}

/* --- errors, cap ----------------------------------------------------------------- */

static void assert_untouched(const pb_change *out, size_t n)
{
    const unsigned char *b = (const unsigned char *)out;
    for (size_t i = 0; i < n * sizeof *out; i++)
        assert_int_equal(b[i], 0xa5);
}

static void test_bad_input(void **state)
{
    (void)state;
    double x[20];
    pb_change out[4];
    const double bad[] = { NAN, INFINITY, -INFINITY };
    const size_t at[] = { 0, 7, 19 };
    for (size_t b = 0; b < 3; b++)
        for (size_t a = 0; a < 3; a++) {
            for (size_t i = 0; i < 20; i++)
                x[i] = i < 10 ? 1 : 2;
            x[at[a]] = bad[b];
            memset(out, 0xa5, sizeof out);
            errno = 0;
            assert_int_equal(pb_change_points(x, 20, NULL, out, 4), -1);
            assert_int_equal(errno, EINVAL);
            assert_untouched(out, 4);
            /* also when the series is too short to split */
            errno = 0;
            size_t from = at[a] ? at[a] - 1 : 0;
            assert_int_equal(pb_change_points(x + from, 2, NULL, out, 4), -1);
            assert_int_equal(errno, EINVAL);
        }
    for (size_t i = 0; i < 20; i++)
        x[i] = i < 10 ? 1 : 2;
    const double bad_p[] = { -0.1, 1, 1.5, NAN, INFINITY };
    for (size_t i = 0; i < 5; i++) {
        pb_change_opts o = { .max_p = bad_p[i] };
        memset(out, 0xa5, sizeof out);
        errno = 0;
        assert_int_equal(pb_change_points(x, 20, &o, out, 4), -1);
        assert_int_equal(errno, EINVAL);
        assert_untouched(out, 4);
    }
    /* a count that does not fit the int returned, refused before x is read */
    memset(out, 0xa5, sizeof out);
    errno = 0;
    assert_int_equal(pb_change_points(x, (size_t)INT_MAX + 1, NULL, out, 4), -1);
    assert_int_equal(errno, EINVAL);
    assert_untouched(out, 4);
    pb_change_opts zero = { 0 };
    assert_int_equal(pb_change_points(x, 20, &zero, out, 4), 1);
}

/* Four constant levels: three changes; cap 1 writes the first only and
 * still returns 3; cap 0 with no array counts them. */
static void test_cap(void **state)
{
    (void)state;
    static const double level[] = { 1, 3, 2, 4 };
    double x[40];
    for (size_t i = 0; i < 40; i++)
        x[i] = level[i / 10];
    pb_change all[MAX_OUT], out[3];
    assert_int_equal(changes(x, 40, NULL, all), 3);
    memset(out, 0xa5, sizeof out);
    assert_int_equal(pb_change_points(x, 40, NULL, out, 1), 3);
    assert_memory_equal(&out[0], &all[0], sizeof *out);
    assert_untouched(&out[1], 2);
    assert_int_equal(pb_change_points(x, 40, NULL, NULL, 0), 3);
    /* the same input, the same output */
    pb_change again[MAX_OUT];
    assert_int_equal(pb_change_points(x, 40, NULL, again, MAX_OUT), 3);
    assert_memory_equal(again, all, 3 * sizeof *again);
}

/* Each allocation failing: -1, ENOMEM, out untouched. */
static void test_enomem(void **state)
{
    (void)state;
    if (!PBT_FAIL_INJECTION) {
        print_message("    allocation failure injection unavailable here (sanitizer)\n");
        return;
    }
    double x[20];
    for (size_t i = 0; i < 20; i++)
        x[i] = i < 10 ? 1 : 2;
    pb_change out[4];
    for (long k = 0;; k++) {
        memset(out, 0xa5, sizeof out);
        errno = 0;
        pbt_fail_at(k);
        int rc = pb_change_points(x, 20, NULL, out, 4);
        int pending = pbt_fail_pending();
        pbt_fail_never();
        if (pending) {
            assert_int_equal(rc, 1);
            assert_true(k >= 1);
            break;
        }
        assert_int_equal(rc, -1);
        assert_int_equal(errno, ENOMEM);
        assert_untouched(out, 4);
    }
}

/* --- p-values ------------------------------------------------------------------ */

/* The p-value of the only possible split (n = 2 * min_size) of two sides
 * built for a given Welch t and degrees of freedom. References: t(10) at
 * 2.0 is 0.0734 in every table; the digits are mpmath's betainc (30
 * digits) of I_{df/(df+t^2)}(df/2, 1/2). */
static double p_of(const double *left, const double *right, size_t m,
                   double max_p)
{
    double x[12];
    pb_change out[MAX_OUT];
    memcpy(x, left, m * sizeof *x);
    memcpy(x + m, right, m * sizeof *x);
    pb_change_opts o = { .max_p = max_p, .min_size = m };
    int k = changes(x, 2 * m, &o, out);
    if (k == 0)
        return 1;
    assert_int_equal(k, 1);
    assert_int_equal(out[0].index, m);
    return out[0].p_value;
}

static void test_p_values(void **state)
{
    (void)state;
    const double base[6] = { -2, -1, 0, 0, 1, 2 };  /* variance 2 */
    double l[6], r[6];

    /* equal variances and sizes: t = 2 with 10 degrees of freedom */
    double d = 2 * sqrt(2.0 / 3);
    for (int i = 0; i < 6; i++) {
        l[i] = 10 + base[i];
        r[i] = 10 + d + base[i];
    }
    assert_near(p_of(l, r, 6, 0.5), 0.0733880347707404, 1e-12);
    assert_near(p_of(r, l, 6, 0.5), 0.0733880347707404, 1e-12);
    /* max_p is a strict bound */
    assert_near(p_of(l, r, 6, 0.0734), 0.0733880347707404, 1e-12);
    assert_true(p_of(l, r, 6, 0.0733) == 1);

    /* variances 2 and 8: Welch-Satterthwaite df = 125/17, t = 2 */
    d = 2 * sqrt(5.0 / 3);
    for (int i = 0; i < 6; i++)
        r[i] = 10 + d + 2 * base[i];
    assert_near(p_of(l, r, 6, 0.5), 0.0836591272452993, 1e-12);

    /* one constant side: df = 5 (the other side's n - 1), t = 3 */
    d = sqrt(3.0);
    for (int i = 0; i < 6; i++) {
        l[i] = 10;
        r[i] = 10 + d + base[i];
    }
    assert_near(p_of(l, r, 6, 0.5), 0.0300992478974626, 1e-12);

    /* far in the tail: t = 40 with 2 df (sides of 3, one constant) */
    const double l3[3] = { 10, 10, 10 };
    double r3[3] = { -1, 0, 1 };
    for (int i = 0; i < 3; i++)
        r3[i] += 10 + 40 / sqrt(3.0);
    assert_near(p_of(l3, r3, 3, 0), 6.24414672184741e-4, 1e-15);
    /* deep in the tail: t = 1.22e6 with 10 df */
    for (int i = 0; i < 6; i++) {
        l[i] = 10 + base[i] * 1e-6;
        r[i] = 11 + base[i] * 1e-6;
    }
    assert_near(p_of(l, r, 6, 0) / 3.24074074064172e-57, 1, 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_step),
        cmocka_unit_test(test_two_steps),
        cmocka_unit_test(test_many_steps),
        cmocka_unit_test(test_pure_noise),
        cmocka_unit_test(test_last_runs),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_short),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_p_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
