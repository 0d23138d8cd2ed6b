/*
 * request_batching tests, against each implementation, on the real label
 * service (scenarios/util_label_server.c) on 127.0.0.1: every label gets
 * its own answer (the service's value, or RB_ENOTFOUND for a label it
 * does not know, failing that caller alone) from one caller and from 16
 * callers at once (a specification check: the naive one is not the
 * oracle of a concurrent run, the service is), with the service's own
 * count of round trips (the naive one: one per label; the optimized one:
 * never more), and one interleaving made on purpose, where the
 * optimized one must coalesce 7 late labels into one round trip; bad labels; the service gone (RB_EIO for every caller, and
 * for every later call, no caller left waiting); a port nobody listens
 * on; and no thread or descriptor left behind by the client or the
 * service. Also run under ThreadSanitizer.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairbench/request_batching.h"
#include "../scenarios/util_label_server.h"
#include "pb_test.h"

static int count_dir(const char *path)
{
    DIR *d = opendir(path);
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void test_single(void **state)
{
    const request_batching_ops *ops = *state;
    pb_label_server *s;
    uint16_t port;
    assert_int_equal(pb_label_server_start(&s, 0, 1000000, 60, &port), 0);
    rb_options opt = { .nodelay = 1 };
    rb_client *c;
    assert_int_equal(ops->open(port, &opt, &c), RB_OK);
    char v[RB_VALUE_MAX], want[RB_VALUE_MAX];
    assert_int_equal(ops->get(c, "release-1", v), RB_OK);
    pb_label_value("release-1", want, sizeof want);
    assert_string_equal(v, want);
    assert_int_equal(ops->get(c, "missing-7", v), RB_ENOTFOUND);
    assert_int_equal(ops->get(c, "release-2", v), RB_OK);     /* still fine */
    char longl[RB_LABEL_MAX + 1];
    memset(longl, 'a', RB_LABEL_MAX);
    longl[RB_LABEL_MAX] = '\0';
    assert_int_equal(ops->get(c, longl, v), RB_EINVAL);
    assert_int_equal(ops->get(c, "", v), RB_EINVAL);
    assert_int_equal(ops->get(c, "has space", v), RB_EINVAL);
    assert_int_equal(ops->get(c, "new\nline", v), RB_EINVAL);
    assert_int_equal(ops->get(c, NULL, v), RB_EINVAL);
    assert_int_equal(ops->get(c, "x", NULL), RB_EINVAL);
    assert_int_equal(ops->get(NULL, "x", v), RB_EINVAL);
    /* one caller alone: one round trip per label in both */
    assert_int_equal(pb_label_server_round_trips(s), 3);
    ops->close(c);
    ops->close(NULL);
    pb_label_server_stop(s);
}

typedef struct caller {
    const request_batching_ops *ops;
    rb_client *c;
    int        id, wrong, asked;
} caller;

