/*
 * `pairbench instr [--filter REGEX] [--component NAMES] [--n N] [--ops K]
 *                  --json FILE`: instruction counts per operation.
 *
 * Every selected case at one fixed N (default 1000) runs in a child process
 *
 *   valgrind --tool=callgrind --collect-atstart=no -q
 *            --callgrind-out-file=TMP  THIS_EXECUTABLE exec CASE [--ops K]
 *
 * so callgrind collects only exec's measured region (the same arm/disarm
 * points that bound allocation counting). The `exec ...` line the child
 * prints gives ops, digest, allocations and bytes; the `summary:` (or
 * `totals:`) line of the callgrind file gives the instructions. The result
 * is written as JSON, under a temporary name renamed over FILE at the end:
 *
 *   {"context": {"kind": "pairbench-instr", "n": N, "ops": K|0,
 *                "git_revision": ..., "valgrind": "valgrind-3.19.0", ...},
 *    "cases": [{"name", "ops", "instructions", "instructions_per_op",
 *               "allocs", "allocs_per_op", "bytes_per_op", "digest"}]}
 *
 * Selection: a case component/impl/scenario/N is taken when N is the fixed
 * N (a scenario whose sweep lacks it is skipped), its component is in
 * --component (when given), its full name matches --filter (POSIX extended,
 * when given) and its implementation is not capped below N. K omitted
 * (ops 0 in the context) means exec's default: one batch.
 *
 * The same build, case and K give the same counts on every run: exec's
 * fixture and operations are seeded, and callgrind counts instructions, not
 * time. Exit status: 0, 1 (a case failed under valgrind), 2 (usage, no
 * valgrind, sanitizer build, unwritable FILE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../harness/engine.h"
#include "../reports/model/model.h"
#include "cli.h"
#include "pb_git_rev.h"

#define INSTR_DEFAULT_N 1000
#define INSTR_MAX_COMPONENTS 16

typedef struct instr_opts {
    const char *filter;
    regex_t     re;
    int         have_re;
    char        comp_buf[512];
    const char *comps[INSTR_MAX_COMPONENTS];
    int         n_comps;
    int64_t     n;
    int64_t     ops;              /* 0 = exec's default (one batch) */
    const char *json;
} instr_opts;

/* One usage line on stderr; returns 2. */
static int instr_usage(const char *fmt, const char *arg)
{
    fputs("pairbench: instr: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'pairbench help')\n", stderr);
    return 2;
}

/* Parses a positive integer; 0, or -1 when v is not one. */
static int instr_int(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long k = strtoll(v, &end, 10);
    if (errno || *end || end == v || k < 1 || k > INT64_MAX / 4)
        return -1;
    *out = k;
    return 0;
}

/* Parses argv[2..]; 0, or 2 after one usage line. On 0 the caller must
 * regfree(&o->re) when o->have_re. */
static int instr_parse(int argc, char **argv, instr_opts *o)
{
    memset(o, 0, sizeof *o);
    o->n = INSTR_DEFAULT_N;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--filter") && has_value) {
            o->filter = argv[++i];
        } else if (!strcmp(a, "--component") && has_value) {
            const char *v = argv[++i];
            if (strlen(v) >= sizeof o->comp_buf)
                return instr_usage("the list given to %s is too long", a);
            strcpy(o->comp_buf, v);
            for (char *t = strtok(o->comp_buf, ","); t; t = strtok(NULL, ",")) {
                if (o->n_comps == INSTR_MAX_COMPONENTS)
                    return instr_usage("too many names given to %s", a);
                o->comps[o->n_comps++] = t;
            }
            if (o->n_comps == 0)
                return instr_usage("%s needs at least one name", a);
        } else if (!strcmp(a, "--n") && has_value) {
            if (instr_int(argv[++i], &o->n))
                return instr_usage("--n wants a positive integer, not '%s'", argv[i]);
        } else if (!strcmp(a, "--ops") && has_value) {
            if (instr_int(argv[++i], &o->ops))
                return instr_usage("--ops wants a positive integer, not '%s'", argv[i]);
        } else if (!strcmp(a, "--json") && has_value) {
            o->json = argv[++i];
            if (!*o->json)
                return instr_usage("--json needs a file name%s", "");
        } else {
            return instr_usage("unknown or incomplete option '%s'", a);
        }
    }
    if (!o->json)
        return instr_usage("--json FILE is required%s", "");
    if (o->filter) {
        int rc = regcomp(&o->re, o->filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &o->re, msg, sizeof msg);
            regfree(&o->re);
            fprintf(stderr, "pairbench: instr: bad --filter '%s': %s\n",
                    o->filter, msg);
            return 2;
        }
        o->have_re = 1;
    }
    return 0;
}

