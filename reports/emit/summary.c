/*
 * The analysis written through the emitter: the pair summary, the fits and
 * crossovers, and the claims. The console backend gives the tables `run`
 * and `summary FILE` print; the JSON backend gives the "pairbench" block
 * (cv_trust_limit, pairs, complexity, crossovers, claims) that `run --json`
 * adds next to gbench's context and benchmarks. Everything printed comes
 * from the pb_analysis value; nothing is recomputed here.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "emit.h"

/* --- words ---------------------------------------------------------------- */

void pb_fmt_crossover(char *buf, size_t cap, const pb_crossover *x)
{
    switch (x->kind) {
    case PB_CROSS_NO_DATA:
        snprintf(buf, cap, "no N measured for both");
        break;
    case PB_CROSS_ALWAYS:
        snprintf(buf, cap, "always (optimized faster at every N, %lld..%lld)",
                 (long long)x->first_n, (long long)x->last_n);
        break;
    case PB_CROSS_FROM:
        snprintf(buf, cap, "N = %lld (optimized faster from there up to %lld)",
                 (long long)x->n, (long long)x->last_n);
        break;
    case PB_CROSS_NEVER:
        snprintf(buf, cap, "never (optimized not faster at N = %lld)",
                 (long long)x->last_n);
        break;
    }
}

/* "naive O(N) (rms 6%)", "naive -". */
static void fmt_fit(char *buf, size_t cap, const char *impl, const pb_big_o *f)
{
    if (!f->big_o)
        snprintf(buf, cap, "%s -", impl);
    else if (f->rms >= 0)
        snprintf(buf, cap, "%s O(%s) (rms %.0f%%)", impl,
                 strcmp(f->big_o, "(1)") ? f->big_o : "1", f->rms * 100);
    else
        snprintf(buf, cap, "%s O(%s)", impl, strcmp(f->big_o, "(1)") ? f->big_o : "1");
}

/* "naive O(N) (rms 0%)" of an instruction fit, "naive -". */
static void fmt_big_o(char *buf, size_t cap, const char *impl, const pb_big_o *f)
{
    if (!f->big_o)
        snprintf(buf, cap, "%s -", impl);
    else
        snprintf(buf, cap, "%s O(%s) (rms %.0f%%)", impl,
                 strcmp(f->big_o, "(1)") ? f->big_o : "1", f->rms * 100);
}

static const char *metric_name(pb_metric m, const char *counter)
{
    switch (m) {
    case PB_METRIC_TIME: return "time/op";
    case PB_METRIC_ALLOCS: return "allocs/op";
    case PB_METRIC_HEAP: return "peak heap";
    case PB_METRIC_COUNTER: return counter ? counter : "?";
    case PB_METRIC_LEAKED: return "definitely lost (memcheck)";
    }
    return "?";
}

static void fmt_metric(char *buf, size_t cap, pb_metric m, double v, pb_backend b)
{
    if (m == PB_METRIC_TIME)
        pb_fmt_time(buf, cap, v, b);
    else if (m == PB_METRIC_HEAP || m == PB_METRIC_LEAKED)
        pb_fmt_bytes(buf, cap, v);
    else
        pb_fmt_count(buf, cap, v);
}

/* A growth: fmt_metric of |v| with its sign ("+384 B", "-12", "+0 B");
 * bytes below 1 KiB with one decimal ("-0.2 B"), a fraction of a byte per
 * unit of N being what a slope can be. */
static void fmt_signed(char *buf, size_t cap, pb_metric m, double v, pb_backend b)
{
    char x[40];
    if ((m == PB_METRIC_HEAP || m == PB_METRIC_LEAKED) && fabs(v) < 1024)
        snprintf(x, sizeof x, "%.1f B", fabs(v));
    else
        fmt_metric(x, sizeof x, m, fabs(v), b);
    snprintf(buf, cap, "%s%s", v < 0 && strcmp(x, "0.0 B") ? "-" : "+", x);
}

