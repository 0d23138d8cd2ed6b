/*
 * The pairbench command line: list, run, help.
 *
 * Selection (--filter, --component, --scenario) happens here, in C, so that
 * `list` and `run` agree and an unknown name is a usage error (exit 2)
 * rather than an empty run. `run` then
 *   1. re-executes itself with libjemalloc preloaded if --allocator jemalloc
 *      asks for it and verifies which allocator serves malloc;
 *   2. verifies every selected pair: each implementation runs the same
 *      seeded operations and must return the same digest (a fast wrong
 *      implementation is caught before it is timed);
 *   3. registers one gbench family per component/impl/scenario over the
 *      selected sizes and runs them, JSON going to a temporary file that is
 *      renamed over --json FILE only when the run completes;
 *   4. prints the naive-vs-optimized pair summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "../reports/emit/emit.h"
#include "cli.h"
#include "pb_git_rev.h"
#include "../reports/report.h"

#ifndef PB_BUILD_TYPE
#define PB_BUILD_TYPE "unknown"
#endif
#ifndef PB_JEMALLOC_PATH
#define PB_JEMALLOC_PATH "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
#endif

#define MAX_LIST 16

/* Defaults: medians of 5 repetitions of at least 0.1 s measured each; a
 * quick pass is one repetition of 0.01 s. */
#define DEFAULT_REPETITIONS 5
#define DEFAULT_MIN_TIME_S  0.1
#define QUICK_MIN_TIME_S    0.01

typedef struct options {
    char        lists[2][512];       /* copies of --component/--scenario */
    const char *filter;
    regex_t     re;
    int         have_re;
    const char *components[MAX_LIST];
    int         n_components;
    const char *scenarios[MAX_LIST];
    int         n_scenarios;
    int         quick;
    int         repetitions;        /* 0 = not given */
    double      min_time_s;         /* 0 = not given */
    const char *json;
    const char *allocator;
    int         extra_argc;
    char      **extra_argv;
} options;

static const char usage_text[] =
    "usage: pairbench <command> [options]\n"
    "\n"
    "commands:\n"
    "  list                print the selected case names, one per line\n"
    "  run                 verify and time the selected cases, then print the\n"
    "                      naive-vs-optimized pair summary and the claims\n"
    "  summary FILE        print the pair summary and claims of a results file\n"
    "  claims FILE         print the seeds' claims as measured in a results file\n"
    "  report FILE... [--massif MASSIF.json] [--out DIR]\n"
    "                      write DIR/index.html (self-contained, gnuplot charts)\n"
    "                      and DIR/summary.md; DIR defaults to results/report\n"
    "  exec CASE [--ops K] [--warmup W]\n"
    "                      run one case for K operations (whole batches) with no\n"
    "                      Google Benchmark around it, for the profilers; only\n"
    "                      the measured region is collected by callgrind\n"
    "  massif [selection] [--n N] [--ops K] [--out DIR]\n"
    "                      run each selected case at N (default 1000) in its own\n"
    "                      process under valgrind's massif; writes DIR/CASE.massif,\n"
    "                      DIR/CASE.txt (ms_print) and DIR/MASSIF.json (peaks and\n"
    "                      heap over time); DIR defaults to results/massif\n"
    "  instr [--filter REGEX] [--component NAMES] [--n N] [--ops K] --json FILE\n"
    "                      instructions per op of every selected case at N\n"
    "                      (default 1000) under callgrind, with allocations\n"
    "  gate [--instr-threshold PCT] [--ratio-threshold PCT] [--alpha P] [--all]\n"
    "       BASELINE NEW...\n"
    "                      compare new instr/benchmark results with a baseline\n"
    "                      (directory with instr.json [bench.json], or a file);\n"
    "                      exit 1 on a regression, 2 on a missing or bad input\n"
    "  help                print this text\n"
    "\n"
    "selection (list, run and massif); a case is named component/impl/scenario/N:\n"
    "  --filter REGEX      cases whose name matches REGEX (POSIX extended)\n"
    "  --component NAMES   comma-separated component names\n"
    "  --scenario NAMES    comma-separated scenario names\n"
    "\n"
    "run options:\n"
    "  --quick             a short pass of every selected case (for CI):\n"
    "                      1 repetition of 0.01 s\n"
    "  --repetitions K     run each case K times (default 5); the summary\n"
    "                      uses medians and flags a cv above 10%\n"
    "  --min-time SECONDS  measured time per case and repetition (default 0.1)\n"
    "  --json FILE         write Google Benchmark JSON to FILE, atomically\n"
    "  --allocator NAME    glibc (default) or jemalloc: the malloc every case\n"
    "                      runs under\n"
    "  -- FLAGS            pass the remaining flags to Google Benchmark\n";

