/* loop.c - see loop.h.
 *
 * One turn: wait (poller) for a connection or the stop signal, join the client threads that
 * ended meanwhile, accept. Nothing else for this thread to do: the clients' threads do all
 * the chatting, and with nobody connecting it sleeps. */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "log.h"

static struct server_start *server;
static struct board *board;
static struct poller *poller;

/* ---- the steps of a turn ---------------------------------------------------------------- */

static bool admit(void *unused, int fd, const char *peer)
{
    (void)unused;
    /* The accept socket is non-blocking; the client's must block (sends wait for the client
     * to read, receives wait for the timeout). Linux does not pass the flag on, but say so. */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        server_refuse(fd, peer, server->options.max_clients, strerror(errno));
        return true;
    }
    client_open(board, fd, peer, &server->options);
    return true;
}

static void accept_clients(void)
{
    server_accept_clients(server, server->options.max_clients, admit, NULL);
}

static void begin_shutdown(void)
{
    log_line("shutting down");
    if (close(server->listen_fd) < 0)   /* new connections are refused by the kernel now */
        log_line("cannot close the listening socket: %s", strerror(errno));
    board_shutdown(board, client_wake_away);
}

/* Give every client the grace time to take the notice and be sent it; then whoever is still
 * there is stuck in send() to a client that does not read, or has not come round to the
 * notice yet: shut their sockets down so they wake up. */
static void stop_everyone(void)
{
    if (clients_wait_for_all(SERVER_SHUTDOWN_GRACE_MS))
        return;
    log_line("closing the connections that did not take the notice in time");
    clients_unblock_all(board);
    clients_wait_for_all(-1);
}

/* ---- the loop --------------------------------------------------------------------------- */

int loop_run(struct server_start *s, struct board *b, struct poller *p)
{
    server = s;
    board = b;
    poller = p;
    if (clients_init() != 0)
        return 1;
    server_watch(poller, s->stop_fd, POLLER_READ);
    server_watch(poller, s->listen_fd, POLLER_READ);

    int status = 0;
    for (;;) {
        int ready = poller_wait(poller, -1);
        if (ready < 0 && errno != EINTR) {
            log_line("waiting for events failed: %s", strerror(errno));
            status = 1;
            break;
        }
        if (ready <= 0)
            continue;
        if (poller_is_ready(poller, ready, s->stop_fd))
            break;
        clients_reap_finished();        /* clients that left since the last connection */
        if (poller_is_ready(poller, ready, s->listen_fd))
            accept_clients();
    }
    begin_shutdown();
    stop_everyone();
    return status;
}
