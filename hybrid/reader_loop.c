/* reader_loop.c - see reader_loop.h.
 *
 * One turn: reap client threads that have finished, put every client that can take more
 * input in the read set, select(), then do a bounded amount of work for each ready fd (one
 * recv() per client, a few accepts). No timeout while serving: with nobody talking, this
 * thread sleeps in select() and every client thread sleeps on its condition variable. */
#include "reader_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "net.h"

#define ACCEPTS_PER_TURN 64
#define SHUTDOWN_GRACE_MS 2000
/* How long newcomers may wait for a slot that a leaving client is about to free. */
#define ADMIT_WAIT_MS 1000

struct reader {
    struct board *board;
    struct reader_setup *setup;
    struct client **clients;        /* every client whose thread has not been reaped */
    size_t count;
    size_t capacity;                /* the room's max_clients */
    size_t leaving;                 /* clients whose input ended: their threads are leaving */
    long long hold_until;           /* holding newcomers back until then (0: not holding) */
};

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Newcomers wait in the kernel's listen queue, for a bounded time, in two cases:
 * - The room is full but some clients have closed their connection: their slots will be free
 *   as soon as their threads have left the room. They wait for as long as somebody leaves at
 *   least every ADMIT_WAIT_MS. (A thread stuck in a send to a client that closed only half
 *   its connection could otherwise hold them back for good.)
 * - A join line posted now would cut off a reader that simply has not taken its lines yet
 *   (a burst with a small --backlog or --sendq). The join waits up to BOARD_CATCH_UP_MS, as
 *   a chat line does in board_make_room(); whoever is still behind then is too slow. */
static bool holding_newcomers(struct reader *r, long long now)
{
    bool slots_freeing = r->count >= r->capacity && r->leaving > 0;
    bool readers_behind = !slots_freeing && board_post_would_cut(r->board);

    if (!slots_freeing && !readers_behind) {
        r->hold_until = 0;
        return false;
    }
    if (r->hold_until == 0)
        r->hold_until = now + (slots_freeing ? ADMIT_WAIT_MS : BOARD_CATCH_UP_MS);
    return now < r->hold_until;
}

static void refuse(struct reader *r, int fd)
{
    log_line("refused a connection on fd %d: server full", fd);
    net_refuse(fd, r->capacity);
}

static void accept_clients(struct reader *r)
{
    struct reader_setup *s = r->setup;

    for (int i = 0; i < ACCEPTS_PER_TURN && !holding_newcomers(r, now_ms()); i++) {
        char peer[48];
        int fd = net_accept_or_refuse(s->listen_fd, &s->spare_fd, r->capacity, peer, sizeof peer);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE))
            continue;               /* refused: out of descriptors */
        if (fd < 0)
            return;                 /* EAGAIN: nobody else is waiting */
        /* select() can only watch fds below FD_SETSIZE: anything above never gets near
         * FD_SET. (The capacity is set so that a full array is also a full room, and the
         * other way round.) */
        struct client *c;
        if (fd >= FD_SETSIZE || r->count == r->capacity ||
            !client_start(r->board, fd, peer, s->wake_write_fd, s->sendq, &c)) {
            refuse(r, fd);
            continue;
        }
        r->clients[r->count++] = c;
    }
}

static void drain(int fd)
{
    char buf[256];
    while (read(fd, buf, sizeof buf) > 0)
        continue;
}

static void watch(int fd, fd_set *set, int *maxfd)
{
    FD_SET(fd, set);
    if (fd > *maxfd)
        *maxfd = fd;
}

/* Reap finished clients and put those that want input in the read set. */
static void watch_clients(struct reader *r, bool stopping, fd_set *readable, int *maxfd)
{
    size_t kept = 0;

    for (size_t i = 0; i < r->count; i++) {
        struct client *c = r->clients[i];
        enum client_state state = client_before_select(c);
        if (state == CLIENT_FINISHED) {
            if (!c->reading)
                r->leaving--;
            r->hold_until = 0;      /* a slot is free: held newcomers may come in */
            client_destroy(c);
            continue;
        }
        r->clients[kept++] = c;
        if (state == CLIENT_WATCH && !stopping)
            watch(c->fd, readable, maxfd);
    }
    r->count = kept;
}

static void read_clients(struct reader *r, size_t polled, fd_set *readable)
{
    for (size_t i = 0; i < polled; i++) {
        struct client *c = r->clients[i];
        if (FD_ISSET(c->fd, readable) && !client_read(c))
            r->leaving++;
    }
}

static void begin_shutdown(struct reader *r)
{
    log_line("shutting down");
    board_lock(r->board);
    room_shutdown(&r->board->room);
    board_unlock(r->board);         /* wakes every client thread: each has the notice to take */
}

/* The grace period is over: whoever is still there is stopped, then every thread joined. */
static void stop_everyone(struct reader *r)
{
    for (size_t i = 0; i < r->count; i++)
        client_stop(r->clients[i]);
    for (size_t i = 0; i < r->count; i++)
        client_destroy(r->clients[i]);
    r->count = 0;
}

static struct timeval *timeout_until(long long deadline, long long now, struct timeval *tv)
{
    long long left = deadline > now ? deadline - now : 0;
    tv->tv_sec = left / 1000;
    tv->tv_usec = (left % 1000) * 1000;
    return tv;
}

int reader_loop_run(struct board *board, struct reader_setup *setup)
{
    struct reader r = { .board = board, .setup = setup, .capacity = board->room.max_clients };
    r.clients = calloc(r.capacity, sizeof *r.clients);
    if (!r.clients) {
        log_line("out of memory");
        return 1;
    }

    bool stopping = false;
    long long deadline = 0;
    int status = 0;
    for (;;) {
        fd_set readable;
        int maxfd = -1;
        struct timeval tv, *timeout = NULL;

        FD_ZERO(&readable);
        watch(setup->wake_fd, &readable, &maxfd);
        watch_clients(&r, stopping, &readable, &maxfd);
        long long now = now_ms();
        if (stopping) {
            if (r.count == 0 || now >= deadline)
                break;
            timeout = timeout_until(deadline, now, &tv);
        } else {
            watch(setup->stop_fd, &readable, &maxfd);
            if (holding_newcomers(&r, now))
                timeout = timeout_until(r.hold_until, now, &tv);
            else
                watch(setup->listen_fd, &readable, &maxfd);
        }

        int ready = select(maxfd + 1, &readable, NULL, NULL, timeout);
        if (ready < 0 && errno != EINTR) {
            log_line("select failed: %s", strerror(errno));
            status = 1;
            break;
        }
        if (ready <= 0)
            continue;               /* a signal (its byte is in the pipe) or a timeout */

        if (FD_ISSET(setup->wake_fd, &readable))
            drain(setup->wake_fd);  /* the next watch_clients() looks at every client */
        if (!stopping && FD_ISSET(setup->stop_fd, &readable)) {
            begin_shutdown(&r);
            stopping = true;
            deadline = now_ms() + SHUTDOWN_GRACE_MS;
            continue;
        }
        /* Input first, so that a client that just closed counts as leaving when a newcomer
         * arrives in the same turn. Clients accepted below were not in the set. */
        read_clients(&r, r.count, &readable);
        if (!stopping && FD_ISSET(setup->listen_fd, &readable))
            accept_clients(&r);
    }
    stop_everyone(&r);
    free(r.clients);
    return status;
}
