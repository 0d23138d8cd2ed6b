/*
 * unbounded_map unit tests.
 *
 * Against each implementation (PBT_RUN_BOTH): create (defaults, bounds,
 * UM_EINVAL, UM_ENOMEM at each of its allocations), every operation's
 * UM_EINVAL (NULL tracker, NULL / empty / 64-byte ids, NULL agent) changing
 * nothing; a task's life through retries to UM_EXHAUSTED and UM_GAVE_UP,
 * and completion, with what each implementation then says about the
 * finished id (the naive one its stale entries, the optimized one
 * UM_ENOENT) and how a restart counts; ids compared byte for byte up to
 * 63 bytes; entries() through a burst of 5,000 tasks finished both ways,
 * and the optimized tables' capacity back at the minimum afterwards; assign
 * failing at every one of its allocations (with and without table
 * growth) leaving the tracker exactly as before, contents and capacity,
 * and nothing allocated (2,000 repeats, glibc's count of live bytes);
 * removal with every shrink allocation failing.
 *
 * The shared table alone: the capacity after every insert (grows exactly
 * past 3/4), after every removal and shrink (exactly under 1/8, to the
 * smallest power of two at most 3/8 full), backward-shift deletion under
 * churn with forced hashes (all equal, clustered to wrap around the end
 * of the array, random) checked against a model and the linear-probing
 * invariant after every operation, and prepare / shrink failing.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/unbounded_map.h"
#include "pb_test.h"
#include "pb_test_alloc.h"
#include "../impl_shared/unbounded_map_tracker.h"

static int is_naive(const unbounded_map_ops *ops)
{
    return strcmp(ops->name, "naive") == 0;
}

static um_tracker *new_tracker(const unbounded_map_ops *ops, uint32_t max)
{
    um_options o = { .max_attempts = max };
    um_tracker *t = NULL;
    assert_int_equal(um_create(ops, &o, &t), UM_OK);
    assert_non_null(t);
    return t;
}

/* Live heap bytes as glibc counts them. Chunks parked in its per-thread
 * cache count as live, so one operation's balance is not exact; a leak is
 * seen by repeating the operation: LEAK_REPS failing operations that each
 * leaked even the smallest chunk (32 bytes) would grow it by 64 KiB, far
 * past LEAK_SLACK (what the caches can hold back). */
#define LEAK_REPS  2000
#define LEAK_SLACK ((size_t)16384)

static size_t heap_in_use(void)
{
    return mallinfo2().uordblks;
}

/* ---- create / destroy --------------------------------------------------- */

static void test_create(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = NULL, *sentinel = (um_tracker *)&t;
    /* defaults: 3 attempts */
    assert_int_equal(um_create(ops, NULL, &t), UM_OK);
    for (int k = 1; k <= UM_DEFAULT_MAX_ATTEMPTS; k++)
        assert_int_equal(um_assign(ops, t, "task-a", 7), k);
    assert_int_equal(um_assign(ops, t, "task-a", 7), UM_EXHAUSTED);
    um_destroy(ops, t);
    um_options zero = { 0 };
    t = NULL;
    assert_int_equal(um_create(ops, &zero, &t), UM_OK);
    assert_int_equal(um_entries(ops, t), 0);
    um_destroy(ops, t);
    /* bounds */
    um_options big = { .max_attempts = UM_MAX_ATTEMPTS_LIMIT };
    t = NULL;
    assert_int_equal(um_create(ops, &big, &t), UM_OK);
    um_destroy(ops, t);
    big.max_attempts = UM_MAX_ATTEMPTS_LIMIT + 1;
    t = sentinel;
    assert_int_equal(um_create(ops, &big, &t), UM_EINVAL);
    assert_ptr_equal(t, sentinel);
    assert_int_equal(um_create(ops, NULL, NULL), UM_EINVAL);
    um_destroy(ops, NULL);
    /* out of memory at each of its three allocations */
    if (!PBT_FAIL_INJECTION)
        return;
    for (long k = 0; k < 3; k++) {
        size_t before = heap_in_use();
        for (int rep = 0; rep < LEAK_REPS; rep++) {
            t = sentinel;
            pbt_fail_at(k);
            assert_int_equal(um_create(ops, NULL, &t), UM_ENOMEM);
            pbt_fail_never();
            assert_ptr_equal(t, sentinel);
        }
        assert_true(heap_in_use() < before + LEAK_SLACK);
    }
    pbt_fail_at(3);
    assert_int_equal(um_create(ops, NULL, &t), UM_OK);
    assert_true(pbt_fail_pending());              /* no fourth allocation */
    pbt_fail_never();
    um_destroy(ops, t);
}

