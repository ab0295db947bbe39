/* client_thread.h - the thread that serves one client of chat-threaded.
 *
 * Each client thread loops over four steps, and holds the board lock in steps 1 and 4 only:
 *
 *   1. with the board lock shared, take the room lines after its cursor into its output
 *      buffer;
 *   2. send them (and any direct replies) with blocking sends, holding no lock;
 *   3. recv() once, waiting at most --timeout-ms (SO_RCVTIMEO): the only way this thread
 *      notices new room lines is that the wait ends;
 *   4. with the board lock exclusive, apply every complete line received (common/session.h).
 *
 * A line whose post would cut off a member whose thread simply has not looked yet waits
 * (board.h, catching up): the thread goes round the loop delivering its own lines, and in
 * step 3 waits for the other threads' progress instead of its client, until the line may go. */
#ifndef THREADED_CLIENT_THREAD_H
#define THREADED_CLIENT_THREAD_H

/* The thread's body; arg is its struct client (client.h), attached to the room but not yet
 * joined. It joins, loops as above until the connection is over, leaves the room and ends
 * with client_close(). */
void *client_thread_main(void *arg);

#endif
