/*
 * Unit tests of string_intern, run once against every implementation
 * (naive, optimized, the GLib peer: one cmocka group per ops table; the
 * group setup puts the ops table in the test state), plus the
 * canonical-pointer property of the two interning stores (optimized, GLib).
 * No test injects allocation failures: the GLib peer could not take part
 * (g_malloc aborts the process, as the header says).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/string_intern.h"
#include "pb_test.h"

static const string_intern_ops *ops_of(void **state)
{
    return (const string_intern_ops *)*state;
}

static msg_view view_of(const string_intern_ops *o, const msg_store *s, size_t i)
{
    msg_view v;
    memset(&v, 0, sizeof v);
    assert_int_equal(msg_store_get(o, s, i, &v), 0);
    return v;
}

static void test_name(void **state)
{
    const string_intern_ops *o = ops_of(state);
    assert_true(strcmp(o->name, "naive") == 0 || strcmp(o->name, "optimized") == 0 ||
                strcmp(o->name, "glib") == 0);
}

static void test_empty(void **state)
{
    const string_intern_ops *o = ops_of(state);
    msg_store_destroy(o, NULL);
    msg_store *s = msg_store_create(o);
    assert_non_null(s);
    assert_int_equal(msg_store_count(o, s), 0);
    msg_view v = { "x", "y", 5 };
    assert_int_equal(msg_store_get(o, s, 0, &v), -1);
    assert_string_equal(v.queue, "x");                  /* untouched */
    assert_int_equal(msg_store_same_queue(o, s, 0, 0), -1);
    assert_int_equal(msg_store_same_task(o, s, 0, 0), -1);
    assert_int_equal(msg_store_count_for_queue(o, s, "default"), 0);
    assert_int_equal(msg_store_count_for_queue(o, s, NULL), 0);
    msg_store_destroy(o, s);
}

static void test_add_and_read_back(void **state)
{
    const string_intern_ops *o = ops_of(state);
    msg_store *s = msg_store_create(o);
    assert_int_equal(msg_store_add(o, s, "default", "task-1", 1), 0);
    assert_int_equal(msg_store_add(o, s, "priority", "task-2", 2), 1);
    assert_int_equal(msg_store_add(o, s, "default", "task-1", -3), 2);
    assert_int_equal(msg_store_count(o, s), 3);
    msg_view v = view_of(o, s, 2);
    assert_string_equal(v.queue, "default");
    assert_string_equal(v.task_id, "task-1");
    assert_int_equal(v.kind, -3);
    v = view_of(o, s, 1);
    assert_string_equal(v.queue, "priority");
    assert_string_equal(v.task_id, "task-2");
    assert_int_equal(v.kind, 2);
    assert_int_equal(msg_store_get(o, s, 3, &v), -1);
    assert_int_equal(msg_store_get(o, s, 0, NULL), -1);
    assert_int_equal(msg_store_same_queue(o, s, 0, 2), 1);
    assert_int_equal(msg_store_same_queue(o, s, 0, 1), 0);
    assert_int_equal(msg_store_same_queue(o, s, 1, 1), 1);
    assert_int_equal(msg_store_same_task(o, s, 2, 0), 1);
    assert_int_equal(msg_store_same_task(o, s, 2, 1), 0);
    assert_int_equal(msg_store_same_queue(o, s, 0, 3), -1);
    assert_int_equal(msg_store_same_task(o, s, SIZE_MAX, 0), -1);
    assert_int_equal(msg_store_count_for_queue(o, s, "default"), 2);
    assert_int_equal(msg_store_count_for_queue(o, s, "priority"), 1);
    assert_int_equal(msg_store_count_for_queue(o, s, "task-1"), 0);   /* a task id, not a queue */
    msg_store_destroy(o, s);
}

static void test_null_arguments_change_nothing(void **state)
{
    const string_intern_ops *o = ops_of(state);
    msg_store *s = msg_store_create(o);
    assert_int_equal(msg_store_add(o, s, "q", "t", 0), 0);
    assert_true(msg_store_add(o, s, NULL, "t", 0) == MSG_STORE_ERR);
    assert_true(msg_store_add(o, s, "q", NULL, 0) == MSG_STORE_ERR);
    assert_int_equal(msg_store_count(o, s), 1);
    assert_int_equal(msg_store_count_for_queue(o, s, "q"), 1);
    msg_store_destroy(o, s);
}

/* Names that differ by one byte, a prefix, case, trailing space, or are
 * empty, are all different; the same bytes are the same. */
static void test_near_duplicates(void **state)
{
    const string_intern_ops *o = ops_of(state);
    static const char *const names[] = { "q1", "q10", "q1 ", "Q1", "q", "", "q1\t", "q2" };
    const size_t k = sizeof names / sizeof *names;
    msg_store *s = msg_store_create(o);
    for (size_t r = 0; r < 3; r++)
        for (size_t i = 0; i < k; i++)
            assert_int_equal(msg_store_add(o, s, names[i], names[k - 1 - i], (int32_t)i), r * k + i);
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(msg_store_count_for_queue(o, s, names[i]), 3);
        for (size_t j = 0; j < k; j++) {
            assert_int_equal(msg_store_same_queue(o, s, i, k + j), i == j);
            assert_int_equal(msg_store_same_task(o, s, 2 * k + i, j), i == j);
        }
        msg_view v = view_of(o, s, k + i);
        assert_string_equal(v.queue, names[i]);
        assert_string_equal(v.task_id, names[k - 1 - i]);
    }
    assert_int_equal(msg_store_count_for_queue(o, s, "q100"), 0);
    msg_store_destroy(o, s);
}

