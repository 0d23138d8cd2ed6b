/*
 * task_store_fields: what impl_naive/task_store.c,
 * impl_optimized/task_store.c and the peers (impl_peer/task_store_*.c)
 * share and the seed's fix does not touch (not part of any ops table): the
 * status and update checks, the writing of an update's plain fields, and
 * (for the peers) the id check and the per-status counters of the stores
 * that keep them. The files differ in how tasks are found and
 * held (a copied array, a hash index over slots, a library's hash table),
 * and so in how a status change is applied, and in nothing here.
 *
 * `static inline`: update is measured, and these were inlined into it when
 * each file had its own copy.
 */
#ifndef PAIRBENCH_TASK_STORE_FIELDS_H
#define PAIRBENCH_TASK_STORE_FIELDS_H

#include <stddef.h>
#include <string.h>

#include "pairbench/task_store.h"

/* Length of id when it is a valid id (1..TASK_ID_MAX-1 bytes), else 0
 * (NULL, empty, or no NUL within TASK_ID_MAX bytes). memchr stops at the
 * first NUL (C11 7.24.5.1), so it never reads past the id's end. */
static inline size_t ts_id_len(const char *id)
{
    if (id == NULL)
        return 0;
    const char *nul = memchr(id, '\0', TASK_ID_MAX);
    return nul == NULL ? 0 : (size_t)(nul - id);
}

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

/* ---- the stores that keep a counter per status (optimized, the peers) ---- */

/* Applies a valid *u to *t, moving t between the counters when the status
 * changes (the peers: nothing else of theirs depends on the status). */
static inline void ts_apply_counted(task *t, const task_update *u,
                                    size_t by_status[TASK_STATUS_COUNT])
{
    if (u->fields & TASK_UPDATE_STATUS) {
        by_status[t->status]--;
        by_status[u->status]++;
        t->status = u->status;
    }
    ts_apply_plain(t, u);
}

/* metrics from the counters. O(1). */
static inline void ts_metrics_from(task_metrics *out, size_t total,
                                   const size_t by_status[TASK_STATUS_COUNT])
{
    out->total = total;
    for (int st = 0; st < TASK_STATUS_COUNT; st++)
        out->by_status[st] = by_status[st];
}

/* One step of a status listing that visits every task in order (the
 * peers): t is counted in *k when its status is st, and written to
 * out[*k] while *k < cap. */
static inline void ts_list_match(const task *t, task_status st, const task **out,
                                 size_t cap, size_t *k)
{
    if (t->status != st)
        return;
    if (*k < cap)
        out[*k] = t;
    (*k)++;
}

#endif
