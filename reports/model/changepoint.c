/*
 * Change points of a series (changepoint.h): E-divisive means made
 * deterministic, as Apache Otava (formerly DataStax's Hunter) does for
 * performance histories.
 *
 *   split   the segments are walked left to right; in a segment [a, b)
 *           the candidate split t maximises the energy statistic of
 *           Matteson and James (2014) with alpha = 1,
 *             q(t) = mn/(m+n) (2/(mn) S|xi-yj| - S|xi-xk|/C(m,2)
 *                              - S|yj-yk|/C(n,2))
 *           over x = [a, t), y = [t, b), m and n at least min_size; it is
 *           kept when Welch's t-test between x and y gives p < max_p,
 *           and both parts are searched again.
 *   merge   as Otava's merge: each change point is tested again between
 *           its two final neighbouring segments, and while the weakest
 *           is not below max_p it is dropped (its neighbours' tests
 *           change); the splits are not searched again after a drop.
 *
 * The p-value is the two-sided tail of Student's t with Welch-Satterthwaite
 * degrees of freedom: the regularized incomplete beta function I_x(df/2,
 * 1/2), by its continued fraction (Lentz's method, as in Numerical
 * Recipes' betacf), so nothing outside libm is needed.
 *
 * The values are scaled by a power of two (exact) so that no sum of
 * distances or squares overflows, whatever finite values come in.
 *
 * Cost: evaluating a segment of L values is O(L^2) time (the pairwise
 * distances, swept once for every t) and O(1) space; the segments of one
 * level of the split tree are disjoint, so the split phase is O(n^2) per
 * level, O(n^2 log k) for k change points spread along the series and
 * O(n^2 k) at worst. The merge is O(n) per change point dropped. Memory:
 * n doubles and n / min_size + 1 indexes, allocated once per call.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "changepoint.h"

#define DEFAULT_MAX_P    0.001
#define DEFAULT_MIN_SIZE 3

/* --- Student's t ---------------------------------------------------------- */

#define LENTZ_TINY 1e-300

/* One step of the modified Lentz method: the fraction's next term aa
 * updates c and d; returns the factor that multiplies the estimate. */
static double lentz_step(double aa, double *c, double *d)
{
    *d = 1 + aa * *d;
    *c = 1 + aa / *c;
    if (fabs(*d) < LENTZ_TINY)
        *d = LENTZ_TINY;
    if (fabs(*c) < LENTZ_TINY)
        *c = LENTZ_TINY;
    *d = 1 / *d;
    return *d * *c;
}

/* The continued fraction of the incomplete beta function at x, evaluated
 * by the modified Lentz method; converges fast for x < (a+1)/(a+b+2). */
static double beta_cf(double a, double b, double x)
{
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < LENTZ_TINY)
        d = LENTZ_TINY;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        double m2 = 2.0 * m;
        /* the even term, then the odd term of the fraction */
        h *= lentz_step(m * (b - m) * x / ((a + m2 - 1) * (a + m2)), &c, &d);
        double step = lentz_step(-(a + m) * (a + b + m) * x /
                                 ((a + m2) * (a + m2 + 1)), &c, &d);
        h *= step;
        if (fabs(step - 1) < 1e-15)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b); y is 1 - x, given
 * apart so that a y near 0 keeps its precision. */
static double incomplete_beta(double a, double b, double x, double y)
{
    if (x <= 0)
        return 0;
    if (y <= 0)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) +
                       a * log(x) + b * log(y));
    double r = x < (a + 1) / (a + b + 2) ? front * beta_cf(a, b, x) / a
                                         : 1 - front * beta_cf(b, a, y) / b;
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

/* P(|T| >= |t|) for T of Student's t distribution with df degrees of
 * freedom (df > 0, not necessarily whole). */
