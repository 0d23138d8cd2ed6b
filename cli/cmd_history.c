/*
 * `pairbench history`: the results history (cli/history_db.h, one SQLite
 * file, --db, default results/history.sqlite).
 *
 *   history --import FILE...   adds each results file of `pairbench run`
 *                              (made here or on another machine) as a run,
 *                              each in its own transaction; a run already
 *                              there (same machine, host, date, revision)
 *                              adds nothing and says so. A bad file: one
 *                              line naming it, nothing of it added, the
 *                              other files still imported, exit 2. The
 *                              database failing (full disk, I/O): one
 *                              line, nothing of that file added, the rest
 *                              not tried, exit 1.
 *   history                    per pair point, the speed-up over the last
 *                              K runs (--last, default 10) of ONE machine
 *                              identity: the newest run's, or --machine ID.
 *   history --machines         the identities with their ids and runs.
 *   history --changes          the change points of every series (a pair
 *                              point's speed-up, a case's instructions per
 *                              op) over the machine's runs (all, or the
 *                              last K), with the revisions around each and
 *                              the size of the shift; --fail-on-new: exit
 *                              1 when the newest run reveals one.
 *
 * A missing, unreadable or foreign database, or one of a newer schema, is
 * one line and exit 2, never an empty history. Every text read from a file
 * or the database is printed with its control characters replaced.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "history_db.h"
#include "str.h"
#include "../reports/emit/emit.h"

#define HISTORY_DEFAULT_LAST 10

typedef struct history_opts {
    const char *db;
    int         import;
    int64_t     last;          /* 0: the default of the mode */
    int         machines;
    int64_t     machine;       /* 0: the newest run's */
    int         changes;
    int         fail_on_new;
    double      ratio_threshold;   /* percent */
    double      instr_threshold;   /* percent */
} history_opts;

static const pb_opt history_opts_table[] = {
    { .name = "--db", .type = PB_OPT_STRING, .metavar = "FILE",
      .want = "a history database file",
      .help = "the history (default " PB_HDB_DEFAULT ")",
      .offset = offsetof(history_opts, db) },
    { .name = "--import", .type = PB_OPT_FLAG,
      .help = "add the results files given as arguments\n"
              "(a run already there is not added twice)",
      .offset = offsetof(history_opts, import) },
    { .name = "--last", .type = PB_OPT_INT, .metavar = "K", .min = 1, .max = 100000,
      .help = "the last K runs (default 10; --changes: all)",
      .offset = offsetof(history_opts, last) },
    { .name = "--machines", .type = PB_OPT_FLAG,
      .help = "list the machine identities with their ids",
      .offset = offsetof(history_opts, machines) },
    { .name = "--machine", .type = PB_OPT_INT, .metavar = "ID", .min = 1,
      .max = INT64_MAX, .want = "a machine id (see --machines)",
      .help = "the runs of this machine (default: the newest run's)",
      .offset = offsetof(history_opts, machine) },
    { .name = "--changes", .type = PB_OPT_FLAG,
      .help = "list the change points of every speed-up and\n"
              "instruction count",
      .offset = offsetof(history_opts, changes) },
    { .name = "--fail-on-new", .type = PB_OPT_FLAG,
      .help = "with --changes: exit 1 when the newest run\n"
              "reveals a change point (a CI gate)",
      .offset = offsetof(history_opts, fail_on_new) },
    { .name = "--ratio-threshold", .type = PB_OPT_DOUBLE, .metavar = "PCT",
      .dmin = -1e-9, .dmax = 1000, .want = "a percentage from 0 to 1000",
      .help = "with --changes: the smallest shift of a speed-up\n"
              "reported (default 10)",
      .offset = offsetof(history_opts, ratio_threshold) },
    { .name = "--instr-threshold", .type = PB_OPT_DOUBLE, .metavar = "PCT",
      .dmin = -1e-9, .dmax = 1000, .want = "a percentage from 0 to 1000",
      .help = "with --changes: the smallest shift of an instruction\n"
              "count reported (default 2)",
      .offset = offsetof(history_opts, instr_threshold) },
};

