/*
 * The result set: the rows of one Google Benchmark JSON file as a value.
 *
 * One reader (pb_resultset_parse, with cJSON) turns a file, written by
 * gbench with or without pairbench's "pairbench" block, into rows; the
 * parsed tree is kept (context, benchmarks) so a writer can rewrite the
 * file from memory. Rows are indexed by case name in an open-addressing
 * hash table; the rows of one name are chained in file order, so a lookup
 * by name and aggregate touches that case's few rows, never the whole set.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <float.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model.h"

#define NONE SIZE_MAX

/* Per-case figures a profiler pass adds beside gbench's rows (instructions
 * per op, bytes leaked): a case name and a number >= 0, each kept in the
 * set and as one object of the JSON tree. */
typedef struct figtab {
    struct fig_entry { char name[160]; double v; } *e;
    size_t n, cap;
} figtab;

struct pb_resultset {
    pb_result *rows;
    size_t    *next;           /* next row of the same case name, or NONE */
    size_t    *last;           /* per slot: the last row of its chain */
    size_t     n, cap;
    size_t    *slots;          /* first row of a case name, or NONE */
    size_t     n_slots, used_slots;
    cJSON     *root;           /* the whole file, or an empty one */
    cJSON     *context;        /* borrowed from root */
    pb_paired *paired;         /* the paired pass's points */
    size_t     n_paired, cap_paired;
    figtab     instr;          /* instructions per op (--instr-fits) */
    figtab     leaked;         /* memcheck's definitely lost bytes (--memcheck) */
};

void pb_result_init(pb_result *r)
{
    memset(r, 0, sizeof *r);
    r->repetition_index = -1;
    r->ns_per_op = -1;
    r->cv = -1;
    r->rms = -1;
    r->allocs_per_op = r->bytes_per_op = -1;
    r->peak_heap_bytes = r->peak_rss_bytes = r->rss_growth_bytes = -1;
    r->p50_ns = r->p90_ns = r->p99_ns = r->p999_ns = r->max_ns = -1;
}

void pb_result_add_counter(pb_result *r, const char *name, double value)
{
    size_t len = strlen(name), tail = strlen("_per_op");
    if (len <= tail || strcmp(name + len - tail, "_per_op") != 0 ||
        !strcmp(name, "allocs_per_op") || !strcmp(name, "bytes_per_op") ||
        r->n_counters == PB_RESULT_MAX_COUNTERS || len >= sizeof r->counters[0].name)
        return;
    snprintf(r->counters[r->n_counters].name, sizeof r->counters[0].name, "%s", name);
    r->counters[r->n_counters++].value = value;
}

double pb_result_counter(const pb_result *r, const char *name)
{
    char full[64];
    snprintf(full, sizeof full, "%s_per_op", name);
    for (int i = 0; i < r->n_counters; i++)
        if (strcmp(r->counters[i].name, full) == 0)
            return r->counters[i].value;
    return -1;
}


/* --- the index ------------------------------------------------------------ */

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull;          /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of a case name: where its chain starts, or the empty slot where
 * it would. */
static size_t slot_of(const pb_resultset *rs, const char *name)
{
    size_t mask = rs->n_slots - 1;
    for (size_t i = (size_t)hash_name(name) & mask;; i = (i + 1) & mask)
        if (rs->slots[i] == NONE || strcmp(rs->rows[rs->slots[i]].case_name, name) == 0)
            return i;
}

