/*
 * The report's growable string and its escapes: text as HTML, as a
 * Markdown table cell and as a gnuplot string. Every writer of the report
 * appends to one of these; every string of a results file that reaches
 * the page, the summary or gnuplot's script goes through one of the
 * escapes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

void pb_sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void pb_sb_puts(sbuf *b, const char *s)
{
    pb_sb_putn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
void pb_sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        pb_sb_putn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pb_sb_putn(b, big, (size_t)n);
    free(big);
}

void pb_sb_free(sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Text as HTML character data or attribute value. */
void pb_sb_html(sbuf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        pb_sb_putn(b, run, (size_t)(s - run));
        pb_sb_puts(b, rep);
        run = s + 1;
    }
    pb_sb_putn(b, run, (size_t)(s - run));
}

/* Text inside a Markdown table cell: no line breaks, no cell separators,
 * no HTML, no emphasis or code markers. */
void pb_sb_md(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '|': case '\\': case '*': case '`': case '<': case '[': case ']':
            pb_sb_putn(b, "\\", 1);
            pb_sb_putn(b, s, 1);
            break;
        case '\n': case '\r': case '\t':
            pb_sb_putn(b, " ", 1);
            break;
        default:
            pb_sb_putn(b, s, 1);
        }
    }
}

/* Text as a gnuplot single-quoted string, quotes included: the one form
 * in which gnuplot substitutes nothing (a double-quoted string runs
 * `...` through the shell). Inside it a quote is written twice; a byte
 * outside printable ASCII (a line break would end the command), a double
 * quote or a backslash (a line continuation) becomes "_". */
void pb_sb_gp(sbuf *b, const char *s)
{
    pb_sb_putn(b, "'", 1);
    for (; *s; s++) {
        if (*s == '\'')
            pb_sb_putn(b, "''", 2);
        else
            pb_sb_putn(b, (*s >= 32 && *s < 127 && *s != '"' && *s != '\\') ? s : "_", 1);
    }
    pb_sb_putn(b, "'", 1);
}
