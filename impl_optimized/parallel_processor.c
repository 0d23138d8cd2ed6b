/*
 * parallel_processor, optimized: a pool of min(concurrency, n) - 1 threads
 * plus the caller per call, taking the next index from an atomic counter;
 * in stop mode an atomic flag set at the first failure keeps any further
 * item from starting. Threads are joined before the call returns. Wall
 * time about the items' times over the concurrency (for items that wait;
 * CPU-bound items stop scaling at the cores); one pthread_create and join
 * per extra thread per call.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "pairbench/parallel_processor.h"

typedef struct pool {
    size_t        n;
    pp_fn         fn;
    void         *arg;
    pp_result    *results;
    int           stop_on_error;
    atomic_size_t next;
    atomic_int    stop;
} pool;

static void *worker(void *p)
{
    pool *w = p;
    for (;;) {
        if (w->stop_on_error && atomic_load(&w->stop))
            break;
        size_t i = atomic_fetch_add(&w->next, 1);
        if (i >= w->n)
            break;
        int64_t v = 0;
        int e = w->fn(w->arg, i, &v);
        w->results[i] = e ? (pp_result){ PP_REJECTED, e, 0 }
                          : (pp_result){ PP_FULFILLED, 0, v };
        if (e && w->stop_on_error)
            atomic_store(&w->stop, 1);
    }
    return NULL;
}

static int process_optimized(size_t n, pp_fn fn, void *arg, const pp_options *opt,
                             pp_result *results, size_t *failed)
{
    if (!fn || (!results && n) || !opt || opt->concurrency < 1 || n > PP_ITEMS_MAX)
        return PP_EINVAL;
    if (n)
        memset(results, 0, n * sizeof *results);
    pool w = { .n = n, .fn = fn, .arg = arg, .results = results,
               .stop_on_error = opt->stop_on_error };
    atomic_init(&w.next, 0);
    atomic_init(&w.stop, 0);
    size_t k = (size_t)(opt->concurrency < PP_THREADS_MAX ? opt->concurrency
                                                          : PP_THREADS_MAX);
    if (k > n)
        k = n ? n : 1;
    pthread_t tid[PP_THREADS_MAX];
    size_t started = 0;
    for (size_t t = 1; t < k; t++) {
        if (pthread_create(&tid[started], NULL, worker, &w) != 0)
            break;                 /* run with the threads there are */
        started++;
    }
    worker(&w);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    if (opt->stop_on_error)
        for (size_t i = 0; i < n; i++)
            if (results[i].status == PP_REJECTED) {
                if (failed)
                    *failed = i;
                return PP_EREJECTED;
            }
    return PP_OK;
}

const parallel_processor_ops parallel_processor_optimized = {
    .name = "optimized",
    .process = process_optimized,
};
