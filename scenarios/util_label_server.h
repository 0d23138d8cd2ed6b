/*
 * util_label_server: the label API of seed 003 emulated on a real loopback
 * TCP socket, for the request_batching scenarios and tests. One thread,
 * started and stopped by its owner, serves at most LS_MAX_CONNS
 * connections on 127.0.0.1 (an ephemeral port) and stops by itself after
 * max_requests requests or max_seconds, whichever comes first.
 *
 * The wire (impl_shared/request_batching_wire.h): a request is a line
 * "Q <n>\n" followed by a line of n labels separated by spaces; the reply
 * is one line "R <n>" and n items " ok:<value>" or " err:404" (a label
 * starting "missing"), then "\n". Each request is one round trip, answered
 * `latency_us` after it arrived (a timer, not a sleep: requests from
 * several connections are in flight together). The server counts the
 * round trips and labels it answered: the figures the scenarios report,
 * never the client's own.
 */
#ifndef PAIRBENCH_UTIL_LABEL_SERVER_H
#define PAIRBENCH_UTIL_LABEL_SERVER_H

#include <stdint.h>

#define LS_MAX_CONNS 64

typedef struct pb_label_server pb_label_server;

/* Starts the server thread: 0 with *out and *port, or -1 with errno. */
int  pb_label_server_start(pb_label_server **out, int latency_us, uint64_t max_requests,
                           int max_seconds, uint16_t *port);
/* Stops the thread, closes every socket, frees; NULL is a no-op. */
void pb_label_server_stop(pb_label_server *s);
/* Round trips (requests) and labels answered so far. */
uint64_t pb_label_server_round_trips(const pb_label_server *s);
uint64_t pb_label_server_labels(const pb_label_server *s);
/* The value the server gives a label (what a correct client returns). */
void pb_label_value(const char *label, char *buf, unsigned cap);

#endif
