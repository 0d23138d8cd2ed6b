/*
 * `pairbench massif [--filter REGEX] [--component NAMES] [--scenario NAMES]
 *                   [--n N] [--ops K] [--out DIR]`: heap profiles.
 *
 * Runs every selected case at one N (default 1000; a case whose sweep lacks
 * N, or whose implementation is capped below it, is skipped) in its own
 * process under valgrind's massif:
 *
 *   valgrind --tool=massif --time-unit=i --detailed-freq=1000000
 *            --max-snapshots=200 --massif-out-file=DIR/CASE.massif
 *            PAIRBENCH exec CASE --ops K
 *
 * (CASE with '/' as '_'; valgrind's own output and exec's line go to
 * DIR/CASE.log), then `ms_print DIR/CASE.massif > DIR/CASE.txt`, reads the
 * snapshots of the massif file and writes DIR/MASSIF.json:
 *
 *   {"context": {"kind": "pairbench-massif", "n": N, "ops": K,
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
 * to DIR/.MASSIF.json.tmp.PID and renamed into place. Progress on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <regex.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "cli.h"
#include "pb_git_rev.h"

extern char **environ;

#define MAX_NAMES     16
#define DEFAULT_N     1000
#define DEFAULT_OPS   1000
#define DEFAULT_DIR   "results/massif"
#define MAX_SNAPSHOTS 200

typedef struct mopts {
    char        lists[2][512];
    const char *names[2][MAX_NAMES];  /* --component, --scenario */
    int         n_names[2];
    regex_t     re;
    int         have_re;
    int64_t     n, ops;
    const char *out;
} mopts;

/* One line "pairbench: ..." on stderr; returns 2. */
static int musage(const char *fmt, const char *arg)
{
    fputs("pairbench: massif: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'pairbench help')\n", stderr);
    return 2;
}

/* Splits a comma list into o->names[which]; 0, or 2 after one line. */
static int split_names(mopts *o, int which, const char *arg, const char *flag)
{
    char *buf = o->lists[which];
    if (strlen(arg) >= sizeof o->lists[which])
        return musage("the list given to %s is too long", flag);
    strcpy(buf, arg);
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == MAX_NAMES)
            return musage("too many names given to %s", flag);
        o->names[which][n++] = t;
    }
    if (n == 0)
        return musage("%s needs at least one name", flag);
    o->n_names[which] = n;
    return 0;
}

static int listed(const mopts *o, int which, const char *name)
{
    if (o->n_names[which] == 0)
        return 1;
    for (int i = 0; i < o->n_names[which]; i++)
        if (!strcmp(o->names[which][i], name))
            return 1;
    return 0;
}

/* "--flag VALUE" or "--flag=VALUE": the value, NULL when argv[*i] is not
 * the flag; *missing set when the value is absent. */
static const char *flag_arg(int argc, char **argv, int *i, const char *flag,
                            int *missing)
{
    size_t len = strlen(flag);
    if (strncmp(argv[*i], flag, len) != 0)
        return NULL;
    if (argv[*i][len] == '=')
        return argv[*i] + len + 1;
    if (argv[*i][len] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return "";
    }
    return argv[++*i];
}

static int parse_int(const char *flag, const char *v, int64_t lo, int64_t hi,
                     int64_t *out)
{
    char *end;
    errno = 0;
    long long k = strtoll(v, &end, 10);
    if (errno || end == v || *end || k < lo || k > hi) {
        fputs("pairbench: massif: ", stderr);
        fprintf(stderr, "%s wants an integer from %" PRId64 " to %" PRId64
                ", not '%s' (see 'pairbench help')\n", flag, lo, hi, v);
        return 2;
    }
    *out = k;
    return 0;
}

/* Parses argv[2..]; 0, or 2 after one line (o->re freed then). */
static int mparse(int argc, char **argv, mopts *o)
{
    memset(o, 0, sizeof *o);
    o->n = DEFAULT_N;
    o->ops = DEFAULT_OPS;
    o->out = DEFAULT_DIR;
    const char *filter = NULL;
    for (int i = 2; i < argc; i++) {
        int missing = 0, rc = 0;
        const char *v;
        if ((v = flag_arg(argc, argv, &i, "--filter", &missing)))
            filter = v;
        else if ((v = flag_arg(argc, argv, &i, "--component", &missing)))
            rc = missing ? 0 : split_names(o, 0, v, "--component");
        else if ((v = flag_arg(argc, argv, &i, "--scenario", &missing)))
            rc = missing ? 0 : split_names(o, 1, v, "--scenario");
        else if ((v = flag_arg(argc, argv, &i, "--n", &missing)))
            rc = missing ? 0 : parse_int("--n", v, 1, INT64_C(1) << 40, &o->n);
        else if ((v = flag_arg(argc, argv, &i, "--ops", &missing)))
            rc = missing ? 0 : parse_int("--ops", v, 1, INT64_C(1) << 40, &o->ops);
        else if ((v = flag_arg(argc, argv, &i, "--out", &missing))) {
            if (!missing && !*v)
                return musage("--out needs a directory%s", "");
            o->out = v;
        } else
            return musage("unknown option '%s'", argv[i]);
        if (rc)
            return rc;
        if (missing)
            return musage("%s needs a value", argv[i]);
    }
    if (filter) {
        int rc = regcomp(&o->re, filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &o->re, msg, sizeof msg);
            regfree(&o->re);
            fprintf(stderr, "pairbench: massif: bad --filter '%s': %s\n", filter, msg);
            return 2;
        }
        o->have_re = 1;
    }
    return 0;
}

