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
 * split in any segment is significant. Then, as Otava's merge does, each
 * change point is tested again between its two final neighbouring
 * segments, and while the weakest is not below max_p it is dropped (its
 * neighbours are retested; segments are not split again). The same input
 * always gives the same output.
 *
 * The split tested is the one that maximises the statistic, not one fixed
 * in advance, so its p-value must be below max_p divided by the number of
 * splits the segment offered (Bonferroni; the merge uses the merged
 * segment's number). Without that correction pure noise got a change point
 * in 4-5% of the series of 50 to 200 values; with it, 0.7% of 4000 series
 * of 10 to 200 values (normal noise of 3%), mostly with few values on one
 * side.
 *
 * A change point has min_size values or more on each side, so a shift in
 * the last min_size - 1 runs cannot be flagged yet. With k values after
 * it, Welch's test has about k - 1 degrees of freedom from their spread:
 * measured with the defaults after 30 runs of 1% noise, the new runs
 * spread by 1%: at 3 runs not even a doubling is flagged, at 4 runs 20%
 * is, at 5 runs 10%, at 6 runs 5%. Values that do not spread
 * (instruction counts) are flagged at the min_size-th run.
 *
 * Cost: O(L^2) per segment of L values evaluated, so O(n^2) per level of
 * splitting (O(n^2 log k) for k change points spread along the series),
 * and O(n) memory.
 */
#ifndef PAIRBENCH_CHANGEPOINT_H
#define PAIRBENCH_CHANGEPOINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pb_change {
    size_t index;      /* first element of the new segment: x[index] is the
                          first value after the shift, min_size <= index
                          <= n - min_size */
    double before;     /* mean of the segment that ends at index - 1 (from
                          the previous change point, or 0) */
    double after;      /* mean of the segment that starts at index (to the
                          next change point, or n) */
    double shift;      /* (after - before) / before; after - before when
                          before is 0 */
    double p_value;    /* Welch's t-test of the two segments, below
                          max_p divided by the splits the two segments
                          together offer (Bonferroni); 0 when both are
                          constant */
} pb_change;

typedef struct pb_change_opts {
    double max_p;      /* significance level; 0 means 0.001 */
    size_t min_size;   /* fewest elements either side of a split; 0
                          means 3; 1 is taken as 2 (Welch's test needs
                          two values a side for a variance) */
} pb_change_opts;

/* Finds the change points of x[0..n) (every value finite; NULL opts for
 * the defaults) and writes at most cap of them to out, in increasing
 * index. Returns how many there are (which may exceed cap: then only the
 * first cap are written), 0 when the series is shorter than 2 * min_size
 * or has none, or -1 with errno EINVAL (a value not finite, max_p outside
 * (0, 1), n above INT_MAX) or ENOMEM; out is then untouched. Two segments
 * that are both constant and equal never split; two constant segments
 * that differ always do (p = 0). */
int pb_change_points(const double *x, size_t n, const pb_change_opts *opts,
                     pb_change *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
