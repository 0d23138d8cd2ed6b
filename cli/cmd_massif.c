/*
 * `pairbench massif [selection] [--ops K] [--out DIR]`: heap profiles.
 *
 * Runs every selected case (select.h; by default at N = 1000: --n selects
 * other sizes; a case whose sweep lacks N, or whose implementation is
 * capped below it, is skipped) in its own process (child.h) under
 * valgrind's massif:
 *
 *   valgrind --tool=massif --time-unit=i --detailed-freq=1000000
 *            --max-snapshots=200 --massif-out-file=DIR/CASE.massif
 *            PAIRBENCH exec CASE --ops K
 *
 * (CASE with '/' as '_'; valgrind's own output and exec's line go to
 * DIR/CASE.log), then `ms_print DIR/CASE.massif > DIR/CASE.txt`, reads the
 * snapshots of the massif file and writes DIR/MASSIF.json:
 *
 *   {"context": {"kind": "pairbench-massif", "n": N (or [N, ...]), "ops": K,
 *                "time_unit": "i", "valgrind": "...", "date": "...",
 *                "git_revision": "..."},
 *    "cases": [{"name", "component", "impl", "scenario", "n", "ops",
 *               "peak_heap_bytes", "peak_heap_extra_bytes", "peak_time",
 *               "total_time", "massif_file", "ms_print_file",
 *               "snapshots": [[time, heap_bytes], ...]}, ...]}
 *
 * heap_bytes and peak_heap_bytes are massif's mem_heap_B (bytes requested
 * by live blocks, the whole process: libc and libstdc++'s own blocks
 * included); peak_heap_extra_bytes is mem_heap_extra_B (allocator headers
 * and rounding) at the peak snapshot. Time is in instructions executed
 * (--time-unit=i): both implementations run the same K operations after
 * the same set-up, so overlaid they show how long each holds what; with
 * bytes allocated as time (B) an implementation that allocates nothing per
 * operation would have its whole operation phase collapse to one point.
 *
 * Valgrind replaces malloc everywhere, the executable's exported
 * interposer included, so exec's own allocation counters read 0 under it;
 * massif's numbers are the ones recorded.
 *
 * Contract: usage errors (unknown option or name, bad number, a selection
 * with no case at N, the sanitizer build) print one line "pairbench: ..."
 * and return 2 before anything runs; valgrind or ms_print missing or a case
 * failing print one line each and return 1 without replacing MASSIF.json
 * (the per-case files of cases that ran are kept). MASSIF.json is written
 * atomically (atomic.h: DIR/MASSIF.json.tmp.PID renamed into place).
 * Interrupted (SIGINT, SIGTERM), massif stops valgrind or ms_print and
 * removes the case's .massif and .txt unless both are finished (also when
 * the signal comes between the two). Progress on stderr.
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

#define DEFAULT_N     1000
#define DEFAULT_OPS   1000
#define DEFAULT_DIR   "results/massif"
#define MAX_SNAPSHOTS 200

typedef struct mopts {
    int64_t     ops;
    const char *out;
} mopts;

static const pb_opt massif_opts_table[] = {
    { .name = "--ops", .type = PB_OPT_INT, .metavar = "K", .min = 1,
      .max = INT64_C(1) << 40,
      .help = "operations per case after the set-up (default 1000)",
      .offset = offsetof(mopts, ops) },
    { .name = "--out", .type = PB_OPT_STRING, .metavar = "DIR",
      .want = "a directory",
      .help = "where the profiles go (default " DEFAULT_DIR ")",
      .offset = offsetof(mopts, out) },
};

/* One case's profile, as read from its massif file. */
typedef struct profile {
    int64_t *t, *heap;          /* n snapshots, allocated */
    size_t   n, cap;
    int64_t  peak, peak_extra, peak_time, total_time;
} profile;

#if !defined(__SANITIZE_ADDRESS__)   /* the profiling itself: not under ASan */
static void profile_free(profile *p)
{
    free(p->t);
    free(p->heap);
    memset(p, 0, sizeof *p);
}