/* Every --component and --scenario name exists: 0, or 2 after one line. */
static int mcheck_names(const mopts *o, const pb_component *const *comps)
{
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < o->n_names[w]; k++) {
            int found = 0;
            for (size_t c = 0; comps[c]; c++) {
                if (w == 0) {
                    found |= !strcmp(comps[c]->name, o->names[0][k]);
                    continue;
                }
                if (!listed(o, 0, comps[c]->name))
                    continue;
                for (size_t s = 0; s < comps[c]->n_scenarios; s++)
                    found |= !strcmp(comps[c]->scenarios[s].name, o->names[1][k]);
            }
            if (!found)
                return musage(w == 0 ? "unknown component '%s'" : "unknown scenario '%s'",
                              o->names[w][k]);
        }
    return 0;
}

/* The selected cases at o->n, in list order, into a malloc'd array (*count
 * set); NULL with *count 0 when none or out of memory (*oom set). */
static pb_case *mselect(const mopts *o, const pb_component *const *comps,
                        size_t *count, int *oom)
{
    pb_case *v = NULL;
    size_t n = 0, cap = 0;
    *oom = 0;
    for (size_t c = 0; comps[c]; c++) {
        if (!listed(o, 0, comps[c]->name))
            continue;
        for (size_t s = 0; s < comps[c]->n_scenarios; s++) {
            const pb_scenario *sc = &comps[c]->scenarios[s];
            if (!listed(o, 1, sc->name))
                continue;
            int has_n = 0;
            for (const int64_t *p = sc->sizes; *p; p++)
                has_n |= *p == o->n;
            if (!has_n)
                continue;
            for (size_t i = 0; i < comps[c]->n_impls; i++) {
                const pb_impl *im = &comps[c]->impls[i];
                if (im->max_n > 0 && o->n > im->max_n)
                    continue;
                char name[160];
                pb_case_name(name, sizeof name, comps[c], im, sc, o->n);
                if (o->have_re && regexec(&o->re, name, 0, NULL, 0) != 0)
                    continue;
                if (n == cap) {
                    size_t ncap = cap ? cap * 2 : 32;
                    pb_case *p = realloc(v, ncap * sizeof *p);
                    if (!p) {
                        *oom = 1;
                        free(v);
                        *count = 0;
                        return NULL;
                    }
                    v = p;
                    cap = ncap;
                }
                memset(&v[n], 0, sizeof v[n]);
                v[n].component = comps[c];
                v[n].impl = im;
                v[n].scenario = sc;
                v[n].n = o->n;
                snprintf(v[n].name, sizeof v[n].name, "%s", name);
                n++;
            }
        }
    }
    *count = n;
    return v;
}

/* mkdir -p; 0 or -1 (errno set). */
static int mkdirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char ch = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = ch;
            if (!ch)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Runs args[0] (searched on PATH) with stdout and stderr appended to
 * out_path (both to /dev/null when NULL), or stdout into the buffer cap
 * when capture is set. Returns the exit status (0..255), 127 when the
 * program is not found, -1 when it could not be started or was killed. */
