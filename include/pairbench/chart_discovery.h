/*
 * chart_discovery: the release tool's chart discovery of seed 003 ("BEFORE
 * (Inefficient - O(n*m*k))", "AFTER (Optimized - O(log n))") on real
 * directory trees: under a repository root, one folder per chart type
 * ("application", "library"); a chart is an entry of a type folder that
 * holds a Chart.yaml.
 *
 *   chart_discovery_naive      the seed's "before": per type, sequentially,
 *                              list the folder (names only), skip the names
 *                              ending .yaml, .yml or .md, build the path
 *                              TYPE/NAME/Chart.yaml as a new string and
 *                              stat() it; keep the path of each that exists.
 *                              One stat per entry that is not skipped by
 *                              name, directories and files alike; one
 *                              allocation per path built
 *   chart_discovery_optimized  the seed's idea done right: the folder is
 *                              opened once and read with its entries' types
 *                              (d_type): a regular file, FIFO, socket or
 *                              device is skipped without a system call; a
 *                              directory, a symbolic link or DT_UNKNOWN (a
 *                              file system that does not report types) is
 *                              checked with one faccessat(folder fd,
 *                              "NAME/Chart.yaml", F_OK), relative to the
 *                              folder, no path built on the heap (a name
 *                              that is a file fails it with ENOTDIR, so
 *                              DT_UNKNOWN needs no stat of its own). Names
 *                              go to one arena. Types run in parallel, one
 *                              thread each, when the first type folder is
 *                              large (st_size >= 64 KiB, some 1,500
 *                              entries on ext4), where the second core
 *                              pays for the thread; sequentially otherwise
 * Both are O(entries): one pass over each folder, one check per candidate.
 * The seed's "O(n*m*k)" is n entries times one check each, and its fix's
 * "O(log n)" is the same O(n) split over the types.
 *
 * Results are identical: every chart as "TYPE/NAME" (TYPE as given, NAME
 * the entry's name), sorted by type in the order given, then by name
 * bytewise. What counts as a chart is the same in both: the name is not
 * "." or "..", does not end in ".yaml", ".yml" or ".md", and
 * TYPE/NAME/Chart.yaml exists (following symbolic links; any file type).
 * A type folder that does not exist holds no chart (ENOENT, and ENOTDIR
 * for a file in its place); any other failure to read it is an error.
 *
 * Return codes: CD_OK; CD_EINVAL (NULL root, types or out, n_types 0 or
 * above CD_TYPES_MAX, a type that is empty, contains '/' or is "." or
 * ".."); CD_ENOMEM; CD_EIO (a type folder that exists but cannot be opened
 * or read, a check that fails other than ENOENT/ENOTDIR, a path longer
 * than PATH_MAX: out->error says which path and errno). On failure *out
 * holds no chart (n 0) and needs no free; on success the caller frees it
 * with the same implementation's free_charts.
 */
#ifndef PAIRBENCH_CHART_DISCOVERY_H
#define PAIRBENCH_CHART_DISCOVERY_H

#include <stddef.h>

enum { CD_OK = 0, CD_EINVAL = 1, CD_ENOMEM = 2, CD_EIO = 3 };

#define CD_TYPES_MAX 16

typedef struct cd_charts {
    size_t       n;
    const char **paths;         /* n strings "TYPE/NAME", sorted */
    void        *mem;           /* the implementation's own storage */
    char         error[320];    /* on CD_EIO: "PATH: strerror", a PATH of
                                   more than 200 bytes cut to 200 + "..." */
} cd_charts;

typedef struct chart_discovery_ops {
    const char *name;           /* "naive" | "optimized" */
    int  (*discover)(const char *root, const char *const *types, size_t n_types,
                     cd_charts *out);
    void (*free_charts)(cd_charts *c);     /* NULL or an empty result: no-op */
} chart_discovery_ops;

extern const chart_discovery_ops chart_discovery_naive;
extern const chart_discovery_ops chart_discovery_optimized;

#endif
