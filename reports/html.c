/*
 * The report's page, index.html: the overview (warnings, pairs at their
 * reference N, the claims), the environment and the calibration
 * components, then per component its anti-pattern and fix, its sources,
 * fits and crossovers, claims, heap profiles, and per scenario the per-N
 * tables and the charts. Inline CSS, no script, nothing outside the page.
 * Every string of a results file (names, context fields, big_o, error
 * messages, file names, labels) is written through pb_sb_html (html_td);
 * only this build's registry and formatted numbers are written as they
 * are.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static const char css[] =
    "body{font-family:sans-serif;font-size:14px;line-height:1.45;color:#1d2327;"
    "max-width:1240px;margin:0 auto;padding:12px 24px 48px}"
    "h1{font-size:24px;margin:8px 0 4px}"
    "h2{font-size:20px;margin:32px 0 8px;padding-top:8px;border-top:2px solid #d0d7de}"
    "h3{font-size:16px;margin:22px 0 6px}"
    "h4{font-size:14px;margin:14px 0 4px}"
    "p{margin:6px 0}"
    "code{font-family:monospace;background:#f3f4f6;padding:0 3px;border-radius:3px}"
    "table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}"
    "th,td{border:1px solid #d0d7de;padding:3px 7px;vertical-align:top}"
    "th{background:#f3f4f6;text-align:center;font-weight:600}"
    "th.row{text-align:left;white-space:nowrap}"
    ".tw{overflow-x:auto;max-width:100%}"
    "td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    "td.l{text-align:left}"
    "td.t{text-align:left;white-space:nowrap}"
    "tr.ref td{background:#fffbe6}"
    ".muted{color:#5f6b76;font-size:12px}"
    ".sp,.cv{display:block;color:#5f6b76;font-size:11px}"
    ".cv.bad{color:#b42318;font-weight:600}"
    ".good{color:#1a7f37;font-weight:600}"
    ".bad{color:#b42318;font-weight:600}"
    ".none{color:#5f6b76}"
    ".verdict{white-space:nowrap}"
    ".warnings{background:#fff4e5;border:1px solid #f0b429;border-radius:6px;"
    "padding:6px 14px;margin:10px 0}"
    ".warnings ul{margin:4px 0;padding-left:20px}"
    ".notes{background:#eef6ff;border:1px solid #9ec5fe;border-radius:6px;"
    "padding:6px 14px;margin:10px 0}"
    ".ap{background:#f6f8fa;border-left:4px solid #8c959f;padding:6px 12px}"
    ".charts{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 4px}"
    "figure.chart{margin:0;border:1px solid #e5e7eb;border-radius:4px}"
    "figure.chart svg{display:block;max-width:100%;height:auto}"
    "pre.sql{background:#f6f8fa;border:1px solid #e5e7eb;padding:6px 10px;"
    "font-size:12px;overflow-x:auto;white-space:pre}"
    "nav a{margin-right:12px}"
    "a{color:#0b5cad;text-decoration:none}";

/* A table cell of class cls holding text. */
static void html_td(sbuf *h, const char *cls, const char *text)
{
    pb_sb_printf(h, "<td class=\"%s\">", cls);
    pb_sb_html(h, text);
    pb_sb_puts(h, "</td>");
}

static void html_cell_verdict(sbuf *h, verdict v, const char *m)
{
    const char *cls = v == V_HOLDS ? "good" : v == V_FAILS ? "bad" : "none";
    const char *word = v == V_HOLDS ? "holds" : v == V_FAILS ? "DOES NOT HOLD"
                     : v == V_INCONCLUSIVE ? "inconclusive"
                     : v == V_UNMEASURED ? "not measured" : "not in this file";
    pb_sb_printf(h, "<td class=\"l\"><span class=\"verdict %s\">%s</span>", cls, word);
    if (m && v != V_UNMEASURED) {
        pb_sb_puts(h, "<span class=\"sp\">");
        pb_sb_html(h, m);
        pb_sb_puts(h, "</span>");
    }
    pb_sb_puts(h, "</td>");
}

/* Header rows for a table with `groups` column groups of one column per
 * series: a second row of series labels when there are several. `lead`
 * is the leading cells' text (spanning both rows). */
static void html_group_head(sbuf *h, const report *R, const char *const *lead,
                            size_t n_lead, const char *const *groups, size_t n_groups)
{
    int two = R->n > 1;
    pb_sb_puts(h, "<thead><tr>");
    for (size_t i = 0; i < n_lead; i++) {
        pb_sb_printf(h, "<th%s>", two ? " rowspan=\"2\"" : "");
        pb_sb_puts(h, lead[i]);
        pb_sb_puts(h, "</th>");
    }
    for (size_t i = 0; i < n_groups; i++) {
        if (two)
            pb_sb_printf(h, "<th colspan=\"%zu\">", R->n);
        else
            pb_sb_puts(h, "<th>");
        pb_sb_puts(h, groups[i]);
        pb_sb_puts(h, "</th>");
    }
    pb_sb_puts(h, "</tr>");
    if (two) {
        pb_sb_puts(h, "<tr>");
        for (size_t i = 0; i < n_groups; i++)
            for (size_t si = 0; si < R->n; si++) {
                pb_sb_puts(h, "<th>");
                pb_sb_html(h, R->s[si].label);
                pb_sb_puts(h, "</th>");
            }
        pb_sb_puts(h, "</tr>");
    }
    pb_sb_puts(h, "</thead>\n");
}

