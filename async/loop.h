/* loop.h - the event loop of chat-async: the whole server, one thread, no waiting but one. */
#ifndef ASYNC_LOOP_H
#define ASYNC_LOOP_H

#include "poller.h"
#include "room.h"
#include "server.h"

/* Serve until SIGINT/SIGTERM, then shut down: every client is sent the notice, for up to
 * SERVER_SHUTDOWN_GRACE_MS, and every connection is closed when this returns. Returns 0, or
 * 1 if waiting on the poller failed. */
int loop_run(struct server_start *s, struct room *room, struct poller *poller);

#endif
