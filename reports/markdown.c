/*
 * The report's summary, summary.md: the overview as GitHub-flavoured
 * Markdown (warnings, pairs at their reference N, claims, environment),
 * for a CI job summary.
 */
#include <stdio.h>

#include "report_internal.h"

/* A table cell holding text, after the row's leading "|". */
static void md_td(sbuf *m, const char *text)
{
    pb_sb_puts(m, " ");
    pb_sb_md(m, text);
    pb_sb_puts(m, " |");
}

/* Header cells for column groups of one column per series, labelled by
 * the series when there are several: "speed-up (glibc)". */
static void md_group_head(sbuf *m, const report *R, const char *const *groups,
                          size_t n_groups)
{
    for (size_t g = 0; g < n_groups; g++)
        for (size_t si = 0; si < R->n; si++) {
            pb_sb_printf(m, " %s", groups[g]);
            if (R->n > 1) {
                pb_sb_puts(m, " (");
                pb_sb_md(m, R->s[si].label);
                pb_sb_puts(m, ")");
            }
            pb_sb_puts(m, " |");
        }
}

static void md_warning_row(sbuf *m, const char *prefix, const char *text)
{
    pb_sb_puts(m, "- ");
    if (prefix[0]) {
        pb_sb_puts(m, "**");
        pb_sb_md(m, prefix);
        pb_sb_puts(m, "**");
    }
    pb_sb_md(m, text);
    pb_sb_puts(m, "\n");
}

/* A row of the pairs table (the reference N as a number, 0 for none). */
static void md_pair_row(sbuf *m, const report *R, const ov_pair *p)
{
    pb_sb_printf(m, "| %s/%s | %lld |", p->comp->name, p->sc->name, (long long)p->ref);
    for (size_t si = 0; si < R->n; si++)
        md_td(m, p->s[si].time);
    for (size_t si = 0; si < R->n; si++) {
        const char *bold = p->s[si].speedup >= 0 ? "**" : "";
        pb_sb_puts(m, " ");
        pb_sb_puts(m, bold);
        pb_sb_md(m, p->s[si].ratio);
        pb_sb_puts(m, bold);
        pb_sb_puts(m, p->s[si].untrusted ? " (noisy: cv above limit) |" : " |");
    }
    for (size_t si = 0; si < R->n; si++)
        md_td(m, p->s[si].allocs);
    for (size_t si = 0; si < R->n; si++)
        md_td(m, p->s[si].crossover);
    if (pb_rep_any_peer(R))
        for (size_t si = 0; si < R->n; si++)
            md_td(m, p->s[si].peer);
    pb_sb_puts(m, "\n");
}

/* A line of the probes section: what the probes counted at the pair's
 * reference N, when they counted anything. */
static void md_probe_row(sbuf *m, const report *R, const ov_pair *p)
{
    if (!p->ref)
        return;
    for (size_t si = 0; si < R->n; si++) {
        pair_at x = pb_rep_pair_of(&R->s[si], p->comp->name, p->sc->name, p->ref);
        char line[1024];
        pb_fmt_probes(line, sizeof line, x.nv.r, x.op.r, p->sc->probes != 0,
                      PB_BACKEND_MARKDOWN, NULL);
        if (!line[0])
            continue;
        pb_sb_printf(m, "- %s/%s, N = %lld", p->comp->name, p->sc->name,
                     (long long)p->ref);
        if (R->n > 1) {
            pb_sb_puts(m, " (");
            pb_sb_md(m, R->s[si].label);
            pb_sb_puts(m, ")");
        }
        pb_sb_puts(m, ": ");
        pb_sb_md(m, line);
        pb_sb_puts(m, "\n");
    }
}

static void md_claim_row(sbuf *m, const report *R, const ov_claim *c)
{
    pb_sb_puts(m, "| ");
    pb_sb_md(m, c->claim->id);
    pb_sb_printf(m, " | %s | ", c->comp->name);
    pb_sb_md(m, c->claim->words);
    pb_sb_puts(m, " | ");
    pb_sb_md(m, c->threshold);
    pb_sb_puts(m, " |");
    for (size_t si = 0; si < R->n; si++) {
        verdict v = c->s[si].v;
        pb_sb_puts(m, v == V_HOLDS ? " ✅ holds" : v == V_FAILS ? " ❌ **does not hold**"
                   : v == V_INCONCLUSIVE ? " ❔ inconclusive"
                   : v == V_UNMEASURED ? " not measured" : " not in this file");
        if (c->s[si].measured && (v == V_HOLDS || v == V_FAILS || v == V_INCONCLUSIVE)) {
            pb_sb_puts(m, ": ");
            pb_sb_md(m, c->s[si].measured);
        }
        pb_sb_puts(m, " |");
    }
    pb_sb_puts(m, "\n");
}

/* An environment row; those for the page only are left out. */
static void md_env_row(sbuf *m, const report *R, const ov_env *e)
{
    if (e->page_only)
        return;
    pb_sb_printf(m, "| %s |", e->label);
    for (size_t si = 0; si < R->n; si++)
        md_td(m, e->value[si]);
    pb_sb_puts(m, "\n");
}

