/*
 * The one option grammar of every pairbench command (cli/opts.c).
 *
 *   pairbench COMMAND [ARGS] [--flag] [--opt VALUE | --opt=VALUE] ... [-- ...]
 *
 * Options and positional arguments may come in any order; "--" ends the
 * options: what follows goes to Google Benchmark for a command that passes
 * it on (run), and is positional otherwise. An option given twice keeps
 * its last value. A command's table of options drives both the parsing and
 * its usage text (`pairbench help`, `pairbench help COMMAND`, `pairbench
 * COMMAND --help`). A bad value, an unknown option or a wrong number of
 * arguments is one line naming the flag and what it wants,
 *
 *   pairbench: COMMAND: --repetitions wants an integer from 1 to 1000, not '0' (see 'pairbench help COMMAND')
 *
 * and exit status 2.
 */
#ifndef PAIRBENCH_CLI_OPTS_H
#define PAIRBENCH_CLI_OPTS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "pairbench/harness.h"
#include "select.h"

/* The type of an option's value, and where it is stored (at the option's
 * offset in the command's options struct). */
typedef enum pb_opt_type {
    PB_OPT_FLAG,     /* no value; int, set to 1 */
    PB_OPT_INT,      /* int64_t in [min, max] */
    PB_OPT_DOUBLE,   /* double in (dmin, dmax] */
    PB_OPT_STRING,   /* const char *, not empty (points into argv) */
    PB_OPT_CHOICE,   /* const char *, one of `choices` (comma-separated) */
    PB_OPT_NAMES,    /* pb_names: a comma list of non-empty names */
    PB_OPT_INTS,     /* pb_ints: a comma list of integers in [min, max] */
} pb_opt_type;

typedef struct pb_opt {
    const char *name;          /* "--repetitions" */
    pb_opt_type type;
    const char *metavar;       /* "K" in the usage text; NULL for a flag */
    const char *help;          /* the usage text; '\n' between lines */
    const char *want;          /* what a value must be, for the error line */
    int64_t     min, max;      /* PB_OPT_INT, PB_OPT_INTS */
    double      dmin, dmax;    /* PB_OPT_DOUBLE */
    const char *choices;       /* PB_OPT_CHOICE: "glibc,jemalloc" */
    int         required;      /* 1: the command wants it */
    size_t      offset;        /* offsetof(the command's struct, field) */
} pb_opt;

struct pb_invocation;
typedef int pb_command_main(const struct pb_invocation *in);

/* One command (at most 64 options of its own). */
typedef struct pb_command {
    const char      *name;          /* "run" */
    const char      *args;          /* positional synopsis: "FILE...", or NULL */
    size_t           min_args, max_args;
    const char      *help;          /* what it does; '\n' between lines */
    const pb_opt    *opts;          /* its own options (not the selection) */
    size_t           n_opts;
    size_t           opts_size;     /* sizeof the struct they are stored in */
    const void      *opts_default;  /* its defaults (NULL: all zero) */
    int              selection;     /* 1: takes the selection options */
    int64_t          default_n;     /* > 0: the sizes when --n is not given */
    const char      *rest_help;     /* non-NULL: "--" passes the rest on,
                                     * described thus in the usage text */
    pb_command_main *main;
} pb_command;

#define PB_ARGS_INLINE 16

/* In a pb_command initializer: its option table and the struct type the
 * values go into. */
#define PB_OPTS(table, type) \
    .opts = (table), .n_opts = sizeof (table) / sizeof (table)[0], \
    .opts_size = sizeof(type)

/* What is left after the options. Parsing allocates nothing unless a list
 * option or more than PB_ARGS_INLINE arguments are given, so that `exec`
 * starts its case on the same heap as before any parsing (instruction
 * counts under callgrind depend on it). */
typedef struct pb_args {
    char  **args;            /* positional arguments (into argv) */
    size_t  n_args;
    char   *inline_args[PB_ARGS_INLINE];
    int     rest_argc;       /* after "--", for a command with rest_help */
    char  **rest_argv;
} pb_args;

/* What a command's entry point gets. */
typedef struct pb_invocation {
    const pb_command           *cmd;
    const void                 *opts;       /* its struct, parsed */
    const pb_selection         *sel;        /* when cmd->selection */
    const pb_args              *args;
    char                      **argv;       /* the whole command line */
    const pb_component *const  *components;
} pb_invocation;

/* Parses argv[2..] for cmd (its defaults first, then the options, the
 * selection checked against components, the arguments) and calls
 * cmd->main. Returns the exit status: cmd->main's; 2 after one usage
 * line; 0 after printing the command's usage for --help. */
int  pb_command_run(const pb_command *cmd, int argc, char **argv,
                    const pb_component *const *components);

/* One usage error of cmd: "pairbench: CMD: MESSAGE (see 'pairbench help
 * CMD')" on stderr; returns 2. */
int  pb_usage_error(const char *cmd, const char *fmt, ...)
         __attribute__((format(printf, 2, 3)));

/* The usage text of one command (usage line, description, options). */
void pb_opts_print_command(FILE *out, const pb_command *cmd);
/* The general usage: every command's usage line and description, the
 * selection options once, then each command's options. */
void pb_opts_print_all(FILE *out, const pb_command *const *cmds);

#endif
