/*
 * parallel_processor, naive: the items one after another on the calling
 * thread (the seed's sequential "before"). Wall time = the sum of the
 * items' times; no thread, no allocation.
 */
#include <string.h>

#include "pairbench/parallel_processor.h"

static int process_naive(size_t n, pp_fn fn, void *arg, const pp_options *opt,
                         pp_result *results, size_t *failed)
{
    if (!fn || (!results && n) || !opt || opt->concurrency < 1 || n > PP_ITEMS_MAX)
        return PP_EINVAL;
    if (n)
        memset(results, 0, n * sizeof *results);
    for (size_t i = 0; i < n; i++) {
        int64_t v = 0;
        int e = fn(arg, i, &v);
        results[i] = e ? (pp_result){ PP_REJECTED, e, 0 } : (pp_result){ PP_FULFILLED, 0, v };
        if (e && opt->stop_on_error) {
            if (failed)
                *failed = i;
            return PP_EREJECTED;
        }
    }
    return PP_OK;
}

const parallel_processor_ops parallel_processor_naive = {
    .name = "naive",
    .process = process_naive,
};