/* ---- bad arguments ------------------------------------------------------- */

static void test_einval(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = new_tracker(ops, 3);
    char longest[UM_TASK_MAX + 1], too_long[UM_TASK_MAX + 2];
    memset(longest, 'x', UM_TASK_MAX);
    longest[UM_TASK_MAX] = '\0';
    memset(too_long, 'x', UM_TASK_MAX + 1);
    too_long[UM_TASK_MAX + 1] = '\0';
    assert_int_equal(um_assign(ops, t, "task-a", 5), 1);
    const char *bad[] = { NULL, "", too_long };
    uint32_t agent = 99;
    for (size_t i = 0; i < PBT_ARRAY_LEN(bad); i++) {
        assert_int_equal(um_assign(ops, t, bad[i], 1), UM_EINVAL);
        assert_int_equal(um_complete(ops, t, bad[i]), UM_EINVAL);
        assert_int_equal(um_fail(ops, t, bad[i]), UM_EINVAL);
        assert_int_equal(um_attempts(ops, t, bad[i]), UM_EINVAL);
        assert_int_equal(um_assignment(ops, t, bad[i], &agent), UM_EINVAL);
        assert_int_equal(agent, 99);
    }
    assert_int_equal(um_assignment(ops, t, "task-a", NULL), UM_EINVAL);
    assert_int_equal(um_assign(ops, NULL, "task-a", 1), UM_EINVAL);
    assert_int_equal(um_complete(ops, NULL, "task-a"), UM_EINVAL);
    assert_int_equal(um_fail(ops, NULL, "task-a"), UM_EINVAL);
    assert_int_equal(um_attempts(ops, NULL, "task-a"), UM_EINVAL);
    assert_int_equal(um_assignment(ops, NULL, "task-a", &agent), UM_EINVAL);
    assert_int_equal(um_entries(ops, NULL), 0);
    /* nothing changed; the 63-byte id is fine, and is not its 64-byte
     * extension */
    assert_int_equal(um_entries(ops, t), 2);
    assert_int_equal(um_attempts(ops, t, "task-a"), 1);
    assert_int_equal(um_assign(ops, t, longest, 3), 1);
    assert_int_equal(um_assign(ops, t, longest, 4), 2);
    assert_int_equal(um_assignment(ops, t, longest, &agent), UM_OK);
    assert_int_equal(agent, 4);
    assert_int_equal(um_entries(ops, t), 4);
    um_destroy(ops, t);
}

/* ---- a task's life -------------------------------------------------------- */

static void expect(const unbounded_map_ops *ops, const um_tracker *t, const char *id,
                   int attempts, uint32_t agent)
{
    uint32_t a = 0xdeadbeef;
    assert_int_equal(um_attempts(ops, t, id), attempts);
    if (attempts < 0) {
        assert_int_equal(um_assignment(ops, t, id, &a), attempts);
        assert_int_equal(a, 0xdeadbeef);
    } else {
        assert_int_equal(um_assignment(ops, t, id, &a), UM_OK);
        assert_int_equal(a, agent);
    }
}