/* Prints one usage-error line; returns exit status 2. */
static int usage_error(const char *fmt, const char *arg)
{
    fputs("pairbench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'pairbench help')\n", stderr);
    return 2;
}

/* Copies a comma list into buf and splits it into out[]; the count, or -1
 * after printing a usage error. */
static int split_list(const char *arg, char *buf, size_t cap, const char **out,
                      const char *flag)
{
    int n = 0;
    if (strlen(arg) >= cap) {
        usage_error("the list given to %s is too long", flag);
        return -1;
    }
    strcpy(buf, arg);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (n == MAX_LIST) {
            usage_error("too many names given to %s", flag);
            return -1;
        }
        out[n++] = tok;
    }
    if (n == 0) {
        usage_error("%s needs at least one name", flag);
        return -1;
    }
    return n;
}

static int in_list(const char *name, const char *const *list, int n)
{
    if (n == 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* Returns the value of a flag given as "--flag VALUE" or "--flag=VALUE",
 * or NULL when argv[*i] is not that flag. A flag missing its value yields
 * "" with *missing set. */
static const char *flag_value(int argc, char **argv, int *i, const char *flag,
                              int *missing)
{
    size_t len = strlen(flag);
    const char *a = argv[*i];
    if (strncmp(a, flag, len) != 0)
        return NULL;
    if (a[len] == '=')
        return a + len + 1;
    if (a[len] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return "";
    }
    return argv[++*i];
}

#define FLAG(name) (v = flag_value(argc, argv, &i, name, &missing))

/* Parses the options after the command; 0, or 2 after one error line. */
static int parse(int argc, char **argv, int is_run, options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 2; i < argc; i++) {
        const char *v;
        char *end;
        int missing = 0;
        if (strcmp(argv[i], "--") == 0) {
            if (!is_run)
                return usage_error("'%s' is only valid for run", "--");
            o->extra_argc = argc - i - 1;
            o->extra_argv = argv + i + 1;
            break;
        } else if (FLAG("--filter")) {
            o->filter = v;
        } else if (FLAG("--component")) {
            o->n_components = missing ? 0 :
                split_list(v, o->lists[0], sizeof o->lists[0], o->components,
                           "--component");
            if (o->n_components < 0)
                return 2;
        } else if (FLAG("--scenario")) {
            o->n_scenarios = missing ? 0 :
                split_list(v, o->lists[1], sizeof o->lists[1], o->scenarios,
                           "--scenario");
            if (o->n_scenarios < 0)
                return 2;
        } else if (is_run && strcmp(argv[i], "--quick") == 0) {
            o->quick = 1;
        } else if (is_run && FLAG("--repetitions")) {
            errno = 0;
            long k = strtol(v, &end, 10);
            if (!missing && (errno || *end || end == v || k < 1 || k > 1000))
                return usage_error("--repetitions wants an integer from 1 to"
                                   " 1000, not '%s'", v);
            o->repetitions = (int)k;
        } else if (is_run && FLAG("--min-time")) {
            errno = 0;
            double t = strtod(v, &end);
            if (!missing && (errno || *end || end == v || !(t > 0 && t <= 3600)))
                return usage_error("--min-time wants seconds (0 < t <= 3600),"
                                   " not '%s'", v);
            o->min_time_s = t;
        } else if (is_run && FLAG("--json")) {
            if (!missing && !*v)
                return usage_error("--json needs a file name%s", "");
            o->json = v;
        } else if (is_run && FLAG("--allocator")) {
            if (!missing && strcmp(v, "glibc") && strcmp(v, "jemalloc"))
                return usage_error("unknown allocator '%s' (glibc or jemalloc)", v);
            o->allocator = v;
        } else {
            return usage_error("unknown option '%s'", argv[i]);
        }
        if (missing)
            return usage_error("%s needs a value", argv[i]);
    }
    if (o->filter) {
        int rc = regcomp(&o->re, o->filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &o->re, msg, sizeof msg);
            regfree(&o->re);
            fprintf(stderr, "pairbench: bad --filter '%s': %s\n", o->filter, msg);
            return 2;
        }
        o->have_re = 1;
    }
    return 0;
}

