/*
 * The report's warnings: what makes the numbers less trustworthy (a debug
 * build, CPU frequency scaling, a quick pass, a busy machine, noisy rows,
 * files that do not belong together, unknown components), each with the
 * series it applies to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

/* Adds a warning for one series (or merges it with the same text);
 * returns its index, or -1 when the list is full. */
__attribute__((format(printf, 3, 4)))
static int warn_add(warnings *w, size_t series_index, const char *fmt, ...)
{
    char t[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->text[i], t) == 0) {
            w->mask[i] |= 1u << series_index;
            return (int)i;
        }
    if (w->n == MAX_WARN)
        return -1;
    memcpy(w->text[w->n], t, sizeof t);
    w->mask[w->n] = 1u << series_index;
    return (int)w->n++;
}

/* Rows whose cv is above the trust limit, as "comp/impl/scen/N (cv 12%)". */
static void untrusted_rows(const series *s, char *buf, size_t cap, size_t *count)
{
    size_t used = 0, shown = 0;
    *count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->an->n_noisy; i++) {
        const pb_result *r = s->an->noisy[i];
        (*count)++;
        if (shown < 6 && used < cap) {
            used += (size_t)snprintf(buf + used, cap - used, "%s%s (cv %.0f%%)",
                                     shown ? ", " : "", r->case_name, r->cv * 100);
            shown++;
        }
    }
    if (*count > shown && used < cap)
        snprintf(buf + used, cap - used, " and %zu more", *count - shown);
}

void pb_rep_collect_warnings(const report *R, warnings *w)
{
    for (size_t i = 0; i < R->n; i++) {
        const series *s = &R->s[i];
        char buf[64];
        if (pb_rep_ctx_is(s, "library_build_type", "debug"))
            warn_add(w, i, "Google Benchmark itself was built as debug (without"
                     " NDEBUG). Its bookkeeping runs once per batch, so times per"
                     " operation are barely affected, but a release build of the"
                     " library is the reference.");
        if (pb_rep_ctx_is(s, "cpu_scaling_enabled", "true"))
            warn_add(w, i, "CPU frequency scaling was enabled: times vary with the"
                     " clock; set the governor to performance for stable numbers.");
        if (pb_rep_ctx_is(s, "alloc_tracking", "off"))
            warn_add(w, i, "Allocation tracking was off (a sanitizer build): no"
                     " allocation counts, bytes or peak heap.");
        if (pb_rep_ctx_is(s, "quick", "true"))
            warn_add(w, i, "Numbers from a short pass (--quick: 0.01 s of measured"
                     " time per case): indicative only, not for publishing.");
        const char *bt = pb_rep_ctx_text(s, "build_type", buf, sizeof buf);
        if (bt && (strstr(bt, "san") || strstr(bt, "Debug") || strstr(bt, "debug")))
            warn_add(w, i, "pairbench was built as %s: timings are not"
                     " representative of an optimized build.", bt);
        const cJSON *load = jget(s->context, "load_avg");
        double cpus = jnum(s->context, "num_cpus", 0);
        if (cJSON_IsArray(load) && cJSON_IsNumber(cJSON_GetArrayItem(load, 0)) &&
            cpus > 0 && cJSON_GetArrayItem(load, 0)->valuedouble >= cpus)
            warn_add(w, i, "The machine was busy: load average %.2f on %.0f CPUs"
                     " when the run started.",
                     cJSON_GetArrayItem(load, 0)->valuedouble, cpus);
        if (!s->had_block)
            warn_add(w, i, "No \"pairbench\" analysis block in the file (not"
                     " written by pairbench run): the analysis was redone from its"
                     " rows with this build's claims.");
        size_t count;
        char rows[1024];
        untrusted_rows(s, rows, sizeof rows, &count);
        if (count)
            warn_add(w, i, "%zu case%s vary more than the trust limit (cv above"
                     " %.0f%% over the repetitions): %s. Run again or with more"
                     " repetitions before believing %s.", count,
                     count == 1 ? "" : "s", s->cv_limit * 100, rows,
                     count == 1 ? "it" : "them");
    }
    /* Files that do not belong together. */
    static const char *const same[] = { "host_name", "git_revision", "build_type" };
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        for (size_t i = 1; i < R->n; i++) {
            const char *a = jstr(R->s[0].context, same[k]);
            const char *b = jstr(R->s[i].context, same[k]);
            if (a && b && strcmp(a, b)) {
                int at = warn_add(w, 0, "The files differ in %s (%s vs %s):"
                                  " differences between the columns are not only"
                                  " the allocator's.", same[k], a, b);
                if (at >= 0)
                    w->mask[at] = (1u << R->n) - 1;
                break;
            }
        }
    /* Components this build does not know. */
    char unknown[256] = "";
    for (size_t i = 0; i < R->n; i++)
        for (size_t j = 0; j < pb_resultset_count(R->s[i].rs); j++) {
            char c[96], im[96], sc[96];
            int64_t n;
            if (!pb_rep_parse_case(pb_resultset_at(R->s[i].rs, j)->case_name, c, im,
                                   sc, sizeof c, &n))
                continue;
            int known = 0;
            for (size_t k = 0; R->comps[k]; k++)
                known |= strcmp(R->comps[k]->name, c) == 0;
            char tok[100];
            snprintf(tok, sizeof tok, " %s ", c);
            char hay[260];
            snprintf(hay, sizeof hay, " %s ", unknown);
            if (!known && !strstr(hay, tok) && strlen(unknown) + strlen(c) + 2 < sizeof unknown)
                snprintf(unknown + strlen(unknown), sizeof unknown - strlen(unknown),
                         "%s%s", unknown[0] ? " " : "", c);
        }
    if (unknown[0]) {
        int at = warn_add(w, 0, "The results hold components this build of"
                          " pairbench does not know (%s): they are left out.",
                          unknown);
        if (at >= 0)
            w->mask[at] = (1u << R->n) - 1;
    }
}

/* "glibc, jemalloc: " when a warning applies to some of several series. */
static void warn_prefix(const report *R, unsigned mask, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (R->n < 2 || mask == (1u << R->n) - 1)
        return;
    size_t used = 0;
    for (size_t i = 0; i < R->n && used < cap; i++)
        if (mask & (1u << i))
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "",
                                     R->s[i].label);
    if (used < cap)
        snprintf(buf + used, cap - used, ": ");
}

void pb_rep_each_warning(sbuf *out, const report *R, const warnings *w,
                         pb_rep_warning_row *row)
{
    for (size_t i = 0; i < w->n; i++) {
        char pre[256];
        warn_prefix(R, w->mask[i], pre, sizeof pre);
        row(out, pre, w->text[i]);
    }
}