static void test_retries_to_give_up(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = new_tracker(ops, 3);
    expect(ops, t, "task-r", UM_ENOENT, 0);
    assert_int_equal(um_fail(ops, t, "task-r"), UM_ENOENT);
    assert_int_equal(um_complete(ops, t, "task-r"), UM_ENOENT);
    assert_int_equal(um_assign(ops, t, "task-r", 10), 1);
    expect(ops, t, "task-r", 1, 10);
    assert_int_equal(um_fail(ops, t, "task-r"), UM_RETRY);
    expect(ops, t, "task-r", 1, 10);              /* awaiting its retry */
    assert_int_equal(um_assign(ops, t, "task-r", 11), 2);
    assert_int_equal(um_fail(ops, t, "task-r"), UM_RETRY);
    assert_int_equal(um_assign(ops, t, "task-r", 12), 3);
    expect(ops, t, "task-r", 3, 12);
    /* the last attempt is running: no fourth */
    assert_int_equal(um_assign(ops, t, "task-r", 13), UM_EXHAUSTED);
    expect(ops, t, "task-r", 3, 12);
    assert_int_equal(um_entries(ops, t), 2);
    assert_int_equal(um_fail(ops, t, "task-r"), UM_GAVE_UP);
    /* finished: the one place the two differ */
    if (is_naive(ops)) {
        expect(ops, t, "task-r", 3, 12);
        assert_int_equal(um_entries(ops, t), 2);
        assert_int_equal(um_fail(ops, t, "task-r"), UM_GAVE_UP);
        assert_int_equal(um_complete(ops, t, "task-r"), UM_OK);
        assert_int_equal(um_assign(ops, t, "task-r", 14), UM_EXHAUSTED);
        expect(ops, t, "task-r", 3, 12);
    } else {
        expect(ops, t, "task-r", UM_ENOENT, 0);
        assert_int_equal(um_entries(ops, t), 0);
        assert_int_equal(um_fail(ops, t, "task-r"), UM_ENOENT);
        assert_int_equal(um_complete(ops, t, "task-r"), UM_ENOENT);
        assert_int_equal(um_assign(ops, t, "task-r", 14), 1);
        expect(ops, t, "task-r", 1, 14);
    }
    assert_int_equal(um_entries(ops, t), 2);
    um_destroy(ops, t);
}

static void test_complete(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = new_tracker(ops, 3);
    assert_int_equal(um_assign(ops, t, "task-c", 1), 1);
    assert_int_equal(um_assign(ops, t, "task-d", 2), 1);
    assert_int_equal(um_fail(ops, t, "task-c"), UM_RETRY);
    assert_int_equal(um_assign(ops, t, "task-c", 3), 2);
    assert_int_equal(um_complete(ops, t, "task-c"), UM_OK);
    expect(ops, t, "task-d", 1, 2);               /* the other task untouched */
    if (is_naive(ops)) {
        expect(ops, t, "task-c", 2, 3);
        assert_int_equal(um_entries(ops, t), 4);
        assert_int_equal(um_complete(ops, t, "task-c"), UM_OK);
        assert_int_equal(um_fail(ops, t, "task-c"), UM_RETRY);
        assert_int_equal(um_assign(ops, t, "task-c", 4), 3);   /* continues */
    } else {
        expect(ops, t, "task-c", UM_ENOENT, 0);
        assert_int_equal(um_entries(ops, t), 2);
        assert_int_equal(um_complete(ops, t, "task-c"), UM_ENOENT);
        assert_int_equal(um_fail(ops, t, "task-c"), UM_ENOENT);
        assert_int_equal(um_assign(ops, t, "task-c", 4), 1);   /* a new count */
    }
    expect(ops, t, "task-c", is_naive(ops) ? 3 : 1, 4);
    assert_int_equal(um_entries(ops, t), 4);
    um_destroy(ops, t);
}

static void test_one_attempt(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = new_tracker(ops, 1);
    assert_int_equal(um_assign(ops, t, "task-1", 1), 1);
    assert_int_equal(um_assign(ops, t, "task-1", 2), UM_EXHAUSTED);
    assert_int_equal(um_fail(ops, t, "task-1"), UM_GAVE_UP);
    assert_int_equal(um_entries(ops, t), is_naive(ops) ? 2 : 0);
    um_destroy(ops, t);
}

/* Ids are compared byte for byte, whatever their length: prefixes, a last
 * byte, case. */