/* Appends to buf (cap bytes, *used of them written so far), truncating as
 * snprintf does. */
static void append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + (*used < cap ? *used : cap), *used < cap ? cap - *used : 0,
                      fmt, ap);
    va_end(ap);
    if (k > 0)
        *used += (size_t)k;
}

void pb_fmt_claim(char *measured, size_t mcap, char *threshold, size_t tcap,
                  const pb_claim_result *r, pb_backend b)
{
    const pb_claim *cl = r->claim;
    const char *metric = metric_name(cl->metric, cl->counter);
    const char *arrow = pb_fmt_arrow(b);
    char x[48], y[48], where[96] = "";
    if (r->at_scenario)
        snprintf(where, sizeof where, "%s/%lld", r->at_scenario->name,
                 (long long)r->at_n);
    const char *plural = r->points == 1 ? "" : "s";
    size_t used = 0;
    measured[0] = '\0';
    switch (cl->kind) {
    case PB_CLAIM_SPEEDUP:
        snprintf(threshold, tcap, ">= %gx", cl->threshold);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        pb_fmt_time(x, sizeof x, r->naive_value, b);
        pb_fmt_time(y, sizeof y, r->optimized_value, b);
        char ratio[32], ci[64] = "";
        pb_fmt_ratio(ratio, sizeof ratio, r->value, b);
        if (r->has_interval) {
            char iv[56];
            pb_fmt_interval(iv, sizeof iv, r->value_lo, r->value_hi, b);
            snprintf(ci, sizeof ci, " %s", iv);
        }
        snprintf(measured, mcap, "weakest speed-up %s%s at %s (%s %s %s) over %d point%s",
                 ratio, ci, where, x, arrow, y, r->points, plural);
        break;
    case PB_CLAIM_REDUCTION:
        snprintf(threshold, tcap, ">= %g%% less %s", cl->threshold * 100, metric);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        fmt_metric(x, sizeof x, cl->metric, r->naive_value, b);
        fmt_metric(y, sizeof y, cl->metric, r->optimized_value, b);
        if (isinf(r->value))
            snprintf(measured, mcap, "%s %s %s %s at %s (naive 0)", metric, x,
                     arrow, y, where);
        else if (r->has_interval)
            snprintf(measured, mcap, "%s %s %s %s at %s: %.0f%% %s, 95%% interval"
                     " [%.0f%%, %.0f%%] (paired rounds)", metric, x, arrow, y, where,
                     fabs(r->value) * 100, r->value >= 0 ? "less" : "MORE",
                     r->value_lo * 100, r->value_hi * 100);
        else
            snprintf(measured, mcap, "%s %s %s %s at %s: %.0f%% %s", metric, x,
                     arrow, y, where, fabs(r->value) * 100,
                     r->value >= 0 ? "less" : "MORE");
        break;
    case PB_CLAIM_P99_BELOW:
        pb_fmt_time(x, sizeof x, cl->threshold, b);
        snprintf(threshold, tcap, "p99 < %s", x);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        pb_fmt_time(x, sizeof x, r->value, b);
        used = (size_t)snprintf(measured, mcap, "optimized max p99 %s at %s over %d point%s",
                                x, where, r->points, plural);
        if (r->has_interval) {
            char lo[48], hi[48];
            pb_fmt_time(lo, sizeof lo, r->value_lo, b);
            pb_fmt_time(hi, sizeof hi, r->value_hi, b);
            append(measured, mcap, &used, " (its repetitions %s to %s)", lo, hi);
        }
        break;
    case PB_CLAIM_COMPLEXITY:
        snprintf(threshold, tcap, "optimized in {%s}", cl->complexities);
        for (size_t i = 0; i < r->n_parts; i++) {
            const pb_claim_part *p = &r->parts[i];
            char rms[24] = "";
            if (p->optimized_rms >= 0)     /* a poor fit says so */
                snprintf(rms, sizeof rms, " (rms %.0f%%)", p->optimized_rms * 100);
            char wall[40] = "";
            if (p->on_instructions)
                snprintf(wall, sizeof wall, "; wall time %s", p->time_big_o ? p->time_big_o : "-");
            append(measured, mcap, &used, "%s%s: naive %s, optimized %s%s%s%s",
                   used ? "; " : "", p->scenario->name,
                   p->naive_big_o ? p->naive_big_o : "-", p->optimized_big_o, rms,
                   p->on_instructions ? " on instructions" : " on wall time", wall);
        }
        break;
    case PB_CLAIM_VALUE_BELOW:
    case PB_CLAIM_VALUE_ABOVE: {
        int below = cl->kind == PB_CLAIM_VALUE_BELOW;
        fmt_metric(x, sizeof x, cl->metric, cl->threshold, b);
        snprintf(threshold, tcap, "%s %s %s", metric, below ? "<" : ">=", x);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        fmt_metric(x, sizeof x, cl->metric, r->value, b);
        used = (size_t)snprintf(measured, mcap, "optimized %s %s %s at %s over %d point%s",
                                below ? "max" : "min", metric, x, where, r->points, plural);
        if (r->has_interval) {
            char lo[48], hi[48];
            fmt_metric(lo, sizeof lo, cl->metric, r->value_lo, b);
            fmt_metric(hi, sizeof hi, cl->metric, r->value_hi, b);
            append(measured, mcap, &used, " (its repetitions %s to %s)", lo, hi);
        }
        break;
    }
    case PB_CLAIM_VALUE_AT_MOST:
        fmt_metric(x, sizeof x, cl->metric, cl->threshold, b);
        if (cl->threshold == 0)
            snprintf(threshold, tcap, "%s = 0", metric);
        else
            snprintf(threshold, tcap, "%s <= %s", metric, x);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        fmt_metric(x, sizeof x, cl->metric, r->value, b);
        used = (size_t)snprintf(measured, mcap, "optimized max %s %s at %s over %d point%s",
                                metric, x, where, r->points, plural);
        if (r->naive_value >= 0) {
            fmt_metric(y, sizeof y, cl->metric, r->naive_value, b);
            append(measured, mcap, &used, " (naive %s there)", y);
        }
        break;
    case PB_CLAIM_SLOPE_AT_MOST:
        fmt_metric(x, sizeof x, cl->metric, cl->threshold, b);
        snprintf(threshold, tcap, "%s growth <= %s per N", metric, x);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        for (size_t i = 0; i < r->n_parts; i++) {
            const pb_claim_part *p = &r->parts[i];
            fmt_signed(x, sizeof x, cl->metric, p->slope, b);
            append(measured, mcap, &used, "%s%s: optimized %s per N", used ? "; " : "",
                   p->scenario->name, x);
            if (p->has_naive_slope) {
                fmt_signed(y, sizeof y, cl->metric, p->naive_slope, b);
                append(measured, mcap, &used, ", naive %s", y);
            }
        }
        if (used < mcap)
            append(measured, mcap, &used, " (%s, N = %lld %s %lld)", metric,
                   (long long)r->growth_lo, arrow, (long long)r->growth_hi);
        break;
    case PB_CLAIM_SUITE_PEAK_RSS_BELOW:
        pb_fmt_bytes(x, sizeof x, cl->threshold);
        snprintf(threshold, tcap, "peak RSS < %s", x);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        pb_fmt_bytes(x, sizeof x, r->value);
        used = (size_t)snprintf(measured, mcap, "largest peak RSS of the %d optimized"
                                " cases %s, at %s/optimized/%s", r->points, x,
                                r->at_component ? r->at_component->name : "?", where);
        if (r->naive_value >= 0) {
            pb_fmt_bytes(y, sizeof y, r->naive_value);
            append(measured, mcap, &used, " (the naive cases' largest %s)", y);
        }
        break;
    case PB_CLAIM_SUITE_GEOMEAN_SPEEDUP: {
        snprintf(threshold, tcap, ">= %gx", cl->threshold);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        char ratio[32], ci[64] = "";
        pb_fmt_ratio(ratio, sizeof ratio, r->value, b);
        if (r->has_interval)
            pb_fmt_interval(ci, sizeof ci, r->value_lo, r->value_hi, b);
        snprintf(measured, mcap, "geometric mean %s%s%s over %.0f pairs (%d scenarios at"
                 " their reference N)%s", ratio, ci[0] ? " " : "", ci, r->naive_value,
                 r->points, r->has_interval ? ", 95% interval from the paired rounds" : "");
        break;
    }
    case PB_CLAIM_GROWTH_BELOW:
        snprintf(threshold, tcap, "growth <= %gx", cl->threshold);
        if (r->verdict == PB_VERDICT_NOT_MEASURED)
            break;
        for (size_t i = 0; i < r->n_parts; i++) {
            const pb_claim_part *p = &r->parts[i];
            pb_fmt_ratio(x, sizeof x, p->growth, b);
            pb_fmt_ratio(y, sizeof y, p->time_growth, b);
            if (p->on_instructions)
                append(measured, mcap, &used, "%s%s %s on instructions/op (wall time %s)",
                       used ? "; " : "", p->scenario->name, x, y);
            else
                append(measured, mcap, &used, "%s%s %s", used ? "; " : "",
                       p->scenario->name, x);
        }
        if (used < mcap)
            append(measured, mcap, &used, " (optimized %s, N = %lld %s %lld)",
                   metric, (long long)r->growth_lo, arrow, (long long)r->growth_hi);
        break;
    }
    if (r->verdict == PB_VERDICT_NOT_MEASURED)
        snprintf(measured, mcap, "not measured in these results");
}

