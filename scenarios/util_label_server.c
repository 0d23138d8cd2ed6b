/*
 * util_label_server: a loopback label API (see the header). One poll(2)
 * loop over the listening socket, the connections and a wake pipe; each
 * complete request is parsed, its reply built and queued on its
 * connection with a due time; poll's timeout is the earliest due reply.
 * O(labels) per request, no allocation per request beyond the
 * connection's buffers, which grow geometrically.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util_label_server.h"

#define MAX_REQ_BYTES (1 << 20)

typedef struct buf {
    char  *p;
    size_t len, cap;
} buf;

typedef struct pending {
    int64_t due_ns;
    size_t  end;                 /* reply bytes up to here are due then */
} pending;

typedef struct conn {
    int      fd;
    buf      in, out;            /* out: replies queued, sent from out_sent */
    size_t   out_sent;
    pending *due;
    size_t   n_due, cap_due, first_due;
} conn;

struct pb_label_server {
    pthread_t        thread;
    int              listen_fd, wake[2];
    int              latency_us, max_seconds;
    uint64_t         max_requests;
    atomic_uint_fast64_t round_trips, labels;
    conn             conns[LS_MAX_CONNS];
};

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

void pb_label_value(const char *label, char *out, unsigned cap)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = label; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    snprintf(out, cap, "v%llx", (unsigned long long)(h >> 40));
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->in.p);
    free(c->out.p);
    free(c->due);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* One complete request at the front of c->in: its reply queued. 1 done,
 * 0 incomplete, -1 malformed or out of memory (the connection closes). */
static int serve_one(pb_label_server *s, conn *c)
{
    char *nl = memchr(c->in.p, '\n', c->in.len);
    if (!nl)
        return c->in.len > 64 ? -1 : 0;
    unsigned long n;
    char *end;
    if (c->in.len < 2 || c->in.p[0] != 'Q' || c->in.p[1] != ' ')
        return -1;
    n = strtoul(c->in.p + 2, &end, 10);
    if (end != nl || n == 0 || n > 100000)
        return -1;
    char *body = nl + 1;
    char *bnl = memchr(body, '\n', c->in.len - (size_t)(body - c->in.p));
    if (!bnl)
        return c->in.len > MAX_REQ_BYTES ? -1 : 0;
    char head[32];
    int k = snprintf(head, sizeof head, "R %lu", n);
    if (buf_add(&c->out, head, (size_t)k) != 0)
        return -1;
    unsigned long got = 0;
    for (char *p = body; p < bnl && got < n; ) {
        char *sp = memchr(p, ' ', (size_t)(bnl - p));
        char *e = sp ? sp : bnl;
        char label[256], item[300];
        size_t len = (size_t)(e - p);
        if (len == 0 || len >= sizeof label)
            return -1;
        memcpy(label, p, len);
        label[len] = '\0';
        if (!strncmp(label, "missing", 7)) {
            k = snprintf(item, sizeof item, " err:404");
        } else {
            char v[64];
            pb_label_value(label, v, sizeof v);
            k = snprintf(item, sizeof item, " ok:%s", v);
        }
        if (buf_add(&c->out, item, (size_t)k) != 0)
            return -1;
        got++;
        p = e + 1;
    }
    if (got != n || buf_add(&c->out, "\n", 1) != 0)
        return -1;
    if (c->n_due == c->cap_due) {
        size_t cap = c->cap_due ? c->cap_due * 2 : 16;
        pending *d = realloc(c->due, cap * sizeof *d);
        if (!d)
            return -1;
        c->due = d;
        c->cap_due = cap;
    }
    c->due[c->n_due++] = (pending){ now_ns() + (int64_t)s->latency_us * 1000, c->out.len };
    size_t used = (size_t)(bnl + 1 - c->in.p);
    memmove(c->in.p, c->in.p + used, c->in.len - used);
    c->in.len -= used;
    atomic_fetch_add(&s->round_trips, 1);
    atomic_fetch_add(&s->labels, got);
    return 1;
}

