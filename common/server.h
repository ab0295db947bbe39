/* server.h - what every server does before its own design takes over.
 *
 * Parse the command line, make SIGPIPE harmless, turn SIGINT/SIGTERM into a readable byte on
 * a pipe (so a select() loop or a waiting thread can notice them without doing work inside a
 * signal handler), answer SIGUSR1 with the send stats line (PROTOCOL.md; also at exit unless
 * --quiet), open the listening socket and print "listening on HOST:PORT". */
#ifndef CHAT_SERVER_H
#define CHAT_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"
#include "poller.h"
#include "room.h"

/* Shared by every server, so that the three differ only in concurrency. */
#define SERVER_READ_CHUNK 4096          /* one recv(): dozens of lines, a fair share of a turn */
#define SERVER_ACCEPTS_PER_TURN 64      /* then look at everything else again */
#define SERVER_SHUTDOWN_GRACE_MS 2000   /* for every client to be sent the shutdown notice */

struct server_start {
    struct server_options options;
    int listen_fd;      /* non-blocking: accepting never waits */
    int stop_fd;        /* readable (never drained) once SIGINT or SIGTERM arrived */
    int spare_fd;       /* held in reserve to refuse politely when out of fds (net.h) */
};

/* Exits with status 2 on a bad command line and 1 when it cannot listen. */
void server_start(struct server_start *s, int argc, char **argv,
                  const char *program, const char *design);

/* The descriptors a poller must be able to watch: every client fd, from the lowest free now
 * up to max_clients more (and a few for connections being refused), bounded by what the
 * process may open. Give it to poller_open(), which lowers it to its backend's limit. */
int server_fd_capacity(size_t max_clients);

/* The clients a poller can watch: --max-clients lowered so that every client fd, starting
 * just above the ones held now, stays below the poller's capacity. */
size_t server_clients_that_fit(size_t wanted, const struct poller *p);

/* poller_watch() for one of the server's own fds (the listening socket, a pipe); exits 1,
 * logged, on failure: without them the server cannot work. */
void server_watch(struct poller *p, int fd, unsigned events);

/* A new connection for the server's design: take fd (or refuse it with server_refuse()).
 * Return false to stop accepting until the next turn. */
typedef bool server_admit_fn(void *ctx, int fd, const char *peer);

/* Accept the connections waiting on the listening socket, at most SERVER_ACCEPTS_PER_TURN,
 * handing each to admit(). One policy for every server: an interrupted or aborted accept is
 * retried; out of descriptors, the waiting connection is refused (net_accept_or_refuse) and
 * the next one tried; nobody left waiting ends the turn; any other error is logged and ends
 * the turn. `capacity` is what a refusal announces. */
void server_accept_clients(struct server_start *s, size_t capacity, server_admit_fn *admit,
                           void *ctx);

/* Log "refused PEER: WHY", tell the connection the server is full (capacity), close it. */
void server_refuse(int fd, const char *peer, size_t capacity, const char *why);

/* The log lines of a member's arrival and departure, the same in every server. */
void server_log_joined(const char *nick, const char *peer, int fd);
void server_log_left(const struct member *m, const char *peer);

#endif
