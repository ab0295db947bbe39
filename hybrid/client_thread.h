/* client_thread.h - the thread that serves one client of chat-hybrid. */
#ifndef HYBRID_CLIENT_THREAD_H
#define HYBRID_CLIENT_THREAD_H

/* The thread's body; arg is its struct client (client.h), already joined to the room.
 * It sleeps until its inbox has lines, its member has room lines to take, its input ended
 * or it is told to stop; applies the lines and takes the room lines under the board lock;
 * then sends them with blocking sends, holding no lock. It returns once the connection is
 * over, after leaving the room and telling the select() thread it may close the socket. */
void *client_thread_main(void *arg);

#endif
