/*
 * The results history database (history_db.h): opening and checking it,
 * importing a run in one transaction, reading a machine's runs into the
 * plain values of reports/model/history.h. Cost: an import is one INSERT
 * per case and per pair point in one transaction (one fsync of the
 * journal and one of the database); reading is one query for the runs and
 * one per kind of series, ordered by SQLite.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history_db.h"
#include "str.h"

struct pb_hdb {
    sqlite3 *db;
    char    *path;
    int      created;      /* this open created the file */
    int      committed;    /* an import was committed */
    int      fresh;        /* no schema yet: the first import writes it */
};

static const char schema_sql[] =
    "CREATE TABLE machine (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  cpu_model   TEXT NOT NULL,\n"
    "  num_cpus    INTEGER NOT NULL,\n"
    "  kernel      TEXT NOT NULL,\n"
    "  compiler    TEXT NOT NULL,\n"
    "  libc        TEXT NOT NULL,\n"
    "  allocator   TEXT NOT NULL,\n"
    "  build_type  TEXT NOT NULL,\n"
    "  UNIQUE (cpu_model, num_cpus, kernel, compiler, libc, allocator, build_type)\n"
    ");\n"
    "CREATE TABLE run (\n"
    "  id                INTEGER PRIMARY KEY,\n"
    "  machine_id        INTEGER NOT NULL REFERENCES machine(id),\n"
    "  date_utc          TEXT NOT NULL,\n"
    "  git_revision      TEXT NOT NULL,\n"
    "  host_name         TEXT NOT NULL,\n"
    "  date              TEXT NOT NULL,\n"
    "  allocator_version TEXT,\n"
    "  source            TEXT NOT NULL,\n"
    "  imported_at       TEXT NOT NULL,\n"
    "  UNIQUE (machine_id, host_name, date_utc, git_revision)\n"
    ");\n"
    "CREATE INDEX run_by_machine ON run (machine_id, date_utc, id);\n"
    "CREATE TABLE case_figure (\n"
    "  run_id              INTEGER NOT NULL REFERENCES run(id),\n"
    "  component           TEXT NOT NULL,\n"
    "  impl                TEXT NOT NULL,\n"
    "  scenario            TEXT NOT NULL,\n"
    "  n                   INTEGER NOT NULL,\n"
    "  ns_per_op           REAL NOT NULL,\n"
    "  allocs_per_op       REAL,\n"
    "  instructions_per_op REAL,\n"
    "  PRIMARY KEY (run_id, component, impl, scenario, n)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE ratio (\n"
    "  run_id     INTEGER NOT NULL REFERENCES run(id),\n"
    "  component  TEXT NOT NULL,\n"
    "  scenario   TEXT NOT NULL,\n"
    "  n          INTEGER NOT NULL,\n"
    "  versus     TEXT NOT NULL,\n"
    "  ratio      REAL NOT NULL,\n"
    "  lo         REAL,\n"
    "  hi         REAL,\n"
    "  rounds     INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, component, scenario, n, versus)\n"
    ") WITHOUT ROWID;\n";

/* err = "PATH: what (SQLite's message)". */
static void db_err(const pb_hdb *h, const char *what, char *err, size_t cap)
{
    snprintf(err, cap, "%s: %s (%s)", h->path, what, sqlite3_errmsg(h->db));
}

/* One integer from a one-row query; 0, or -1 with err. */
static int query_int(pb_hdb *h, const char *sql, int64_t *v, char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_err(h, rc == SQLITE_NOTADB ? "not a SQLite database" : "cannot read it",
               err, cap);
        sqlite3_finalize(st);
        return -1;
    }
    *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/* Checks what the file holds: a history of this version, or (writing)
 * nothing yet. 0, or -1 with err. */
