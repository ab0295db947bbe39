/* client_thread.c - see client_thread.h. */
#include "client_thread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "framer.h"
#include "log.h"
#include "net.h"
#include "outbuf.h"
#include "session.h"
#include "threads.h"

/* One recv() at most: dozens of lines. The thread holds the write lock while it applies
 * them, so a flooding client gets the board in bounded slices, like everyone else. */
#define READ_CHUNK 4096

/* The next complete line from the client, framed but not applied yet. Usually it is applied
 * at once; it stays here while it is held back for slow readers (board_post_must_wait). The
 * text stays valid in the framer until the framer is called again (framer.h). */
struct next_line {
    bool present;
    enum frame_kind kind;
    const char *text;
    size_t len;
};

struct client {
    int fd;                     /* set before the thread starts, never changed */
    char peer[48];
    int timeout_ms;
    struct board *board;
    struct member member;       /* the room's view of us: only under the board lock */
    /* The rest is this thread's own. */
    struct outbuf out;          /* direct replies and taken room lines, not yet sent */
    bool sent_since_take;       /* out was sent after the last room_take(), which still
                                   counts it as unsent: come back soon to say so */
    char input[READ_CHUNK];     /* received, not yet cut into lines */
    const char *input_next;
    size_t input_left;
    struct framer framer;
    struct next_line line;
    struct post_hold hold;
};

/* ---- step 1 and 2: take lines as a reader, send them with no lock held ------------------ */

/* Returns false when the connection is to close: cut off, broken, or quit and fully served. */
static bool deliver(struct client *c)
{
    struct board *b = c->board;

    board_lock_for_reading(b);
    bool cut_off = c->member.cut_off;
    /* room_take also tells the room how much output is waiting to be sent (for --sendq). */
    size_t taken = cut_off ? 0 : room_take(&b->room, &c->member, &c->out);
    bool done = room_member_done(&c->member);
    board_unlock_after_reading(b);

    if (cut_off)
        return false;                   /* whatever is still buffered is discarded */
    /* Lines taken, or output the room counted as unsent now known to be sent: either may
     * be what a poster waiting in board_wait_for_readers() needs. */
    if (taken > 0 || c->sent_since_take)
        board_note_reader_progress(b);
    c->sent_since_take = false;
    if (outbuf_len(&c->out) == 0)
        return !done;
    /* Blocks for as long as the client takes to read. Only this thread waits: nobody else
     * needs anything from it, and no lock is held. */
    if (!net_send_all(c->fd, outbuf_data(&c->out), outbuf_len(&c->out)))
        return false;
    outbuf_consume(&c->out, outbuf_len(&c->out));
    c->sent_since_take = true;
    return !done;
}

/* ---- step 3: receive, or time out (or wait for slow readers) ---------------------------- */

/* Returns false when the connection is to close. */
static bool receive(struct client *c)
{
    if (c->line.present) {
        /* A line is held back: what it waits for is other readers, not this client. */
        board_wait_for_readers(c->board, &c->hold);
        return true;
    }
    /* Right after a send, only look for input that is already there, then go straight back
     * to the board: more lines may be waiting, and the room must hear the output was sent. */
    ssize_t n = recv(c->fd, c->input, sizeof c->input, c->sent_since_take ? MSG_DONTWAIT : 0);
    if (n == 0)
        return false;                   /* the client closed, or a cut-off shut us down */
    if (n < 0)                          /* EAGAIN: the timeout ended, nothing arrived */
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c->input_next = c->input;
    c->input_left = (size_t)n;
    return true;
}

/* ---- step 4: apply the lines as a writer ------------------------------------------------ */

/* With the write lock held: take our own pending lines, so that we are never the laggard
 * that our own post would wait for. */
static void take_own_lines(struct client *c)
{
    struct board *b = c->board;
    if (!c->member.cut_off &&
        (room_take(&b->room, &c->member, &c->out) > 0 || c->sent_since_take))
        board_note_reader_progress(b);
    c->sent_since_take = false;
}

/* Take the write lock to join or to leave the room. Both post a line, so readers get to catch
 * up first, as for the client's own lines (but with no input to come back to, this just
 * waits). Leaving posts only for a member still in the room: after /quit or a cut-off there
 * is nothing to wait for. */
static void lock_for_join_or_leave(struct client *c, bool leaving)
{
    struct board *b = c->board;

    board_lock_for_writing(b);
    take_own_lines(c);
    while ((!leaving || c->member.in_room) && board_post_must_wait(b, &c->hold)) {
        board_unlock_after_writing(b);
        board_wait_for_readers(b, &c->hold);
        board_lock_for_writing(b);
        take_own_lines(c);
    }
}

/* Cut the next complete line out of the input; false if there is none yet. */
static bool frame_next_line(struct client *c)
{
    struct next_line *l = &c->line;
    l->text = NULL;
    l->len = 0;
    l->kind = framer_next(&c->framer, &c->input_next, &c->input_left, &l->text, &l->len);
    l->present = l->kind != FRAME_NONE;
    return l->present;
}

