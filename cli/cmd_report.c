/*
 * `pairbench report FILE... [--massif MASSIF.json] [--history DB]
 * [--out DIR]`: the arguments, and the writing of what reports/report.c's
 * pb_report_build makes in memory: DIR/index.html and DIR/summary.md;
 * with --history, the history database read first (cli/history_db.h) and
 * handed to it as plain values.
 *
 * DIR (made with its parents when missing) and both temporaries are
 * created first (cli/atomic.h), so an unwritable DIR fails with exit 2
 * before gnuplot runs; both files are renamed into place only when both
 * are complete: a failed report never leaves a half-written one, never
 * touches a previous one, and removes the directories it made.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "history_db.h"
#include "str.h"
#include "../reports/report.h"

typedef struct report_opts {
    const char *massif;
    const char *out;
    const char *history;
} report_opts;

static const pb_opt report_opts_table[] = {
    { .name = "--massif", .type = PB_OPT_STRING, .metavar = "MASSIF.json",
      .want = "a MASSIF.json file",
      .help = "heap-over-time charts from `pairbench massif`",
      .offset = offsetof(report_opts, massif) },
    { .name = "--out", .type = PB_OPT_STRING, .metavar = "DIR",
      .want = "a directory",
      .help = "where to write (default " PB_REPORT_DEFAULT_OUT ")",
      .offset = offsetof(report_opts, out) },
    { .name = "--history", .type = PB_OPT_STRING, .metavar = "DB",
      .want = "a history database (pairbench history)",
      .help = "per scenario, its speed-up over the runs of each\n"
              "file's machine in this history",
      .offset = offsetof(report_opts, history) },
};

static const report_opts report_defaults = { NULL, PB_REPORT_DEFAULT_OUT, NULL };

/* The shortest prefix of path that does not exist yet (every deeper
 * directory is missing too), or NULL when path exists: what a failed
 * report removes again. Caller frees. */
static char *missing_prefix(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return NULL;
    char *p = pb_xstrdup(path), *shortest = NULL;
    for (;;) {
        char *slash = strrchr(p, '/');
        while (slash && slash > p && slash[1] == '\0') {   /* trailing '/' */
            *slash = '\0';
            slash = strrchr(p, '/');
        }
        if (stat(p, &st) == 0)
            break;
        free(shortest);
        shortest = pb_xstrdup(p);
        if (!slash || slash == p)
            break;
        *slash = '\0';
    }
    free(p);
    return shortest;
}

/* Removes the directories from path up to and including prefix, deepest
 * first; only empty ones go. */
static void remove_created(const char *path, const char *prefix)
{
    if (!prefix)
        return;
    char *p = pb_xstrdup(path);
    size_t stop = strlen(prefix);
    for (;;) {
        rmdir(p);
        char *slash = strrchr(p, '/');
        if (!slash || (size_t)(slash - p) < stop)
            break;
        *slash = '\0';
    }
    free(p);
}

static int report_main(const pb_invocation *in)
{
    const report_opts *o = in->opts;
    const char *dir = o->out;
    char *html_path = pb_strf("%s/index.html", dir);
    char *md_path = pb_strf("%s/summary.md", dir);
    char *created = missing_prefix(dir);
    pb_atomic html = { 0 }, md = { 0 };
    int have_html = 0, have_md = 0;
    pb_report_out rep = { 0 };
    pb_history **hist = NULL;
    size_t n_hist = 0;
    pb_report_history history;
    int rc = 2;

    /* The directory and the temporaries: an unwritable DIR fails now. */
    if (pb_mkdirs(dir) != 0 || !(have_html = pb_atomic_begin(&html, html_path) == 0) ||
        !(have_md = pb_atomic_begin(&md, md_path) == 0)) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", dir,
                strerror(errno));
        goto done;
    }
    /* --history: the database read into plain values for the report */
    if (o->history) {
        size_t cap = strlen(o->history) + 1024;
        char *err = pb_xmalloc(cap);
        if (pb_hdb_load_all(o->history, PB_REPORT_HISTORY_RUNS, &hist, &n_hist, err,
                            cap) != 0) {
            fprintf(stderr, "pairbench: report: %s\n", err);
            free(err);
            goto done;
        }
        free(err);
    }
    history = (pb_report_history){ (const struct pb_history *const *)hist, n_hist };
    rc = pb_report_build((const char *const *)in->args->args, in->args->n_args,
                         o->massif, o->history ? &history : NULL, in->components, &rep);
    if (rc != 0)
        goto done;

    /* Both complete: write, then rename into place. */
    rc = 1;
    int ok = fwrite(rep.html, 1, rep.html_len, html.f) == rep.html_len &&
             fwrite(rep.markdown, 1, rep.markdown_len, md.f) == rep.markdown_len;
    if (!ok) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", dir,
                strerror(errno));
        goto done;
    }
    pb_atomic both[2] = { md, html };
    have_md = have_html = 0;
    if (pb_atomic_commit_all(both, 2) != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s (neither"
                " file replaced)\n", dir, strerror(errno));
        goto done;
    }
    fprintf(stderr, "pairbench: report written to %s and %s\n", html_path, md_path);
    rc = 0;
done:
    if (have_html)
        pb_atomic_abort(&html);
    if (have_md)
        pb_atomic_abort(&md);
    if (rc != 0)
        remove_created(dir, created);
    pb_report_out_free(&rep);
    pb_hdb_free_all(hist, n_hist);
    free(created);
    free(html_path);
    free(md_path);
    return rc;
}

const pb_command pb_cmd_report = {
    .name = "report", .args = "FILE...", .min_args = 1,
    .max_args = PB_REPORT_MAX_FILES,
    .help = "write DIR/index.html (self-contained, gnuplot charts)\n"
            "and DIR/summary.md from at most 8 results files",
    PB_OPTS(report_opts_table, report_opts),
    .opts_default = &report_defaults,
    .main = report_main,
};
