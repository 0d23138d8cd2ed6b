/*
 * pb_test_task: the comparison of two tasks for the differential tests of
 * the components that hold tasks (task_store, priority_queue).
 */
#ifndef PAIRBENCH_PB_TEST_TASK_H
#define PAIRBENCH_PB_TEST_TASK_H

#include <stddef.h>
#include <string.h>

#include "pairbench/task_store.h"

/* NULL when equal, else the name of the first differing field. */
static inline const char *pbt_task_diff(const task *x, const task *y)
{
    if (strncmp(x->id, y->id, TASK_ID_MAX) != 0)
        return "id";
    if (x->status != y->status)
        return "status";
    if (x->priority != y->priority)
        return "priority";
    if (x->created_at_ms != y->created_at_ms)
        return "created_at_ms";
    if (x->updated_at_ms != y->updated_at_ms)
        return "updated_at_ms";
    if (x->attempts != y->attempts)
        return "attempts";
    return NULL;
}

#endif
