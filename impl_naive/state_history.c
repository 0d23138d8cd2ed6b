/*
 * state_history_naive: the seed's "before" ImmutableState (seed 000), in C.
 *
 * The current state is a heap object of its own, the C shape of
 * Object.freeze({...state}); the history is a growable array of pointers to
 * the previous state objects, the C shape of a JavaScript array of object
 * references. Operations follow the seed's code (c = max_history):
 *   update       Object.freeze({...state, ...updates, lastUpdated}): malloc a
 *                new state and copy the old one into it; stateHistory.push
 *                (the pointer array doubles when full); when the history is
 *                longer than c, stateHistory.shift(): free the oldest state
 *                and move the other c pointers down by one.
 *                O(c) time once the history is full; 1 malloc and 1 free per
 *                update (plus an occasional array growth before it is full).
 *   current      copies the current state object; O(1).
 *   history      getStateHistory() returns [...stateHistory]: malloc a copy
 *                of the pointer array, visit the copy, free it; O(len) time,
 *                1 malloc and 1 free per call (none for an empty history).
 *   history_at   reads the array directly; O(1).
 *   history_len  O(1).
 * Every error leaves the history unchanged: all allocations are made before
 * anything is committed.
 */
#include "pairbench/state_history.h"
#include "../impl_shared/state_history_fields.h"

#include <stdlib.h>
#include <string.h>

#define SH_ARRAY_MIN ((size_t)4)

struct state_history {
    app_state  *state;     /* the current state, an object of its own */
    app_state **hist;      /* len owned previous states, oldest first; cap slots */
    size_t      len, cap;
    size_t      max;       /* max_history */
};

/* A history with a copy of *initial as its current state and no previous
 * states: 2 mallocs. NULL on a bad argument or when out of memory. */
static state_history *sh_create(const app_state *initial, size_t max_history)
{
    if (initial == NULL || max_history == 0 || !sh_label_valid(initial->label))
        return NULL;
    state_history *h = malloc(sizeof *h);
    app_state *s = malloc(sizeof *s);
    if (h == NULL || s == NULL) {
        free(h);
        free(s);
        return NULL;
    }
    *s = *initial;
    sh_label_copy(s->label, initial->label);
    h->state = s;
    h->hist = NULL;
    h->len = 0;
    h->cap = 0;
    h->max = max_history;
    return h;
}

/* Frees every state object, the array and the history. O(len). */
static void sh_destroy(state_history *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->len; i++)
        free(h->hist[i]);
    free(h->hist);
    free(h->state);
    free(h);
}

/* New state object = old + masked fields; push the old one; shift when over
 * max. SH_EINVAL, SH_ENOMEM. O(max) once the history is full. */
static int sh_update(state_history *h, const app_state_update *u, int64_t now_ms)
{
    if (!sh_update_valid(u))
        return SH_EINVAL;

    app_state *next = malloc(sizeof *next);
    if (next == NULL)
        return SH_ENOMEM;
    if (h->len == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : SH_ARRAY_MIN;
        app_state **hist = cap <= SIZE_MAX / sizeof *hist
                               ? realloc(h->hist, cap * sizeof *hist) : NULL;
        if (hist == NULL) {
            free(next);
            return SH_ENOMEM;
        }
        h->hist = hist;
        h->cap = cap;
    }
    /* Nothing below can fail. */
    *next = *h->state;
    sh_advance(next, u, now_ms);

    h->hist[h->len++] = h->state;                     /* push */
    if (h->len > h->max) {                            /* shift */
        free(h->hist[0]);
        memmove(h->hist, h->hist + 1, (h->len - 1) * sizeof *h->hist);
        h->len--;
    }
    h->state = next;
    return SH_OK;
}

/* O(1). */
static void sh_current(const state_history *h, app_state *out)
{
    *out = *h->state;
}

/* O(1). */
static size_t sh_history_len(const state_history *h)
{
    return h->len;
}

/* Visits a fresh copy of the pointer array, then frees it. O(len) time,
 * 1 malloc + 1 free; SH_VISIT_ENOMEM when the copy cannot be allocated. */
static size_t sh_history(const state_history *h, state_history_visit_fn fn, void *arg)
{
    if (fn == NULL || h->len == 0)
        return 0;
    size_t n = h->len;
    app_state **copy = malloc(n * sizeof *copy);
    if (copy == NULL)
        return SH_VISIT_ENOMEM;
    memcpy(copy, h->hist, n * sizeof *copy);
    size_t visited = 0;
    while (visited < n) {
        size_t i = visited++;
        if (fn(copy[i], i, arg) != 0)
            break;
    }
    free(copy);
    return visited;
}

/* O(1). SH_EINVAL, SH_ENOENT. */
static int sh_history_at(const state_history *h, size_t i, app_state *out)
{
    if (out == NULL)
        return SH_EINVAL;
    if (i >= h->len)
        return SH_ENOENT;
    *out = *h->hist[i];
    return SH_OK;
}

const state_history_ops state_history_naive = {
    .name = "naive",
    .create = sh_create,
    .destroy = sh_destroy,
    .update = sh_update,
    .current = sh_current,
    .history_len = sh_history_len,
    .history = sh_history,
    .history_at = sh_history_at,
};
