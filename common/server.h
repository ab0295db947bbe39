/* server.h - what every server does before its own design takes over.
 *
 * Parse the command line, make SIGPIPE harmless, turn SIGINT/SIGTERM into a readable byte on
 * a pipe (so a select() loop or a waiting thread can notice them without doing work inside a
 * signal handler), answer SIGUSR1 with the send stats line (PROTOCOL.md; also at exit unless
 * --quiet), open the listening socket and print "listening on HOST:PORT". */
#ifndef CHAT_SERVER_H
#define CHAT_SERVER_H

#include "options.h"

struct server_start {
    struct server_options options;
    int listen_fd;
    int stop_fd;        /* readable (never drained) once SIGINT or SIGTERM arrived */
};

/* Exits with status 2 on a bad command line and 1 when it cannot listen. */
void server_start(struct server_start *s, int argc, char **argv,
                  const char *program, const char *design);


#endif
