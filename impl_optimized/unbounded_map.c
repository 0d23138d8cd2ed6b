/*
 * unbounded_map, optimized: seed 004's fix for items 8 and 9, completed.
 * The seed deletes the attempts entry on task:completed and the assignment
 * in completeTask(); a task that fails its last retry never completes, so
 * its entries would stay forever. Here both entries go when a task
 * finishes either way (complete, or fail with the budget spent), and each
 * table shrinks when under 1/8 full (to at most 3/8 full), so a burst of
 * live tasks does not pin its capacity: memory is bounded by the live
 * tasks, at most max(8, 8 x live) slots per table.
 *
 * Costs: assign O(1) expected, amortised (shared with the naive one);
 * complete, and a fail that gives up, O(1) expected: a probe and a
 * backward-shift deletion per table and two frees, plus a shrink
 * (O(old capacity), amortised O(1): between two resizes of a table of
 * capacity c come at least c/16 inserts or removals); a fail that retries,
 * attempts, assignment O(1) expected; entries O(1). Memory O(live tasks).
 */
#include "pairbench/unbounded_map.h"

#include "../impl_shared/unbounded_map_tracker.h"

/* Removes both entries of a finished task; a shrink whose allocation fails
 * keeps the larger array (tried again at the next removal). */
static void forget(um_tracker *t, const um_key *k)
{
    um_table_delete(&t->attempts, k->s, k->len, k->hash);
    um_table_delete(&t->assignments, k->s, k->len, k->hash);
    (void)um_table_shrink(&t->attempts);
    (void)um_table_shrink(&t->assignments);
}

static int complete_optimized(um_tracker *t, const char *task)
{
    um_key k;
    int rc = um_tracker_complete_verdict(t, task, &k);
    if (rc == UM_OK)
        forget(t, &k);
    return rc;
}

static int fail_optimized(um_tracker *t, const char *task)
{
    um_key k;
    int rc = um_tracker_fail_verdict(t, task, &k);
    if (rc == UM_GAVE_UP)
        forget(t, &k);
    return rc;
}

const unbounded_map_ops unbounded_map_optimized = {
    .name = "optimized",
    .create = um_tracker_create,
    .destroy = um_tracker_destroy,
    .assign = um_tracker_assign,
    .complete = complete_optimized,
    .fail = fail_optimized,
    .attempts = um_tracker_attempts,
    .assignment = um_tracker_assignment,
    .entries = um_tracker_entries,
};
