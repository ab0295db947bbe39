/* conn.c - see conn.h. */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "session.h"

/* One read per readable connection per turn. Lines are short, so this is dozens of lines:
 * enough to keep a busy client busy, small enough that nobody waits long for their turn. */
#define READ_CHUNK 4096

struct conn *conn_open(struct room *room, int fd, const char *peer, size_t sendq)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (!room_attach(room, &c->member, c)) {
        free(c);
        return NULL;
    }
    c->fd = fd;
    strncpy(c->peer, peer, sizeof c->peer - 1);
    framer_init(&c->framer);
    outbuf_init(&c->out, sendq);
    session_join(room, &c->member, &c->out);
    log_line("%s connected from %s (fd %d)", c->member.nick, c->peer, fd);
    return c;
}

/* The peer is gone. Say so in the room right away, in this same turn, so that the quit line
 * goes out with everything else at the end of the turn. */
static void mark_broken(struct room *room, struct conn *c, before_post_fn *before_post)
{
    c->broken = true;
    before_post();
    session_disconnect(room, &c->member);
}

void conn_read(struct room *room, struct conn *c, before_post_fn *before_post)
{
    char buf[READ_CHUNK];
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

void conn_flush(struct room *room, struct conn *c, before_post_fn *before_post)
{
    if (c->broken || c->member.cut_off)
        return;
    room_take(room, &c->member, &c->out);
    while (outbuf_len(&c->out) > 0) {
        ssize_t n = net_send_ready(c->fd, outbuf_data(&c->out), outbuf_len(&c->out));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                mark_broken(room, c, before_post);
            return;                     /* kernel buffer full: select() tells us when to retry */
        }
        outbuf_consume(&c->out, (size_t)n);
        /* Room freed up: there may be more lines waiting for it. */
        room_take(room, &c->member, &c->out);
    }
}

bool conn_finished(const struct conn *c)
{
    return c->broken || c->member.cut_off ||
           (room_member_done(&c->member) && outbuf_len(&c->out) == 0);
}

void conn_close(struct room *room, struct conn *c)
{
    const char *why = c->member.cut_off ? "too slow" : c->member.quit ? "quit" : "connection closed";
    log_line("%s disconnected (%s)", c->member.nick, why);
    session_disconnect(room, &c->member);
    room_detach(room, &c->member);
    close(c->fd);
    outbuf_free(&c->out);
    free(c);
}
