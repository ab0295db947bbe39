/* session.c - see session.h. Every text the server sends is written here. */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "command.h"
#include "nick.h"
#include "text.h"

/* Direct replies must fit in the client's output buffer (--sendq); one that does not means
 * the client has stopped reading, so the room drops it. */
#define reply(room, m, out, ...)                      \
    do {                                              \
        if (!outbuf_printf((out), __VA_ARGS__))       \
            room_cut_off((room), (m));                \
    } while (0)

static void pick_guest_nick(struct room *room, struct member *m)
{
    for (;;) {
        snprintf(m->nick, sizeof m->nick, "guest%u", room->next_guest++);
        if (!room_find_nick(room, m->nick, strlen(m->nick)))
            return;
    }
}

/* The last K room lines, K = min(--replay, lines kept). In the unusual configuration where
 * they would not fit in --sendq, the oldest of them are left out rather than drop a client
 * before it has had a chance to read. */
static void send_history(struct room *room, struct member *m, struct outbuf *out)
{
    uint64_t next = roomlog_next(&room->log);
    uint64_t kept = next - roomlog_first(&room->log);
    uint64_t k = kept < room->replay ? kept : room->replay;
    size_t frame = 64;                      /* the two notices around the lines */
    size_t bytes = frame;

    for (uint64_t n = next - k; n < next; n++)
        bytes += roomlog_get(&room->log, n)->len;
    while (k > 0 && bytes > outbuf_space(out))
        bytes -= roomlog_get(&room->log, next - k--)->len;
    if (k == 0)
        return;
    reply(room, m, out, "* history: %llu lines\n", (unsigned long long)k);
    for (uint64_t n = next - k; n < next; n++) {
        const struct logline *line = roomlog_get(&room->log, n);
        outbuf_append(out, line->text, line->len);
    }
    reply(room, m, out, "* end of history\n");
}

void session_join(struct room *room, struct member *m, struct outbuf *out)
{
    pick_guest_nick(room, m);
    m->in_room = true;
    reply(room, m, out, "* welcome %s, %zu users online, type /help for commands\n",
          m->nick, room_online(room));
    send_history(room, m, out);
    m->cursor = roomlog_next(&room->log);
    m->stop_at = ROOM_NO_LIMIT;
    room_post(room, "* %s has joined", m->nick);
}

static void do_nick(struct room *room, struct member *m, const char *name, size_t len,
                    struct outbuf *out)
{
    if (len == 0) {
        reply(room, m, out, "! usage: /nick NAME\n");
        return;
    }
    if (!nick_is_valid(name, len)) {
        reply(room, m, out,
              "! invalid nickname: %.*s (1-16 letters, digits, _ or -, starting with a letter)\n",
              (int)len, name);
        return;
    }
    struct member *holder = room_find_nick(room, name, len);
    if (holder && holder != m) {
        reply(room, m, out, "! nickname in use: %.*s\n", (int)len, name);
        return;
    }
    char old[sizeof m->nick];
    memcpy(old, m->nick, sizeof old);
    memcpy(m->nick, name, len);
    m->nick[len] = '\0';
    room_post(room, "* %s is now known as %s", old, m->nick);
}

/* "* N users online: A, B (away), C", built piece by piece: with many users it is longer
 * than any other line. */
static void do_who(struct room *room, struct member *m, struct outbuf *out)
{
    char piece[CHAT_MAX_NICK + 16];
    bool ok = outbuf_printf(out, "* %zu users online: ", room_online(room));
    const char *sep = "";

    for (size_t i = 0; ok && i < room->count; i++) {
        const struct member *who = room->members[i];
        if (!who->in_room)
            continue;
        const char *status = "";
        /* BRB-SOLUTION-BEGIN: /who marks a user who is away: "* 3 users online: A, B (away),
         * C". Set status to " (away)" when that member is away. */
        if (who->away)
            status = " (away)";
        /* BRB-SOLUTION-END */
        int n = snprintf(piece, sizeof piece, "%s%s%s", sep, who->nick, status);
        ok = outbuf_append(out, piece, (size_t)n);
        sep = ", ";
    }
    if (!ok || !outbuf_append(out, "\n", 1))
        room_cut_off(room, m);
}

