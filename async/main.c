/* chat-async: the whole server in one thread, driven by select().
 *
 * Each turn of the loop asks the kernel which sockets are ready, then does a bounded amount
 * of work for each: accept a few connections, read once from each readable client and apply
 * its lines to the room, and write whatever each client is owed. Nothing ever blocks: a
 * client that stops reading just keeps its bytes in its own output buffer until it is cut off.
 * See async/README.md for the design and its trade-offs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "net.h"
#include "room.h"
#include "server.h"

#define ACCEPTS_PER_TURN 64
#define SHUTDOWN_GRACE_MS 2000

static struct room room;
static struct conn **conns;      /* open connections, at most room.max_clients */
static size_t nconns;
static size_t sendq;
static int spare_fd = -1;        /* held open so that we can still refuse when out of fds */

/* The log is about to drop a line some reader has not taken. Before that, let everyone take
 * what fits in their output buffer: a client that reads fine must not be cut off just because
 * a burst arrived within one turn. Whoever still lags has a full buffer: it is too slow. */
static void deliver_before_drop(void)
{
    if (!room_post_would_cut(&room))
        return;
    for (size_t i = 0; i < nconns; i++)
        room_take(&room, &conns[i]->member, &conns[i]->out);
}

static void refuse(int fd)
{
    log_line("refused a connection on fd %d: server full", fd);
    net_refuse(fd, room.max_clients);
}

static void accept_clients(int listen_fd)
{
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
        char peer[48];
        int fd = net_accept_or_refuse(listen_fd, &spare_fd, room.max_clients, peer, sizeof peer);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE))
            continue;                   /* refused: out of descriptors */
        if (fd < 0)
            return;                     /* EAGAIN: nobody else is waiting */
        /* select() can only watch fds below FD_SETSIZE; anything above is refused, never
         * passed to FD_SET. */
        if (fd >= FD_SETSIZE || nconns == room.max_clients || net_set_nonblocking(fd) < 0) {
            refuse(fd);
            continue;
        }
        deliver_before_drop();              /* the join line is a post too */
        struct conn *c = conn_open(&room, fd, peer, sendq);
        if (!c) {
            refuse(fd);
            continue;
        }
        conns[nconns++] = c;
    }
}

static void close_finished(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < nconns; i++) {
        if (conn_finished(conns[i]))
            conn_close(&room, conns[i]);
        else
            conns[kept++] = conns[i];
    }
    nconns = kept;
}

/* Everyone gets what they are owed: lines posted this turn leave in one send() per client,
 * however many there were. Closing a connection can post one more line (a quit line), so
 * repeat until nothing new was posted; each pass closes at least one connection. */
static void deliver_and_close(void)
{
    uint64_t posted;
    do {
        posted = roomlog_next(&room.log);
        for (size_t i = 0; i < nconns; i++)
            conn_flush(&room, conns[i], deliver_before_drop);
        close_finished();
    } while (roomlog_next(&room.log) != posted);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    struct server_start s;
    server_start(&s, argc, argv, "chat-async",
                 "chat-async: one thread, select() and non-blocking sockets.");
    net_set_nonblocking(s.listen_fd);
    sendq = s.options.sendq;
    spare_fd = net_spare_fd_open();

    /* Client fds start above the ones we hold now; select() sees fds below FD_SETSIZE only. */
    int lowest_client_fd = spare_fd + 1;
    struct room_config config = options_room_config(&s.options);
    size_t fd_room = (size_t)(FD_SETSIZE - lowest_client_fd);
    if (config.max_clients > fd_room)
        config.max_clients = fd_room;
    conns = calloc(config.max_clients, sizeof *conns);
    if (!conns || room_init(&room, &config) != 0) {
        log_line("out of memory");
        return 1;
    }

    bool stopping = false;
    long long deadline = 0;
    for (;;) {
        deliver_and_close();

        fd_set readable, writable;
        FD_ZERO(&readable);
        FD_ZERO(&writable);
        int maxfd = -1;
        if (!stopping) {
            FD_SET(s.listen_fd, &readable);
            FD_SET(s.stop_fd, &readable);
            maxfd = s.listen_fd > s.stop_fd ? s.listen_fd : s.stop_fd;
        }
        for (size_t i = 0; i < nconns; i++) {
            struct conn *c = conns[i];
            if (!stopping && c->member.in_room)
                FD_SET(c->fd, &readable);
            if (outbuf_len(&c->out) > 0)
                FD_SET(c->fd, &writable);
            if (c->fd > maxfd)
                maxfd = c->fd;
        }

        struct timeval tv, *timeout = NULL;
        if (stopping) {
            long long left = deadline - now_ms();
            if (nconns == 0 || left <= 0)
                break;
            tv.tv_sec = left / 1000;
            tv.tv_usec = (left % 1000) * 1000;
            timeout = &tv;
        }
        int ready = select(maxfd + 1, &readable, &writable, NULL, timeout);
        if (ready < 0 && errno != EINTR) {
            log_line("select failed: %s", strerror(errno));
            return 1;
        }
        if (ready <= 0)
            continue;                       /* a signal (its byte is in the pipe) or the deadline */

        if (!stopping && FD_ISSET(s.stop_fd, &readable)) {
            log_line("shutting down");
            room_shutdown(&room);
            stopping = true;
            deadline = now_ms() + SHUTDOWN_GRACE_MS;
        }
        if (!stopping && FD_ISSET(s.listen_fd, &readable))
            accept_clients(s.listen_fd);
        for (size_t i = 0; i < nconns; i++) {
            /* A connection accepted this turn was not in the set: FD_ISSET is then false. */
            if (!stopping && FD_ISSET(conns[i]->fd, &readable))
                conn_read(&room, conns[i], deliver_before_drop);
        }
    }

    for (size_t i = 0; i < nconns; i++)
        conn_close(&room, conns[i]);
    room_free(&room);
    free(conns);
    log_line("stopped");
    return 0;
}
