/*
 * The emitter (after jemalloc's emitter.h): one set of calls, several
 * backends, and the one formatter per unit every writer uses.
 *
 *   formatting  pb_format: a typed value (time, bytes, count, ratio,
 *               percent, cv, N, "a -> b" pairs, reductions) as text for a
 *               backend. The number and its rounding are the same in every
 *               backend; only glyphs differ: console and JSON text are
 *               ASCII ("2.28 us", "52.3x", "2 -> 0"), Markdown and HTML use
 *               "2.28 µs", "52.3×", "2 → 0". Every time has three
 *               significant digits ("48.1 ns", "2.28 us", "152 ms").
 *   emitter     rows of columns: the console backend prints each column
 *               padded to its width, the JSON backend builds a cJSON object
 *               of named arrays of row objects with the raw numbers (null
 *               when absent). A writer lays out its rows once; calls that
 *               mean something to one backend only are no-ops in the other.
 *   writers     the analysis (reports/model/) laid out with the emitter:
 *               the pair summary, the claims, the "pairbench" JSON block,
 *               and the results file (gbench's tree + that block) written
 *               from memory.
 *
 * This folder is a layer below the report writers (the .c files of reports/) and
 * above the model; it knows the model's values, never a file format other
 * than the JSON it writes.
 */
#ifndef PAIRBENCH_EMIT_H
#define PAIRBENCH_EMIT_H

#include <stdint.h>
#include <stdio.h>
#include "pairbench/harness.h"
#include "../model/model.h"

struct cJSON;

/* --- formatting (format.c) ------------------------------------------------ */

typedef enum pb_backend {
    PB_BACKEND_CONSOLE, PB_BACKEND_JSON, PB_BACKEND_MARKDOWN, PB_BACKEND_HTML
} pb_backend;

typedef enum pb_vtype {
    PB_V_NONE,        /* an empty cell */
    PB_V_TEXT,        /* s */
    PB_V_TIME,        /* a: ns; "-" when negative or not finite */
    PB_V_BYTES,       /* a: bytes, 1024-based units */
    PB_V_COUNT,       /* a: a count per op, three significant digits */
    PB_V_RATIO,       /* a: "52.3x" */
    PB_V_PERCENT,     /* a: a fraction, "12%" */
    PB_V_CV,          /* a: a cv, "12%"; "12%!" above b (the trust
                         limit); " " when absent */
    PB_V_N,           /* a: a size, "10k", "1M", "512" */
    PB_V_ARROW,       /* a -> b, each of type `unit` */
    PB_V_REDUCTION,   /* counts a -> b with the change: "2 -> 0 (100% fewer)" */
    PB_V_NUMBER,      /* a, as a plain JSON number; "%g" as text */
    PB_V_BOOL         /* a != 0 */
} pb_vtype;

typedef struct pb_value {
    pb_vtype    type;
    pb_vtype    unit;         /* PB_V_ARROW: the type of a and b */
    double      a, b;
    const char *s;
} pb_value;

#define PB_TEXT(str)       ((pb_value){ PB_V_TEXT, PB_V_NONE, 0, 0, (str) })
#define PB_TIME(ns)        ((pb_value){ PB_V_TIME, PB_V_NONE, (ns), 0, NULL })
#define PB_BYTES(x)        ((pb_value){ PB_V_BYTES, PB_V_NONE, (x), 0, NULL })
#define PB_COUNT(x)        ((pb_value){ PB_V_COUNT, PB_V_NONE, (x), 0, NULL })
#define PB_RATIO(x)        ((pb_value){ PB_V_RATIO, PB_V_NONE, (x), 0, NULL })
#define PB_PERCENT(x)      ((pb_value){ PB_V_PERCENT, PB_V_NONE, (x), 0, NULL })
#define PB_CV(x, limit)    ((pb_value){ PB_V_CV, PB_V_NONE, (x), (limit), NULL })
#define PB_N(n)            ((pb_value){ PB_V_N, PB_V_NONE, (double)(n), 0, NULL })
#define PB_ARROW(t, x, y)  ((pb_value){ PB_V_ARROW, (t), (x), (y), NULL })
#define PB_REDUCTION(x, y) ((pb_value){ PB_V_REDUCTION, PB_V_NONE, (x), (y), NULL })
#define PB_NUMBER(x)       ((pb_value){ PB_V_NUMBER, PB_V_NONE, (x), 0, NULL })
#define PB_BOOL(x)         ((pb_value){ PB_V_BOOL, PB_V_NONE, (x) ? 1 : 0, 0, NULL })

/* v as text for backend b, into buf (always NUL-terminated); returns buf.
 * The ONE formatter of every unit. */
char *pb_format(char *buf, size_t cap, pb_backend b, pb_value v);

/* The unit formatters pb_format is made of, for the text backends
 * (console: ASCII; Markdown, HTML: UTF-8 glyphs). */
void pb_fmt_time(char *buf, size_t cap, double ns, pb_backend b);
void pb_fmt_bytes(char *buf, size_t cap, double bytes);
void pb_fmt_count(char *buf, size_t cap, double v);
void pb_fmt_ratio(char *buf, size_t cap, double r, pb_backend b);
/* A 95% interval of ratios, "[2.31x, 2.45x]"; "" when either bound is
 * absent (< 0). */