static void test_ids(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = new_tracker(ops, 100);
    char ids[6][UM_TASK_MAX + 1];
    strcpy(ids[0], "task-1");
    strcpy(ids[1], "task-10");
    strcpy(ids[2], "Task-1");
    memset(ids[3], 'k', UM_TASK_MAX);
    ids[3][UM_TASK_MAX] = '\0';
    strcpy(ids[4], ids[3]);
    ids[4][UM_TASK_MAX - 1] = 'l';                /* differs in its last byte */
    strcpy(ids[5], ids[3]);
    ids[5][UM_TASK_MAX - 1] = '\0';               /* one byte shorter */
    for (int i = 0; i < 6; i++)
        for (int k = 0; k <= i; k++)
            assert_int_equal(um_assign(ops, t, ids[i], (uint32_t)(100 * i + k)), k + 1);
    for (int i = 0; i < 6; i++)
        expect(ops, t, ids[i], i + 1, (uint32_t)(100 * i + i));
    assert_int_equal(um_entries(ops, t), 12);
    assert_int_equal(um_complete(ops, t, ids[4]), UM_OK);
    for (int i = 0; i < 6; i++)
        if (i != 4)
            expect(ops, t, ids[i], i + 1, (uint32_t)(100 * i + i));
    um_destroy(ops, t);
}

/* ---- entries and capacity over a burst --------------------------------- */

#define BURST 5000

static void burst_id(char *buf, int i)
{
    snprintf(buf, 32, "task-%016llx", (unsigned long long)i * 0x9e3779b97f4a7c15ULL);
}

static void test_burst(void **state)
{
    const unbounded_map_ops *ops = *state;
    um_tracker *t = new_tracker(ops, 2);
    char id[32];
    for (int i = 0; i < BURST; i++) {
        burst_id(id, i);
        assert_int_equal(um_assign(ops, t, id, (uint32_t)i), 1);
    }
    assert_int_equal(um_entries(ops, t), 2 * BURST);
    for (int i = 0; i < BURST; i++) {
        burst_id(id, i);
        expect(ops, t, id, 1, (uint32_t)i);
    }
    size_t peak_cap = t->attempts.cap;
    /* the even tasks complete, the odd ones fail twice and give up */
    for (int i = 0; i < BURST; i++) {
        burst_id(id, i);
        if (i % 2 == 0) {
            assert_int_equal(um_complete(ops, t, id), UM_OK);
            continue;
        }
        assert_int_equal(um_fail(ops, t, id), UM_RETRY);
        assert_int_equal(um_assign(ops, t, id, 7), 2);
        assert_int_equal(um_fail(ops, t, id), UM_GAVE_UP);
        /* the optimized tables: never more than max(8, 8 x live) slots */
        if (!is_naive(ops)) {
            size_t live = (size_t)(BURST - i - 1);
            assert_true(t->attempts.cap <= (live * 8 > 8 ? live * 8 : 8));
            assert_true(t->assignments.cap <= (live * 8 > 8 ? live * 8 : 8));
        }
    }
    if (is_naive(ops)) {
        assert_int_equal(um_entries(ops, t), 2 * BURST);
        assert_int_equal(t->attempts.cap, peak_cap);
    } else {
        assert_int_equal(um_entries(ops, t), 0);
        assert_int_equal(t->attempts.cap, UM_TABLE_MIN_CAP);
        assert_int_equal(t->assignments.cap, UM_TABLE_MIN_CAP);
    }
    um_destroy(ops, t);
}

/* ---- allocation failures ---------------------------------------------- */

#define FEW 6                      /* 6 ids fill 8 slots to 3/4: the 7th grows */

/* Every observation of ids[0..n) and of `fresh`, and the capacities. */
typedef struct snapshot {
    int      attempts[FEW + 1];
    uint32_t agent[FEW + 1];
    int      rc[FEW + 1];
    size_t   entries, cap_attempts, cap_assignments;
} snapshot;

static void snap(const unbounded_map_ops *ops, const um_tracker *t, char ids[][32], int n,
                 snapshot *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < n; i++) {
        s->attempts[i] = um_attempts(ops, t, ids[i]);
        s->rc[i] = um_assignment(ops, t, ids[i], &s->agent[i]);
    }
    s->entries = um_entries(ops, t);
    s->cap_attempts = t->attempts.cap;
    s->cap_assignments = t->assignments.cap;
}

