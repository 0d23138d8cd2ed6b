/*
 * The overview, walked once for the page and the summary: the pairs at
 * their reference N, the claims (their tally and their rows) and the
 * environment. Each walk computes a table's rows once and hands every row
 * to a layout function of html.c (an HTML table row) or markdown.c (a
 * Markdown table row); the warnings are walked in warnings.c.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report_internal.h"

void pb_rep_fmt_best_peer(char *buf, size_t cap, const pb_pair_point *pt, pb_backend be)
{
    if (!pt || pt->best_peer < 0) {
        snprintf(buf, cap, "-");
        return;
    }
    const pb_peer_point *q = &pt->peers[pt->best_peer];
    char r[32], ci[64];
    pb_fmt_ratio(r, sizeof r, q->ratio, be);
    pb_fmt_interval(ci, sizeof ci, q->ratio_lo, q->ratio_hi, be);
    snprintf(buf, cap, "%s %s%s%s", q->impl->name, r, ci[0] ? " " : "", ci);
}

int pb_rep_any_peer(const report *R)
{
    for (size_t c = 0; R->comps[c]; c++)
        for (size_t i = 0; i < R->comps[c]->n_impls; i++)
            if (pb_is_pair(R->comps[c]) && pb_is_peer(&R->comps[c]->impls[i]) &&
                pb_rep_component_ran(R, R->comps[c]))
                return 1;
    return 0;
}

size_t pb_rep_each_pair(sbuf *out, const report *R, pb_backend be,
                        pb_rep_pair_row *row)
{
    size_t rows = 0;
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_is_pair(comp) || !pb_rep_component_ran(R, comp))
            continue;
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            const pb_scenario *sc = &comp->scenarios[s];
            int64_t ns[MAX_SIZES];
            size_t k = pb_rep_scenario_sizes(R, comp->name, sc->name, ns);
            if (!k)
                continue;
            ov_pair o;
            o.comp = comp;
            o.sc = sc;
            o.ref = pb_rep_reference_n(R, comp->name, sc->name, ns, k);
            for (size_t si = 0; si < R->n; si++) {
                pair_at p = pb_rep_pair_of(&R->s[si], comp->name, sc->name, o.ref);
                char a[32], b[32];
                pb_fmt_time(a, sizeof a, p.nv.r ? p.nv.r->ns_per_op : -1, be);
                pb_fmt_time(b, sizeof b, p.op.r ? p.op.r->ns_per_op : -1, be);
                o.s[si].measured = p.nv.r || p.op.r;
                if (o.s[si].measured)
                    snprintf(o.s[si].time, sizeof o.s[si].time, "%s " ARROW " %s", a, b);
                else
                    snprintf(o.s[si].time, sizeof o.s[si].time, "-");
                o.s[si].speedup = p.speedup;
                char ci[64];
                pb_fmt_ratio(o.s[si].ratio, sizeof o.s[si].ratio, p.speedup, be);
                pb_fmt_interval(ci, sizeof ci, p.speedup_lo, p.speedup_hi, be);
                if (ci[0]) {
                    size_t used = strlen(o.s[si].ratio);
                    snprintf(o.s[si].ratio + used, sizeof o.s[si].ratio - used, " %s", ci);
                }
                o.s[si].untrusted = p.untrusted;
                pb_fmt_reduction(o.s[si].allocs, sizeof o.s[si].allocs,
                                 p.nv.r ? p.nv.r->allocs_per_op : -1,
                                 p.op.r ? p.op.r->allocs_per_op : -1, be);
                pb_rep_fmt_crossover(o.s[si].crossover, sizeof o.s[si].crossover,
                                     &R->s[si], comp->name, sc->name, 1);
                pb_rep_fmt_best_peer(o.s[si].peer, sizeof o.s[si].peer, p.pt, be);
            }
            row(out, R, &o);
            rows++;
        }
    }
    return rows;
}

/* Counts the claims of the components that ran, by verdict in the first
 * series that evaluated each; lists their ids into the buffers. */
void pb_rep_claim_tally(const report *R, int count[V_KINDS], char ids[V_KINDS][512])
{
    memset(count, 0, V_KINDS * sizeof count[0]);
    for (int v = 0; v < V_KINDS; v++)
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
                 * it; it fails when it fails in any; else it is
                 * inconclusive when it is so in any. */
                if (v == V_FAILS ||
                    (v == V_INCONCLUSIVE && worst != V_FAILS) ||
                    (v == V_HOLDS && worst != V_FAILS && worst != V_INCONCLUSIVE) ||
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

void pb_rep_each_claim(sbuf *out, const report *R, const pb_component *only,
                       pb_backend be, pb_rep_claim_row *row)
{
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if ((only && comp != only) || !pb_rep_component_ran(R, comp))
            continue;
        for (size_t k = 0; k < comp->n_claims; k++) {
            ov_claim o;
            o.comp = comp;
            o.claim = &comp->claims[k];
            o.threshold = pb_rep_claim_threshold(R, comp->name, k, be, o.threshold_text,
                                                 sizeof o.threshold_text);
            if (!o.threshold)
                o.threshold = "-";
            for (size_t si = 0; si < R->n; si++) {
                const pb_claim_result *x = pb_rep_claim_in(&R->s[si], comp->name, k);
                char thr[48];
                o.s[si].v = pb_rep_verdict_of(x);
                o.s[si].measured = NULL;
                if (x) {
                    pb_fmt_claim(o.s[si].measured_text, sizeof o.s[si].measured_text,
                                 thr, sizeof thr, x, be);
                    o.s[si].measured = o.s[si].measured_text;
                }
            }
            row(out, R, &o);
        }
    }
}

/* One environment value of one series, as text. */
static void env_value(const series *s, const char *what, char *buf, size_t cap)
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

/* The environment rows: a label, the key env_value reads, and whether
 * the row is on the page only (not in the summary). */
static const struct {
    const char *label, *key;
    int         page_only;
} env_rows[] = {
    { "results file", "file", 0 },
    { "allocator", "allocator", 0 },
    { "date", "date", 0 },
    { "host", "host_name", 0 },
    { "CPU", "cpu", 0 },
    { "CPU frequency scaling", "cpu_scaling_enabled", 0 },
    { "load average", "load_avg", 0 },
    { "compiler", "compiler", 0 },
    { "build type", "build_type", 0 },
    { "Google Benchmark library", "library_build_type", 0 },
    { "git revision", "git_revision", 0 },
    { "allocation tracking", "alloc_tracking", 0 },
    { "quick pass", "quick", 0 },
    { "repetitions per case", "repetitions", 0 },
    { "latency timer overhead", "latency_timer_overhead_ns", 0 },
    { "verification", "verified", 0 },
    { "capped", "capped", 1 },
    { "command", "pairbench_command", 1 },
};

void pb_rep_each_env(sbuf *out, const report *R, pb_rep_env_row *row)
{
    ov_env o;
    for (size_t i = 0; i < sizeof env_rows / sizeof env_rows[0]; i++) {
        o.label = env_rows[i].label;
        o.page_only = env_rows[i].page_only;
        for (size_t si = 0; si < R->n; si++)
            env_value(&R->s[si], env_rows[i].key, o.value[si], sizeof o.value[si]);
        row(out, R, &o);
    }
}

void pb_rep_now_utc(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(buf, cap, "?");
}