#undef FLAG

/* Every name given to --component/--scenario must exist: 0, or 2 after
 * one error line. */
static int check_names(const options *o, const pb_component *const *comps)
{
    for (int k = 0; k < o->n_components; k++) {
        int found = 0;
        for (size_t c = 0; comps[c]; c++)
            found |= strcmp(comps[c]->name, o->components[k]) == 0;
        if (!found) {
            fprintf(stderr, "pairbench: unknown component '%s' (known:",
                    o->components[k]);
            for (size_t c = 0; comps[c]; c++)
                fprintf(stderr, " %s", comps[c]->name);
            fputs(")\n", stderr);
            return 2;
        }
    }
    for (int k = 0; k < o->n_scenarios; k++) {
        int found = 0;
        for (size_t c = 0; comps[c]; c++) {
            if (!in_list(comps[c]->name, o->components, o->n_components))
                continue;
            for (size_t s = 0; s < comps[c]->n_scenarios; s++)
                found |= strcmp(comps[c]->scenarios[s].name, o->scenarios[k]) == 0;
        }
        if (!found) {
            fprintf(stderr, "pairbench: unknown scenario '%s' (known:",
                    o->scenarios[k]);
            for (size_t c = 0; comps[c]; c++) {
                if (!in_list(comps[c]->name, o->components, o->n_components))
                    continue;
                for (size_t s = 0; s < comps[c]->n_scenarios; s++)
                    fprintf(stderr, " %s/%s", comps[c]->name,
                            comps[c]->scenarios[s].name);
            }
            fputs(")\n", stderr);
            return 2;
        }
    }
    return 0;
}

/* Is this case selected? *capped is set when it is selected by name but its
 * implementation does not run at this N. */
static int selected(const options *o, const pb_component *c, const pb_impl *i,
                    const pb_scenario *s, int64_t n, int *capped)
{
    char name[160];
    *capped = 0;
    if (!in_list(c->name, o->components, o->n_components) ||
        !in_list(s->name, o->scenarios, o->n_scenarios))
        return 0;
    pb_case_name(name, sizeof name, c, i, s, n);
    if (o->have_re && regexec(&o->re, name, 0, NULL, 0) != 0)
        return 0;
    if (i->max_n > 0 && n > i->max_n) {
        *capped = 1;
        return 0;
    }
    return 1;
}

static int cmd_list(const options *o, const pb_component *const *comps)
{
    size_t shown = 0;
    for (size_t c = 0; comps[c]; c++)
        for (size_t s = 0; s < comps[c]->n_scenarios; s++)
            for (size_t i = 0; i < comps[c]->n_impls; i++) {
                const pb_scenario *sc = &comps[c]->scenarios[s];
                for (const int64_t *n = sc->sizes; *n; n++) {
                    int capped;
                    if (!selected(o, comps[c], &comps[c]->impls[i], sc, *n, &capped))
                        continue;
                    char name[160];
                    pb_case_name(name, sizeof name, comps[c], &comps[c]->impls[i], sc, *n);
                    puts(name);
                    shown++;
                }
            }
    if (shown == 0) {
        fprintf(stderr, "pairbench: no case matches the selection\n");
        return 2;
    }
    return 0;
}

/* --- allocator ------------------------------------------------------------ */

