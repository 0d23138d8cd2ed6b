/*
 * `pairbench instr [selection] [--ops K] --json FILE`: instruction counts
 * per operation.
 *
 * Every selected case (by default at N = 1000: --n given selects other
 * sizes) runs in a child process (child.h)
 *
 *   valgrind --tool=callgrind --collect-atstart=no -q
 *            --callgrind-out-file=TMP  THIS_EXECUTABLE exec CASE [--ops K]
 *
 * so callgrind collects only exec's measured region (the same arm/disarm
 * points that bound allocation counting). The `exec ...` line the child
 * prints gives ops, digest, allocations and bytes; the `summary:` (or
 * `totals:`) line of the callgrind file gives the instructions. The result
 * is written as JSON, under a temporary name renamed over FILE at the end
 * (atomic.h):
 *
 *   {"context": {"kind": "pairbench-instr", "n": N (or [N, ...]), "ops": K|0,
 *                "git_revision": ..., "valgrind": "valgrind-3.19.0", ...},
 *    "cases": [{"name", "ops", "instructions", "instructions_per_op",
 *               "allocs", "allocs_per_op", "bytes_per_op", "digest",
 *               and for a case on SQLite "sql_statements_per_op",
 *               "sql_vm_steps_per_op", ... (every field of the SQL probe,
 *               SQLite's own counts, deterministic like the rest)}]}
 *
 * Selection is the shared one (select.h); a scenario whose sweep lacks the
 * N is skipped, as is an implementation capped below it. K omitted (ops 0
 * in the context) means exec's default: one batch. Interrupted (SIGINT,
 * SIGTERM), instr stops valgrind and removes the callgrind file and FILE's
 * temporary.
 *
 * The same build, case and K give the same counts on every run: exec's
 * fixture and operations are seeded, and callgrind counts instructions, not
 * time. Exit status: 0, 1 (a case failed under valgrind), 2 (usage, no
 * valgrind, sanitizer build, unwritable FILE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "atomic.h"
#include "child.h"
#include "cli.h"
#include "pb_git_rev.h"
#include "profiler.h"
#include "str.h"

#define INSTR_DEFAULT_N 1000

typedef struct instr_opts {
    int64_t     ops;              /* 0 = exec's default (one batch) */
    const char *json;
} instr_opts;

static const pb_opt instr_opts_table[] = {
    { .name = "--ops", .type = PB_OPT_INT, .metavar = "K", .min = 1,
      .max = INT64_MAX / 4,
      .help = "operations per case (default one batch)",
      .offset = offsetof(instr_opts, ops) },
    { .name = "--json", .type = PB_OPT_STRING, .metavar = "FILE",
      .want = "a file name", .required = 1,
      .help = "where the counts go, atomically",
      .offset = offsetof(instr_opts, json) },
};

/* Reads the instruction total from a callgrind output file: the number
 * after "summary:" (or "totals:" when there is no summary line). 0, or -1
 * when the file has neither. */
static int instr_read_callgrind(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int have = 0;
    while (getline(&line, &cap, f) >= 0) {
        unsigned long long v;
        if (sscanf(line, "summary: %llu", &v) == 1) {
            *out = v;
            have = 2;
        } else if (have < 2 && sscanf(line, "totals: %llu", &v) == 1) {
            *out = v;
            have = 1;
        }
    }
    free(line);
    fclose(f);
    return have ? 0 : -1;
}

int pb_instr_measure(const char *self, const char *name, int64_t ops,
                     const char *json_tmp, cJSON *cases)
{
    const char *tmpdir = getenv("TMPDIR");
    char *cg_path = pb_strf("%s/pb-instr-%ld.callgrind",
                            tmpdir && *tmpdir ? tmpdir : "/tmp", (long)getpid());
    char *out_flag = pb_strf("--callgrind-out-file=%s", cg_path);
    char *ops_text = pb_strf("%" PRId64, ops);
    char *argv[] = { "valgrind", "--tool=callgrind", "--collect-atstart=no",
                     "-q", out_flag, (char *)self, "exec", (char *)name,
                     ops > 0 ? "--ops" : NULL, ops_text, NULL };
    const char *temps[] = { cg_path, json_tmp, NULL };
    pb_child child = { .argv = argv, .in = PB_CHILD_DEVNULL,
                       .out = PB_CHILD_CAPTURE, .err = PB_CHILD_INHERIT,
                       .temps = temps, .what = "instr" };
    pb_str out = { 0 };
    unlink(cg_path);
    int st = pb_child_run(&child, &out);
    int rc = -1;
    uint64_t instructions = 0;
    int cg_ok = st == 0 ? instr_read_callgrind(cg_path, &instructions) : -1;
    unlink(cg_path);
    free(cg_path);
    free(out_flag);
    free(ops_text);
    if (st != 0) {
        fprintf(stderr, "pairbench: instr: %s failed under valgrind (%s %d)\n",
                name, st >= 256 ? "signal" : "exit", st >= 256 ? st - 256 : st);
        goto done;
    }
    char got[200];
    long long k_ops, peak;
    char digest[32];
    double allocs, bytes;
    int tail = 0;
    if (sscanf(pb_str_get(&out), "exec %199s ops %lld digest %31s allocs %lf"
               " bytes %lf peak_heap_bytes %lld%n", got, &k_ops, digest, &allocs,
               &bytes, &peak, &tail) != 6 || strcmp(got, name) != 0 || k_ops < 1 || cg_ok) {
        fprintf(stderr, "pairbench: instr: %s: no exec line or no callgrind"
                " total\n", name);
        goto done;
    }
    cJSON *c = cJSON_CreateObject();
    if (!c || !cJSON_AddItemToArray(cases, c)) {
        cJSON_Delete(c);
        goto done;
    }
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddNumberToObject(c, "ops", (double)k_ops);
    cJSON_AddNumberToObject(c, "instructions", (double)instructions);
    cJSON_AddNumberToObject(c, "instructions_per_op",
                            (double)instructions / (double)k_ops);
    cJSON_AddNumberToObject(c, "allocs", allocs);
    cJSON_AddNumberToObject(c, "allocs_per_op", allocs / (double)k_ops);
    cJSON_AddNumberToObject(c, "bytes_per_op", bytes / (double)k_ops);
    cJSON_AddNumberToObject(c, "peak_heap_bytes", (double)peak);
    cJSON_AddStringToObject(c, "digest", digest);
    /* SQLite's counts, when the case runs on a watched connection */
    const char *sql = pb_str_get(&out) + tail;
    for (int f = 0; f < PB_SQL_FIELDS; f++) {
        char key[64], pat[64];
        double v;
        snprintf(pat, sizeof pat, " %s ", pb_sql_field_names[f]);
        const char *hit = strstr(sql, pat);
        if (hit && sscanf(hit + strlen(pat), "%lf", &v) == 1 && v >= 0) {
            snprintf(key, sizeof key, "%s_per_op", pb_sql_field_names[f]);
            cJSON_AddNumberToObject(c, key, v / (double)k_ops);
        }
    }
    fprintf(stderr, "pairbench: instr: %-44s %12.1f instr/op %8.3f allocs/op\n",
            name, (double)instructions / (double)k_ops, allocs / (double)k_ops);
    rc = 0;
done:
    pb_str_free(&out);
    return rc;
}

