/*
 * The commands: pb_main finds the command by name in one table (cli.c) and
 * calls its entry point; each command is one pb_command in its own file
 * (cmd_NAME.c), its options a table that the parser and the usage text
 * share (opts.h). The toolkit: opts.h (options), select.h (case
 * selection), child.h (child processes), atomic.h (atomic writes, mkdir
 * -p), str.h (dynamic strings).
 */
#ifndef PAIRBENCH_CLI_H
#define PAIRBENCH_CLI_H

#include "pairbench/harness.h"
#include "../harness/engine.h"
#include "opts.h"

/* Runs the pairbench command line over the given components (NULL-terminated
 * array). Returns the process exit status: 0, 1 (a run failed), 2 (usage). */
int pb_main(int argc, char **argv, const pb_component *const *components);

/* The commands, in the order `pairbench help` lists them. */
extern const pb_command pb_cmd_list;      /* cmd_list.c */
extern const pb_command pb_cmd_run;       /* cmd_run.c */
extern const pb_command pb_cmd_summary;   /* cmd_summary.c */
extern const pb_command pb_cmd_claims;    /* cmd_summary.c */
extern const pb_command pb_cmd_report;    /* cmd_report.c */
extern const pb_command pb_cmd_exec;      /* cmd_exec.c */
extern const pb_command pb_cmd_massif;    /* cmd_massif.c */
extern const pb_command pb_cmd_instr;     /* cmd_instr.c */
extern const pb_command pb_cmd_gate;      /* cmd_gate.c */
extern const pb_command pb_cmd_history;   /* cmd_history.c */

#endif