/* Doubles the table and re-inserts every chain. 0, or -1. */
static int grow_slots(pb_resultset *rs)
{
    size_t old_n = rs->n_slots, *old = rs->slots, *old_last = rs->last;
    size_t n = old_n ? old_n * 2 : 256;
    size_t *slots = malloc(n * sizeof *slots), *last = malloc(n * sizeof *last);
    if (!slots || !last) {
        free(slots);
        free(last);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        slots[i] = NONE;
    rs->slots = slots;
    rs->last = last;
    rs->n_slots = n;
    for (size_t i = 0; i < old_n; i++)
        if (old[i] != NONE) {
            size_t k = slot_of(rs, rs->rows[old[i]].case_name);
            slots[k] = old[i];
            last[k] = old_last[i];
        }
    free(old);
    free(old_last);
    return 0;
}

pb_resultset *pb_resultset_new(void)
{
    pb_resultset *rs = calloc(1, sizeof *rs);
    if (!rs)
        return NULL;
    rs->root = cJSON_CreateObject();
    rs->context = rs->root ? cJSON_AddObjectToObject(rs->root, "context") : NULL;
    if (!rs->context || !cJSON_AddArrayToObject(rs->root, "benchmarks") ||
        grow_slots(rs) != 0) {
        pb_resultset_free(rs);
        return NULL;
    }
    return rs;
}

int pb_resultset_add(pb_resultset *rs, const pb_result *r)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 256;
        pb_result *rows = realloc(rs->rows, cap * sizeof *rows);
        if (!rows)
            return -1;
        rs->rows = rows;
        size_t *next = realloc(rs->next, cap * sizeof *next);
        if (!next)
            return -1;
        rs->next = next;
        rs->cap = cap;
    }
    if ((rs->used_slots + 1) * 2 > rs->n_slots && grow_slots(rs) != 0)
        return -1;
    size_t i = rs->n++;
    rs->rows[i] = *r;
    rs->next[i] = NONE;
    size_t k = slot_of(rs, r->case_name);
    if (rs->slots[k] == NONE) {
        rs->slots[k] = i;
        rs->used_slots++;
    } else {
        rs->next[rs->last[k]] = i;
    }
    rs->last[k] = i;
    return 0;
}

void pb_resultset_free(pb_resultset *rs)
{
    if (!rs)
        return;
    free(rs->rows);
    free(rs->next);
    free(rs->slots);
    free(rs->last);
    free(rs->paired);
    free(rs->instr.e);
    free(rs->leaked.e);
    cJSON_Delete(rs->root);
    free(rs);
}

size_t pb_resultset_count(const pb_resultset *rs)
{
    return rs->n;
}

const pb_result *pb_resultset_at(const pb_resultset *rs, size_t i)
{
    return i < rs->n ? &rs->rows[i] : NULL;
}

const pb_result *pb_resultset_first(const pb_resultset *rs, const char *case_name)
{
    size_t k = slot_of(rs, case_name);
    return rs->slots[k] == NONE ? NULL : &rs->rows[rs->slots[k]];
}

const pb_result *pb_resultset_next(const pb_resultset *rs, const pb_result *r)
{
    size_t i = rs->next[(size_t)(r - rs->rows)];
    return i == NONE ? NULL : &rs->rows[i];
}

const pb_result *pb_resultset_find(const pb_resultset *rs, const char *case_name,
                                   const char *aggregate)
{
    for (const pb_result *r = pb_resultset_first(rs, case_name); r;
         r = pb_resultset_next(rs, r))
        if (strcmp(r->aggregate, aggregate) == 0)
            return r;
    return NULL;
}

const pb_result *pb_resultset_pick(const pb_resultset *rs, const char *case_name)
{
    const pb_result *r = pb_resultset_find(rs, case_name, "median");
    if (!r)
        r = pb_resultset_find(rs, case_name, "");
    return r && !r->error && r->ns_per_op >= 0 ? r : NULL;
}

int pb_resultset_repetitions(const pb_resultset *rs)
{
    int most = 0;
    for (size_t k = 0; k < rs->n_slots; k++) {
        if (rs->slots[k] == NONE)
            continue;
        int reps = 0;
        for (size_t i = rs->slots[k]; i != NONE; i = rs->next[i])
            reps += !rs->rows[i].aggregate[0];
        if (reps > most)
            most = reps;
    }
    return most;
}

int pb_resultset_has_component(const pb_resultset *rs, const char *component)
{
    size_t len = strlen(component);
    for (size_t i = 0; i < rs->n; i++)
        if (strncmp(rs->rows[i].case_name, component, len) == 0 &&
            rs->rows[i].case_name[len] == '/')
            return 1;
    return 0;
}

const cJSON *pb_resultset_context(const pb_resultset *rs)
{
    return rs->context;
}

const cJSON *pb_resultset_json(const pb_resultset *rs)
{
    return rs->root;
}

const cJSON *pb_resultset_stored_block(const pb_resultset *rs)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(rs->root, "pairbench");
    return cJSON_IsObject(b) ? b : NULL;
}

