/* conn.h - one client connection of the load generator: non-blocking connect, queued
 * output, and input cut into lines. It knows nothing of the schedule or the measurements. */
#ifndef LOADGEN_CONN_H
#define LOADGEN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "outbuf.h"
#include "protocol.h"

/* A server line is at most CHAT_MAX_OUT_LINE bytes; a partial one waits here between reads. */
#define CONN_PARTIAL_MAX (CHAT_MAX_OUT_LINE + 2)

enum conn_state {
    CONN_IDLE,        /* not connected yet */
    CONN_CONNECTING,  /* connect() in progress */
    CONN_NAMING,      /* connected, /nick sent, waiting for the rename line */
    CONN_READY,       /* named: in the room under its nick */
    CONN_CLOSED,
};

struct conn {
    int fd;
    uint32_t index;
    enum conn_state state;
    bool blocked;        /* the socket said EAGAIN (or is connecting): wait for EPOLLOUT */
    bool unread;         /* the last read filled the buffer: more input may be waiting */
    bool in_history;     /* between "* history:" and "* end of history" */
    bool discarding;     /* inside a line too long to be a server line */
    char nick[CHAT_MAX_NICK + 1];
    struct outbuf out;
    size_t partial_len;
    char partial[CONN_PARTIAL_MAX];
};

void conn_init(struct conn *c, uint32_t index, const char *nick_prefix, size_t sendq_limit);
void conn_free(struct conn *c);

/* Start a non-blocking connect and register the socket with epoll (data.u32 = index),
 * edge-triggered for reading and writing: an edge-triggered socket is not polled again after
 * each event, which is a measurable part of this program's CPU at high delivery rates.
 * false on an immediate error (errno set). */
bool conn_start(struct conn *c, int epfd, const struct sockaddr *addr, socklen_t addrlen);

/* The connect finished (the socket became writable): false if it failed (errno set). */
bool conn_finish_connect(struct conn *c);

/* Queue bytes and send them unless the socket is blocked. false if the connection is broken
 * or the queue is full (errno = ENOBUFS). */
bool conn_send(struct conn *c, const char *data, size_t len);
/* The socket became writable (EPOLLOUT): send what is queued. false if it is broken. */
bool conn_writable(struct conn *c);

/* Called once per complete line (terminator removed). */
typedef void (*line_handler)(void *ctx, struct conn *c, const char *line, size_t len);

/* One read() into scratch, then every complete line to handler. Returns bytes read, 0 on
 * end of stream, -1 on error (errno set; EAGAIN means nothing to read). Sets c->unread when
 * the read filled the buffer: with edge-triggered epoll, the caller must read again. */
long conn_read_lines(struct conn *c, char *scratch, size_t scratch_cap, line_handler handler,
                     void *ctx);

void conn_close(struct conn *c, int epfd);

#endif
