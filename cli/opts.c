/*
 * The option parser and the usage text of every command (see opts.h):
 * one table per command (plus the selection's, below) drives both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "str.h"

#define HELP_COLUMN 22       /* where an option's or command's text starts */
#define WRAP_COLUMN 78

/* The selection options, stored in a pb_selection. */
static const pb_opt select_opts[] = {
    { .name = "--filter", .type = PB_OPT_STRING, .metavar = "REGEX",
      .want = "a regular expression",
      .help = "cases whose name matches REGEX (POSIX extended)",
      .offset = offsetof(pb_selection, filter) },
    { .name = "--component", .type = PB_OPT_NAMES, .metavar = "NAMES",
      .help = "comma-separated component names",
      .offset = offsetof(pb_selection, components) },
    { .name = "--scenario", .type = PB_OPT_NAMES, .metavar = "NAMES",
      .help = "comma-separated scenario names",
      .offset = offsetof(pb_selection, scenarios) },
    { .name = "--n", .type = PB_OPT_INTS, .metavar = "N[,N...]",
      .min = 1, .max = INT64_C(1) << 40,
      .want = "sizes from 1 to 2^40, comma-separated",
      .help = "cases at these sizes only",
      .offset = offsetof(pb_selection, sizes) },
};
#define N_SELECT_OPTS (sizeof select_opts / sizeof select_opts[0])

int pb_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pairbench: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'pairbench help %s')\n", cmd);
    va_end(ap);
    return 2;
}

/* --- values -------------------------------------------------------------- */

/* What a value of o must be, for the error line. */
static char *want_of(const pb_opt *o)
{
    if (o->want)
        return pb_xstrdup(o->want);
    switch (o->type) {
    case PB_OPT_INT:
        return pb_strf("an integer from %" PRId64 " to %" PRId64, o->min, o->max);
    case PB_OPT_INTS:
        return pb_strf("integers from %" PRId64 " to %" PRId64 ", comma-separated",
                       o->min, o->max);
    case PB_OPT_DOUBLE:
        return pb_strf("a number > %g and <= %g", o->dmin, o->dmax);
    case PB_OPT_CHOICE: {
        char *w = pb_strf("one of %s", o->choices);
        return w;
    }
    case PB_OPT_NAMES:
        return pb_xstrdup("comma-separated names");
    default:
        return pb_strf("a %s", o->metavar ? o->metavar : "value");
    }
}

static int bad_value(const char *cmd, const pb_opt *o, const char *v)
{
    char *w = want_of(o);
    pb_usage_error(cmd, "%s wants %s, not '%s'", o->name, w, v);
    free(w);
    return 2;
}

/* One integer of [min, max] from the whole of text[0..len). */
static int parse_int(const pb_opt *o, const char *text, size_t len, int64_t *out)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf)   /* INT64 has at most 20 characters */
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long long k = strtoll(buf, &end, 10);
    if (errno || *end || end == buf || k < o->min || k > o->max)
        return -1;
    *out = k;
    return 0;
}

/* Splits a comma list into a fresh array of its non-empty items. */
static size_t split(const char *v, char **buf, char ***items)
{
    *buf = pb_xstrdup(v);
    size_t n = 0, cap = 0;
    *items = NULL;
    char *save = NULL;
    for (char *t = strtok_r(*buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            *items = pb_xrealloc(*items, cap * sizeof **items);
        }
        (*items)[n++] = t;
    }
    return n;
}

static void free_value(const pb_opt *o, void *base)
{
    char *at = (char *)base + o->offset;
    if (o->type == PB_OPT_NAMES) {
        pb_names *l = (pb_names *)at;
        free(l->buf);
        free(l->v);
        memset(l, 0, sizeof *l);
    } else if (o->type == PB_OPT_INTS) {
        pb_ints *l = (pb_ints *)at;
        free(l->v);
        memset(l, 0, sizeof *l);
    }
}

