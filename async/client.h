/* client.h - one client of chat-async: its socket and everything it needs between turns.
 *
 * In a single-threaded server there is no stack to keep a connection's state on between two
 * turns of the loop, so it all lives here: the partial line read so far (framer), the bytes
 * the kernel has not accepted yet (out), and its place in the room (member). The socket is
 * non-blocking: none of these functions ever waits. */
#ifndef ASYNC_CLIENT_H
#define ASYNC_CLIENT_H

#include <stdbool.h>

#include "framer.h"
#include "net.h"
#include "outbuf.h"
#include "room.h"

struct client {
    int fd;
    char peer[NET_PEER_SIZE];
    struct framer framer;
    struct outbuf out;
    struct member member;
    bool broken;        /* EOF or a socket error: close at the end of this turn */
};

/* Called before anything that may post a room line (let_members_catch_up in loop.c). */
typedef void before_post_fn(void);

/* A new connection, attached and joined (welcome, history, join line). NULL, with the reason
 * in *why, if the room is full or memory ran out: the caller still owns fd then. */
struct client *client_open(struct room *room, int fd, const char *peer, size_t sendq,
                           const char **why);

/* Its socket is readable: receive once (at most SERVER_READ_CHUNK bytes: a flooding client
 * gets no more than its share of a turn) and apply every complete line. */
void client_read(struct room *room, struct client *c, before_post_fn *before_post);

/* Take its pending room lines into its output buffer and send as much as the kernel takes;
 * the rest waits for the socket to be writable. */
void client_send(struct room *room, struct client *c, before_post_fn *before_post);

/* What the loop should wait for on its socket: POLLER_READ while it may talk, POLLER_WRITE
 * while output is waiting. */
unsigned client_wanted_events(const struct client *c, bool stopping);

/* Should the connection be closed now? */
bool client_finished(const struct client *c);

/* Leave the room (if still there), close the socket, free everything. */
void client_close(struct room *room, struct client *c);

#endif