/* --- the pair summary ----------------------------------------------------- */

static const pb_column col_key = { NULL, -34, NULL, 0 };
static const pb_column col_naive = { "naive_ns_per_op", 11, " ", 0 };
static const pb_column col_naive_cv = { NULL, 4, " ", 0 };
static const pb_column col_opt = { "optimized_ns_per_op", 11, " ", 0 };
static const pb_column col_opt_cv = { NULL, 4, " ", 0 };
static const pb_column col_speedup = { "speedup", 8, " ", 0 };
static const pb_column col_interval = { NULL, -17, " ", 0 };
static const pb_column col_allocs = { NULL, -18, "  ", 0 };
static const pb_column col_heap = { NULL, -22, " ", 0 };
static const pb_column col_p99 = { NULL, 0, " ", 0 };
static const pb_column col_note = { NULL, 0, NULL, 0 };

static double time_of(const pb_result *r)
{
    return r ? r->ns_per_op : -1;
}

static void emit_point(pb_emitter *e, const pb_analysis *a, const pb_component *c,
                       const pb_scenario_result *sr, const pb_pair_point *p)
{
    const pb_result *nv = p->naive, *op = p->optimized;
    char key[160];
    snprintf(key, sizeof key, "%s/%s/%lld", c->name, sr->scenario->name,
             (long long)p->n);
    pb_emit_row_begin(e, "pairs");
    pb_emit_field(e, "component", PB_TEXT(c->name));
    pb_emit_field(e, "scenario", PB_TEXT(sr->scenario->name));
    pb_emit_field(e, "n", PB_NUMBER((double)p->n));
    pb_emit_col(e, &col_key, PB_TEXT(key));
    pb_emit_col(e, &col_naive, PB_TIME(time_of(nv)));
    pb_emit_col(e, &col_naive_cv, PB_CV(p->naive_cv, a->cv_trust_limit));
    pb_emit_col(e, &col_opt, PB_TIME(time_of(op)));
    pb_emit_col(e, &col_opt_cv, PB_CV(p->optimized_cv, a->cv_trust_limit));
    pb_emit_col(e, &col_speedup, PB_RATIO(p->speedup));
    char ci[64];
    pb_fmt_interval(ci, sizeof ci, p->speedup_lo, p->speedup_hi, pb_emitter_backend(e));
    pb_emit_col(e, &col_interval, PB_TEXT(ci[0] ? ci : "-"));
    pb_emit_field(e, "speedup_lo", PB_NUMBER(p->paired_rounds ? p->speedup_lo : NAN));
    pb_emit_field(e, "speedup_hi", PB_NUMBER(p->paired_rounds ? p->speedup_hi : NAN));
    pb_emit_field(e, "paired_rounds", PB_NUMBER((double)p->paired_rounds));
    pb_emit_col(e, &col_allocs, PB_ARROW(PB_V_COUNT, nv ? nv->allocs_per_op : -1,
                                         op ? op->allocs_per_op : -1));
    pb_emit_col(e, &col_heap, PB_ARROW(PB_V_BYTES, nv ? nv->peak_heap_bytes : -1,
                                       op ? op->peak_heap_bytes : -1));
    if (sr->scenario->latency)
        pb_emit_col(e, &col_p99, PB_ARROW(PB_V_TIME, nv ? nv->p99_ns : -1,
                                          op ? op->p99_ns : -1));
    else
        pb_emit_col(e, &col_p99, PB_TEXT(""));
    pb_emit_col(e, &col_note, PB_TEXT(nv ? "" : "  (naive not run)"));
    pb_emit_field(e, "naive_cv", PB_PERCENT(p->naive_cv));
    pb_emit_field(e, "optimized_cv", PB_PERCENT(p->optimized_cv));
    pb_emit_field(e, "untrusted", PB_BOOL(p->untrusted));
    pb_emit_row_end(e);
}