/* Stores value v of option o into base; 0, or 2 after one line. */
static int store(const char *cmd, const pb_opt *o, void *base, const char *v)
{
    char *at = (char *)base + o->offset;
    switch (o->type) {
    case PB_OPT_FLAG:
        *(int *)at = 1;
        return 0;
    case PB_OPT_INT:
        if (parse_int(o, v, strlen(v), (int64_t *)at) != 0)
            return bad_value(cmd, o, v);
        return 0;
    case PB_OPT_DOUBLE: {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (errno || *end || end == v || !isfinite(d) || !(d > o->dmin && d <= o->dmax))
            return bad_value(cmd, o, v);
        *(double *)at = d;
        return 0;
    }
    case PB_OPT_STRING:
        if (!*v)
            return bad_value(cmd, o, v);
        *(const char **)at = v;
        return 0;
    case PB_OPT_CHOICE: {
        size_t len = strlen(v);
        for (const char *c = o->choices; *v && c; c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL)
            if (strncmp(c, v, len) == 0 && (c[len] == ',' || c[len] == '\0')) {
                *(const char **)at = v;
                return 0;
            }
        return bad_value(cmd, o, v);
    }
    case PB_OPT_NAMES: {
        pb_names l = { 0 };
        l.n = split(v, &l.buf, &l.v);
        if (l.n == 0) {
            free(l.buf);
            free(l.v);
            return bad_value(cmd, o, v);
        }
        free_value(o, base);
        *(pb_names *)at = l;
        return 0;
    }
    case PB_OPT_INTS: {
        char *buf, **items;
        size_t n = split(v, &buf, &items);
        pb_ints l = { n ? pb_xmalloc(n * sizeof *l.v) : NULL, n };
        int bad = n == 0;
        for (size_t i = 0; i < n && !bad; i++)
            bad = parse_int(o, items[i], strlen(items[i]), &l.v[i]) != 0;
        free(buf);
        free(items);
        if (bad) {
            free(l.v);
            return bad_value(cmd, o, v);
        }
        free_value(o, base);
        *(pb_ints *)at = l;
        return 0;
    }
    }
    return bad_value(cmd, o, v);
}

/* --- parsing ------------------------------------------------------------- */

/* The option named name[0..len) of cmd, or NULL; *base is where its value
 * goes. */
static const pb_opt *find(const pb_command *cmd, const char *name, size_t len,
                          void *opts, pb_selection *sel, void **base)
{
    for (size_t i = 0; i < cmd->n_opts; i++)
        if (strlen(cmd->opts[i].name) == len && !strncmp(cmd->opts[i].name, name, len)) {
            *base = opts;
            return &cmd->opts[i];
        }
    if (cmd->selection)
        for (size_t i = 0; i < N_SELECT_OPTS; i++)
            if (strlen(select_opts[i].name) == len &&
                !strncmp(select_opts[i].name, name, len)) {
                *base = sel;
                return &select_opts[i];
            }
    return NULL;
}

#define PB_OPTS_HELP (-1)    /* parse printed the usage (--help) */

/* Parses argv[2..] of cmd into opts (holding the defaults), sel and args.
 * 0; 2 after one error line; or PB_OPTS_HELP after printing the usage on
 * stdout. Whatever it returns, opts_free releases what it allocated. */
