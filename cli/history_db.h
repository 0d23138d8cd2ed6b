/*
 * The results history database (cli/history_db.c): SQLite through
 * Debian's libsqlite3, one file (results/history.sqlite by default),
 * written by `pairbench history --import` and read by `pairbench history`
 * and `pairbench report --history`. Everything else sees the history as
 * the plain values of reports/model/history.h.
 *
 * Schema (version 1: PRAGMA user_version = 1, PRAGMA application_id =
 * PB_HDB_APP_ID, so that another SQLite file is never taken for a
 * history):
 *
 *   machine      id, cpu_model, num_cpus, kernel, compiler, libc,
 *                allocator, build_type; the identity is UNIQUE
 *   run          id, machine_id, date_utc, git_revision, host_name, date
 *                (as the file had it), allocator_version, source (the file
 *                imported), imported_at; UNIQUE (machine_id, host_name,
 *                date_utc, git_revision): the natural key of a run
 *   case_figure  run_id, component, impl, scenario, n, ns_per_op (the
 *                median), allocs_per_op, instructions_per_op (NULL when
 *                the file has none); one row per case that ran
 *   ratio        run_id, component, scenario, n, versus ("naive/optimized"
 *                now; "optimized/PEER" for peers), ratio (time of the
 *                first over time of the second), lo, hi (its 95% interval,
 *                NULL without paired rounds), rounds
 *
 * The rollback journal (SQLite's default), not WAL: one writer a bench
 * run, readers rare, and the database stays ONE file at rest that CI can
 * copy or upload as an artifact (WAL keeps committed pages in a -wal file
 * beside it until a checkpoint, and needs shared memory, which network
 * file systems lack). Every import is one transaction: a failed or
 * interrupted write leaves the history as it was.
 */
#ifndef PAIRBENCH_CLI_HISTORY_DB_H
#define PAIRBENCH_CLI_HISTORY_DB_H

#include <stddef.h>
#include <stdint.h>

#include "../reports/model/history.h"
#include "../reports/model/model.h"

#define PB_HDB_SCHEMA_VERSION 1
#define PB_HDB_APP_ID         0x70624853      /* "pbHS" */
#define PB_HDB_DEFAULT        "results/history.sqlite"

typedef struct pb_hdb pb_hdb;

/* Opens the history at path. For reading (write 0) the file must exist
 * and be a pairbench history of this schema version; for writing it is
 * created when missing (its schema with the first import; a database this
 * call created and nothing was committed to is removed by pb_hdb_close).
 * 0, or -1 with one line in err naming path: missing, unreadable, not a
 * SQLite database, another application's database, a newer schema
 * version, an empty database (reading). */
int  pb_hdb_open(const char *path, int write, pb_hdb **out, char *err, size_t cap);
void pb_hdb_close(pb_hdb *db);

/* What an import did. */
typedef struct pb_hdb_import_result {
    int     added;            /* 1: a new run; 0: the run was already there */
    int64_t run_id, machine_id;
    size_t  cases, ratios;    /* rows added */
} pb_hdb_import_result;

#define PB_HDB_BAD_FILE  (-2)  /* the results file is refused; nothing added */
#define PB_HDB_FAILED    (-1)  /* the database failed (full disk, I/O, corrupt);
                                  the transaction was rolled back */

/* Adds the run of rs (with its analysis an, computed with this build's
 * components) in one transaction: its machine (when new), the run, per
 * case the median time, allocations and instructions per op, per pair
 * point the naive/optimized speed-up and, per peer, the optimized/PEER
 * ratio, each with its interval and rounds (as the analysis has them).
 * Refused, before anything is written: a context without the machine
 * identity, a date (ISO 8601 with its UTC offset), a git_revision or a
 * host_name; a quick run (context quick "true"); a file with no case. A
 * run whose natural key is already there adds nothing (added 0). 0, or
 * PB_HDB_BAD_FILE / PB_HDB_FAILED with one line in err. */
int  pb_hdb_import(pb_hdb *db, const pb_resultset *rs, const pb_analysis *an,
                   const char *source, pb_hdb_import_result *res, char *err,
                   size_t cap);

typedef struct pb_hdb_machine {
    int64_t       id;
    pb_machine_id m;
    int64_t       runs;
    char          last_date[32];     /* its newest run's, UTC */
} pb_hdb_machine;

/* Every machine, by id. 0 (*out NULL when none; caller frees), or -1. */
int  pb_hdb_machines(pb_hdb *db, pb_hdb_machine **out, size_t *n, char *err,
                     size_t cap);
/* The machine of the newest run (latest date, then latest import). 0, 1
 * when the history has no run, or -1. */
int  pb_hdb_newest_machine(pb_hdb *db, int64_t *id, char *err, size_t cap);
/* The history of machine id over its last `last` runs (0: all), oldest
 * first. 0 with *out (pb_history_free), 1 when there is no such machine,
 * or -1. */
int  pb_hdb_history(pb_hdb *db, int64_t id, size_t last, pb_history **out,
                    char *err, size_t cap);

/* Opens path for reading and reads the history of every machine over its
 * last `last` runs (0: all) into *out (*n of them; free with
 * pb_hdb_free_all): what `report --history` hands to the report. 0, or -1
 * with one line in err (the database's faults as pb_hdb_open). */
int  pb_hdb_load_all(const char *path, size_t last, pb_history ***out, size_t *n,
                     char *err, size_t cap);
void pb_hdb_free_all(pb_history **h, size_t n);

#endif