/* For scenarios with probes: one console line under the pair's row with
 * what the kernel (and SQLite) counted per op (console only: the JSON's
 * rows hold every probe figure). */
static void emit_probes(pb_emitter *e, const pb_scenario_result *sr,
                        const pb_pair_point *p)
{
    char line[1024];
    int sql;
    pb_fmt_probes(line, sizeof line, p->naive, p->optimized, sr->scenario->probes != 0,
                  PB_BACKEND_CONSOLE, &sql);
    if (line[0])
        pb_emit_text(e, "    per op, counted by the kernel%s: %s\n",
                     sql ? " and SQLite" : "", line);
    pb_fmt_counters(line, sizeof line, p->naive, p->optimized, sr->scenario->counters,
                    PB_BACKEND_CONSOLE);
    if (line[0])
        pb_emit_text(e, "    per op, the scenario's own counters: %s\n", line);
}

/* The peers of a pair point: a JSON row each ("peers": the peer, its time,
 * optimized/peer with the interval, best), and one console line under the
 * pair's row, best peer first: "    peers: best uthash 2.1 us, optimized/
 * uthash 1.17x [1.12x, 1.21x]; ghashtable 3.0 us, 0.80x [...]". A ratio
 * above 1 means the peer is faster. */
static void emit_peers(pb_emitter *e, const pb_component *c, const pb_scenario_result *sr,
                       const pb_pair_point *p)
{
    if (p->n_peers == 0)
        return;
    pb_backend b = pb_emitter_backend(e);
    char line[1024] = "";
    size_t used = 0;
    for (size_t k = 0; k < p->n_peers; k++) {
        size_t i = p->best_peer >= 0 ? (k == 0 ? (size_t)p->best_peer
                                               : (k <= (size_t)p->best_peer ? k - 1 : k))
                                     : k;
        const pb_peer_point *q = &p->peers[i];
        pb_emit_row_begin(e, "peers");
        pb_emit_field(e, "component", PB_TEXT(c->name));
        pb_emit_field(e, "scenario", PB_TEXT(sr->scenario->name));
        pb_emit_field(e, "n", PB_NUMBER((double)p->n));
        pb_emit_field(e, "peer", PB_TEXT(q->impl->name));
        pb_emit_field(e, "library", PB_TEXT(q->impl->library ? q->impl->library : ""));
        pb_emit_field(e, "peer_ns_per_op", PB_TIME(q->row ? q->row->ns_per_op : -1));
        pb_emit_field(e, "optimized_over_peer", PB_RATIO(q->ratio));
        pb_emit_field(e, "optimized_over_peer_lo",
                      PB_NUMBER(q->paired_rounds ? q->ratio_lo : NAN));
        pb_emit_field(e, "optimized_over_peer_hi",
                      PB_NUMBER(q->paired_rounds ? q->ratio_hi : NAN));
        pb_emit_field(e, "paired_rounds", PB_NUMBER((double)q->paired_rounds));
        pb_emit_field(e, "best", PB_BOOL((int)i == p->best_peer));
        pb_emit_row_end(e);
        char t[32], r[32], ci[64];
        pb_format(t, sizeof t, b, PB_TIME(q->row ? q->row->ns_per_op : -1));
        pb_format(r, sizeof r, b, PB_RATIO(q->ratio));
        pb_fmt_interval(ci, sizeof ci, q->ratio_lo, q->ratio_hi, b);
        int w = snprintf(line + used, sizeof line - used, "%s%s%s %s, optimized/%s %s%s%s",
                         k ? "; " : "", (int)i == p->best_peer ? "best " : "",
                         q->impl->name, q->row ? t : "not run", q->impl->name, r,
                         ci[0] ? " " : "", ci);
        if (w < 0 || (size_t)w >= sizeof line - used)
            break;
        used += (size_t)w;
    }
    pb_emit_text(e, "    peers (optimized/peer > 1: the peer is faster): %s\n", line);
}