/* assign(fresh) fails at each of its allocations in turn, leaving the
 * tracker as before; returns how many allocations the success made. */
static long fail_every_allocation(const unbounded_map_ops *ops, um_tracker *t,
                                  char ids[][32], int n, const char *fresh)
{
    strcpy(ids[n], fresh);
    snapshot before, after;
    snap(ops, t, ids, n + 1, &before);
    assert_int_equal(before.attempts[n], UM_ENOENT);
    for (long k = 0;; k++) {
        pbt_fail_at(k);
        int rc = um_assign(ops, t, fresh, 42);
        int hit = !pbt_fail_pending();
        pbt_fail_never();
        if (!hit) {
            assert_int_equal(rc, 1);
            return k;
        }
        assert_int_equal(rc, UM_ENOMEM);
        snap(ops, t, ids, n + 1, &after);
        assert_memory_equal(&after, &before, sizeof before);
        /* and what it allocated before the failure is freed */
        size_t heap = heap_in_use();
        for (int rep = 0; rep < LEAK_REPS; rep++) {
            pbt_fail_at(k);
            assert_int_equal(um_assign(ops, t, fresh, 42), UM_ENOMEM);
            pbt_fail_never();
        }
        assert_true(heap_in_use() < heap + LEAK_SLACK);
    }
}

static void test_assign_enomem(void **state)
{
    const unbounded_map_ops *ops = *state;
    if (!PBT_FAIL_INJECTION) {
        print_message("    (no allocation failure injection in this build)\n");
        return;
    }
    um_tracker *t = new_tracker(ops, 3);
    char ids[FEW + 1][32];
    /* a new id with room in both tables: two key copies */
    assert_int_equal(fail_every_allocation(ops, t, ids, 0, "task-first"), 2);
    for (int i = 1; i < FEW; i++) {
        snprintf(ids[i], sizeof ids[i], "task-%d", i);
        assert_int_equal(um_assign(ops, t, ids[i], (uint32_t)i), 1);
    }
    assert_int_equal(t->attempts.count, FEW);
    /* the 7th: a key copy and a doubled array per table */
    assert_int_equal(fail_every_allocation(ops, t, ids, FEW, "task-seventh"), 4);
    assert_int_equal(t->attempts.cap, 2 * UM_TABLE_MIN_CAP);
    /* with every allocation failing: a known id (a restart) allocates
     * nothing, a new one fails, and lookups go on */
    pbt_fail_after(0);
    assert_int_equal(um_assign(ops, t, "task-3", 9), 2);
    assert_int_equal(um_assign(ops, t, "task-new", 9), UM_ENOMEM);
    assert_int_equal(um_attempts(ops, t, "task-3"), 2);
    assert_int_equal(um_attempts(ops, t, "task-new"), UM_ENOENT);
    pbt_fail_never();
    um_destroy(ops, t);
}

/* Removal cannot fail: a shrink whose allocation fails keeps the larger
 * array, and the next removal shrinks. */
static void test_remove_enomem(void **state)
{
    const unbounded_map_ops *ops = *state;
    if (!PBT_FAIL_INJECTION)
        return;
    um_tracker *t = new_tracker(ops, 1);
    char id[32];
    for (int i = 0; i < 100; i++) {
        burst_id(id, i);
        assert_int_equal(um_assign(ops, t, id, 1), 1);
    }
    size_t cap = t->attempts.cap;                 /* 256: 100 <= 192 */
    assert_int_equal(cap, 256);
    pbt_fail_after(0);
    for (int i = 0; i < 99; i++) {
        burst_id(id, i);
        assert_int_equal(i % 2 ? um_fail(ops, t, id) : um_complete(ops, t, id),
                         i % 2 ? UM_GAVE_UP : UM_OK);
    }
    pbt_fail_never();
    assert_int_equal(um_entries(ops, t), is_naive(ops) ? 200 : 2);
    assert_int_equal(t->attempts.cap, cap);       /* no shrink could allocate */
    burst_id(id, 99);
    expect(ops, t, id, 1, 1);
    assert_int_equal(um_complete(ops, t, id), UM_OK);
    assert_int_equal(t->attempts.cap, is_naive(ops) ? cap : UM_TABLE_MIN_CAP);
    assert_int_equal(t->assignments.cap, is_naive(ops) ? cap : UM_TABLE_MIN_CAP);
    um_destroy(ops, t);
}