/* Runs every selected case; returns the exit status. */
static int instr_all(const pb_command *cmd, const instr_opts *o,
                     const pb_selection *sel, const pb_component *const *comps)
{
    size_t count;
    pb_case *selected = pb_select_cases(sel, comps, &count);
    if (count == 0)
        return pb_select_none(cmd->name);
    char *self = pb_self_exe();
    if (!self) {
        fprintf(stderr, "pairbench: instr: cannot find this executable\n");
        free(selected);
        return 2;
    }
    char *version = pb_valgrind_version("instr");
    if (!version) {
        fprintf(stderr, "pairbench: instr: valgrind does not run; install it"
                " (scripts/install-deps.sh)\n");
        free(self);
        free(selected);
        return 2;
    }

    /* Fail before minutes of running if FILE cannot be written. */
    pb_atomic json;
    if (pb_atomic_begin(&json, o->json) != 0) {
        fprintf(stderr, "pairbench: instr: cannot write %s: %s\n", o->json,
                strerror(errno));
        free(version);
        free(self);
        free(selected);
        return 2;
    }

    int rc = 1;
    cJSON *root = cJSON_CreateObject();
    cJSON *ctx = cJSON_AddObjectToObject(root, "context");
    cJSON *cases = cJSON_AddArrayToObject(root, "cases");
    if (!root || !ctx || !cases) {
        fprintf(stderr, "pairbench: instr: out of memory\n");
        goto done;
    }
    cJSON_AddStringToObject(ctx, "kind", "pairbench-instr");
    pb_context_add_sizes(ctx, &sel->sizes);
    cJSON_AddNumberToObject(ctx, "ops", (double)o->ops);
    cJSON_AddStringToObject(ctx, "git_revision", PB_GIT_REV);
    cJSON_AddStringToObject(ctx, "valgrind", version);
    cJSON_AddStringToObject(ctx, "tool", "callgrind --collect-atstart=no, Ir"
                            " of exec's measured region");
    time_t now = time(NULL);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    cJSON_AddStringToObject(ctx, "date", date);

    /* Same order as `pairbench list`: component, scenario, implementation. */
    size_t failed = 0, skipped = 0;
    for (size_t i = 0; i < count; i++) {
        if (selected[i].scenario->timing_dependent) {
            fprintf(stderr, "pairbench: instr: %-44s skipped: timing-dependent, its"
                    " instructions are not reproducible\n", selected[i].name);
            skipped++;
            continue;
        }
        if (pb_instr_measure(self, selected[i].name, o->ops, json.tmp, cases) != 0)
            failed++;
    }
    char *text = cJSON_Print(root);
    if (!text) {
        fprintf(stderr, "pairbench: instr: out of memory writing %s\n", o->json);
        goto done;
    }
    int ok = fputs(text, json.f) >= 0 && fputc('\n', json.f) != EOF;
    free(text);
    if (!ok || pb_atomic_commit(&json) != 0) {
        fprintf(stderr, "pairbench: instr: cannot write %s: %s\n", o->json,
                strerror(errno));
        goto done;
    }
    fprintf(stderr, "pairbench: instr: %zu case(s) measured, %zu skipped (timing-dependent),"
            " %zu failed; written to %s\n", count - skipped - failed, skipped, failed,
            o->json);
    rc = failed ? 1 : 0;
done:
    if (json.tmp)
        pb_atomic_abort(&json);
    cJSON_Delete(root);
    free(version);
    free(self);
    free(selected);
    return rc;
}

static int instr_main(const pb_invocation *in)
{
    if (!pb_alloc_tracking_available()) {
        fprintf(stderr, "pairbench: instr needs the normal build; this one is"
                " built with sanitizers (valgrind cannot run it)\n");
        return 2;
    }
    return instr_all(in->cmd, in->opts, in->sel, in->components);
}

const pb_command pb_cmd_instr = {
    .name = "instr", .selection = 1, .default_n = INSTR_DEFAULT_N,
    .help = "instructions per op of every selected case (at N = 1000\n"
            "unless --n is given) under callgrind, with allocations",
    PB_OPTS(instr_opts_table, instr_opts),
    .main = instr_main,
};
