/*
 * The results history as plain values: the identity of the machine a
 * results file was made on, the runs of one identity in run order, and
 * per series (a pair point's speed-up, a case's instructions per op) one
 * value per run, with the change points of each series. No SQLite here:
 * cli/history_db.c reads and writes the database (results/history.sqlite)
 * and fills these structs; `pairbench history` prints them and the report
 * draws them.
 *
 *   machine identity  (cpu_model, num_cpus, kernel, compiler, libc,
 *                     allocator, build_type) from a results file's context
 *                     (written by `run`). A ratio is only ever compared
 *                     with ratios of runs of the same identity: another
 *                     CPU, kernel, compiler, C library, allocator or build
 *                     type is another machine. The host name is not part
 *                     of it (two CI runners of one kind are one machine).
 *
 * Knows the results model (for the context), nothing of SQLite or of any
 * writer.
 */
#ifndef PAIRBENCH_MODEL_HISTORY_H
#define PAIRBENCH_MODEL_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "changepoint.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest text of an identity field, a revision or a name, with its
 * NUL: a longer one is refused, never cut (two cut texts could merge two
 * machines). */
#define PB_HIST_TEXT 256

typedef struct pb_machine_id {
    char    cpu_model[PB_HIST_TEXT];
    int64_t num_cpus;                  /* >= 1 */
    char    kernel[PB_HIST_TEXT];
    char    compiler[PB_HIST_TEXT];
    char    libc[PB_HIST_TEXT];
    char    allocator[PB_HIST_TEXT];
    char    build_type[PB_HIST_TEXT];
} pb_machine_id;

/* 1 when s is fit to be kept and printed on one line: not empty, shorter
 * than PB_HIST_TEXT, no control character (bytes below 0x20, and 0x7f). */
int  pb_hist_text_ok(const char *s);
/* The identity of the machine that made rs, from its context. 0, or -1
 * with one line in err naming the field that is missing, empty, too long,
 * holds a control character, or (num_cpus) is not a whole number >= 1. */
int  pb_machine_id_of(const pb_resultset *rs, pb_machine_id *id, char *err,
                      size_t cap);
int  pb_machine_id_equal(const pb_machine_id *a, const pb_machine_id *b);
/* One line: "CPU, 2 CPUs, kernel K, COMPILER, LIBC, allocator A, TYPE". */
void pb_machine_id_text(const pb_machine_id *id, char *buf, size_t cap);

/* --- the history of one machine ------------------------------------------ */

typedef struct pb_hist_run {
    int64_t id;                        /* the database's run id */
    char    revision[PB_HIST_TEXT];    /* the file's git_revision */
    char    date[32];                  /* UTC, "2026-12-07T12:26:34Z" */
} pb_hist_run;

typedef enum pb_hist_kind {
    PB_HIST_SPEEDUP,   /* a pair point's ratio: component/scenario/N, versus */
    PB_HIST_INSTR      /* a case's instructions per op: component/impl/scenario/N */
} pb_hist_kind;

typedef struct pb_hist_series {
    pb_hist_kind kind;
    char    component[PB_HIST_TEXT];
    char    impl[PB_HIST_TEXT];        /* PB_HIST_INSTR; "" otherwise */
    char    scenario[PB_HIST_TEXT];
    int64_t n;
    /* PB_HIST_SPEEDUP: what is compared, "naive/optimized" (naive time /
     * optimized time, above 1 when optimized is faster) or, for a peer,
     * "optimized/PEER"; "" for PB_HIST_INSTR */
    char    versus[PB_HIST_TEXT];
    /* one value per run of the history (value < 0: the run has none); lo
     * and hi the 95% interval of a speed-up, < 0 when the run had no
     * paired rounds (and always for instructions) */
    double *value, *lo, *hi;
} pb_hist_series;

typedef struct pb_history {
    int64_t         machine_id;        /* the database's */
    pb_machine_id   machine;
    size_t          total_runs;        /* runs of the machine in the database */
    pb_hist_run    *runs;              /* the runs read, oldest first */
    size_t          n_runs;
    pb_hist_series *series;            /* speed-ups then instructions, each by
                                          component, scenario, N (impl, versus) */
    size_t          n_series;
    size_t          cap_series;
} pb_history;

/* An empty history for n_runs runs (runs zeroed for the caller to fill);
 * NULL when out of memory. */
pb_history     *pb_history_new(size_t n_runs);
void            pb_history_free(pb_history *h);
/* Appends a series with every value absent; NULL when out of memory or a
 * text does not fit (the history is unchanged then). */
pb_hist_series *pb_history_add_series(pb_history *h, pb_hist_kind kind,
                                      const char *component, const char *impl,
                                      const char *scenario, int64_t n,
                                      const char *versus);
/* The history of an identity among n histories, or NULL. */
const pb_history *pb_history_find(const pb_history *const *h, size_t n,
                                  const pb_machine_id *id);
/* The series' name: "component/scenario/N" (speed-up) or
 * "component/impl/scenario/N" (instructions). */
void pb_hist_series_name(const pb_hist_series *s, char *buf, size_t cap);

/* --- change points --------------------------------------------------------- */

typedef struct pb_hist_change {
    size_t run;        /* index in h->runs of the first run after the shift */
    size_t prev_run;   /* index of the last run before it with a value */
    double before, after, shift, p_value;   /* as pb_change */
} pb_hist_change;

/* The change points of one series of h (pb_change_points over its values
 * in run order, runs without a value left out, indices mapped back to
 * runs; opts NULL for the defaults), at most cap into out in run order.
 * Returns how many there are (may exceed cap), or -1 with errno (ENOMEM,
 * EINVAL for a value that is not finite). */
int pb_hist_changes(const pb_history *h, const pb_hist_series *s,
                    const pb_change_opts *opts, pb_hist_change *out, size_t cap);
/* The smallest shift a change point must have to be reported, by kind
 * (the defaults of `pairbench history --ratio-threshold/--instr-threshold`,
 * as the gate's): the test's significance alone is not enough over a
 * suite's hundreds of series. Measured on 220 series of pure normal noise
 * (cv 3%) over 6 to 40 runs: a change point new at the newest run in 0.3%
 * of the series-runs, so in 57% of the runs for one series or more, every
 * one of them a shift below 2.1 times the noise's cv; with the 10%
 * threshold, in none of them (none of 55 runs at cv 5% either; 27 of 55 at
 * cv 10%: the threshold must exceed about twice the run-to-run cv of the
 * ratios). Instruction counts are deterministic: any shift is real, 2% is
 * the size worth a look. */
#define PB_HIST_RATIO_SHIFT 0.10
#define PB_HIST_INSTR_SHIFT 0.02
/* 1 when |c->shift| reaches the threshold of s's kind. */
int pb_hist_change_large(const pb_hist_series *s, const pb_hist_change *c,
                         double ratio_shift, double instr_shift);

/* Whether the newest run of h reveals a change point of s: s has a value
 * in that run, and the last change point of s is not a change point of s
 * without that run (a shift is revealed when min_size runs exist after
 * it, so this is the run that completes them; the runs after it do not
 * reveal it again). 1 with *c set, 0, or -1 with errno. */
int pb_hist_new_change(const pb_history *h, const pb_hist_series *s,
                       const pb_change_opts *opts, pb_hist_change *c);

#ifdef __cplusplus
}
#endif

#endif
