/* pairbench: the command-line entry point; the commands are in cli/. */
#include "pairbench/harness.h"
#include "../scenarios/scenarios.h"
#include "cli.h"

int main(int argc, char **argv)
{
    return pb_main(argc, argv, pb_all_components);
}
