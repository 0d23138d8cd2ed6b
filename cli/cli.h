/*
 * The commands: pb_main dispatches to one function per command.
 */
#ifndef PAIRBENCH_CLI_H
#define PAIRBENCH_CLI_H

#include "pairbench/harness.h"
#include "../harness/engine.h"

/* Runs the pairbench command line over the given components (NULL-terminated
 * array). Returns the process exit status: 0, 1 (a run failed), 2 (usage). */
int pb_main(int argc, char **argv, const pb_component *const *components);
/* `pairbench exec CASE [--ops K] [--warmup W]` (exec.c). */
int      pb_exec_main(int argc, char **argv, const pb_component *const *components);
/* `pairbench massif [selection] [--n N] [--ops K] [--out DIR]` (massif.c). */
int      pb_massif_main(int argc, char **argv, const pb_component *const *components);
/* `pairbench instr ...`: instruction counts under callgrind (instr.c). */
int      pb_instr_main(int argc, char **argv, const pb_component *const *components);
/* `pairbench report FILE... [--massif F] [--out DIR]` (report_cmd.c). */
int      pb_report_main(int argc, char **argv, const pb_component *const *components);
/* `pairbench gate BASELINE NEW...`: the regression gate (gate.c). */
int      pb_gate_main(int argc, char **argv, const pb_component *const *components);

/* Finds a case by its full name; 0, or -1 when there is none (or its
 * implementation is capped below its N). */
int      pb_case_find(const pb_component *const *components, const char *name,
                      pb_case *out);

#endif