static const history_opts history_defaults = {
    .db = PB_HDB_DEFAULT, .ratio_threshold = PB_HIST_RATIO_SHIFT * 100,
    .instr_threshold = PB_HIST_INSTR_SHIFT * 100,
};

/* s with its control characters as '?', into buf: texts from files and
 * the database reach the terminal inert. */
static const char *tty(const char *s, char *buf, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    buf[i] = '\0';
    return buf;
}

/* --- import -------------------------------------------------------------------- */

static int import_files(const pb_invocation *in, const history_opts *o)
{
    pb_hdb *db = NULL;
    int rc = 0;
    for (size_t i = 0; i < in->args->n_args; i++) {
        const char *file = in->args->args[i];
        size_t cap = strlen(file) + strlen(o->db) + 2048;
        char *err = pb_xmalloc(cap);
        char t1[PB_HIST_TEXT * 8], t2[PB_HIST_TEXT];
        pb_resultset *rs = pb_resultset_load(file, err, cap);
        pb_analysis *an = rs ? pb_analysis_new(rs, in->components) : NULL;
        int r = 0;
        if (!rs) {
            fprintf(stderr, "pairbench: history: %s; nothing of it added\n",
                    tty(err, t1, sizeof t1));
            rc = 2;
        } else if (!an) {
            fprintf(stderr, "pairbench: history: out of memory analysing %s; nothing"
                    " of it added\n", tty(file, t2, sizeof t2));
            rc = 1;
        } else if (!db && pb_hdb_open(o->db, 1, &db, err, cap) != 0) {
            fprintf(stderr, "pairbench: history: %s\n", tty(err, t1, sizeof t1));
            rc = 2;
            r = PB_HDB_FAILED;      /* no database: stop */
        } else {
            pb_hdb_import_result res;
            r = pb_hdb_import(db, rs, an, file, &res, err, cap);
            if (r == PB_HDB_BAD_FILE) {
                fprintf(stderr, "pairbench: history: %s: %s; nothing of it added\n",
                        tty(file, t2, sizeof t2), tty(err, t1, sizeof t1));
                rc = 2;
            } else if (r == PB_HDB_FAILED) {
                fprintf(stderr, "pairbench: history: cannot add %s: %s; nothing of it"
                        " added\n", tty(file, t2, sizeof t2), tty(err, t1, sizeof t1));
                rc = rc ? rc : 1;
            } else if (res.added) {
                printf("history: added %s as run %lld of machine %lld (%zu cases, %zu"
                       " ratios)\n", tty(file, t2, sizeof t2), (long long)res.run_id,
                       (long long)res.machine_id, res.cases, res.ratios);
            } else {
                printf("history: %s is already there (run %lld of machine %lld):"
                       " nothing added\n", tty(file, t2, sizeof t2),
                       (long long)res.run_id, (long long)res.machine_id);
            }
        }
        pb_analysis_free(an);
        pb_resultset_free(rs);
        free(err);
        if (r == PB_HDB_FAILED)
            break;     /* the database failed: the next file would too */
    }
    pb_hdb_close(db);
    return rc;
}

/* --- reading --------------------------------------------------------------------- */

static void print_machine_line(const pb_machine_id *m, int64_t id)
{
    char text[PB_HIST_TEXT * 8], safe[PB_HIST_TEXT * 8];
    pb_machine_id_text(m, text, sizeof text);
    printf("machine %lld: %s\n", (long long)id, tty(text, safe, sizeof safe));
}

