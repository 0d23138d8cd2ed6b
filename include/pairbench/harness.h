/*
 * pairbench harness: the C API scenarios and the CLI use.
 *
 * A *case* is component x implementation x scenario x N and is named
 * "component/impl/scenario/N". Google Benchmark drives iteration control,
 * repetitions and output; it is reached only through harness/gbench_shim.cc.
 * The per-operation loop runs in C: the harness calls a scenario's run()
 * with a whole batch of operations and times the batch with
 * CLOCK_MONOTONIC, so the harness adds one clock pair per batch, not per op.
 *
 * Components know nothing of this header. Scenarios know the harness only
 * through pb_pause/pb_resume (to keep set-up work out of the measured region),
 * pb_count (the component's own statistics: a cache's hits, a pool's
 * misses) and pb_watch_sqlite. What the measured region asks of the kernel
 * or of SQLite (syscalls, writes, fsyncs, bytes, statements) is counted by
 * the harness's probes, never by the component: see PB_PROBE_FILES.
 *
 * Threads. A scenario or component may start threads inside run(): the
 * probes count every thread of the process (CPU time too), pb_count may be
 * called from any thread, and the allocation counters are atomic. pb_pause
 * and pb_resume must be called from the thread that runs run().
 */
#ifndef PAIRBENCH_HARNESS_H
#define PAIRBENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pb_ctx pb_ctx;            /* one run of one case; opaque */

#define PB_MAX_COUNTERS 8

/* Probe groups a scenario asks for (pb_scenario.probes). Every scenario
 * gets the total syscall count ("syscalls_per_op") and the process CPU time
 * over the measured region ("cpu_ns_per_op", every thread: a parallel pair
 * is judged on wall time, real_time, and this says what it burnt). */
#define PB_PROBE_FILES 1u  /* + per-kind syscalls (sys_write_per_op, sys_fsync_
                              per_op, ...), /proc/self/io (io_syscr, io_syscw,
                              io_rchar, io_wchar, io_write_bytes) and
                              getrusage (ru_inblock, ru_oublock, ru_nvcsw,
                              ru_nivcsw), each per op */
#define PB_PROBE_NET   2u  /* the same set, for sockets */

/* How `run` verifies the implementations of a scenario before timing. */
typedef enum pb_verify {
    /* every implementation's digest equal (run() folds results in order) */
    PB_VERIFY_IDENTICAL = 0,
    /* the same multiset of results: run() folds them with pb_digest_add,
     * batch digests are summed, so order does not matter */
    PB_VERIFY_MULTISET,
    /* each implementation judged alone by pb_scenario.check against the
     * specification; an implementation with pb_impl.wrong_by_design that
     * fails is reported as such and does not block the run */
    PB_VERIFY_SPEC
} pb_verify;