const char *pb_resultset_context_text(const pb_resultset *rs, const char *key,
                                      char *buf, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rs->context, key);
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNumber(v)) {
        snprintf(buf, cap, "%g", v->valuedouble);
        return buf;
    }
    return NULL;
}

/* --- loading a JSON file ------------------------------------------------ */

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double pb_time_unit_ns(const char *unit)
{
    if (!unit || !strcmp(unit, "ns"))
        return 1;
    if (!strcmp(unit, "us"))
        return 1e3;
    if (!strcmp(unit, "ms"))
        return 1e6;
    if (!strcmp(unit, "s"))
        return 1e9;
    return -1;
}

char *pb_read_file(const char *path, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, cap, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t len = 0, size = 1 << 16;
    char *buf = malloc(size);
    while (buf) {
        len += fread(buf + len, 1, size - len - 1, f);
        if (len < size - 1)
            break;
        char *p = realloc(buf, size * 2);
        if (!p) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = p;
        size *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err, cap, "cannot read %s", path);
        return NULL;
    }
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        snprintf(err, cap, "%s holds a NUL byte at offset %zu: not a JSON text"
                 " file", path, (size_t)(nul - buf));
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

cJSON *pb_json_parse(const char *raw, int *trailing)
{
    *trailing = 0;
    char *text = pb_json_sanitize(raw);
    if (!text)
        return NULL;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 0);
    if (root && end) {
        while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
            end++;
        if (*end) {
            cJSON_Delete(root);
            root = NULL;
            *trailing = 1;
        }
    }
    free(text);
    return root;
}

int pb_json_number(const cJSON *obj, const char *key, double hi, int whole,
                   double *out, char *why, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = -1;
    if (!cJSON_IsNumber(v))
        return 0;
    double x = v->valuedouble;
    if (!isfinite(x) || x < 0 || x > hi || (whole && x != floor(x))) {
        snprintf(why, cap, "%s is %g, out of range (want a %s from 0 to %.17g)",
                 key, x, whole ? "whole number" : "finite number", hi);
        return -1;
    }
    *out = x;
    return 0;
}

char *pb_json_sanitize(const char *text)
{
    /* gbench prints a non-finite double as NaN, Infinity, nan or inf; as a
     * value (after ':' and spaces, before ',' '}' or a line end) it becomes
     * null. "null" is at most one byte longer than what it replaces. */
    static const char *const bad[] = { "-Infinity", "Infinity", "-NaN", "NaN",
                                       "-nan", "nan", "-inf", "inf" };
    size_t colons = 0;
    for (const char *p = text; *p; p++)
        colons += *p == ':';
    char *out = malloc(strlen(text) + colons + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = text; *p;) {
        *o++ = *p;
        if (*p++ != ':')
            continue;
        while (*p == ' ')
            *o++ = *p++;
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            size_t len = strlen(bad[k]);
            if (strncmp(p, bad[k], len) != 0)
                continue;          /* p[len] is only read past a match */
            char after = p[len];
            if (after == ',' || after == '}' || after == '\n' ||
                after == '\r' || after == ' ' || after == '\0') {
                memcpy(o, "null", 4);
                o += 4;
                p += len;
                break;
            }
        }
    }
    *o = '\0';
    return out;
}


/* One benchmark object as a row; 0, or -1 with the reason in why when it
 * lacks what a row needs or a number is out of the range it is read into. */