static void emit_fits(pb_emitter *e, const pb_component *c, const pb_scenario_result *sr)
{
    static const char *const impl[2] = { "naive", "optimized" };
    static const char *const kinds[] = { "no data", "always", "from", "never" };
    char fit[2][48], cross[96];
    for (int i = 0; i < 2; i++) {
        fmt_fit(fit[i], sizeof fit[i], impl[i], &sr->fit[i]);
        if (!sr->fit[i].big_o)
            continue;
        pb_emit_row_begin(e, "complexity");
        pb_emit_field(e, "component", PB_TEXT(c->name));
        pb_emit_field(e, "impl", PB_TEXT(impl[i]));
        pb_emit_field(e, "scenario", PB_TEXT(sr->scenario->name));
        pb_emit_field(e, "big_o", PB_TEXT(sr->fit[i].big_o));
        pb_emit_field(e, "rms", PB_NUMBER(sr->fit[i].rms >= 0 ? sr->fit[i].rms : NAN));
        pb_emit_row_end(e);
    }
    char ifit[2][48], instr[128] = "";
    for (int i = 0; i < 2; i++) {
        fmt_big_o(ifit[i], sizeof ifit[i], impl[i], &sr->instr_fit[i]);
        if (!sr->instr_fit[i].big_o)
            continue;
        pb_emit_row_begin(e, "complexity_instructions");
        pb_emit_field(e, "component", PB_TEXT(c->name));
        pb_emit_field(e, "impl", PB_TEXT(impl[i]));
        pb_emit_field(e, "scenario", PB_TEXT(sr->scenario->name));
        pb_emit_field(e, "big_o", PB_TEXT(sr->instr_fit[i].big_o));
        pb_emit_field(e, "coefficient", PB_NUMBER(sr->instr_fit[i].coef));
        pb_emit_field(e, "rms", PB_NUMBER(sr->instr_fit[i].rms));
        pb_emit_field(e, "points", PB_NUMBER((double)sr->instr_fit[i].points));
        pb_emit_row_end(e);
    }
    if (sr->instr_fit[0].big_o || sr->instr_fit[1].big_o)
        snprintf(instr, sizeof instr, "; instructions %s, %s", ifit[0], ifit[1]);
    const pb_crossover *x = &sr->crossover;
    pb_fmt_crossover(cross, sizeof cross, x);
    pb_emit_text(e, "  %s/%s: fit %s, %s%s; crossover %s\n", c->name,
                 sr->scenario->name, fit[0], fit[1], instr, cross);
    pb_emit_row_begin(e, "crossovers");
    pb_emit_field(e, "component", PB_TEXT(c->name));
    pb_emit_field(e, "scenario", PB_TEXT(sr->scenario->name));
    pb_emit_field(e, "verdict", PB_TEXT(kinds[x->kind]));
    pb_emit_field(e, "crossover_n", x->kind == PB_CROSS_ALWAYS || x->kind == PB_CROSS_FROM
                                        ? PB_NUMBER((double)x->n) : PB_NUMBER(NAN));
    pb_emit_field(e, "largest_n", PB_NUMBER((double)x->last_n));
    pb_emit_row_end(e);
}