static int select_allocator(const char *want, char **argv)
{
    const char *have = pb_alloc_backend();
    if (strcmp(want, have) == 0)
        return 0;
    if (strcmp(want, "glibc") == 0) {
        const char *pre = getenv("LD_PRELOAD");
        fprintf(stderr, "pairbench: --allocator glibc, but malloc is served by %s"
                " (LD_PRELOAD=%s); unset LD_PRELOAD\n", have, pre ? pre : "");
        return 2;
    }
    if (!pb_alloc_tracking_available()) {
        fprintf(stderr, "pairbench: --allocator jemalloc needs the normal build;"
                " this one is built with sanitizers\n");
        return 2;
    }
    if (getenv("PB_ALLOCATOR_REEXEC")) {
        fprintf(stderr, "pairbench: %s was preloaded but malloc is still served"
                " by %s\n", PB_JEMALLOC_PATH, have);
        return 2;
    }
    if (access(PB_JEMALLOC_PATH, R_OK) != 0) {
        fprintf(stderr, "pairbench: jemalloc not found at %s; run"
                " scripts/install-deps.sh\n", PB_JEMALLOC_PATH);
        return 2;
    }
    const char *old = getenv("LD_PRELOAD");
    char preload[PATH_MAX * 2];
    snprintf(preload, sizeof preload, "%s%s%s", PB_JEMALLOC_PATH,
             old && *old ? ":" : "", old && *old ? old : "");
    setenv("LD_PRELOAD", preload, 1);
    setenv("PB_ALLOCATOR_REEXEC", "1", 1);
    fflush(NULL);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "pairbench: cannot re-execute with jemalloc: %s\n",
            strerror(errno));
    return 2;
}

/* --- verification --------------------------------------------------------- */

/* Runs one batch of every selected implementation of (c, s, n) from the same
 * seed; returns 0 when all digests agree (or fewer than two ran). */
static int verify_one(const options *o, const pb_component *c,
                      const pb_scenario *s, int64_t n, int *compared)
{
    uint64_t first = 0;
    const pb_impl *first_impl = NULL;
    int bad = 0;
    for (size_t i = 0; i < c->n_impls; i++) {
        int capped;
        if (!selected(o, c, &c->impls[i], s, n, &capped))
            continue;
        pb_case pc = { c, &c->impls[i], s, n, "" };
        pb_case_name(pc.name, sizeof pc.name, c, &c->impls[i], s, n);
        const char *err = NULL;
        pb_run_release();              /* every implementation starts fresh */
        pb_ctx *ctx = pb_run_begin(&pc, &err);
        if (!ctx) {
            fprintf(stderr, "pairbench: verify %s: %s\n", pc.name, err);
            return 1;
        }
        pb_run_batch(ctx, s->batch(n));
        pb_run_result r;
        pb_run_collect(ctx, &r);
        pb_run_end(ctx);
        pb_run_release();
        if (!first_impl) {
            first_impl = &c->impls[i];
            first = r.digest;
        } else {
            (*compared)++;
            if (r.digest != first) {
                fprintf(stderr, "pairbench: verify FAILED: %s/%s/%s/%lld: %s and"
                        " %s observed different results (digest %016llx vs"
                        " %016llx)\n", c->name, "*", s->name, (long long)n,
                        first_impl->name, c->impls[i].name,
                        (unsigned long long)first, (unsigned long long)r.digest);
                bad = 1;
            }
        }
    }
    return bad;
}

static int verify_all(const options *o, const pb_component *const *comps,
                      int *compared)
{
    int bad = 0;
    *compared = 0;
    for (size_t c = 0; comps[c]; c++)
        for (size_t s = 0; s < comps[c]->n_scenarios; s++)
            for (const int64_t *n = comps[c]->scenarios[s].sizes; *n; n++)
                bad |= verify_one(o, comps[c], &comps[c]->scenarios[s], *n, compared);
    return bad;
}

/* --- run ------------------------------------------------------------------ */