static int row_of(const cJSON *b, pb_result *r, char *why, size_t cap)
{
    const char *name = str(b, "name");
    const char *run_name = str(b, "run_name");
    const char *run_type = str(b, "run_type");
    double scale = pb_time_unit_ns(str(b, "time_unit"));
    if (!name || !run_name || !run_type || scale < 0) {
        snprintf(why, cap, "lacks name, run_name, run_type or a known time_unit");
        return -1;
    }
    pb_result_init(r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->case_name, sizeof r->case_name, "%s", run_name);
    if (!strcmp(run_type, "aggregate")) {
        const char *agg = str(b, "aggregate_name");
        snprintf(r->aggregate, sizeof r->aggregate, "%s", agg ? agg : "?");
    }
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(b, "error_occurred");
    r->error = cJSON_IsTrue(e);
    const char *msg = str(b, "error_message");
    if (msg)
        snprintf(r->error_message, sizeof r->error_message, "%s", msg);
    /* every number is checked before it is converted or scaled */
    double it, rep, t;
    if (pb_json_number(b, "iterations", PB_INT64_BELOW, 1, &it, why, cap) != 0 ||
        pb_json_number(b, "repetition_index", INT_MAX, 1, &rep, why, cap) != 0 ||
        pb_json_number(b, "real_time", DBL_MAX, 0, &t, why, cap) != 0)
        return -1;
    r->iterations = it < 0 ? 0 : (int64_t)it;
    r->repetition_index = rep < 0 ? -1 : (int)rep;
    const char *big_o = str(b, "big_o");
    const char *unit = str(b, "aggregate_unit");
    if (big_o) {
        snprintf(r->big_o, sizeof r->big_o, "%s", big_o);
    } else if (!strcmp(r->aggregate, "RMS")) {
        /* the real-time fit's RMS when pairbench wrote it, else gbench's
         * (of the CPU time) */
        if (pb_json_number(b, "real_rms", DBL_MAX, 0, &r->rms, why, cap) != 0)
            return -1;
        if (r->rms < 0 && pb_json_number(b, "rms", DBL_MAX, 0, &r->rms, why, cap) != 0)
            return -1;
    } else if (unit && !strcmp(unit, "percentage")) {
        r->cv = t;
    } else if (!r->error && t >= 0) {
        if (t > DBL_MAX / scale) {
            snprintf(why, cap, "real_time is %g %s, out of range once in ns", t,
                     str(b, "time_unit"));
            return -1;
        }
        r->ns_per_op = t * scale;
    }
    static const struct { const char *key; size_t off; } counts[] = {
        { "allocs_per_op", offsetof(pb_result, allocs_per_op) },
        { "bytes_per_op", offsetof(pb_result, bytes_per_op) },
        { "peak_heap_bytes", offsetof(pb_result, peak_heap_bytes) },
        { "peak_rss_bytes", offsetof(pb_result, peak_rss_bytes) },
        { "rss_growth_bytes", offsetof(pb_result, rss_growth_bytes) },
        { "p50_ns", offsetof(pb_result, p50_ns) },
        { "p90_ns", offsetof(pb_result, p90_ns) },
        { "p99_ns", offsetof(pb_result, p99_ns) },
        { "p999_ns", offsetof(pb_result, p999_ns) },
        { "max_ns", offsetof(pb_result, max_ns) },
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (pb_json_number(b, counts[i].key, DBL_MAX, 0,
                           (double *)((char *)r + counts[i].off), why, cap) != 0)
            return -1;
    const cJSON *field;
    cJSON_ArrayForEach(field, b)
        if (cJSON_IsNumber(field) && field->string) {
            if (!isfinite(field->valuedouble)) {
                snprintf(why, cap, "%s is %g, out of range (want a finite number)",
                         field->string, field->valuedouble);
                return -1;
            }
            pb_result_add_counter(r, field->string, field->valuedouble);
        }
    return 0;
}

/* 1 when s is a lower-case identifier [a-z][a-z0-9_]*, of n bytes. */
static int is_ident(const char *s, size_t n)
{
    if (n == 0 || !islower((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

/* 1 when a case name has pairbench's shape component/impl/scenario/N:
 * three lower-case identifiers and a decimal N. */
static int is_pairbench_case(const char *name)
{
    const char *p = name;
    for (int part = 0; part < 3; part++) {
        const char *slash = strchr(p, '/');
        if (!slash || !is_ident(p, (size_t)(slash - p)))
            return 0;
        p = slash + 1;
    }
    if (!*p)
        return 0;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return 1;
}

/* --- the paired pass ------------------------------------------------------ */

#define PAIRED_KEY "pairbench_paired"

static pb_paired *paired_slot(pb_resultset *rs, const char *point)
{
    for (size_t i = 0; i < rs->n_paired; i++)
        if (strcmp(rs->paired[i].point, point) == 0)
            return &rs->paired[i];
    if (rs->n_paired == rs->cap_paired) {
        size_t cap = rs->cap_paired ? rs->cap_paired * 2 : 64;
        pb_paired *p = realloc(rs->paired, cap * sizeof *p);
        if (!p)
            return NULL;
        rs->paired = p;
        rs->cap_paired = cap;
    }
    pb_paired *p = &rs->paired[rs->n_paired++];
    memset(p, 0, sizeof *p);
    snprintf(p->point, sizeof p->point, "%s", point);
    return p;
}

static int paired_ok(int rounds, const double *a, const double *b)
{
    if (rounds < 2 || rounds > PB_PAIRED_MAX_ROUNDS)
        return 0;
    for (int i = 0; i < rounds; i++)
        if (!isfinite(a[i]) || !isfinite(b[i]) || a[i] < 0 || b[i] < 0)
            return 0;
    return 1;
}

/* Records the rounds in the index only (the tree already has them). */
static int paired_index(pb_resultset *rs, const char *point, int rounds,
                        const double *a, const double *b, int peer)
{
    if (strlen(point) >= sizeof rs->paired[0].point || !paired_ok(rounds, a, b))
        return -1;
    pb_paired *p = paired_slot(rs, point);
    if (!p)
        return -1;
    p->rounds = rounds;
    p->peer = peer;
    memcpy(p->naive_ns, a, (size_t)rounds * sizeof *a);
    memcpy(p->optimized_ns, b, (size_t)rounds * sizeof *b);
    return 0;
}

/* A time as the file keeps it: cJSON prints 15 significant digits, so the
 * live analysis and one of the file read back see the same numbers. */
static double as_printed(double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%1.15g", v);
    return strtod(buf, NULL);
}

/* a: the naive (peer) side, b: the optimized one. */
static int add_paired(pb_resultset *rs, const char *point, int rounds,
                      const double *a_in, const double *b_in, int peer)
{
    if (!paired_ok(rounds, a_in, b_in) || strlen(point) >= sizeof rs->paired[0].point)
        return -1;
    double a_ns[PB_PAIRED_MAX_ROUNDS], b_ns[PB_PAIRED_MAX_ROUNDS];
    for (int i = 0; i < rounds; i++) {
        a_ns[i] = as_printed(a_in[i]);
        b_ns[i] = as_printed(b_in[i]);
    }
    cJSON *all = cJSON_GetObjectItemCaseSensitive(rs->root, PAIRED_KEY);
    if (!cJSON_IsObject(all)) {
        cJSON_DeleteItemFromObjectCaseSensitive(rs->root, PAIRED_KEY);
        all = cJSON_AddObjectToObject(rs->root, PAIRED_KEY);
    }
    cJSON *one = cJSON_CreateObject();
    cJSON *a = cJSON_CreateDoubleArray(a_ns, rounds);
    cJSON *b = cJSON_CreateDoubleArray(b_ns, rounds);
    if (!all || !one || !a || !b) {
        cJSON_Delete(one);
        cJSON_Delete(a);
        cJSON_Delete(b);
        return -1;
    }
    cJSON_AddItemToObject(one, peer ? "peer_ns" : "naive_ns", a);
    cJSON_AddItemToObject(one, "optimized_ns", b);
    cJSON_DeleteItemFromObjectCaseSensitive(all, point);
    cJSON_AddItemToObject(all, point, one);
    return paired_index(rs, point, rounds, a_ns, b_ns, peer);
}

int pb_resultset_add_paired(pb_resultset *rs, const char *point, int rounds,
                            const double *naive_ns, const double *optimized_ns)
{
    return add_paired(rs, point, rounds, naive_ns, optimized_ns, 0);
}

int pb_resultset_add_peer_paired(pb_resultset *rs, const char *peer_case, int rounds,
                                 const double *peer_ns, const double *optimized_ns)
{
    return add_paired(rs, peer_case, rounds, peer_ns, optimized_ns, 1);
}

int pb_resultset_set_context(pb_resultset *rs, const char *key, const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(rs->context, key);
    return cJSON_AddStringToObject(rs->context, key, value) ? 0 : -1;
}

const pb_paired *pb_resultset_paired(const pb_resultset *rs, const char *point)
{
    for (size_t i = 0; i < rs->n_paired; i++)
        if (strcmp(rs->paired[i].point, point) == 0)
            return &rs->paired[i];
    return NULL;
}

/* --- per-case figures: instruction counts, bytes leaked --------------------- */

#define INSTR_KEY "pairbench_instructions"
#define LEAKED_KEY "pairbench_memcheck"

static int fig_index(figtab *t, const char *name, double v)
{
    if (!isfinite(v) || v < 0 || strlen(name) >= sizeof t->e[0].name)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->e[i].name, name) == 0) {
            t->e[i].v = v;
            return 0;
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct fig_entry *p = realloc(t->e, cap * sizeof *p);
        if (!p)
            return -1;
        t->e = p;
        t->cap = cap;
    }
    snprintf(t->e[t->n].name, sizeof t->e[0].name, "%s", name);
    t->e[t->n++].v = v;
    return 0;
}

/* Adds (replaces) a case's figure in t and in the tree's object `key`. */
static int fig_add(pb_resultset *rs, figtab *t, const char *key, const char *case_name,
                   double v)
{
    v = as_printed(v);
    if (!isfinite(v) || v < 0 || strlen(case_name) >= sizeof t->e[0].name)
        return -1;
    cJSON *all = cJSON_GetObjectItemCaseSensitive(rs->root, key);
    if (!cJSON_IsObject(all)) {
        cJSON_DeleteItemFromObjectCaseSensitive(rs->root, key);
        all = cJSON_AddObjectToObject(rs->root, key);
    }
    if (!all)
        return -1;
    cJSON_DeleteItemFromObjectCaseSensitive(all, case_name);
    if (!cJSON_AddNumberToObject(all, case_name, v))
        return -1;
    return fig_index(t, case_name, v);
}

static double fig_get(const figtab *t, const char *case_name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->e[i].name, case_name) == 0)
            return t->e[i].v;
    return -1;
}

/* The file's figures under `key`, when it has them: an object of case
 * names and numbers >= 0 (whole numbers when `whole`). 0, or -1 with why. */
static int fig_load(pb_resultset *rs, figtab *t, const char *key, const char *wants,
                    int whole, char *why, size_t cap)
{
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(rs->root, key);
    if (!all)
        return 0;
    if (!cJSON_IsObject(all)) {
        snprintf(why, cap, "%s is not an object", key);
        return -1;
    }
    const cJSON *one;
    cJSON_ArrayForEach(one, all)
        if (!one->string || !cJSON_IsNumber(one) ||
            (whole && !(one->valuedouble <= PB_INT64_BELOW &&
                        one->valuedouble == floor(one->valuedouble))) ||
            fig_index(t, one->string, one->valuedouble) != 0) {
            snprintf(why, cap, "%s case %.100s: wants %s", key,
                     one->string ? one->string : "?", wants);
            return -1;
        }
    return 0;
}

int pb_resultset_add_instr(pb_resultset *rs, const char *case_name, double v)
{
    return fig_add(rs, &rs->instr, INSTR_KEY, case_name, v);
}

double pb_resultset_instr(const pb_resultset *rs, const char *case_name)
{
    return fig_get(&rs->instr, case_name);
}

int pb_resultset_add_leaked(pb_resultset *rs, const char *case_name, double bytes)
{
    if (!(bytes <= PB_INT64_BELOW) || bytes != floor(bytes))
        return -1;
    return fig_add(rs, &rs->leaked, LEAKED_KEY, case_name, bytes);
}

double pb_resultset_leaked(const pb_resultset *rs, const char *case_name)
{
    return fig_get(&rs->leaked, case_name);
}

/* One array of a paired point: up to PB_PAIRED_MAX_ROUNDS finite numbers
 * >= 0. Its length, or -1. */
static int paired_array(const cJSON *one, const char *key, double *out)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(one, key);
    if (!cJSON_IsArray(arr))
        return -1;
    int k = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) {
        if (k == PB_PAIRED_MAX_ROUNDS || !cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
            v->valuedouble < 0)
            return -1;
        out[k++] = v->valuedouble;
    }
    return k;
}

