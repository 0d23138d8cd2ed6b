/*
 * state_history_optimized: the seed's ImmutableState (seed 000) with the
 * history in a ring buffer of states held by value.
 *
 * Layout:
 *   cur    the current state, inline in the handle.
 *   ring   previous states by value, oldest at slot `head`, `len` of them,
 *          in `cap` slots. The ring grows by doubling (from SH_RING_MIN, the
 *          last step clamped to max_history) while the history is shorter
 *          than max_history, and never shrinks. Growth happens only when
 *          len == cap < max_history, and the oldest state is dropped only
 *          when len == cap == max_history, so the ring has not wrapped yet
 *          (head == 0) whenever it grows: realloc alone keeps the order.
 * Why grow rather than allocate max_history slots at create: memory follows
 * the history actually held (a history capped at 100000 that has seen ten
 * updates holds 16 slots, not 7 MB), and create stays O(1). Once the history
 * is full, the steady state of a long-running service, an update never
 * allocates and cannot fail.
 * Costs (c = max_history):
 *   update       O(1): one 72-byte copy into the ring, the masked fields
 *                written in place; no malloc once len == c, before that an
 *                amortised O(1) realloc (doubling), which can fail (SH_ENOMEM).
 *   current      O(1).
 *   history      O(visited): walks the ring in place, no copy, no malloc.
 *   history_at   O(1).
 *   history_len  O(1).
 * Every error leaves the history unchanged.
 */
#include "pairbench/state_history.h"
#include "../impl_shared/state_history_fields.h"

#include <stdlib.h>
#include <string.h>

#define SH_RING_MIN ((size_t)16)

struct state_history {
    app_state  cur;        /* the current state */
    app_state *ring;       /* cap slots; NULL while cap == 0 */
    size_t     head;       /* slot of the oldest previous state */
    size_t     len, cap;   /* len <= cap <= max */
    size_t     max;        /* max_history */
};

/* Slot of the k-th oldest state, k < cap. */
static size_t sh_slot(const state_history *h, size_t k)
{
    size_t i = h->head + k;
    return i >= h->cap ? i - h->cap : i;
}

/* A history with a copy of *initial as its current state; the ring is
 * allocated by the first update. 1 malloc. NULL on a bad argument or when
 * out of memory. */
static state_history *sh_create(const app_state *initial, size_t max_history)
{
    if (initial == NULL || max_history == 0 || !sh_label_valid(initial->label))
        return NULL;
    state_history *h = malloc(sizeof *h);
    if (h == NULL)
        return NULL;
    h->cur = *initial;
    sh_label_copy(h->cur.label, initial->label);
    h->ring = NULL;
    h->head = 0;
    h->len = 0;
    h->cap = 0;
    h->max = max_history;
    return h;
}

/* Frees the ring and the handle: 2 frees. */
static void sh_destroy(state_history *h)
{
    if (h == NULL)
        return;
    free(h->ring);
    free(h);
}

/* Copies the current state into the next ring slot (over the oldest when
 * the history is full), then writes the update into the current state in
 * place. SH_EINVAL, SH_ENOMEM (only while the ring grows). O(1) amortised,
 * O(1) worst case once the history is full. */
static int sh_update(state_history *h, const app_state_update *u, int64_t now_ms)
{
    if (!sh_update_valid(u))
        return SH_EINVAL;

    if (h->len == h->cap && h->cap < h->max) {
        /* head == 0 here: nothing has been dropped yet (see the header). */
        size_t cap = h->cap ? h->cap : SH_RING_MIN / 2;
        cap = cap <= h->max / 2 ? 2 * cap : h->max;
        app_state *ring = cap <= SIZE_MAX / sizeof *ring
                              ? realloc(h->ring, cap * sizeof *ring) : NULL;
        if (ring == NULL)
            return SH_ENOMEM;
        h->ring = ring;
        h->cap = cap;
    }
    /* Nothing below can fail. */
    if (h->len < h->cap) {
        h->ring[sh_slot(h, h->len)] = h->cur;
        h->len++;
    } else {                                  /* full at max: replace the oldest */
        h->ring[h->head] = h->cur;
        h->head = h->head + 1 == h->cap ? 0 : h->head + 1;
    }
    sh_advance(&h->cur, u, now_ms);
    return SH_OK;
}

/* O(1). */
static void sh_current(const state_history *h, app_state *out)
{
    *out = h->cur;
}

/* O(1). */
static size_t sh_history_len(const state_history *h)
{
    return h->len;
}

/* Walks the ring in place: the run [head, cap) then the wrapped run from
 * slot 0. O(visited), no allocation; never returns SH_VISIT_ENOMEM. */
static size_t sh_history(const state_history *h, state_history_visit_fn fn, void *arg)
{
    if (fn == NULL || h->len == 0)
        return 0;
    size_t first = h->cap - h->head;          /* states before the wrap */
    if (first > h->len)
        first = h->len;
    size_t k = 0;
    for (const app_state *s = h->ring + h->head; k < first; s++)
        if (fn(s, k++, arg) != 0)
            return k;
    for (const app_state *s = h->ring; k < h->len; s++)
        if (fn(s, k++, arg) != 0)
            return k;
    return k;
}

/* O(1). SH_EINVAL, SH_ENOENT. */
static int sh_history_at(const state_history *h, size_t i, app_state *out)
{
    if (out == NULL)
        return SH_EINVAL;
    if (i >= h->len)
        return SH_ENOENT;
    *out = h->ring[sh_slot(h, i)];
    return SH_OK;
}

const state_history_ops state_history_optimized = {
    .name = "optimized",
    .create = sh_create,
    .destroy = sh_destroy,
    .update = sh_update,
    .current = sh_current,
    .history_len = sh_history_len,
    .history = sh_history,
    .history_at = sh_history_at,
};