/* Sends what is due on c. 0, or -1 when the peer is gone. */
static int flush_due(conn *c, int64_t now)
{
    size_t upto = c->out_sent;
    while (c->first_due < c->n_due && c->due[c->first_due].due_ns <= now)
        upto = c->due[c->first_due++].end;
    while (c->out_sent < upto) {
        ssize_t w = send(c->fd, c->out.p + c->out_sent, upto - c->out_sent, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            break;
        if (w <= 0)
            return -1;
        c->out_sent += (size_t)w;
    }
    if (c->first_due == c->n_due && c->out_sent == c->out.len) {
        c->out.len = c->out_sent = 0;
        c->n_due = c->first_due = 0;
    }
    return 0;
}

static void *serve(void *arg)
{
    pb_label_server *s = arg;
    int64_t deadline = now_ns() + (int64_t)s->max_seconds * 1000000000;
    struct pollfd pf[LS_MAX_CONNS + 2];
    for (;;) {
        int64_t now = now_ns(), next = deadline;
        if (now >= deadline || atomic_load(&s->round_trips) >= s->max_requests)
            break;
        int n = 0;
        pf[n++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
        pf[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
        for (int i = 0; i < LS_MAX_CONNS; i++) {
            conn *c = &s->conns[i];
            if (c->fd < 0)
                continue;
            short ev = POLLIN;
            if (c->out_sent < c->out.len && c->first_due > 0)
                ev |= POLLOUT;
            if (c->first_due < c->n_due && c->due[c->first_due].due_ns < next)
                next = c->due[c->first_due].due_ns;
            pf[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
        }
        /* a reply already due (the loop ran late: a slow or loaded machine,
         * a sanitizer) waits for nothing; a negative timeout would make
         * ppoll fail with EINVAL and stop the service mid-run */
        int64_t wait_ns = next > now ? next - now : 0;
        struct timespec ts = { wait_ns / 1000000000, wait_ns % 1000000000 };
        if (ppoll(pf, (nfds_t)n, &ts, NULL) < 0 && errno != EINTR)
            break;
        if (pf[0].revents)
            break;                                /* stop */
        if (pf[1].revents & POLLIN) {
            int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            int slot = -1;
            for (int i = 0; i < LS_MAX_CONNS && fd >= 0 && slot < 0; i++)
                if (s->conns[i].fd < 0)
                    slot = i;
            if (fd >= 0 && slot < 0)
                close(fd);                        /* bounded: refused */
            else if (fd >= 0) {
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                s->conns[slot].fd = fd;
            }
        }
        now = now_ns();
        for (int i = 2; i < n; i++) {
            conn *c = NULL;
            for (int k = 0; k < LS_MAX_CONNS && !c; k++)
                if (s->conns[k].fd == pf[i].fd)
                    c = &s->conns[k];
            if (!c)
                continue;
            int dead = 0;
            if (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                char tmp[16384];
                ssize_t r = recv(c->fd, tmp, sizeof tmp, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                    dead = 1;
                else if (r > 0 && buf_add(&c->in, tmp, (size_t)r) != 0)
                    dead = 1;
                int rc = 0;
                while (!dead && (rc = serve_one(s, c)) == 1)
                    ;
                if (!dead && rc < 0)
                    dead = 1;
            }
            if (!dead && flush_due(c, now) != 0)
                dead = 1;
            if (dead)
                conn_close(c);
        }
        for (int i = 0; i < LS_MAX_CONNS; i++)
            if (s->conns[i].fd >= 0 && flush_due(&s->conns[i], now_ns()) != 0)
                conn_close(&s->conns[i]);
    }
    for (int i = 0; i < LS_MAX_CONNS; i++)
        conn_close(&s->conns[i]);
    return NULL;
}

int pb_label_server_start(pb_label_server **out, int latency_us, uint64_t max_requests,
                          int max_seconds, uint16_t *port)
{
    pb_label_server *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    for (int i = 0; i < LS_MAX_CONNS; i++)
        s->conns[i].fd = -1;
    s->latency_us = latency_us;
    s->max_requests = max_requests;
    s->max_seconds = max_seconds;
    s->wake[0] = s->wake[1] = -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->listen_fd, LS_MAX_CONNS) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0 ||
        pipe2(s->wake, O_CLOEXEC) != 0)
        goto fail;
    int e = pthread_create(&s->thread, NULL, serve, s);
    if (e != 0) {
        errno = e;
        goto fail;
    }
    *port = ntohs(a.sin_port);
    *out = s;
    return 0;
fail:;
    int err = errno;
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake[0] >= 0) {
        close(s->wake[0]);
        close(s->wake[1]);
    }
    free(s);
    errno = err;
    return -1;
}

void pb_label_server_stop(pb_label_server *s)
{
    if (!s)
        return;
    if (write(s->wake[1], "x", 1) != 1) {
        /* the thread also stops at its deadline; join waits for it */
    }
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    free(s);
}

uint64_t pb_label_server_round_trips(const pb_label_server *s)
{
    return atomic_load(&((pb_label_server *)s)->round_trips);
}

uint64_t pb_label_server_labels(const pb_label_server *s)
{
    return atomic_load(&((pb_label_server *)s)->labels);
}