static int check_schema(pb_hdb *h, int write, char *err, size_t cap)
{
    int64_t app, version, objects;
    if (query_int(h, "PRAGMA application_id", &app, err, cap) ||
        query_int(h, "PRAGMA user_version", &version, err, cap) ||
        query_int(h, "SELECT count(*) FROM sqlite_schema", &objects, err, cap))
        return -1;
    if (app == 0 && version == 0 && objects == 0) {
        if (!write) {
            snprintf(err, cap, "%s: an empty database, not a pairbench history"
                     " (import a run first: pairbench history --import FILE)", h->path);
            return -1;
        }
        h->fresh = 1;
        return 0;
    }
    if (app != PB_HDB_APP_ID) {
        snprintf(err, cap, "%s: a SQLite database, but not a pairbench history"
                 " (application id %lld)", h->path, (long long)app);
        return -1;
    }
    if (version > PB_HDB_SCHEMA_VERSION) {
        snprintf(err, cap, "%s: written by a newer pairbench (schema version %lld;"
                 " this one reads version %d)", h->path, (long long)version,
                 PB_HDB_SCHEMA_VERSION);
        return -1;
    }
    if (version != PB_HDB_SCHEMA_VERSION) {
        snprintf(err, cap, "%s: a pairbench history with an unknown schema version"
                 " %lld (this one reads version %d)", h->path, (long long)version,
                 PB_HDB_SCHEMA_VERSION);
        return -1;
    }
    return 0;
}

int pb_hdb_open(const char *path, int write, pb_hdb **out, char *err, size_t cap)
{
    *out = NULL;
    struct stat st;
    int existed = stat(path, &st) == 0;
    if (!existed && !write) {
        snprintf(err, cap, "%s: no such history (make bench or pairbench history"
                 " --import FILE starts one)", path);
        return -1;
    }
    if (existed && !S_ISREG(st.st_mode)) {
        snprintf(err, cap, "%s: not a regular file", path);
        return -1;
    }
    pb_hdb *h = pb_xmalloc(sizeof *h);
    memset(h, 0, sizeof *h);
    h->path = pb_xstrdup(path);
    h->created = !existed;
    /* Readers open read-write too when they may, so that SQLite rolls back
     * the journal an interrupted import left ("hot journal"). */
    int flags = SQLITE_OPEN_READWRITE | (write ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &h->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "%s: cannot open it (%s)", path,
                 h->db ? sqlite3_errmsg(h->db) : sqlite3_errstr(rc));
        pb_hdb_close(h);
        return -1;
    }
    sqlite3_extended_result_codes(h->db, 1);
    sqlite3_busy_timeout(h->db, 10000);       /* another import: wait for it */
    if (check_schema(h, write, err, cap) != 0) {
        pb_hdb_close(h);
        return -1;
    }
    char *e = NULL;
    if (sqlite3_exec(h->db, "PRAGMA foreign_keys = ON", NULL, NULL, &e) != SQLITE_OK) {
        snprintf(err, cap, "%s: %s", path, e ? e : "cannot set it up");
        sqlite3_free(e);
        pb_hdb_close(h);
        return -1;
    }
    *out = h;
    return 0;
}

void pb_hdb_close(pb_hdb *h)
{
    if (!h)
        return;
    sqlite3_close(h->db);
    /* This open created the file and committed nothing: no empty database
     * is left behind (unless another process filled it meanwhile). */
    struct stat st;
    if (h->created && !h->committed && stat(h->path, &st) == 0 && st.st_size == 0)
        unlink(h->path);
    free(h->path);
    free(h);
}

/* --- import ----------------------------------------------------------------- */

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* An ISO 8601 date and time with its UTC offset, as Google Benchmark
 * writes it ("2026-12-07T12:26:34+00:00", or "...Z"), in UTC
 * ("2026-12-07T12:26:34Z"). 0, or -1 when it is not of that form. */