/* Returns false if the member was cut off meanwhile. */
static bool apply_input(struct client *c)
{
    struct board *b = c->board;
    if (!c->line.present && c->input_left == 0)
        return true;                    /* the timeout ended: nothing to write */

    board_lock_for_writing(b);
    while (!b->stopping && !c->member.cut_off) {
        take_own_lines(c);
        if (!c->line.present && !frame_next_line(c))
            break;                      /* all input applied */
        if (board_post_must_wait(b, &c->hold))
            break;                      /* keep the line; deliver, wait, and try again */
        session_input(&b->room, &c->member, c->line.kind, c->line.text, c->line.len, &c->out);
        c->line.present = false;
    }
    if (b->stopping || c->member.cut_off) {
        c->line.present = false;        /* the rest of the input no longer matters */
        c->input_left = 0;
    }
    bool cut_off = c->member.cut_off;
    board_unlock_after_writing(b);
    return !cut_off;
}

/* ---- the thread ------------------------------------------------------------------------ */

static void leave_and_close(struct client *c)
{
    struct board *b = c->board;
    char nick[sizeof c->member.nick];

    outbuf_consume(&c->out, outbuf_len(&c->out));   /* what was not sent never will be */
    lock_for_join_or_leave(c, true);
    const char *why = c->member.cut_off ? "too slow"
                    : b->stopping ? "server shutting down"
                    : c->member.quit ? "quit" : "connection closed";
    memcpy(nick, c->member.nick, sizeof nick);
    session_disconnect(&b->room, &c->member);
    room_detach(&b->room, &c->member);
    board_unlock_after_writing(b);

    /* Out of the room, no other thread can reach this socket through on_cut_off any more:
     * only now may the descriptor be closed and its number reused. */
    close(c->fd);
    log_line("%s disconnected (%s)", nick[0] ? nick : c->peer, why);
    outbuf_free(&c->out);
    free(c);
}

/* Join the room: welcome, history and the join line. False if the server began shutting
 * down after the connection was accepted: like a connection still waiting in the listen
 * queue then, it was never in the room, and it is closed without a word. */
static bool join_room(struct client *c)
{
    struct board *b = c->board;
    char nick[sizeof c->member.nick];

    lock_for_join_or_leave(c, false);
    bool joined = !b->stopping;
    if (joined)
        session_join(&b->room, &c->member, &c->out);
    memcpy(nick, c->member.nick, sizeof nick);
    board_unlock_after_writing(b);
    if (joined)
        log_line("%s connected from %s (fd %d)", nick, c->peer, c->fd);
    return joined;
}

static void client_thread_main(void *arg)
{
    struct client *c = arg;

    /* The heart of this design: recv() gives up after timeout_ms, so the thread gets round
     * to the board at least that often, whether or not its client says anything. */
    struct timeval tv = { .tv_sec = c->timeout_ms / 1000,
                          .tv_usec = (c->timeout_ms % 1000) * 1000 };
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    if (join_room(c)) {
        while (deliver(c) && receive(c) && apply_input(c))
            ;
    }
    leave_and_close(c);
}

/* ---- admitting, refusing, unblocking ---------------------------------------------------- */

static void refuse(struct client *c, size_t capacity, const char *why)
{
    log_line("refused %s: %s", c->peer, why);
    net_refuse(c->fd, capacity);
    outbuf_free(&c->out);
    free(c);
}

void client_thread_admit(struct board *b, int fd, const char *peer,
                         const struct server_options *o)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        log_line("refused %s: out of memory", peer);
        net_refuse(fd, o->max_clients);
        return;
    }
    c->fd = fd;
    c->board = b;
    c->timeout_ms = o->timeout_ms;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    framer_init(&c->framer);
    outbuf_init(&c->out, o->sendq);

    /* Attaching takes a place in the room: that is what bounds the number of threads. */
    board_lock_for_writing(b);
    bool attached = room_attach(&b->room, &c->member, c);
    board_unlock_after_writing(b);
    if (!attached) {
        refuse(c, o->max_clients, "server full");
        return;
    }
    if (threads_start(client_thread_main, c))
        return;                         /* from here on, c belongs to its thread */

    /* The system will not give us another thread: for now, the clients we have are all we
     * can serve, and that is the capacity the refusal reports. The member never joined, so
     * it leaves no trace in the room. */
    const char *why = strerror(errno);
    board_lock_for_writing(b);
    room_detach(&b->room, &c->member);
    size_t capacity = b->room.count;
    board_unlock_after_writing(b);
    char reason[96];
    snprintf(reason, sizeof reason, "cannot start a thread: %s", why);
    refuse(c, capacity, reason);
}

void client_thread_unblock(struct member *m)
{
    struct client *c = m->owner;
    shutdown(c->fd, SHUT_RDWR);
}

void client_thread_unblock_all(struct board *b)
{
    board_lock_for_writing(b);
    for (size_t i = 0; i < b->room.count; i++)
        client_thread_unblock(b->room.members[i]);
    board_unlock_after_writing(b);
}
