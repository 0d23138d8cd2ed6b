/*
 * unbounded_map, naive: seed 004's "before" (items 8 and 9). The
 * ResilienceManager's taskAttempts and the AgentPool's assignments are two
 * hash tables (impl_shared/unbounded_map_table.h: a JS Map is a hash
 * table) that nothing ever cleans: task:completed and completeTask() leave
 * both entries, and so does a task that gives up after its last retry. A
 * long-running tracker holds two entries for every task it ever saw.
 *
 * Costs: assign O(1) expected, amortised over the tables' doublings (which
 * rehash every entry ever inserted); complete, fail, attempts, assignment
 * O(1) expected (one hash of the id, a probe per table), no allocation;
 * entries O(1). Memory O(tasks ever assigned): per id, a 24-byte slot per
 * table at load 3/8 to 3/4 and two key copies.
 */
#include "pairbench/unbounded_map.h"

#include "../impl_shared/unbounded_map_tracker.h"

/* task:completed: the seed's handler before the fix looks the task up and
 * keeps everything. */
static int complete_naive(um_tracker *t, const char *task)
{
    um_key k;
    return um_tracker_complete_verdict(t, task, &k);
}

/* A failed attempt: retry while the budget lasts, else give up; either
 * way both entries stay. */
static int fail_naive(um_tracker *t, const char *task)
{
    um_key k;
    return um_tracker_fail_verdict(t, task, &k);
}

const unbounded_map_ops unbounded_map_naive = {
    .name = "naive",
    .create = um_tracker_create,
    .destroy = um_tracker_destroy,
    .assign = um_tracker_assign,
    .complete = complete_naive,
    .fail = fail_naive,
    .attempts = um_tracker_attempts,
    .assignment = um_tracker_assignment,
    .entries = um_tracker_entries,
};