typedef struct pb_scenario {
    const char *name;                    /* "get_hit": [a-z0-9_]+ */
    const char *description;             /* one sentence a reader can check */
    const int64_t *sizes;                /* the N sweep, terminated by 0 */
    /* Names of the component's own statistics this scenario reports
     * through pb_count (hits, misses), NULL-terminated (or NULL for none).
     * Reported per operation as "<name>_per_op". Not for syscalls, writes,
     * round trips or statements: the probes count those. */
    const char *const *counters;

    /* Operations per timed batch at size n (>= 1). The harness always asks
     * run() for whole batches. */
    int64_t (*batch)(int64_t n);
    /* 0, or a fixed operation count per timed run instead of Google
     * Benchmark's sizing by measured time: for a scenario whose operations
     * cost far more outside the measured region than inside (each pb_pause
     * and pb_resume brackets the probes, microseconds, around a few
     * nanoseconds measured), where sizing by measured time would run for
     * minutes. */
    int64_t max_ops;
    /* Builds the fixture for one implementation (impl_ops is that
     * implementation's ops table) at size n, with a deterministic seed.
     * Runs outside the measured region. NULL on failure. A setup that
     * prepares data of its own (keys, permutations) calls pb_heap_baseline
     * once that is done, before it builds the component. */
    void *(*setup)(const void *impl_ops, int64_t n, uint64_t seed, pb_ctx *ctx);
    /* Performs exactly `ops` operations on the fixture and returns a digest
     * of every result it observed: the same seed, n and op count must give
     * the same digest for every implementation of the component. */
    uint64_t (*run)(void *fixture, int64_t ops, pb_ctx *ctx);
    /* Frees the fixture. Runs outside the measured region. */
    void (*teardown)(void *fixture);
    /* 1 when one operation is a meaningful unit (a get, an update): the
     * harness then also times single operations one by one after the timed
     * run and reports p50_ns, p90_ns, p99_ns, p999_ns and max_ns. */
    int latency;
    /* PB_PROBE_* groups wanted beyond the syscall total and CPU time. */
    unsigned probes;
    pb_verify verify;
    /* For PB_VERIFY_SPEC: called after the verification batch with the
     * fixture; NULL when what the implementation did meets the
     * specification, else one line saying what it violated ("record 17
     * written twice"), which may point into the fixture. */
    const char *(*check)(void *fixture);
    /* The fixture's declared steady state, checked by the harness at the
     * start and at the end of every timed run (each Google Benchmark run:
     * the runs that size the iteration count and every repetition): NULL
     * when the fixture is in it (the store holds N tasks, the cache is
     * full, the queue holds N), else one line saying how it left it
     * ("the store holds 820 tasks, 1000 +- 1 declared"). A run that does
     * not start and end in it is refused: an error row, the scenario
     * drifts. A scenario's operations must keep the fixture's state
     * distribution the same (a removal scenario refills it outside the
     * measured region). NULL: the fixture has no state that operations
     * change (a fixed table, a fixture rebuilt within every batch). */
    const char *(*steady)(void *fixture);
    /* 1 when what run() executes depends on timing (threads that race, a
     * service's latency deciding what is batched): its instruction count
     * is not reproducible, so `instr` (and with it the gate and
     * --instr-fits) skips it and says so. */
    int timing_dependent;
    /* What the report charts against N besides time and allocations per
     * op, for a scenario whose story is growth (the heap against start/stop
     * cycles, snapshot builds against an event rate): "peak_heap_bytes",
     * or names from .counters (charted per op). NULL-terminated, or NULL
     * for none. */
    const char *const *charts;
} pb_scenario;

/* A measurable claim of a seed document, checked against the results. */
typedef enum pb_claim_kind {
    /* min over scenarios x sizes of naive time / optimized time >= threshold */
    PB_CLAIM_SPEEDUP,
    /* 1 - optimized/naive of `metric`, min over scenarios x sizes, >= threshold */
    PB_CLAIM_REDUCTION,
    /* max over scenarios x sizes of the optimized p99 latency < threshold ns */
    PB_CLAIM_P99_BELOW,
    /* the optimized fitted complexity of every scenario is one of
     * `complexities` (space-separated gbench names: "(1)" "lgN" "N" ...) */
    PB_CLAIM_COMPLEXITY,
    /* max over scenarios x sizes of the optimized `metric` < threshold */
    PB_CLAIM_VALUE_BELOW,
    /* min over scenarios x sizes of the optimized `metric` >= threshold */
    PB_CLAIM_VALUE_ABOVE,
    /* per scenario, the optimized `metric` at the last size of `sizes`
     * divided by it at the first size <= threshold (scalability) */
    PB_CLAIM_GROWTH_BELOW,
    /* max over scenarios x sizes of the optimized `metric` <= threshold: a
     * figure that must not exceed a bound, or be 0 (duplicate dispatches,
     * bytes leaked) */
    PB_CLAIM_VALUE_AT_MOST,
    /* per scenario, the optimized `metric`'s growth per unit of N between
     * the first and the last size of `sizes`, (m(last) - m(first)) /
     * (last - first), <= threshold (heap bytes per start/stop cycle when N
     * counts cycles) */
    PB_CLAIM_SLOPE_AT_MOST,
    /* Claims about the whole suite (any component may carry them; the
     * harness's do), judged over every component of the results:
     * the largest peak RSS of any case of the optimized implementations <
     * threshold bytes (every case's process peak; the naive cases'
     * largest is shown beside it) */
    PB_CLAIM_SUITE_PEAK_RSS_BELOW,
    /* the geometric mean over the pairs of each pair's speed-up (the
     * geometric mean of its scenarios' paired speed-ups at their
     * reference N, the largest N measured for both) >= threshold, with a
     * bootstrap 95% interval over the paired rounds */
    PB_CLAIM_SUITE_GEOMEAN_SPEEDUP
} pb_claim_kind;