void pb_rep_md_summary(sbuf *m, const report *R, const warnings *w)
{
    char now[64];
    pb_rep_now_utc(now, sizeof now);
    pb_sb_puts(m, "# pairbench report\n\nFrom ");
    for (size_t si = 0; si < R->n; si++) {
        char d[64];
        const char *date = pb_rep_ctx_text(&R->s[si], "date", d, sizeof d);
        char rev[64];
        const char *git = pb_rep_ctx_text(&R->s[si], "git_revision", rev, sizeof rev);
        pb_sb_puts(m, si ? ", " : "");
        pb_sb_md(m, R->s[si].path);
        pb_sb_puts(m, " (");
        pb_sb_md(m, R->s[si].label);
        if (date) {
            pb_sb_puts(m, ", run ");
            pb_sb_md(m, date);
        }
        if (git) {
            pb_sb_puts(m, ", git ");
            pb_sb_md(m, git);
        }
        pb_sb_puts(m, ")");
    }
    pb_sb_printf(m, "; generated %s. Charts and per-N tables: `index.html` beside"
                 " this file.\n\n", now);

    if (w->n) {
        pb_sb_puts(m, "**Read with care**\n\n");
        pb_rep_each_warning(m, R, w, md_warning_row);
        pb_sb_puts(m, "\n");
    }

    int pairs = 0;
    for (size_t c = 0; R->comps[c]; c++)
        pairs |= pb_is_pair(R->comps[c]) && pb_rep_component_ran(R, R->comps[c]);
    if (!pairs)
        pb_sb_puts(m, "## Pairs at their reference N\n\nNo naive/optimized pair ran in"
                   " these results.\n");
    else
        pb_sb_puts(m, "## Pairs at their reference N\n\nReference N: the largest N"
               " measured for both implementations. Speed-up = naive / optimized"
               " time per op (medians when repeated); arrows read naive " ARROW
               " optimized.");
    static const char *const cols[] = { "time per op", "speed-up", "allocs per op",
                                        "crossover", "best peer: optimized/peer" };
    size_t n_cols = pb_rep_any_peer(R) ? 5 : 4;
    if (pairs && n_cols == 5)
        pb_sb_puts(m, " Best peer: the fastest implementation on a well-known library at"
                   " the reference N, with the optimized time over its time (above 1:"
                   " the peer is faster).");
    if (pairs)
        pb_sb_puts(m, "\n\n| pair | N |");
    if (pairs) {
        md_group_head(m, R, cols, n_cols);
        pb_sb_puts(m, "\n| --- | ---: |");
        for (size_t i = 0; i < n_cols * R->n; i++)
            pb_sb_puts(m, " ---: |");
        pb_sb_puts(m, "\n");
    }
    pb_rep_each_pair(m, R, PB_BACKEND_MARKDOWN, md_pair_row);

    sbuf probes = { 0 };
    pb_rep_each_pair(&probes, R, PB_BACKEND_MARKDOWN, md_probe_row);
    if (probes.len) {
        pb_sb_puts(m, "\n## Counted by the probes\n\nPer op at the reference N,"
                   " naive " ARROW " optimized: system calls counted by the kernel,"
                   " statements by SQLite, never by the code under test.\n\n");
        pb_sb_putn(m, probes.p, probes.len);
    }
    m->oom |= probes.oom;
    pb_sb_free(&probes);

    int count[V_KINDS];
    char ids[V_KINDS][512];
    pb_rep_claim_tally(R, count, ids);
    pb_sb_printf(m, "\n## Claims of the seeds\n\n**%d hold**%s%s · **%d do%s not hold**"
                 "%s%s · %d inconclusive%s%s · %d not measured%s%s\n\n", count[V_HOLDS],
                 count[V_HOLDS] ? ": " : "", ids[V_HOLDS], count[V_FAILS],
                 count[V_FAILS] == 1 ? "es" : "", count[V_FAILS] ? ": " : "",
                 ids[V_FAILS], count[V_INCONCLUSIVE], count[V_INCONCLUSIVE] ? ": " : "",
                 ids[V_INCONCLUSIVE], count[V_UNMEASURED], count[V_UNMEASURED] ? ": " : "",
                 ids[V_UNMEASURED]);
    pb_sb_puts(m, "| claim | component | in the seed's words | threshold |");
    static const char *const verdict_col[] = { "verdict" };
    md_group_head(m, R, verdict_col, 1);
    pb_sb_puts(m, "\n| --- | --- | --- | --- |");
    for (size_t si = 0; si < R->n; si++)
        pb_sb_puts(m, " --- |");
    pb_sb_puts(m, "\n");
    pb_rep_each_claim(m, R, NULL, PB_BACKEND_MARKDOWN, md_claim_row);

    pb_sb_puts(m, "\n## Environment\n\n|  |");
    for (size_t si = 0; si < R->n; si++)
        md_td(m, R->s[si].label);
    pb_sb_puts(m, "\n| --- |");
    for (size_t si = 0; si < R->n; si++)
        pb_sb_puts(m, " --- |");
    pb_sb_puts(m, "\n");
    pb_rep_each_env(m, R, md_env_row);
}