static double student_t_two_sided(double t, double df)
{
    double t2 = t * t;
    if (t2 == 0)
        return 1;
    if (isinf(t2))
        return 0;
    return incomplete_beta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/* --- the two sides of a split --------------------------------------------- */

typedef struct side {
    size_t n;          /* at least 2 */
    double mean;
    double var;        /* sample variance; exactly 0 when constant */
} side;

/* The mean and variance of y[a..b). A constant side has its value as its
 * mean, exactly (a sum divided by n may be off by an ulp, which would make
 * two equal constants "differ" with p = 0). */
static side side_of(const double *y, size_t a, size_t b)
{
    side s = { b - a, y[a], 0 };
    double lo = y[a], hi = y[a], sum = 0;
    for (size_t i = a; i < b; i++) {
        sum += y[i];
        lo = y[i] < lo ? y[i] : lo;
        hi = y[i] > hi ? y[i] : hi;
    }
    if (lo == hi)
        return s;
    s.mean = sum / (double)s.n;
    double ssd = 0;
    for (size_t i = a; i < b; i++)
        ssd += (y[i] - s.mean) * (y[i] - s.mean);
    s.var = ssd / (double)(s.n - 1);
    return s;
}

/* Welch's two-sided p-value for the means of l and r. Both constant: 1 if
 * equal, 0 if not; one constant: its term is 0 and the degrees of freedom
 * are the other side's n - 1. */
static double welch_p(const side *l, const side *r)
{
    double vl = l->var / (double)l->n, vr = r->var / (double)r->n;
    double se2 = vl + vr;
    if (se2 == 0)
        return l->mean == r->mean ? 1 : 0;
    double fl = vl / se2, fr = vr / se2;   /* as fractions: no underflow */
    double df = 1 / (fl * fl / (double)(l->n - 1) + fr * fr / (double)(r->n - 1));
    return student_t_two_sided((r->mean - l->mean) / sqrt(se2), df);
}

static double split_p(const double *y, size_t a, size_t t, size_t b)
{
    side l = side_of(y, a, t), r = side_of(y, t, b);
    return welch_p(&l, &r);
}

/* --- the energy statistic --------------------------------------------------- */

/* The split t of y[a..b) with min_size values or more on each side that
 * maximises q(t) (the first on a tie), or 0 when there is none.
 *
 * within_l, within_r and between are the sums of |yi - yj| over the pairs
 * inside [a, t), inside [t, b) and across t; moving y[t] from the right
 * side to the left moves its distances to the left values (dl) from
 * between to within_l, and those to the right values (dr) from within_r
 * to between. */
static size_t best_split(const double *y, size_t a, size_t b, size_t min_size)
{
    if (b - a < 2 * min_size)
        return 0;
    double within_l = 0, within_r = 0, between = 0;
    for (size_t i = a; i < b; i++)
        for (size_t j = i + 1; j < b; j++)
            within_r += fabs(y[i] - y[j]);

    size_t best = 0;
    double best_q = -INFINITY;
    for (size_t t = a; t + min_size <= b; t++) {
        double m = (double)(t - a), n = (double)(b - t);
        if (t - a >= min_size) {
            double q = m * n / (m + n) *
                       (2 * between / (m * n) - within_l / (m * (m - 1) / 2) -
                        within_r / (n * (n - 1) / 2));
            if (q > best_q) {
                best_q = q;
                best = t;
            }
        }
        double dl = 0, dr = 0;
        for (size_t i = a; i < t; i++)
            dl += fabs(y[i] - y[t]);
        for (size_t j = t + 1; j < b; j++)
            dr += fabs(y[t] - y[j]);
        within_l += dl;
        within_r -= dr;
        between += dr - dl;
    }
    return best;
}

/* --- the search --------------------------------------------------------------- */

/* The level a split of segment [a, b) must beat: max_p over the number of
 * splits the search chose among (Bonferroni), since the split tested is
 * the most divergent of them, not one fixed in advance. */
static double level(double max_p, size_t a, size_t b, size_t min_size)
{
    size_t candidates = b - a >= 2 * min_size ? b - a - 2 * min_size + 1 : 1;
    return max_p / (double)candidates;
}

int pb_change_points(const double *x, size_t n, const pb_change_opts *opts,
                     pb_change *out, size_t cap)
{
    double max_p = opts && opts->max_p != 0 ? opts->max_p : DEFAULT_MAX_P;
    size_t min_size = opts && opts->min_size ? opts->min_size : DEFAULT_MIN_SIZE;
    if (!(max_p > 0 && max_p < 1) || n > INT_MAX) {
        errno = EINVAL;
        return -1;
    }
    double top = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            errno = EINVAL;
            return -1;
        }
        top = fabs(x[i]) > top ? fabs(x[i]) : top;
    }
    if (min_size < 2)
        min_size = 2;                   /* a variance needs two values */
    if (min_size > n / 2)
        return 0;                       /* n < 2 * min_size */

    /* y = x / 2^e, with |y| < 1: exact, and no sum below overflows */
    int e = 0;
    if (top > 0)
        frexp(top, &e);
    size_t max_cuts = n / min_size + 1; /* k + 2 for k change points */
    double *y = n <= SIZE_MAX / sizeof *y ? malloc(n * sizeof *y) : NULL;
    size_t *cut = malloc(max_cuts * sizeof *cut);
    if (!y || !cut) {
        free(y);
        free(cut);
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = ldexp(x[i], -e);

    /* split: segment i is [cut[i], cut[i+1]); a kept split inserts its t
     * after cut[i] and the left part is searched next, so the segments are
     * settled in order and cut stays sorted */
    size_t k = 0;
    cut[0] = 0;
    cut[1] = n;
    for (size_t i = 0; i <= k;) {
        size_t t = best_split(y, cut[i], cut[i + 1], min_size);
        if (t && split_p(y, cut[i], t, cut[i + 1]) <
                     level(max_p, cut[i], cut[i + 1], min_size)) {
            memmove(&cut[i + 2], &cut[i + 1], (k + 1 - i) * sizeof *cut);
            cut[i + 1] = t;
            k++;
        } else {
            i++;
        }
    }

    /* merge: drop the weakest change point while one is not significant
     * between its final neighbours (the first of equal p-values) */
    while (k > 0) {
        size_t worst = 0;
        double worst_p = -1;
        for (size_t j = 1; j <= k; j++) {
            double p = split_p(y, cut[j - 1], cut[j], cut[j + 1]) /
                       level(max_p, cut[j - 1], cut[j + 1], min_size);
            if (p > worst_p) {
                worst_p = p;
                worst = j;
            }
        }
        if (worst_p < 1)
            break;
        memmove(&cut[worst], &cut[worst + 1], (k + 1 - worst) * sizeof *cut);
        k--;
    }

    for (size_t j = 1; j <= k && j <= cap; j++) {
        side l = side_of(y, cut[j - 1], cut[j]), r = side_of(y, cut[j], cut[j + 1]);
        pb_change *c = &out[j - 1];
        c->index = cut[j];
        c->before = ldexp(l.mean, e);
        c->after = ldexp(r.mean, e);
        c->shift = c->before != 0 ? (c->after - c->before) / c->before
                                  : c->after - c->before;
        c->p_value = welch_p(&l, &r);
    }
    free(y);
    free(cut);
    return (int)k;
}
