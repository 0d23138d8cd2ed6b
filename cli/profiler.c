/*
 * Shared by the commands that run cases under valgrind: instr, massif and
 * run's profiler passes (see profiler.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/engine.h"
#include "child.h"
#include "profiler.h"

char *pb_valgrind_version(const char *what)
{
    char a0[] = "valgrind", a1[] = "--version";
    char *const argv[] = { a0, a1, NULL };
    pb_child c = { .argv = argv, .in = PB_CHILD_DEVNULL, .out = PB_CHILD_CAPTURE,
                   .err = PB_CHILD_DEVNULL, .what = what };
    pb_str out = { 0 };
    if (pb_child_run(&c, &out) != 0 || !out.len) {
        pb_str_free(&out);
        return NULL;
    }
    out.s[strcspn(out.s, "\r\n")] = '\0';
    return out.s;
}

void pb_context_add_sizes(cJSON *ctx, const pb_ints *sizes)
{
    if (sizes->n == 1) {
        cJSON_AddNumberToObject(ctx, "n", (double)sizes->v[0]);
        return;
    }
    cJSON *arr = cJSON_AddArrayToObject(ctx, "n");
    for (size_t i = 0; arr && i < sizes->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)sizes->v[i]));
}

/* A number as memcheck prints it ("1,234"), at p; -1 when none. */
static double memcheck_number(const char *p)
{
    double v = 0;
    int digits = 0;
    for (; *p == ',' || (*p >= '0' && *p <= '9'); p++)
        if (*p != ',') {
            v = v * 10 + (*p - '0');
            digits++;
        }
    return digits ? v : -1;
}

/* The bytes definitely lost from memcheck's log: its "definitely lost: N
 * bytes" line, or 0 when "All heap blocks were freed"; -1 when neither. */
static double memcheck_read_log(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    double lost = -1;
    while (getline(&line, &cap, f) >= 0) {
        const char *p = strstr(line, "definitely lost: ");
        if (p)
            lost = memcheck_number(p + strlen("definitely lost: "));
        else if (strstr(line, "All heap blocks were freed -- no leaks are possible"))
            lost = 0;
    }
    free(line);
    fclose(f);
    return lost;
}

/* The first lines of memcheck's log that report an error, on stderr. */
static void memcheck_show_errors(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    int shown = 0;
    while (shown < 12 && getline(&line, &cap, f) >= 0)
        if (strstr(line, "Invalid ") || strstr(line, "uninitialised") ||
            strstr(line, "free()") || strstr(line, "   at ") || strstr(line, "   by ")) {
            fprintf(stderr, "  %s", line);
            shown++;
        }
    free(line);
    fclose(f);
}

int pb_memcheck_measure(const char *self, const char *name, double *bytes)
{
    char *log = pb_strf("%s/pb-memcheck-%ld.log", pb_tmp_dir(), (long)getpid());
    char *log_flag = pb_strf("--log-file=%s", log);
    char a0[] = "valgrind", a1[] = "--tool=memcheck", a2[] = "--leak-check=full",
         a3[] = "--errors-for-leak-kinds=none", a4[] = "--error-exitcode=99",
         a5[] = "exec";
    char *argv[] = { a0, a1, a2, a3, a4, log_flag, (char *)self, a5, (char *)name, NULL };
    const char *temps[] = { log, NULL };
    pb_child child = { .argv = argv, .in = PB_CHILD_DEVNULL, .out = PB_CHILD_CAPTURE,
                       .err = PB_CHILD_INHERIT, .temps = temps, .what = "memcheck" };
    pb_str out = { 0 };
    unlink(log);
    int st = pb_child_run(&child, &out);
    int rc = -1;
    char got[200];
    if (st == 99) {
        fprintf(stderr, "pairbench: memcheck: %s: memory errors:\n", name);
        memcheck_show_errors(log);
    } else if (st != 0) {
        fprintf(stderr, "pairbench: memcheck: %s failed under valgrind (%s %d)\n", name,
                st >= 256 ? "signal" : "exit", st >= 256 ? st - 256 : st);
    } else if (sscanf(pb_str_get(&out), "exec %199s ", got) != 1 || strcmp(got, name) != 0 ||
               (*bytes = memcheck_read_log(log)) < 0) {
        fprintf(stderr, "pairbench: memcheck: %s: no exec line or no leak summary\n", name);
    } else {
        fprintf(stderr, "pairbench: memcheck: %-44s %12.0f bytes definitely lost\n", name,
                *bytes);
        rc = 0;
    }
    unlink(log);
    free(log);
    free(log_flag);
    pb_str_free(&out);
    return rc;
}
