/*
 * pb_main: the table of commands, the dispatch, and `pairbench help
 * [COMMAND]` (the usage text is generated from the commands' option
 * tables by opts.c).
 */
#include <stdio.h>
#include <string.h>

#include "../harness/engine.h"
#include "cli.h"

static int help_main(const pb_invocation *in);

static const pb_command cmd_help = {
    .name = "help", .args = "COMMAND", .min_args = 0, .max_args = 1,
    .help = "print this text, or the usage of one command",
    .main = help_main,
};

static const pb_command *const commands[] = {
    &pb_cmd_list, &pb_cmd_run, &pb_cmd_summary, &pb_cmd_claims,
    &pb_cmd_report, &pb_cmd_exec, &pb_cmd_massif, &pb_cmd_instr,
    &pb_cmd_gate, &pb_cmd_history, &cmd_help, NULL,
};

static const pb_command *find_command(const char *name)
{
    for (size_t i = 0; commands[i]; i++)
        if (!strcmp(commands[i]->name, name))
            return commands[i];
    return NULL;
}

static int help_main(const pb_invocation *in)
{
    if (in->args->n_args == 0) {
        pb_opts_print_all(stdout, commands);
        return 0;
    }
    const pb_command *c = find_command(in->args->args[0]);
    if (!c)
        return pb_usage_error(in->cmd->name, "unknown command '%s'",
                              in->args->args[0]);
    pb_opts_print_command(stdout, c);
    return 0;
}

int pb_main(int argc, char **argv, const pb_component *const *comps)
{
    if (argc < 2) {
        fputs("pairbench: no command given (see 'pairbench help')\n", stderr);
        return 2;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h"))
        name = "help";
    const pb_command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "pairbench: unknown command '%s' (see 'pairbench help')\n",
                name);
        return 2;
    }
    pb_cleanup_install(cmd->name);
    return pb_command_run(cmd, argc, argv, comps);
}
