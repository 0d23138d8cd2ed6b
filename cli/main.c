/* pairbench: the command-line entry point; everything is in harness/cli.c. */
#include "pairbench/harness.h"
#include "../scenarios/scenarios.h"
#include "cli.h"

int main(int argc, char **argv)
{
    return pb_main(argc, argv, pb_all_components);
}
