/* chat-threaded: one thread per client, each polling the room with a receive timeout.
 *
 * The main thread only accepts: it waits (poll) on the listening socket and on the stop pipe,
 * takes a place in the room for each new connection and starts a thread for it
 * (client_thread.c). All the clients share one message board behind a readers-writers lock
 * (board.c). On SIGINT or
 * SIGTERM it posts the shutdown notice, gives the threads a moment to deliver it, and joins
 * them all before exiting. See threaded/README.md for the design and its trade-offs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "board.h"
#include "client_thread.h"
#include "log.h"
#include "net.h"
#include "server.h"
#include "threads.h"

#define ACCEPTS_PER_TURN 64         /* then look at the stop pipe again */
#define SHUTDOWN_GRACE_MS 2000      /* for every client to take the notice and be sent it */
#define SPARE_FDS 64                /* descriptors beyond one per client: listen, pipes, logs */

static struct board board;
static int spare_fd = -1;           /* held open so that we can still refuse when out of fds */

/* Each client holds one descriptor; make sure --max-clients of them fit, if the hard limit
 * allows (a common default soft limit is 1024). */
static void raise_fd_limit(size_t clients)
{
    struct rlimit r;
    rlim_t want = (rlim_t)clients + SPARE_FDS;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur >= want)
        return;
    r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max >= want ? want : r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur < want)
        log_line("warning: only %llu file descriptors allowed for %zu clients",
                 (unsigned long long)r.rlim_cur, clients);
}

static void accept_clients(int listen_fd, const struct server_options *o)
{
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
        char peer[48];
        int fd = net_accept_or_refuse(listen_fd, &spare_fd, o->max_clients, peer, sizeof peer);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_line("accept failed: %s", strerror(errno));
            return;
        }
        /* The accept socket is non-blocking; the client's must block (sends wait for the
         * reader, receives wait for the timeout). Linux does not pass the flag on, but say so. */
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        client_thread_admit(&board, fd, peer, o);
    }
}

int main(int argc, char **argv)
{
    struct server_start s;
    server_start(&s, argc, argv, "chat-threaded",
                 "chat-threaded: one thread per client, polling the room with a receive "
                 "timeout (--timeout-ms);\nthe room is shared under a readers-writers lock.");
    const struct server_options *o = &s.options;

    struct room_config config = options_room_config(o);
    if (board_init(&board, &config, o->timeout_ms) != 0) {
        log_line("out of memory");
        return 1;
    }
    board.room.on_cut_off = client_thread_unblock;
    raise_fd_limit(o->max_clients);
    net_set_nonblocking(s.listen_fd);
    spare_fd = net_spare_fd_open();

    /* Nothing else for this thread to do: it sleeps until a connection or a stop signal. */
    struct pollfd watch[2] = {
        { .fd = s.stop_fd, .events = POLLIN },
        { .fd = s.listen_fd, .events = POLLIN },
    };
    for (;;) {
        if (poll(watch, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_line("poll failed: %s", strerror(errno));
            break;
        }
        if (watch[0].revents)
            break;
        threads_join_finished();        /* clients that left since the last connection */
        if (watch[1].revents)
            accept_clients(s.listen_fd, o);
    }

    log_line("shutting down");
    close(s.listen_fd);                 /* new connections are refused by the kernel now */
    board_shutdown(&board);
    if (!threads_wait_for_all(SHUTDOWN_GRACE_MS)) {
        /* Whoever is still there is stuck in send() to a client that does not read, or has
         * not come round to the notice yet: shut their sockets down so they wake up. */
        log_line("closing the connections that did not take the notice in time");
        client_thread_unblock_all(&board);
        threads_wait_for_all(-1);
    }
    board_free(&board);
    if (spare_fd >= 0)
        close(spare_fd);
    log_line("stopped");
    return 0;
}
