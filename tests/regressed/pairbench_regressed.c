/*
 * pairbench_regressed: the pairbench command line with a deliberate
 * regression in the optimized task_store's get, built only for
 * tests/test_gate.sh to prove that the gate fails.
 *
 * Nothing in the product is switched: this file defines its own ops table,
 * a copy of task_store_optimized whose get is wrapped (the real get, then a
 * second lookup through it, the barrier keeping the compiler from reusing
 * the first, and one malloc/free), and its own registry, the components of
 * PB_COMPONENT_LIST with task_store's "optimized" implementation pointed at
 * that table. Case names, sources and every other component are unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "pairbench/harness.h"
#include "pairbench/task_store.h"
#include "../../scenarios/scenarios.h"
#include "../../cli/cli.h"

static task_store_ops regressed_ops;            /* filled by main */

static int regressed_get(const task_store *s, const char *id, task *out)
{
    int rc = task_store_optimized.get(s, id, out);
    task again;
    __asm__ __volatile__("" : : : "memory");
    int rc_again = task_store_optimized.get(s, id, &again);
    void *volatile extra = malloc(rc_again == rc ? 16 : 32);
    free(extra);
    return rc;
}

static pb_impl task_store_impls[8];
static pb_component task_store_component;      /* pb_component_task_store,
                                                   regressed impls */

/* The registry of scenarios/list.c, task_store's entry replaced: the token
 * pb_component_task_store pasted by the X-macro is rescanned, and this
 * name redirects it. */
#define pb_component_task_store task_store_component
#define REGRESSED_ENTRY(name) &pb_component_##name,
static const pb_component *const components[] = {
    PB_COMPONENT_LIST(REGRESSED_ENTRY)
    NULL
};
#undef pb_component_task_store

int main(int argc, char **argv)
{
    const pb_component *real = &pb_component_task_store;
    if (real->n_impls > sizeof task_store_impls / sizeof task_store_impls[0])
        abort();
    regressed_ops = task_store_optimized;
    regressed_ops.get = regressed_get;
    memcpy(task_store_impls, real->impls, real->n_impls * sizeof *real->impls);
    for (size_t i = 0; i < real->n_impls; i++)
        if (task_store_impls[i].ops == &task_store_optimized)
            task_store_impls[i].ops = &regressed_ops;
    task_store_component = *real;
    task_store_component.impls = task_store_impls;
    return pb_main(argc, argv, components);
}
