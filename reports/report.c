/*
 * The report: `pairbench report RESULTS.json [MORE.json ...] [--out DIR]`.
 *
 * Turns result files of `pairbench run` into
 *   DIR/index.html  one self-contained page: an overview (every pair's
 *                   speed-up and allocations at its reference N, the seeds'
 *                   claims that hold and those that do not, the environment
 *                   and its warnings), then per component its anti-pattern
 *                   and fix, its source files, fits, crossovers, claims and
 *                   per scenario a naive-vs-optimized table per N with a
 *                   log-log time chart and an allocations chart. Charts are
 *                   drawn by gnuplot as SVG and inlined; the page has inline
 *                   CSS, no script, no font, image or link outside itself.
 *   DIR/summary.md  the overview as GitHub-flavoured Markdown (a CI job
 *                   summary).
 *
 * With --massif FILE (the MASSIF.json of `pairbench massif`), each component
 * that has heap profiles also gets a "Heap over time (massif)" part: a table
 * of the massif peaks per scenario and, per scenario, a chart of heap
 * against instructions executed with naive and optimized overlaid
 * (id chart-heap-<component>-<scenario>). A malformed or missing massif
 * file is a usage failure like a results file.
 *
 * Several files are several series: one column per file in every table
 * (labelled by its allocator, context.allocator, plus the file name when
 * two share one) and one line per file and implementation in the charts.
 * With repetitions the tables show the median with the min..max of the
 * repetitions and the cv, and the time chart draws min..max as error bars.
 *
 * Each file is read once as a result set and analysed once with this
 * build's components (reports/series.c, over reports/model/); the numbers
 * are formatted by reports/emit/. The report parses no JSON of its own
 * except the --massif file.
 *
 * Failure contract: a missing, malformed or truncated file, bad usage or an
 * unwritable DIR print one line and return 2 before anything is written;
 * gnuplot missing or failing prints one line and returns 1. The page and
 * the summary are built in memory and written to DIR/.index.html.tmp.PID
 * and DIR/.summary.md.tmp.PID, renamed into place only when both are
 * complete: a failed report never leaves a half-written one and never
 * touches a previous one.
 *
 * This file is the entry point and the writing; the parts are drawn by
 * sbuf.c (buffer, escapes), format.c (numbers), series.c (the inputs),
 * warnings.c, massif_data.c, charts.c (gnuplot, SVG), html.c (the page)
 * and markdown.c (the summary), sharing report_internal.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "report_internal.h"

/* --- writing -------------------------------------------------------------- */

/* mkdir -p; 0, or -1 with errno set. *created is set to the length of the
 * shortest prefix of path this call created (every deeper directory is
 * new too), or 0 when it created none, so that a failed report can remove
 * what it made. */
static int make_dirs(const char *path, size_t *created)
{
    char buf[PATH_MAX];
    *created = 0;
    if (strlen(path) >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) == 0) {
            if (!*created)
                *created = strlen(buf);
        } else if (errno != EEXIST) {
            return -1;
        }
        *p = '/';
    }
    if (mkdir(buf, 0777) == 0) {
        if (!*created)
            *created = strlen(buf);
    } else if (errno != EEXIST) {
        return -1;
    }
    struct stat st;
    if (stat(buf, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Removes the directories make_dirs created for path (those not emptied
 * stay: rmdir refuses them). */
static void remove_created(const char *path, size_t created)
{
    char buf[PATH_MAX];
    if (!created || strlen(path) >= sizeof buf)
        return;
    strcpy(buf, path);
    for (;;) {
        size_t len = strlen(buf);
        while (len > 1 && buf[len - 1] == '/')
            buf[--len] = '\0';
        if (len < created || rmdir(buf) != 0)
            return;
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            return;
        *slash = '\0';
    }
}

/* One output: its final and temporary names and the open temporary. */
typedef struct outfile {
    char final[PATH_MAX];
    char tmp[PATH_MAX];
    int  fd;
} outfile;

static int out_open(outfile *o, const char *dir, const char *name)
{
    int n1 = snprintf(o->final, sizeof o->final, "%s/%s", dir, name);
    int n2 = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof o->final || (size_t)n2 >= sizeof o->tmp) {
        errno = ENAMETOOLONG;
        o->tmp[0] = '\0';
        return -1;
    }
    o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0) {
        o->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

/* Writes and closes the temporary; 0, or -1 with errno set. */
static int out_write(outfile *o, const sbuf *b)
{
    size_t done = 0;
    while (done < b->len) {
        ssize_t k = write(o->fd, b->p + done, b->len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    if (fsync(o->fd) != 0)
        return -1;
    int rc = close(o->fd);
    o->fd = -1;
    return rc;
}

static void out_discard(outfile *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp[0])
        unlink(o->tmp);
    o->tmp[0] = '\0';
}

/* --- the entry point ------------------------------------------------------ */

int pb_report_write(const char *const *files, size_t n_files,
                    const char *massif_path, const char *out_dir,
                    const pb_component *const *components)
{
    if (n_files == 0 || n_files > PB_REPORT_MAX_FILES) {
        fprintf(stderr, "pairbench: report takes 1 to %d results files\n",
                PB_REPORT_MAX_FILES);
        return 2;
    }
    if (!out_dir)
        out_dir = PB_REPORT_DEFAULT_OUT;
    report *R = calloc(1, sizeof *R);
    warnings *w = calloc(1, sizeof *w);
    charts C = { 0 };
    sbuf html = { 0 }, md = { 0 };
    outfile oh = { "", "", -1 }, om = { "", "", -1 };
    int rc = 2;
    size_t created = 0;
    if (!R || !w) {
        fprintf(stderr, "pairbench: out of memory\n");
        rc = 1;
        goto done;
    }
    R->comps = components;

    /* 1. Every input, before anything is written. */
    char err[600];
    if (pb_rep_load(R, files, n_files, err, sizeof err) != 0 ||
        (massif_path && pb_rep_massif_load(R, massif_path, err, sizeof err) != 0)) {
        fprintf(stderr, "pairbench: %s\n", err);
        goto done;
    }

    /* 2. The output directory and the temporaries: an unwritable DIR fails
     * now, before gnuplot runs. */
    if (make_dirs(out_dir, &created) != 0 || out_open(&oh, out_dir, "index.html") != 0 ||
        out_open(&om, out_dir, "summary.md") != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }

    /* 3. Charts, page and summary, in memory. */
    rc = 1;
    pb_rep_collect_warnings(R, w);
    if (pb_rep_draw_charts(&C, R) != 0)
        goto done;
    pb_rep_html_page(&html, R, &C, w);
    pb_rep_md_summary(&md, R, w);
    if (html.oom || md.oom) {
        fprintf(stderr, "pairbench: out of memory building the report\n");
        goto done;
    }

    /* 4. Both complete: write, then rename into place. */
    if (out_write(&oh, &html) != 0 || out_write(&om, &md) != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }
    if (rename(om.tmp, om.final) != 0 || rename(oh.tmp, oh.final) != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }
    om.tmp[0] = oh.tmp[0] = '\0';
    fprintf(stderr, "pairbench: report written to %s and %s\n", oh.final, om.final);
    rc = 0;
done:
    out_discard(&oh);
    out_discard(&om);
    if (rc != 0)
        remove_created(out_dir, created);
    pb_sb_free(&html);
    pb_sb_free(&md);
    pb_rep_charts_free(&C);
    if (R) {
        pb_rep_unload(R);
        pb_rep_massif_free(R);
    }
    free(R);
    free(w);
    return rc;
}
