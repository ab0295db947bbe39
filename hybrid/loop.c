/* loop.c - see loop.h.
 *
 * One turn: reap the client threads that have finished, tell the poller which clients can
 * take more input, wait, then do a bounded amount of work for each ready fd (one recv() per
 * client, a few accepts). No timeout while serving: with nobody talking, this thread sleeps
 * in the poller and every client thread sleeps on its condition variable. */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"
#include "log.h"

/* How long newcomers may wait for a slot that a leaving client is about to free. */
#define SLOT_WAIT_MS 1000

/* One loop per process, so the state is file-wide, as in chat-async's loop.c. */
static struct server_start *server;
static struct board *board;
static struct poller *poller;
static struct client **clients;     /* every client whose thread has not been reaped */
static size_t count;
static struct client **client_by_fd;
static size_t capacity;             /* the room's max_clients */
static size_t leaving;              /* clients whose input ended: their threads are leaving */
static long long slot_wait_until;   /* newcomers wait for a freeing slot until then (0: no) */
static struct catch_up join_catch_up;   /* a join line waiting for the members behind */
static const int *wake_fds;         /* client threads write a byte to [1] to wake this thread */
static bool stopping;
static long long shutdown_deadline;

/* ---- flow control (room.h, "Catching up") ------------------------------------------------ */

/* This thread must never wait, so a join line that must wait for the members behind waits
 * in the kernel's listen queue instead: newcomers are not accepted until then. Also used,
 * for a bounded time, while the room is full but some clients have closed their connection:
 * their slots are free as soon as their threads have left. Returns the time to look again,
 * or 0 to accept now. */
static long long newcomers_wait_until(void)
{
    long long now = clock_now_ms();
    if (count >= capacity && leaving > 0) {
        if (slot_wait_until == 0)
            slot_wait_until = now + SLOT_WAIT_MS;
        return now < slot_wait_until ? slot_wait_until : 0;
    }
    slot_wait_until = 0;
    board_lock(board);
    bool wait = board_must_wait_for_catch_up(board, &join_catch_up);
    board_unlock(board);
    return wait ? join_catch_up.deadline_ms : 0;
}

/* ---- the steps of a turn ---------------------------------------------------------------- */

static void drain_wake_pipe(void)
{
    char buf[256];
    ssize_t n;
    while ((n = read(wake_fds[0], buf, sizeof buf)) > 0)
        continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        log_line("cannot read the wake pipe: %s", strerror(errno));
}

/* Reap finished clients, and watch those that want input. */
static void watch_clients(bool accepting)
{
    server_watch(poller, wake_fds[0], POLLER_READ);
    server_watch(poller, server->stop_fd, stopping ? 0 : POLLER_READ);
    server_watch(poller, server->listen_fd, accepting ? POLLER_READ : 0);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        struct client *c = clients[i];
        enum client_state state = client_before_select(c);
        if (state == CLIENT_FINISHED) {
            if (!c->reading)
                leaving--;
            slot_wait_until = 0;    /* a slot is free: held newcomers may come in */
            if (poller_watch(poller, c->fd, 0) < 0)
            log_line("cannot stop watching fd %d: %s", c->fd, strerror(errno));
            client_by_fd[c->fd] = NULL;
            client_close(c);
            continue;
        }
        clients[kept++] = c;
        unsigned events = state == CLIENT_WATCH && !stopping ? POLLER_READ : 0;
        if (poller_watch(poller, c->fd, events) < 0)
            log_line("cannot watch %s (fd %d): %s", c->peer, c->fd, strerror(errno));
    }
    count = kept;
}

static bool admit(void *unused, int fd, const char *peer)
{
    (void)unused;
    /* The poller cannot watch an fd at or above its capacity (select(): FD_SETSIZE). */
    if (fd >= poller_capacity(poller) || count == capacity) {
        server_refuse(fd, peer, capacity, "server full");
        return true;
    }
    const char *why;
    struct client *c = client_open(board, fd, peer, wake_fds[1], server->options.sendq, &why);
    if (!c) {
        server_refuse(fd, peer, capacity, why);
        return true;
    }
    clients[count++] = c;
    client_by_fd[fd] = c;
    return newcomers_wait_until() == 0;     /* the next join line may have to wait */
}

static void accept_clients(void)
{
    server_accept_clients(server, capacity, admit, NULL);
}

/* Clients accepted this turn were not watched, so none of them is in the ready list. */
static void read_clients(int ready)
{
    for (int i = 0; i < ready; i++) {
        struct poller_event e = poller_ready(poller, i);
        struct client *c = client_by_fd[e.fd];
        if (c && (e.events & POLLER_READ) && !client_read(c))
            leaving++;
    }
}

static void begin_shutdown(void)
{
    log_line("shutting down");
    board_shutdown(board);          /* wakes every client thread: each has the notice to take */
    stopping = true;
    shutdown_deadline = clock_now_ms() + SERVER_SHUTDOWN_GRACE_MS;
}

/* The grace period is over: whoever is still there is stopped, then every thread joined. */
static void stop_everyone(void)
{
    for (size_t i = 0; i < count; i++)
        client_stop(clients[i]);
    for (size_t i = 0; i < count; i++)
        client_close(clients[i]);
    count = 0;
}

/* ---- the loop --------------------------------------------------------------------------- */

static bool loop_init(void)
{
    capacity = board->room.max_clients;
    clients = calloc(capacity, sizeof *clients);
    client_by_fd = calloc((size_t)poller_capacity(poller), sizeof *client_by_fd);
    if (!clients || !client_by_fd) {
        log_line("out of memory");
        return false;
    }
    return true;
}

int loop_run(struct server_start *s, struct board *b, struct poller *p, const int wake[2])
{
    server = s;
    board = b;
    poller = p;
    wake_fds = wake;
    if (!loop_init())
        return 1;

    int status = 0;
    for (;;) {
        int timeout = -1;           /* while serving, only an event ends the wait */
        long long look_again = stopping ? 0 : newcomers_wait_until();
        if (stopping)
            timeout = clock_ms_until(shutdown_deadline);
        else if (look_again)
            timeout = clock_ms_until(look_again);
        watch_clients(!stopping && look_again == 0);
        if (stopping && (count == 0 || timeout == 0))
            break;
        int ready = poller_wait(poller, timeout);
        if (ready < 0 && errno != EINTR) {
            log_line("waiting for events failed: %s", strerror(errno));
            status = 1;
            break;
        }
        if (ready <= 0)
            continue;               /* a signal (its byte is in the pipe) or a timeout */
        if (poller_is_ready(poller, ready, wake_fds[0]))
            drain_wake_pipe();      /* the next watch_clients() looks at every client */
        if (!stopping && poller_is_ready(poller, ready, s->stop_fd)) {
            begin_shutdown();
            continue;
        }
        /* Input first, so that a client that just closed counts as leaving when a newcomer
         * arrives in the same turn. */
        read_clients(ready);
        if (!stopping && poller_is_ready(poller, ready, s->listen_fd))
            accept_clients();
    }
    stop_everyone();
    free(clients);
    free(client_by_fd);
    return status;
}