static int list_machines(pb_hdb *db, int64_t newest, char *err, size_t cap)
{
    pb_hdb_machine *ms;
    size_t n;
    if (pb_hdb_machines(db, &ms, &n, err, cap) != 0)
        return -1;
    printf("%4s  %5s  %-20s  %s\n", "id", "runs", "newest run (UTC)", "identity");
    for (size_t i = 0; i < n; i++) {
        char text[PB_HIST_TEXT * 8], safe[PB_HIST_TEXT * 8], date[64];
        pb_machine_id_text(&ms[i].m, text, sizeof text);
        printf("%4lld%c %5lld  %-20s  %s\n", (long long)ms[i].id,
               ms[i].id == newest ? '*' : ' ', (long long)ms[i].runs,
               tty(ms[i].last_date, date, sizeof date), tty(text, safe, sizeof safe));
    }
    if (n)
        printf("* the newest run's machine: what `pairbench history` shows without"
               " --machine\n");
    free(ms);
    return 0;
}

/* The number of run i of h among all the machine's runs, from 1. */
static size_t run_no(const pb_history *h, size_t i)
{
    return h->total_runs - h->n_runs + i + 1;
}

/* The runs of h, one line each, and the revision range. */
static void print_runs(const pb_history *h)
{
    char a[PB_HIST_TEXT], b[PB_HIST_TEXT];
    printf("the last %zu of its %zu run%s, oldest first (revisions %s .. %s):\n",
           h->n_runs, h->total_runs, h->total_runs == 1 ? "" : "s",
           tty(h->runs[0].revision, a, sizeof a),
           tty(h->runs[h->n_runs - 1].revision, b, sizeof b));
    for (size_t i = 0; i < h->n_runs; i++)
        printf("  #%-4zu %-20s  %s\n", run_no(h, i), tty(h->runs[i].date, a, sizeof a),
               tty(h->runs[i].revision, b, sizeof b));
}

/* The width of the widest name of the series of that kind (all: -1),
 * with the comparison when not naive/optimized; at most 72. */
static int name_width(const pb_history *h, int kind)
{
    size_t width = 5;
    char name[PB_HIST_TEXT * 4];
    for (size_t i = 0; i < h->n_series; i++) {
        const pb_hist_series *s = &h->series[i];
        if (kind >= 0 && s->kind != (pb_hist_kind)kind)
            continue;
        pb_hist_series_name(s, name, sizeof name);
        size_t len = strlen(name) + (s->kind == PB_HIST_SPEEDUP &&
                                     strcmp(s->versus, "naive/optimized")
                                     ? strlen(s->versus) + 1 : 0);
        width = len > width ? len : width;
    }
    return width > 72 ? 72 : (int)width;
}

/* The speed-ups of every pair point, one line each, a column per run. */
static void print_table(const pb_history *h)
{
    int width = name_width(h, PB_HIST_SPEEDUP);
    char name[PB_HIST_TEXT * 4], safe[PB_HIST_TEXT * 4];
    printf("\nratios per run, medians of the paired rounds: naive time / optimized"
           " time (the speed-up);\nwith a peer named, optimized time / the peer's"
           " (above 1: the peer is faster)\n%-*s", width, "point");
    for (size_t r = 0; r < h->n_runs; r++) {
        char col[32];
        snprintf(col, sizeof col, "#%zu", run_no(h, r));
        printf(" %8s", col);
    }
    printf("\n");
    const char *last_comp = NULL;
    size_t rows = 0;
    for (size_t i = 0; i < h->n_series; i++) {
        const pb_hist_series *s = &h->series[i];
        if (s->kind != PB_HIST_SPEEDUP)
            continue;
        if (last_comp && strcmp(last_comp, s->component))
            printf("\n");
        last_comp = s->component;
        pb_hist_series_name(s, name, sizeof name);
        if (strcmp(s->versus, "naive/optimized")) {
            size_t len = strlen(name);
            snprintf(name + len, sizeof name - len, " %s", s->versus);
        }
        printf("%-*s", width, tty(name, safe, sizeof safe));
        for (size_t r = 0; r < h->n_runs; r++) {
            char v[32];
            pb_fmt_ratio(v, sizeof v, s->value[r], PB_BACKEND_CONSOLE);
            printf(" %8s", v);
        }
        printf("\n");
        rows++;
    }
    if (!rows)
        printf("(no pair point in these runs)\n");
}

