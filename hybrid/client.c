/* client.c - see client.h. This file is the select() thread's side of a connection, plus
 * the two callbacks the board calls; the client thread itself is in client_thread.c. */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_thread.h"
#include "log.h"
#include "session.h"
#include "thread.h"

static void client_free(struct client *c)
{
    outbuf_free(&c->out);
    pthread_cond_destroy(&c->wakeup);
    pthread_mutex_destroy(&c->mutex);
    free(c);
}

static struct client *client_new(struct board *board, int fd, const char *peer,
                                 int select_wake_fd, size_t sendq, const char **why)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        *why = "out of memory";
        return NULL;
    }
    int err = pthread_mutex_init(&c->mutex, NULL);
    if (err == 0 && (err = pthread_cond_init(&c->wakeup, NULL)) != 0)
        pthread_mutex_destroy(&c->mutex);
    if (err != 0) {
        log_line("cannot create a mutex or condition variable: %s", strerror(err));
        *why = "out of resources";
        free(c);
        return NULL;
    }
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    c->board = board;
    c->select_wake_fd = select_wake_fd;
    framer_init(&c->framer);
    c->raw_next = c->raw;
    c->reading = true;
    outbuf_init(&c->out, sendq);
    inbox_init(&c->inbox);
    return c;
}

struct client *client_open(struct board *board, int fd, const char *peer, int select_wake_fd,
                           size_t sendq, const char **why)
{
    struct client *c = client_new(board, fd, peer, select_wake_fd, sendq, why);
    if (!c)
        return NULL;
    char nick[CHAT_MAX_NICK + 1];

    /* Joining here, on the select() thread, rather than in the new thread, keeps the order
     * of events simple: a client is in the room before any of its input can be read, and a
     * shutdown notice posted by this same thread can never overtake a join. */
    board_lock(board);
    bool attached = board_attach(board, &c->member, c);
    if (attached) {
        session_join(&board->room, &c->member, &c->out);
        memcpy(nick, c->member.nick, sizeof nick);
    }
    board_unlock(board);
    if (!attached) {
        *why = "server full";
        client_free(c);
        return NULL;
    }
    int err = thread_start(&c->thread, client_thread_main, c);
    if (err != 0) {
        log_line("cannot start a thread for %s: %s", c->peer, strerror(err));
        *why = "cannot start a thread";
        board_lock(board);
        session_disconnect(&board->room, &c->member);
        board_detach(board, &c->member);
        board_unlock(board);
        client_free(c);
        return NULL;
    }
    server_log_joined(nick, c->peer, fd);
    return c;
}

/* Frame buffered bytes into the inbox until one or the other runs out. Mutex held. */
static void hand_over_lines(struct client *c)
{
    bool handed = false;
    const char *line = NULL;
    size_t len = 0;

    while (!inbox_full(&c->inbox)) {
        enum frame_kind kind = framer_next(&c->framer, &c->raw_next, &c->raw_left, &line, &len);
        if (kind == FRAME_NONE)
            break;
        inbox_push(&c->inbox, kind, line, kind == FRAME_LINE ? len : 0);
        handed = true;
    }
    if (handed)
        pthread_cond_signal(&c->wakeup);
}

enum client_state client_before_select(struct client *c)
{
    enum client_state state;

    pthread_mutex_lock(&c->mutex);
    if (c->finished) {
        state = CLIENT_FINISHED;
    } else {
        if (c->raw_left > 0)
            hand_over_lines(c);     /* its thread made room since the last turn */
        bool more_wanted = c->reading && c->raw_left == 0 && !inbox_full(&c->inbox);
        state = more_wanted ? CLIENT_WATCH : CLIENT_PAUSED;
    }
    pthread_mutex_unlock(&c->mutex);
    return state;
}

bool client_read(struct client *c)
{
    /* MSG_DONTWAIT rather than O_NONBLOCK: the flag would be shared with the client thread,
     * whose sends must block. */
    ssize_t n = recv(c->fd, c->raw, sizeof c->raw, MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return true;
    pthread_mutex_lock(&c->mutex);
    if (n > 0) {
        c->raw_next = c->raw;
        c->raw_left = (size_t)n;
        hand_over_lines(c);
    } else {
        /* EOF or error: a partial line without its "\n" is not a line; it is dropped. */
        c->reading = false;
        c->input_ended = true;
        pthread_cond_signal(&c->wakeup);
    }
    pthread_mutex_unlock(&c->mutex);
    return c->reading;
}

void client_stop(struct client *c)
{
    pthread_mutex_lock(&c->mutex);
    c->stop = true;
    pthread_cond_signal(&c->wakeup);
    pthread_mutex_unlock(&c->mutex);
    /* A thread blocked in send() to a client that does not read gets an error at once. */
    net_unblock(c->fd, c->peer);
}

void client_close(struct client *c)
{
    int err = pthread_join(c->thread, NULL);
    if (err != 0) {
        /* Its socket may still be in use: closing it could hit a reused number. */
        log_line("cannot join the thread of %s: %s", c->peer, strerror(err));
        exit(1);
    }
    /* Only now, with its thread gone and its fd out of every fd_set, may the number be reused. */
    net_close(c->fd, c->peer);
    client_free(c);
}

void client_wake_select_thread(struct client *c)
{
    /* A full pipe already holds a wake-up the select thread has not read: enough. */
    if (write(c->select_wake_fd, "x", 1) < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        log_line("cannot wake the select thread: %s", strerror(errno));
}

void client_wake_taker(struct member *m)
{
    struct client *c = m->owner;

    pthread_mutex_lock(&c->mutex);
    if (!c->news) {                 /* already told: one wake-up covers any number of lines */
        c->news = true;
        pthread_cond_signal(&c->wakeup);
    }
    pthread_mutex_unlock(&c->mutex);
}

void client_on_cut_off(struct member *m)
{
    struct client *c = m->owner;

    /* Its thread may be blocked in send() to a client that stopped reading: shutdown() makes
     * that send fail now. The fd stays open (and valid) until client_close(). */
    net_unblock(c->fd, c->peer);
    pthread_mutex_lock(&c->mutex);
    c->news = true;
    pthread_cond_signal(&c->wakeup);
    pthread_mutex_unlock(&c->mutex);
}