static int utc_date(const char *s, char *out, size_t cap)
{
    if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
        s[7] != '-' || !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) ||
        s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return -1;
    const char *z = s + 19;
    int off = 0;
    if (strcmp(z, "Z") != 0) {
        if ((z[0] != '+' && z[0] != '-') || !digits(z + 1, 2) || z[3] != ':' ||
            !digits(z + 4, 2) || z[6] != '\0')
            return -1;
        off = (num(z + 1, 2) * 60 + num(z + 4, 2)) * (z[0] == '-' ? -1 : 1);
    }
    struct tm t = { .tm_year = num(s, 4) - 1900, .tm_mon = num(s + 5, 2) - 1,
                    .tm_mday = num(s + 8, 2), .tm_hour = num(s + 11, 2),
                    .tm_min = num(s + 14, 2), .tm_sec = num(s + 17, 2) };
    if (t.tm_mon > 11 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 ||
        t.tm_min > 59 || t.tm_sec > 60 || off < -24 * 60 || off > 24 * 60)
        return -1;
    time_t when = timegm(&t) - (time_t)off * 60;
    struct tm u;
    if (!gmtime_r(&when, &u) || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &u) == 0)
        return -1;
    return 0;
}

/* A context text that must be there, one line (empty allowed when
 * may_be_empty). NULL with err when not. */
static const char *run_field(const pb_resultset *rs, const char *key, int may_be_empty,
                             char *buf, size_t bufcap, char *err, size_t cap)
{
    const char *v = pb_resultset_context_text(rs, key, buf, bufcap);
    if (!v || (!v[0] && !may_be_empty)) {
        snprintf(err, cap, "the context has no %s", key);
        return NULL;
    }
    if (v[0] && !pb_hist_text_ok(v)) {
        snprintf(err, cap, "the context's %s is %s", key, strlen(v) >= PB_HIST_TEXT
                 ? "too long (255 bytes at most)" : "not one line of text");
        return NULL;
    }
    return v;
}

/* component/impl/scenario/N into its parts (each PB_HIST_TEXT bytes).
 * 1 when the name has that shape. */
static int split_case(const char *name, char *comp, char *impl, char *scen, int64_t *n)
{
    char *parts[3] = { comp, impl, scen };
    const char *p = name;
    for (int i = 0; i < 3; i++) {
        const char *slash = strchr(p, '/');
        if (!slash || slash == p || (size_t)(slash - p) >= PB_HIST_TEXT)
            return 0;
        memcpy(parts[i], p, (size_t)(slash - p));
        parts[i][slash - p] = '\0';
        p = slash + 1;
    }
    if (!*p || strlen(p) > 15 || !digits(p, (int)strlen(p)))
        return 0;
    *n = strtoll(p, NULL, 10);
    return 1;
}

typedef struct run_info {
    const char *revision, *host, *date, *allocator_version;
    char        date_utc[32];
    char        buf[4][64];
} run_info;

/* The run's context checked; 0, or -1 with err. */
static int check_run(const pb_resultset *rs, run_info *ri, char *err, size_t cap)
{
    char q[64];
    const char *quick = pb_resultset_context_text(rs, "quick", q, sizeof q);
    if (quick && !strcmp(quick, "true")) {
        snprintf(err, cap, "a --quick run (its cases are timed too briefly to"
                 " compare across runs; the history keeps `make bench` runs)");
        return -1;
    }
    if (!(ri->revision = run_field(rs, "git_revision", 0, ri->buf[0], 64, err, cap)) ||
        !(ri->host = run_field(rs, "host_name", 1, ri->buf[1], 64, err, cap)) ||
        !(ri->date = run_field(rs, "date", 0, ri->buf[2], 64, err, cap)))
        return -1;
    ri->allocator_version = pb_resultset_context_text(rs, "allocator_version",
                                                      ri->buf[3], 64);
    if (ri->allocator_version && !pb_hist_text_ok(ri->allocator_version))
        ri->allocator_version = NULL;
    if (utc_date(ri->date, ri->date_utc, sizeof ri->date_utc) != 0) {
        snprintf(err, cap, "the context's date '%s' is not an ISO 8601 date and time"
                 " with its UTC offset (2026-12-07T12:26:34+00:00)", ri->date);
        return -1;
    }
    return 0;
}

