/* server.h - what every server does before its own design takes over.
 *
 * Parse the command line, make SIGPIPE harmless, turn SIGINT/SIGTERM into a readable byte on
 * a pipe (so a select() loop or a waiting thread can notice them without doing work inside a
 * signal handler), open the listening socket and print "listening on HOST:PORT". */
#ifndef CHAT_SERVER_H
#define CHAT_SERVER_H

#include <stdbool.h>
#include <sys/time.h>

#include "options.h"

struct server_start {
    struct server_options options;
    int listen_fd;
    int stop_fd;        /* readable (never drained) once SIGINT or SIGTERM arrived */
};

/* Exits with status 2 on a bad command line and 1 when it cannot listen. */
void server_start(struct server_start *s, int argc, char **argv,
                  const char *program, const char *design);

/* Has SIGINT or SIGTERM arrived (is stop_fd readable)? Never blocks. Call it whenever
 * select() returns without the stop pipe readable (EINTR or timeout): ThreadSanitizer runs a
 * signal handler only at the next libc call it intercepts, which select() is not, so the
 * stop byte may appear only now. */
bool server_stop_requested(int stop_fd);

/* The timeout for a select() that would otherwise wait forever: NULL (forever) in a normal
 * build. Under ThreadSanitizer, one second, because a signal that arrives just before
 * select() has its handler run only when select() returns (see above). */
struct timeval *server_idle_timeout(struct timeval *tv);


#endif
