/*
 * state_history_fields: what impl_naive/state_history.c and
 * impl_optimized/state_history.c share and the seed's fix does not touch
 * (not part of any ops table): label checks and copies, update validation,
 * and the step from one state to the next. The two files differ in where
 * the previous states are kept (an array of heap objects vs a ring held by
 * value) and in nothing here.
 *
 * Everything is `static inline`: update is measured, and these functions
 * were inlined into it when each file had its own copy.
 */
#ifndef PAIRBENCH_STATE_HISTORY_FIELDS_H
#define PAIRBENCH_STATE_HISTORY_FIELDS_H

#include <stdint.h>
#include <string.h>

#include "pairbench/state_history.h"

/* 1 if label has a NUL in its APP_STATE_LABEL_MAX bytes; reads no further. */
static inline int sh_label_valid(const char *label)
{
    return memchr(label, '\0', APP_STATE_LABEL_MAX) != NULL;
}

/* Copies a valid label up to its NUL and zeroes the rest of dst. */
static inline void sh_label_copy(char *dst, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst, src, n);
    memset(dst + n, 0, APP_STATE_LABEL_MAX - n);
}

/* 1 if *u may be applied: non-NULL, no unknown field bits, and a label with
 * a NUL when the label bit is set. */
static inline int sh_update_valid(const app_state_update *u)
{
    if (u == NULL || (u->fields & ~(unsigned)APP_STATE_UPDATE_ALL) != 0)
        return 0;
    return !(u->fields & APP_STATE_UPDATE_LABEL) || sh_label_valid(u->label);
}

/* Writes the masked fields of *u into *s. */
static inline void sh_apply(app_state *s, const app_state_update *u)
{
    if (u->fields & APP_STATE_UPDATE_ACTIVE)
        s->active = u->active;
    if (u->fields & APP_STATE_UPDATE_QUEUED)
        s->queued = u->queued;
    if (u->fields & APP_STATE_UPDATE_COMPLETED)
        s->completed = u->completed;
    if (u->fields & APP_STATE_UPDATE_FAILED)
        s->failed = u->failed;
    if (u->fields & APP_STATE_UPDATE_REJECTED)
        s->rejected = u->rejected;
    if (u->fields & APP_STATE_UPDATE_MODE)
        s->mode = u->mode;
    if (u->fields & APP_STATE_UPDATE_LABEL)
        sh_label_copy(s->label, u->label);
}

/* The state after *s: the masked fields of *u written, the version
 * incremented (wrapping), the update time set to now_ms. */
static inline void sh_advance(app_state *s, const app_state_update *u, int64_t now_ms)
{
    sh_apply(s, u);
    s->version = (int64_t)((uint64_t)s->version + 1u);
    s->last_updated_ms = now_ms;
}

#endif
