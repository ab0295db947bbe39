/* loop.c - see loop.h.
 *
 * Each turn: send every client what it is owed and close the finished ones; tell the poller
 * what to wait for; wait (the only place this thread ever waits); then do a bounded amount of
 * work for each ready fd: accept a few connections, read once from each readable client and
 * apply its lines to the room. Nothing else blocks: a client that stops reading just keeps
 * its bytes in its own output buffer until it is cut off. */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "clock.h"
#include "log.h"

/* One loop per process, so the state is file-wide: let_members_catch_up() needs it. */
static struct server_start *server;
static struct room *room;
static struct poller *poller;
static struct client **clients;     /* open connections, at most room->max_clients */
static size_t count;
static struct client **client_by_fd;
static bool stopping;
static long long shutdown_deadline;

/* ---- flow control (room.h, "Catching up") ------------------------------------------------ */

/* A post may cut off a member that simply has not taken its lines yet, or whose buffer is full
 * only because this turn has not sent it yet (a client's own burst of lines echoes back to it
 * within one read). With one thread there is nobody to wait for: let everyone take what fits
 * and hand the kernel what it accepts now, then tell the room what is still unsent (room_take
 * records it). Whoever still lags has a full buffer and a full socket, and really is too slow. */
static void let_members_catch_up(void)
{
    if (!room_post_would_cut(room))
        return;
    for (size_t i = 0; i < count; i++) {
        client_send(room, clients[i], let_members_catch_up);
        room_take(room, &clients[i]->member, &clients[i]->out);
    }
}

/* ---- the steps of a turn ---------------------------------------------------------------- */

static void close_finished(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        struct client *c = clients[i];
        if (!client_finished(c)) {
            clients[kept++] = c;
            continue;
        }
        if (poller_watch(poller, c->fd, 0) < 0)
            log_line("cannot stop watching fd %d: %s", c->fd, strerror(errno));
        client_by_fd[c->fd] = NULL;
        client_close(room, c);
    }
    count = kept;
}

/* Everyone gets what they are owed: lines posted this turn leave in one send() per client,
 * however many there were. Closing a connection can post one more line (a quit line), so
 * repeat until nothing new was posted; each pass closes at least one connection. */
static void send_and_close(void)
{
    uint64_t posted;
    do {
        posted = roomlog_next(&room->log);
        for (size_t i = 0; i < count; i++)
            client_send(room, clients[i], let_members_catch_up);
        close_finished();
    } while (roomlog_next(&room->log) != posted);
}

static void watch_clients(void)
{
    server_watch(poller, server->stop_fd, stopping ? 0 : POLLER_READ);
    server_watch(poller, server->listen_fd, stopping ? 0 : POLLER_READ);
    for (size_t i = 0; i < count; i++) {
        struct client *c = clients[i];
        if (poller_watch(poller, c->fd, client_wanted_events(c, stopping)) < 0) {
            log_line("cannot watch %s (fd %d): %s", c->peer, c->fd, strerror(errno));
            c->broken = true;               /* closed at the start of the next turn */
        }
    }
}

static bool admit(void *unused, int fd, const char *peer)
{
    (void)unused;
    /* The poller cannot watch an fd at or above its capacity (select(): FD_SETSIZE). */
    if (fd >= poller_capacity(poller) || count == room->max_clients) {
        server_refuse(fd, peer, room->max_clients, "server full");
        return true;
    }
    if (net_set_nonblocking(fd) < 0) {
        server_refuse(fd, peer, room->max_clients, strerror(errno));
        return true;
    }
    let_members_catch_up();                 /* the join line is a post too */
    const char *why;
    struct client *c = client_open(room, fd, peer, server->options.sendq, &why);
    if (!c) {
        server_refuse(fd, peer, room->max_clients, why);
        return true;
    }
    clients[count++] = c;
    client_by_fd[fd] = c;
    return true;
}

static void accept_clients(void)
{
    server_accept_clients(server, room->max_clients, admit, NULL);
}

/* Clients accepted this turn were not watched, so none of them is in the ready list. */
static void read_clients(int ready)
{
    for (int i = 0; i < ready; i++) {
        struct poller_event e = poller_ready(poller, i);
        struct client *c = client_by_fd[e.fd];
        if (c && (e.events & POLLER_READ))
            client_read(room, c, let_members_catch_up);
    }
}

static void begin_shutdown(void)
{
    log_line("shutting down");
    room_shutdown(room);
    stopping = true;
    shutdown_deadline = clock_now_ms() + SERVER_SHUTDOWN_GRACE_MS;
}

/* ---- the loop --------------------------------------------------------------------------- */

int loop_run(struct server_start *s, struct room *r, struct poller *p)
{
    server = s;
    room = r;
    poller = p;
    clients = calloc(room->max_clients, sizeof *clients);
    client_by_fd = calloc((size_t)poller_capacity(poller), sizeof *client_by_fd);
    if (!clients || !client_by_fd) {
        log_line("out of memory");
        return 1;
    }

    int status = 0;
    for (;;) {
        send_and_close();
        int timeout = -1;                   /* while serving, only an event ends the wait */
        if (stopping) {
            timeout = clock_ms_until(shutdown_deadline);
            if (count == 0 || timeout == 0)
                break;
        }
        watch_clients();
        int ready = poller_wait(poller, timeout);
        if (ready < 0 && errno != EINTR) {
            log_line("waiting for events failed: %s", strerror(errno));
            status = 1;
            break;
        }
        if (ready <= 0)
            continue;                       /* a signal (its byte is in the pipe) or the deadline */
        if (!stopping && poller_is_ready(poller, ready, s->stop_fd))
            begin_shutdown();
        if (stopping)
            continue;
        if (poller_is_ready(poller, ready, s->listen_fd))
            accept_clients();
        read_clients(ready);
    }

    for (size_t i = 0; i < count; i++)
        client_close(room, clients[i]);
    free(clients);
    free(client_by_fd);
    return status;
}