/* Post "* NICK VERB" or "* NICK VERB (MESSAGE)"; returns the line's number. */
static uint64_t post_with_message(struct room *room, struct member *m, const char *verb,
                                  const char *msg, size_t len)
{
    if (len > 0)
        return room_post(room, "* %s %s (%.*s)", m->nick, verb, (int)len, msg);
    return room_post(room, "* %s %s", m->nick, verb);
}

static void do_brb(struct room *room, struct member *m, const char *msg, size_t len,
                   struct outbuf *out)
{
    /* BRB-SOLUTION-BEGIN: /brb [MESSAGE] (PROTOCOL.md, "Commands"): post the away line,
     * then hold every room line after it for this member (the log is the holding queue:
     * room_take() gives a member nothing from its stop_at on). Already away: the direct
     * reply "! you are already away", and nothing else happens.
     * How: post the away line ("* NICK is away" or "* NICK is away (MESSAGE)":
     * post_with_message() writes both and returns its number), then mark the member away
     * and set its stop_at (room.h) so that room_take() gives it nothing past its own away
     * line. (Not roomlog_next() after the post: the post may have cut off a slow member,
     * whose quit line then follows the away line.) */
    if (m->away) {
        reply(room, m, out, "! you are already away\n");
        return;
    }
    uint64_t away_line = post_with_message(room, m, "is away", msg, len);
    /* The away line itself still reaches the member; everything after it is held. */
    m->away = true;
    m->stop_at = away_line + 1;
    /* BRB-SOLUTION-ELSE
    (void)msg;
    (void)len;
    reply(room, m, out, "! /brb is not implemented yet\n");
    BRB-SOLUTION-END */
}

static void do_back(struct room *room, struct member *m, const char *msg, size_t len,
                    struct outbuf *out)
{
    /* BRB-SOLUTION-BEGIN: /back [MESSAGE] (PROTOCOL.md, "Commands"): end the hold, give
     * the member its held lines (after the dropped-lines notice, if the log lost some), then
     * post the back line. The held lines must be taken before the back line is posted: with
     * a full log, that post drops the oldest line, which the member must not lose (nor be cut
     * off for not having taken). Not away: the direct reply "! you are not away".
     * How:
     *  1. if the log dropped lines the member had not taken (its cursor is below
     *     roomlog_first()), move the cursor up to the oldest line still kept and reply
     *     "* N lines were dropped while you were away" (if that reply does not fit, the
     *     member has been cut off: stop there);
     *  2. end the hold with room_end_hold() (room.h): the held lines become deliverable,
     *     and --sendq does not count them against it;
     *  3. take the held lines into out now, with room_take();
     *  4. post the back line: "* NICK is back" or "* NICK is back (MESSAGE)". */
    if (!m->away) {
        reply(room, m, out, "! you are not away\n");
        return;
    }
    uint64_t first = roomlog_first(&room->log);
    if (m->cursor < first) {
        uint64_t dropped = first - m->cursor;
        m->cursor = first;
        reply(room, m, out, "* %llu lines were dropped while you were away\n",
              (unsigned long long)dropped);
        if (m->cut_off)
            return;             /* the notice did not fit: it has left the room */
    }
    /* Held lines are now deliverable, and the back line is posted after them. Take them
     * first: with a full log, posting the back line drops the oldest held line, and a
     * member that is no longer away would be cut off for not having taken it. */
    room_end_hold(room, m);
    room_take(room, m, out);
    post_with_message(room, m, "is back", msg, len);
    /* BRB-SOLUTION-ELSE
    (void)msg;
    (void)len;
    reply(room, m, out, "! /back is not implemented yet\n");
    BRB-SOLUTION-END */
}

static void do_quit(struct room *room, struct member *m, const char *msg, size_t len)
{
    uint64_t quit_line = post_with_message(room, m, "has quit", msg, len);
    m->in_room = false;
    m->quit = true;
    m->left = ROOM_LEFT_QUIT;
    /* It gets every line up to its own quit line (not the "(too slow)" line of someone that
     * post cut off), unless it is away: then nothing more. */
    /* BRB-SOLUTION-BEGIN: a member that quits while away gets none of its held lines, nor
     * its own quit line: leave its stop_at where /brb put it. */
    if (!m->away)
        m->stop_at = quit_line + 1;
    /* BRB-SOLUTION-ELSE
    m->stop_at = quit_line + 1;
    BRB-SOLUTION-END */
}

