/*
 * `pairbench report FILE... [--massif MASSIF.json] [--out DIR]`: the
 * arguments, and the writing of the report that reports/report.c's
 * pb_report_build makes in memory: DIR/index.html and DIR/summary.md.
 *
 * DIR (made with its parents when missing) and the two temporaries
 * DIR/.index.html.tmp.PID and DIR/.summary.md.tmp.PID are opened first,
 * so an unwritable DIR fails with exit 2 before gnuplot runs; both files
 * are renamed into place only when both are complete: a failed report
 * never leaves a half-written one, never touches a previous one, and
 * removes the directories it made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "../reports/report.h"

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

/* Writes text (len bytes) to the temporary and closes it; 0, or -1 with
 * errno set. */
static int out_write(outfile *o, const char *text, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(o->fd, text + done, len - done);
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

/* The report of files into out_dir; the exit status (pb_report_build's,
 * 2 for an unwritable out_dir, 1 when writing fails). */
static int write_report(const char *const *files, size_t n_files,
                        const char *massif_path, const char *out_dir,
                        const pb_component *const *components)
{
    outfile oh = { "", "", -1 }, om = { "", "", -1 };
    pb_report_out rep = { 0 };
    size_t created = 0;
    int rc = 2;
    /* The output directory and the temporaries: an unwritable DIR fails
     * now, before gnuplot runs. */
    if (make_dirs(out_dir, &created) != 0 || out_open(&oh, out_dir, "index.html") != 0 ||
        out_open(&om, out_dir, "summary.md") != 0) {
        fprintf(stderr, "pairbench: cannot write the report to %s: %s\n", out_dir,
                strerror(errno));
        goto done;
    }
    rc = pb_report_build(files, n_files, massif_path, components, &rep);
    if (rc != 0)
        goto done;

    /* Both complete: write, then rename into place. */
    rc = 1;
    if (out_write(&oh, rep.html, rep.html_len) != 0 ||
        out_write(&om, rep.markdown, rep.markdown_len) != 0 ||
        rename(om.tmp, om.final) != 0 || rename(oh.tmp, oh.final) != 0) {
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
    pb_report_out_free(&rep);
    return rc;
}

/* --- the arguments -------------------------------------------------------- */

static int usage(const char *fmt, const char *arg)
{
    fputs("pairbench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (usage: pairbench report RESULTS.json [MORE.json ...]"
          " [--massif MASSIF.json] [--out DIR])\n", stderr);
    return 2;
}

int pb_report_main(int argc, char **argv, const pb_component *const *components)
{
    const char *files[PB_REPORT_MAX_FILES];
    size_t n_files = 0;
    const char *out_dir = PB_REPORT_DEFAULT_OUT;
    const char *massif_path = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--massif")) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage("--massif needs a MASSIF.json file%s", "");
            massif_path = argv[++i];
        } else if (!strncmp(a, "--massif=", 9)) {
            if (!a[9])
                return usage("--massif needs a MASSIF.json file%s", "");
            massif_path = a + 9;
        } else if (!strcmp(a, "--out")) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return usage("--out needs a directory%s", "");
            out_dir = argv[++i];
        } else if (!strncmp(a, "--out=", 6)) {
            if (!a[6])
                return usage("--out needs a directory%s", "");
            out_dir = a + 6;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option '%s'", a);
        } else if (n_files == PB_REPORT_MAX_FILES) {
            return usage("at most 8 results files, not more (at '%s')", a);
        } else {
            files[n_files++] = a;
        }
    }
    if (n_files == 0)
        return usage("report wants at least one results file%s", "");
    return write_report(files, n_files, massif_path, out_dir, components);
}
