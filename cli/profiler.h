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

/* Measures one case (its name) under callgrind, `self exec NAME [--ops
 * K]` collecting only the measured region, and appends its JSON object
 * (name, ops, instructions, instructions_per_op, allocs, allocs_per_op,
 * bytes_per_op, peak_heap_bytes, digest) to the array `cases`; `keep_tmp`
 * (may be NULL) is removed too if interrupted. 0, or -1 after printing
 * why (cmd_instr.c). */
int   pb_instr_measure(const char *self, const char *name, int64_t ops,
                       const char *keep_tmp, cJSON *cases);

/* Runs one case (its name) under Valgrind's memcheck, `self exec NAME`
 * (set-up, one batch, teardown, exit) with --leak-check=full, and puts the
 * bytes memcheck reports "definitely lost" in *bytes (0 when every block
 * was freed). A memory error (an invalid read or write, a bad free) fails
 * the case, as does a missing exec line or leak summary. 0, or -1 after
 * printing why. Interrupted, the log file is removed (child.h). */
int   pb_memcheck_measure(const char *self, const char *name, double *bytes);

/* Adds "n" to a JSON context: the number when one size is selected, else
 * the list of them. */
void  pb_context_add_sizes(cJSON *ctx, const pb_ints *sizes);

#endif
