/* client_thread.h - one thread per client, and everything about that client's connection.
 *
 * Each client thread loops over four steps, and holds the board lock in steps 1 and 4 only:
 *
 *   1. as a READER of the board, take the room lines after its cursor into its output buffer;
 *   2. send them (and any direct replies) with blocking sends, holding no lock;
 *   3. recv() once, waiting at most --timeout-ms (SO_RCVTIMEO): the only way this thread
 *      notices new room lines is that the wait ends;
 *   4. as a WRITER of the board, apply every complete line received (common/session.h).
 *
 * A line whose post would cut off a reader that simply has not polled yet is held back
 * (board.h, flow control): the thread goes round the loop delivering its own lines, and in
 * step 3 waits for the other readers instead of its client, until the line may go.
 *
 * The socket is closed by its own thread only, after it has left the room, so a shutdown()
 * from another thread (client_thread_unblock) can never hit a reused descriptor. */
#ifndef THREADED_CLIENT_THREAD_H
#define THREADED_CLIENT_THREAD_H

#include "board.h"
#include "options.h"
#include "room.h"

/* A new connection: take a place for it in the room and give it a thread, which joins the
 * room. If the room is full, or the system will not create another thread, the connection
 * is refused (and closed) instead. */
void client_thread_admit(struct board *b, int fd, const char *peer,
                         const struct server_options *o);

/* The room's on_cut_off hook (called under the write lock): a member was dropped as too
 * slow. Its thread may be blocked in send() to a client that stopped reading; shutting the
 * socket down makes that send() fail, so the thread wakes up, leaves and ends. */
void client_thread_unblock(struct member *m);

/* Do that to every connected client (at shutdown, for those that would not take the
 * notice in time). Takes the write lock itself. */
void client_thread_unblock_all(struct board *b);

#endif
