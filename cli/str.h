/*
 * Dynamic strings for the command line (cli/str.c): a growable buffer and
 * a formatted allocation, so that nothing in cli/ is cut at a fixed size.
 * Out of memory is fatal here: one line "pairbench: out of memory" and
 * exit status 1 (a command-line tool has nothing better to do).
 */
#ifndef PAIRBENCH_CLI_STR_H
#define PAIRBENCH_CLI_STR_H

#include <stdarg.h>
#include <stddef.h>

/* A NUL-terminated growable string; { 0 } is the empty string (s may be
 * NULL until something is added: use pb_str_get). */
typedef struct pb_str {
    char  *s;
    size_t len, cap;
} pb_str;

/* Appends the formatted text. */
void        pb_str_addf(pb_str *b, const char *fmt, ...)
                __attribute__((format(printf, 2, 3)));
void        pb_str_vaddf(pb_str *b, const char *fmt, va_list ap);
/* Appends len bytes. */
void        pb_str_add(pb_str *b, const char *bytes, size_t len);
/* The text ("" when empty); valid until the next change. */
const char *pb_str_get(const pb_str *b);
void        pb_str_free(pb_str *b);

/* A malloc'd formatted string; the caller frees. */
char       *pb_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* malloc that never returns NULL (exits as above). */
void       *pb_xmalloc(size_t n);
void       *pb_xrealloc(void *p, size_t n);
char       *pb_xstrdup(const char *s);

#endif
