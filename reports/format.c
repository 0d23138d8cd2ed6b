/*
 * The report's number formats: time, bytes, counts, ratios, reductions
 * (naive -> optimized), N as a tic label, and the generation date.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "report_internal.h"

/* Time from ns, three significant digits ("48.1 ns", "2.28 µs"); "-" when
 * absent (negative). */
void pb_rep_fmt_time(char *buf, size_t cap, double ns)
{
    if (!(ns >= 0) || !isfinite(ns)) {
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
        unit = MICRO "s";
    }
    snprintf(buf, cap, v >= 99.95 ? "%.0f %s" : v >= 9.995 ? "%.1f %s" : "%.2f %s",
             v, unit);
}

void pb_rep_fmt_bytes(char *buf, size_t cap, double b)
{
    if (!(b >= 0) || !isfinite(b))
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

void pb_rep_fmt_count(char *buf, size_t cap, double v)
{
    if (!(v >= 0) || !isfinite(v))
        snprintf(buf, cap, "-");
    else if (v >= 1e4)
        snprintf(buf, cap, "%.0f", v);
    else
        snprintf(buf, cap, "%.3g", v);
}

void pb_rep_fmt_ratio(char *buf, size_t cap, double r)
{
    if (!(r >= 0) || !isfinite(r))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, r >= 99.5 ? "%.0f" TIMES : r >= 9.95 ? "%.1f" TIMES
                                                                 : "%.2f" TIMES, r);
}

/* "2 → 0 (100% fewer)": a count per op, naive then optimized. */
void pb_rep_fmt_reduction(char *buf, size_t cap, double a, double b)
{
    char sa[32], sb[32];
    pb_rep_fmt_count(sa, sizeof sa, a);
    pb_rep_fmt_count(sb, sizeof sb, b);
    if (a < 0 && b < 0)
        snprintf(buf, cap, "-");
    else if (a < 0 || b < 0)
        snprintf(buf, cap, "%s " ARROW " %s", sa, sb);
    else if (a == b)
        snprintf(buf, cap, "%s " ARROW " %s (same)", sa, sb);
    else if (a == 0)
        snprintf(buf, cap, "%s " ARROW " %s (more)", sa, sb);
    else if (b < a && b > 0 && (1 - b / a) * 100 >= 99.5)
        snprintf(buf, cap, "%s " ARROW " %s (%.1f%% fewer)", sa, sb,
                 fmin((1 - b / a) * 100, 99.9));
    else if (b < a)
        snprintf(buf, cap, "%s " ARROW " %s (%.0f%% fewer)", sa, sb, (1 - b / a) * 100);
    else
        snprintf(buf, cap, "%s " ARROW " %s (%.0f%% more)", sa, sb, (b / a - 1) * 100);
}

void pb_rep_fmt_n(char *buf, size_t cap, int64_t n)
{
    if (n >= 1000000 && n % 1000000 == 0)
        snprintf(buf, cap, "%lldM", (long long)(n / 1000000));
    else if (n >= 1000 && n % 1000 == 0)
        snprintf(buf, cap, "%lldk", (long long)(n / 1000));
    else
        snprintf(buf, cap, "%lld", (long long)n);
}

void pb_rep_now_utc(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(buf, cap, "?");
}
