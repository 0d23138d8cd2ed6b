/*
 * `pairbench list [selection]`: the selected case names, one per line, in
 * list order (component, scenario, implementation, N). A selection with no
 * case is a usage error (exit 2), as in every command that selects.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int list_main(const pb_command *cmd, int argc, char **argv,
                     const pb_component *const *comps)
{
    int none;
    pb_selection sel;
    pb_args a;
    int rc = pb_opts_parse(cmd, argc, argv, &none, &sel, &a, comps);
    if (rc == 0) {
        size_t count;
        pb_case *cases = pb_select_cases(&sel, comps, &count);
        for (size_t i = 0; i < count; i++)
            puts(cases[i].name);
        if (count == 0)
            rc = pb_select_none(cmd->name);
        free(cases);
    }
    pb_opts_free(cmd, &none, &sel, &a);
    return rc == PB_OPTS_HELP ? 0 : rc;
}

const pb_command pb_cmd_list = {
    .name = "list", .selection = 1,
    .help = "print the selected case names, one per line",
    .main = list_main,
};