/* A component that is not a pair: each implementation's time per N. */
static void emit_solo(pb_emitter *e, const pb_component *c, const pb_scenario_result *sr)
{
    for (size_t i = 0; i < sr->n_solo; i++) {
        const pb_solo_point *p = &sr->solo[i];
        char t[24];
        pb_fmt_time(t, sizeof t, p->row->ns_per_op, pb_emitter_backend(e));
        char key[160];
        snprintf(key, sizeof key, "%s/%s/%lld", c->name, sr->scenario->name,
                 (long long)p->n);
        pb_emit_text(e, "%-34s %s: %s per op\n", key, p->impl->name, t);
    }
}

size_t pb_emit_claims(pb_emitter *e, const pb_analysis *a)
{
    int json = pb_emitter_backend(e) == PB_BACKEND_JSON;
    size_t n = 0;
    pb_emit_array(e, "claims");
    for (size_t c = 0; c < a->n_components; c++) {
        const pb_component_result *cr = &a->components[c];
        if (!cr->ran || (json && !cr->pair && cr->n_claims == 0))
            continue;               /* not selected: its claims are not news */
        for (size_t k = 0; k < cr->n_claims; k++) {
            const pb_claim_result *r = &cr->claims[k];
            const pb_claim *cl = r->claim;
            char measured[PB_CLAIM_TEXT], threshold[48];
            pb_fmt_claim(measured, sizeof measured, threshold, sizeof threshold, r,
                         pb_emitter_backend(e));
            if (n == 0)
                pb_emit_text(e, "\nclaims of the seeds, as measured here (time ratios:"
                             " paired rounds with a 95%% interval, 'inconclusive' when it"
                             " straddles the threshold; counts: medians; a claim that does"
                             " not hold says so)\n");
            pb_emit_text(e, "%-5s %-14s %s  [%s]\n", cl->id,
                         pb_verdict_name(r->verdict), measured, threshold);
            pb_emit_text(e, "      \"%s\" (%s; %s)\n", cl->words, cl->seed,
                         cl->metric_text);
            pb_emit_row_begin(e, "claims");
            pb_emit_field(e, "id", PB_TEXT(cl->id));
            pb_emit_field(e, "component", PB_TEXT(cr->component->name));
            pb_emit_field(e, "seed", PB_TEXT(cl->seed));
            pb_emit_field(e, "claim", PB_TEXT(cl->words));
            pb_emit_field(e, "metric", PB_TEXT(cl->metric_text));
            pb_emit_field(e, "threshold", PB_TEXT(threshold));
            pb_emit_field(e, "verdict", PB_TEXT(pb_verdict_name(r->verdict)));
            pb_emit_field(e, "measured", PB_TEXT(measured));
            pb_emit_field(e, "value", r->verdict == PB_VERDICT_NOT_MEASURED
                                          ? PB_NUMBER(NAN) : PB_NUMBER(r->value));
            pb_emit_field(e, "value_lo", PB_NUMBER(r->has_interval ? r->value_lo : NAN));
            pb_emit_field(e, "value_hi", PB_NUMBER(r->has_interval ? r->value_hi : NAN));
            pb_emit_row_end(e);
            n++;
        }
    }
    return n;
}