static const char *compiler_string(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

static int cmd_run(options *o, const pb_component *const *comps, char **argv)
{
    if (o->allocator) {
        int rc = select_allocator(o->allocator, argv);
        if (rc)
            return rc;
    }

    /* Register the selected families; collect the capped notes. */
    size_t n_cases = 0;
    char caps[1024] = "";
    for (size_t c = 0; comps[c]; c++)
        for (size_t i = 0; i < comps[c]->n_impls; i++) {
            const pb_impl *im = &comps[c]->impls[i];
            int any_capped = 0;
            for (size_t s = 0; s < comps[c]->n_scenarios; s++) {
                const pb_scenario *sc = &comps[c]->scenarios[s];
                int64_t sizes[32];
                size_t k = 0;
                for (const int64_t *n = sc->sizes; *n && k < 32; n++) {
                    int capped;
                    if (selected(o, comps[c], im, sc, *n, &capped))
                        sizes[k++] = *n;
                    any_capped |= capped;
                }
                if (k == 0)
                    continue;
                pb_case family = { comps[c], im, sc, 0, "" };
                pb_gb_register(&family, sizes, k);
                n_cases += k;
            }
            if (any_capped) {
                size_t used = strlen(caps);
                snprintf(caps + used, sizeof caps - used,
                         "%s%s/%s: N > %lld not run (%s)", used ? "; " : "",
                         comps[c]->name, im->name, (long long)im->max_n,
                         im->cap_reason ? im->cap_reason : "capped");
            }
        }
    if (n_cases == 0) {
        fprintf(stderr, "pairbench: no case matches the selection;"
                " 'pairbench list' shows the cases\n");
        return 2;
    }

    /* The JSON file: fail now, before minutes of running, if it cannot be
     * written; gbench writes a temporary name that is renamed at the end. */
    char tmp[PATH_MAX] = "";
    if (o->json) {
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", o->json, (long)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "pairbench: cannot write %s: %s\n", o->json,
                    strerror(errno));
            return 2;
        }
        close(fd);
    } else {
        /* No --json: gbench still writes its JSON, to a private file that
         * is read once as the results and removed. */
        const char *dir = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/pairbench-run-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(tmp);
        if (fd < 0) {
            fprintf(stderr, "pairbench: cannot create a temporary file in %s: %s\n",
                    dir && *dir ? dir : "/tmp", strerror(errno));
            return 1;
        }
        close(fd);
    }

    pb_gb_options g = {
        .min_time_s = o->min_time_s ? o->min_time_s
                                    : (o->quick ? QUICK_MIN_TIME_S : DEFAULT_MIN_TIME_S),
        .repetitions = o->repetitions ? o->repetitions
                                      : (o->quick ? 1 : DEFAULT_REPETITIONS),
        .json_path = tmp,
        .extra_argc = o->extra_argc,
        .extra_argv = o->extra_argv,
    };
    if (pb_gb_init(argv[0], &g) != 0) {
        if (*tmp)
            unlink(tmp);
        return 2;
    }

    fprintf(stderr, "pairbench: verifying that every implementation observes"
            " the same results...\n");
    int compared = 0;
    if (verify_all(o, comps, &compared)) {
        if (*tmp)
            unlink(tmp);
        return 1;
    }
    char verified[128];
    snprintf(verified, sizeof verified, "%d implementation pairs agree",
             compared);
    fprintf(stderr, "pairbench: verified: %s\n", verified);

    char cmdline[1024] = "";
    for (int i = 0; argv[i]; i++) {
        size_t used = strlen(cmdline);
        snprintf(cmdline + used, sizeof cmdline - used, "%s%s", i ? " " : "",
                 argv[i]);
    }
    pb_gb_add_context("pairbench_command", cmdline);
    pb_gb_add_context("allocator", pb_alloc_backend());
    pb_gb_add_context("allocator_version", pb_alloc_backend_version());
    pb_gb_add_context("alloc_tracking", pb_alloc_tracking_available() ? "on" : "off");
    pb_gb_add_context("compiler", compiler_string());
    pb_gb_add_context("build_type", PB_BUILD_TYPE);
    pb_gb_add_context("git_revision", PB_GIT_REV);
    pb_gb_add_context("quick", o->quick ? "true" : "false");
    pb_gb_add_context("verified", verified);
    pb_gb_add_context("capped", caps);
    char overhead[32];
    snprintf(overhead, sizeof overhead, "%.0f", pb_timer_overhead_ns());
    pb_gb_add_context("latency_timer_overhead_ns", overhead);

    pb_progress_reset(n_cases);
    size_t errors = pb_gb_run();

    /* The results: gbench's JSON read once; the analysis computed once. */
    char why[512];
    pb_resultset *rs = pb_resultset_load(tmp, why, sizeof why);
    pb_analysis *an = rs ? pb_analysis_new(rs, comps) : NULL;
    if (!an) {
        fprintf(stderr, "pairbench: %s\n", rs ? "out of memory analysing the results" : why);
        pb_resultset_free(rs);
        unlink(tmp);
        return 1;
    }
    if (*caps)
        printf("\nnot run: %s\n", caps);
    pb_summary_print(stdout, an);
    int written = !o->json || pb_results_write_json(tmp, an) == 0;
    pb_analysis_free(an);
    pb_resultset_free(rs);
    if (!o->json)
        unlink(tmp);

    if (o->json) {
        if (!written) {
            unlink(tmp);
            return 1;
        }
        int fd = open(tmp, O_RDONLY | O_CLOEXEC);
        int ok = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0)
            close(fd);
        if (!ok || rename(tmp, o->json) != 0) {
            fprintf(stderr, "pairbench: cannot write %s: %s\n", o->json,
                    strerror(errno));
            unlink(tmp);
            return 1;
        }
        fprintf(stderr, "pairbench: results written to %s\n", o->json);
    }
    if (errors) {
        fprintf(stderr, "pairbench: %zu case(s) reported an error\n", errors);
        return 1;
    }
    return 0;
}

