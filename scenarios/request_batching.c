/*
 * request_batching scenarios (seed 003): written once against
 * request_batching_ops and run for every implementation.
 *
 * N is the number of callers: run() starts N threads (fewer when a batch
 * has fewer labels), which look up their share of the batch's labels one
 * after another, and joins them; the time per op is the wall time per
 * label. The label service (scenarios/util_label_server.h) runs on
 * 127.0.0.1 in a thread of the fixture, with the scenario's service
 * latency, started by set-up and stopped by teardown (and by itself after
 * 30 minutes or 100 million requests). Its own count of the round trips
 * it served is the `round_trips` counter (per label): the server's figure,
 * never the client's. The kernel probe counts sendto/recvfrom per label,
 * for the whole process: the service's thread too (one recv and one send
 * per round trip on its side, besides the client's two sends and a recv).
 *
 * Label i of a run is "release-<i mod 5000>", every 50th
 * "missing-<i>" (the service answers err:404: that caller alone fails);
 * every (i, code, value) is folded into a multiset digest, so `run`
 * checks both implementations answer every label with its own answer.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairbench/harness.h"
#include "pairbench/request_batching.h"
#include "scenarios.h"
#include "util.h"
#include "util_label_server.h"

static const int64_t callers[] = { 1, 2, 8, 32, 0 };
/* Without TCP_NODELAY a label costs a delayed ACK, some 40 ms: few callers. */
static const int64_t callers_nagle[] = { 1, 2, 0 };
static const char *const counters[] = { "round_trips", NULL };

typedef struct fixture {
    const request_batching_ops *ops;
    pb_label_server *server;
    rb_client       *client;
    int64_t          callers;
    int64_t          next;       /* the first label of the next run */
} fixture;

typedef struct worker {
    fixture  *f;
    int64_t   first, count, stride;
    uint64_t  digest;
    pthread_t tid;
} worker;

static void fixture_free(void *fp)
{
    fixture *f = fp;
    if (!f)
        return;
    f->ops->close(f->client);
    pb_label_server_stop(f->server);
    free(f);
}

static void *setup_with(const void *ops, int64_t n, pb_ctx *ctx, int latency_us, int nodelay)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->callers = n;
    uint16_t port;
    if (pb_label_server_start(&f->server, latency_us, 100000000, 1800, &port) != 0) {
        pb_setup_failed(ctx, "cannot start the label service on 127.0.0.1");
        free(f);
        return NULL;
    }
    rb_options opt = { .nodelay = nodelay };
    if (f->ops->open(port, &opt, &f->client) != RB_OK) {
        pb_setup_failed(ctx, "cannot connect: %s", rb_open_error());
        pb_label_server_stop(f->server);
        free(f);
        return NULL;
    }
    pb_heap_baseline(ctx);
    return f;
}

static void *setup_lat0(const void *o, int64_t n, uint64_t s, pb_ctx *c)
{
    (void)s;
    return setup_with(o, n, c, 0, 1);
}
static void *setup_lat100us(const void *o, int64_t n, uint64_t s, pb_ctx *c)
{
    (void)s;
    return setup_with(o, n, c, 100, 1);
}
static void *setup_lat1ms(const void *o, int64_t n, uint64_t s, pb_ctx *c)
{
    (void)s;
    return setup_with(o, n, c, 1000, 1);
}
static void *setup_nagle(const void *o, int64_t n, uint64_t s, pb_ctx *c)
{
    (void)s;
    return setup_with(o, n, c, 100, 0);
}

static void *work(void *arg)
{
    worker *w = arg;
    for (int64_t k = 0; k < w->count; k++) {
        int64_t i = w->first + k * w->stride;
        char label[RB_LABEL_MAX], value[RB_VALUE_MAX];
        if (i % 50 == 49)
            snprintf(label, sizeof label, "missing-%lld", (long long)i);
        else
            snprintf(label, sizeof label, "release-%lld", (long long)(i % 5000));
        int rc = w->f->ops->get(w->f->client, label, value);
        uint64_t v = pb_digest(pb_digest((uint64_t)i, (uint64_t)rc), 0);
        if (rc == RB_OK)
            for (const char *s = value; *s; s++)
                v = pb_digest(v, (unsigned char)*s);
        w->digest = pb_digest_add(w->digest, v);
    }
    return NULL;
}

