/*
 * `pairbench list [selection]`: the selected case names, one per line, in
 * list order (component, scenario, implementation, N). A selection with no
 * case is a usage error (exit 2), as in every command that selects.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int list_main(const pb_invocation *in)
{
    size_t count;
    pb_case *cases = pb_select_cases(in->sel, in->components, &count);
    for (size_t i = 0; i < count; i++)
        puts(cases[i].name);
    free(cases);
    return count ? 0 : pb_select_none(in->cmd->name);
}

const pb_command pb_cmd_list = {
    .name = "list", .selection = 1,
    .help = "print the selected case names, one per line",
    .main = list_main,
};
