/*
 * The report's charts: per scenario a log-log time chart, an allocations
 * chart and one chart per metric it asks for (pb_scenario.charts: its peak
 * heap, its counters), with --history per file the speed-up over the runs
 * of its machine, per massif profile a heap-over-time chart, written as
 * one gnuplot script, drawn by one gnuplot process as SVG, and inlined into
 * the page with their ids made unique. Every text of the script is a
 * single-quoted string written by pb_sb_gp, in which gnuplot substitutes
 * nothing (it runs `...` through the shell in a double-quoted one); the
 * data are inline blocks of numbers.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_internal.h"

static chart *chart_new(charts *C, const char *kind, const char *comp,
                        const char *scen, const char *what)
{
    if (C->n == C->cap) {
        size_t cap = C->cap ? C->cap * 2 : 32;
        chart *p = realloc(C->c, cap * sizeof *p);
        if (!p) {
            C->script.oom = 1;
            return NULL;
        }
        C->c = p;
        C->cap = cap;
    }
    chart *ch = &C->c[C->n++];
    memset(ch, 0, sizeof *ch);
    snprintf(ch->id, sizeof ch->id, "chart-%s-%s-%s", kind, comp, scen);
    snprintf(ch->title, sizeof ch->title, "%s/%s: %s", comp, scen, what);
    return ch;
}

/* Common chart set-up: title, N on a log axis with a tic at every N. */
static void gp_begin(sbuf *g, const chart *ch, const int64_t *ns, size_t k)
{
    pb_sb_puts(g, "reset\nset encoding utf8\nset micro\n");
    pb_sb_puts(g, "set title ");
    pb_sb_gp(g, ch->title);
    pb_sb_puts(g, "\nset xlabel 'N'\nset logscale x 10\nset xtics (");
    for (size_t i = 0; i < k; i++) {
        char t[32];
        pb_fmt_n(t, sizeof t, ns[i]);
        pb_sb_puts(g, i ? ", " : "");
        pb_sb_gp(g, t);
        pb_sb_printf(g, " %lld", (long long)ns[i]);
    }
    pb_sb_printf(g, ")\nset xrange [%g:%g]\n", (double)ns[0] / 1.6,
                 (double)ns[k - 1] * 1.6);
    pb_sb_puts(g, "set border 3\nset tics nomirror\nset grid lc rgb '#e2e2e2'\n"
               "set key below horizontal\nset bars small\n");
}

static void gp_no_data_note(sbuf *g, const char *words)
{
    pb_sb_puts(g, "unset border\nunset tics\nunset key\nunset grid\nunset logscale\n"
               "unset xlabel\nset xrange [0:1]\nset yrange [0:1]\nset label 1 ");
    pb_sb_gp(g, words);
    pb_sb_puts(g, " at graph 0.5,0.5 center\nplot 2 notitle\n");
}

static const char *const impl_colors[2] = { "#c0392b", "#1f6fb4" };
static const int point_types[5] = { 7, 5, 9, 11, 13 };

/* Ends a chart: the plot command of the clauses in plot or, with none, a
 * note saying no_data; frees plot. */
static void gp_plot(sbuf *g, sbuf *plot, const char *no_data)
{
    if (plot->oom)
        g->oom = 1;
    if (plot->len) {
        pb_sb_puts(g, "plot ");
        pb_sb_putn(g, plot->p, plot->len);
        pb_sb_puts(g, "\n");
    } else {
        gp_no_data_note(g, no_data);
    }
    pb_sb_free(plot);
}

/* Writes the data line of cell x at N into g; 0 to leave N out. */
typedef int n_point(sbuf *g, const cell *x, int64_t n, void *acc);

/* The lines of a chart against N: per series and implementation a data
 * block $<var><chart>_<series>_<impl> of what point writes at each N and,
 * when it has any, a clause in plot (with error bars from columns 3 and 4
 * when errorbars is set and the series has repetitions). */