/* The change points of every series with a shift at least the threshold
 * of its kind; the number of new ones (revealed by the newest run), or -1
 * with err. */
static int print_changes(const pb_history *h, const history_opts *o, char *err,
                         size_t cap)
{
    size_t total = 0, small = 0, series = 0;
    int fresh = 0, width = name_width(h, -1);
    double ratio_shift = o->ratio_threshold / 100, instr_shift = o->instr_threshold / 100;
    pb_hist_change *ch = pb_xmalloc((h->n_runs ? h->n_runs : 1) * sizeof *ch);
    printf("\nchange points (E-divisive means, Welch's t-test p < 0.001, at least 3"
           " runs either side; shifts of %g%% or more of a speed-up, %g%% of an"
           " instruction count):\n", o->ratio_threshold, o->instr_threshold);
    for (size_t i = 0; i < h->n_series; i++) {
        const pb_hist_series *s = &h->series[i];
        int k = pb_hist_changes(h, s, NULL, ch, h->n_runs);
        pb_hist_change last;
        int is_new = k > 0 ? pb_hist_new_change(h, s, NULL, &last) : 0;
        if (k < 0 || is_new < 0) {
            char name[PB_HIST_TEXT * 4];
            pb_hist_series_name(s, name, sizeof name);
            snprintf(err, cap, "cannot search the changes of %s: %s", name,
                     strerror(errno));
            free(ch);
            return -1;
        }
        series++;
        for (int j = 0; j < k; j++) {
            const pb_hist_change *c = &ch[j];
            if (!pb_hist_change_large(s, c, ratio_shift, instr_shift)) {
                small++;
                continue;
            }
            char name[PB_HIST_TEXT * 4], safe[PB_HIST_TEXT * 4], a[32], b[32];
            char ra[PB_HIST_TEXT], rb[PB_HIST_TEXT];
            pb_hist_series_name(s, name, sizeof name);
            if (s->kind == PB_HIST_SPEEDUP) {
                pb_fmt_ratio(a, sizeof a, c->before, PB_BACKEND_CONSOLE);
                pb_fmt_ratio(b, sizeof b, c->after, PB_BACKEND_CONSOLE);
            } else {
                pb_fmt_count(a, sizeof a, c->before);
                pb_fmt_count(b, sizeof b, c->after);
            }
            int mark = is_new == 1 && j == k - 1;   /* last: pb_hist_new_change's */
            char what[PB_HIST_TEXT + 16], wsafe[PB_HIST_TEXT + 16];
            snprintf(what, sizeof what, "%s%s", s->kind == PB_HIST_INSTR ?
                     "instructions/op" : strcmp(s->versus, "naive/optimized") ?
                     "ratio " : "speed-up ", s->kind == PB_HIST_INSTR ? "" : s->versus);
            printf("%-*s  %-24s  %s -> %s (%+.1f%%) from run #%zu (%s) after #%zu"
                   " (%s), p = %.2g%s\n", width,
                   tty(name, safe, sizeof safe), tty(what, wsafe, sizeof wsafe), a, b,
                   c->shift * 100,
                   run_no(h, c->run), tty(h->runs[c->run].revision, ra, sizeof ra),
                   run_no(h, c->prev_run), tty(h->runs[c->prev_run].revision, rb,
                                               sizeof rb), c->p_value,
                   mark ? "; NEW: revealed by the newest run" : "");
            total++;
        }
        fresh += is_new == 1 && pb_hist_change_large(s, &last, ratio_shift, instr_shift);
    }
    printf("%zu change point%s in %zu series over runs #%zu..#%zu (%zu smaller shift%s"
           " not listed); %d revealed by the newest run (#%zu)\n", total,
           total == 1 ? "" : "s", series, run_no(h, 0), run_no(h, h->n_runs - 1), small,
           small == 1 ? "" : "s", fresh, run_no(h, h->n_runs - 1));
    free(ch);
    return fresh;
}