/* A row of the claims table, with or without the component column. */
static void html_claim(sbuf *h, const report *R, const ov_claim *c, int with_component)
{
    const pb_claim *cl = c->claim;
    pb_sb_puts(h, "<tr><td class=\"l\"><b>");
    pb_sb_html(h, cl->id);
    pb_sb_puts(h, "</b></td>");
    if (with_component)
        pb_sb_printf(h, "<td class=\"l\"><a href=\"#%s\">%s</a></td>",
                     c->comp->name, c->comp->name);
    pb_sb_puts(h, "<td class=\"l\">");
    pb_sb_html(h, cl->words);
    pb_sb_puts(h, "<span class=\"sp\">");
    pb_sb_html(h, cl->seed);
    pb_sb_puts(h, "</span></td><td class=\"l\">");
    pb_sb_html(h, cl->metric_text);
    pb_sb_puts(h, "</td><td class=\"t\">");
    pb_sb_html(h, c->threshold);
    pb_sb_puts(h, "</td>");
    for (size_t si = 0; si < R->n; si++)
        html_cell_verdict(h, c->s[si].v, c->s[si].measured);
    pb_sb_puts(h, "</tr>\n");
}

static void html_claim_row(sbuf *h, const report *R, const ov_claim *c)
{
    html_claim(h, R, c, 1);
}

static void html_component_claim_row(sbuf *h, const report *R, const ov_claim *c)
{
    html_claim(h, R, c, 0);
}

/* The claims table: every claim of the components that ran, or only
 * those of `only`; per file its verdict and what was measured. */
static void html_claims(sbuf *h, const report *R, const pb_component *only)
{
    const char *lead[] = { "claim", "component", "in the seed's words",
                           "measured as", "threshold" };
    const char *groups[] = { "verdict and measurement" };
    pb_sb_puts(h, "<div class=\"tw\"><table>");
    if (only) {
        const char *lead_one[] = { lead[0], lead[2], lead[3], lead[4] };
        html_group_head(h, R, lead_one, 4, groups, 1);
    } else {
        html_group_head(h, R, lead, 5, groups, 1);
    }
    pb_sb_puts(h, "<tbody>\n");
    pb_rep_each_claim(h, R, only, PB_BACKEND_HTML, only ? html_component_claim_row : html_claim_row);
    pb_sb_puts(h, "</tbody></table></div>\n");
}

static void html_warning_row(sbuf *h, const char *prefix, const char *text)
{
    pb_sb_puts(h, "<li>");
    if (prefix[0]) {
        pb_sb_puts(h, "<b>");
        pb_sb_html(h, prefix);
        pb_sb_puts(h, "</b>");
    }
    pb_sb_html(h, text);
    pb_sb_puts(h, "</li>\n");
}

/* A row of the overview's pairs table. */
static void html_pair_row(sbuf *h, const report *R, const ov_pair *p)
{
    pb_sb_printf(h, "<tr><td class=\"l\"><a href=\"#%s-%s\">%s/%s</a></td>",
                 p->comp->name, p->sc->name, p->comp->name, p->sc->name);
    if (p->ref)
        pb_sb_printf(h, "<td class=\"n\">%lld</td>", (long long)p->ref);
    else
        pb_sb_puts(h, "<td class=\"n\">-</td>");
    for (size_t si = 0; si < R->n; si++)
        html_td(h, p->s[si].measured ? "n" : "n none", p->s[si].time);
    for (size_t si = 0; si < R->n; si++) {
        double x = p->s[si].speedup;
        pb_sb_printf(h, "<td class=\"n\"><span class=\"%s\">", x < 0 ? "none"
                     : x >= 1 ? "good" : "bad");
        pb_sb_html(h, p->s[si].ratio);
        pb_sb_puts(h, p->s[si].untrusted ? "</span><span class=\"cv bad\" title=\"cv"
                   " above the trust limit\">noisy (cv)</span></td>" : "</span></td>");
    }
    for (size_t si = 0; si < R->n; si++)
        html_td(h, "n", p->s[si].allocs);
    for (size_t si = 0; si < R->n; si++)
        html_td(h, "n", p->s[si].crossover);
    if (pb_rep_any_peer(R))
        for (size_t si = 0; si < R->n; si++)
            html_td(h, p->s[si].peer[0] == '-' ? "n none" : "n", p->s[si].peer);
    pb_sb_puts(h, "</tr>\n");
}

