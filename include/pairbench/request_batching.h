/*
 * request_batching: the release tool's label lookups of seed 003 ("calls
 * the API once per label", fixed by batching) against a real service on
 * a loopback TCP socket (127.0.0.1 only: scenarios/util_label_server.h),
 * called from several threads at once, as the tool's workers do.
 *
 *   request_batching_naive      one request and one reply per label: a
 *                               caller takes the connection, sends its
 *                               label, waits for the reply, gives the
 *                               connection back. Round trips = labels
 *   request_batching_optimized  coalesced: a caller that finds the
 *                               connection free sends its label at once;
 *                               labels that arrive while a round trip is
 *                               in flight wait and go together in the
 *                               next one, up to RB_BATCH_MAX labels (group
 *                               commit: the window is the round trip in
 *                               flight, so one caller alone waits no
 *                               longer than the naive one). Every caller
 *                               gets its own reply, or its own error
 * Both write a request as two send() calls (its header line, then its
 * labels), as an HTTP client writes headers then body: with
 * rb_options.nodelay 0 the second waits for the first's ACK (Nagle's
 * algorithm against the server's delayed ACK), which a scenario shows.
 *
 * get() is safe from any number of threads. Results: the same reply for
 * the same label in both (the server's); a label the service does not
 * know fails only its own caller, with RB_ENOTFOUND.
 *
 * Return codes: RB_OK; RB_EINVAL (NULL arguments, a label empty, of
 * RB_LABEL_MAX bytes or more, or with a byte outside [A-Za-z0-9._:-]);
 * RB_ENOTFOUND (the service answered err:404 for this label); RB_ENOMEM;
 * RB_EIO (the connection failed, the service closed it or answered
 * something malformed: every caller whose label was in that round trip
 * gets RB_EIO, and the client is then broken: every later get fails with
 * RB_EIO, close() is all that is left). open() fails with RB_EIO when
 * the service cannot be reached (rb_open_error() says why).
 */
#ifndef PAIRBENCH_REQUEST_BATCHING_H
#define PAIRBENCH_REQUEST_BATCHING_H

#include <stddef.h>
#include <stdint.h>

#define RB_LABEL_MAX 64
#define RB_VALUE_MAX 64
#define RB_BATCH_MAX 64

enum { RB_OK = 0, RB_EINVAL = 1, RB_ENOMEM = 2, RB_EIO = 3, RB_ENOTFOUND = 4 };

typedef struct rb_options {
    int nodelay;                 /* 1: TCP_NODELAY on the connection */
} rb_options;

typedef struct rb_client rb_client;      /* opaque */

typedef struct request_batching_ops {
    const char *name;                     /* "naive" | "optimized" */
    /* Connects to 127.0.0.1:port. RB_OK with *out, RB_EINVAL, RB_ENOMEM,
     * RB_EIO. */
    int  (*open)(uint16_t port, const rb_options *opt, rb_client **out);
    /* Closes the connection; no get() may be running. NULL: no-op. */
    void (*close)(rb_client *c);
    /* The value of label into value (RB_VALUE_MAX bytes, NUL-terminated). */
    int  (*get)(rb_client *c, const char *label, char *value);
} request_batching_ops;

extern const request_batching_ops request_batching_naive;
extern const request_batching_ops request_batching_optimized;

const char *rb_open_error(void);

#endif
