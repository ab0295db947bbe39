/* conn.h - one client connection of chat-async: its socket and its per-client state.
 *
 * Everything a connection needs between two turns of the select() loop lives here, because
 * in a single-threaded server there is no stack to keep it on: the partial line read so far
 * (framer), the bytes not yet accepted by the kernel (out), and its place in the room
 * (member). None of these functions ever blocks: the socket is non-blocking. */
#ifndef ASYNC_CONN_H
#define ASYNC_CONN_H

#include <stdbool.h>

#include "framer.h"
#include "outbuf.h"
#include "room.h"

struct conn {
    int fd;
    char peer[48];
    struct framer framer;
    struct outbuf out;
    struct member member;
    bool broken;        /* EOF or a socket error: close at the end of this turn */
};

/* A new, already attached and joined connection; NULL if out of memory. */
struct conn *conn_open(struct room *room, int fd, const char *peer, size_t sendq);

/* Called before anything that may post a room line (see deliver_before_drop in main.c). */
typedef void before_post_fn(void);

/* Read once (at most one buffer: a flooding client gets no more than its share of a turn)
 * and apply every complete line. Marks the connection broken on EOF or error. */
void conn_read(struct room *room, struct conn *c, before_post_fn *before_post);

/* Take pending room lines into the output buffer and write as much as the kernel accepts.
 * Marks the connection broken on a write error. */
void conn_flush(struct room *room, struct conn *c, before_post_fn *before_post);

/* Should the connection be closed now? */
bool conn_finished(const struct conn *c);

/* Leave the room (if still there), close the socket and free everything. */
void conn_close(struct room *room, struct conn *c);

#endif