/* ops labels over the callers; the server's round trips counted. */
static uint64_t run_lookups(void *fp, int64_t ops, pb_ctx *ctx)
{
    fixture *f = fp;
    worker w[32];
    int64_t k = f->callers < ops ? f->callers : ops;
    if (k > 32)
        k = 32;
    uint64_t before = pb_label_server_round_trips(f->server);
    for (int64_t t = 0; t < k; t++) {
        w[t] = (worker){ .f = f, .first = f->next + t, .stride = k,
                         .count = ops / k + (t < ops % k ? 1 : 0) };
        if (t > 0 && pthread_create(&w[t].tid, NULL, work, &w[t]) != 0)
            w[t].stride = -1;        /* no thread: this caller's share runs below */
    }
    work(&w[0]);
    uint64_t d = w[0].digest;
    for (int64_t t = 1; t < k; t++) {
        if (w[t].stride == -1) {
            w[t].stride = k;
            work(&w[t]);
        } else {
            pthread_join(w[t].tid, NULL);
        }
        d += w[t].digest;
    }
    f->next += ops;
    pb_count(ctx, 0, (double)(pb_label_server_round_trips(f->server) - before));
    return d;
}

static int64_t batch_lookups(int64_t n) { return 4 * n; }
static int64_t batch_nagle(int64_t n) { return 2 * n; }

#define LOOKUP_AT(nm, desc, s, sz, b)                                             \
    { .name = nm, .description = desc, .sizes = sz, .counters = counters,        \
      .batch = b, .probes = PB_PROBE_NET, .setup = s,                \
      .run = run_lookups, .teardown = fixture_free, .verify = PB_VERIFY_MULTISET, \
      .timing_dependent = 1 }
#define LOOKUP(nm, desc, s) LOOKUP_AT(nm, desc, s, callers, batch_lookups)

static const pb_scenario scenarios[] = {
    LOOKUP("lat0", "N callers look up labels on a loopback service that answers at"
           " once (TCP_NODELAY)", setup_lat0),
    LOOKUP("lat100us", "the same, the service answering 100 us after a request arrives",
           setup_lat100us),
    LOOKUP("lat1ms", "the same, the service answering 1 ms after a request arrives",
           setup_lat1ms),
    LOOKUP_AT("lat100us_nagle", "100 us service, without TCP_NODELAY: a request's second"
              " send waits for the first one's ACK (Nagle against delayed ACKs)",
              setup_nagle, callers_nagle, batch_nagle),
};

static const pb_impl impls[] = {
    { .name = "naive", .ops = &request_batching_naive,
      .source = "impl_naive/request_batching.c" },
    { .name = "optimized", .ops = &request_batching_optimized,
      .source = "impl_optimized/request_batching.c" },
};

/* Claim C-11 of seed 003, its batching half ("API calls reduced by > 50%
 * through caching and batching"; the caching half is lru_ttl_cache's):
 * round trips per label, counted by the service, more than 50% fewer with
 * 2 callers or more, at 100 us and 1 ms of service time. With one caller
 * there is nothing to batch, and the report shows that too. */
#define SEED_003 "003_799732fb8bb6956f.txt"
static const int64_t two_up[] = { 2, 8, 32, 0 };
static const pb_claim claims[] = {
    { .id = "C-11", .seed = SEED_003,
      .words = "API calls reduced by > 50% through caching and batching",
      .metric_text = "round trips per label, counted by the service, naive vs optimized,"
                     " 2 to 32 callers, 100 us and 1 ms service time (the batching half)",
      .kind = PB_CLAIM_REDUCTION, .metric = PB_METRIC_COUNTER, .counter = "round_trips",
      .scenarios = "lat100us lat1ms", .sizes = two_up, .threshold = 0.5 },
};

const pb_component pb_component_request_batching = {
    .name = "request_batching",
    .summary = "one round trip per label vs labels coalesced while a round trip is in"
               " flight (group commit), on a loopback TCP service",
    .impls = impls, .n_impls = PB_ARRAY_LEN(impls),
    .scenarios = scenarios, .n_scenarios = PB_ARRAY_LEN(scenarios),
    .claims = claims, .n_claims = PB_ARRAY_LEN(claims),
};
