/*
 * The report's summary, summary.md: the overview as GitHub-flavoured
 * Markdown (warnings, pairs at their reference N, claims, environment),
 * for a CI job summary.
 */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

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
        for (size_t i = 0; i < w->n; i++) {
            char pre[256];
            pb_rep_warn_prefix(R, w->mask[i], pre, sizeof pre);
            pb_sb_puts(m, "- ");
            if (pre[0]) {
                pb_sb_puts(m, "**");
                pb_sb_md(m, pre);
                pb_sb_puts(m, "**");
            }
            pb_sb_md(m, w->text[i]);
            pb_sb_puts(m, "\n");
        }
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
               " optimized.\n\n| pair | N |");
    static const char *const cols[] = { "time per op", "speed-up", "allocs per op",
                                        "crossover" };
    for (size_t g = 0; g < 4 && pairs; g++)
        for (size_t si = 0; si < R->n; si++) {
            pb_sb_printf(m, " %s", cols[g]);
            if (R->n > 1) {
                pb_sb_puts(m, " (");
                pb_sb_md(m, R->s[si].label);
                pb_sb_puts(m, ")");
            }
            pb_sb_puts(m, " |");
        }
    if (pairs) {
        pb_sb_puts(m, "\n| --- | ---: |");
        for (size_t i = 0; i < 4 * R->n; i++)
            pb_sb_puts(m, " ---: |");
        pb_sb_puts(m, "\n");
    }
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
            int64_t ref = pb_rep_reference_n(R, comp->name, sc->name, ns, k);
            pair_at p[MAX_SERIES];
            for (size_t si = 0; si < R->n; si++)
                p[si] = pb_rep_pair_of(&R->s[si], comp->name, sc->name, ref);
            pb_sb_printf(m, "| %s/%s | %lld |", comp->name, sc->name, (long long)ref);
            for (size_t si = 0; si < R->n; si++) {
                char a[32], b[32];
                pb_fmt_time(a, sizeof a, p[si].nv.r ? p[si].nv.r->ns_per_op : -1, PB_BACKEND_MARKDOWN);
                pb_fmt_time(b, sizeof b, p[si].op.r ? p[si].op.r->ns_per_op : -1, PB_BACKEND_MARKDOWN);
                if (!p[si].nv.r && !p[si].op.r)
                    pb_sb_puts(m, " - |");
                else
                    pb_sb_printf(m, " %s " ARROW " %s |", a, b);
            }
            for (size_t si = 0; si < R->n; si++) {
                char r[32];
                pb_fmt_ratio(r, sizeof r, p[si].speedup, PB_BACKEND_MARKDOWN);
                pb_sb_printf(m, " %s%s%s%s |", p[si].speedup >= 0 ? "**" : "", r,
                             p[si].speedup >= 0 ? "**" : "",
                             p[si].untrusted ? " (noisy: cv above limit)" : "");
            }
            for (size_t si = 0; si < R->n; si++) {
                char a[96];
                pb_fmt_reduction(a, sizeof a, p[si].nv.r ? p[si].nv.r->allocs_per_op : -1,
                                     p[si].op.r ? p[si].op.r->allocs_per_op : -1, PB_BACKEND_MARKDOWN);
                pb_sb_puts(m, " ");
                pb_sb_md(m, a);
                pb_sb_puts(m, " |");
            }
            for (size_t si = 0; si < R->n; si++) {
                char x[160];
                pb_rep_fmt_crossover(x, sizeof x, &R->s[si], comp->name, sc->name, 1);
                pb_sb_puts(m, " ");
                pb_sb_md(m, x);
                pb_sb_puts(m, " |");
            }
            pb_sb_puts(m, "\n");
        }
    }

    int count[4];
    char ids[4][512];
    pb_rep_claim_tally(R, count, ids);
    pb_sb_printf(m, "\n## Claims of the seeds\n\n**%d hold**%s%s · **%d do%s not hold**"
                 "%s%s · %d not measured%s%s\n\n", count[V_HOLDS],
                 count[V_HOLDS] ? ": " : "", ids[V_HOLDS], count[V_FAILS],
                 count[V_FAILS] == 1 ? "es" : "", count[V_FAILS] ? ": " : "",
                 ids[V_FAILS], count[V_UNMEASURED], count[V_UNMEASURED] ? ": " : "",
                 ids[V_UNMEASURED]);
    pb_sb_puts(m, "| claim | component | in the seed's words | threshold |");
    for (size_t si = 0; si < R->n; si++) {
        pb_sb_puts(m, " verdict");
        if (R->n > 1) {
            pb_sb_puts(m, " (");
            pb_sb_md(m, R->s[si].label);
            pb_sb_puts(m, ")");
        }
        pb_sb_puts(m, " |");
    }
    pb_sb_puts(m, "\n| --- | --- | --- | --- |");
    for (size_t si = 0; si < R->n; si++)
        pb_sb_puts(m, " --- |");
    pb_sb_puts(m, "\n");
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_rep_component_ran(R, comp))
            continue;
        for (size_t k = 0; k < comp->n_claims; k++) {
            const pb_claim *cl = &comp->claims[k];
            char meas[PB_CLAIM_TEXT], thr_text[48];
            const char *thr = pb_rep_claim_threshold(R, comp->name, k,
                                                     PB_BACKEND_MARKDOWN, thr_text,
                                                     sizeof thr_text);
            pb_sb_puts(m, "| ");
            pb_sb_md(m, cl->id);
            pb_sb_printf(m, " | %s | ", comp->name);
            pb_sb_md(m, cl->words);
            pb_sb_puts(m, " | ");
            pb_sb_md(m, thr ? thr : "-");
            pb_sb_puts(m, " |");
            for (size_t si = 0; si < R->n; si++) {
                const pb_claim_result *x = pb_rep_claim_in(&R->s[si], comp->name, k);
                verdict v = pb_rep_verdict_of(x);
                if (x)
                    pb_fmt_claim(meas, sizeof meas, thr_text, sizeof thr_text, x,
                                 PB_BACKEND_MARKDOWN);
                pb_sb_puts(m, v == V_HOLDS ? " ✅ holds" : v == V_FAILS ? " ❌ **does not hold**"
                         : v == V_UNMEASURED ? " not measured" : " not in this file");
                if (x && (v == V_HOLDS || v == V_FAILS)) {
                    pb_sb_puts(m, ": ");
                    pb_sb_md(m, meas);
                }
                pb_sb_puts(m, " |");
            }
            pb_sb_puts(m, "\n");
        }
    }

    pb_sb_puts(m, "\n## Environment\n\n|  |");
    for (size_t si = 0; si < R->n; si++) {
        pb_sb_puts(m, " ");
        pb_sb_md(m, R->s[si].label);
        pb_sb_puts(m, " |");
    }
    pb_sb_puts(m, "\n| --- |");
    for (size_t si = 0; si < R->n; si++)
        pb_sb_puts(m, " --- |");
    pb_sb_puts(m, "\n");
    for (size_t i = 0; i < pb_rep_n_env_rows; i++) {
        if (!strcmp(pb_rep_env_rows[i][1], "pairbench_command") ||
            !strcmp(pb_rep_env_rows[i][1], "capped"))
            continue;
        pb_sb_printf(m, "| %s |", pb_rep_env_rows[i][0]);
        for (size_t si = 0; si < R->n; si++) {
            char v[1024];
            pb_rep_env_value(&R->s[si], pb_rep_env_rows[i][1], v, sizeof v);
            pb_sb_puts(m, " ");
            pb_sb_md(m, v);
            pb_sb_puts(m, " |");
        }
        pb_sb_puts(m, "\n");
    }
}
