/* loop.h - the select() thread of chat-hybrid: it accepts, reads and frames for every client,
 * and hands lines over to the client threads. It never writes to a client (except the
 * one-line refusal when the server is full) and holds no lock across any I/O. */
#ifndef HYBRID_LOOP_H
#define HYBRID_LOOP_H

#include "board.h"
#include "poller.h"
#include "server.h"

/* Serve until SIGINT/SIGTERM, then shut down: every client gets the notice, has up to
 * SERVER_SHUTDOWN_GRACE_MS to receive it, and every client thread has ended when this
 * returns. wake is a non-blocking pipe: client threads write a byte to wake[1] to make the
 * select() thread look at every client again. Returns 0, or 1 if waiting on the poller
 * failed. */
int loop_run(struct server_start *s, struct board *board, struct poller *poller,
             const int wake[2]);

#endif
