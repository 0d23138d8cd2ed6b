/*
 * Change points of a series of measurements, in run order (the results
 * history: a pair's speed-up per run, a case's instructions per op per
 * run).
 *
 * The method is E-divisive means (Matteson and James 2014, as Apache
 * Otava/Hunter uses it for performance histories) made deterministic:
 * the candidate split is the one that maximises the divergence of the
 * means of the two sides (the energy statistic with alpha = 1), and it is
 * kept only when Welch's t-test between the two sides gives a p-value
 * below max_p (instead of a random permutation test). Each kept split
 * divides its segment, and the search recurses into both parts until no
 * split in any segment is significant. The same input always gives the
 * same output.
 */
#ifndef PAIRBENCH_CHANGEPOINT_H
#define PAIRBENCH_CHANGEPOINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pb_change {
    size_t index;      /* first element of the new segment: x[index] is the
                          first value after the shift, 1 <= index < n */
    double before;     /* mean of the segment that ends at index - 1 */
    double after;      /* mean of the segment that starts at index */
    double shift;      /* (after - before) / before; after - before when
                          before is 0 */
    double p_value;    /* Welch's t-test of the two segments, in [0, 1] */
} pb_change;

typedef struct pb_change_opts {
    double max_p;      /* significance level; 0 means 0.001 */
    size_t min_size;   /* fewest elements either side of a split; 0
                          means 3 */
} pb_change_opts;

/* Finds the change points of x[0..n) (every value finite; NULL opts for
 * the defaults) and writes at most cap of them to out, in increasing
 * index. Returns how many there are (which may exceed cap: then only the
 * first cap are written), 0 when the series is shorter than 2 * min_size
 * or has none, or -1 with errno EINVAL (a value not finite, max_p outside
 * (0, 1)) or ENOMEM; out is then untouched. Two segments that are both
 * constant and equal never split; two constant segments that differ
 * always do (p = 0). */
int pb_change_points(const double *x, size_t n, const pb_change_opts *opts,
                     pb_change *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
