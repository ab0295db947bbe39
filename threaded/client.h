/* client.h - one client of chat-threaded: its connection, its thread, and the census of all
 * client threads.
 *
 * Who owns what: the fields above `member` are set before the thread starts and never
 * change; `member` is the room's view of the client, touched only under the board lock; the
 * rest belongs to the client's own thread (client_thread.c). The socket is closed by its own
 * thread only, after it has left the room, so a shutdown() from another thread
 * (client_unblock) can never hit a reused descriptor.
 *
 * The census: every client thread is counted from its start until the main thread has
 * joined it, so none is ever leaked and shutdown can wait for all of them. A thread that
 * ends puts itself on a "finished" list; the main thread joins those at its next turn. */
#ifndef THREADED_CLIENT_H
#define THREADED_CLIENT_H

#include <pthread.h>
#include <stdbool.h>

#include "board.h"
#include "framer.h"
#include "net.h"
#include "options.h"
#include "outbuf.h"
#include "room.h"
#include "server.h"

/* The next complete line from the client, framed but not applied yet. Usually it is applied
 * at once; it stays here while it waits for the members behind to catch up. The text stays
 * valid in the framer until the framer is called again (framer.h). */
struct next_line {
    bool present;
    enum frame_kind kind;
    const char *text;
    size_t len;
};

struct client {
    int fd;
    char peer[NET_PEER_SIZE];
    int timeout_ms;
    struct board *board;
    pthread_t thread;
    struct client *next_finished;   /* the census's, under its mutex */
    struct member member;       /* the room's view of us: only under the board lock */
    /* The rest is this thread's own. */
    struct outbuf out;          /* direct replies and taken room lines, not yet sent */
    bool sent_since_take;       /* out was sent after the last take, which still counts it
                                   as unsent: come back soon to say so */
    char input[SERVER_READ_CHUNK];  /* received, not yet cut into lines */
    const char *input_next;
    size_t input_left;
    struct framer framer;
    struct next_line line;
    struct catch_up catch_up;   /* while `line` waits for the members behind */
    bool away_seen;             /* member.away when apply_input last looked, under the lock */
    bool away_served;           /* what this thread has set itself up for (receive timeout) */
};

/* Before the first client: 0, or an error number (logged). */
int clients_init(void);

/* A new connection: take a place for it in the room and start its thread, which joins the
 * room. If the room is full, or the system will not create another thread, the connection
 * is refused (and closed) instead. */
void client_open(struct board *b, int fd, const char *peer, const struct server_options *o);

/* The thread is done with the connection: free it and tell the census (last thing a client
 * thread does). */
void client_close(struct client *c);

/* Join every client thread that has ended since the last call. */
void clients_reap_finished(void);

/* Wait until no client thread is running, at most timeout_ms (-1: as long as it takes), then
 * join the ones that ended. True when none is left running. */
bool clients_wait_for_all(int timeout_ms);

/* The room's on_cut_off hook (called with the board locked): a member was dropped as too
 * slow. Its thread may be blocked in send() to a client that stopped reading; shutting the
 * socket down makes that send() fail, so the thread wakes up, leaves and ends. */
void client_unblock(struct member *m);

/* Board locked, at shutdown, for each away member: make sure its thread comes to take the
 * shutdown notice, whatever it waits in (client_thread.c, went_away()). */
void client_wake_away(struct member *m);

/* Do that to every connected client (at shutdown, for those that would not take the notice
 * in time). Takes the board lock itself. */
void clients_unblock_all(struct board *b);

#endif