/* The file's paired pass, when it has one: every member a point name
 * (component/scenario/N) with naive_ns and optimized_ns, or a peer's case
 * name (component/PEER/scenario/N) with peer_ns and optimized_ns: two
 * arrays of the same length (2..PB_PAIRED_MAX_ROUNDS) of times >= 0.
 * 0, or -1 with why. */
static int load_paired(pb_resultset *rs, char *why, size_t cap)
{
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(rs->root, PAIRED_KEY);
    if (!all)
        return 0;
    if (!cJSON_IsObject(all)) {
        snprintf(why, cap, PAIRED_KEY " is not an object");
        return -1;
    }
    const cJSON *one;
    cJSON_ArrayForEach(one, all) {
        static double a[PB_PAIRED_MAX_ROUNDS], b[PB_PAIRED_MAX_ROUNDS];
        int slashes = 0;
        for (const char *q = one->string ? one->string : ""; *q; q++)
            slashes += *q == '/';
        int peer = slashes == 3;
        const char *other = peer ? "peer_ns" : "naive_ns";
        int ka = paired_array(one, other, a);
        int kb = paired_array(one, "optimized_ns", b);
        if (!one->string || ka < 2 || ka != kb ||
            paired_index(rs, one->string, ka, a, b, peer) != 0) {
            snprintf(why, cap, PAIRED_KEY " point %.100s: wants %s and optimized_ns,"
                     " arrays of the same length (2..%d) of times >= 0",
                     one->string ? one->string : "?", other, PB_PAIRED_MAX_ROUNDS);
            return -1;
        }
    }
    return 0;
}