/* ---- the table alone ---------------------------------------------------- */

/* The linear-probing invariant, in O(capacity): count is right, keys are
 * whole, and every entry sits in the unbroken run of occupied slots that
 * holds its home slot (its distance from home is below the length of the
 * run ending at it). Duplicates and lost keys show in the model's finds. */
static void check_table(const um_table *t)
{
    size_t n = 0, mask = t->cap - 1, e = 0;
    assert_true(t->cap >= UM_TABLE_MIN_CAP && (t->cap & mask) == 0);
    assert_true(t->count * 4 <= t->cap * 3);
    while (t->slots[e].hash)
        e++;                                       /* an empty slot exists */
    size_t run = 0;
    for (size_t k = 1; k <= t->cap; k++) {
        size_t j = (e + k) & mask;
        const um_slot *s = &t->slots[j];
        if (!s->hash) {
            run = 0;
            continue;
        }
        run++;
        n++;
        assert_int_equal(strlen(s->key), s->len);
        assert_true(((j - (size_t)s->hash) & mask) < run);
    }
    assert_int_equal(n, t->count);
}

static void put(um_table *t, const char *key, uint64_t hash, uint32_t value)
{
    um_table_prep p;
    assert_int_equal(um_table_prepare(t, key, strlen(key), &p), 0);
    um_table_commit(t, &p, strlen(key), hash, value);
}

static size_t cap_for(size_t count, int shrunk)
{
    size_t cap = UM_TABLE_MIN_CAP;
    while (shrunk ? count * 8 > cap * 3 : count * 4 > cap * 3)
        cap *= 2;
    return cap;
}

static void test_table_grow(void **state)
{
    (void)state;
    um_table t;
    assert_int_equal(um_table_init(&t), 0);
    char key[32];
    for (size_t i = 0; i < 3073; i++) {
        size_t cap = t.cap;
        snprintf(key, sizeof key, "k%zu", i);
        put(&t, key, um_hash(key, strlen(key)), (uint32_t)i);
        /* doubles exactly when the insert would pass 3/4 */
        assert_int_equal(t.cap, (i + 1) * 4 > cap * 3 ? 2 * cap : cap);
        assert_int_equal(t.cap, cap_for(i + 1, 0));
    }
    assert_int_equal(t.cap, 8192);                /* 3073 > 3/4 of 4096 */
    check_table(&t);
    for (size_t i = 0; i < 3073; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        uint32_t *v = um_table_find(&t, key, strlen(key), um_hash(key, strlen(key)));
        assert_non_null(v);
        assert_int_equal(*v, i);
    }
    um_table_free(&t);
}

static void test_table_shrink(void **state)
{
    (void)state;
    char key[32];
    size_t fills[] = { 7, 48, 100, 3000 };
    for (size_t f = 0; f < PBT_ARRAY_LEN(fills); f++) {
        um_table t;
        assert_int_equal(um_table_init(&t), 0);
        for (size_t i = 0; i < fills[f]; i++) {
            snprintf(key, sizeof key, "s%zu", i);
            put(&t, key, um_hash(key, strlen(key)), 1);
        }
        for (size_t i = 0; i < fills[f]; i++) {
            size_t cap = t.cap;
            snprintf(key, sizeof key, "s%zu", i);
            assert_int_equal(um_table_delete(&t, key, strlen(key), um_hash(key, strlen(key))),
                             1);
            assert_int_equal(t.cap, cap);         /* delete never resizes */
            assert_int_equal(um_table_shrink(&t), 0);
            size_t n = t.count;
            if (cap > UM_TABLE_MIN_CAP && n * 8 < cap)
                assert_int_equal(t.cap, cap_for(n, 1));   /* exactly under 1/8 */
            else
                assert_int_equal(t.cap, cap);
            if (t.cap > UM_TABLE_MIN_CAP)
                assert_true(n * 8 >= t.cap);
            check_table(&t);
        }
        assert_int_equal(t.cap, UM_TABLE_MIN_CAP);
        um_table_free(&t);
    }
    /* one shrink from 4096 slots down in one step */
    um_table t;
    assert_int_equal(um_table_init(&t), 0);
    for (size_t i = 0; i < 3000; i++) {
        snprintf(key, sizeof key, "s%zu", i);
        put(&t, key, um_hash(key, strlen(key)), 1);
    }
    for (size_t i = 0; i < 2990; i++) {
        snprintf(key, sizeof key, "s%zu", i);
        assert_int_equal(um_table_delete(&t, key, strlen(key), um_hash(key, strlen(key))), 1);
    }
    assert_int_equal(t.cap, 4096);
    assert_int_equal(um_table_shrink(&t), 0);
    assert_int_equal(t.cap, 32);                  /* 10 <= 3/8 of 32 */
    check_table(&t);
    for (size_t i = 2990; i < 3000; i++) {
        snprintf(key, sizeof key, "s%zu", i);
        assert_non_null(um_table_find(&t, key, strlen(key), um_hash(key, strlen(key))));
    }
    um_table_free(&t);
}