/* The store keeps its own copy: the caller's buffer may change after add. */
static void test_copies_input(void **state)
{
    const string_intern_ops *o = ops_of(state);
    msg_store *s = msg_store_create(o);
    char q[16], t[16];
    strcpy(q, "emails");
    strcpy(t, "task-9");
    assert_int_equal(msg_store_add(o, s, q, t, 0), 0);
    strcpy(q, "sms");
    strcpy(t, "task-0");
    msg_view v = view_of(o, s, 0);
    assert_string_equal(v.queue, "emails");
    assert_string_equal(v.task_id, "task-9");
    assert_int_equal(msg_store_count_for_queue(o, s, "emails"), 1);
    assert_int_equal(msg_store_count_for_queue(o, s, "sms"), 0);
    msg_store_destroy(o, s);
}

/* Long strings (beyond an arena chunk) and many adds: every read-back
 * pointer taken early stays valid and unchanged. */
static void test_long_strings_and_stability(void **state)
{
    const string_intern_ops *o = ops_of(state);
    msg_store *s = msg_store_create(o);
    size_t big = 40000;
    char *longq = malloc(big + 1);
    assert_non_null(longq);
    for (size_t i = 0; i < big; i++)
        longq[i] = (char)('a' + i % 26);
    longq[big] = '\0';
    assert_int_equal(msg_store_add(o, s, longq, "t0", 0), 0);
    msg_view first = view_of(o, s, 0);
    char q[32], t[32];
    for (size_t i = 1; i < 20000; i++) {
        snprintf(q, sizeof q, "queue-%zu", i % 37);
        snprintf(t, sizeof t, "task-%zu", i);
        assert_int_equal(msg_store_add(o, s, q, t, (int32_t)i), i);
    }
    assert_int_equal(msg_store_add(o, s, longq, "t0", 1), 20000);
    assert_true(strcmp(first.queue, longq) == 0);
    assert_string_equal(first.task_id, "t0");
    assert_int_equal(msg_store_same_queue(o, s, 0, 20000), 1);
    assert_int_equal(msg_store_same_task(o, s, 0, 20000), 1);
    assert_int_equal(msg_store_count_for_queue(o, s, longq), 2);
    longq[big - 1] = 'Z';
    assert_int_equal(msg_store_count_for_queue(o, s, longq), 0);
    size_t total = 0;
    for (size_t k = 0; k < 37; k++) {
        snprintf(q, sizeof q, "queue-%zu", k);
        total += msg_store_count_for_queue(o, s, q);
    }
    assert_int_equal(total, 19999);
    msg_view v = view_of(o, s, 12345);
    assert_string_equal(v.queue, "queue-24");
    assert_string_equal(v.task_id, "task-12345");
    free(longq);
    msg_store_destroy(o, s);
}

/* The interning stores' contract beyond the common one: one canonical copy
 * per distinct string, shared by both roles. */
static void test_canonical_pointers(void **state)
{
    const string_intern_ops *o = ops_of(state);
    msg_store *s = msg_store_create(o);
    char buf[16];
    strcpy(buf, "shared");
    msg_store_add(o, s, buf, "t-1", 0);
    msg_store_add(o, s, "other", buf, 0);
    msg_store_add(o, s, "shared", "t-1", 0);
    msg_view a = view_of(o, s, 0), b = view_of(o, s, 1), c = view_of(o, s, 2);
    assert_ptr_equal(a.queue, b.task_id);
    assert_ptr_equal(a.queue, c.queue);
    assert_ptr_equal(a.task_id, c.task_id);
    assert_ptr_not_equal(a.queue, b.queue);
    assert_ptr_not_equal(a.queue, buf);
    msg_store_destroy(o, s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_add_and_read_back),
        cmocka_unit_test(test_null_arguments_change_nothing),
        cmocka_unit_test(test_near_duplicates),
        cmocka_unit_test(test_copies_input),
        cmocka_unit_test(test_long_strings_and_stability),
    };
    const struct CMUnitTest canonical[] = {
        cmocka_unit_test(test_canonical_pointers),
    };
    const pbt_table every[] = {
        { "naive", &string_intern_naive },
        { "optimized", &string_intern_optimized },
        { "glib", &string_intern_glib },
    };
    const pbt_table interning[] = {
        { "optimized, canonical pointers", &string_intern_optimized },
        { "glib, canonical pointers", &string_intern_glib },
    };
    int failed = pbt_run_tables("string_intern", tests, PBT_ARRAY_LEN(tests),
                                every, PBT_ARRAY_LEN(every));
    failed += pbt_run_tables("string_intern", canonical, PBT_ARRAY_LEN(canonical),
                             interning, PBT_ARRAY_LEN(interning));
    return failed != 0;
}
