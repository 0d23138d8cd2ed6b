/*
 * Unit tests of object_pool, run once against every implementation (one
 * cmocka group per ops table; the group setup puts the ops table in the test
 * state), plus tests of the optimized pool's reuse policy (hits, capacity,
 * LIFO reuse) that only it has.
 */
#include <string.h>

#include "pairbench/object_pool.h"
#include "pb_test.h"

_Static_assert(sizeof(exec_ctx) == 336, "exec_ctx is 336 bytes without padding");

/* ---- helpers -------------------------------------------------------------- */

static const object_pool_ops *ops_of(void **state)
{
    return (const object_pool_ops *)*state;
}

/* The initial state of the context with acquire number id. */
static exec_ctx fresh(uint64_t id)
{
    exec_ctx c;
    memset(&c, 0, sizeof c);
    c.id = id;
    return c;
}

static void assert_fresh(const exec_ctx *c, uint64_t id)
{
    exec_ctx want = fresh(id);
    assert_non_null(c);
    assert_memory_equal(c, &want, sizeof want);
}

/* Writes every field and every byte of the buffers, as a task run would
 * (and worse: no byte left at zero). */
static void dirty(exec_ctx *c, unsigned char fill)
{
    uint64_t id = c->id;
    memset(c, fill, sizeof *c);
    c->id = id;
    c->task_id = 77;
    c->n_tags = EXEC_CTX_TAGS_MAX;
    strcpy(c->name, "render-thumbnails");
    strcpy(c->tags[0], "queue:media");
}

static object_pool_stats stats_of(const object_pool_ops *o, const object_pool *p)
{
    object_pool_stats s;
    memset(&s, 0xee, sizeof s);
    object_pool_get_stats(o, p, &s);
    return s;
}

static void assert_stats_consistent(const object_pool_ops *o, const object_pool *p)
{
    object_pool_stats s = stats_of(o, p);
    assert_true(s.in_use == s.acquires - s.releases);
    assert_true(s.hits + s.misses == s.acquires);
    assert_true(s.idle <= s.capacity);
}

/* ---- tests of both implementations ---------------------------------------- */

static void test_name(void **state)
{
    const object_pool_ops *o = ops_of(state);
    assert_true(strcmp(o->name, "naive") == 0 || strcmp(o->name, "optimized") == 0);
}

static void test_create_destroy(void **state)
{
    const object_pool_ops *o = ops_of(state);
    object_pool_destroy(o, NULL);
    for (size_t cap = 0; cap < 4; cap++) {
        object_pool *p = object_pool_create(o, cap);
        assert_non_null(p);
        object_pool_stats s = stats_of(o, p);
        assert_true(s.acquires == 0 && s.releases == 0 && s.in_use == 0);
        assert_true(s.hits == 0 && s.misses == 0 && s.idle == 0);
        assert_true(s.capacity == cap);
        object_pool_destroy(o, p);
    }
}

static void test_initial_state_and_ids(void **state)
{
    const object_pool_ops *o = ops_of(state);
    object_pool *p = object_pool_create(o, 8);
    exec_ctx *c[5];
    for (unsigned i = 0; i < 5; i++) {
        c[i] = object_pool_acquire(o, p);
        assert_fresh(c[i], i + 1);
    }
    for (unsigned i = 0; i < 5; i++)
        for (unsigned j = i + 1; j < 5; j++)
            assert_ptr_not_equal(c[i], c[j]);
    object_pool_stats s = stats_of(o, p);
    assert_true(s.acquires == 5 && s.in_use == 5 && s.releases == 0);
    for (unsigned i = 0; i < 5; i++)
        object_pool_release(o, p, c[i]);
    s = stats_of(o, p);
    assert_true(s.releases == 5 && s.in_use == 0);
    assert_stats_consistent(o, p);
    object_pool_destroy(o, p);
}

/* A context written all over and released comes back as a fresh one. */
static void test_reused_is_fresh(void **state)
{
    const object_pool_ops *o = ops_of(state);
    object_pool *p = object_pool_create(o, 4);
    uint64_t id = 0;
    for (unsigned round = 0; round < 50; round++) {
        exec_ctx *a = object_pool_acquire(o, p);
        exec_ctx *b = object_pool_acquire(o, p);
        assert_fresh(a, ++id);
        assert_fresh(b, ++id);
        dirty(a, (unsigned char)(0xa0 + round));
        dirty(b, 0xff);
        object_pool_release(o, p, b);
        object_pool_release(o, p, a);
    }
    assert_stats_consistent(o, p);
    object_pool_destroy(o, p);
}

static void test_release_null(void **state)
{
    const object_pool_ops *o = ops_of(state);
    object_pool *p = object_pool_create(o, 2);
    object_pool_release(o, p, NULL);
    object_pool_stats s = stats_of(o, p);
    assert_true(s.releases == 0 && s.in_use == 0);
    object_pool_destroy(o, p);
}