/* Random inserts, deletes and shrinks with forced hashes, against a model,
 * the invariant checked after every operation. */
enum { H_EQUAL, H_WRAP, H_FEW, H_REAL, H_KINDS };

static uint64_t forced_hash(int kind, size_t i, const char *key)
{
    switch (kind) {
    case H_EQUAL: return 0x5555555555555555ULL;                /* all collide */
    case H_WRAP:  return ~(uint64_t)0 - (i % 3);               /* the last slots */
    case H_FEW:   return 1 + (i % 5) * 0x100000001ULL;         /* 5 homes */
    default:      return um_hash(key, strlen(key));
    }
}

static void test_table_churn(void **state)
{
    (void)state;
    enum { KEYS = 300 };
    static char keys[KEYS][16];
    static uint64_t hashes[KEYS];
    static int present[KEYS];
    static uint32_t values[KEYS];
    for (int kind = 0; kind < H_KINDS; kind++) {
        pbt_rng r = { 0x756d7461626c6521ULL + (uint64_t)kind };
        for (int i = 0; i < KEYS; i++) {
            snprintf(keys[i], sizeof keys[i], "c%d", i);
            hashes[i] = forced_hash(kind, (size_t)i, keys[i]);
            present[i] = 0;
        }
        um_table t;
        assert_int_equal(um_table_init(&t), 0);
        size_t n = 0;
        for (int step = 0; step < 6000; step++) {
            /* phases: fill towards 300, drain towards 0 */
            int filling = (step / 700) % 2 == 0;
            int i = (int)pbt_below(&r, KEYS);
            size_t len = strlen(keys[i]);
            if (present[i] && (filling ? pbt_below(&r, 4) == 0 : pbt_below(&r, 4) != 0)) {
                assert_int_equal(um_table_delete(&t, keys[i], len, hashes[i]), 1);
                present[i] = 0;
                n--;
                if (pbt_below(&r, 2))
                    assert_int_equal(um_table_shrink(&t), 0);
            } else if (!present[i]) {
                assert_null(um_table_find(&t, keys[i], len, hashes[i]));
                assert_int_equal(um_table_delete(&t, keys[i], len, hashes[i]), 0);
                values[i] = (uint32_t)pbt_next(&r);
                put(&t, keys[i], hashes[i], values[i]);
                present[i] = 1;
                n++;
            }
            assert_int_equal(t.count, n);
            check_table(&t);
            if (step % 25 == 0)
                for (int k = 0; k < KEYS; k++) {
                    uint32_t *v = um_table_find(&t, keys[k], strlen(keys[k]), hashes[k]);
                    if (present[k]) {
                        assert_non_null(v);
                        assert_int_equal(*v, values[k]);
                    } else
                        assert_null(v);
                }
        }
        um_table_free(&t);
    }
}