static int spawn_wait(char *const args[], const char *out_path, int append,
                      char *capture, size_t cap)
{
    int fd = -1, pipefd[2] = { -1, -1 };
    if (capture) {
        if (pipe2(pipefd, O_CLOEXEC) != 0)
            return -1;
    } else {
        fd = open(out_path ? out_path : "/dev/null",
                  O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
        if (fd < 0)
            return -1;
    }
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        if (fd >= 0)
            close(fd);
        if (capture) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        return -1;
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (capture) {
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    } else {
        posix_spawn_file_actions_adddup2(&fa, fd, 1);
        posix_spawn_file_actions_adddup2(&fa, fd, 2);
    }
    pid_t pid;
    int e = posix_spawnp(&pid, args[0], &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (fd >= 0)
        close(fd);
    if (capture) {
        close(pipefd[1]);
        size_t used = 0;
        if (e == 0)
            for (;;) {
                char chunk[4096];
                ssize_t k = read(pipefd[0], chunk, sizeof chunk);
                if (k < 0 && errno == EINTR)
                    continue;
                if (k <= 0)
                    break;
                size_t take = (size_t)k < cap - 1 - used ? (size_t)k : cap - 1 - used;
                memcpy(capture + used, chunk, take);
                used += take;
            }
        capture[used] = '\0';
        close(pipefd[0]);
    }
    if (e != 0)
        return e == ENOENT ? 127 : -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One case's profile, as read from its massif file. */
typedef struct profile {
    int64_t t[MAX_SNAPSHOTS * 2];
    int64_t heap[MAX_SNAPSHOTS * 2];
    size_t  n;
    int64_t peak, peak_extra, peak_time, total_time;
} profile;

/* Reads the snapshots (time=, mem_heap_B=, mem_heap_extra_B=) of a massif
 * file, in file order (massif writes them in time order). 0, or -1 when
 * the file is unreadable or has no snapshot. */
static int read_massif(const char *path, profile *p)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(p, 0, sizeof *p);
    p->peak = -1;
    char line[512];
    int64_t t = 0, extra = 0;
    int in_snap = 0;
    while (fgets(line, sizeof line, f)) {
        long long v;
        if (!strncmp(line, "snapshot=", 9)) {
            in_snap = 1;
        } else if (in_snap && sscanf(line, "time=%lld", &v) == 1) {
            t = v;
        } else if (in_snap && sscanf(line, "mem_heap_B=%lld", &v) == 1) {
            if (p->n < sizeof p->t / sizeof p->t[0]) {
                p->t[p->n] = t;
                p->heap[p->n] = v;
                p->n++;
            }
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
    fclose(f);
    return p->n ? 0 : -1;
}

/* The case's file stem: its name with '/' as '_'. */
static void stem_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s", name);
    for (char *q = buf; *q; q++)
        if (*q == '/')
            *q = '_';
}

/* Profiles one case into DIR; adds its entry to cases. 0, or 1 with a
 * one-line reason in err (for after "pairbench: massif: "). */
static int profile_case(const mopts *o, const pb_case *c, const char *self,
                        cJSON *cases, profile *p, char *err, size_t ecap)
{
    char stem[160], massif[PATH_MAX], txt[PATH_MAX], log[PATH_MAX], outarg[PATH_MAX + 32];
    stem_of(stem, sizeof stem, c->name);
    snprintf(massif, sizeof massif, "%s/%s.massif", o->out, stem);
    snprintf(txt, sizeof txt, "%s/%s.txt", o->out, stem);
    snprintf(log, sizeof log, "%s/%s.log", o->out, stem);
    snprintf(outarg, sizeof outarg, "--massif-out-file=%s", massif);
    char ops[32], snaps[48];
    snprintf(ops, sizeof ops, "%" PRId64, o->ops);
    snprintf(snaps, sizeof snaps, "--max-snapshots=%d", MAX_SNAPSHOTS);
    char a0[] = "valgrind", a1[] = "--tool=massif", a2[] = "--time-unit=i",
         a3[] = "--detailed-freq=1000000", a5[] = "exec", a7[] = "--ops";
    char *args[] = { a0, a1, a2, a3, snaps, outarg, (char *)self, a5,
                     (char *)c->name, a7, ops, NULL };
    unlink(massif);
    int rc = spawn_wait(args, log, 0, NULL, 0);
    if (rc == 127) {
        snprintf(err, ecap, "valgrind not found: install Debian's"
                " valgrind (scripts/install-deps.sh)");
        return 1;
    }
    if (rc != 0) {
        snprintf(err, ecap, "%s failed under valgrind (exit %d);"
                " see %s", c->name, rc, log);
        return 1;
    }
    char m0[] = "ms_print";
    char *margs[] = { m0, massif, NULL };
    rc = spawn_wait(margs, txt, 0, NULL, 0);
    if (rc != 0) {
        snprintf(err, ecap, "ms_print %s failed%s", massif,
                rc == 127 ? ": not found (Debian's valgrind has it)" : "");
        return 1;
    }
    if (read_massif(massif, p) != 0) {
        snprintf(err, ecap, "cannot read the snapshots of %s", massif);
        return 1;
    }
    int64_t batch = c->scenario->batch(c->n);
    cJSON *e = cJSON_CreateObject();
    cJSON *snap = cJSON_CreateArray();
    if (!e || !snap) {
        cJSON_Delete(e);
        cJSON_Delete(snap);
        snprintf(err, ecap, "out of memory");
        return 1;
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
    return 0;
}

/* Writes root to DIR/MASSIF.json through a temporary; 0, or 1 after one
 * line. */
static int write_json(const char *dir, cJSON *root)
{
    char final[PATH_MAX], tmp[PATH_MAX];
    snprintf(final, sizeof final, "%s/MASSIF.json", dir);
    snprintf(tmp, sizeof tmp, "%s/.MASSIF.json.tmp.%ld", dir, (long)getpid());
    char *text = cJSON_Print(root);
    if (!text) {
        fprintf(stderr, "pairbench: massif: out of memory writing MASSIF.json\n");
        return 1;
    }
    FILE *f = fopen(tmp, "w");
    int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f)
        ok = (fclose(f) == 0) && ok;
    free(text);
    if (!ok || rename(tmp, final) != 0) {
        fprintf(stderr, "pairbench: massif: cannot write %s: %s\n", final,
                strerror(errno));
        unlink(tmp);
        return 1;
    }
    fprintf(stderr, "pairbench: massif: %s written\n", final);
    return 0;
}

static void fmt_kib(char *buf, size_t cap, int64_t b)
{
    snprintf(buf, cap, "%.1f KiB", (double)b / 1024.0);
}

int pb_massif_main(int argc, char **argv, const pb_component *const *comps)
{
    mopts o;
    int rc = mparse(argc, argv, &o);
    if (rc)
        return rc;
    pb_case *cases = NULL;
    cJSON *root = NULL;
    profile *p = NULL;
    size_t count = 0;
    rc = mcheck_names(&o, comps);
    if (rc)
        goto done;
#if defined(__SANITIZE_ADDRESS__)
    rc = musage("needs the normal build: valgrind cannot run an AddressSanitizer"
                " binary%s", "");
    goto done;
#endif
    int oom;
    cases = mselect(&o, comps, &count, &oom);
    if (oom) {
        fprintf(stderr, "pairbench: massif: out of memory\n");
        rc = 1;
        goto done;
    }
    if (count == 0) {
        char n[32];
        snprintf(n, sizeof n, "%" PRId64, o.n);
        rc = musage("no selected case runs at N = %s", n);
        goto done;
    }
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "pairbench: massif: cannot find this executable: %s\n",
                strerror(errno));
        rc = 1;
        goto done;
    }
    self[len] = '\0';
    if (mkdirs(o.out) != 0) {
        fprintf(stderr, "pairbench: massif: cannot create %s: %s\n", o.out,
                strerror(errno));
        rc = 2;
        goto done;
    }

    char vg[128] = "";
    char v0[] = "valgrind", v1[] = "--version";
    char *vargs[] = { v0, v1, NULL };
    if (spawn_wait(vargs, NULL, 0, vg, sizeof vg) != 0 || !vg[0]) {
        fprintf(stderr, "pairbench: massif: valgrind not found: install Debian's"
                " valgrind (scripts/install-deps.sh)\n");
        rc = 1;
        goto done;
    }
    vg[strcspn(vg, "\n")] = '\0';

    root = cJSON_CreateObject();
    cJSON *ctxj = root ? cJSON_AddObjectToObject(root, "context") : NULL;
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "cases") : NULL;
    p = malloc(sizeof *p);
    if (!ctxj || !arr || !p) {
        fprintf(stderr, "pairbench: massif: out of memory\n");
        rc = 1;
        goto done;
    }
    char date[64] = "?";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(ctxj, "kind", "pairbench-massif");
    cJSON_AddNumberToObject(ctxj, "n", (double)o.n);
    cJSON_AddNumberToObject(ctxj, "ops", (double)o.ops);
    cJSON_AddStringToObject(ctxj, "time_unit", "i");
    cJSON_AddStringToObject(ctxj, "valgrind", vg);
    cJSON_AddStringToObject(ctxj, "date", date);
    cJSON_AddStringToObject(ctxj, "git_revision", PB_GIT_REV);
    cJSON_AddStringToObject(ctxj, "dir", o.out);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int failed = 0;
    for (size_t i = 0; i < count; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        fprintf(stderr, "pairbench: massif [%zu/%zu] %s ...", i + 1, count,
                cases[i].name);
        fflush(stderr);
        char err[PATH_MAX + 200];
        if (profile_case(&o, &cases[i], self, arr, p, err, sizeof err) != 0) {
            fprintf(stderr, " failed\npairbench: massif: %s\n", err);
            failed = 1;
            if (strstr(err, "not found"))
                break;                 /* every other case would fail too */
            continue;                  /* else report every failing case */
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        char pk[32];
        fmt_kib(pk, sizeof pk, p->peak);
        fprintf(stderr, " peak heap %s (%.1f s)\n", pk,
                (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (failed) {
        fprintf(stderr, "pairbench: massif: some cases failed; %s/MASSIF.json not"
                " written\n", o.out);
        rc = 1;
        goto done;
    }
    fprintf(stderr, "pairbench: massif: %zu case(s) in %.1f s\n", count,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    rc = write_json(o.out, root);
done:
    cJSON_Delete(root);
    free(p);
    free(cases);
    if (o.have_re)
        regfree(&o.re);
    return rc;
}