static void html_overview(sbuf *h, const report *R, const warnings *w)
{
    /* Warnings first: they change how everything below is read. */
    if (w->n) {
        pb_sb_puts(h, "<div class=\"warnings\" id=\"warnings\"><b>Read with care</b><ul>\n");
        pb_rep_each_warning(h, R, w, html_warning_row);
        pb_sb_puts(h, "</ul></div>\n");
    }

    pb_sb_puts(h, "<h2 id=\"overview\">Pairs at their reference N</h2>\n"
               "<p>One row per component and scenario. <b>Reference N</b> is the"
               " largest N measured for both implementations (in every results"
               " file). <b>Speed-up</b> = naive time per op / optimized time per op"
               " (medians when repeated; green: optimized faster).");
    if (R->n > 1)
        pb_sb_puts(h, " One column per results file.");
    pb_sb_puts(h, " Arrows read naive " ARROW " optimized.");
    int peers = pb_rep_any_peer(R);
    if (peers)
        pb_sb_puts(h, " <b>Best peer</b>: of the implementations of the same interface on"
                   " a well-known library, the fastest at the reference N, with the"
                   " optimized time over its time (above 1" NDASH "the peer is faster;"
                   " paired rounds, 95% interval).");
    pb_sb_puts(h, "</p>\n<div class=\"tw\"><table>");
    const char *lead[] = { "pair", "reference N" };
    const char *groups[] = { "time per op", "speed-up", "allocations per op",
                             "crossover", "best peer: optimized/peer" };
    html_group_head(h, R, lead, 2, groups, peers ? 5 : 4);
    pb_sb_puts(h, "<tbody>\n");
    size_t rows = pb_rep_each_pair(h, R, PB_BACKEND_HTML, html_pair_row);
    pb_sb_puts(h, "</tbody></table></div>\n");
    if (!rows)
        pb_sb_puts(h, "<p>No naive/optimized pair ran in these results.</p>\n");

    /* Claims. */
    int count[V_KINDS];
    char ids[V_KINDS][512];
    pb_rep_claim_tally(R, count, ids);
    pb_sb_puts(h, "<h2 id=\"claims\">Claims of the seeds</h2>\n<p>");
    pb_sb_printf(h, "<span class=\"good\">%d hold%s</span>%s%s. ", count[V_HOLDS],
                 count[V_HOLDS] == 1 ? "s" : "", count[V_HOLDS] ? ": " : "", ids[V_HOLDS]);
    pb_sb_printf(h, "<span class=\"%s\">%d do%s not hold</span>%s%s. ",
                 count[V_FAILS] ? "bad" : "none", count[V_FAILS],
                 count[V_FAILS] == 1 ? "es" : "", count[V_FAILS] ? ": " : "", ids[V_FAILS]);
    pb_sb_printf(h, "<span class=\"none\">%d inconclusive</span>%s%s (the 95%% interval"
                 " straddles the threshold). ", count[V_INCONCLUSIVE],
                 count[V_INCONCLUSIVE] ? ": " : "", ids[V_INCONCLUSIVE]);
    pb_sb_printf(h, "<span class=\"none\">%d not measured</span>%s%s (the cases they"
                 " need were not in the run).", count[V_UNMEASURED],
                 count[V_UNMEASURED] ? ": " : "", ids[V_UNMEASURED]);
    if (count[V_NONE])
        pb_sb_printf(h, " %d not evaluated (no analysis block).", count[V_NONE]);
    pb_sb_puts(h, " A claim is judged at the sizes it names: a time ratio on the paired"
               " rounds' median and its 95% bootstrap interval (holds when the whole"
               " interval meets the threshold, does not hold when the whole interval"
               " misses it), a count on the medians; one that does not hold here is"
               " reported as such.</p>\n");
    html_claims(h, R, NULL);
}

static void html_env_row(sbuf *h, const report *R, const ov_env *e)
{
    pb_sb_puts(h, "<tr><th class=\"row\">");
    pb_sb_puts(h, e->label);
    pb_sb_puts(h, "</th>");
    for (size_t si = 0; si < R->n; si++)
        html_td(h, "l", e->value[si]);
    pb_sb_puts(h, "</tr>\n");
}

static void html_environment(sbuf *h, const report *R)
{
    pb_sb_puts(h, "<h2 id=\"environment\">Environment</h2>\n<div class=\"tw\"><table><thead><tr><th></th>");
    for (size_t si = 0; si < R->n; si++) {
        pb_sb_puts(h, "<th>");
        pb_sb_html(h, R->s[si].label);
        pb_sb_puts(h, "</th>");
    }
    pb_sb_puts(h, "</tr></thead><tbody>\n");
    pb_rep_each_env(h, R, html_env_row);
    pb_sb_puts(h, "</tbody></table></div>\n");

    /* The harness calibration (components without a naive/optimized pair). */
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (pb_is_pair(comp) || !pb_rep_component_ran(R, comp))
            continue;
        pb_sb_puts(h, "<h3 id=\"");
        pb_sb_html(h, comp->name);
        pb_sb_puts(h, "\">");
        pb_sb_html(h, comp->name);
        pb_sb_puts(h, ": ");
        pb_sb_html(h, comp->summary ? comp->summary : "");
        pb_sb_puts(h, "</h3>\n<div class=\"tw\"><table><thead><tr><th>case</th><th>what it is</th>");
        for (size_t si = 0; si < R->n; si++) {
            pb_sb_puts(h, "<th>time per op");
            if (R->n > 1) {
                pb_sb_puts(h, ", ");
                pb_sb_html(h, R->s[si].label);
            }
            pb_sb_puts(h, "</th>");
        }
        pb_sb_puts(h, "</tr></thead><tbody>\n");
        for (size_t s = 0; s < comp->n_scenarios; s++)
            for (size_t i = 0; i < comp->n_impls; i++) {
                const pb_scenario *sc = &comp->scenarios[s];
                int64_t ns[MAX_SIZES];
                size_t k = pb_rep_scenario_sizes(R, comp->name, sc->name, ns);
                for (size_t j = 0; j < k; j++) {
                    cell x[MAX_SERIES];
                    int any = 0;
                    for (size_t si = 0; si < R->n; si++) {
                        x[si] = pb_rep_get_cell(&R->s[si], comp->name, comp->impls[i].name,
                                                sc->name, ns[j]);
                        any |= x[si].r != NULL;
                    }
                    if (!any)
                        continue;
                    pb_sb_puts(h, "<tr><td class=\"l\">");
                    pb_sb_html(h, sc->name);
                    pb_sb_puts(h, "</td><td class=\"l\">");
                    pb_sb_html(h, sc->description ? sc->description : "");
                    pb_sb_puts(h, "</td>");
                    for (size_t si = 0; si < R->n; si++) {
                        char t[32];
                        pb_fmt_time(t, sizeof t, x[si].r ? x[si].r->ns_per_op : -1, PB_BACKEND_HTML);
                        pb_sb_printf(h, "<td class=\"n\">%s</td>", t);
                    }
                    pb_sb_puts(h, "</tr>\n");
                }
            }
        pb_sb_puts(h, "</tbody></table></div>\n");
    }
}

