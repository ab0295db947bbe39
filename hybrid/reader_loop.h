/* reader_loop.h - the select() thread of chat-hybrid: it accepts, reads and frames for every
 * client, and hands lines over to the client threads. It never writes to a client (except
 * the one-line refusal when the server is full) and holds no lock across any I/O. */
#ifndef HYBRID_READER_LOOP_H
#define HYBRID_READER_LOOP_H

#include <stddef.h>

#include "board.h"

struct reader_setup {
    int listen_fd;      /* non-blocking */
    int stop_fd;        /* readable once SIGINT/SIGTERM arrived (server.h) */
    int wake_fd;        /* read end of the pipe client threads write to (non-blocking) */
    int wake_write_fd;  /* its write end, handed to every client thread */
    int spare_fd;       /* an fd held in reserve to refuse politely when out of fds */
    size_t sendq;       /* --sendq */
};

/* Serve until SIGINT/SIGTERM, then shut down: every client gets the notice, has up to two
 * seconds to receive it, and every client thread has ended when this returns. Returns 0, or
 * 1 if select() itself failed. */
int reader_loop_run(struct board *board, struct reader_setup *setup);

#endif
