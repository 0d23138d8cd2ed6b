/*
 * The one case selection (cli/select.c), for every command that selects
 * cases (list, run, massif, instr). A case is component/impl/scenario/N;
 * it is selected when
 *
 *   --component NAMES   its component is one of NAMES (comma-separated),
 *   --scenario NAMES    its scenario is one of NAMES,
 *   --n N[,N...]        its N is one of these sizes,
 *   --filter REGEX      its full name matches REGEX (POSIX extended),
 *
 * each only when given, and its implementation is not capped below N (a
 * case selected but for its cap is "capped": run lists those). An unknown
 * component or scenario name is a usage error that lists the known ones.
 * The options themselves are parsed by cli/opts.c, like every option.
 */
#ifndef PAIRBENCH_CLI_SELECT_H
#define PAIRBENCH_CLI_SELECT_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "pairbench/harness.h"
#include "../harness/engine.h"

/* A comma list of names: v[0..n) point into buf. */
typedef struct pb_names {
    char  **v;
    size_t  n;
    char   *buf;
} pb_names;

/* A comma list of integers. */
typedef struct pb_ints {
    int64_t *v;
    size_t   n;
} pb_ints;

typedef struct pb_selection {
    const char *filter;          /* NULL: every name */
    pb_names    components;      /* n == 0: every component */
    pb_names    scenarios;       /* n == 0: every scenario */
    pb_ints     sizes;           /* n == 0: every N of the sweep */
    int         smallest;        /* without --n: only each scenario's
                                    smallest N of those the rest selects
                                    (run --quick) */
    regex_t     re;
    int         have_re;
} pb_selection;

/* After parsing: compiles --filter and checks the names against the
 * registry. 0, or 2 after one line "pairbench: CMD: ...". */
int      pb_select_prepare(pb_selection *s, const char *cmd,
                           const pb_component *const *components);
/* Sets the sizes to {n} when --n was not given (massif and instr measure
 * one N by default). */
void     pb_select_default_n(pb_selection *s, int64_t n);
/* 1 when the case is selected; *capped is set (and 0 returned) when it is
 * selected but its implementation does not run at this N. */
int      pb_select_case(const pb_selection *s, const pb_component *c,
                        const pb_impl *i, const pb_scenario *sc, int64_t n,
                        int *capped);
/* Every selected case, in list order (component, scenario, implementation,
 * N), as a malloc'd array with *count set; NULL when there is none. */
pb_case *pb_select_cases(const pb_selection *s,
                         const pb_component *const *components, size_t *count);
/* Finds a case by its full name; 0, or -1 when there is none (or its
 * implementation is capped below its N). Allocates nothing. */
int      pb_case_find(const pb_component *const *components, const char *name,
                      pb_case *out);
/* The usage error for a selection with no case: prints one line, returns 2. */
int      pb_select_none(const char *cmd);
void     pb_select_free(pb_selection *s);

#endif
