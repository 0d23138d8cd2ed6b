/*
 * Formatting: the one place a number becomes text. Every writer (console,
 * JSON strings, Markdown, HTML) calls these, so the same figure prints the
 * same everywhere; a backend changes glyphs only (ASCII "us", "x", "->"
 * for the console and JSON, UTF-8 "µs", "×", "→" for Markdown and HTML).
 *
 *   time    three significant digits in ns, us, ms or s: "48.1 ns",
 *           "2.28 us", "152 ms"
 *   bytes   B, KiB, MiB, GiB (1024-based), one decimal: "86.2 KiB"
 *   count   three significant digits, whole numbers from 1,000: "0.1",
 *           "8.06", "1234", "25000"
 *   ratio   three significant digits: "4.65x", "46.5x", "152x"
 *   N       "512", "10k", "1M" (exact thousands and millions)
 *   absent  a negative or non-finite value is "-"
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "emit.h"

/* UTF-8 glyphs, as separate literals so no hex escape swallows a letter. */
#define ARROW  "\xe2\x86\x92"  /* → */
#define TIMES  "\xc3\x97"      /* × */
#define MICRO  "\xc2\xb5"      /* µ */

static int rich(pb_backend b)
{
    return b == PB_BACKEND_MARKDOWN || b == PB_BACKEND_HTML;
}

static int absent(double v)
{
    return !(v >= 0) || !isfinite(v);
}

const char *pb_fmt_arrow(pb_backend b)
{
    return rich(b) ? ARROW : "->";
}

void pb_fmt_time(char *buf, size_t cap, double ns, pb_backend b)
{
    if (absent(ns)) {
        snprintf(buf, cap, "-");
        return;
    }
    const char *unit = "ns";
    double v = ns;
    if (ns >= 1e9) {
        v = ns / 1e9;
        unit = "s";
    } else if (ns >= 1e6) {
        v = ns / 1e6;
        unit = "ms";
    } else if (ns >= 1e3) {
        v = ns / 1e3;
        unit = rich(b) ? MICRO "s" : "us";
    }
    snprintf(buf, cap, v >= 99.95 ? "%.0f %s" : v >= 9.995 ? "%.1f %s" : "%.2f %s",
             v, unit);
}

void pb_fmt_bytes(char *buf, size_t cap, double b)
{
    if (absent(b))
        snprintf(buf, cap, "-");
    else if (b < 1024)
        snprintf(buf, cap, "%.0f B", b);
    else if (b < 1024.0 * 1024)
        snprintf(buf, cap, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", b / (1024.0 * 1024));
    else
        snprintf(buf, cap, "%.2f GiB", b / (1024.0 * 1024 * 1024));
}

void pb_fmt_count(char *buf, size_t cap, double v)
{
    if (absent(v))
        snprintf(buf, cap, "-");
    else if (v >= 999.5)        /* whole numbers, never "1e+03" */
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.3g", v);
}

void pb_fmt_ratio(char *buf, size_t cap, double r, pb_backend b)
{
    const char *x = rich(b) ? TIMES : "x";
    if (absent(r))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, r >= 99.5 ? "%.0f%s" : r >= 9.95 ? "%.1f%s" : "%.2f%s",
                 r, x);
}

void pb_fmt_interval(char *buf, size_t cap, double lo, double hi, pb_backend b)
{
    char x[24], y[24];
    if (absent(lo) || absent(hi)) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    pb_fmt_ratio(x, sizeof x, lo, b);
    pb_fmt_ratio(y, sizeof y, hi, b);
    snprintf(buf, cap, "[%s, %s]", x, y);
}

void pb_fmt_n(char *buf, size_t cap, int64_t n)
{
    if (n >= 1000000 && n % 1000000 == 0)
        snprintf(buf, cap, "%lldM", (long long)(n / 1000000));
    else if (n >= 1000 && n % 1000 == 0)
        snprintf(buf, cap, "%lldk", (long long)(n / 1000));
    else
        snprintf(buf, cap, "%lld", (long long)n);
}

/* "2 -> 0 (100% fewer)": a count per op, naive then optimized. */
void pb_fmt_reduction(char *buf, size_t cap, double a, double b, pb_backend be)
{
    char sa[32], sb[32];
    const char *arrow = pb_fmt_arrow(be);
    pb_fmt_count(sa, sizeof sa, a);
    pb_fmt_count(sb, sizeof sb, b);
    if (a < 0 && b < 0)
        snprintf(buf, cap, "-");
    else if (a < 0 || b < 0)
        snprintf(buf, cap, "%s %s %s", sa, arrow, sb);
    else if (a == b)
        snprintf(buf, cap, "%s %s %s (same)", sa, arrow, sb);
    else if (a == 0)
        snprintf(buf, cap, "%s %s %s (more)", sa, arrow, sb);
    else if (b < a && b > 0 && (1 - b / a) * 100 >= 99.5)
        snprintf(buf, cap, "%s %s %s (%.1f%% fewer)", sa, arrow, sb,
                 fmin((1 - b / a) * 100, 99.9));
    else if (b < a)
        snprintf(buf, cap, "%s %s %s (%.0f%% fewer)", sa, arrow, sb, (1 - b / a) * 100);
    else
        snprintf(buf, cap, "%s %s %s (%.0f%% more)", sa, arrow, sb, (b / a - 1) * 100);
}