static void n_lines(sbuf *g, sbuf *plot, const report *R, const pb_component *c,
                    const pb_scenario *sc, const int64_t *ns, size_t k, char var,
                    size_t idx, int errorbars, n_point *point, void *acc)
{
    for (size_t si = 0; si < R->n; si++)
        for (int im = 0; im < 2; im++) {
            int points = 0;
            pb_sb_printf(g, "$%c%zu_%zu_%d << EOD\n", var, idx, si, im);
            for (size_t i = 0; i < k; i++) {
                cell x = pb_rep_get_cell(&R->s[si], c->name, pb_rep_impl_names[im],
                                         sc->name, ns[i]);
                points += point(g, &x, ns[i], acc);
            }
            pb_sb_puts(g, "EOD\n");
            if (!points)
                continue;
            int bars = errorbars && R->s[si].repetitions > 1;
            char title[sizeof R->s[si].label + 16];
            snprintf(title, sizeof title, "%s%s%s", pb_rep_impl_names[im],
                     R->n > 1 ? ", " : "", R->n > 1 ? R->s[si].label : "");
            pb_sb_printf(plot, "%s$%c%zu_%zu_%d using 1:2%s with %s lw 2 lc rgb '%s'"
                         " dt %zu pt %d ps 0.8 title ", plot->len ? ", " : "", var,
                         idx, si, im, bars ? ":3:4" : "", bars ? "yerrorlines" : "linespoints",
                         impl_colors[im], si % 4 + 1, point_types[si % 5]);
            pb_sb_gp(plot, title);
        }
}

/* Time per op in seconds, with the min..max of the repetitions. */
static int time_point(sbuf *g, const cell *x, int64_t n, void *acc)
{
    (void)acc;
    if (!x->r || !(x->r->ns_per_op > 0))
        return 0;
    double lo = x->reps > 1 && x->lo > 0 ? x->lo : x->r->ns_per_op;
    double hi = x->reps > 1 && x->hi > 0 ? x->hi : x->r->ns_per_op;
    pb_sb_printf(g, "%lld %.6g %.6g %.6g\n", (long long)n, x->r->ns_per_op * 1e-9,
                 lo * 1e-9, hi * 1e-9);
    return 1;
}

/* The log-log time chart of one scenario: per series and implementation
 * the median time per op against N, with min..max error bars when the
 * series has repetitions. */
static void chart_time(charts *C, const report *R, const pb_component *c,
                       const pb_scenario *sc, const int64_t *ns, size_t k)
{
    chart *ch = chart_new(C, "time", c->name, sc->name, "time per operation");
    if (!ch)
        return;
    sbuf *g = &C->script, plot = { 0 };
    gp_begin(g, ch, ns, k);
    n_lines(g, &plot, R, c, sc, ns, k, 't', C->n - 1, 1, time_point, NULL);
    if (plot.len)
        pb_sb_puts(g, "set logscale y 10\nset format y '%.0s %cs'\n"
                   "set ylabel 'time per operation (log scale)'\n");
    gp_plot(g, &plot, "no time measured for this scenario");
}

/* Allocations per op; acc is the {smallest, largest} value so far. */
static int allocs_point(sbuf *g, const cell *x, int64_t n, void *acc)
{
    double *range = acc;
    if (!x->r || x->r->allocs_per_op < 0)
        return 0;
    double v = x->r->allocs_per_op;
    pb_sb_printf(g, "%lld %.6g\n", (long long)n, v);
    if (range[0] < 0 || v < range[0])
        range[0] = v;
    if (v > range[1])
        range[1] = v;
    return 1;
}

/* The allocations chart of one scenario: allocations per op against N (log
 * N; log y only when every value is positive and they span 20x). */
static void chart_allocs(charts *C, const report *R, const pb_component *c,
                         const pb_scenario *sc, const int64_t *ns, size_t k)
{
    chart *ch = chart_new(C, "allocs", c->name, sc->name, "allocations per operation");
    if (!ch)
        return;
    sbuf *g = &C->script, plot = { 0 };
    double range[2] = { -1, -1 };
    gp_begin(g, ch, ns, k);
    n_lines(g, &plot, R, c, sc, ns, k, 'a', C->n - 1, 0, allocs_point, range);
    double lo = range[0], hi = range[1];
    if (plot.len) {
        if (lo > 0 && hi / lo >= 20)
            pb_sb_puts(g, "set logscale y 10\nset format y '%g'\n");
        else
            pb_sb_printf(g, "set yrange [0:%g]\n", hi > 0 ? hi * 1.15 : 1.0);
        if (hi == 0)
            pb_sb_puts(g, "set label 1 'no allocation in the measured region, at"
                       " any N' at graph 0.5,0.6 center\n");
        pb_sb_puts(g, "set ylabel 'allocations per operation'\n");
    }
    gp_plot(g, &plot, "no allocation counts in these results"
                      " (allocation tracking was off)");
}

