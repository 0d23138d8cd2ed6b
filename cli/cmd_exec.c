/*
 * `pairbench exec CASE [--ops K] [--warmup W]`: one case, in this process,
 * for a fixed number of operations, with no Google Benchmark around it.
 *
 * It is what the profilers run, one case per process: callgrind (with
 * --collect-atstart=no: only the measured region is collected, through the
 * same arm/disarm points that bound allocation counting) and massif. It
 * builds the fixture, runs W warm-up operations (not collected), then K
 * operations (both rounded up to whole batches of the scenario's size), and
 * prints one line:
 *
 *   exec CASE ops K digest D allocs A bytes B peak_heap_bytes P [SQL]
 *
 * with allocs and bytes in total over the K operations, and SQL, for a case
 * on a watched SQLite connection, "sql_statements S sql_vm_steps V ..."
 * (every field of the SQL probe, totals: its trace callback runs in the
 * measured region, a few dozen instructions per statement). The same build, case
 * and K give the same digest and counts on every run.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "cli.h"

typedef struct exec_opts {
    int64_t ops;                       /* 0: one batch */
    int64_t warmup;                    /* -1: one batch */
} exec_opts;

static const pb_opt exec_opts_table[] = {
    { .name = "--ops", .type = PB_OPT_INT, .metavar = "K", .min = 1,
      .max = INT64_MAX / 2,
      .help = "measured operations, rounded up to whole batches\n(default one batch)",
      .offset = offsetof(exec_opts, ops) },
    { .name = "--warmup", .type = PB_OPT_INT, .metavar = "W", .min = 0,
      .max = INT64_MAX / 2,
      .help = "warm-up operations before them, neither counted nor\ncollected"
              " (default one batch)",
      .offset = offsetof(exec_opts, warmup) },
};

static int exec_case(const char *name, int64_t ops, int64_t warmup,
                     const pb_component *const *comps);

static const exec_opts exec_defaults = { 0, -1 };

static int exec_main(const pb_invocation *in)
{
    const exec_opts *o = in->opts;
    return exec_case(in->args->args[0], o->ops, o->warmup, in->components);
}

const pb_command pb_cmd_exec = {
    .name = "exec", .args = "CASE", .min_args = 1, .max_args = 1,
    .help = "run one case for K operations (whole batches) with\n"
            "no Google Benchmark around it, for the profilers;\n"
            "only the measured region is collected by callgrind",
    PB_OPTS(exec_opts_table, exec_opts),
    .opts_default = &exec_defaults,
    .main = exec_main,
};

/* Runs the case and prints its exec line; the exit status. */
static int exec_case(const char *name, int64_t ops, int64_t warmup,
                     const pb_component *const *comps)
{
    pb_case c;
    if (pb_case_find(comps, name, &c) != 0) {
        fprintf(stderr, "pairbench: exec wants one case name that runs, as"
                " 'pairbench list' prints it; not %s\n", name);
        return 2;
    }
    /* run() is only ever asked for whole batches (the add scenario builds a
     * whole store per batch), so K is rounded up to a multiple. */
    int64_t batch = c.scenario->batch(c.n);
    ops = ops == 0 ? batch : (ops + batch - 1) / batch * batch;
    if (warmup < 0)
        warmup = batch;

    const char *err = "set-up failed";
    pb_ctx *ctx = pb_run_begin(&c, &err);
    if (!ctx) {
        fprintf(stderr, "pairbench: exec %s: %s\n", c.name, err);
        return 1;
    }
    /* Warm-up: whole batches, neither counted nor collected. */
    for (int64_t done = 0; done < warmup; done += batch)
        pb_run_batch(ctx, batch);
    pb_run_result r;
    pb_run_collect(ctx, &r);           /* resets nothing: read to skip */
    pb_run_end(ctx);
    ctx = pb_run_begin(&c, &err);      /* same fixture, fresh counters */

    pb_run_collect_instructions(1);
    for (int64_t done = 0; done < ops; done += batch)
        pb_run_batch(ctx, batch);
    pb_run_collect_instructions(0);
    pb_run_collect(ctx, &r);
    pb_run_end(ctx);
    pb_run_release();
    printf("exec %s ops %" PRId64 " digest %016" PRIx64 " allocs %.0f bytes %.0f"
           " peak_heap_bytes %" PRId64, c.name, ops, r.digest, r.allocs,
           r.bytes, r.peak_heap_bytes);
    /* a case on a watched SQLite connection: SQLite's own counts, whole */
    if (r.sql_ok)
        for (int f = 0; f < PB_SQL_FIELDS; f++)
            printf(" %s %.0f", pb_sql_field_names[f], r.sql[f]);
    printf("\n");
    return 0;
}
