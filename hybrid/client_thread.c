/* client_thread.c - see client_thread.h, and client.h for who owns which field. */
#include "client_thread.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "net.h"
#include "session.h"

/* What one locked pass over the room decided. */
struct pass {
    bool close_now;     /* cut off, or the connection broke: drop the output and close */
    bool last_send;     /* input ended after /quit: send what it is owed without waiting */
    bool done;          /* quit and took every line it is owed: close once out is sent */
    bool more;          /* lines are still waiting (out was full): go round without sleeping */
};

/* Sleep until there is something to do (unless `more` says there already is). Returns false
 * when told to stop. */
static bool wait_for_work(struct client *c, bool more)
{
    pthread_mutex_lock(&c->mutex);
    while (!more && !c->stop && !c->news && inbox_empty(&c->inbox) && !c->input_ended)
        pthread_cond_wait(&c->wakeup, &c->mutex);
    c->news = false;                /* whatever was posted so far, the pass below takes */
    bool stop = c->stop;
    pthread_mutex_unlock(&c->mutex);
    return !stop;
}

/* Take the oldest input line, if any. *ended: there is none and none will come. *select_paused:
 * the inbox was full, so the select() thread stopped reading us and must be told. */
static bool next_line(struct client *c, struct inbox_line *line, bool *ended,
                      bool *select_paused)
{
    pthread_mutex_lock(&c->mutex);
    if (inbox_full(&c->inbox))
        *select_paused = true;
    bool got = inbox_pop(&c->inbox, line);
    *ended = !got && c->input_ended;
    pthread_mutex_unlock(&c->mutex);
    return got;
}

static bool has_input(struct client *c)
{
    pthread_mutex_lock(&c->mutex);
    bool has = !inbox_empty(&c->inbox);
    pthread_mutex_unlock(&c->mutex);
    return has;
}

/* Apply queued input lines to the room, board locked. Stops early (*stalled) when the output
 * this client holds must be sent before the room can take more lines. Returns true when
 * every line was applied and the input has ended. */
static bool apply_input(struct client *c, bool *stalled, bool *select_paused)
{
    struct board *b = c->board;
    struct member *m = &c->member;
    struct inbox_line line;         /* a copy: the select() thread may refill the slot */
    bool ended = false;

    while (!m->cut_off) {
        /* Check before waiting: no point holding back for a line that is not there. */
        if (has_input(c) && !board_catch_up(b, m, &c->out, &c->catch_up)) {
            *stalled = true;
            return false;
        }
        if (!next_line(c, &line, &ended, select_paused))
            break;
        /* BRB-SOLUTION-BEGIN: a command may change who may take room lines (/brb, /back,
         * a chat line's implicit back): the board must hear of it (board_hold_changed()). */
        bool was_away = m->away;
        session_input(&b->room, m, line.kind, line.text, line.len, &c->out);
        if (m->away != was_away)
            board_hold_changed(b, m);
        /* BRB-SOLUTION-ELSE
        session_input(&b->room, m, line.kind, line.text, line.len, &c->out);
        BRB-SOLUTION-END */
    }
    return ended;
}

/* One locked pass: apply input, take room lines into out, decide what comes next. */
static struct pass apply_and_take(struct client *c)
{
    struct board *b = c->board;
    struct member *m = &c->member;
    struct pass p = { false, false, false, false };
    bool stalled = false, select_paused = false;

    board_lock(b);
    bool ended = apply_input(c, &stalled, &select_paused);
    if (ended) {
        /* Gone without /quit: leave now. After /quit it is still owed its last lines, and
         * gets them if it still reads; but a client that closed its side is never waited
         * for, so the thread cannot get stuck on it. */
        if (m->in_room) {
            session_disconnect(&b->room, m);
            p.close_now = true;
        } else {
            p.last_send = true;
        }
    }
    board_take(b, m, &c->out);
    p.close_now = p.close_now || m->cut_off;
    p.done = room_member_done(m);
    p.more = stalled || room_has_pending(&b->room, m);
    board_unlock(b);

    if (select_paused)
        client_wake_select_thread(c);   /* our inbox has room: it may read our socket again */
    return p;
}

static void send_without_waiting(struct client *c)
{
    while (outbuf_len(&c->out) > 0) {
        ssize_t n = net_send_ready(c->fd, outbuf_data(&c->out), outbuf_len(&c->out));
        if (n <= 0)
            return;                 /* full or broken: it closed its side, it is not waited for */
        outbuf_consume(&c->out, (size_t)n);
    }
}

/* Leave the room for good and hand the socket back to the select() thread. */
static void leave(struct client *c)
{
    struct board *b = c->board;
    struct member *m = &c->member;

    board_lock(b);
    session_disconnect(&b->room, m);    /* "(connection closed)" if it was still in the room */
    board_detach(b, m);                 /* from now on no other thread looks at this client */
    board_unlock(b);
    server_log_left(m, c->peer);

    pthread_mutex_lock(&c->mutex);
    c->finished = true;
    pthread_mutex_unlock(&c->mutex);
    client_wake_select_thread(c);
}

void *client_thread_main(void *arg)
{
    struct client *c = arg;
    bool more = true;               /* the welcome is in out; its join line is in the log */

    while (wait_for_work(c, more)) {
        struct pass p = apply_and_take(c);
        if (p.close_now)
            break;
        if (p.last_send) {
            send_without_waiting(c);
            break;
        }
        /* The only blocking call, made with no lock held: a client that reads slowly slows
         * down this thread and nobody else. */
        size_t sent = outbuf_len(&c->out);
        if (!net_send_all(c->fd, outbuf_data(&c->out), sent))
            break;
        outbuf_consume(&c->out, sent);
        if (p.done && !p.more)
            break;
        /* The room still counts what was just sent as unsent (against --sendq) until our next
         * room_take() records the new, empty buffer. So after sending, go round once more
         * before sleeping: it clears that count and takes any line posted meanwhile. */
        more = p.more || sent > 0;
    }
    leave(c);
    return NULL;
}
