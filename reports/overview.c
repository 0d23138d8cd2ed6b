/*
 * The overview's content shared by the page and the summary: the claims
 * tally, the environment rows and the generation date.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report_internal.h"

/* Counts the claims of the components that ran, by verdict in the first
 * series that evaluated each; lists their ids into the buffers. */
void pb_rep_claim_tally(const report *R, int count[4], char ids[4][512])
{
    memset(count, 0, 4 * sizeof count[0]);
    for (int v = 0; v < 4; v++)
        ids[v][0] = '\0';
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_rep_component_ran(R, comp))
            continue;
        for (size_t k = 0; k < comp->n_claims; k++) {
            verdict worst = V_NONE;
            for (size_t si = 0; si < R->n; si++) {
                verdict v = pb_rep_verdict_of(pb_rep_claim_in(&R->s[si], comp->name, k));
                /* A claim holds when it holds in every file that measured
                 * it; it fails when it fails in any. */
                if (v == V_FAILS || (v == V_HOLDS && worst != V_FAILS) ||
                    (v == V_UNMEASURED && worst == V_NONE))
                    worst = v;
            }
            count[worst]++;
            size_t used = strlen(ids[worst]);
            snprintf(ids[worst] + used, 512 - used, "%s%s", used ? ", " : "",
                     comp->claims[k].id);
        }
    }
}

/* One environment row: its label and the value per series. */
void pb_rep_env_value(const series *s, const char *what, char *buf, size_t cap)
{
    char t1[64], t2[64];
    const char *v;
    buf[0] = '\0';
    if (!strcmp(what, "file")) {
        snprintf(buf, cap, "%s", s->path);
    } else if (!strcmp(what, "allocator")) {
        const char *a = pb_rep_ctx_text(s, "allocator", t1, sizeof t1);
        const char *ver = pb_rep_ctx_text(s, "allocator_version", t2, sizeof t2);
        snprintf(buf, cap, "%s%s%s", a ? a : "-", ver ? " " : "", ver ? ver : "");
    } else if (!strcmp(what, "cpu")) {
        double n = jnum(s->context, "num_cpus", -1), mhz = jnum(s->context, "mhz_per_cpu", -1);
        size_t used = 0;
        if (n > 0)
            used += (size_t)snprintf(buf, cap, "%.0f CPU%s", n, n == 1 ? "" : "s");
        if (mhz > 0 && used < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%sat %.0f MHz",
                                     used ? " " : "", mhz);
        const cJSON *x, *caches = jget(s->context, "caches");
        int first = 1;
        cJSON_ArrayForEach(x, caches) {
            const char *type = jstr(x, "type");
            double level = jnum(x, "level", 0), size = jnum(x, "size", -1);
            char sz[32];
            if (size >= 1048576 && fmod(size, 1048576) == 0)
                snprintf(sz, sizeof sz, "%.0f MiB", size / 1048576);
            else if (size >= 1024 && fmod(size, 1024) == 0)
                snprintf(sz, sizeof sz, "%.0f KiB", size / 1024);
            else
                pb_fmt_bytes(sz, sizeof sz, size);
            if (used < cap)
                used += (size_t)snprintf(buf + used, cap - used, "%sL%.0f%s %s",
                                         first ? "; caches " : ", ", level,
                                         type && !strcmp(type, "Data") ? "d"
                                         : type && !strcmp(type, "Instruction") ? "i" : "",
                                         sz);
            first = 0;
        }
        if (!used)
            snprintf(buf, cap, "-");
    } else if (!strcmp(what, "cpu_scaling_enabled")) {
        v = pb_rep_ctx_text(s, what, t1, sizeof t1);
        snprintf(buf, cap, "%s", !v ? "-" : !strcmp(v, "true") ? "enabled (warning)"
                                            : !strcmp(v, "false") ? "disabled" : v);
    } else if (!strcmp(what, "load_avg")) {
        const cJSON *x, *load = jget(s->context, what);
        size_t used = 0;
        cJSON_ArrayForEach(x, load)
            if (cJSON_IsNumber(x) && used < cap)
                used += (size_t)snprintf(buf + used, cap - used, "%s%.2f",
                                         used ? " " : "", x->valuedouble);
        if (!used)
            snprintf(buf, cap, "-");
    } else if (!strcmp(what, "repetitions")) {
        snprintf(buf, cap, "%d", s->repetitions);
    } else if (!strcmp(what, "latency_timer_overhead_ns")) {
        v = pb_rep_ctx_text(s, what, t1, sizeof t1);
        snprintf(buf, cap, "%s%s", v ? v : "-", v ? " ns per latency sample" : "");
    } else {
        v = pb_rep_ctx_text(s, what, t1, sizeof t1);
        snprintf(buf, cap, "%s", v && *v ? v : "-");
    }
}

const char *const pb_rep_env_rows[][2] = {
    { "results file", "file" },
    { "allocator", "allocator" },
    { "date", "date" },
    { "host", "host_name" },
    { "CPU", "cpu" },
    { "CPU frequency scaling", "cpu_scaling_enabled" },
    { "load average", "load_avg" },
    { "compiler", "compiler" },
    { "build type", "build_type" },
    { "Google Benchmark library", "library_build_type" },
    { "git revision", "git_revision" },
    { "allocation tracking", "alloc_tracking" },
    { "quick pass", "quick" },
    { "repetitions per case", "repetitions" },
    { "latency timer overhead", "latency_timer_overhead_ns" },
    { "verification", "verified" },
    { "capped", "capped" },
    { "command", "pairbench_command" },
};

const size_t pb_rep_n_env_rows = sizeof pb_rep_env_rows / sizeof pb_rep_env_rows[0];

void pb_rep_now_utc(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(buf, cap, "?");
}
