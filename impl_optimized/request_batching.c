/*
 * request_batching, optimized: group commit. Callers queue their label; a
 * caller that finds no round trip in flight becomes the leader, takes up
 * to RB_BATCH_MAX queued labels (its own among them, or it leads again),
 * sends them as one request and hands each reply to its caller. Labels
 * queued during a round trip go in the next, so a lone caller pays one
 * round trip per label, like the naive one, and k callers about 1/k.
 * O(1) per label besides the wire; nothing allocated per call.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../impl_shared/request_batching_wire.h"

#define QUEUE_MAX 1024

typedef struct waiter {
    const char *label;
    char       *value;
    int         rc, done;
} waiter;

struct rb_client {
    rbw_conn        c;
    pthread_mutex_t lock;
    pthread_cond_t  changed;     /* a round trip ended, or room in the queue */
    waiter         *queue[QUEUE_MAX];
    size_t          queued;
    int             busy, broken;
};

static int open_optimized(uint16_t port, const rb_options *opt, rb_client **out)
{
    if (!out)
        return RB_EINVAL;
    *out = NULL;
    rb_client *k = calloc(1, sizeof *k);
    if (!k)
        return RB_ENOMEM;
    int rc = rbw_connect(&k->c, port, opt);
    if (rc != RB_OK) {
        free(k);
        return rc;
    }
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->changed, NULL);
    *out = k;
    return RB_OK;
}

static void close_optimized(rb_client *k)
{
    if (!k)
        return;
    rbw_close(&k->c);
    pthread_cond_destroy(&k->changed);
    pthread_mutex_destroy(&k->lock);
    free(k);
}

/* Fails every queued caller (the client is broken). Under the lock. */
static void fail_queue(rb_client *k)
{
    for (size_t i = 0; i < k->queued; i++) {
        k->queue[i]->rc = RB_EIO;
        k->queue[i]->done = 1;
    }
    k->queued = 0;
}

/* One round trip for the first labels of the queue. Called with the lock
 * held and busy set; drops it for the I/O. */
static void lead(rb_client *k)
{
    waiter *batch[RB_BATCH_MAX];
    const char *labels[RB_BATCH_MAX];
    size_t n = k->queued < RB_BATCH_MAX ? k->queued : RB_BATCH_MAX;
    memcpy(batch, k->queue, n * sizeof *batch);
    memmove(k->queue, k->queue + n, (k->queued - n) * sizeof *k->queue);
    k->queued -= n;
    for (size_t i = 0; i < n; i++)
        labels[i] = batch[i]->label;
    pthread_mutex_unlock(&k->lock);
    rbw_item items[RB_BATCH_MAX];
    int rc = rbw_send(&k->c, labels, n);
    if (rc == RB_OK)
        rc = rbw_recv(&k->c, n, items);
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < n; i++) {
        batch[i]->rc = rc == RB_OK ? items[i].rc : RB_EIO;
        if (rc == RB_OK)
            memcpy(batch[i]->value, items[i].value, sizeof items[i].value);
        batch[i]->done = 1;
    }
    if (rc != RB_OK) {
        k->broken = 1;
        fail_queue(k);
    }
}

static int get_optimized(rb_client *k, const char *label, char *value)
{
    if (!k || !value || rbw_label_ok(label) != RB_OK)
        return RB_EINVAL;
    waiter w = { .label = label, .value = value };
    pthread_mutex_lock(&k->lock);
    while (!k->broken && k->queued == QUEUE_MAX)
        pthread_cond_wait(&k->changed, &k->lock);
    if (k->broken) {
        pthread_mutex_unlock(&k->lock);
        return RB_EIO;
    }
    k->queue[k->queued++] = &w;
    while (!w.done) {
        if (!k->busy) {
            k->busy = 1;
            lead(k);
            k->busy = 0;
            pthread_cond_broadcast(&k->changed);
        } else {
            pthread_cond_wait(&k->changed, &k->lock);
        }
    }
    pthread_mutex_unlock(&k->lock);
    return w.rc;
}

const request_batching_ops request_batching_optimized = {
    .name = "optimized",
    .open = open_optimized,
    .close = close_optimized,
    .get = get_optimized,
};
