/* client.c - see client.h. This file is the select() thread's side of a connection, plus
 * the two callbacks the board calls; the client thread itself is in client_thread.c. */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_thread.h"
#include "log.h"
#include "session.h"

static struct client *client_new(struct board *board, int fd, const char *peer,
                                 int reader_wake_fd, size_t sendq)
{
    struct client *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    c->board = board;
    c->reader_wake_fd = reader_wake_fd;
    framer_init(&c->framer);
    c->raw_next = c->raw;
    c->raw_left = 0;
    c->reading = true;
    outbuf_init(&c->out, sendq);
    pthread_mutex_init(&c->mutex, NULL);
    pthread_cond_init(&c->wakeup, NULL);
    inbox_init(&c->inbox);
    c->news = c->input_ended = c->stop = c->finished = false;
    return c;
}

static void client_free(struct client *c)
{
    outbuf_free(&c->out);
    pthread_cond_destroy(&c->wakeup);
    pthread_mutex_destroy(&c->mutex);
    free(c);
}

/* Start the thread with a small stack and every signal blocked: SIGINT and SIGTERM are then
 * always handled on the select() thread, never in the middle of a client's send(). */
static bool start_thread(struct client *c)
{
    pthread_attr_t attr;
    sigset_t all, saved;

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CLIENT_STACK_SIZE);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    int rc = pthread_create(&c->thread, &attr, client_thread_main, c);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        log_line("cannot start a thread for %s: %s", c->peer, strerror(rc));
    return rc == 0;
}

bool client_start(struct board *board, int fd, const char *peer, int reader_wake_fd,
                  size_t sendq, struct client **started)
{
    struct client *c = client_new(board, fd, peer, reader_wake_fd, sendq);
    if (!c)
        return false;

    /* Joining here, on the select() thread, rather than in the new thread, keeps the order
     * of events simple: a client is in the room before any of its input can be read, and a
     * shutdown notice posted by this same thread can never overtake a join. */
    char nick[CHAT_MAX_NICK + 1];
    board_lock(board);
    bool attached = room_attach(&board->room, &c->member, c);
    if (attached) {
        session_join(&board->room, &c->member, &c->out);
        memcpy(nick, c->member.nick, sizeof nick);
    }
    board_unlock(board);
    if (!attached) {
        client_free(c);
        return false;
    }
    if (!start_thread(c)) {
        board_lock(board);
        session_disconnect(&board->room, &c->member);
        room_detach(&board->room, &c->member);
        board_unlock(board);
        client_free(c);
        return false;
    }
    log_line("%s connected from %s (fd %d)", nick, c->peer, fd);
    *started = c;
    return true;
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
    shutdown(c->fd, SHUT_RDWR);
}

void client_destroy(struct client *c)
{
    pthread_join(c->thread, NULL);
    /* Only now, with its thread gone and its fd out of every fd_set, may the number be reused. */
    close(c->fd);
    client_free(c);
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
     * that send fail now. The fd stays open (and valid) until client_destroy(). */
    shutdown(c->fd, SHUT_RDWR);
    pthread_mutex_lock(&c->mutex);
    c->news = true;
    pthread_cond_signal(&c->wakeup);
    pthread_mutex_unlock(&c->mutex);
}