static int parse(const pb_command *cmd, int argc, char **argv, void *opts,
                 pb_selection *sel, pb_args *args,
                 const pb_component *const *comps)
{
    memset(sel, 0, sizeof *sel);
    memset(args, 0, sizeof *args);
    if (cmd->n_opts > 64) {
        fprintf(stderr, "pairbench: %s: more than 64 options in its table\n",
                cmd->name);
        abort();
    }
    uint64_t given = 0;                 /* bit i: cmd->opts[i] was given */
    size_t cap = PB_ARGS_INLINE;
    args->args = args->inline_args;
    int rc = 0, options_done = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (!options_done && !strcmp(a, "--")) {
            if (cmd->rest_help) {
                args->rest_argc = argc - i - 1;
                args->rest_argv = argv + i + 1;
                break;
            }
            options_done = 1;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1]) {
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                pb_opts_print_command(stdout, cmd);
                rc = PB_OPTS_HELP;
                break;
            }
            const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
            size_t len = eq ? (size_t)(eq - a) : strlen(a);
            void *base = NULL;
            const pb_opt *o = find(cmd, a, len, opts, sel, &base);
            if (!o) {
                rc = pb_usage_error(cmd->name, "unknown option '%.*s'", (int)len, a);
                break;
            }
            if (base == opts)
                given |= UINT64_C(1) << (o - cmd->opts);
            const char *v;
            if (o->type == PB_OPT_FLAG) {
                if (eq) {
                    rc = pb_usage_error(cmd->name, "%s takes no value", o->name);
                    break;
                }
                v = "";
            } else if (eq) {
                v = eq + 1;
            } else if (i + 1 < argc) {
                v = argv[++i];
            } else {
                rc = pb_usage_error(cmd->name, "%s needs a value: %s", o->name,
                                    o->metavar);
                break;
            }
            rc = store(cmd->name, o, base, v);
            continue;
        }
        if (args->n_args == cmd->max_args) {
            if (cmd->max_args == 0)
                rc = pb_usage_error(cmd->name, "takes no argument, not '%s'", a);
            else if (cmd->max_args == 1)
                rc = pb_usage_error(cmd->name, "wants one %s, not also '%s'",
                                    cmd->args, a);
            else
                rc = pb_usage_error(cmd->name, "takes at most %zu arguments (%s),"
                                    " not also '%s'", cmd->max_args, cmd->args, a);
            break;
        }
        if (args->n_args == cap) {
            cap *= 2;
            if (args->args == args->inline_args) {
                args->args = pb_xmalloc(cap * sizeof *args->args);
                memcpy(args->args, args->inline_args, sizeof args->inline_args);
            } else {
                args->args = pb_xrealloc(args->args, cap * sizeof *args->args);
            }
        }
        args->args[args->n_args++] = argv[i];
    }
    if (rc == 0 && args->n_args < cmd->min_args)
        rc = pb_usage_error(cmd->name, "wants %s", cmd->args);
    for (size_t i = 0; rc == 0 && i < cmd->n_opts; i++)
        if (cmd->opts[i].required && !(given >> i & 1))
            rc = pb_usage_error(cmd->name, "%s %s is required", cmd->opts[i].name,
                                cmd->opts[i].metavar);
    if (rc == 0 && cmd->selection)
        rc = pb_select_prepare(sel, cmd->name, comps);
    if (rc == 0 && cmd->default_n > 0)
        pb_select_default_n(sel, cmd->default_n);
    return rc;
}

static void opts_free(const pb_command *cmd, void *opts, pb_selection *sel,
                      pb_args *args)
{
    for (size_t i = 0; i < cmd->n_opts; i++)
        free_value(&cmd->opts[i], opts);
    pb_select_free(sel);
    if (args->args != args->inline_args)
        free(args->args);
    memset(args, 0, sizeof *args);
}

int pb_command_run(const pb_command *cmd, int argc, char **argv,
                   const pb_component *const *comps)
{
    /* The options on the stack, aligned for any member: parsing must not
     * touch the heap (see pb_args). */
    size_t words = (cmd->opts_size + sizeof(max_align_t) - 1) / sizeof(max_align_t);
    max_align_t opts[words ? words : 1];
    memset(opts, 0, sizeof opts);
    if (cmd->opts_default)
        memcpy(opts, cmd->opts_default, cmd->opts_size);
    pb_selection sel;
    pb_args args;
    int rc = parse(cmd, argc, argv, opts, &sel, &args, comps);
    if (rc == 0) {
        pb_invocation in = { cmd, opts, &sel, &args, argv, comps };
        rc = cmd->main(&in);
    }
    opts_free(cmd, opts, &sel, &args);
    return rc == PB_OPTS_HELP ? 0 : rc;
}

/* --- usage text ---------------------------------------------------------- */

/* "[--name META]" (or without brackets when required) into b. */
static void synopsis_opt(pb_str *b, const pb_opt *o)
{
    pb_str_addf(b, "%s%s%s%s%s", o->required ? "" : "[", o->name,
                o->metavar ? " " : "", o->metavar ? o->metavar : "",
                o->required ? "" : "]");
}

/* The usage line's words after "pairbench": "run [selection] ..." as a
 * malloc'd array of strings (NULL-terminated). */