/* The cap of an implementation: the largest N it runs at, 0 for none. */
static int64_t impl_cap(const pb_component *c, const char *impl)
{
    for (size_t i = 0; i < c->n_impls; i++)
        if (strcmp(c->impls[i].name, impl) == 0)
            return c->impls[i].max_n;
    return 0;
}

/* A time cell: median, min..max of the repetitions, cv; "not run" when N
 * is above the implementation's cap. */
static void html_time_cell(sbuf *h, const series *s, const cell *x, int capped)
{
    char t[32], lo[32], hi[32];
    if (!x->r) {
        if (capped && !x->err) {
            pb_sb_puts(h, "<td class=\"n none\">not run<span class=\"sp\">above its"
                       " cap</span></td>");
        } else if (x->err) {
            pb_sb_puts(h, "<td class=\"n\"><span class=\"bad\" title=\"");
            pb_sb_html(h, x->err->error_message);
            pb_sb_puts(h, "\">error</span></td>");
        } else {
            pb_sb_puts(h, "<td class=\"n none\">-</td>");
        }
        return;
    }
    pb_fmt_time(t, sizeof t, x->r->ns_per_op, PB_BACKEND_HTML);
    pb_sb_printf(h, "<td class=\"n\">%s", t);
    if (x->reps > 1) {
        pb_fmt_time(lo, sizeof lo, x->lo, PB_BACKEND_HTML);
        pb_fmt_time(hi, sizeof hi, x->hi, PB_BACKEND_HTML);
        pb_sb_printf(h, "<span class=\"sp\">%s " NDASH " %s</span>", lo, hi);
    }
    if (x->cv >= 0)
        pb_sb_printf(h, "<span class=\"cv%s\">cv %.1f%%%s</span>",
                     x->cv > s->cv_limit ? " bad" : "", x->cv * 100,
                     x->cv > s->cv_limit ? " !" : "");
    pb_sb_puts(h, "</td>");
}

/* A naive → optimized cell for one counter: 0 allocs/op, 1 bytes/op,
 * 2 peak heap, 3 p99 latency. */
static void html_arrow_cell(sbuf *h, const cell *nv, const cell *op, int which)
{
    double a = -1, b = -1;
    const pb_result *rn = nv->r, *ro = op->r;
    switch (which) {
    case 0: a = rn ? rn->allocs_per_op : -1; b = ro ? ro->allocs_per_op : -1; break;
    case 1: a = rn ? rn->bytes_per_op : -1; b = ro ? ro->bytes_per_op : -1; break;
    case 2: a = rn ? rn->peak_heap_bytes : -1; b = ro ? ro->peak_heap_bytes : -1; break;
    default: a = rn ? rn->p99_ns : -1; b = ro ? ro->p99_ns : -1; break;
    }
    char sa[32], sb_[32];
    if (which == 0) {
        pb_fmt_count(sa, sizeof sa, a);
        pb_fmt_count(sb_, sizeof sb_, b);
    } else if (which == 3) {
        pb_fmt_time(sa, sizeof sa, a, PB_BACKEND_HTML);
        pb_fmt_time(sb_, sizeof sb_, b, PB_BACKEND_HTML);
    } else {
        pb_fmt_bytes(sa, sizeof sa, a);
        pb_fmt_bytes(sb_, sizeof sb_, b);
    }
    if (a < 0 && b < 0)
        pb_sb_puts(h, "<td class=\"n none\">-</td>");
    else
        pb_sb_printf(h, "<td class=\"n\">%s " ARROW " %s</td>", sa, sb_);
}

/* The per-N table of a scenario; parts: 1 the times and speed-up, 2 the
 * allocations, bytes, peak heap and (with any_p99) the p99 latency. The
 * reference N's row is marked. */
