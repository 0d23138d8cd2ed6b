/*
 * state_history: the ImmutableState of seed 000 (copy-on-update application
 * state with a capped history of previous states).
 *
 * A state_history holds the current app_state and up to max_history previous
 * states, oldest first. An update writes the masked fields over a copy of
 * the current state, bumps the version and stamps the injected clock; the
 * state it replaces is appended to the history, and once the history holds
 * more than max_history states the oldest is dropped. Two implementations
 * share this ops table:
 *   state_history_naive      the seed's "before" code: every update
 *                            allocates a new state object; the history is an
 *                            array of pointers to them, capped by shift()
 *                            (free the oldest, move the rest down: O(cap));
 *                            reading the history first copies that array.
 *   state_history_optimized  states by value in a ring buffer: an update is
 *                            O(1) with no allocation once the history is
 *                            full, the history is read in place, history_at
 *                            is O(1).
 * Both give identical observable results; the naive one is the test oracle
 * of the optimized one. Scenarios call through the inline wrappers below.
 */
#ifndef PAIRBENCH_STATE_HISTORY_H
#define PAIRBENCH_STATE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

/* Labels are NUL-terminated strings of 0..APP_STATE_LABEL_MAX-1 bytes. */
#define APP_STATE_LABEL_MAX 32

/* The state of a request-serving application: a plain value (72 bytes, no
 * padding, no pointers). In every state a state_history hands out, the
 * label's bytes after its NUL are zero. */
typedef struct app_state {
    int64_t  version;          /* create: as given; every update: previous + 1,
                                  modulo 2^64 (INT64_MAX + 1 wraps to INT64_MIN) */
    int64_t  last_updated_ms;  /* create: as given; every update: its now_ms */
    uint32_t active;           /* requests being served */
    uint32_t queued;           /* requests waiting */
    uint32_t completed;        /* requests finished, cumulative */
    uint32_t failed;           /* requests failed, cumulative */
    uint32_t rejected;         /* requests refused (rate limit), cumulative */
    int32_t  mode;             /* application-defined, stored as given */
    char     label[APP_STATE_LABEL_MAX];   /* e.g. the model being served */
} app_state;

/* A partial update: only the fields named in `fields` are written. */
enum {
    APP_STATE_UPDATE_ACTIVE    = 1u << 0,
    APP_STATE_UPDATE_QUEUED    = 1u << 1,
    APP_STATE_UPDATE_COMPLETED = 1u << 2,
    APP_STATE_UPDATE_FAILED    = 1u << 3,
    APP_STATE_UPDATE_REJECTED  = 1u << 4,
    APP_STATE_UPDATE_MODE      = 1u << 5,
    APP_STATE_UPDATE_LABEL     = 1u << 6,
    APP_STATE_UPDATE_ALL       = (1u << 7) - 1
};

/* 60 bytes, label last: a label without a NUL ends the struct. */
typedef struct app_state_update {
    unsigned fields;           /* APP_STATE_UPDATE_* bits */
    uint32_t active;
    uint32_t queued;
    uint32_t completed;
    uint32_t failed;
    uint32_t rejected;
    int32_t  mode;
    char     label[APP_STATE_LABEL_MAX];   /* read only when the label bit is set,
                                              up to its NUL; later bytes ignored */
} app_state_update;

/* Status codes of update and history_at. */
enum {
    SH_OK     = 0,
    SH_ENOENT = 1,   /* history_at: index >= history_len */
    SH_EINVAL = 2,   /* NULL argument, unknown field bits, label without a NUL
                        in its APP_STATE_LABEL_MAX bytes */
    SH_ENOMEM = 3    /* allocation failed; nothing changed */
};

/* history() returns this when it could not allocate what it needed to read
 * the history (only an implementation that copies can); nothing was visited. */
#define SH_VISIT_ENOMEM SIZE_MAX

/* Called by history() for each state, oldest first; index 0 is the oldest.
 * *s is borrowed for the duration of the call. A non-zero return stops the
 * walk after this state. fn must not update or destroy the history it is
 * walking. */
typedef int (*state_history_visit_fn)(const app_state *s, size_t index, void *arg);

typedef struct state_history state_history;   /* opaque */

typedef struct state_history_ops {
    const char *name;                          /* "naive" | "optimized" */

    /* A history whose current state is a copy of *initial (label bytes after
     * its NUL zeroed) and whose history is empty; it will keep at most
     * max_history previous states. NULL when initial is NULL, its label has
     * no NUL in APP_STATE_LABEL_MAX bytes, max_history is 0, or out of memory. */
    state_history *(*create)(const app_state *initial, size_t max_history);
    /* Frees the history and every state in it. NULL is a no-op. */
    void (*destroy)(state_history *h);

    /* The new current state is the old one with the fields of *u written,
     * version + 1 and last_updated_ms = now_ms; the old current state is
     * appended to the history, and the oldest is dropped when that makes the
     * history longer than max_history. An empty mask is valid (only version
     * and time change). SH_OK, SH_EINVAL, SH_ENOMEM; nothing changes on error. */
    int (*update)(state_history *h, const app_state_update *u, int64_t now_ms);
    /* Copies the current state into *out. */
    void (*current)(const state_history *h, app_state *out);

    /* Number of previous states held: min(updates so far, max_history). */
    size_t (*history_len)(const state_history *h);
    /* Calls fn on the history, oldest first, until fn returns non-zero or the
     * history ends; returns the number of calls made (the stopping one
     * included), or SH_VISIT_ENOMEM. A NULL fn visits nothing and returns 0. */
    size_t (*history)(const state_history *h, state_history_visit_fn fn, void *arg);
    /* Copies the i-th oldest previous state into *out (i = 0: the oldest).
     * SH_OK, SH_ENOENT (i >= history_len), SH_EINVAL (out NULL); *out is
     * untouched on error. */
    int (*history_at)(const state_history *h, size_t i, app_state *out);
} state_history_ops;

extern const state_history_ops state_history_naive;
extern const state_history_ops state_history_optimized;

/* Inline wrappers: scenarios and tests call these, never the raw pointers. */
static inline state_history *state_history_create(const state_history_ops *o, const app_state *initial, size_t max_history) { return o->create(initial, max_history); }
static inline void state_history_destroy(const state_history_ops *o, state_history *h) { o->destroy(h); }
static inline int state_history_update(const state_history_ops *o, state_history *h, const app_state_update *u, int64_t now_ms) { return o->update(h, u, now_ms); }
static inline void state_history_current(const state_history_ops *o, const state_history *h, app_state *out) { o->current(h, out); }
static inline size_t state_history_len(const state_history_ops *o, const state_history *h) { return o->history_len(h); }
static inline size_t state_history_visit(const state_history_ops *o, const state_history *h, state_history_visit_fn fn, void *arg) { return o->history(h, fn, arg); }
static inline int state_history_at(const state_history_ops *o, const state_history *h, size_t i, app_state *out) { return o->history_at(h, i, out); }

#endif