/* claims FILE / summary FILE: the analysis of a results file. */
static int cmd_read(int argc, char **argv, const pb_component *const *comps)
{
    if (argc != 3 || argv[2][0] == '-')
        return usage_error("%s wants exactly one results file", argv[1]);
    char err[512];
    pb_resultset *rs = pb_resultset_load(argv[2], err, sizeof err);
    if (!rs) {
        fprintf(stderr, "pairbench: %s\n", err);
        return 2;
    }
    pb_analysis *an = pb_analysis_new(rs, comps);
    if (!an) {
        fprintf(stderr, "pairbench: out of memory analysing %s\n", argv[2]);
        pb_resultset_free(rs);
        return 1;
    }
    if (strcmp(argv[1], "summary") == 0)
        pb_summary_print(stdout, an);
    else if (pb_claims_print(stdout, an) == 0)
        printf("no component in this build states a claim\n");
    pb_analysis_free(an);
    pb_resultset_free(rs);
    return 0;
}

int pb_main(int argc, char **argv, const pb_component *const *comps)
{
    if (argc < 2)
        return usage_error("no command given%s", "");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "claims") || !strcmp(cmd, "summary"))
        return cmd_read(argc, argv, comps);
    if (!strcmp(cmd, "report"))
        return pb_report_main(argc, argv, comps);
    if (!strcmp(cmd, "exec"))
        return pb_exec_main(argc, argv, comps);
    if (!strcmp(cmd, "massif"))
        return pb_massif_main(argc, argv, comps);
    if (!strcmp(cmd, "instr"))
        return pb_instr_main(argc, argv, comps);
    if (!strcmp(cmd, "gate"))
        return pb_gate_main(argc, argv, comps);
    int is_run = strcmp(cmd, "run") == 0;
    if (!is_run && strcmp(cmd, "list") != 0)
        return usage_error("unknown command '%s'", cmd);
    options o;
    int rc = parse(argc, argv, is_run, &o);
    if (rc == 0)
        rc = check_names(&o, comps);
    if (rc == 0)
        rc = is_run ? cmd_run(&o, comps, argv) : cmd_list(&o, comps);
    if (o.have_re)
        regfree(&o.re);
    return rc;
}
