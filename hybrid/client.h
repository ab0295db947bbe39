/* client.h - one connection of chat-hybrid, as shared by the select() thread and the client's
 * own thread.
 *
 * Who owns what (this is the whole concurrency story of a connection):
 *   - The select() thread (loop.c) reads the socket, frames lines and pushes them into
 *     the inbox. It alone may close the socket, and only once the client thread has finished:
 *     an fd is never closed while it may still be in an fd_set or under a blocking send.
 *   - The client thread (client_thread.c) applies the lines to the room, takes its room lines
 *     and does every blocking send on the socket.
 *   - The fields under `mutex` are how they talk: the select thread pushes lines and reports
 *     the end of input; anyone with the board locked can say "you have room lines" (news).
 *
 * Lock order: board lock, then this mutex. Neither is ever held across a send or a receive. */
#ifndef HYBRID_CLIENT_H
#define HYBRID_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "board.h"
#include "framer.h"
#include "inbox.h"
#include "net.h"
#include "outbuf.h"
#include "room.h"
#include "server.h"

struct client {
    /* Set before the thread starts, then never changed. */
    int fd;
    char peer[NET_PEER_SIZE];
    struct board *board;
    int select_wake_fd;             /* write a byte here to wake the select() thread */
    pthread_t thread;

    /* Guarded by the board lock. */
    struct member member;

    /* The select() thread's alone: input not yet handed over. */
    struct framer framer;
    char raw[SERVER_READ_CHUNK];    /* bytes received but not yet framed (inbox was full) */
    const char *raw_next;
    size_t raw_left;
    bool reading;                   /* no EOF or error yet */

    /* The client thread's alone (handed over from the select thread before it starts). */
    struct outbuf out;
    struct catch_up catch_up;       /* while a line of its waits for the members behind */

    /* Guarded by mutex: the conversation between the two threads. */
    pthread_mutex_t mutex;
    pthread_cond_t wakeup;          /* the client thread sleeps here when it has nothing to do */
    struct inbox inbox;
    bool news;                      /* room lines may be waiting past its cursor */
    bool input_ended;               /* EOF or error: no line will follow those in the inbox */
    bool stop;                      /* shutdown deadline passed: leave now */
    bool finished;                  /* the thread is done with the socket and the room */
};

/* ---- called by the select() thread ---- */

/* A new connection: attach it to the room, join it (welcome, history, join line) and start
 * its thread. NULL, with the reason in *why, if the room is full or the thread cannot start:
 * the caller still owns fd then. */
struct client *client_open(struct board *board, int fd, const char *peer, int select_wake_fd,
                           size_t sendq, const char **why);

enum client_state {
    CLIENT_WATCH,       /* watch its fd for input */
    CLIENT_PAUSED,      /* inbox full (or input over): leave its fd alone this turn */
    CLIENT_FINISHED,    /* its thread is done: call client_close() */
};
/* Before each select(): hand over bytes left from an earlier read if the inbox has room
 * again, and say whether the fd should be watched. */
enum client_state client_before_select(struct client *c);

/* Its fd is readable: receive once, frame and hand over as many lines as the inbox takes.
 * Returns false once its input has ended (EOF or error): the client is on its way out. */
bool client_read(struct client *c);

/* The shutdown deadline passed: make its thread leave now, even from a blocked send. */
void client_stop(struct client *c);

/* Join its thread (it has finished, or was stopped), close the socket, free everything. */
void client_close(struct client *c);

/* ---- called by the client thread ---- */

/* Make the select() thread look at every client again (a byte on its wake pipe). */
void client_wake_select_thread(struct client *c);

/* ---- called by anyone holding the board lock (board.h callbacks) ---- */

/* Its member has room lines to take: wake its thread. */
void client_wake_taker(struct member *m);

/* The room dropped its member as too slow: unblock its thread, which closes the connection. */
void client_on_cut_off(struct member *m);

#endif
