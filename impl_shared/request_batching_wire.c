/*
 * request_batching_wire: the shared client wire (see the header). A
 * request costs two send() calls and the reply one or more recv() calls;
 * nothing is allocated.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "request_batching_wire.h"

static _Thread_local char open_error[160];

const char *rb_open_error(void)
{
    return open_error;
}

void rbw_set_open_error(const char *msg)
{
    snprintf(open_error, sizeof open_error, "%s", msg);
}

int rbw_label_ok(const char *label)
{
    if (!label || !label[0] || strlen(label) >= RB_LABEL_MAX)
        return RB_EINVAL;
    for (const char *s = label; *s; s++) {
        char ch = *s;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == ':' || ch == '-'))
            return RB_EINVAL;
    }
    return RB_OK;
}

int rbw_connect(rbw_conn *c, uint16_t port, const rb_options *opt)
{
    open_error[0] = '\0';
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int one = 1, zero = 0;
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, opt && opt->nodelay ? &one : &zero,
                   sizeof one) != 0) {
        snprintf(open_error, sizeof open_error, "127.0.0.1:%u: %s", port, strerror(errno));
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return RB_EIO;
    }
    return RB_OK;
}

void rbw_close(rbw_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return RB_EIO;
        p += w;
        n -= (size_t)w;
    }
    return RB_OK;
}

int rbw_send(rbw_conn *c, const char *const *labels, size_t n)
{
    char head[32], body[RB_BATCH_MAX * RB_LABEL_MAX + 2];
    size_t len = 0;
    int k = snprintf(head, sizeof head, "Q %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(labels[i]);
        if (i)
            body[len++] = ' ';
        memcpy(body + len, labels[i], l);
        len += l;
    }
    body[len++] = '\n';
    if (send_all(c->fd, head, (size_t)k) != RB_OK)
        return RB_EIO;
    return send_all(c->fd, body, len);
}

int rbw_recv(rbw_conn *c, size_t n, rbw_item *items)
{
    char *nl;
    while (!(nl = memchr(c->in, '\n', c->len))) {
        if (c->len == sizeof c->in)
            return RB_EIO;                     /* longer than any reply */
        ssize_t r = recv(c->fd, c->in + c->len, sizeof c->in - c->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return RB_EIO;
        c->len += (size_t)r;
    }
    *nl = '\0';
    char *p = c->in, *end;
    int rc = RB_OK;
    if (p[0] != 'R' || p[1] != ' ' || strtoul(p + 2, &end, 10) != n)
        rc = RB_EIO;
    for (size_t i = 0; i < n && rc == RB_OK; i++) {
        if (*end != ' ') {
            rc = RB_EIO;
            break;
        }
        char *item = end + 1, *next = strchr(item, ' ');
        size_t l = next ? (size_t)(next - item) : strlen(item);
        if (l > 3 && !strncmp(item, "ok:", 3) && l - 3 < RB_VALUE_MAX) {
            items[i].rc = RB_OK;
            memcpy(items[i].value, item + 3, l - 3);
            items[i].value[l - 3] = '\0';
        } else if (l == 7 && !strncmp(item, "err:404", 7)) {
            items[i].rc = RB_ENOTFOUND;
            items[i].value[0] = '\0';
        } else {
            rc = RB_EIO;
        }
        end = item + l;
    }
    if (rc == RB_OK && *end != '\0')
        rc = RB_EIO;
    size_t used = (size_t)(nl + 1 - c->in);
    memmove(c->in, c->in + used, c->len - used);
    c->len -= used;
    return rc;
}