/* Reads the snapshots (time=, mem_heap_B=, mem_heap_extra_B=) of a massif
 * file, in file order (massif writes them in time order). 0, or -1 when
 * the file is unreadable or has no snapshot. */
static int read_massif(const char *path, profile *p)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    profile_free(p);
    p->peak = -1;
    char *line = NULL;
    size_t line_cap = 0;
    int64_t t = 0, extra = 0;
    int in_snap = 0;
    while (getline(&line, &line_cap, f) >= 0) {
        long long v;
        if (!strncmp(line, "snapshot=", 9)) {
            in_snap = 1;
        } else if (in_snap && sscanf(line, "time=%lld", &v) == 1) {
            t = v;
        } else if (in_snap && sscanf(line, "mem_heap_B=%lld", &v) == 1) {
            if (p->n == p->cap) {
                p->cap = p->cap ? p->cap * 2 : 2 * MAX_SNAPSHOTS;
                p->t = pb_xrealloc(p->t, p->cap * sizeof *p->t);
                p->heap = pb_xrealloc(p->heap, p->cap * sizeof *p->heap);
            }
            p->t[p->n] = t;
            p->heap[p->n] = v;
            p->n++;
            if (v > p->peak) {
                p->peak = v;
                p->peak_time = t;
                extra = -1;              /* filled by the next line */
            }
            if (t > p->total_time)
                p->total_time = t;
        } else if (in_snap && sscanf(line, "mem_heap_extra_B=%lld", &v) == 1) {
            if (extra == -1) {
                p->peak_extra = v;
                extra = 0;
            }
        }
    }
    free(line);
    fclose(f);
    return p->n ? 0 : -1;
}

/* The case's file stem: its name with '/' as '_' (malloc'd). */
static char *stem_of(const char *name)
{
    char *s = pb_xstrdup(name);
    for (char *q = s; *q; q++)
        if (*q == '/')
            *q = '_';
    return s;
}

/* Profiles one case into DIR; adds its entry to cases. 0, or 1 with a
 * one-line reason in err (for after "pairbench: massif: "). */
