/*
 * What the two commands that run cases under valgrind (instr, massif)
 * share (cli/profiler.c): valgrind's version, and the sizes in their JSON
 * context.
 */
#ifndef PAIRBENCH_CLI_PROFILER_H
#define PAIRBENCH_CLI_PROFILER_H

#include <cjson/cJSON.h>

#include "select.h"

/* The first line of `valgrind --version` (malloc'd), or NULL when valgrind
 * is not found or does not run. `what` is the command, for child.h. */
char *pb_valgrind_version(const char *what);

/* Adds "n" to a JSON context: the number when one size is selected, else
 * the list of them. */
void  pb_context_add_sizes(cJSON *ctx, const pb_ints *sizes);

#endif