static int exec_sql(pb_hdb *h, const char *sql, char *err, size_t cap)
{
    char *e = NULL;
    if (sqlite3_exec(h->db, sql, NULL, NULL, &e) == SQLITE_OK)
        return 0;
    snprintf(err, cap, "%s: %s", h->path, e ? e : sqlite3_errmsg(h->db));
    sqlite3_free(e);
    return -1;
}

static sqlite3_stmt *prepare(pb_hdb *h, const char *sql, char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_err(h, "cannot prepare a statement", err, cap);
        return NULL;
    }
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* A figure, NULL when absent (< 0). */
static void bind_figure(sqlite3_stmt *st, int i, double v)
{
    if (v >= 0)
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no row and resets it. 0, or -1 with err. */
static int step_done(pb_hdb *h, sqlite3_stmt *st, const char *what, char *err, size_t cap)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE)
        return 0;
    db_err(h, what, err, cap);
    return -1;
}

/* The machine's id, inserted when new. 0, or -1 with err. */
static int machine_id(pb_hdb *h, const pb_machine_id *m, int64_t *id, char *err,
                      size_t cap)
{
    sqlite3_stmt *st = prepare(h, "INSERT INTO machine (cpu_model, num_cpus, kernel,"
                               " compiler, libc, allocator, build_type)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                               " ON CONFLICT DO NOTHING", err, cap);
    sqlite3_stmt *sel = prepare(h, "SELECT id FROM machine WHERE cpu_model = ?1 AND"
                                " num_cpus = ?2 AND kernel = ?3 AND compiler = ?4 AND"
                                " libc = ?5 AND allocator = ?6 AND build_type = ?7",
                                err, cap);
    int rc = -1;
    if (!st || !sel)
        goto done;
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *s = k ? sel : st;
        bind_text(s, 1, m->cpu_model);
        sqlite3_bind_int64(s, 2, m->num_cpus);
        bind_text(s, 3, m->kernel);
        bind_text(s, 4, m->compiler);
        bind_text(s, 5, m->libc);
        bind_text(s, 6, m->allocator);
        bind_text(s, 7, m->build_type);
    }
    if (step_done(h, st, "cannot add the machine", err, cap) != 0)
        goto done;
    if (sqlite3_step(sel) != SQLITE_ROW) {
        db_err(h, "cannot find the machine", err, cap);
        goto done;
    }
    *id = sqlite3_column_int64(sel, 0);
    rc = 0;
done:
    sqlite3_finalize(st);
    sqlite3_finalize(sel);
    return rc;
}

/* The run's id when its natural key is there already: 1, 0 when not, -1. */
static int existing_run(pb_hdb *h, int64_t machine, const run_info *ri, int64_t *id,
                        char *err, size_t cap)
{
    sqlite3_stmt *st = prepare(h, "SELECT id FROM run WHERE machine_id = ?1 AND"
                               " host_name = ?2 AND date_utc = ?3 AND git_revision = ?4",
                               err, cap);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, machine);
    bind_text(st, 2, ri->host);
    bind_text(st, 3, ri->date_utc);
    bind_text(st, 4, ri->revision);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW;
    if (found)
        *id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        db_err(h, "cannot read the runs", err, cap);
    sqlite3_finalize(st);
    return found ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The row standing for a case at its first row (r), or NULL: r is not
 * the case's first row, the name is not component/impl/scenario/N (parts
 * into the buffers), or the case failed. */
static const pb_result *case_pick(const pb_resultset *rs, const pb_result *r,
                                  char *comp, char *impl, char *scen, int64_t *n)
{
    if (pb_resultset_first(rs, r->case_name) != r ||
        !split_case(r->case_name, comp, impl, scen, n))
        return NULL;
    const pb_result *pick = pb_resultset_pick(rs, r->case_name);
    return pick && pick->ns_per_op >= 0 ? pick : NULL;
}