/* A metric a scenario asks to see against N (pb_scenario.charts): its
 * peak heap in KiB, or one of its counters per op; acc is the metric's
 * name, whether it is the heap, and the {smallest, largest} value so far. */
typedef struct metric_acc {
    const char *name;
    int         heap;
    double      range[2];
} metric_acc;

static int metric_point(sbuf *g, const cell *x, int64_t n, void *acc)
{
    metric_acc *m = acc;
    if (!x->r)
        return 0;
    double v = m->heap ? x->r->peak_heap_bytes : pb_result_counter(x->r, m->name);
    if (v < 0)
        return 0;
    if (m->heap)
        v /= 1024;
    pb_sb_printf(g, "%lld %.6g\n", (long long)n, v);
    if (m->range[0] < 0 || v < m->range[0])
        m->range[0] = v;
    if (v > m->range[1])
        m->range[1] = v;
    return 1;
}

/* The chart of one metric of a scenario against N (log N; log y when every
 * value is positive and they span 20x), naive and optimized per series. */
static void chart_metric(charts *C, const report *R, const pb_component *c,
                         const pb_scenario *sc, const int64_t *ns, size_t k,
                         const char *metric)
{
    metric_acc m = { metric, strcmp(metric, "peak_heap_bytes") == 0, { -1, -1 } };
    char kind[80], what[96];
    snprintf(kind, sizeof kind, "metric_%s", metric);
    if (m.heap)
        snprintf(what, sizeof what, "peak heap");
    else
        snprintf(what, sizeof what, "%s per operation", metric);
    chart *ch = chart_new(C, kind, c->name, sc->name, what);
    if (!ch)
        return;
    sbuf *g = &C->script, plot = { 0 };
    gp_begin(g, ch, ns, k);
    n_lines(g, &plot, R, c, sc, ns, k, 'm', C->n - 1, 0, metric_point, &m);
    double lo = m.range[0], hi = m.range[1];
    if (plot.len) {
        if (lo > 0 && hi / lo >= 20)
            pb_sb_puts(g, "set logscale y 10\nset format y '%g'\n");
        else
            pb_sb_printf(g, "set yrange [0:%g]\n", hi > 0 ? hi * 1.15 : 1.0);
        pb_sb_puts(g, "set ylabel ");
        pb_sb_gp(g, m.heap ? "peak heap (KiB)" : what);
        pb_sb_puts(g, "\n");
    }
    gp_plot(g, &plot, m.heap ? "no heap figures in these results (allocation tracking"
                               " was off)" : "no such counter in these results");
}

/* The heap-over-time chart of one scenario from its massif profiles: heap
 * (massif's mem_heap_B, KiB) against millions of instructions executed,
 * naive and optimized overlaid, each peak marked. */
