/* conn.c - see conn.h. */
#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void conn_init(struct conn *c, uint32_t index, const char *nick_prefix, size_t sendq_limit)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->index = index;
    c->state = CONN_IDLE;
    snprintf(c->nick, sizeof c->nick, "%s%lu", nick_prefix, (unsigned long)index);
    outbuf_init(&c->out, sendq_limit);
}

void conn_free(struct conn *c)
{
    outbuf_free(&c->out);
}

bool conn_start(struct conn *c, int epfd, const struct sockaddr *addr, socklen_t addrlen)
{
    c->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return false;
    /* The instrument must not add Nagle delays of its own: each message leaves at once. */
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, addr, addrlen) < 0 && errno != EINPROGRESS)
        return false;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = c->index};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
        return false;
    c->blocked = true;   /* until the connect completes */
    c->state = CONN_CONNECTING;
    return true;
}

bool conn_finish_connect(struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return false;
    if (err) {
        errno = err;
        return false;
    }
    c->state = CONN_NAMING;
    return true;
}

static bool flush(struct conn *c)
{
    while (outbuf_len(&c->out) > 0) {
        ssize_t n = send(c->fd, outbuf_data(&c->out), outbuf_len(&c->out),
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                c->blocked = true;   /* edge-triggered EPOLLOUT will say when to go on */
                return true;
            }
            return false;
        }
        outbuf_consume(&c->out, (size_t)n);
    }
    return true;
}

bool conn_writable(struct conn *c)
{
    c->blocked = false;
    return flush(c);
}

bool conn_send(struct conn *c, const char *data, size_t len)
{
    if (!outbuf_append(&c->out, data, len)) {
        errno = ENOBUFS;
        return false;
    }
    return c->blocked ? true : flush(c);
}

/* Hand each complete line in buf[0..len) to handler; keep an unfinished tail as partial. */
static void split_lines(struct conn *c, char *buf, size_t len, line_handler handler, void *ctx)
{
    char *p = buf, *end = buf + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            size_t tail = (size_t)(end - p);
            if (c->discarding || tail > CONN_PARTIAL_MAX) {
                c->discarding = true;   /* not a server line: drop it up to its '\n' */
            } else {
                memmove(c->partial, p, tail);
                c->partial_len = tail;
            }
            return;
        }
        size_t line_len = (size_t)(nl - p);
        if (line_len > 0 && p[line_len - 1] == '\r')
            line_len--;
        if (c->discarding)
            c->discarding = false;
        else
            handler(ctx, c, p, line_len);
        p = nl + 1;
    }
}

long conn_read_lines(struct conn *c, char *scratch, size_t scratch_cap, line_handler handler,
                     void *ctx)
{
    /* The unfinished line from the last read goes in front, so lines are contiguous. */
    size_t carried = c->partial_len;
    memcpy(scratch, c->partial, carried);
    c->partial_len = 0;
    size_t room = scratch_cap - carried;
    ssize_t n;
    do
        n = read(c->fd, scratch + carried, room);
    while (n < 0 && errno == EINTR);
    c->unread = n > 0 && (size_t)n == room;
    if (n <= 0) {
        memcpy(c->partial, scratch, carried);
        c->partial_len = carried;
        return n;
    }
    split_lines(c, scratch, carried + (size_t)n, handler, ctx);
    return n;
}

void conn_close(struct conn *c, int epfd)
{
    if (c->fd >= 0) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->state = CONN_CLOSED;
    c->blocked = false;
    c->unread = false;
}