static void html_n_table(sbuf *h, const report *R, const pb_component *comp,
                         const pb_scenario *sc, const int64_t *ns, size_t k,
                         int64_t ref, int parts, int any_p99, int any_probes,
                         int any_counters)
{
    const char *lead[] = { "N" };
    const char *groups[10];
    size_t n_groups = 0;
    int peers = 0;
    for (size_t i = 0; i < comp->n_impls; i++)
        peers |= pb_is_pair(comp) && pb_is_peer(&comp->impls[i]);
    if (parts & 1) {
        groups[n_groups++] = "naive time/op";
        groups[n_groups++] = "optimized time/op";
        groups[n_groups++] = "speed-up";
        if (peers)
            groups[n_groups++] = "best peer: time/op, optimized/peer";
    }
    if (parts & 2) {
        groups[n_groups++] = "allocs/op";
        groups[n_groups++] = "bytes/op";
        groups[n_groups++] = "peak heap";
        if (any_p99)
            groups[n_groups++] = "p99 latency";
        if (any_probes)
            groups[n_groups++] = "counted by the probes, per op";
        if (any_counters)
            groups[n_groups++] = "the scenario's counters, per op";
    }
    pb_sb_puts(h, "<div class=\"tw\"><table>");
    html_group_head(h, R, lead, 1, groups, n_groups);
    pb_sb_puts(h, "<tbody>\n");
    for (size_t i = 0; i < k; i++) {
        pair_at p[MAX_SERIES];
        for (size_t si = 0; si < R->n; si++)
            p[si] = pb_rep_pair_of(&R->s[si], comp->name, sc->name, ns[i]);
        pb_sb_printf(h, "<tr%s><td class=\"n\">%lld%s</td>",
                     ns[i] == ref ? " class=\"ref\"" : "",
                     (long long)ns[i],
                     ns[i] == ref ? "<span class=\"sp\">reference</span>" : "");
        if (parts & 1) {
            int64_t cap_n = impl_cap(comp, "naive"), cap_o = impl_cap(comp, "optimized");
            for (size_t si = 0; si < R->n; si++)
                html_time_cell(h, &R->s[si], &p[si].nv, cap_n > 0 && ns[i] > cap_n);
            for (size_t si = 0; si < R->n; si++)
                html_time_cell(h, &R->s[si], &p[si].op, cap_o > 0 && ns[i] > cap_o);
            for (size_t si = 0; si < R->n; si++) {
                char r[32];
                pb_fmt_ratio(r, sizeof r, p[si].speedup, PB_BACKEND_HTML);
                pb_sb_printf(h, "<td class=\"n\"><span class=\"%s\">%s</span>",
                             p[si].speedup < 0 ? "none" : p[si].speedup >= 1 ? "good" : "bad",
                             r);
                if (p[si].speedup >= 0 && p[si].speedup_lo >= 0) {
                    char ci[64];        /* the paired rounds' 95% interval */
                    pb_fmt_interval(ci, sizeof ci, p[si].speedup_lo, p[si].speedup_hi,
                                    PB_BACKEND_HTML);
                    pb_sb_printf(h, "<span class=\"sp\">95%%: %s</span>", ci);
                }
                pb_sb_puts(h, "</td>");
            }
            for (size_t si = 0; peers && si < R->n; si++) {
                const pb_pair_point *pt = p[si].pt;
                if (!pt || pt->best_peer < 0) {
                    pb_sb_puts(h, "<td class=\"n none\">-</td>");
                    continue;
                }
                const pb_peer_point *q = &pt->peers[pt->best_peer];
                char t[32], r[32], ci[64];
                pb_fmt_time(t, sizeof t, q->row->ns_per_op, PB_BACKEND_HTML);
                pb_fmt_ratio(r, sizeof r, q->ratio, PB_BACKEND_HTML);
                pb_sb_puts(h, "<td class=\"n\">");
                pb_sb_html(h, q->impl->name);
                pb_sb_printf(h, " %s, <span class=\"%s\">%s</span>", t,
                             q->ratio < 0 ? "none" : q->ratio <= 1 ? "good" : "bad", r);
                if (q->ratio_lo >= 0) {
                    pb_fmt_interval(ci, sizeof ci, q->ratio_lo, q->ratio_hi, PB_BACKEND_HTML);
                    pb_sb_printf(h, "<span class=\"sp\">95%%: %s</span>", ci);
                }
                pb_sb_puts(h, "</td>");
            }
        }
        if (parts & 2)
            for (int which = 0; which < (any_p99 ? 4 : 3); which++)
                for (size_t si = 0; si < R->n; si++)
                    html_arrow_cell(h, &p[si].nv, &p[si].op, which);
        if ((parts & 2) && any_probes)
            for (size_t si = 0; si < R->n; si++) {
                char line[1024];
                pb_fmt_probes(line, sizeof line, p[si].nv.r, p[si].op.r, sc->probes != 0,
                              PB_BACKEND_HTML, NULL);
                pb_sb_puts(h, line[0] ? "<td class=\"l\">" : "<td class=\"n none\">-");
                pb_sb_html(h, line);
                pb_sb_puts(h, "</td>");
            }
        if ((parts & 2) && any_counters)
            for (size_t si = 0; si < R->n; si++) {
                char line[1024];
                pb_fmt_counters(line, sizeof line, p[si].nv.r, p[si].op.r, sc->counters,
                                PB_BACKEND_HTML);
                pb_sb_puts(h, line[0] ? "<td class=\"l\">" : "<td class=\"n none\">-");
                pb_sb_html(h, line);
                pb_sb_puts(h, "</td>");
            }
        pb_sb_puts(h, "</tr>\n");
    }
    pb_sb_puts(h, "</tbody></table></div>\n");
}

/* The SQLite settings and query plans the run recorded for the scenario
 * (context "sqlite:CASE", first results file), per implementation at the
 * reference N, else at the largest N that has them: nothing when none. */
static void html_sql_facts(sbuf *h, const report *R, const pb_component *comp,
                           const pb_scenario *sc, const int64_t *ns, size_t k, int64_t ref)
{
    if (!R->n)
        return;
    const char *text[2] = { NULL, NULL };
    int64_t at[2] = { 0, 0 };
    for (int im = 0; im < 2; im++) {
        for (size_t i = 0; i <= k && !text[im]; i++) {
            int64_t n = i == 0 ? ref : ns[k - i];
            char key[512];
            snprintf(key, sizeof key, "sqlite:%s/%s/%s/%lld", comp->name,
                     pb_rep_impl_names[im], sc->name, (long long)n);
            text[im] = jstr(R->s[0].context, key);
            at[im] = n;
        }
    }
    if (!text[0] && !text[1])
        return;
    pb_sb_puts(h, "<details><summary>SQLite settings, statements and query plans"
               " (EXPLAIN QUERY PLAN)</summary>\n");
    for (int im = 0; im < 2; im++) {
        if (!text[im])
            continue;
        pb_sb_printf(h, "<h4>%s, N = %lld</h4>\n<pre class=\"sql\">", pb_rep_impl_names[im],
                     (long long)at[im]);
        pb_sb_html(h, text[im]);
        pb_sb_puts(h, "</pre>\n");
    }
    pb_sb_puts(h, "</details>\n");
}