pb_resultset *pb_resultset_parse(const char *raw, const char *what, char *err,
                                 size_t err_cap)
{
    int trailing;
    cJSON *root = pb_json_parse(raw, &trailing);
    if (trailing) {
        snprintf(err, err_cap, "%s has text after its JSON value (not one"
                 " complete Google Benchmark JSON file)", what);
        return NULL;
    }
    cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(root, "benchmarks");
    cJSON *context = cJSON_GetObjectItemCaseSensitive(root, "context");
    if (!root || !cJSON_IsArray(benchmarks) || !cJSON_IsObject(context)) {
        snprintf(err, err_cap, "%s is not a complete Google Benchmark JSON"
                 " file (malformed or truncated)", what);
        cJSON_Delete(root);
        return NULL;
    }
    pb_resultset *rs = pb_resultset_new();
    if (!rs) {
        snprintf(err, err_cap, "out of memory reading %s", what);
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_Delete(rs->root);
    rs->root = root;
    rs->context = context;
    const cJSON *b;
    int index = 0, ours = 0;
    cJSON_ArrayForEach(b, benchmarks) {
        pb_result r;
        char why[160];
        if (row_of(b, &r, why, sizeof why) != 0) {
            const char *name = str(b, "name");
            snprintf(err, err_cap, "%s: benchmark %d%s%.100s%s: %s", what, index,
                     name ? " (" : "", name ? name : "", name ? ")" : "", why);
            pb_resultset_free(rs);
            return NULL;
        }
        ours |= is_pairbench_case(r.case_name);
        if (pb_resultset_add(rs, &r) != 0) {
            snprintf(err, err_cap, "out of memory reading %s", what);
            pb_resultset_free(rs);
            return NULL;
        }
        index++;
    }
    if (!ours) {
        snprintf(err, err_cap, "%s: a Google Benchmark results file with no"
                 " pairbench cases (no row named component/impl/scenario/N)", what);
        pb_resultset_free(rs);
        return NULL;
    }
    char why[256];
    if (load_paired(rs, why, sizeof why) != 0 ||
        fig_load(rs, &rs->instr, INSTR_KEY, "a number of instructions per op >= 0", 0,
                 why, sizeof why) != 0 ||
        fig_load(rs, &rs->leaked, LEAKED_KEY, "a whole number of bytes >= 0", 1,
                 why, sizeof why) != 0) {
        snprintf(err, err_cap, "%s: %s", what, why);
        pb_resultset_free(rs);
        return NULL;
    }
    return rs;
}

pb_resultset *pb_resultset_load(const char *path, char *err, size_t err_cap)
{
    char *raw = pb_read_file(path, err, err_cap);
    if (!raw)
        return NULL;
    pb_resultset *rs = pb_resultset_parse(raw, path, err, err_cap);
    free(raw);
    return rs;
}