static void test_table_enomem(void **state)
{
    (void)state;
    if (!PBT_FAIL_INJECTION)
        return;
    um_table t;
    pbt_fail_at(0);
    assert_int_equal(um_table_init(&t), -1);
    pbt_fail_never();
    assert_int_equal(um_table_init(&t), 0);
    char key[16];
    for (int i = 0; i < 6; i++) {
        snprintf(key, sizeof key, "e%d", i);
        put(&t, key, um_hash(key, strlen(key)), 1);
    }
    um_table_prep p;
    for (long k = 0; k < 2; k++) {                /* the key copy, the array */
        size_t heap = heap_in_use();
        for (int rep = 0; rep < LEAK_REPS; rep++) {
            pbt_fail_at(k);
            assert_int_equal(um_table_prepare(&t, "e6", 2, &p), -1);
            pbt_fail_never();
        }
        assert_true(heap_in_use() < heap + LEAK_SLACK);
        assert_int_equal(t.cap, 8);
        assert_int_equal(t.count, 6);
    }
    size_t heap = heap_in_use();
    for (int rep = 0; rep < LEAK_REPS; rep++) {
        assert_int_equal(um_table_prepare(&t, "e6", 2, &p), 0);
        assert_non_null(p.slots);
        um_table_abandon(&p);
    }
    assert_true(heap_in_use() < heap + LEAK_SLACK);
    check_table(&t);
    /* a shrink that cannot allocate keeps the table */
    for (int i = 6; i < 40; i++) {
        snprintf(key, sizeof key, "e%d", i);
        put(&t, key, um_hash(key, strlen(key)), 1);
    }
    for (int i = 0; i < 37; i++) {
        snprintf(key, sizeof key, "e%d", i);
        um_table_delete(&t, key, strlen(key), um_hash(key, strlen(key)));
    }
    assert_int_equal(t.cap, 64);
    pbt_fail_at(0);
    assert_int_equal(um_table_shrink(&t), -1);
    pbt_fail_never();
    assert_int_equal(t.cap, 64);
    check_table(&t);
    assert_int_equal(um_table_shrink(&t), 0);
    assert_int_equal(t.cap, 8);
    check_table(&t);
    um_table_free(&t);
}

/* The hash: every byte counts, at every length up to UM_TASK_MAX, and 0
 * never comes out. */
static void test_hash(void **state)
{
    (void)state;
    char a[UM_TASK_MAX + 1];
    for (size_t len = 1; len <= UM_TASK_MAX; len++) {
        memset(a, 'q', len);
        a[len] = '\0';
        uint64_t h = um_hash(a, len);
        assert_true(h != 0);
        for (size_t i = 0; i < len; i++) {
            a[i] = 'r';
            assert_true(um_hash(a, len) != h);
            a[i] = 'q';
        }
        if (len > 1)
            assert_true(um_hash(a, len - 1) != h);
    }
}

/* A failed assertion leaves the test with a failure armed: disarm it
 * before anything else allocates. */
static int disarm(void **state)
{
    (void)state;
    pbt_fail_never();
    return 0;
}

int main(void)
{
    const struct CMUnitTest each[] = {
        cmocka_unit_test_teardown(test_create, disarm),
        cmocka_unit_test_teardown(test_einval, disarm),
        cmocka_unit_test_teardown(test_retries_to_give_up, disarm),
        cmocka_unit_test_teardown(test_complete, disarm),
        cmocka_unit_test_teardown(test_one_attempt, disarm),
        cmocka_unit_test_teardown(test_ids, disarm),
        cmocka_unit_test_teardown(test_burst, disarm),
        cmocka_unit_test_teardown(test_assign_enomem, disarm),
        cmocka_unit_test_teardown(test_remove_enomem, disarm),
    };
    const struct CMUnitTest table[] = {
        cmocka_unit_test_teardown(test_table_grow, disarm),
        cmocka_unit_test_teardown(test_table_shrink, disarm),
        cmocka_unit_test_teardown(test_table_churn, disarm),
        cmocka_unit_test_teardown(test_table_enomem, disarm),
        cmocka_unit_test_teardown(test_hash, disarm),
    };
    int failed = PBT_RUN_BOTH("unbounded_map", each, &unbounded_map_naive,
                              &unbounded_map_optimized);
    failed += cmocka_run_group_tests_name("unbounded_map table", table, NULL, NULL);
    return failed ? 1 : 0;
}