void pb_fmt_interval(char *buf, size_t cap, double lo, double hi, pb_backend b);
void pb_fmt_n(char *buf, size_t cap, int64_t n);
void pb_fmt_reduction(char *buf, size_t cap, double a, double b, pb_backend be);
/* The arrow of a backend: "->" or "→". */
const char *pb_fmt_arrow(pb_backend b);
/* What the harness's probes counted per op, naive -> optimized, for every
 * probe counter that is not 0 on both sides: "syscalls 3 -> 0.03, write
 * 1 -> 0.01, sql_statements 3 -> 1" (the kernel's counters only when
 * `kernel` is set, that is when the scenario asked for them; SQLite's
 * whenever a connection was watched). "" when nothing was counted or a
 * side is missing. *sql is set when a SQLite figure is in the line. */
void pb_fmt_probes(char *buf, size_t cap, const pb_result *naive,
                   const pb_result *optimized, int kernel, pb_backend b, int *sql);
/* The scenario's own counters (pb_scenario.counters, NULL-terminated) per
 * op, naive -> optimized, zeros included: "records_lost 0 -> 53.6,
 * torn_lines 0 -> 0". "" when there are none or a side is missing. */
void pb_fmt_counters(char *buf, size_t cap, const pb_result *naive,
                     const pb_result *optimized, const char *const *names,
                     pb_backend b);

/* --- the emitter (emitter.c) ---------------------------------------------- */

typedef struct pb_emitter pb_emitter;

/* A column: its JSON member name (NULL: console only) and its console
 * width (negative: left-aligned; 0: as wide as the text) after `sep`
 * (NULL: none). hidden: JSON only. */
typedef struct pb_column {
    const char *key;
    int         width;
    const char *sep;
    int         hidden;
} pb_column;

/* A console emitter printing to out; a JSON emitter building an object.
 * NULL when out of memory. */
pb_emitter *pb_emitter_console(FILE *out);
pb_emitter *pb_emitter_json(void);
void        pb_emitter_free(pb_emitter *e);
pb_backend  pb_emitter_backend(const pb_emitter *e);
/* JSON: the object built so far, handed to the caller (cJSON_Delete);
 * NULL for the console or out of memory. */
struct cJSON *pb_emitter_json_take(pb_emitter *e);

/* JSON: key: v in the root object (console: nothing). */
void pb_emit_kv(pb_emitter *e, const char *key, pb_value v);
/* JSON: an empty array `key` in the root object, so arrays come in a
 * chosen order (console: nothing). */
void pb_emit_array(pb_emitter *e, const char *key);
/* Starts a row: JSON, an object appended to the root's array `array`
 * (created when missing); console, a line. */
void pb_emit_row_begin(pb_emitter *e, const char *array);
/* One cell of the current row (see pb_column). */
void pb_emit_col(pb_emitter *e, const pb_column *col, pb_value v);
/* A JSON-only member of the current row. */
void pb_emit_field(pb_emitter *e, const char *key, pb_value v);
/* Ends the row: console, a newline after its cells (none when the row
 * had JSON-only fields). */
void pb_emit_row_end(pb_emitter *e);
/* Console-only free text (JSON: nothing). */
void pb_emit_text(pb_emitter *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --- the analysis written (summary.c) ------------------------------------- */

/* The words of a crossover ("always (optimized faster at every N,
 * 16..10000)", ...), as the console and JSON say it. */
void pb_fmt_crossover(char *buf, size_t cap, const pb_crossover *x);
/* The words of a claim's measurement and threshold, as the console and the
 * JSON block say them; measured needs PB_CLAIM_TEXT bytes. */
#define PB_CLAIM_TEXT 320
void pb_fmt_claim(char *measured, size_t measured_cap, char *threshold,
                  size_t threshold_cap, const pb_claim_result *r, pb_backend b);

/* The pair summary (pairs, fits, crossovers) then the claims: console, the
 * tables `run` and `summary FILE` print; JSON, the "pairbench" block. */
void   pb_emit_analysis(pb_emitter *e, const pb_analysis *a);
/* The claims only; returns how many claims were written. */
size_t pb_emit_claims(pb_emitter *e, const pb_analysis *a);

/* Conveniences for the commands. */
/* Prints the pair summary and the claims of a to out. */
void   pb_summary_print(FILE *out, const pb_analysis *a);
/* Prints the claims only; returns how many. */
size_t pb_claims_print(FILE *out, const pb_analysis *a);
/* The "pairbench" block of a (caller frees with cJSON_Delete), or NULL. */
struct cJSON *pb_analysis_block(const pb_analysis *a);
/* Writes path: the tree of a->results (gbench's context and benchmarks as
 * read) with its "pairbench" member set to the block of a, from memory.
 * Not atomic: the caller writes a temporary name and renames it. 0, or -1
 * with a message printed. */
int    pb_results_write_json(const char *path, const pb_analysis *a);

#endif