static int any_case(const pb_resultset *rs)
{
    char comp[PB_HIST_TEXT], impl[PB_HIST_TEXT], scen[PB_HIST_TEXT];
    int64_t n;
    for (size_t i = 0; i < pb_resultset_count(rs); i++)
        if (case_pick(rs, pb_resultset_at(rs, i), comp, impl, scen, &n))
            return 1;
    return 0;
}

/* Every case that ran: its median time, allocations and instructions. */
static int add_cases(pb_hdb *h, const pb_resultset *rs, int64_t run, size_t *count,
                     char *err, size_t cap)
{
    sqlite3_stmt *st = prepare(h, "INSERT INTO case_figure (run_id, component, impl,"
                               " scenario, n, ns_per_op, allocs_per_op,"
                               " instructions_per_op) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                               " ?7, ?8)", err, cap);
    if (!st)
        return -1;
    int rc = 0;
    char comp[PB_HIST_TEXT], impl[PB_HIST_TEXT], scen[PB_HIST_TEXT];
    for (size_t i = 0; rc == 0 && i < pb_resultset_count(rs); i++) {
        const pb_result *r = pb_resultset_at(rs, i);
        int64_t n;
        const pb_result *pick = case_pick(rs, r, comp, impl, scen, &n);
        if (!pick)
            continue;
        sqlite3_bind_int64(st, 1, run);
        bind_text(st, 2, comp);
        bind_text(st, 3, impl);
        bind_text(st, 4, scen);
        sqlite3_bind_int64(st, 5, n);
        sqlite3_bind_double(st, 6, pick->ns_per_op);
        bind_figure(st, 7, pick->allocs_per_op);
        bind_figure(st, 8, pb_resultset_instr(rs, r->case_name));
        rc = step_done(h, st, "cannot add a case", err, cap);
        *count += rc == 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* One ratio of a pair point: versus "FIRST/SECOND", ratio the time of the
 * first over the time of the second, its interval when it had paired
 * rounds. 0, or -1 with err. */
static int add_ratio(pb_hdb *h, sqlite3_stmt *st, int64_t run, const char *comp,
                     const char *scen, int64_t n, const char *versus, double ratio,
                     double lo, double hi, int rounds, char *err, size_t cap)
{
    sqlite3_bind_int64(st, 1, run);
    bind_text(st, 2, comp);
    bind_text(st, 3, scen);
    sqlite3_bind_int64(st, 4, n);
    bind_text(st, 5, versus);
    sqlite3_bind_double(st, 6, ratio);
    bind_figure(st, 7, rounds ? lo : -1);
    bind_figure(st, 8, rounds ? hi : -1);
    sqlite3_bind_int(st, 9, rounds);
    return step_done(h, st, "cannot add a speed-up", err, cap);
}

/* Every pair point's ratios of the analysis: naive/optimized (naive time
 * over optimized time) and, per peer, optimized/PEER (optimized time over
 * the peer's: above 1, the peer is faster). */
static int add_ratios(pb_hdb *h, const pb_analysis *an, int64_t run, size_t *count,
                      char *err, size_t cap)
{
    sqlite3_stmt *st = prepare(h, "INSERT INTO ratio (run_id, component, scenario, n,"
                               " versus, ratio, lo, hi, rounds) VALUES (?1, ?2, ?3, ?4,"
                               " ?5, ?6, ?7, ?8, ?9)", err, cap);
    if (!st)
        return -1;
    int rc = 0;
    for (size_t c = 0; rc == 0 && c < an->n_components; c++) {
        const pb_component_result *cr = &an->components[c];
        if (!cr->pair || !cr->ran)
            continue;
        const char *comp = cr->component->name;
        for (size_t s = 0; rc == 0 && s < cr->n_scenarios; s++) {
            const pb_scenario_result *sr = &cr->scenarios[s];
            const char *scen = sr->scenario->name;
            for (size_t p = 0; rc == 0 && p < sr->n_points; p++) {
                const pb_pair_point *pt = &sr->points[p];
                if (pt->speedup > 0) {
                    rc = add_ratio(h, st, run, comp, scen, pt->n, "naive/optimized",
                                   pt->speedup, pt->speedup_lo, pt->speedup_hi,
                                   pt->paired_rounds, err, cap);
                    *count += rc == 0;
                }
                for (size_t q = 0; rc == 0 && q < pt->n_peers; q++) {
                    const pb_peer_point *pp = &pt->peers[q];
                    if (!(pp->ratio > 0) || !pp->impl)
                        continue;
                    char versus[PB_HIST_TEXT];
                    snprintf(versus, sizeof versus, "optimized/%s", pp->impl->name);
                    rc = add_ratio(h, st, run, comp, scen, pt->n, versus, pp->ratio,
                                   pp->ratio_lo, pp->ratio_hi, pp->paired_rounds, err,
                                   cap);
                    *count += rc == 0;
                }
            }
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int pb_hdb_import(pb_hdb *h, const pb_resultset *rs, const pb_analysis *an,
                  const char *source, pb_hdb_import_result *res, char *err, size_t cap)
{
    memset(res, 0, sizeof *res);
    pb_machine_id m;
    run_info ri;
    if (check_run(rs, &ri, err, cap) != 0 || pb_machine_id_of(rs, &m, err, cap) != 0)
        return PB_HDB_BAD_FILE;
    if (!any_case(rs)) {
        snprintf(err, cap, "no case of it ran (nothing to keep)");
        return PB_HDB_BAD_FILE;
    }
    if (exec_sql(h, "BEGIN IMMEDIATE", err, cap) != 0)
        return PB_HDB_FAILED;
    sqlite3_stmt *st = NULL;
    int present;
    if (h->fresh) {
        char *ddl = pb_strf("%sPRAGMA application_id = %d;\nPRAGMA user_version = %d;\n",
                            schema_sql, PB_HDB_APP_ID, PB_HDB_SCHEMA_VERSION);
        int rc = exec_sql(h, ddl, err, cap);
        free(ddl);
        if (rc != 0)
            goto fail;
    }
    if (machine_id(h, &m, &res->machine_id, err, cap) != 0 ||
        (present = existing_run(h, res->machine_id, &ri, &res->run_id, err, cap)) < 0)
        goto fail;
    if (present) {
        exec_sql(h, "ROLLBACK", err, cap);
        return 0;
    }
    st = prepare(h, "INSERT INTO run (machine_id, date_utc, git_revision, host_name,"
                 " date, allocator_version, source, imported_at) VALUES (?1, ?2, ?3,"
                 " ?4, ?5, ?6, ?7, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", err, cap);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, res->machine_id);
    bind_text(st, 2, ri.date_utc);
    bind_text(st, 3, ri.revision);
    bind_text(st, 4, ri.host);
    bind_text(st, 5, ri.date);
    bind_text(st, 6, ri.allocator_version);
    bind_text(st, 7, source);
    if (step_done(h, st, "cannot add the run", err, cap) != 0)
        goto fail;
    res->run_id = sqlite3_last_insert_rowid(h->db);
    if (add_cases(h, rs, res->run_id, &res->cases, err, cap) != 0 ||
        add_ratios(h, an, res->run_id, &res->ratios, err, cap) != 0)
        goto fail;
    if (exec_sql(h, "COMMIT", err, cap) != 0)
        goto fail;
    sqlite3_finalize(st);
    h->committed = 1;
    h->fresh = 0;
    res->added = 1;
    return 0;
fail:
    sqlite3_finalize(st);
    /* a failed COMMIT may have rolled back already: then this fails, harmlessly */
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return PB_HDB_FAILED;
}

/* --- reading -------------------------------------------------------------------- */

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int pb_hdb_machines(pb_hdb *h, pb_hdb_machine **out, size_t *n, char *err, size_t cap)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prepare(h, "SELECT m.id, m.cpu_model, m.num_cpus, m.kernel,"
                               " m.compiler, m.libc, m.allocator, m.build_type,"
                               " count(r.id), max(r.date_utc) FROM machine m LEFT JOIN"
                               " run r ON r.machine_id = m.id GROUP BY m.id ORDER BY m.id",
                               err, cap);
    if (!st)
        return -1;
    size_t room = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == room) {
            room = room ? room * 2 : 8;
            *out = pb_xrealloc(*out, room * sizeof **out);
        }
        pb_hdb_machine *m = &(*out)[(*n)++];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, 0);
        col_text(st, 1, m->m.cpu_model, sizeof m->m.cpu_model);
        m->m.num_cpus = sqlite3_column_int64(st, 2);
        col_text(st, 3, m->m.kernel, sizeof m->m.kernel);
        col_text(st, 4, m->m.compiler, sizeof m->m.compiler);
        col_text(st, 5, m->m.libc, sizeof m->m.libc);
        col_text(st, 6, m->m.allocator, sizeof m->m.allocator);
        col_text(st, 7, m->m.build_type, sizeof m->m.build_type);
        m->runs = sqlite3_column_int64(st, 8);
        col_text(st, 9, m->last_date, sizeof m->last_date);
    }
    if (rc != SQLITE_DONE) {
        db_err(h, "cannot read the machines", err, cap);
        free(*out);
        *out = NULL;
        *n = 0;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int pb_hdb_newest_machine(pb_hdb *h, int64_t *id, char *err, size_t cap)
{
    sqlite3_stmt *st = prepare(h, "SELECT machine_id FROM run ORDER BY date_utc DESC,"
                               " id DESC LIMIT 1", err, cap);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        db_err(h, "cannot read the runs", err, cap);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* The runs of the history, for looking a run id up. */
typedef struct run_ref {
    int64_t id;
    size_t  index;
} run_ref;

static int cmp_ref(const void *a, const void *b)
{
    int64_t x = ((const run_ref *)a)->id, y = ((const run_ref *)b)->id;
    return (x > y) - (x < y);
}

/* The last runs of the machine, oldest first: SQL of the ids. */
#define LAST_RUNS "SELECT id FROM run WHERE machine_id = ?1 ORDER BY date_utc DESC," \
                  " id DESC LIMIT ?2"

/* Reads the series of one query (rows: run_id, component, impl, scenario,
 * n, versus, value, lo, hi, ordered by series then run) into h. */
static int read_series(pb_hdb *h, pb_history *hist, pb_hist_kind kind, const char *sql,
                       const run_ref *refs, int64_t limit, char *err, size_t cap)
{
    sqlite3_stmt *st = prepare(h, sql, err, cap);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, hist->machine_id);
    sqlite3_bind_int64(st, 2, limit);
    pb_hist_series *cur = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        run_ref key = { sqlite3_column_int64(st, 0), 0 };
        const run_ref *r = bsearch(&key, refs, hist->n_runs, sizeof *refs, cmp_ref);
        const char *comp = (const char *)sqlite3_column_text(st, 1);
        const char *impl = (const char *)sqlite3_column_text(st, 2);
        const char *scen = (const char *)sqlite3_column_text(st, 3);
        int64_t n = sqlite3_column_int64(st, 4);
        const char *versus = (const char *)sqlite3_column_text(st, 5);
        if (!r || !comp || !impl || !scen || !versus)
            continue;
        if (!cur || strcmp(cur->component, comp) || strcmp(cur->impl, impl) ||
            strcmp(cur->scenario, scen) || cur->n != n || strcmp(cur->versus, versus)) {
            cur = pb_history_add_series(hist, kind, comp, impl, scen, n, versus);
            if (!cur) {
                snprintf(err, cap, "%s: a series named '%.64s...' is too long, or out"
                         " of memory", h->path, comp);
                sqlite3_finalize(st);
                return -1;
            }
        }
        cur->value[r->index] = sqlite3_column_double(st, 6);
        cur->lo[r->index] = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1
                          : sqlite3_column_double(st, 7);
        cur->hi[r->index] = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1
                          : sqlite3_column_double(st, 8);
    }
    if (rc != SQLITE_DONE)
        db_err(h, "cannot read the history", err, cap);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int pb_hdb_history(pb_hdb *h, int64_t id, size_t last, pb_history **out, char *err,
                   size_t cap)
{
    *out = NULL;
    pb_hdb_machine *ms = NULL;
    size_t n_ms = 0;
    if (pb_hdb_machines(h, &ms, &n_ms, err, cap) != 0)
        return -1;
    const pb_hdb_machine *m = NULL;
    for (size_t i = 0; i < n_ms; i++)
        if (ms[i].id == id)
            m = &ms[i];
    if (!m) {
        free(ms);
        return 1;
    }
    int64_t limit = last ? (int64_t)last : -1;
    size_t k = last && (int64_t)last < m->runs ? last : (size_t)m->runs;
    pb_history *hist = pb_history_new(k);
    run_ref *refs = pb_xmalloc((k ? k : 1) * sizeof *refs);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (!hist) {
        snprintf(err, cap, "out of memory reading %s", h->path);
        goto done;
    }
    hist->machine_id = id;
    hist->machine = m->m;
    hist->total_runs = (size_t)m->runs;
    st = prepare(h, "SELECT id, git_revision, date_utc FROM run WHERE id IN (" LAST_RUNS
                 ") ORDER BY date_utc, id", err, cap);
    if (!st)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, limit);
    size_t i = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && i < k) {
        pb_hist_run *r = &hist->runs[i];
        r->id = sqlite3_column_int64(st, 0);
        col_text(st, 1, r->revision, sizeof r->revision);
        col_text(st, 2, r->date, sizeof r->date);
        refs[i] = (run_ref){ r->id, i };
        i++;
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        db_err(h, "cannot read the runs", err, cap);
        goto done;
    }
    hist->n_runs = i;
    qsort(refs, i, sizeof *refs, cmp_ref);
    if (read_series(h, hist, PB_HIST_SPEEDUP,
                    "SELECT run_id, component, '', scenario, n, versus, ratio, lo, hi"
                    " FROM ratio WHERE run_id IN (" LAST_RUNS ") ORDER BY component,"
                    " scenario, n, versus, run_id", refs, limit, err, cap) != 0 ||
        read_series(h, hist, PB_HIST_INSTR,
                    "SELECT run_id, component, impl, scenario, n, '',"
                    " instructions_per_op, NULL, NULL FROM case_figure WHERE"
                    " instructions_per_op IS NOT NULL AND run_id IN (" LAST_RUNS ")"
                    " ORDER BY component, impl, scenario, n, run_id", refs, limit,
                    err, cap) != 0)
        goto done;
    *out = hist;
    hist = NULL;
    rc = 0;
done:
    sqlite3_finalize(st);
    pb_history_free(hist);
    free(refs);
    free(ms);
    return rc;
}

int pb_hdb_load_all(const char *path, size_t last, pb_history ***out, size_t *n,
                    char *err, size_t cap)
{
    *out = NULL;
    *n = 0;
    pb_hdb *h;
    pb_hdb_machine *ms = NULL;
    size_t n_ms = 0;
    if (pb_hdb_open(path, 0, &h, err, cap) != 0)
        return -1;
    int rc = pb_hdb_machines(h, &ms, &n_ms, err, cap);
    if (rc == 0 && n_ms)
        *out = pb_xmalloc(n_ms * sizeof **out);
    for (size_t i = 0; rc == 0 && i < n_ms; i++) {
        int r = pb_hdb_history(h, ms[i].id, last, &(*out)[*n], err, cap);
        if (r < 0)
            rc = -1;
        else if (r == 0)
            (*n)++;
    }
    if (rc != 0) {
        pb_hdb_free_all(*out, *n);
        *out = NULL;
        *n = 0;
    }
    free(ms);
    pb_hdb_close(h);
    return rc;
}

void pb_hdb_free_all(pb_history **h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pb_history_free(h[i]);
    free(h);
}