static void *call(void *arg)
{
    caller *k = arg;
    pbt_rng r = { 0x1000 + (uint64_t)k->id };
    for (int i = 0; i < 300; i++) {
        char label[RB_LABEL_MAX], v[RB_VALUE_MAX], want[RB_VALUE_MAX];
        int missing = pbt_below(&r, 10) == 0;
        snprintf(label, sizeof label, "%s-%d-%llu", missing ? "missing" : "release", k->id,
                 (unsigned long long)pbt_below(&r, 1000));
        int rc = k->ops->get(k->c, label, v);
        pb_label_value(label, want, sizeof want);
        if (missing ? rc != RB_ENOTFOUND : rc != RB_OK || strcmp(v, want) != 0)
            k->wrong++;
        k->asked++;
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    const request_batching_ops *ops = *state;
    int tasks = count_dir("/proc/self/task"), fds = count_dir("/proc/self/fd");
    pb_label_server *s;
    uint16_t port;
    assert_int_equal(pb_label_server_start(&s, 200, 1000000, 60, &port), 0);
    rb_client *c;
    assert_int_equal(ops->open(port, &(rb_options){ .nodelay = 1 }, &c), RB_OK);
    caller k[16];
    pthread_t t[16];
    for (int i = 0; i < 16; i++) {
        k[i] = (caller){ .ops = ops, .c = c, .id = i };
        assert_int_equal(pthread_create(&t[i], NULL, call, &k[i]), 0);
    }
    int wrong = 0, asked = 0;
    for (int i = 0; i < 16; i++) {
        pthread_join(t[i], NULL);
        wrong += k[i].wrong;
        asked += k[i].asked;
    }
    assert_int_equal(wrong, 0);
    assert_int_equal(asked, 16 * 300);
    assert_int_equal(pb_label_server_labels(s), (uint64_t)asked);  /* each once */
    uint64_t trips = pb_label_server_round_trips(s);
    if (strcmp(ops->name, "naive") == 0)
        assert_int_equal(trips, (uint64_t)asked);
    else
        assert_true(trips <= (uint64_t)asked);
    print_message("    %s: %d labels from 16 callers in %llu round trips\n", ops->name, asked,
                  (unsigned long long)trips);
    ops->close(c);
    pb_label_server_stop(s);
    assert_int_equal(count_dir("/proc/self/task"), tasks);     /* no thread left */
    assert_int_equal(count_dir("/proc/self/fd"), fds);         /* no socket left */
}

static void *call_until_failure(void *arg)
{
    caller *k = arg;
    char v[RB_VALUE_MAX];
    for (int i = 0; i < 100000; i++) {
        int rc = k->ops->get(k->c, "release-9", v);
        if (rc == RB_EIO)
            return NULL;
        if (rc != RB_OK)
            k->wrong++;
    }
    k->wrong++;                          /* never saw the failure */
    return NULL;
}

/* The service goes away with callers waiting: every one gets RB_EIO. */
static void test_service_gone(void **state)
{
    const request_batching_ops *ops = *state;
    pb_label_server *s;
    uint16_t port;
    assert_int_equal(pb_label_server_start(&s, 100, 1000000, 60, &port), 0);
    rb_client *c;
    assert_int_equal(ops->open(port, &(rb_options){ .nodelay = 1 }, &c), RB_OK);
    caller k[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        k[i] = (caller){ .ops = ops, .c = c, .id = i };
        assert_int_equal(pthread_create(&t[i], NULL, call_until_failure, &k[i]), 0);
    }
    usleep(20000);
    pb_label_server_stop(s);                 /* closes every connection */
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(k[i].wrong, 0);
    }
    char v[RB_VALUE_MAX];
    assert_int_equal(ops->get(c, "release-1", v), RB_EIO);   /* broken for good */
    ops->close(c);
    /* nobody listening */
    assert_int_equal(pb_label_server_start(&s, 0, 10, 60, &port), 0);
    pb_label_server_stop(s);
    c = (rb_client *)1;
    assert_int_equal(ops->open(port, NULL, &c), RB_EIO);
    assert_null(c);
    assert_true(rb_open_error()[0] != '\0');
    assert_int_equal(ops->open(port, NULL, NULL), RB_EINVAL);
}

typedef struct late {
    const request_batching_ops *ops;
    rb_client *c;
    int        id, rc;
} late;

static void *call_once(void *arg)
{
    late *l = arg;
    char label[RB_LABEL_MAX], v[RB_VALUE_MAX];
    snprintf(label, sizeof label, "release-%d", l->id);
    l->rc = l->ops->get(l->c, label, v);
    return NULL;
}

/* What the pair is about, in an interleaving made on purpose: one caller's
 * round trip is in flight (a 300 ms service) when 7 more arrive. The naive
 * client makes 8 round trips; the optimized one 2 (the first, then the 7
 * together). The margins are 250 ms either way, wide enough for a
 * sanitizer build. */
static void test_coalesced(void **state)
{
    const request_batching_ops *ops = *state;
    pb_label_server *s;
    uint16_t port;
    assert_int_equal(pb_label_server_start(&s, 300000, 1000, 60, &port), 0);
    rb_client *c;
    assert_int_equal(ops->open(port, &(rb_options){ .nodelay = 1 }, &c), RB_OK);
    late l[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        l[i] = (late){ .ops = ops, .c = c, .id = i, .rc = -1 };
        assert_int_equal(pthread_create(&t[i], NULL, call_once, &l[i]), 0);
        if (i == 0)
            usleep(50000);                  /* the first one is in flight */
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(l[i].rc, RB_OK);
    }
    assert_int_equal(pb_label_server_labels(s), 8);
    assert_int_equal(pb_label_server_round_trips(s), strcmp(ops->name, "naive") ? 2 : 8);
    ops->close(c);
    pb_label_server_stop(s);
}

int main(void)
{
    const struct CMUnitTest each[] = {
        cmocka_unit_test(test_single),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_coalesced),
        cmocka_unit_test(test_service_gone),
    };
    return PBT_RUN_BOTH("request_batching", each, &request_batching_naive,
                        &request_batching_optimized) ? 1 : 0;
}