static char **synopsis_words(const pb_command *cmd)
{
    size_t n = 0, cap = cmd->n_opts + 5;
    char **w = pb_xmalloc(cap * sizeof *w);
    w[n++] = pb_xstrdup(cmd->name);
    if (cmd->args && cmd->min_args)
        w[n++] = pb_xstrdup(cmd->args);
    else if (cmd->args)
        w[n++] = pb_strf("[%s]", cmd->args);
    if (cmd->selection)
        w[n++] = pb_xstrdup("[selection]");
    for (size_t i = 0; i < cmd->n_opts; i++) {
        pb_str b = { 0 };
        synopsis_opt(&b, &cmd->opts[i]);
        w[n++] = b.s;
    }
    if (cmd->rest_help)
        w[n++] = pb_xstrdup("[-- FLAGS]");
    w[n] = NULL;
    return w;
}

/* Prints the usage line: "  run [selection] ..." wrapped at WRAP_COLUMN
 * with continuation lines indented by `cont`; returns the length of the
 * last line. */
static size_t print_synopsis(FILE *out, const char *lead, const pb_command *cmd,
                             size_t cont)
{
    char **w = synopsis_words(cmd);
    size_t col = strlen(lead);
    fputs(lead, out);
    for (size_t i = 0; w[i]; i++) {
        size_t len = strlen(w[i]);
        if (i > 0 && col + 1 + len > WRAP_COLUMN) {
            fprintf(out, "\n%*s", (int)cont, "");
            col = cont;
        } else if (i > 0) {
            fputc(' ', out);
            col++;
        }
        fputs(w[i], out);
        col += len;
        free(w[i]);
    }
    free(w);
    return col;
}

/* Text lines ('\n' separated), each indented to HELP_COLUMN; the first
 * continues a line already at column `col` when there is room. */
static void print_help(FILE *out, size_t col, const char *text)
{
    if (col + 2 > HELP_COLUMN) {
        fputc('\n', out);
        col = 0;
    }
    fprintf(out, "%*s", (int)(HELP_COLUMN - col), "");
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fprintf(out, "%*s", HELP_COLUMN, "");
    }
    fputc('\n', out);
}

static void print_opts(FILE *out, const pb_opt *opts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const pb_opt *o = &opts[i];
        int col = fprintf(out, "  %s%s%s", o->name, o->metavar ? " " : "",
                          o->metavar ? o->metavar : "");
        print_help(out, (size_t)col, o->help);
    }
}

static void print_selection(FILE *out)
{
    fputs("selection (list, run, massif, instr); a case is named"
          " component/impl/scenario/N\nand is selected when it passes every"
          " option given:\n", out);
    print_opts(out, select_opts, N_SELECT_OPTS);
}

void pb_opts_print_command(FILE *out, const pb_command *cmd)
{
    print_synopsis(out, "usage: pairbench ", cmd, 17);
    fputs("\n\n", out);
    for (const char *p = cmd->help; *p; p++)
        fputc(*p, out);
    fputc('\n', out);
    if (cmd->n_opts || cmd->rest_help) {
        fputs("\noptions:\n", out);
        print_opts(out, cmd->opts, cmd->n_opts);
        if (cmd->rest_help) {
            int col = fprintf(out, "  -- FLAGS");
            print_help(out, (size_t)col, cmd->rest_help);
        }
    }
    if (cmd->selection) {
        fputc('\n', out);
        print_selection(out);
    }
}

void pb_opts_print_all(FILE *out, const pb_command *const *cmds)
{
    fputs("usage: pairbench <command> [options]\n"
          "\n"
          "Every command takes its options as --flag VALUE or --flag=VALUE, in"
          " any order\nwith its arguments; '--' ends the options; --help"
          " prints the command's usage.\n"
          "\n"
          "commands:\n", out);
    for (size_t i = 0; cmds[i]; i++) {
        size_t col = print_synopsis(out, "  ", cmds[i], 6);
        print_help(out, col, cmds[i]->help);
    }
    fputc('\n', out);
    print_selection(out);
    for (size_t i = 0; cmds[i]; i++) {
        if (!cmds[i]->n_opts && !cmds[i]->rest_help)
            continue;
        fprintf(out, "\n%s options:\n", cmds[i]->name);
        print_opts(out, cmds[i]->opts, cmds[i]->n_opts);
        if (cmds[i]->rest_help) {
            int col = fprintf(out, "  -- FLAGS");
            print_help(out, (size_t)col, cmds[i]->rest_help);
        }
    }
}
