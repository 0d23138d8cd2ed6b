/*
 * Dynamic strings (see str.h): pb_str grows by doubling; pb_strf formats
 * into an exact-size allocation. Out of memory exits with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"

static void out_of_memory(void)
{
    fputs("pairbench: out of memory\n", stderr);
    exit(1);
}

void *pb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *pb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *pb_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(pb_xmalloc(n), s, n);
}

/* Makes room for `more` bytes and the NUL. */
static void reserve(pb_str *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->s = pb_xrealloc(b->s, cap);
    b->cap = cap;
}

void pb_str_add(pb_str *b, const char *bytes, size_t len)
{
    reserve(b, len);
    memcpy(b->s + b->len, bytes, len);
    b->len += len;
    b->s[b->len] = '\0';
}

void pb_str_vaddf(pb_str *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int k = vsnprintf(NULL, 0, fmt, ap);
    if (k < 0)
        out_of_memory();               /* only EOVERFLOW: no better word */
    reserve(b, (size_t)k);
    vsnprintf(b->s + b->len, (size_t)k + 1, fmt, again);
    va_end(again);
    b->len += (size_t)k;
}

void pb_str_addf(pb_str *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb_str_vaddf(b, fmt, ap);
    va_end(ap);
}

const char *pb_str_get(const pb_str *b)
{
    return b->s ? b->s : "";
}

void pb_str_free(pb_str *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

char *pb_strf(const char *fmt, ...)
{
    pb_str b = { 0 };
    va_list ap;
    va_start(ap, fmt);
    pb_str_vaddf(&b, fmt, ap);
    va_end(ap);
    return b.s ? b.s : pb_xstrdup("");
}