static void fmt_one(char *buf, size_t cap, pb_backend b, pb_vtype t, double v)
{
    switch (t) {
    case PB_V_TIME: pb_fmt_time(buf, cap, v, b); break;
    case PB_V_BYTES: pb_fmt_bytes(buf, cap, v); break;
    case PB_V_COUNT: pb_fmt_count(buf, cap, v); break;
    case PB_V_RATIO: pb_fmt_ratio(buf, cap, v, b); break;
    case PB_V_PERCENT:
        if (absent(v))
            snprintf(buf, cap, "-");
        else
            snprintf(buf, cap, "%.0f%%", v * 100);
        break;
    case PB_V_N: pb_fmt_n(buf, cap, (int64_t)v); break;
    case PB_V_NUMBER: snprintf(buf, cap, "%g", v); break;
    case PB_V_BOOL: snprintf(buf, cap, "%s", v != 0 ? "true" : "false"); break;
    default: snprintf(buf, cap, "%s", ""); break;
    }
}

char *pb_format(char *buf, size_t cap, pb_backend b, pb_value v)
{
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    switch (v.type) {
    case PB_V_NONE:
        break;
    case PB_V_TEXT:
        snprintf(buf, cap, "%s", v.s ? v.s : "");
        break;
    case PB_V_CV:
        if (v.a >= 0)
            snprintf(buf, cap, "%.0f%%%s", v.a * 100, v.a > v.b ? "!" : "");
        else
            snprintf(buf, cap, " ");
        break;
    case PB_V_ARROW: {
        char x[48], y[48];
        fmt_one(x, sizeof x, b, v.unit, v.a);
        fmt_one(y, sizeof y, b, v.unit, v.b);
        snprintf(buf, cap, "%s %s %s", x, pb_fmt_arrow(b), y);
        break;
    }
    case PB_V_REDUCTION:
        pb_fmt_reduction(buf, cap, v.a, v.b, b);
        break;
    default:
        fmt_one(buf, cap, b, v.type, v.a);
        break;
    }
    return buf;
}

void pb_fmt_probes(char *buf, size_t cap, const pb_result *naive,
                   const pb_result *optimized, int kernel, pb_backend be, int *sql)
{
    static const char *const shown[] = {
        "syscalls", "sys_read", "sys_pread64", "sys_write", "sys_pwrite64",
        "sys_writev", "sys_fsync", "sys_fdatasync", "sys_openat", "sys_close",
        "sys_newfstatat", "sys_statx", "sys_faccessat", "sys_faccessat2",
        "sys_getdents64", "sys_rename", "sys_ftruncate", "sys_sendto", "sys_recvfrom",
        "sys_sendmsg", "sys_recvmsg", "sys_connect", "io_write_bytes", "sql_statements",
        "sql_vm_steps", "sql_fullscan_steps", "sql_sorts", "sql_autoindexes" };
    size_t used = 0;
    if (cap)
        buf[0] = '\0';
    if (sql)
        *sql = 0;
    if (!naive || !optimized || !cap)
        return;
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        int is_sql = !strncmp(shown[i], "sql_", 4);
        double a = pb_result_counter(naive, shown[i]);
        double b = pb_result_counter(optimized, shown[i]);
        if (a < 0 || b < 0 || (a == 0 && b == 0) || (!kernel && !is_sql))
            continue;
        char x[32], y[32];
        pb_fmt_count(x, sizeof x, a);
        pb_fmt_count(y, sizeof y, b);
        const char *name = !strncmp(shown[i], "sys_", 4) ? shown[i] + 4 : shown[i];
        int k = snprintf(buf + used, cap - used, "%s%s %s %s %s", used ? ", " : "",
                         name, x, pb_fmt_arrow(be), y);
        if (k < 0 || (size_t)k >= cap - used) {
            buf[used] = '\0';          /* whole items only */
            break;
        }
        used += (size_t)k;
        if (is_sql && sql)
            *sql = 1;
    }
}

void pb_fmt_counters(char *buf, size_t cap, const pb_result *naive,
                     const pb_result *optimized, const char *const *names,
                     pb_backend be)
{
    size_t used = 0;
    if (!cap)
        return;
    buf[0] = '\0';
    if (!naive || !optimized || !names)
        return;
    for (size_t i = 0; names[i]; i++) {
        double a = pb_result_counter(naive, names[i]);
        double b = pb_result_counter(optimized, names[i]);
        if (a < 0 && b < 0)
            continue;
        char x[32], y[32];
        pb_fmt_count(x, sizeof x, a);
        pb_fmt_count(y, sizeof y, b);
        int k = snprintf(buf + used, cap - used, "%s%s %s %s %s", used ? ", " : "",
                         names[i], x, pb_fmt_arrow(be), y);
        if (k < 0 || (size_t)k >= cap - used) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)k;
    }
}