/* The specification check `run` made of each implementation before timing
 * a PB_VERIFY_SPEC scenario (context "verify:CASE", first results file),
 * per N: what a naive implementation wrong by design violates is a
 * measured figure of the pair, not an error. Nothing when none recorded. */
static void html_spec_checks(sbuf *h, const report *R, const pb_component *comp,
                             const pb_scenario *sc, const int64_t *ns, size_t k)
{
    if (!R->n || sc->verify != PB_VERIFY_SPEC)
        return;
    int any = 0;
    for (size_t i = 0; i < k; i++)
        for (int im = 0; im < 2; im++) {
            char key[512];
            snprintf(key, sizeof key, "verify:%s/%s/%s/%lld", comp->name,
                     pb_rep_impl_names[im], sc->name, (long long)ns[i]);
            any |= jstr(R->s[0].context, key) != NULL;
        }
    if (!any)
        return;
    pb_sb_puts(h, "<p class=\"muted\">Specification check before timing (each"
               " implementation judged alone by the scenario's check, not against the"
               " other).");
    for (size_t i = 0; i < comp->n_impls; i++)
        if (comp->impls[i].wrong_by_design) {
            pb_sb_puts(h, " The ");
            pb_sb_html(h, comp->impls[i].name);
            pb_sb_puts(h, " implementation is wrong by design: ");
            pb_sb_html(h, comp->impls[i].wrong_by_design);
            pb_sb_puts(h, "; what it violates is measured, not an error.");
        }
    pb_sb_puts(h, "</p>\n<div class=\"tw\"><table><thead><tr><th>N</th><th>naive</th>"
               "<th>optimized</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < k; i++) {
        pb_sb_printf(h, "<tr><td class=\"n\">%lld</td>", (long long)ns[i]);
        for (int im = 0; im < 2; im++) {
            char key[512];
            snprintf(key, sizeof key, "verify:%s/%s/%s/%lld", comp->name,
                     pb_rep_impl_names[im], sc->name, (long long)ns[i]);
            const char *t = jstr(R->s[0].context, key);
            /* met by luck (wrong by design, the fault did not show): neither */
            const char *cls = !t ? "none" : !strncmp(t, "meets", 5) ? "good"
                            : !strncmp(t, "violates", 8) ? "bad" : "";
            pb_sb_printf(h, "<td class=\"l\"><span class=\"%s\">", cls);
            pb_sb_html(h, t ? t : "-");
            pb_sb_puts(h, "</span></td>");
        }
        pb_sb_puts(h, "</tr>\n");
    }
    pb_sb_puts(h, "</tbody></table></div>\n");
}

static void html_scenario(sbuf *h, const report *R, const charts *C,
                          const pb_component *comp, const pb_scenario *sc,
                          const int64_t *ns, size_t k)
{
    int64_t ref = pb_rep_reference_n(R, comp->name, sc->name, ns, k);
    pb_sb_printf(h, "<h3 id=\"%s-%s\">%s/%s</h3>\n<p>", comp->name, sc->name,
                 comp->name, sc->name);
    pb_sb_html(h, sc->description ? sc->description : "");
    pb_sb_puts(h, ".");
    int any_reps = 0, any_p99 = 0;
    for (size_t si = 0; si < R->n; si++)
        any_reps |= R->s[si].repetitions > 1;
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < k; i++)
            for (int im = 0; im < 2; im++) {
                cell x = pb_rep_get_cell(&R->s[si], comp->name, pb_rep_impl_names[im],
                                         sc->name, ns[i]);
                any_p99 |= x.r && x.r->p99_ns >= 0;
            }
    int any_probes = 0, any_counters = 0;
    for (size_t si = 0; si < R->n; si++)
        for (size_t i = 0; i < k; i++) {
            pair_at p = pb_rep_pair_of(&R->s[si], comp->name, sc->name, ns[i]);
            char line[1024];
            pb_fmt_probes(line, sizeof line, p.nv.r, p.op.r, sc->probes != 0,
                          PB_BACKEND_HTML, NULL);
            any_probes |= line[0] != '\0';
            pb_fmt_counters(line, sizeof line, p.nv.r, p.op.r, sc->counters,
                            PB_BACKEND_HTML);
            any_counters |= line[0] != '\0';
        }
    if (any_reps)
        pb_sb_puts(h, " <span class=\"muted\">Times are medians of the repetitions,"
                   " with their min " NDASH " max and cv below.</span>");
    pb_sb_puts(h, "</p>\n");
    /* One table; with several files two (time, then memory and latency), so
     * that a column per file still fits the page. */
    if (R->n == 1) {
        html_n_table(h, R, comp, sc, ns, k, ref, 1 | 2, any_p99, any_probes, any_counters);
    } else {
        html_n_table(h, R, comp, sc, ns, k, ref, 1, any_p99, any_probes, any_counters);
        html_n_table(h, R, comp, sc, ns, k, ref, 2, any_p99, any_probes, any_counters);
    }
    if (any_probes)
        pb_sb_puts(h, "<p class=\"muted\">Counted by the probes: system calls by the"
                   " kernel's tracepoints, bytes by <code>/proc/self/io</code>,"
                   " statements and VM steps by SQLite, over the measured region"
                   " only; never by the code under test.</p>\n");
    html_sql_facts(h, R, comp, sc, ns, k, ref);
    html_spec_checks(h, R, comp, sc, ns, k);
    pb_sb_puts(h, "<div class=\"charts\">");
    static const char *const kinds[] = { "time", "allocs" };
    for (int i = 0; i < 2; i++)
        pb_rep_chart_figure(h, C, kinds[i], comp->name, sc->name);
    for (const char *const *m = sc->charts; m && *m; m++) {
        char kind[80];
        snprintf(kind, sizeof kind, "metric_%s", *m);
        pb_rep_chart_figure(h, C, kind, comp->name, sc->name);
    }
    for (size_t si = 0; si < R->n; si++) {      /* report --history */
        char kind[32];
        snprintf(kind, sizeof kind, "history_%zu", si);
        pb_rep_chart_figure(h, C, kind, comp->name, sc->name);
    }
    pb_sb_puts(h, "</div>\n");
    if (any_reps)
        pb_sb_puts(h, "<p class=\"muted\">Error bars: min " NDASH " max time of the"
                   " repetitions.</p>\n");
}