static int profile_case(const mopts *o, const pb_case *c, const char *self,
                        cJSON *cases, profile *p, pb_str *err)
{
    char *stem = stem_of(c->name);
    char *massif = pb_strf("%s/%s.massif", o->out, stem);
    char *txt = pb_strf("%s/%s.txt", o->out, stem);
    char *log = pb_strf("%s/%s.log", o->out, stem);
    char *outarg = pb_strf("--massif-out-file=%s", massif);
    char *ops = pb_strf("%" PRId64, o->ops);
    char *snaps = pb_strf("--max-snapshots=%d", MAX_SNAPSHOTS);
    free(stem);
    char a0[] = "valgrind", a1[] = "--tool=massif", a2[] = "--time-unit=i",
         a3[] = "--detailed-freq=1000000", a5[] = "exec", a7[] = "--ops";
    char *args[] = { a0, a1, a2, a3, snaps, outarg, (char *)self, a5,
                     (char *)c->name, a7, ops, NULL };
    const char *vtemps[] = { massif, NULL };
    pb_child vg = { .argv = args, .in = PB_CHILD_DEVNULL, .out = PB_CHILD_FILE,
                    .out_path = log, .err = PB_CHILD_AS_STDOUT,
                    .temps = vtemps, .what = "massif" };
    unlink(massif);
    int fail = 1;
    /* Until its .txt is written, a case's .massif is a temporary: an
     * interrupt between valgrind's exit and ms_print's end removes both. */
    if (pb_cleanup_add_file(massif) != 0 || pb_cleanup_add_file(txt) != 0) {
        pb_str_addf(err, "cannot register %s as a temporary: %s", massif, strerror(errno));
        goto done;
    }
    int rc = pb_child_run(&vg, NULL);
    if (rc == 127) {
        pb_str_addf(err, "valgrind not found: install Debian's"
                    " valgrind (scripts/install-deps.sh)");
        goto done;
    }
    if (rc != 0) {
        pb_str_addf(err, "%s failed under valgrind (%s %d); see %s", c->name,
                    rc >= 256 ? "signal" : "exit", rc >= 256 ? rc - 256 : rc, log);
        goto done;
    }
    char m0[] = "ms_print";
    char *margs[] = { m0, massif, NULL };
    const char *mtemps[] = { txt, NULL };
    pb_child ms = { .argv = margs, .in = PB_CHILD_DEVNULL, .out = PB_CHILD_FILE,
                    .out_path = txt, .err = PB_CHILD_AS_STDOUT,
                    .temps = mtemps, .what = "massif" };
    rc = pb_child_run(&ms, NULL);
    if (rc != 0) {
        pb_str_addf(err, "ms_print %s failed%s", massif,
                    rc == 127 ? ": not found (Debian's valgrind has it)" : "");
        goto done;
    }
    if (read_massif(massif, p) != 0) {
        pb_str_addf(err, "cannot read the snapshots of %s", massif);
        goto done;
    }
    int64_t batch = c->scenario->batch(c->n);
    cJSON *e = cJSON_CreateObject();
    cJSON *snap = cJSON_CreateArray();
    if (!e || !snap) {
        cJSON_Delete(e);
        cJSON_Delete(snap);
        pb_str_addf(err, "out of memory");
        goto done;
    }
    cJSON_AddItemToArray(cases, e);
    cJSON_AddStringToObject(e, "name", c->name);
    cJSON_AddStringToObject(e, "component", c->component->name);
    cJSON_AddStringToObject(e, "impl", c->impl->name);
    cJSON_AddStringToObject(e, "scenario", c->scenario->name);
    cJSON_AddNumberToObject(e, "n", (double)c->n);
    cJSON_AddNumberToObject(e, "ops", (double)((o->ops + batch - 1) / batch * batch));
    cJSON_AddNumberToObject(e, "peak_heap_bytes", (double)p->peak);
    cJSON_AddNumberToObject(e, "peak_heap_extra_bytes", (double)p->peak_extra);
    cJSON_AddNumberToObject(e, "peak_time", (double)p->peak_time);
    cJSON_AddNumberToObject(e, "total_time", (double)p->total_time);
    cJSON_AddStringToObject(e, "massif_file", massif);
    cJSON_AddStringToObject(e, "ms_print_file", txt);
    cJSON_AddItemToObject(e, "snapshots", snap);
    for (size_t i = 0; i < p->n; i++) {
        double pair[2] = { (double)p->t[i], (double)p->heap[i] };
        cJSON_AddItemToArray(snap, cJSON_CreateDoubleArray(pair, 2));
    }
    fail = 0;
done:
    pb_cleanup_forget(massif);
    pb_cleanup_forget(txt);
    free(massif);
    free(txt);
    free(log);
    free(outarg);
    free(ops);
    free(snaps);
    return fail;
}

/* Writes root to DIR/MASSIF.json atomically; 0, or 1 after one line. */
static int write_json(const char *dir, cJSON *root)
{
    char *final = pb_strf("%s/MASSIF.json", dir);
    char *text = cJSON_Print(root);
    if (!text) {
        fprintf(stderr, "pairbench: massif: out of memory writing MASSIF.json\n");
        free(final);
        return 1;
    }
    size_t len = strlen(text);
    text[len] = '\n';                  /* the NUL becomes the final newline */
    int rc = pb_atomic_write(final, text, len + 1);
    free(text);
    if (rc != 0) {
        fprintf(stderr, "pairbench: massif: cannot write %s: %s\n", final,
                strerror(errno));
        free(final);
        return 1;
    }
    fprintf(stderr, "pairbench: massif: %s written\n", final);
    free(final);
    return 0;
}

static void fmt_kib(char *buf, size_t cap, int64_t b)
{
    snprintf(buf, cap, "%.1f KiB", (double)b / 1024.0);
}

#endif