static void chart_heap(charts *C, const report *R, const pb_component *c,
                       const pb_scenario *sc)
{
    char what[96];
    const cJSON *any = pb_rep_massif_case(R, c->name, "naive", sc->name);
    if (!any)
        any = pb_rep_massif_case(R, c->name, "optimized", sc->name);
    snprintf(what, sizeof what, "heap over time (massif, N = %.0f)",
             jnum(any, "n", 0));
    chart *ch = chart_new(C, "heap", c->name, sc->name, what);
    if (!ch)
        return;
    sbuf *g = &C->script;
    size_t idx = C->n - 1;
    pb_sb_puts(g, "reset\nset encoding utf8\nset title ");
    pb_sb_gp(g, ch->title);
    pb_sb_puts(g, "\nset xlabel 'time (millions of instructions executed, under"
               " valgrind)'\nset ylabel 'heap (KiB)'\nset yrange [0:*]\n"
               "set xrange [0:*]\nset border 3\nset tics nomirror\n"
               "set grid lc rgb '#e2e2e2'\nset key below horizontal\n");
    sbuf plot = { 0 };
    for (int im = 0; im < 2; im++) {
        const cJSON *mc = pb_rep_massif_case(R, c->name, pb_rep_impl_names[im], sc->name);
        if (!mc)
            continue;
        const cJSON *pt;
        pb_sb_printf(g, "$h%zu_%d << EOD\n", idx, im);
        cJSON_ArrayForEach(pt, jget(mc, "snapshots"))
            pb_sb_printf(g, "%.6g %.6g\n", cJSON_GetArrayItem(pt, 0)->valuedouble / 1e6,
                         cJSON_GetArrayItem(pt, 1)->valuedouble / 1024);
        pb_sb_printf(g, "EOD\n$p%zu_%d << EOD\n%.6g %.6g\nEOD\n", idx, im,
                     jnum(mc, "peak_time", 0) / 1e6, jnum(mc, "peak_heap_bytes", 0) / 1024);
        char peak[32], title[64];
        pb_fmt_bytes(peak, sizeof peak, jnum(mc, "peak_heap_bytes", -1));
        snprintf(title, sizeof title, "%s (peak %s)", pb_rep_impl_names[im], peak);
        pb_sb_printf(&plot, "%s$h%zu_%d using 1:2 with lines lw 2 lc rgb '%s'"
                     " dt %d title ", plot.len ? ", " : "", idx, im, impl_colors[im], im + 1);
        pb_sb_gp(&plot, title);
        pb_sb_printf(&plot, ", $p%zu_%d using 1:2 with points pt 7 ps 1 lc rgb '%s'"
                     " notitle", idx, im, impl_colors[im]);
    }
    gp_plot(g, &plot, "no massif profile for this scenario");
}

/* --- the speed-up over the runs of the history (report --history) ---------- */

static const char *const hist_colors[] = { "#1f6fb4", "#c0392b", "#1a7f37", "#8e44ad",
                                           "#d35400", "#16a085", "#5f6b76", "#b7950b" };

static int hist_series_of(const pb_hist_series *s, const pb_component *c,
                          const pb_scenario *sc)
{
    return s->kind == PB_HIST_SPEEDUP && !strcmp(s->versus, "naive/optimized") &&
           !strcmp(s->component, c->name) && !strcmp(s->scenario, sc->name);
}

/* The chart chart-history_<si>-<comp>-<scen>: the speed-up of one
 * scenario over the runs of file si's machine identity (its history), a
 * line per N (naive/optimized; the peers' ratios are in the history, not
 * on this chart), x the runs
 * oldest first labelled by git revision, the 95% interval as error bars,
 * each change point (of a shift of PB_HIST_RATIO_SHIFT or more, as
 * `history --changes` lists them) a dashed vertical line in its line's
 * colour between the two runs around it. Drawn when 2 runs or more have a speed-up of
 * the scenario. Revisions go through pb_sb_gp like every text. */
