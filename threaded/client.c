/* client.c - see client.h. */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_thread.h"
#include "clock.h"
#include "log.h"
#include "thread.h"

/* ---- the census ------------------------------------------------------------------------- */

static pthread_mutex_t census_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t census_changed;       /* a thread finished; monotonic deadlines */
static size_t running;                      /* started and not yet finished */
static struct client *finished;             /* finished, not yet joined */

int clients_init(void)
{
    int err = clock_cond_init(&census_changed);
    if (err != 0)
        log_line("cannot create the census condition variable: %s", strerror(err));
    return err;
}

/* The thread's last act. After the unlock it touches nothing shared, so the main thread may
 * join it (and free c) at any time. */
static void census_finished(struct client *c)
{
    pthread_mutex_lock(&census_mutex);
    running--;
    c->next_finished = finished;
    finished = c;
    pthread_cond_broadcast(&census_changed);
    pthread_mutex_unlock(&census_mutex);
}

void clients_reap_finished(void)
{
    pthread_mutex_lock(&census_mutex);
    struct client *list = finished;
    finished = NULL;
    pthread_mutex_unlock(&census_mutex);

    while (list) {
        struct client *c = list;
        list = c->next_finished;
        int err = pthread_join(c->thread, NULL);
        if (err != 0)
            log_line("cannot join the thread of %s: %s", c->peer, strerror(err));
        free(c);
    }
}

bool clients_wait_for_all(int timeout_ms)
{
    struct timespec deadline = clock_deadline_after_ms(timeout_ms < 0 ? 0 : timeout_ms);
    pthread_mutex_lock(&census_mutex);
    int err = 0;
    while (running > 0 && err != ETIMEDOUT) {
        if (timeout_ms < 0)
            pthread_cond_wait(&census_changed, &census_mutex);
        else
            err = pthread_cond_timedwait(&census_changed, &census_mutex, &deadline);
    }
    bool none_left = running == 0;
    pthread_mutex_unlock(&census_mutex);

    clients_reap_finished();
    return none_left;
}

/* ---- one client ------------------------------------------------------------------------- */

static void refuse(struct client *c, size_t capacity, const char *why)
{
    server_refuse(c->fd, c->peer, capacity, why);
    outbuf_free(&c->out);
    free(c);
}

/* Counted before it can possibly finish. */
static int start_thread(struct client *c)
{
    pthread_mutex_lock(&census_mutex);
    int err = thread_start(&c->thread, client_thread_main, c);
    if (err == 0)
        running++;
    pthread_mutex_unlock(&census_mutex);
    return err;
}

void client_open(struct board *b, int fd, const char *peer, const struct server_options *o)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        server_refuse(fd, peer, o->max_clients, "out of memory");
        return;
    }
    c->fd = fd;
    c->board = b;
    c->timeout_ms = o->timeout_ms;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    framer_init(&c->framer);
    outbuf_init(&c->out, o->sendq);

    /* Attaching takes a place in the room: that is what bounds the number of threads. */
    board_lock(b);
    bool attached = room_attach(&b->room, &c->member, c);
    board_unlock(b);
    if (!attached) {
        refuse(c, o->max_clients, "server full");
        return;
    }
    int err = start_thread(c);
    if (err == 0)
        return;                         /* from here on, c belongs to its thread */

    /* The system will not give us another thread: for now, the clients we have are all we
     * can serve, and that is the capacity the refusal reports. The member never joined, so
     * it leaves no trace in the room. */
    board_lock(b);
    room_detach(&b->room, &c->member);
    size_t capacity = b->room.count;
    board_unlock(b);
    char reason[96];
    snprintf(reason, sizeof reason, "cannot start a thread: %s", strerror(err));
    refuse(c, capacity, reason);
}

void client_close(struct client *c)
{
    /* Out of the room, no other thread can reach this socket through on_cut_off any more:
     * only now may the descriptor be closed and its number reused. */
    net_close(c->fd, c->peer);
    outbuf_free(&c->out);
    census_finished(c);
}

void client_unblock(struct member *m)
{
    struct client *c = m->owner;
    net_unblock(c->fd, c->peer);
}

void client_wake_away(struct member *m)
{
    /* BRB-SOLUTION-BEGIN: the server is shutting down and m is away: if its thread waits
     * for its own client with no timeout (went_away() in client_thread.c), nothing in the
     * room will ever wake it, yet it must come and send the shutdown notice. Wake it from
     * here (another thread, board locked) without closing the connection: the notice still
     * has to go out on it. Never close or free anything here: the client's own thread owns
     * its socket and closes it.
     * How: shutdown(2) of the receiving side only makes a recv() blocked on the socket
     * return 0 (and every later one). Check the call's result: ENOTCONN is harmless (the
     * peer is already gone); log anything else with log_line(). */
    struct client *c = m->owner;
    if (shutdown(c->fd, SHUT_RD) < 0 && errno != ENOTCONN)
        log_line("cannot wake the thread of %s: %s", c->peer, strerror(errno));
    /* BRB-SOLUTION-ELSE
    (void)m;
    BRB-SOLUTION-END */
}

void clients_unblock_all(struct board *b)
{
    board_lock(b);
    for (size_t i = 0; i < b->room.count; i++)
        client_unblock(b->room.members[i]);
    board_unlock(b);
}