static int show(const pb_invocation *in, const history_opts *o)
{
    size_t cap = strlen(o->db) + 2048;
    char *err = pb_xmalloc(cap);
    char safe[4096];
    pb_hdb *db = NULL;
    pb_history *h = NULL;
    int rc = 2;
    int64_t newest = 0, id = o->machine;
    if (pb_hdb_open(o->db, 0, &db, err, cap) != 0)
        goto fail;
    int r = pb_hdb_newest_machine(db, &newest, err, cap);
    if (r < 0)
        goto fail;
    if (o->machines) {
        if (list_machines(db, newest, err, cap) != 0)
            goto fail;
        rc = 0;
        goto done;
    }
    if (r == 1 && !id) {
        printf("history: %s holds no run yet\n", tty(o->db, safe, sizeof safe));
        rc = 0;
        goto done;
    }
    if (!id)
        id = newest;
    size_t last = o->last ? (size_t)o->last : o->changes ? 0 : HISTORY_DEFAULT_LAST;
    r = pb_hdb_history(db, id, last, &h, err, cap);
    if (r < 0)
        goto fail;
    if (r == 1) {
        pb_hdb_close(db);
        free(err);
        return pb_usage_error(in->cmd->name, "no machine %lld in %s (see --machines)",
                              (long long)id, tty(o->db, safe, sizeof safe));
    }
    print_machine_line(&h->machine, id);
    rc = 0;
    if (!h->n_runs) {           /* a machine row without a run: nothing to show */
        printf("no run of this machine\n");
        goto done;
    }
    print_runs(h);
    if (!o->changes) {
        print_table(h);
    } else {
        int fresh = print_changes(h, o, err, cap);
        if (fresh < 0)
            goto fail;
        if (fresh > 0 && o->fail_on_new) {
            fprintf(stderr, "pairbench: history: the newest run (#%zu) reveals %d change"
                    " point%s\n", run_no(h, h->n_runs - 1), fresh, fresh == 1 ? "" : "s");
            rc = 1;
        }
    }
    goto done;
fail:
    fprintf(stderr, "pairbench: history: %s\n", tty(err, safe, sizeof safe));
    rc = 2;
done:
    pb_history_free(h);
    pb_hdb_close(db);
    free(err);
    return rc;
}

static int history_main(const pb_invocation *in)
{
    const history_opts *o = in->opts;
    const char *name = in->cmd->name;
    if (o->import) {
        if (in->args->n_args == 0)
            return pb_usage_error(name, "--import wants one or more results files");
        if (o->machines || o->machine || o->changes || o->fail_on_new || o->last ||
            o->ratio_threshold != history_defaults.ratio_threshold ||
            o->instr_threshold != history_defaults.instr_threshold)
            return pb_usage_error(name, "--import takes no other option than --db");
        return import_files(in, o);
    }
    if (in->args->n_args)
        return pb_usage_error(name, "files are given with --import ('%s')",
                              in->args->args[0]);
    if (o->fail_on_new && !o->changes)
        return pb_usage_error(name, "--fail-on-new goes with --changes");
    if (o->machines && (o->changes || o->machine))
        return pb_usage_error(name, "--machines lists the machines: no --changes or"
                              " --machine with it");
    return show(in, o);
}

const pb_command pb_cmd_history = {
    .name = "history", .args = "FILE...", .min_args = 0, .max_args = 100000,
    .help = "the results history (SQLite): with --import, add results files;\n"
            "without, the speed-ups over the last runs of one machine",
    PB_OPTS(history_opts_table, history_opts),
    .opts_default = &history_defaults,
    .main = history_main,
};