void pb_emit_analysis(pb_emitter *e, const pb_analysis *a)
{
    int json = pb_emitter_backend(e) == PB_BACKEND_JSON;
    if (json) {
        pb_emit_kv(e, "cv_trust_limit", PB_NUMBER(a->cv_trust_limit));
        pb_emit_array(e, "pairs");
        pb_emit_array(e, "complexity");
        pb_emit_array(e, "complexity_instructions");
        pb_emit_array(e, "crossovers");
        pb_emit_array(e, "claims");
    } else {
        if (pb_resultset_count(a->results) == 0)
            return;
        pb_emit_text(e, "\npair summary (times: %s; speed-up = naive time / optimized"
                     " time, the median over the paired rounds (naive and optimized"
                     " alternating) with its 95%% bootstrap interval, or the ratio of"
                     " the times where a point has no rounds; arrows read naive ->"
                     " optimized%s)\n",
                     a->repeated ? "medians over repetitions" : "single runs",
                     a->repeated ? "; cv over repetitions, '!' = above 10%, do not trust"
                                 : "");
        pb_emit_text(e, "%-34s %11s %4s %11s %4s %8s %-17s  %-18s %-22s %s\n",
                     "component/scenario/N", "naive/op", "cv", "optimized/op", "cv",
                     "speed-up", "95% interval", "allocs/op", "peak heap", "p99 latency");
    }
    for (size_t c = 0; c < a->n_components; c++) {
        const pb_component_result *cr = &a->components[c];
        if (json && (!cr->pair || !cr->ran))
            continue;
        for (size_t s = 0; s < cr->n_scenarios; s++) {
            const pb_scenario_result *sr = &cr->scenarios[s];
            if (!sr->shown)
                continue;
            if (!cr->pair) {
                emit_solo(e, cr->component, sr);
                continue;
            }
            for (size_t i = 0; i < sr->n_points; i++)
            {
                emit_point(e, a, cr->component, sr, &sr->points[i]);
                emit_peers(e, cr->component, sr, &sr->points[i]);
                emit_probes(e, sr, &sr->points[i]);
            }
            emit_fits(e, cr->component, sr);
        }
    }
    pb_emit_claims(e, a);
}