/* Capacity 0 keeps nothing; contexts still come back fresh. */
static void test_capacity_zero(void **state)
{
    const object_pool_ops *o = ops_of(state);
    object_pool *p = object_pool_create(o, 0);
    for (unsigned i = 0; i < 20; i++) {
        exec_ctx *c = object_pool_acquire(o, p);
        assert_fresh(c, i + 1);
        dirty(c, 0x5a);
        object_pool_release(o, p, c);
        object_pool_stats s = stats_of(o, p);
        assert_true(s.idle == 0 && s.hits == 0 && s.misses == i + 1);
    }
    object_pool_destroy(o, p);
}

/* Destroy frees idle contexts (LeakSanitizer checks) after many in flight. */
static void test_destroy_with_idle(void **state)
{
    const object_pool_ops *o = ops_of(state);
    object_pool *p = object_pool_create(o, 1000);
    exec_ctx *c[300];
    for (unsigned i = 0; i < 300; i++)
        c[i] = object_pool_acquire(o, p);
    for (unsigned i = 0; i < 300; i++)
        object_pool_release(o, p, c[299 - i]);
    assert_stats_consistent(o, p);
    object_pool_destroy(o, p);
}

/* ---- the reuse policy -------------------------------------------------------- */

static void test_naive_never_reuses(void **state)
{
    (void)state;
    const object_pool_ops *o = &object_pool_naive;
    object_pool *p = object_pool_create(o, 16);
    for (unsigned i = 0; i < 10; i++)
        object_pool_release(o, p, object_pool_acquire(o, p));
    object_pool_stats s = stats_of(o, p);
    assert_true(s.hits == 0 && s.misses == 10 && s.idle == 0 && s.capacity == 16);
    object_pool_destroy(o, p);
}

/* Hits, LIFO reuse and the capacity bound of the optimized pool. */
static void test_optimized_policy(void **state)
{
    (void)state;
    const object_pool_ops *o = &object_pool_optimized;
    object_pool *p = object_pool_create(o, 2);
    exec_ctx *c[5];
    for (unsigned i = 0; i < 5; i++)
        c[i] = object_pool_acquire(o, p);
    object_pool_stats s = stats_of(o, p);
    assert_true(s.misses == 5 && s.hits == 0);
    for (unsigned i = 0; i < 5; i++)
        object_pool_release(o, p, c[i]);    /* c[0], c[1] kept; c[2..4] freed */
    s = stats_of(o, p);
    assert_true(s.idle == 2 && s.in_use == 0);

    exec_ctx *x = object_pool_acquire(o, p);
    exec_ctx *y = object_pool_acquire(o, p);
    exec_ctx *z = object_pool_acquire(o, p);
    assert_ptr_equal(x, c[1]);              /* LIFO: last kept first */
    assert_ptr_equal(y, c[0]);
    assert_fresh(x, 6);
    assert_fresh(y, 7);
    assert_fresh(z, 8);
    s = stats_of(o, p);
    assert_true(s.hits == 2 && s.misses == 6 && s.idle == 0 && s.in_use == 3);

    dirty(x, 0x11);
    object_pool_release(o, p, x);
    exec_ctx *w = object_pool_acquire(o, p);
    assert_ptr_equal(w, x);                 /* the same memory, reset */
    assert_fresh(w, 9);
    object_pool_release(o, p, w);
    object_pool_release(o, p, y);
    object_pool_release(o, p, z);           /* over capacity: freed */
    s = stats_of(o, p);
    assert_true(s.idle == 2 && s.hits == 3 && s.releases == 9);
    assert_stats_consistent(o, p);
    object_pool_destroy(o, p);
}

/* Steady state: with N held in rotation, every acquire after warm-up is a hit. */
static void test_optimized_steady_state_hits(void **state)
{
    (void)state;
    const object_pool_ops *o = &object_pool_optimized;
    object_pool *p = object_pool_create(o, 4);
    exec_ctx *held[16];
    for (unsigned i = 0; i < 16; i++)
        held[i] = object_pool_acquire(o, p);
    for (unsigned k = 0; k < 1000; k++) {
        object_pool_release(o, p, held[k % 16]);
        held[k % 16] = object_pool_acquire(o, p);
        assert_fresh(held[k % 16], 17 + k);
    }
    object_pool_stats s = stats_of(o, p);
    assert_true(s.misses == 16 && s.hits == 1000);
    for (unsigned i = 0; i < 16; i++)
        object_pool_release(o, p, held[i]);
    object_pool_destroy(o, p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_create_destroy),
        cmocka_unit_test(test_initial_state_and_ids),
        cmocka_unit_test(test_reused_is_fresh),
        cmocka_unit_test(test_release_null),
        cmocka_unit_test(test_capacity_zero),
        cmocka_unit_test(test_destroy_with_idle),
    };
    const struct CMUnitTest policy[] = {
        cmocka_unit_test(test_naive_never_reuses),
        cmocka_unit_test(test_optimized_policy),
        cmocka_unit_test(test_optimized_steady_state_hits),
    };
    int failed = PBT_RUN_BOTH("object_pool", tests, &object_pool_naive, &object_pool_optimized);
    failed += cmocka_run_group_tests_name("object_pool reuse policy", policy, NULL, NULL);
    return failed != 0;
}
