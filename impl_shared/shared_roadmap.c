/*
 * shared_roadmap: the roadmap database of seed 004 (see the header): the
 * tables, the connection settings and the seeded generator. Building a
 * roadmap of n tasks is O(n) inserts (about 7n rows) through prepared
 * statements in one transaction; nothing here is measured.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "shared_roadmap.h"

static const char schema[] =
    "CREATE TABLE tasks(id TEXT PRIMARY KEY, title TEXT NOT NULL, epic_id TEXT,"
    " parent_id TEXT, status TEXT NOT NULL, priority INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE task_dependencies(task_id TEXT NOT NULL, depends_on_task_id TEXT"
    " NOT NULL, dependency_type TEXT NOT NULL);"
    "CREATE TABLE events(id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, event_type"
    " TEXT NOT NULL, timestamp INTEGER NOT NULL, data TEXT);"
    "CREATE TABLE quality_metrics(id INTEGER PRIMARY KEY, task_id TEXT NOT NULL,"
    " dimension TEXT NOT NULL, score REAL NOT NULL, timestamp INTEGER NOT NULL);"
    "CREATE TABLE context_entries(id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL,"
    " entry_type TEXT NOT NULL, content TEXT);";

#define BASE_MS 1700000000000LL

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n >= 1. */
static int64_t below(uint64_t *s, int64_t n)
{
    return (int64_t)(next(s) % (uint64_t)n);
}

/* 1 with probability p. */
static int chance(uint64_t *s, double p)
{
    return (double)(next(s) >> 11) * 0x1.0p-53 < p;
}

void roadmap_task_id(char *buf, size_t cap, int64_t i)
{
    snprintf(buf, cap, "T%07lld", (long long)i);
}

void roadmap_epic_id(char *buf, size_t cap, int64_t e)
{
    snprintf(buf, cap, "E%05lld", (long long)e);
}

int64_t roadmap_epics(int64_t n)
{
    return n / 50 > 1 ? n / 50 : 1;
}

/* The first task of epic e of n tasks over k epics (task i is in epic
 * i * k / n). */
static int64_t epic_start(int64_t e, int64_t n, int64_t k)
{
    return (e * n + k - 1) / k;
}

typedef struct builder {
    sqlite3      *db;
    sqlite3_stmt *task, *dep, *event, *quality, *context;
    char         *err;
    size_t        cap;
} builder;

static int fail(builder *b, const char *what)
{
    snprintf(b->err, b->cap, "%s: %s", what, b->db ? sqlite3_errmsg(b->db) : "no connection");
    return -1;
}

static int step(builder *b, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : fail(b, what);
}

static int add_dep(builder *b, const char *task, int64_t on, const char *type)
{
    char id[24];
    roadmap_task_id(id, sizeof id, on);
    sqlite3_bind_text(b->dep, 1, task, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->dep, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->dep, 3, type, -1, SQLITE_STATIC);
    return step(b, b->dep, "insert dependency");
}

static int add_event(builder *b, const char *task, const char *type, int64_t ts)
{
    sqlite3_bind_text(b->event, 1, task, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->event, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b->event, 3, ts);
    sqlite3_bind_text(b->event, 4, "{}", -1, SQLITE_STATIC);
    return step(b, b->event, "insert event");
}

static const char *const statuses[] = { "done", "in_progress", "blocked", "pending" };
static const char *const dimensions[] = { "correctness", "maintainability", "performance" };