typedef enum pb_metric {
    PB_METRIC_TIME,                      /* time per op */
    PB_METRIC_ALLOCS,                    /* allocations per op */
    PB_METRIC_HEAP,                      /* peak heap bytes */
    PB_METRIC_COUNTER,                   /* the counter named by
                                            pb_claim.counter, per op */
    PB_METRIC_LEAKED                     /* bytes Valgrind's memcheck
                                            reports "definitely lost" by the
                                            case's own process (`exec CASE`:
                                            set-up, one batch, teardown):
                                            per case, not per op. `run
                                            --memcheck` measures it for the
                                            scenarios and sizes such claims
                                            name, every implementation */
} pb_metric;

typedef struct pb_claim {
    const char     *id;                  /* "S-1", as in shared/CLAIMS.md */
    const char     *seed;                /* "000_89e791349a415ca7.txt" */
    const char     *words;               /* the claim, in the seed's words */
    const char     *metric_text;         /* how it is measured, one line */
    pb_claim_kind   kind;
    pb_metric       metric;              /* for PB_CLAIM_REDUCTION */
    const char     *scenarios;           /* space-separated scenario names */
    const int64_t  *sizes;               /* the N judged at, 0-terminated;
                                            NULL = every N (complexity) */
    double          threshold;
    const char     *complexities;        /* for PB_CLAIM_COMPLEXITY */
    const char     *counter;             /* for PB_METRIC_COUNTER: a probe's
                                            name ("sys_write", "sql_statements")
                                            or one from
                                            pb_scenario.counters */
} pb_claim;

/* A component's implementations: "naive" (the seed's before code),
 * "optimized" (its fix, or better), and any number of peers: the same
 * interface on a well-known library ("uthash", "ghashtable", "stdio"),
 * named after it. Cases are named component/IMPL/scenario/N either way;
 * the summary and report set each peer beside the optimized one. */
typedef struct pb_impl {
    const char *name;                    /* "naive" | "optimized" | peer */
    const void *ops;                     /* the component's ops table */
    const char *source;                  /* "impl_naive/task_store.c" */
    int64_t     max_n;                   /* largest N run, 0 = no cap */
    const char *cap_reason;              /* why, printed when capped */
    /* For PB_VERIFY_SPEC scenarios: the specification this implementation
     * violates by design ("a crash loses the records in flight"), or NULL.
     * Its violations are reported, not fatal; any other's fail `run`. */
    const char *wrong_by_design;
    /* Peers: the library and how it is used, for the report ("GLib 2.74
     * GHashTable, string keys, g_free destructors"); NULL otherwise. */
    const char *library;
} pb_impl;

typedef struct pb_component {
    const char *name;                    /* "task_store" */
    const char *summary;                 /* anti-pattern and fix, one line */
    const pb_impl *impls;
    size_t n_impls;
    const pb_scenario *scenarios;
    size_t n_scenarios;
    const pb_claim *claims;              /* the seeds' claims about it */
    size_t n_claims;
    /* Where the optimized implementation trails a peer, and why it is left
     * so (a trade-off, or not investigated): shown in the report beside the
     * peers. NULL when it trails none. */
    const char *peer_notes;
} pb_component;

/* --- for scenarios ------------------------------------------------------ */

/* Stops the clock and the allocation counters (for set-up inside a batch,
 * e.g. rebuilding a store before removing from it). Must be paired. */
void pb_pause(pb_ctx *ctx);
void pb_resume(pb_ctx *ctx);
/* Marks everything live on the heap now as the scenario's own:
 * peak_heap_bytes counts from here (default: from before setup). */
void pb_heap_baseline(pb_ctx *ctx);
/* Adds `value` to counter `index` of the scenario's counters list: the
 * component's own statistics, never syscalls or statements (the probes
 * count those). Safe from any thread. */
