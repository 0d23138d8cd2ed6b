/*
 * task_store_naive: the seed's "before" TaskQueue (seed 000), in C.
 *
 * The store is an array of pointers to individually heap-allocated task
 * copies, the C shape of a JavaScript array of object references. Every
 * mutation replaces the array the way the seed's code does:
 *   add             [...tasks, task]: scan for a duplicate id, then a new
 *                   array of n+1 pointers; O(n) time, 2 mallocs, 1 free.
 *   remove          tasks.filter(t => t.id !== id): scan, then a new array of
 *                   n-1 pointers; O(n) time, 1 malloc, 2 frees.
 *   get             tasks.find: linear scan with strcmp; O(n).
 *   update          tasks.map(t => t.id === id ? {...t, ...u} : t): a new
 *                   array of n pointers and a new merged task; O(n) time,
 *                   2 mallocs, 2 frees.
 *   list            walks the array; O(n).
 *   list_by_status  one filtered scan of the whole array; O(n).
 *   metrics         one filtered scan per status; O(n * TASK_STATUS_COUNT).
 * Every error leaves the store unchanged: all allocations are made before
 * anything is committed.
 */
#include "pairbench/task_store.h"
#include "../impl_shared/task_store_fields.h"

#include <stdlib.h>
#include <string.h>

struct task_store {
    task  **tasks;   /* n owned task copies in insertion order; NULL when n == 0 */
    size_t  n;
};

/* 1 if id is a string of 1..TASK_ID_MAX-1 bytes; reads at most TASK_ID_MAX
 * bytes of id and never past its terminating NUL. */
static int ts_id_valid(const char *id)
{
    if (id == NULL)
        return 0;
    for (size_t i = 0; i < TASK_ID_MAX; i++)
        if (id[i] == '\0')
            return i > 0;
    return 0;
}

/* Position of the task with this (valid) id, or n when absent. O(n). */
static size_t ts_find(const task_store *s, const char *id)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->tasks[i]->id, id) == 0)
            break;
    return i;
}

/* A new empty store (one malloc), or NULL when out of memory. */
static task_store *ts_create(void)
{
    task_store *s = malloc(sizeof *s);
    if (s != NULL) {
        s->tasks = NULL;
        s->n = 0;
    }
    return s;
}

/* Frees every task, the array and the store. O(n). */
static void ts_destroy(task_store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->tasks[i]);
    free(s->tasks);
    free(s);
}

/* Appends a copy of *t. EINVAL, EEXIST, ENOMEM. O(n): the duplicate scan and
 * the copy of n pointers into a fresh array of n+1. */
static int ts_add(task_store *s, const task *t)
{
    if (t == NULL || !ts_id_valid(t->id) || !ts_status_valid(t->status))
        return TASK_STORE_EINVAL;
    if (ts_find(s, t->id) != s->n)
        return TASK_STORE_EEXIST;

    task *copy = malloc(sizeof *copy);
    task **next = malloc((s->n + 1) * sizeof *next);
    if (copy == NULL || next == NULL) {
        free(copy);
        free(next);
        return TASK_STORE_ENOMEM;
    }
    *copy = *t;
    if (s->n > 0)
        memcpy(next, s->tasks, s->n * sizeof *next);
    next[s->n] = copy;
    free(s->tasks);
    s->tasks = next;
    s->n++;
    return TASK_STORE_OK;
}

/* Removes the task with this id, keeping the order of the others. EINVAL,
 * ENOENT, ENOMEM (the filtered array could not be allocated). O(n). */
static int ts_remove(task_store *s, const char *id)
{
    if (!ts_id_valid(id))
        return TASK_STORE_EINVAL;
    size_t at = ts_find(s, id);
    if (at == s->n)
        return TASK_STORE_ENOENT;

    task **next = NULL;
    if (s->n > 1) {
        next = malloc((s->n - 1) * sizeof *next);
        if (next == NULL)
            return TASK_STORE_ENOMEM;
        memcpy(next, s->tasks, at * sizeof *next);
        memcpy(next + at, s->tasks + at + 1, (s->n - at - 1) * sizeof *next);
    }
    free(s->tasks[at]);
    free(s->tasks);
    s->tasks = next;
    s->n--;
    return TASK_STORE_OK;
}

/* Copies the task into *out. EINVAL, ENOENT. O(n). */
static int ts_get(const task_store *s, const char *id, task *out)
{
    if (!ts_id_valid(id) || out == NULL)
        return TASK_STORE_EINVAL;
    size_t at = ts_find(s, id);
    if (at == s->n)
        return TASK_STORE_ENOENT;
    *out = *s->tasks[at];
    return TASK_STORE_OK;
}

/* Replaces the matching task by a merged copy inside a new array of n
 * pointers. EINVAL (bad id, unknown bits, bad status), ENOENT, ENOMEM. O(n). */
static int ts_update(task_store *s, const char *id, const task_update *u)
{
    if (!ts_id_valid(id) || !ts_update_valid(u))
        return TASK_STORE_EINVAL;
    size_t at = ts_find(s, id);
    if (at == s->n)
        return TASK_STORE_ENOENT;

    task **next = malloc(s->n * sizeof *next);
    task *merged = malloc(sizeof *merged);
    if (next == NULL || merged == NULL) {
        free(next);
        free(merged);
        return TASK_STORE_ENOMEM;
    }
    memcpy(next, s->tasks, s->n * sizeof *next);
    task *old = s->tasks[at];
    *merged = *old;
    if (u->fields & TASK_UPDATE_STATUS)
        merged->status = u->status;
    ts_apply_plain(merged, u);
    next[at] = merged;
    free(old);
    free(s->tasks);
    s->tasks = next;
    return TASK_STORE_OK;
}

/* O(1). */
static size_t ts_count(const task_store *s)
{
    return s->n;
}

/* Borrowed pointers in insertion order, at most cap of them; returns n. O(min(n, cap)). */
static size_t ts_list(const task_store *s, const task **out, size_t cap)
{
    size_t k = s->n < cap ? s->n : cap;
    for (size_t i = 0; i < k; i++)
        out[i] = s->tasks[i];
    return s->n;
}

/* One filtered scan of the whole array; returns the number of matches. O(n). */
static size_t ts_list_by_status(const task_store *s, task_status st,
                                const task **out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->tasks[i]->status != st)
            continue;
        if (k < cap)
            out[k] = s->tasks[i];
        k++;
    }
    return k;
}

/* total = n; by_status[st] = one filtered scan per status. O(n * TASK_STATUS_COUNT). */
static void ts_metrics(const task_store *s, task_metrics *out)
{
    out->total = s->n;
    for (int st = 0; st < TASK_STATUS_COUNT; st++)
        out->by_status[st] = ts_list_by_status(s, (task_status)st, NULL, 0);
}

const task_store_ops task_store_naive = {
    .name = "naive",
    .create = ts_create,
    .destroy = ts_destroy,
    .add = ts_add,
    .remove = ts_remove,
    .get = ts_get,
    .update = ts_update,
    .count = ts_count,
    .list = ts_list,
    .list_by_status = ts_list_by_status,
    .metrics = ts_metrics,
};
