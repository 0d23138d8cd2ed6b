/*
 * request_batching, naive: the API called once per label. A caller holds
 * the connection for one round trip (send its label, wait for the reply);
 * callers on other threads wait for it. One round trip, two send() and
 * one or more recv() per label.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../impl_shared/request_batching_wire.h"

struct rb_client {
    rbw_conn        c;
    pthread_mutex_t lock;
    int             broken;
};

static int open_naive(uint16_t port, const rb_options *opt, rb_client **out)
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
    *out = k;
    return RB_OK;
}

static void close_naive(rb_client *k)
{
    if (!k)
        return;
    rbw_close(&k->c);
    pthread_mutex_destroy(&k->lock);
    free(k);
}

static int get_naive(rb_client *k, const char *label, char *value)
{
    if (!k || !value || rbw_label_ok(label) != RB_OK)
        return RB_EINVAL;
    pthread_mutex_lock(&k->lock);
    int rc = k->broken ? RB_EIO : rbw_send(&k->c, &label, 1);
    rbw_item item;
    if (rc == RB_OK)
        rc = rbw_recv(&k->c, 1, &item);
    if (rc == RB_OK) {
        rc = item.rc;
        memcpy(value, item.value, sizeof item.value);
    } else {
        k->broken = 1;
    }
    pthread_mutex_unlock(&k->lock);
    return rc;
}

const request_batching_ops request_batching_naive = {
    .name = "naive",
    .open = open_naive,
    .close = close_naive,
    .get = get_naive,
};
