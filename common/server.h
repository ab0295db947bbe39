/* server.h - what every server does before its own design takes over.
 *
 * Parse the command line, make SIGPIPE harmless, turn SIGINT/SIGTERM into a readable byte on
 * a pipe (so a select() loop or a waiting thread can notice them without doing work inside a
 * signal handler), open the listening socket and print "listening on HOST:PORT". */
#ifndef CHAT_SERVER_H
#define CHAT_SERVER_H

#include <stdbool.h>

#include "options.h"

struct server_start {
    struct server_options options;
    int listen_fd;
    int stop_fd;        /* readable (never drained) once SIGINT or SIGTERM arrived */
};

/* Exits with status 2 on a bad command line and 1 when it cannot listen. */
void server_start(struct server_start *s, int argc, char **argv,
                  const char *program, const char *design);

/* Has SIGINT or SIGTERM arrived? Never blocks. Call it when select() fails with EINTR:
 * ThreadSanitizer delivers a signal only at the next libc call it intercepts, and select()
 * is not one of them, so the stop byte may appear only now. */
bool server_stop_requested(const struct server_start *s);


#endif
