/*
 * unbounded_map_tracker: the two tables and the operations both
 * implementations share (contract in pairbench/unbounded_map.h). Each
 * operation hashes its id once and uses the hash on both tables.
 */
#define _POSIX_C_SOURCE 200809L  /* strnlen */

#include "unbounded_map_tracker.h"

#include <stdlib.h>
#include <string.h>

int um_key_of(const char *task, um_key *k)
{
    if (!task)
        return UM_EINVAL;
    size_t len = strnlen(task, UM_TASK_MAX + 1);
    if (len == 0 || len > UM_TASK_MAX)
        return UM_EINVAL;
    k->s = task;
    k->len = len;
    k->hash = um_hash(task, len);
    return UM_OK;
}

int um_tracker_create(const um_options *opt, um_tracker **out)
{
    uint32_t max = opt ? opt->max_attempts : 0;
    if (!out || max > UM_MAX_ATTEMPTS_LIMIT)
        return UM_EINVAL;
    um_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return UM_ENOMEM;
    if (um_table_init(&t->attempts) != 0 || um_table_init(&t->assignments) != 0) {
        um_table_free(&t->attempts);
        um_table_free(&t->assignments);
        free(t);
        return UM_ENOMEM;
    }
    t->max_attempts = max ? max : UM_DEFAULT_MAX_ATTEMPTS;
    *out = t;
    return UM_OK;
}

void um_tracker_destroy(um_tracker *t)
{
    if (!t)
        return;
    um_table_free(&t->attempts);
    um_table_free(&t->assignments);
    free(t);
}

int um_tracker_assign(um_tracker *t, const char *task, uint32_t agent)
{
    um_key k;
    if (!t || um_key_of(task, &k) != UM_OK)
        return UM_EINVAL;
    uint32_t *n = um_table_find(&t->attempts, k.s, k.len, k.hash);
    uint32_t *a = um_table_find(&t->assignments, k.s, k.len, k.hash);
    if (n && *n >= t->max_attempts)
        return UM_EXHAUSTED;
    /* Every allocation first, so a failure changes nothing. */
    um_table_prep pn = { 0 }, pa = { 0 };
    if ((!n && um_table_prepare(&t->attempts, k.s, k.len, &pn) != 0) ||
        (!a && um_table_prepare(&t->assignments, k.s, k.len, &pa) != 0)) {
        um_table_abandon(&pn);
        um_table_abandon(&pa);
        return UM_ENOMEM;
    }
    int attempt;
    if (n)
        attempt = (int)++*n;
    else {
        um_table_commit(&t->attempts, &pn, k.len, k.hash, 1);
        attempt = 1;
    }
    if (a)
        *a = agent;
    else
        um_table_commit(&t->assignments, &pa, k.len, k.hash, agent);
    return attempt;
}

int um_tracker_complete_verdict(const um_tracker *t, const char *task, um_key *k)
{
    if (!t || um_key_of(task, k) != UM_OK)
        return UM_EINVAL;
    return um_table_find(&t->attempts, k->s, k->len, k->hash) ? UM_OK : UM_ENOENT;
}

int um_tracker_fail_verdict(const um_tracker *t, const char *task, um_key *k)
{
    if (!t || um_key_of(task, k) != UM_OK)
        return UM_EINVAL;
    const uint32_t *n = um_table_find(&t->attempts, k->s, k->len, k->hash);
    if (!n)
        return UM_ENOENT;
    return *n < t->max_attempts ? UM_RETRY : UM_GAVE_UP;
}

int um_tracker_attempts(const um_tracker *t, const char *task)
{
    um_key k;
    if (!t || um_key_of(task, &k) != UM_OK)
        return UM_EINVAL;
    const uint32_t *n = um_table_find(&t->attempts, k.s, k.len, k.hash);
    return n ? (int)*n : UM_ENOENT;
}

int um_tracker_assignment(const um_tracker *t, const char *task, uint32_t *agent)
{
    um_key k;
    if (!t || !agent || um_key_of(task, &k) != UM_OK)
        return UM_EINVAL;
    const uint32_t *a = um_table_find(&t->assignments, k.s, k.len, k.hash);
    if (!a)
        return UM_ENOENT;
    *agent = *a;
    return UM_OK;
}

size_t um_tracker_entries(const um_tracker *t)
{
    return t ? t->attempts.count + t->assignments.count : 0;
}
