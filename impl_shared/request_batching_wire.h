/*
 * request_batching_wire: the client side of the label service's wire
 * (scenarios/util_label_server.h), which both implementations share: the
 * connection, a request of n labels written as its two lines, and the
 * reply read and split into items.
 */
#ifndef PAIRBENCH_REQUEST_BATCHING_WIRE_H
#define PAIRBENCH_REQUEST_BATCHING_WIRE_H

#include <stddef.h>

#include "pairbench/request_batching.h"

typedef struct rbw_conn {
    int    fd;
    char   in[RB_BATCH_MAX * (RB_VALUE_MAX + 8) + 64];
    size_t len;                  /* bytes buffered in in[] */
} rbw_conn;

/* One item of a reply. */
typedef struct rbw_item {
    int  rc;                     /* RB_OK or RB_ENOTFOUND */
    char value[RB_VALUE_MAX];
} rbw_item;

/* Checks a label (RB_OK or RB_EINVAL). */
int  rbw_label_ok(const char *label);
/* Connects (TCP_NODELAY as opt says). RB_OK, RB_EINVAL, RB_EIO. */
int  rbw_connect(rbw_conn *c, uint16_t port, const rb_options *opt);
void rbw_close(rbw_conn *c);
/* Sends a request of n labels (1 <= n <= RB_BATCH_MAX): "Q n\n", then
 * the labels' line, two send() calls. RB_OK or RB_EIO. */
int  rbw_send(rbw_conn *c, const char *const *labels, size_t n);
/* Reads the reply of n items into items. RB_OK or RB_EIO. */
int  rbw_recv(rbw_conn *c, size_t n, rbw_item *items);
/* The message of the last failed rbw_connect in this thread. */
void rbw_set_open_error(const char *msg);

#endif