static int massif_run(const pb_command *cmd, const mopts *o,
                      const pb_selection *sel, const pb_component *const *comps)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)o;
    (void)sel;
    (void)comps;
    return pb_usage_error(cmd->name, "needs the normal build: valgrind cannot"
                          " run an AddressSanitizer binary");
#else
    size_t count = 0;
    pb_case *cases = pb_select_cases(sel, comps, &count);
    if (count == 0)
        return pb_select_none(cmd->name);
    cJSON *root = NULL;
    profile p = { 0 };
    char *vg = NULL;
    int rc = 1;
    char *self = pb_self_exe();
    if (!self) {
        fprintf(stderr, "pairbench: massif: cannot find this executable: %s\n",
                strerror(errno));
        goto done;
    }
    if (pb_mkdirs(o->out) != 0) {
        fprintf(stderr, "pairbench: massif: cannot create %s: %s\n", o->out,
                strerror(errno));
        rc = 2;
        goto done;
    }

    vg = pb_valgrind_version("massif");
    if (!vg) {
        fprintf(stderr, "pairbench: massif: valgrind not found: install Debian's"
                " valgrind (scripts/install-deps.sh)\n");
        goto done;
    }

    root = cJSON_CreateObject();
    cJSON *ctxj = root ? cJSON_AddObjectToObject(root, "context") : NULL;
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "cases") : NULL;
    if (!ctxj || !arr) {
        fprintf(stderr, "pairbench: massif: out of memory\n");
        goto done;
    }
    char date[64] = "?";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(ctxj, "kind", "pairbench-massif");
    pb_context_add_sizes(ctxj, &sel->sizes);
    cJSON_AddNumberToObject(ctxj, "ops", (double)o->ops);
    cJSON_AddStringToObject(ctxj, "time_unit", "i");
    cJSON_AddStringToObject(ctxj, "valgrind", vg);
    cJSON_AddStringToObject(ctxj, "date", date);
    cJSON_AddStringToObject(ctxj, "git_revision", PB_GIT_REV);
    cJSON_AddStringToObject(ctxj, "dir", o->out);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int failed = 0;
    for (size_t i = 0; i < count; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        fprintf(stderr, "pairbench: massif [%zu/%zu] %s ...", i + 1, count,
                cases[i].name);
        fflush(stderr);
        pb_str err = { 0 };
        if (profile_case(o, &cases[i], self, arr, &p, &err) != 0) {
            fprintf(stderr, " failed\npairbench: massif: %s\n", pb_str_get(&err));
            failed = 1;
            int fatal = strstr(pb_str_get(&err), "not found") != NULL;
            pb_str_free(&err);
            if (fatal)
                break;                 /* every other case would fail too */
            continue;                  /* else report every failing case */
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        char pk[400];                  /* "%.1f" of any int64 fits */
        fmt_kib(pk, sizeof pk, p.peak);
        fprintf(stderr, " peak heap %s (%.1f s)\n", pk,
                (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (failed) {
        fprintf(stderr, "pairbench: massif: some cases failed; %s/MASSIF.json not"
                " written\n", o->out);
        rc = 1;
        goto done;
    }
    fprintf(stderr, "pairbench: massif: %zu case(s) in %.1f s\n", count,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    rc = write_json(o->out, root);
done:
    cJSON_Delete(root);
    profile_free(&p);
    free(vg);
    free(self);
    free(cases);
    return rc;
#endif
}

static const mopts massif_defaults = { DEFAULT_OPS, DEFAULT_DIR };

static int massif_main(const pb_invocation *in)
{
    return massif_run(in->cmd, in->opts, in->sel, in->components);
}

const pb_command pb_cmd_massif = {
    .name = "massif", .selection = 1, .default_n = DEFAULT_N,
    .help = "run each selected case (at N = 1000 unless --n is\n"
            "given) in its own process under valgrind's massif;\n"
            "writes DIR/CASE.massif, DIR/CASE.txt (ms_print) and\n"
            "DIR/MASSIF.json (peaks and heap over time)",
    PB_OPTS(massif_opts_table, mopts),
    .opts_default = &massif_defaults,
    .main = massif_main,
};