/* One task i of n (k epics) with its dependencies, events and metrics. */
static int add_task(builder *b, int64_t i, int64_t n, int64_t k, uint64_t *rng)
{
    char id[24], epic[24], parent[24], title[64];
    int64_t e = i * k / n, s = epic_start(e, n, k);
    roadmap_task_id(id, sizeof id, i);
    roadmap_epic_id(epic, sizeof epic, e);
    snprintf(title, sizeof title, "task %lld of epic %lld", (long long)i, (long long)e);
    /* progress: early epics mostly done, late ones mostly pending */
    double p_done = 0.9 - 0.9 * (double)e / (double)(k > 1 ? k - 1 : 1);
    int st = chance(rng, p_done) ? 0 : chance(rng, 0.18) ? 1 : chance(rng, 0.11) ? 2 : 3;
    int64_t created = BASE_MS + i * 60000 + below(rng, 30000);
    sqlite3_bind_text(b->task, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->task, 2, title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(b->task, 3, epic, -1, SQLITE_TRANSIENT);
    if (i > s && chance(rng, 0.25)) {
        roadmap_task_id(parent, sizeof parent, s + below(rng, i - s));
        sqlite3_bind_text(b->task, 4, parent, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_null(b->task, 4);
    }
    sqlite3_bind_text(b->task, 5, statuses[st], -1, SQLITE_STATIC);
    sqlite3_bind_int64(b->task, 6, 1 + below(rng, 5));
    sqlite3_bind_int64(b->task, 7, created);
    if (step(b, b->task, "insert task") != 0)
        return -1;

    /* dependencies, on earlier tasks only, no pair twice */
    int64_t chain = -1, hub = -1;
    if (i > s && chance(rng, 0.4)) {
        chain = i - 1;
        if (add_dep(b, id, chain, "blocks") != 0)
            return -1;
    }
    int64_t hubs = (i - s + 19) / 20;          /* hubs s, s+20, ... below i */
    if (hubs > 0 && chance(rng, 0.1)) {
        hub = s + 20 * below(rng, hubs);
        if (hub != chain && add_dep(b, id, hub, "blocks") != 0)
            return -1;
    }
    if (i > 0 && chance(rng, 0.15)) {
        int64_t j = below(rng, i);
        if (j != chain && j != hub && add_dep(b, id, j, "related") != 0)
            return -1;
    }

    /* events */
    int64_t ts = created, count = 1 + below(rng, 6);
    for (int64_t k2 = 0; k2 < count; k2++) {
        const char *type = k2 == 0 ? "created"
                         : k2 == count - 1 && st == 0 ? "completed"
                         : k2 == count - 1 && st == 2 ? "blocked"
                         : k2 == 1 ? "started" : "progress";
        if (add_event(b, id, type, ts) != 0)
            return -1;
        ts += 1 + below(rng, 600000);
    }

    /* quality of done tasks */
    for (int d = 0; st == 0 && d < 3; d++) {
        sqlite3_bind_text(b->quality, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(b->quality, 2, dimensions[d], -1, SQLITE_STATIC);
        sqlite3_bind_double(b->quality, 3, (double)below(rng, 1001) / 1000.0);
        sqlite3_bind_int64(b->quality, 4, ts);
        if (step(b, b->quality, "insert quality metric") != 0)
            return -1;
    }
    return 0;
}

int roadmap_build(const char *path, int64_t n, uint64_t seed, char *err, size_t cap)
{
    builder b = { .err = err, .cap = cap };
    if (n < 1 || n > 10000000) {
        snprintf(err, cap, "roadmap of %lld tasks: wants 1 to 10,000,000", (long long)n);
        return -1;
    }
    if (access(path, F_OK) == 0) {
        snprintf(err, cap, "%s exists", path);
        errno = EEXIST;
        return -1;
    }
    int rc = -1;
    if (sqlite3_open_v2(path, &b.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fail(&b, "open");
        goto done;
    }
    if (sqlite3_exec(b.db, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF;", NULL,
                     NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(b.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(b.db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        fail(&b, "schema");
        goto done;
    }
    if (sqlite3_prepare_v2(b.db, "INSERT INTO tasks VALUES(?,?,?,?,?,?,?)", -1, &b.task,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b.db, "INSERT INTO task_dependencies VALUES(?,?,?)", -1, &b.dep,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b.db, "INSERT INTO events(task_id, event_type, timestamp, data)"
                           " VALUES(?,?,?,?)", -1, &b.event, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b.db, "INSERT INTO quality_metrics(task_id, dimension, score,"
                           " timestamp) VALUES(?,?,?,?)", -1, &b.quality, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b.db, "INSERT INTO context_entries(timestamp, entry_type,"
                           " content) VALUES(?,?,?)", -1, &b.context, NULL) != SQLITE_OK) {
        fail(&b, "prepare");
        goto done;
    }
    uint64_t rng = seed ^ 0x726f61646d6170ULL;        /* "roadmap" */
    int64_t k = roadmap_epics(n);
    for (int64_t i = 0; i < n; i++)
        if (add_task(&b, i, n, k, &rng) != 0)
            goto done;
    for (int64_t c = 0; c < n / 4; c++) {
        sqlite3_bind_int64(b.context, 1, BASE_MS + c * 240000);
        sqlite3_bind_text(b.context, 2, c % 3 ? "decision" : "constraint", -1, SQLITE_STATIC);
        sqlite3_bind_text(b.context, 3, "context entry", -1, SQLITE_STATIC);
        if (step(&b, b.context, "insert context entry") != 0)
            goto done;
    }
    if (sqlite3_exec(b.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(&b, "commit");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(b.task);
    sqlite3_finalize(b.dep);
    sqlite3_finalize(b.event);
    sqlite3_finalize(b.quality);
    sqlite3_finalize(b.context);
    if (b.db && sqlite3_close(b.db) != SQLITE_OK && rc == 0) {
        snprintf(err, cap, "close: %s", sqlite3_errmsg(b.db));
        rc = -1;
    }
    if (rc != 0) {
        unlink(path);
        char journal[4096];
        snprintf(journal, sizeof journal, "%s-journal", path);
        unlink(journal);
    }
    return rc;
}

int roadmap_open(const char *path, int readonly, sqlite3 **db, char *err, size_t cap)
{
    *db = NULL;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas, "PRAGMA synchronous=%s; PRAGMA cache_size=-%d;",
             ROADMAP_SYNCHRONOUS, ROADMAP_CACHE_KIB);
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK ||
        sqlite3_exec(*db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, cap, "open %s: %s", path, *db ? sqlite3_errmsg(*db) : "out of memory");
        sqlite3_close(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

int roadmap_open_indexed(const char *path, sqlite3 **db, char *err, size_t cap)
{
    if (roadmap_open(path, 0, db, err, cap) != 0) {
        errno = strstr(err, "out of memory") ? ENOMEM : EIO;
        return -1;
    }
    int rc = sqlite3_exec(*db, "BEGIN;" ROADMAP_SEED_INDEXES "COMMIT;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "%s: %s", path, sqlite3_errmsg(*db));
        sqlite3_close(*db);
        *db = NULL;
        errno = (rc & 0xff) == SQLITE_NOMEM ? ENOMEM : EIO;
        return -1;
    }
    return 0;
}

int roadmap_copy(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    char buf[1 << 16];
    ssize_t got;
    int rc = 0;
    while ((got = read(in, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        for (ssize_t off = 0; off < got; ) {
            ssize_t w = write(out, buf + off, (size_t)(got - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                if (w == 0)
                    errno = EIO;
                rc = -1;
                break;
            }
            off += w;
        }
        if (rc)
            break;
    }
    int e = errno;
    close(in);
    if (close(out) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc) {
        unlink(to);
        errno = e;
    }
    return rc;
}
