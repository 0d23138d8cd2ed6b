/*
 * The engine: allocation tracker, process memory, runs of one case, the
 * Google Benchmark shim and progress. Shared by the engine's sources and
 * the commands on top of it; not for scenarios, components, the results
 * model or the reports.
 */
#ifndef PAIRBENCH_ENGINE_H
#define PAIRBENCH_ENGINE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "pairbench/harness.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- temporaries removed on interrupt and exit (cleanup.c) -------------
 * A fixed table (16 paths): files to unlink and directories to remove with
 * everything in them (pb_scratch_dir's is one). On SIGINT or SIGTERM, once
 * pb_cleanup_install ran, the handler removes them all with system calls
 * only, prints "pairbench: COMMAND: interrupted by SIGINT; temporaries
 * removed" and dies of the signal (128+sig to a shell). They are removed
 * at exit() too; a path a command wants to keep is forgotten first. A
 * kill -9 leaves them: names that carry a PID are swept by
 * pb_cleanup_stale next time. */

/* Installs the SIGINT/SIGTERM handlers (not for a signal ignored now);
 * command names the line. Child runs (cli/child.c) replace them while a
 * child lives and call pb_cleanup_now on their interrupted path. */
void   pb_cleanup_install(const char *command);
/* The variable pb_child_run sets to its PID for its children: a pairbench
 * whose parent is that PID removes its temporaries on a signal but leaves
 * the one line to the parent. */
#define PB_PARENT_ENV "PAIRBENCH_PARENT_PID"
/* 0, or -1 with errno ENAMETOOLONG (PATH_MAX) or ENOSPC (table full). */
int    pb_cleanup_add_file(const char *path);
int    pb_cleanup_add_dir(const char *path);
/* A child process group to SIGKILL and reap (pb_proc_start's). */
int    pb_cleanup_add_pid(pid_t pid);
void   pb_cleanup_forget_pid(pid_t pid);
/* Removes a directory with everything in it (signal-safe). */
void   pb_remove_tree(const char *path);
/* Stops tracking path (it was committed or removed by its owner). */
void   pb_cleanup_forget(const char *path);
/* Removes every tracked path now and forgets them; async-signal-safe. */
void   pb_cleanup_now(void);
/* Removes the entries of dir named PREFIX.PID or PREFIX.PID.* (files, or
 * directories with their contents) whose PID is not a live process here
 * (kill(PID, 0) fails with ESRCH). Returns how many it removed. */
size_t pb_cleanup_stale(const char *dir, const char *prefix);
/* $TMPDIR when set and not empty, else "/tmp". */
const char *pb_tmp_dir(void);

/* --- allocation tracker (alloc_track.c) --------------------------------- */

typedef struct pb_alloc_stats {
    uint64_t allocs;          /* malloc-family calls while armed */
    uint64_t bytes;           /* bytes requested by them */
    int64_t  live_bytes;      /* usable bytes of live blocks, process-wide */
    int64_t  peak_live_bytes; /* high-water of live_bytes since reset */
} pb_alloc_stats;

/* 1 when the interposer is built in (off under the sanitizers). */
int  pb_alloc_tracking_available(void);
void pb_alloc_arm(void);
void pb_alloc_disarm(void);
/* Tracking mode (1, the default) or untracked (0): untracked, every call
 * is forwarded at once and nothing (allocs, bytes, live bytes, peak) is
 * kept. Returns the previous mode. `run` times untracked and counts in a
 * separate pass that builds its own fixture while tracking. */
int  pb_alloc_track(int on);
/* pb_alloc_plain_malloc/free (harness.h): the backend called directly. */
void pb_alloc_read(pb_alloc_stats *out);
/* Resets allocs, bytes and the peak (to the current live bytes). */
void pb_alloc_reset(void);
/* "glibc" or "jemalloc": who serves the allocations, found by asking the
 * dynamic linker where the forwarded malloc lives. */
const char *pb_alloc_backend(void);
/* Version of the backend ("2.36", "5.3.0-0-g..."), or "unknown". */
const char *pb_alloc_backend_version(void);

/* --- process memory (memory.c) ------------------------------------------ */

/* Resets the peak RSS (VmHWM); returns 0, or -1 if the kernel refused. */
int     pb_rss_reset_peak(void);
/* Resident set now (VmRSS) in bytes, or -1 if unreadable. */
int64_t pb_rss_bytes(void);
/* Peak RSS in bytes since the last reset, or -1 if unreadable. */
int64_t pb_rss_peak_bytes(void);
/* Returns freed heap the allocator retains to the system (malloc_trim, or
 * jemalloc's arena purge), so one case's peak RSS does not carry the last
 * case's leftovers. */
void    pb_heap_release(void);

/* --- kernel probes (probe.c) ---------------------------------------------
 * What the measured region asked of the kernel, counted by the kernel. See
 * probe.c for how each figure is made exact and what it costs. */

enum pb_sys_kind {
    PB_SYS_TOTAL = 0,        /* "syscalls": raw_syscalls:sys_enter */
    PB_SYS_READ, PB_SYS_PREAD64, PB_SYS_WRITE, PB_SYS_PWRITE64, PB_SYS_WRITEV,
    PB_SYS_FSYNC, PB_SYS_FDATASYNC, PB_SYS_OPENAT, PB_SYS_CLOSE,
    PB_SYS_NEWFSTATAT, PB_SYS_STATX, PB_SYS_FACCESSAT, PB_SYS_FACCESSAT2,
    PB_SYS_GETDENTS64, PB_SYS_RENAME,
    PB_SYS_FTRUNCATE, PB_SYS_SENDTO, PB_SYS_RECVFROM, PB_SYS_SENDMSG,
    PB_SYS_RECVMSG, PB_SYS_CONNECT,
    PB_SYS_KINDS
};

/* Fields of /proc/self/io, in this order. */
enum { PB_IO_SYSCR, PB_IO_SYSCW, PB_IO_RCHAR, PB_IO_WCHAR, PB_IO_WRITE_BYTES,
       PB_IO_FIELDS };
/* Fields of getrusage(RUSAGE_SELF), in this order. */
enum { PB_RU_INBLOCK, PB_RU_OUBLOCK, PB_RU_NVCSW, PB_RU_NIVCSW, PB_RU_FIELDS };

/* What one run's measured segments added up to. pb_probe_begin and
 * pb_probe_end bracket one segment (a batch, or the part of it between a
 * pb_resume and a pb_pause) and add its differences to the sums; the
 * syscall counters run between pb_probe_run(1) and pb_probe_run(0). */
typedef struct pb_probe_acc {
    uint64_t sys_start[PB_SYS_KINDS], sys[PB_SYS_KINDS];
    int64_t io_start[PB_IO_FIELDS], io[PB_IO_FIELDS];
    ssize_t io_len;          /* length of the start read, -1 if it failed */
    int     io_ok;           /* io[] holds at least one whole segment */
    int64_t ru_start[PB_RU_FIELDS], ru[PB_RU_FIELDS];
    int64_t cpu_start, cpu_ns;
    int64_t segments;        /* segments the syscall counters saw */
} pb_probe_acc;

/* Opens the counters once per process (later calls do nothing). off = 1
 * (PAIRBENCH_PROBES=off, or under callgrind) opens none: every figure is
 * then absent and the status says so. */
void        pb_probe_open(int off);
/* One line for the results' context: which mechanism counts syscalls, or
 * "unavailable: WHY" / "off: WHY". */
const char *pb_probe_status(void);
int         pb_probe_kind_available(int kind);
int         pb_probe_io_available(void);
const char *pb_sys_kind_name(int kind);
/* Starts (1) or stops (0) the syscall counters: a run's start and its
 * collection. Not inside a measured segment. */
void        pb_probe_run(int on);
/* Bracket one measured segment; want is the scenario's PB_PROBE_* mask
 * (/proc/self/io and getrusage are read only for PB_PROBE_FILES/NET). */
void        pb_probe_begin(pb_probe_acc *a, unsigned want);
void        pb_probe_end(pb_probe_acc *a, unsigned want);
/* The median cost in ns of one begin/end pair with every probe wanted,
 * measured once (the probes' own cost per measured batch). */
double      pb_probe_edge_ns(void);

/* x += v for an _Atomic double, as a compare-exchange loop (C11's compound
 * assignment on atomic floats would need libatomic's fenv hooks). C only. */
#ifndef __cplusplus
#include <stdatomic.h>
static inline void pb_atomic_add_double(_Atomic double *x, double v)
{
    double old = atomic_load_explicit(x, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(x, &old, old + v,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}
#endif

/* --- SQL probe (probe_sql.c) ----------------------------------------------
 * For connections a scenario registered with pb_watch_sqlite (harness.h):
 * statements started (sqlite3_trace_v2 SQLITE_TRACE_STMT, triggers' "--"
 * lines excluded) and the sqlite3_stmt_status counters of every statement
 * that ran, summed over the measured region. */
enum { PB_SQL_STATEMENTS, PB_SQL_VM_STEPS, PB_SQL_FULLSCAN_STEPS, PB_SQL_SORTS,
       PB_SQL_AUTOINDEXES, PB_SQL_REPREPARES, PB_SQL_FIELDS };
extern const char *const pb_sql_field_names[PB_SQL_FIELDS];
/* 1 when any connection is watched. */
int  pb_sql_watching(void);
/* Region edges: arm/disarm counting (statement status read and reset). */
void pb_sql_region(int on);
/* Sums since the last pb_sql_reset. */
void pb_sql_read(double out[PB_SQL_FIELDS]);
void pb_sql_reset(void);
/* Forgets every watched connection (at teardown). */
void pb_sql_forget_all(void);
/* The facts of a case: pb_sql_capture(1) starts keeping the distinct SQL
 * texts the armed regions run (the counting pass); pb_sql_note_case(name)
 * stops and records, for the connections watched now, "SQLite VERSION,
 * journal_mode J, synchronous S, cache_size C" and each text with its
 * EXPLAIN QUERY PLAN, one text per case (nothing when no connection is
 * watched). 0, or -1 when out of memory. pb_sql_note_count and
 * pb_sql_note (NULL past the end) list what was recorded. */
void pb_sql_capture(int on);
int  pb_sql_note_case(const char *name);
size_t pb_sql_note_count(void);
const char *pb_sql_note(size_t i, const char **text);

/* --- runs (runner.c), called by the shim -------------------------------- */

typedef struct pb_case {
    const pb_component *component;
    const pb_impl      *impl;
    const pb_scenario  *scenario;
    int64_t             n;
    char                name[160];      /* component/impl/scenario/N */
} pb_case;

typedef struct pb_run_result {
    int64_t  ops;
    uint64_t digest;                  /* digests of every batch, folded */
    double   allocs;
    double   bytes;
    int64_t  peak_heap_bytes;
    int64_t  peak_rss_bytes;          /* -1 when unavailable */
    int64_t  rss_growth_bytes;        /* peak RSS over the RSS at the heap
                                         baseline (before the component was
                                         built): the component's share of
                                         the peak; -1 when unavailable */
    double   counters[PB_MAX_COUNTERS];
    /* probes over the measured region; the *_ok flags say which ran */
    int      sys_ok;
    int      sys_kind_ok[PB_SYS_KINDS];
    uint64_t sys[PB_SYS_KINDS];
    int      io_ok;
    int64_t  io[PB_IO_FIELDS];
    int      ru_ok;
    int64_t  ru[PB_RU_FIELDS];
    int64_t  cpu_ns;                  /* process CPU time, every thread */
    int      sql_ok;
    double   sql[PB_SQL_FIELDS];
} pb_run_result;

typedef struct pb_latency {
    int64_t samples;
    double  p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
} pb_latency;

/* Starts a run: resets the memory peaks, builds the fixture. NULL with a
 * message in *err on failure. */
pb_ctx  *pb_run_begin(const pb_case *c, const char **err);
/* Runs one batch of ops in the measured region; returns its seconds. */
double   pb_run_batch(pb_ctx *ctx, int64_t ops);
/* The digest of the batches run so far (what pb_run_collect reports). */
uint64_t pb_run_digest(const pb_ctx *ctx);
/* Reads what the measured region did: allocations, peaks, counters. */
void     pb_run_collect(pb_ctx *ctx, pb_run_result *out);
/* Times up to `samples` (at most 10,000) single operations one by one
 * (outside the measured region, after pb_run_collect) and fills *out with
 * their percentiles; stops early, with at least 1000 samples, after 50 ms,
 * or with at least 50, after 200 ms (operations of milliseconds).
 * The samples go to a static buffer made resident at start-up, so sampling
 * adds nothing to the case's heap or RSS. Returns 0. */
int      pb_run_sample(pb_ctx *ctx, int64_t samples, pb_latency *out);
/* Ends the run. The fixture is kept for the same case's next run. */
void     pb_run_end(pb_ctx *ctx);
/* For PB_VERIFY_SPEC: the scenario's check over the kept fixture, after
 * pb_run_end; NULL when it meets the specification. */
const char *pb_run_check(void);
/* pb_scenario.steady over the run's fixture: NULL when it is in its
 * declared steady state (or declares none), else a line for an error row
 * ("... at the start of the run (...)"); `when` says which edge. */
const char *pb_run_steady(pb_ctx *ctx, const char *when);
/* Tears down the kept fixture: before a case must start fresh, and at the
 * end. */
void     pb_run_release(void);
/* The counting pass of a case timed untracked: releases the kept fixture,
 * then, with the tracker in tracking mode, builds a fresh fixture (the
 * same seed), runs whole batches until at least `ops` operations, and
 * reads allocs, bytes and peak heap into *out (out->ops the operations
 * run; no probes). The fixture is torn down and the previous tracking
 * mode restored. 0, or -1 with *err when set-up failed. */
int      pb_run_count(const pb_case *c, int64_t ops, pb_run_result *out,
                      const char **err);
/* 1: toggle callgrind's collection at the measured region's edges. */
void     pb_run_collect_instructions(int on);
/* The median cost of one latency sample's own clock pair, in ns. */
double   pb_timer_overhead_ns(void);

/* The fixture seed of a case: the same for every implementation. */
uint64_t pb_case_seed(const pb_case *c);

/* Progress lines on stderr, one per step of a phase, "[PHASE k/n] WHAT
 * (M:SS elapsed, about M:SS left)". pb_progress_begin starts a phase of
 * total steps; expect_s (NULL: none) gives the seconds each step is
 * expected to take, in the order they will run (copied). The time left is
 * the remaining steps' expectation scaled by how far the steps done took
 * from theirs (without expectations: the average step so far). The shim
 * calls pb_progress when a case starts its first gbench run;
 * pb_progress_reset(total) is pb_progress_begin("", total, NULL). */
void     pb_progress_begin(const char *phase, size_t total, const double *expect_s);
void     pb_progress_step(const char *what);
void     pb_progress_reset(size_t total);
void     pb_progress(const pb_case *c);

/* The paired pass: `rounds` rounds of case a and case b (naive and
 * optimized of one component/scenario/N), in the order AB, BA, AB, ...
 * (neighbours in time, so a burst of load on a shared machine lands on
 * both sides of a round's ratio; alternating who goes first cancels an
 * order effect). Each side of a round runs whole batches until at least
 * ops_a (ops_b) operations, untracked and unprobed like the timed runs,
 * on its own fixture, built once and kept for all rounds (both fixtures
 * live at once; each must be in its declared steady state before and
 * after every round). ns_a[r], ns_b[r]: time per op of round r. 0, or -1
 * with *err (a failed set-up, a drift) and the arrays partly filled. Both
 * fixtures are torn down before it returns. Connections the fixtures gave
 * pb_watch_sqlite are forgotten before each side runs (no SQL figures come
 * from this pass, and neither side pays SQLite's trace and profile
 * callbacks). */
int  pb_run_paired(const pb_case *a, const pb_case *b, int64_t ops_a, int64_t ops_b,
                   int rounds, double *ns_a, double *ns_b, const char **err);

/* --- the shim (gbench_shim.cc) ------------------------------------------ */

typedef struct pb_gb_options {
    double      min_time_s;            /* 0 = gbench default */
    int         repetitions;           /* >= 1 */
    const char *json_path;             /* NULL = no JSON file; `run` always
                                          gives one and reads it back once
                                          as its results */
    int         extra_argc;            /* raw gbench flags after "--" */
    char      **extra_argv;
} pb_gb_options;

/* Initialises gbench with the options; 0, or -1 with a message printed. */
int  pb_gb_init(const char *argv0, const pb_gb_options *o);
void pb_gb_add_context(const char *key, const char *value);
/* Registers the cases of (component, impl, scenario) at sizes. iterations
 * NULL: one gbench family over the sizes, gbench choosing the iterations
 * of each case until its measured time reaches the minimum time (a BigO
 * and an RMS row per family). iterations[i]: the case at sizes[i] runs
 * exactly that many operations per repetition, as one gbench benchmark
 * of its own (no fit rows; the analysis fits the medians), repeated
 * repetitions[i] times when repetitions is given and that is > 0 (else the
 * run's number). A scenario's max_ops overrides the iterations. */
void pb_gb_register(const pb_case *family, const int64_t *sizes,
                    const int64_t *iterations, const int *repetitions, size_t n_sizes);
/* Runs everything registered; returns the number of runs that reported an
 * error. */
size_t pb_gb_run(void);
/* After pb_gb_run: 0 when the JSON file was written whole, else the errno
 * of the failed write (ENOSPC on a full disk, EIO). */
int    pb_gb_json_error(void);

/* A case's name, written into buf. */
void pb_case_name(char *buf, size_t cap, const pb_component *c,
                  const pb_impl *i, const pb_scenario *s, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