void pb_count(pb_ctx *ctx, int index, double value);
/* Registers an open SQLite connection: the statements it runs in the
 * measured region and their sqlite3_stmt_status counters are reported
 * (sql_statements_per_op, sql_vm_steps_per_op, sql_fullscan_steps_per_op,
 * sql_sorts_per_op, sql_autoindexes_per_op, sql_reprepares_per_op). Call
 * from setup; the connection must stay open until pb_unwatch_sqlite or the
 * fixture's teardown (the harness forgets every connection before it
 * calls teardown). Replaces any trace callback set on db. 0, or -1 when
 * the table (8 connections) is full. */
struct sqlite3;
int  pb_watch_sqlite(pb_ctx *ctx, struct sqlite3 *db);
void pb_unwatch_sqlite(struct sqlite3 *db);
/* A private directory for this case's files, on the real file system,
 * inside pb_scratch_dir(): made at the first call for a fixture, removed
 * with everything in it when the harness tears the fixture down (after
 * teardown), when set-up fails (after it returns NULL), at exit and on an
 * interrupt. NULL with errno set on failure. */
const char *pb_case_dir(pb_ctx *ctx);
/* 1 while the harness times single operations for the latency
 * percentiles (run() called with ops = 1, its digest discarded): a
 * scenario then skips what it does once per call rather than per
 * operation (folding the component's statistics into the digest), so a
 * sample is the operation alone. 0 otherwise (verification, timed
 * batches, the counting and paired passes). */
int pb_sampling(pb_ctx *ctx);
/* A process a crash test can kill -9: pb_proc_start runs fn(arg) in a
 * fork()ed child, in its own process group, that _exit()s with fn's return
 * value (so the parent's atexit handlers and stdio buffers are not run
 * twice). 0, or -1 with errno (EAGAIN, ENOMEM, ENOSPC when 16 temporaries
 * and processes are already tracked). pb_proc_kill sends SIGKILL to the
 * group and reaps; pb_proc_wait waits for the child to end. Both return
 * the wait status (-1 with errno if waitpid failed). A process still
 * running at exit or on SIGINT/SIGTERM is killed and reaped by the
 * harness. Call from one thread. */
typedef struct pb_proc { int pid; } pb_proc;
int  pb_proc_start(pb_proc *p, int (*fn)(void *), void *arg);
int  pb_proc_kill(pb_proc *p);
int  pb_proc_wait(pb_proc *p);
/* Says why set-up is about to return NULL ("scratch path too long: ..."),
 * printed instead of the default "out of memory?". printf-style. */
void pb_setup_failed(pb_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The process's private directory for fixtures on the real file system:
 * $TMPDIR/pairbench-scratch.PID.XXXXXX (TMPDIR, else /tmp), made on the
 * first call. The harness removes it with everything in it at exit and on
 * SIGINT/SIGTERM, and sweeps those of dead processes (kill -9) when it
 * makes a new one. NULL with errno set when it cannot be made. */
const char *pb_scratch_dir(void);

/* The allocator's own malloc and free, past the allocation tracker: for
 * the harness's calibration cases only (malloc_free_plain), never for a
 * component. */
void *pb_alloc_plain_malloc(size_t size);
void  pb_alloc_plain_free(void *p);

/* Keeps a value alive so the compiler cannot delete the work producing it. */
static inline void pb_do_not_optimize(uint64_t v)
{
    __asm__ __volatile__("" : : "r"(v) : "memory");
}

/* splitmix64: the deterministic generator every scenario uses. */
static inline uint64_t pb_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* Uniform in [0, bound), bound > 0. */
static inline uint64_t pb_rand_below(uint64_t *state, uint64_t bound)
{
    return (uint64_t)(((unsigned __int128)pb_rand(state) * bound) >> 64);
}
/* Folds a value into a multiset digest (order-insensitive: a sum of
 * mixed values), for PB_VERIFY_MULTISET scenarios. */
static inline uint64_t pb_digest_add(uint64_t d, uint64_t v)
{
    uint64_t s = v;
    return d + pb_rand(&s);
}
/* Folds a value into a digest (order-sensitive). */
static inline uint64_t pb_digest(uint64_t d, uint64_t v)
{
    return (d ^ v) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
}

#endif
