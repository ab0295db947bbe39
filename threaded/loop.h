/* loop.h - the main thread of chat-threaded: it only accepts, and starts a thread per client. */
#ifndef THREADED_LOOP_H
#define THREADED_LOOP_H

#include "board.h"
#include "poller.h"
#include "server.h"

/* Serve until SIGINT/SIGTERM, then shut down: every client is sent the notice, for up to
 * SERVER_SHUTDOWN_GRACE_MS, and every client thread has ended when this returns. Returns 0,
 * or 1 if waiting on the poller failed. */
int loop_run(struct server_start *s, struct board *board, struct poller *poller);

#endif