/* 1 when a case of component c named `name` is selected by o. */
static int instr_selected(const instr_opts *o, const pb_component *c,
                          const char *name)
{
    int in = o->n_comps == 0;
    for (int k = 0; k < o->n_comps; k++)
        in |= strcmp(o->comps[k], c->name) == 0;
    if (!in)
        return 0;
    return !o->have_re || regexec(&o->re, name, 0, NULL, 0) == 0;
}

/* Runs argv as a child with stdin from /dev/null and stdout captured into
 * buf (NUL-terminated, truncated to cap - 1); stderr is inherited. Returns
 * the child's wait status, or -1 when it could not be started. A child that
 * cannot exec exits 127. */
static int instr_run(char *const *argv, char *buf, size_t cap)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    for (;;) {
        char tmp[4096];
        ssize_t k = read(fds[0], tmp, sizeof tmp);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        size_t take = (size_t)k;
        if (take > cap - 1 - len)
            take = cap - 1 - len;
        memcpy(buf + len, tmp, take);
        len += take;
    }
    buf[len] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

/* Reads the instruction total from a callgrind output file: the number
 * after "summary:" (or "totals:" when there is no summary line). 0, or -1
 * when the file has neither. */
static int instr_read_callgrind(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int have = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long v;
        if (sscanf(line, "summary: %llu", &v) == 1) {
            *out = v;
            have = 2;
        } else if (have < 2 && sscanf(line, "totals: %llu", &v) == 1) {
            *out = v;
            have = 1;
        }
    }
    fclose(f);
    return have ? 0 : -1;
}

/* The first line of `valgrind --version`, or "" when valgrind does not
 * run. */
static void instr_valgrind_version(char *buf, size_t cap)
{
    char *const argv[] = { "valgrind", "--version", NULL };
    int st = instr_run(argv, buf, cap);
    if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        buf[0] = '\0';
        return;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
}

/* Writes root to path through a temporary file renamed over it. 0, or -1
 * with one line printed. */