static void chart_history(charts *C, const report *R, size_t si, const pb_component *c,
                          const pb_scenario *sc)
{
    const pb_history *h = R->s[si].hist;
    size_t runs_with = 0;
    for (size_t r = 0; h && r < h->n_runs; r++)
        for (size_t i = 0; i < h->n_series; i++)
            if (hist_series_of(&h->series[i], c, sc) && h->series[i].value[r] >= 0) {
                runs_with++;
                break;
            }
    if (runs_with < 2)
        return;
    char kind[32], what[160];
    snprintf(kind, sizeof kind, "history_%zu", si);
    snprintf(what, sizeof what, "speed-up over runs%s%s", R->n > 1 ? ", " : "",
             R->n > 1 ? R->s[si].label : "");
    chart *ch = chart_new(C, kind, c->name, sc->name, what);
    if (!ch)
        return;
    sbuf *g = &C->script, plot = { 0 };
    size_t idx = C->n - 1, step = (h->n_runs + 15) / 16;
    pb_sb_puts(g, "reset\nset encoding utf8\nset title ");
    pb_sb_gp(g, ch->title);
    pb_sb_printf(g, "\nset xlabel 'run, oldest first (git revision)'\n"
                 "set ylabel 'speed-up (naive / optimized)'\nset xrange [0.5:%zu.5]\n"
                 "set xtics rotate by -35 font ',8' (", h->n_runs);
    for (size_t r = 0, first = 1; r < h->n_runs; r++)
        if ((h->n_runs - 1 - r) % step == 0) {     /* the newest always labelled */
            pb_sb_puts(g, first ? "" : ", ");
            pb_sb_gp(g, h->runs[r].revision);
            pb_sb_printf(g, " %zu", r + 1);
            first = 0;
        }
    pb_sb_puts(g, ")\nset border 3\nset tics nomirror\nset grid lc rgb '#e2e2e2'\n"
               "set key below horizontal\nset bars small\n");
    double lo = -1, hi = -1;
    size_t lines = 0, marks = 0;
    pb_hist_change *cp = malloc(h->n_runs * sizeof *cp);
    if (!cp)
        g->oom = 1;
    for (size_t i = 0; cp && i < h->n_series; i++) {
        const pb_hist_series *s = &h->series[i];
        if (!hist_series_of(s, c, sc))
            continue;
        const char *color = hist_colors[lines % (sizeof hist_colors / sizeof *hist_colors)];
        pb_sb_printf(g, "$y%zu_%zu << EOD\n", idx, lines);
        for (size_t r = 0; r < h->n_runs; r++) {
            double v = s->value[r];
            if (v < 0)
                continue;
            double a = s->lo[r] > 0 ? s->lo[r] : v, b = s->hi[r] > 0 ? s->hi[r] : v;
            pb_sb_printf(g, "%zu %.6g %.6g %.6g\n", r + 1, v, a, b);
            lo = lo < 0 || a < lo ? a : lo;
            hi = b > hi ? b : hi;
        }
        pb_sb_puts(g, "EOD\n");
        int k = pb_hist_changes(h, s, NULL, cp, h->n_runs);
        for (int j = 0; j < k && (size_t)j < h->n_runs; j++) {
            if (!pb_hist_change_large(s, &cp[j], PB_HIST_RATIO_SHIFT, PB_HIST_INSTR_SHIFT))
                continue;
            double x = (cp[j].prev_run + cp[j].run) / 2.0 + 1;
            pb_sb_printf(g, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 1.5"
                         " lc rgb '%s'\n", x, x, color);
            marks++;
        }
        char title[64], n[32];
        pb_fmt_n(n, sizeof n, s->n);
        snprintf(title, sizeof title, "N = %s", n);
        pb_sb_printf(&plot, "%s$y%zu_%zu using 1:2:3:4 with yerrorlines lw 2 lc rgb '%s'"
                     " pt %d ps 0.7 title ", plot.len ? ", " : "", idx, lines, color,
                     point_types[lines % 5]);
        pb_sb_gp(&plot, title);
        lines++;
    }
    free(cp);
    if (marks)
        pb_sb_puts(&plot, ", keyentry with lines dt 2 lw 1.5 lc rgb '#5f6b76'"
                   " title 'change point'");
    if (lo > 0 && hi / lo >= 20)
        pb_sb_puts(g, "set logscale y 10\nset format y '%g'\n");
    else
        pb_sb_printf(g, "set yrange [0:%g]\n", hi > 0 ? hi * 1.15 : 1.0);
    gp_plot(g, &plot, "no speed-up in the history");
}

/* Last non-empty line of a stream, into buf. */
static void last_line(FILE *f, char *buf, size_t cap)
{
    char line[512];
    buf[0] = '\0';
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        while (len && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        const char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p)
            snprintf(buf, cap, "%s", p);
    }
}

/* Runs gnuplot on the script, its standard output into out. 0, or 1 after
 * printing one line (gnuplot missing, failing, or no temporary file). */
