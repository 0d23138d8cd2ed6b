/*
 * unbounded_map_tracker: what both unbounded_map implementations share,
 * since the seed's fix does not touch it: the tracker (the attempts table
 * and the assignments table), id validation, create and destroy, assign
 * (all or nothing across the two tables), what complete and fail answer,
 * the lookups and entries(). The implementations differ only in what
 * complete and fail then do: whether a finished task's entries are
 * removed (and the tables shrunk).
 */
#ifndef PAIRBENCH_UNBOUNDED_MAP_TRACKER_H
#define PAIRBENCH_UNBOUNDED_MAP_TRACKER_H

#include "pairbench/unbounded_map.h"
#include "unbounded_map_table.h"

struct um_tracker {
    um_table attempts;         /* ResilienceManager.taskAttempts */
    um_table assignments;      /* AgentPool.assignments */
    uint32_t max_attempts;
};

/* A validated task id: its length and hash. */
typedef struct um_key {
    const char *s;
    size_t      len;
    uint64_t    hash;
} um_key;

/* UM_OK with *k filled, or UM_EINVAL (NULL, empty, over UM_TASK_MAX). */
int    um_key_of(const char *task, um_key *k);

int    um_tracker_create(const um_options *opt, um_tracker **out);
void   um_tracker_destroy(um_tracker *t);
int    um_tracker_assign(um_tracker *t, const char *task, uint32_t agent);
/* What complete and fail answer, before either implementation decides
 * whether a finished task's entries go: complete UM_OK (the tracker holds
 * the task), fail UM_RETRY or UM_GAVE_UP by its attempts; UM_ENOENT;
 * UM_EINVAL. *k is the validated id when the answer is not UM_EINVAL.
 * Nothing is changed. */
int    um_tracker_complete_verdict(const um_tracker *t, const char *task, um_key *k);
int    um_tracker_fail_verdict(const um_tracker *t, const char *task, um_key *k);
int    um_tracker_attempts(const um_tracker *t, const char *task);
int    um_tracker_assignment(const um_tracker *t, const char *task, uint32_t *agent);
size_t um_tracker_entries(const um_tracker *t);

#endif
