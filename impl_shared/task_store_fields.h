/*
 * task_store_fields: what impl_naive/task_store.c and
 * impl_optimized/task_store.c share and the seed's fix does not touch (not
 * part of any ops table): the status and update checks and the writing of
 * an update's plain fields. The two files differ in how tasks are found and
 * held (a copied array vs a hash index over slots), and so in how a status
 * change is applied, and in nothing here.
 *
 * `static inline`: update is measured, and these were inlined into it when
 * each file had its own copy.
 */
#ifndef PAIRBENCH_TASK_STORE_FIELDS_H
#define PAIRBENCH_TASK_STORE_FIELDS_H

#include <stddef.h>

#include "pairbench/task_store.h"

static inline int ts_status_valid(task_status st)
{
    return (unsigned)st < (unsigned)TASK_STATUS_COUNT;
}

/* 1 if *u may be applied: non-NULL, no unknown field bits, and a valid
 * status when the status bit is set. */
static inline int ts_update_valid(const task_update *u)
{
    if (u == NULL || (u->fields & ~(unsigned)TASK_UPDATE_ALL) != 0)
        return 0;
    return !(u->fields & TASK_UPDATE_STATUS) || ts_status_valid(u->status);
}

/* Writes the masked fields of *u other than the status into *t. */
static inline void ts_apply_plain(task *t, const task_update *u)
{
    if (u->fields & TASK_UPDATE_PRIORITY)
        t->priority = u->priority;
    if (u->fields & TASK_UPDATE_UPDATED_AT)
        t->updated_at_ms = u->updated_at_ms;
    if (u->fields & TASK_UPDATE_ATTEMPTS)
        t->attempts = u->attempts;
}

#endif
