/* client.c - see client.h. */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "poller.h"
#include "server.h"
#include "session.h"

struct client *client_open(struct room *room, int fd, const char *peer, size_t sendq,
                           const char **why)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        *why = "out of memory";
        return NULL;
    }
    if (!room_attach(room, &c->member, c)) {
        *why = "server full";
        free(c);
        return NULL;
    }
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    framer_init(&c->framer);
    outbuf_init(&c->out, sendq);
    session_join(room, &c->member, &c->out);
    server_log_joined(c->member.nick, c->peer, fd);
    return c;
}

/* The peer is gone. Say so in the room right away, in this same turn, so that the quit line
 * goes out with everything else at the end of the turn. */
static void mark_broken(struct room *room, struct client *c, before_post_fn *before_post)
{
    c->broken = true;
    before_post();
    session_disconnect(room, &c->member);
}

void client_read(struct room *room, struct client *c, before_post_fn *before_post)
{
    char buf[SERVER_READ_CHUNK];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);

    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        mark_broken(room, c, before_post);
        return;
    }
    const char *p = buf;
    size_t left = n > 0 ? (size_t)n : 0;
    const char *line;
    size_t len;
    enum frame_kind kind;
    while ((kind = framer_next(&c->framer, &p, &left, &line, &len)) != FRAME_NONE) {
        before_post();
        session_input(room, &c->member, kind, line, len, &c->out);
    }
}

/* Send what the buffer holds, as much as the kernel takes now. False if it did not take it
 * all (the buffer is not empty: the poller says when to go on) or the connection broke. */
static bool send_what_fits(struct room *room, struct client *c, before_post_fn *before_post)
{
    while (outbuf_len(&c->out) > 0) {
        ssize_t n = net_send_ready(c->fd, outbuf_data(&c->out), outbuf_len(&c->out));
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                mark_broken(room, c, before_post);
            return false;               /* kernel buffer full: the poller says when to retry */
        }
        outbuf_consume(&c->out, (size_t)n);
    }
    return true;
}

/* The buffer is empty and the member still has lines in the log. A member in the room never
 * gets here for long: what it is owed fits in its buffer (--sendq), or the room cuts it off.
 * A /back is the exception: its held lines are bounded by --backlog, not --sendq, and the
 * core took only what fit. */
static void flush_held_lines(struct room *room, struct client *c, before_post_fn *before_post)
{
    /* BRB-SOLUTION-BEGIN: the rest of a /back's held lines: up to --backlog of them, far
     * more than one buffer (--sendq) and far more than the kernel takes at once. One thread
     * serves everyone, so two rules: never wait for this client (everyone would wait with
     * it), and never loop until it reads (the same, at 100% of a core). Send what the kernel
     * takes now, refilling the buffer from the log as it drains, and leave the rest for a
     * later turn. And make sure that there is a later turn: the loop comes back here only
     * when the poller reports the socket writable, and it asks the poller for writability
     * only while the buffer holds something (client_wanted_events()). (No step list here,
     * even in the full hints: the pieces are the ones client_send() uses just below.) */
    while (room_take(room, &c->member, &c->out) > 0 && send_what_fits(room, c, before_post))
        continue;
    /* BRB-SOLUTION-ELSE
    (void)room;
    (void)c;
    (void)before_post;
    BRB-SOLUTION-END */
}

void client_send(struct room *room, struct client *c, before_post_fn *before_post)
{
    if (c->broken || c->member.cut_off)
        return;
    room_take(room, &c->member, &c->out);
    if (send_what_fits(room, c, before_post) && room_has_pending(room, &c->member))
        flush_held_lines(room, c, before_post);
}

unsigned client_wanted_events(const struct client *c, bool stopping)
{
    unsigned events = 0;
    if (!stopping && c->member.in_room && !c->broken)
        events |= POLLER_READ;
    if (outbuf_len(&c->out) > 0 && !c->broken)
        events |= POLLER_WRITE;
    return events;
}

bool client_finished(const struct client *c)
{
    return c->broken || c->member.cut_off ||
           (room_member_done(&c->member) && outbuf_len(&c->out) == 0);
}

void client_close(struct room *room, struct client *c)
{
    session_disconnect(room, &c->member);
    room_detach(room, &c->member);
    server_log_left(&c->member, c->peer);
    net_close(c->fd, c->peer);
    outbuf_free(&c->out);
    free(c);
}