/* "Naive: X. Optimized: Y." from a summary "X vs Y"; else the summary. */
static void html_antipattern(sbuf *h, const char *summary)
{
    const char *vs = summary ? strstr(summary, " vs ") : NULL;
    pb_sb_puts(h, "<p class=\"ap\">");
    if (!vs) {
        pb_sb_html(h, summary ? summary : "");
    } else {
        char a[512];
        size_t n = (size_t)(vs - summary);
        snprintf(a, sizeof a, "%.*s", (int)(n < sizeof a ? n : sizeof a - 1), summary);
        if (a[0])
            a[0] = (char)toupper((unsigned char)a[0]);
        pb_sb_puts(h, "<b>Anti-pattern (naive):</b> ");
        pb_sb_html(h, a);
        pb_sb_puts(h, ".<br><b>Fix (optimized):</b> ");
        snprintf(a, sizeof a, "%s", vs + 4);
        if (a[0])
            a[0] = (char)toupper((unsigned char)a[0]);
        pb_sb_html(h, a);
        pb_sb_puts(h, ".");
    }
    pb_sb_puts(h, "</p>\n");
}

/* The component's heap profiles: a table of massif peaks per scenario,
 * then the heap-over-time charts. */
static void html_massif(sbuf *h, const report *R, const charts *C,
                        const pb_component *comp)
{
    const cJSON *ctx = jget(R->massif, "context");
    pb_sb_printf(h, "<h4 id=\"%s-massif\">Heap over time (massif, N = %.0f)</h4>\n",
                 comp->name, jnum(ctx, "n", 0));
    pb_sb_puts(h, "<div class=\"tw\"><table><thead><tr><th>scenario</th><th>ops</th>"
               "<th>naive peak heap</th><th>optimized peak heap</th><th>change</th>"
               "<th>naive extra</th><th>optimized extra</th></tr></thead><tbody>\n");
    for (size_t s = 0; s < comp->n_scenarios; s++) {
        const pb_scenario *sc = &comp->scenarios[s];
        if (!pb_rep_massif_has(R, comp->name, sc->name))
            continue;
        const cJSON *nv = pb_rep_massif_case(R, comp->name, "naive", sc->name);
        const cJSON *op = pb_rep_massif_case(R, comp->name, "optimized", sc->name);
        double a = jnum(nv, "peak_heap_bytes", -1), b = jnum(op, "peak_heap_bytes", -1);
        char fa[32], fb[32], xa[32], xb[32], ch[64] = "-";
        pb_fmt_bytes(fa, sizeof fa, a);
        pb_fmt_bytes(fb, sizeof fb, b);
        pb_fmt_bytes(xa, sizeof xa, jnum(nv, "peak_heap_extra_bytes", -1));
        pb_fmt_bytes(xb, sizeof xb, jnum(op, "peak_heap_extra_bytes", -1));
        if (a > 0 && b >= 0)
            snprintf(ch, sizeof ch, "%+.1f%%", (b / a - 1) * 100);
        pb_sb_printf(h, "<tr><td class=\"l\">%s</td><td class=\"n\">%.0f</td>"
                     "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s"
                     "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                     sc->name, jnum(nv ? nv : op, "ops", 0), fa, fb, ch, xa, xb);
    }
    pb_sb_puts(h, "</tbody></table></div>\n<p class=\"muted\">Each case ran alone"
               " (<code>pairbench exec CASE --ops K</code>) under valgrind's massif:"
               " set-up, one warm-up batch, then K operations. Peak heap is massif's"
               " largest sample of the bytes requested by live blocks, the whole"
               " process's (libc and libstdc++ included); extra is the allocator's"
               " headers and rounding at that peak. Time is instructions executed, so"
               " the longer line ran longer. Profiles from <code>");
    pb_sb_html(h, R->massif_path);
    pb_sb_puts(h, "</code>; ms_print's text beside each <code>.massif</code> file.</p>\n"
               "<div class=\"charts\">");
    for (size_t s = 0; s < comp->n_scenarios; s++)
        pb_rep_chart_figure(h, C, "heap", comp->name, comp->scenarios[s].name);
    pb_sb_puts(h, "</div>\n");
}

static void html_component(sbuf *h, const report *R, const charts *C,
                           const pb_component *comp)
{
    pb_sb_printf(h, "<h2 id=\"%s\">%s</h2>\n", comp->name, comp->name);
    html_antipattern(h, comp->summary);
    pb_sb_puts(h, "<p>Implementations: ");
    for (size_t i = 0; i < comp->n_impls; i++) {
        const pb_impl *im = &comp->impls[i];
        pb_sb_printf(h, "%s%s <code>", i ? "; " : "", im->name);
        pb_sb_html(h, im->source ? im->source : "?");
        pb_sb_puts(h, "</code>");
        if (im->max_n > 0) {
            pb_sb_printf(h, " (runs up to N = %lld: ", (long long)im->max_n);
            pb_sb_html(h, im->cap_reason ? im->cap_reason : "capped");
            pb_sb_puts(h, ")");
        }
        if (im->library) {
            pb_sb_puts(h, " (peer: ");
            pb_sb_html(h, im->library);
            pb_sb_puts(h, ")");
        }
    }
    pb_sb_puts(h, ".</p>\n");
    if (comp->peer_notes) {
        pb_sb_puts(h, "<p><b>Where the optimized implementation trails a peer:</b> ");
        pb_sb_html(h, comp->peer_notes);
        pb_sb_puts(h, "</p>\n");
    }

    /* Fits and crossovers, one row per scenario. */
    pb_sb_puts(h, "<h4>Fitted complexity and crossover</h4>\n<div class=\"tw\"><table>");
    const char *lead[] = { "scenario" };
    const char *groups[] = { "naive fit", "optimized fit", "crossover" };
    html_group_head(h, R, lead, 1, groups, 3);
    pb_sb_puts(h, "<tbody>\n");
    for (size_t s = 0; s < comp->n_scenarios; s++) {
        const pb_scenario *sc = &comp->scenarios[s];
        int64_t ns[MAX_SIZES];
        size_t k = pb_rep_scenario_sizes(R, comp->name, sc->name, ns);
        if (!k)
            continue;
        pb_sb_printf(h, "<tr><td class=\"l\"><a href=\"#%s-%s\">%s</a></td>", comp->name,
                     sc->name, sc->name);
        for (int im = 0; im < 2; im++)
            for (size_t si = 0; si < R->n; si++) {
                char f[128];
                pb_rep_fmt_fit(f, sizeof f, &R->s[si], comp->name, pb_rep_impl_names[im],
                               sc->name);
                html_td(h, "n", f);      /* big_o is the file's text */
            }
        for (size_t si = 0; si < R->n; si++) {
            char x[200];
            pb_rep_fmt_crossover(x, sizeof x, &R->s[si], comp->name, sc->name, 0);
            pb_sb_puts(h, "<td class=\"l\">");
            pb_sb_html(h, x);
            pb_sb_puts(h, "</td>");
        }
        pb_sb_puts(h, "</tr>\n");
    }
    pb_sb_puts(h, "</tbody></table></div>\n<p class=\"muted\">Fit: Google Benchmark's"
               " least-squares fit of time per op against N, with its relative RMS"
               " (a high RMS: no simple curve fits); then, where the run counted them"
               " (<code>run --instr-fits</code>, the scenarios complexity claims name),"
               " the same fit of instructions per op under callgrind, on which those"
               " claims are judged. The two differ when the time per instruction"
               " changes with N: a structure that outgrows the caches costs more per"
               " instruction (a flat instruction count with a wall-time fit of lgN or"
               " N is the memory hierarchy, not the algorithm). Crossover: the smallest"
               " N from which the optimized implementation is faster at every larger N"
               " measured for both.</p>\n");

    if (comp->n_claims) {
        pb_sb_puts(h, "<h4>Claims</h4>\n");
        html_claims(h, R, comp);
    }
    if (R->massif && pb_rep_massif_has_component(R, comp))
        html_massif(h, R, C, comp);

    for (size_t s = 0; s < comp->n_scenarios; s++) {
        int64_t ns[MAX_SIZES];
        size_t k = pb_rep_scenario_sizes(R, comp->name, comp->scenarios[s].name, ns);
        if (k)
            html_scenario(h, R, C, comp, &comp->scenarios[s], ns, k);
    }
}


void pb_rep_html_page(sbuf *h, const report *R, const charts *C, const warnings *w)
{
    char now[64];
    pb_rep_now_utc(now, sizeof now);
    pb_sb_puts(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>pairbench report</title>\n<style>");
    pb_sb_puts(h, css);
    pb_sb_puts(h, "</style>\n</head>\n<body>\n<h1>pairbench report</h1>\n"
               "<p class=\"muted\">Naive vs optimized implementations of the same"
               " component, driven through the same scenarios by Google Benchmark."
               " From ");
    for (size_t si = 0; si < R->n; si++) {
        char d[64];
        const char *date = pb_rep_ctx_text(&R->s[si], "date", d, sizeof d);
        pb_sb_puts(h, si ? ", " : "");
        pb_sb_puts(h, "<code>");
        pb_sb_html(h, R->s[si].path);
        pb_sb_puts(h, "</code> (");
        pb_sb_html(h, R->s[si].label);
        if (date) {
            pb_sb_puts(h, ", run ");
            pb_sb_html(h, date);
        }
        pb_sb_puts(h, ")");
    }
    pb_sb_printf(h, "; generated %s.</p>\n<nav><a href=\"#overview\">Overview</a>"
                 "<a href=\"#claims\">Claims</a><a href=\"#environment\">Environment</a>",
                 now);
    for (size_t c = 0; R->comps[c]; c++)
        if (pb_is_pair(R->comps[c]) && pb_rep_component_ran(R, R->comps[c]))
            pb_sb_printf(h, "<a href=\"#%s\">%s</a>", R->comps[c]->name, R->comps[c]->name);
    pb_sb_puts(h, "</nav>\n");
    html_overview(h, R, w);
    html_environment(h, R);
    for (size_t c = 0; R->comps[c]; c++)
        if (pb_is_pair(R->comps[c]) && pb_rep_component_ran(R, R->comps[c]))
            html_component(h, R, C, R->comps[c]);
    pb_sb_puts(h, "<p class=\"muted\" style=\"margin-top:32px\">Generated by"
               " <code>pairbench report</code>. Charts drawn by gnuplot.</p>\n"
               "</body>\n</html>\n");
}
