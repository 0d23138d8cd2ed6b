/*
 * parallel_processor: seed 003's ParallelProcessor.processParallel: run a
 * function over n items and collect one result per item, in input order.
 *
 *   parallel_processor_naive      the "before": the items one after
 *                                 another on the calling thread
 *   parallel_processor_optimized  bounded concurrency: a pool of
 *                                 min(concurrency, n) - 1 threads started
 *                                 for the call plus the caller, taking
 *                                 items in index order from a shared
 *                                 counter, and joined before it returns
 *                                 (no thread outlives the call). The
 *                                 seed's stop-on-error rejects the call
 *                                 at the first error but lets every
 *                                 queued item still run; here no item
 *                                 starts once an error has been seen
 * Item i runs fn(arg, i, &value) exactly once or not at all; fn must be
 * safe to call from several threads at once for the optimized one.
 *
 * Modes (pp_options.stop_on_error):
 *   0 all-settled  every item runs; results[i] is PP_FULFILLED with its
 *                  value or PP_REJECTED with fn's error code. The same
 *                  results in both implementations.
 *   1 stop         after an item fails, no further item starts; items
 *                  that never started are PP_SKIPPED. Indices are taken in
 *                  order, so the items that ran are always a prefix of the
 *                  input, and the failure reported is the rejected item of
 *                  lowest index. The naive one's prefix ends at the first
 *                  failing item. The optimized one's may go further: items
 *                  taken by other threads before the failing item returned
 *                  (a slow failing item lets the others run ahead) still
 *                  run and keep their results; that is the one way the
 *                  two may legitimately differ
 *
 * Return codes: PP_OK (every item ran; in all-settled mode some may be
 * rejected); PP_EREJECTED (stop mode: an item failed, *failed = its
 * index); PP_EINVAL (fn, opt or results NULL, concurrency < 1, n >
 * PP_ITEMS_MAX; nothing run); PP_ENOMEM is never returned: the pool itself
 * allocates nothing (it lives on the stack, at most PP_THREADS_MAX
 * threads; glibc may allocate a new thread's stack and TLS), and a thread
 * the system refuses to start is not an error: the pool runs with those
 * it has, at worst the caller alone.
 */
#ifndef PAIRBENCH_PARALLEL_PROCESSOR_H
#define PAIRBENCH_PARALLEL_PROCESSOR_H

#include <stddef.h>
#include <stdint.h>

#define PP_ITEMS_MAX   (1u << 24)
#define PP_THREADS_MAX 64

enum { PP_OK = 0, PP_EINVAL = 1, PP_ENOMEM = 2, PP_EREJECTED = 3 };
enum { PP_SKIPPED = 0, PP_FULFILLED = 1, PP_REJECTED = 2 };

typedef struct pp_result {
    int     status;              /* PP_SKIPPED, PP_FULFILLED, PP_REJECTED */
    int     error;               /* fn's non-zero code when rejected */
    int64_t value;               /* fn's value when fulfilled */
} pp_result;

/* 0 with *value, or a non-zero error code. */
typedef int (*pp_fn)(void *arg, size_t index, int64_t *value);

typedef struct pp_options {
    int concurrency;             /* >= 1; above PP_THREADS_MAX: PP_THREADS_MAX */
    int stop_on_error;
} pp_options;

typedef struct parallel_processor_ops {
    const char *name;            /* "naive" | "optimized" */
    int (*process)(size_t n, pp_fn fn, void *arg, const pp_options *opt,
                   pp_result *results, size_t *failed);
} parallel_processor_ops;

extern const parallel_processor_ops parallel_processor_naive;
extern const parallel_processor_ops parallel_processor_optimized;

#endif