/* --- conveniences ----------------------------------------------------------- */

void pb_summary_print(FILE *out, const pb_analysis *a)
{
    pb_emitter *e = pb_emitter_console(out);
    if (!e) {
        fprintf(stderr, "pairbench: out of memory printing the summary\n");
        return;
    }
    pb_emit_analysis(e, a);
    pb_emitter_free(e);
}

size_t pb_claims_print(FILE *out, const pb_analysis *a)
{
    pb_emitter *e = pb_emitter_console(out);
    if (!e) {
        fprintf(stderr, "pairbench: out of memory printing the claims\n");
        return 0;
    }
    size_t n = pb_emit_claims(e, a);
    pb_emitter_free(e);
    return n;
}

cJSON *pb_analysis_block(const pb_analysis *a)
{
    pb_emitter *e = pb_emitter_json();
    if (!e)
        return NULL;
    pb_emit_analysis(e, a);
    cJSON *block = pb_emitter_json_take(e);
    pb_emitter_free(e);
    return block;
}

int pb_results_write_json(const char *path, const pb_analysis *a)
{
    cJSON *root = cJSON_Duplicate(pb_resultset_json(a->results), 1);
    cJSON *block = pb_analysis_block(a);
    if (!root || !block) {
        cJSON_Delete(root);
        cJSON_Delete(block);
        fprintf(stderr, "pairbench: out of memory writing %s\n", path);
        return -1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(root, "pairbench");
    cJSON_AddItemToObject(root, "pairbench", block);
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    if (!out) {
        fprintf(stderr, "pairbench: out of memory writing %s\n", path);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    int ok = f && fputs(out, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    free(out);
    if (!ok) {
        fprintf(stderr, "pairbench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}