static void do_line(struct room *room, struct member *m, const char *line, size_t len,
                    struct outbuf *out)
{
    text_trim(&line, &len);
    if (!text_is_valid(line, len)) {
        reply(room, m, out,
              "! invalid text: control characters and invalid UTF-8 are not allowed\n");
        return;
    }
    struct command cmd = command_parse(line, len);
    switch (cmd.kind) {
    case CMD_EMPTY:
        break;
    case CMD_CHAT:
        /* BRB-SOLUTION-BEGIN: a chat line from an away member first brings it back, exactly
         * as "/back" with no message would; only then is the line posted. */
        if (m->away)
            do_back(room, m, "", 0, out);
        /* BRB-SOLUTION-END */
        if (m->in_room)         /* the implicit /back may have cut it off */
            room_post(room, "<%s> %.*s", m->nick, (int)cmd.arg_len, cmd.arg);
        break;
    case CMD_NICK:
        do_nick(room, m, cmd.arg, cmd.arg_len, out);
        break;
    case CMD_WHO:
        do_who(room, m, out);
        break;
    case CMD_HELP:
        /* BRB-SOLUTION-BEGIN: once /brb and /back work, name them in the help line:
         * "... /who, /brb [MESSAGE], /back [MESSAGE], /quit [MESSAGE], ...". */
        reply(room, m, out, "* commands: /nick NAME, /who, /brb [MESSAGE], /back [MESSAGE], "
                            "/quit [MESSAGE], /help; //TEXT sends /TEXT\n");
        /* BRB-SOLUTION-ELSE
        reply(room, m, out, "* commands: /nick NAME, /who, /quit [MESSAGE], /help; "
                            "//TEXT sends /TEXT\n");
        BRB-SOLUTION-END */
        break;
    case CMD_BRB:
        do_brb(room, m, cmd.arg, cmd.arg_len, out);
        break;
    case CMD_BACK:
        do_back(room, m, cmd.arg, cmd.arg_len, out);
        break;
    case CMD_QUIT:
        do_quit(room, m, cmd.arg, cmd.arg_len);
        break;
    case CMD_UNKNOWN:
        reply(room, m, out, "! unknown command: %.*s (type /help)\n", (int)cmd.arg_len, cmd.arg);
        break;
    }
}

void session_input(struct room *room, struct member *m, enum frame_kind kind,
                   const char *line, size_t len, struct outbuf *out)
{
    if (!m->in_room)
        return;                 /* quit or cut off: whatever else it sends is ignored */
    /* Room lines logged before this command reach the client before its direct reply. */
    room_take(room, m, out);
    if (kind == FRAME_TOO_LONG)
        reply(room, m, out, "! line too long (max %d bytes)\n", CHAT_MAX_LINE);
    else if (kind == FRAME_LINE)
        do_line(room, m, line, len, out);
}

void session_disconnect(struct room *room, struct member *m)
{
    if (!m->in_room)
        return;
    m->in_room = false;
    m->quit = true;
    m->left = ROOM_LEFT_CLOSED;
    m->stop_at = m->cursor;
    room_post(room, "* %s has quit (connection closed)", m->nick);
}

const char *session_leave_reason(const struct member *m)
{
    switch (m->cut_off ? ROOM_LEFT_TOO_SLOW : m->left) {
    case ROOM_LEFT_QUIT:      return "quit";
    case ROOM_LEFT_TOO_SLOW:  return "too slow";
    case ROOM_LEFT_SHUTDOWN:  return "server shutting down";
    case ROOM_LEFT_CLOSED:    return "connection closed";
    case ROOM_LEFT_NOT:       break;
    }
    return "never joined";
}

size_t session_format_full(char *buf, size_t size, size_t max_users)
{
    int n = snprintf(buf, size, "! server full (max %zu users)\n", max_users);
    return n < 0 ? 0 : ((size_t)n < size ? (size_t)n : size - 1);
}