static int run_gnuplot(const sbuf *script, sbuf *out)
{
    int rc = 1;
    int pipefd[2] = { -1, -1 };
    FILE *in = tmpfile(), *err = tmpfile();
    if (!in || !err) {
        fprintf(stderr, "pairbench: cannot create a temporary file for gnuplot: %s\n",
                strerror(errno));
        goto done;
    }
    if (fwrite(script->p, 1, script->len, in) != script->len || fflush(in) != 0 ||
        lseek(fileno(in), 0, SEEK_SET) != 0 || pipe2(pipefd, O_CLOEXEC) != 0) {
        fprintf(stderr, "pairbench: cannot prepare gnuplot's input: %s\n",
                strerror(errno));
        goto done;
    }
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        fprintf(stderr, "pairbench: cannot start gnuplot: out of memory\n");
        goto done;
    }
    posix_spawn_file_actions_adddup2(&fa, fileno(in), 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
    char arg0[] = "gnuplot";
    char *args[] = { arg0, NULL };
    pid_t pid;
    int e = posix_spawnp(&pid, "gnuplot", &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (e != 0) {
        if (e == ENOENT)
            fprintf(stderr, "pairbench: gnuplot not found: install Debian's"
                    " gnuplot-nox (scripts/install-deps.sh)\n");
        else
            fprintf(stderr, "pairbench: cannot run gnuplot: %s\n", strerror(e));
        goto done;
    }
    char chunk[65536];
    for (;;) {
        ssize_t k = read(pipefd[0], chunk, sizeof chunk);
        if (k > 0)
            pb_sb_putn(out, chunk, (size_t)k);
        else if (k == 0 || errno != EINTR)
            break;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[512];
        last_line(err, why, sizeof why);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !why[0])
            fprintf(stderr, "pairbench: gnuplot not found: install Debian's"
                    " gnuplot-nox (scripts/install-deps.sh)\n");
        else if (WIFEXITED(status))
            fprintf(stderr, "pairbench: gnuplot failed (exit %d)%s%s\n",
                    WEXITSTATUS(status), why[0] ? ": " : "", why);
        else
            fprintf(stderr, "pairbench: gnuplot was killed by signal %d\n",
                    WTERMSIG(status));
        goto done;
    }
    if (out->oom) {
        fprintf(stderr, "pairbench: out of memory reading gnuplot's charts\n");
        goto done;
    }
    rc = 0;
done:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (in)
        fclose(in);
    if (err)
        fclose(err);
    return rc;
}

/* Draws every chart of the report: one gnuplot process for all of them,
 * its output split into one SVG document per chart. 0, or 1 after one
 * line on stderr. */
int pb_rep_draw_charts(charts *C, const report *R)
{
    sbuf *g = &C->script;
    pb_sb_puts(g, "set terminal svg size 580,360 fixed noenhanced font 'sans-serif,11'"
               " background rgb 'white'\nset output\n");
    for (size_t c = 0; R->comps[c]; c++) {
        const pb_component *comp = R->comps[c];
        if (!pb_is_pair(comp) || !pb_rep_component_ran(R, comp))
            continue;
        for (size_t s = 0; s < comp->n_scenarios; s++) {
            int64_t ns[MAX_SIZES];
            size_t k = pb_rep_scenario_sizes(R, comp->name, comp->scenarios[s].name, ns);
            if (!k)
                continue;
            chart_time(C, R, comp, &comp->scenarios[s], ns, k);
            chart_allocs(C, R, comp, &comp->scenarios[s], ns, k);
            for (const char *const *m = comp->scenarios[s].charts; m && *m; m++)
                chart_metric(C, R, comp, &comp->scenarios[s], ns, k, *m);
            for (size_t si = 0; si < R->n; si++)
                chart_history(C, R, si, comp, &comp->scenarios[s]);
        }
        for (size_t s = 0; s < comp->n_scenarios; s++)
            if (pb_rep_massif_has(R, comp->name, comp->scenarios[s].name))
                chart_heap(C, R, comp, &comp->scenarios[s]);
    }
    if (g->oom) {
        fprintf(stderr, "pairbench: out of memory writing the charts\n");
        return 1;
    }
    if (C->n == 0)
        return 0;
    if (run_gnuplot(g, &C->svg) != 0)
        return 1;
    size_t at = 0, found = 0;
    const char *text = C->svg.p ? C->svg.p : "";
    while (found < C->n) {
        const char *start = strstr(text + at, "<svg");
        const char *end = start ? strstr(start, "</svg>") : NULL;
        if (!end)
            break;
        C->c[found].off = (size_t)(start - text);
        C->c[found].len = (size_t)(end + 6 - start);
        at = (size_t)(end + 6 - text);
        found++;
    }
    if (found != C->n) {
        fprintf(stderr, "pairbench: gnuplot drew %zu of %zu charts\n", found, C->n);
        return 1;
    }
    return 0;
}

static const chart *chart_find(const charts *C, const char *id)
{
    for (size_t i = 0; i < C->n; i++)
        if (strcmp(C->c[i].id, id) == 0)
            return &C->c[i];
    return NULL;
}

typedef struct span {
    const char *p;
    size_t      n;
} span;