static int instr_write_json(const char *path, const cJSON *root)
{
    char *text = cJSON_Print(root);
    if (!text) {
        fprintf(stderr, "pairbench: instr: out of memory writing %s\n", path);
        return -1;
    }
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL;
    if (ok) {
        ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        ok = fflush(f) == 0 && ok;
        ok = fsync(fileno(f)) == 0 && ok;
        ok = fclose(f) == 0 && ok;
    }
    free(text);
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "pairbench: instr: cannot write %s: %s\n", path,
                strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Measures one case under callgrind and appends its JSON object to cases.
 * 0, or -1 after printing why. */
static int instr_case(const char *self, const char *name, int64_t ops,
                      cJSON *cases)
{
    const char *tmpdir = getenv("TMPDIR");
    char out_flag[PATH_MAX + 64], cg_path[PATH_MAX], ops_text[32];
    snprintf(cg_path, sizeof cg_path, "%s/pb-instr-%ld.callgrind",
             tmpdir && *tmpdir ? tmpdir : "/tmp", (long)getpid());
    snprintf(out_flag, sizeof out_flag, "--callgrind-out-file=%s", cg_path);
    snprintf(ops_text, sizeof ops_text, "%" PRId64, ops);
    char *argv[] = { "valgrind", "--tool=callgrind", "--collect-atstart=no",
                     "-q", out_flag, (char *)self, "exec", (char *)name,
                     ops > 0 ? "--ops" : NULL, ops_text, NULL };
    char out[1024];
    unlink(cg_path);
    int st = instr_run(argv, out, sizeof out);
    if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "pairbench: instr: %s failed under valgrind (%s %d)\n",
                name, st >= 0 && WIFSIGNALED(st) ? "signal" : "exit",
                st < 0 ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        unlink(cg_path);
        return -1;
    }
    uint64_t instructions = 0;
    int cg_ok = instr_read_callgrind(cg_path, &instructions);
    unlink(cg_path);
    char got[200];
    long long k_ops, peak;
    char digest[32];
    double allocs, bytes;
    if (sscanf(out, "exec %199s ops %lld digest %31s allocs %lf bytes %lf"
               " peak_heap_bytes %lld", got, &k_ops, digest, &allocs, &bytes,
               &peak) != 6 || strcmp(got, name) != 0 || k_ops < 1 || cg_ok) {
        fprintf(stderr, "pairbench: instr: %s: no exec line or no callgrind"
                " total\n", name);
        return -1;
    }
    cJSON *c = cJSON_CreateObject();
    if (!c || !cJSON_AddItemToArray(cases, c)) {
        cJSON_Delete(c);
        return -1;
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
    fprintf(stderr, "pairbench: instr: %-44s %12.1f instr/op %8.3f allocs/op\n",
            name, (double)instructions / (double)k_ops, allocs / (double)k_ops);
    return 0;
}

/* Runs every selected case; returns the exit status. */
static int instr_all(const instr_opts *o, const pb_component *const *comps)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "pairbench: instr: cannot find this executable\n");
        return 2;
    }
    self[len] = '\0';
    char version[128];
    instr_valgrind_version(version, sizeof version);
    if (!*version) {
        fprintf(stderr, "pairbench: instr: valgrind does not run; install it"
                " (scripts/install-deps.sh)\n");
        return 2;
    }

    /* Fail before minutes of running if FILE cannot be written. */
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s.tmp.%ld", o->json, (long)getpid());
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "pairbench: instr: cannot write %s: %s\n", o->json,
                strerror(errno));
        return 2;
    }
    close(fd);
    unlink(probe);

    cJSON *root = cJSON_CreateObject();
    cJSON *ctx = cJSON_AddObjectToObject(root, "context");
    cJSON *cases = cJSON_AddArrayToObject(root, "cases");
    if (!root || !ctx || !cases) {
        cJSON_Delete(root);
        fprintf(stderr, "pairbench: instr: out of memory\n");
        return 1;
    }
    cJSON_AddStringToObject(ctx, "kind", "pairbench-instr");
    cJSON_AddNumberToObject(ctx, "n", (double)o->n);
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
    size_t selected = 0, failed = 0;
    for (size_t c = 0; comps[c]; c++)
        for (size_t s = 0; s < comps[c]->n_scenarios; s++)
            for (size_t i = 0; i < comps[c]->n_impls; i++) {
                char name[160];
                pb_case pc;
                pb_case_name(name, sizeof name, comps[c], &comps[c]->impls[i],
                             &comps[c]->scenarios[s], o->n);
                if (!instr_selected(o, comps[c], name) ||
                    pb_case_find(comps, name, &pc) != 0)
                    continue;       /* not at this N, or capped below it */
                selected++;
                if (instr_case(self, name, o->ops, cases) != 0)
                    failed++;
            }
    if (selected == 0) {
        cJSON_Delete(root);
        fprintf(stderr, "pairbench: instr: no case at N=%" PRId64 " matches"
                " the selection\n", o->n);
        return 2;
    }
    int rc = instr_write_json(o->json, root);
    cJSON_Delete(root);
    if (rc != 0)
        return 1;
    fprintf(stderr, "pairbench: instr: %zu case(s) measured, %zu failed;"
            " written to %s\n", selected - failed, failed, o->json);
    return failed ? 1 : 0;
}

int pb_instr_main(int argc, char **argv, const pb_component *const *comps)
{
    instr_opts o;
    int rc = instr_parse(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (!pb_alloc_tracking_available()) {
        fprintf(stderr, "pairbench: instr needs the normal build; this one is"
                " built with sanitizers (valgrind cannot run it)\n");
        rc = 2;
    } else {
        rc = instr_all(&o, comps);
    }
    if (o.have_re)
        regfree(&o.re);
    return rc;
}