static int id_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' || ch == ':';
}

/* Inlines one gnuplot SVG document into the page: without its namespace
 * attributes (HTML puts <svg> in the SVG namespace itself), xlink:href as
 * href, its title as the chart's, and every id and reference to it
 * prefixed with "c<index>-" so that ids stay unique across charts. */
static void sb_svg(sbuf *b, const char *svg, size_t len, size_t index,
                   const char *title)
{
    const char *end = svg + len;
    const char *gt = memchr(svg, '>', len);
    if (!gt)
        return;
    span ids[256];
    size_t n_ids = 0;
    for (const char *p = svg + 1; p + 4 < end; p++) {
        if (!isspace((unsigned char)p[-1]) || strncmp(p, "id=", 3) ||
            (p[3] != '\'' && p[3] != '"'))
            continue;
        const char *q = p + 4;
        const char *close = memchr(q, p[3], (size_t)(end - q));
        if (close && n_ids < sizeof ids / sizeof ids[0])
            ids[n_ids++] = (span){ q, (size_t)(close - q) };
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "c%zu-", index);

    /* The opening tag, without xmlns attributes. */
    pb_sb_puts(b, "<svg role=\"img\" aria-label=\"");
    pb_sb_html(b, title);
    pb_sb_puts(b, "\"");
    for (const char *q = svg + 4; q < gt;) {
        if (isspace((unsigned char)*q) && q + 6 < gt && !strncmp(q + 1, "xmlns", 5)) {
            const char *eq = memchr(q, '=', (size_t)(gt - q));
            const char *close = eq && eq + 2 < gt ? memchr(eq + 2, eq[1], (size_t)(gt - eq - 2)) : NULL;
            if (!close)
                break;
            q = close + 1;
            continue;
        }
        pb_sb_putn(b, isspace((unsigned char)*q) ? " " : q, 1);
        q++;
    }
    pb_sb_puts(b, ">");

    const char *run = gt + 1;
    for (const char *p = gt + 1; p < end; p++) {
        if (*p == '<' && !strncmp(p, "<title>Gnuplot</title>", 22)) {
            pb_sb_putn(b, run, (size_t)(p - run));
            pb_sb_puts(b, "<title>");
            pb_sb_html(b, title);
            pb_sb_puts(b, "</title>");
            p += 21;
            run = p + 1;
        } else if (*p == 'x' && !strncmp(p, "xlink:href=", 11)) {
            pb_sb_putn(b, run, (size_t)(p - run));
            pb_sb_puts(b, "href=");
            p += 10;
            run = p + 1;
        } else if (*p == 'i' && isspace((unsigned char)p[-1]) && !strncmp(p, "id=", 3) &&
                   (p[3] == '\'' || p[3] == '"')) {
            pb_sb_putn(b, run, (size_t)(p + 4 - run));
            pb_sb_puts(b, prefix);
            p += 3;
            run = p + 1;
        } else if ((*p == '\'' || *p == '"' || *p == '(') && p + 1 < end && p[1] == '#') {
            const char *name = p + 2;
            size_t n = 0;
            while (name + n < end && id_char(name[n]))
                n++;
            for (size_t i = 0; i < n_ids; i++)
                if (ids[i].n == n && !strncmp(ids[i].p, name, n)) {
                    pb_sb_putn(b, run, (size_t)(p + 2 - run));
                    pb_sb_puts(b, prefix);
                    run = p + 2;
                    p++;
                    break;
                }
        }
    }
    pb_sb_putn(b, run, (size_t)(end - run));
}

void pb_rep_chart_figure(sbuf *h, const charts *C, const char *kind, const char *comp,
                         const char *scen)
{
    char id[200];
    snprintf(id, sizeof id, "chart-%s-%s-%s", kind, comp, scen);
    const chart *ch = chart_find(C, id);
    if (!ch)
        return;
    pb_sb_printf(h, "<figure id=\"%s\" class=\"chart\">", id);
    sb_svg(h, C->svg.p + ch->off, ch->len, (size_t)(ch - C->c), ch->title);
    pb_sb_puts(h, "</figure>");
}

void pb_rep_charts_free(charts *C)
{
    pb_sb_free(&C->script);
    pb_sb_free(&C->svg);
    free(C->c);
    memset(C, 0, sizeof *C);
}
