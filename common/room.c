/* room.c - see room.h. */
#include "room.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int room_init(struct room *room, const struct room_config *config)
{
    memset(room, 0, sizeof *room);
    room->members = calloc(config->max_clients, sizeof *room->members);
    if (!room->members || roomlog_init(&room->log, config->backlog) != 0) {
        free(room->members);
        return -1;
    }
    room->max_clients = config->max_clients;
    room->replay = config->replay;
    room->sendq = config->sendq;
    room->next_guest = 1;
    return 0;
}

void room_free(struct room *room)
{
    roomlog_free(&room->log);
    free(room->members);
    room->members = NULL;
}

bool room_attach(struct room *room, struct member *m, void *owner)
{
    if (room->count == room->max_clients)
        return false;
    memset(m, 0, sizeof *m);
    m->owner = owner;
    m->cursor = m->stop_at = roomlog_next(&room->log);   /* takes nothing until it joins */
    room->members[room->count++] = m;
    return true;
}

void room_detach(struct room *room, struct member *m)
{
    for (size_t i = 0; i < room->count; i++) {
        if (room->members[i] == m) {
            /* keep join order: /who lists members in the order they came */
            memmove(&room->members[i], &room->members[i + 1],
                    (room->count - i - 1) * sizeof *room->members);
            room->count--;
            return;
        }
    }
}

struct member *room_find_nick(const struct room *room, const char *nick, size_t len)
{
    for (size_t i = 0; i < room->count; i++) {
        struct member *m = room->members[i];
        if (m->in_room && strlen(m->nick) == len && strncasecmp(m->nick, nick, len) == 0)
            return m;
    }
    return NULL;
}

size_t room_online(const struct room *room)
{
    size_t n = 0;
    for (size_t i = 0; i < room->count; i++)
        n += room->members[i]->in_room;
    return n;
}

/* A member that must keep every line: present and not away. (An away member's held lines
 * may be dropped; /back reports how many.) */
static bool must_keep_up(const struct member *m)
{
    /* BRB-SOLUTION-BEGIN: an away member does not have to keep up: it is never cut off as
     * too slow, neither for falling out of the log nor for --sendq (its held lines are
     * bounded by the log, and /back reports what was dropped). Return true only for a
     * member that is in the room and not away. */
    return m->in_room && !m->away;
    /* BRB-SOLUTION-ELSE
    return m->in_room;
    BRB-SOLUTION-END */
}

/* Output the member owes the network: taken but unsent, plus lines not taken yet. */
static uint64_t unsent_output(const struct room *room, const struct member *m)
{
    return m->unsent + roomlog_bytes_from(&room->log, m->cursor);
}

/* Held lines flushed after /back do not count: flush_bytes is still owed from them. */
static bool over_sendq(const struct room *room, const struct member *m, size_t extra)
{
    return room->sendq > 0 && unsent_output(room, m) + extra > room->sendq + m->flush_bytes;
}

void room_end_hold(struct room *room, struct member *m)
{
    m->away = false;
    m->stop_at = ROOM_NO_LIMIT;
    m->flush_end = roomlog_next(&room->log);
    m->flush_bytes = roomlog_bytes_from(&room->log, m->cursor);
}

/* After a take: of the held lines, at most those not taken plus what is unsent remain. */
static void shrink_flush_allowance(const struct room *room, struct member *m)
{
    uint64_t left = m->unsent;
    if (m->cursor < m->flush_end)
        left += roomlog_bytes_from(&room->log, m->cursor) -
                roomlog_bytes_from(&room->log, m->flush_end);
    if (left < m->flush_bytes)
        m->flush_bytes = left;
}

/* After a post: whoever fell out of the log, or owes more than --sendq, is too slow. */
static void cut_off_laggards(struct room *room)
{
    uint64_t first = roomlog_first(&room->log);

    for (size_t i = 0; i < room->count; i++) {
        struct member *m = room->members[i];
        if (m->cut_off)
            continue;
        if (must_keep_up(m)) {
            if (m->cursor < first || over_sendq(room, m, 0))
                room_cut_off(room, m);      /* posts its quit line: may recurse, once per member */
        } else if (m->quit && m->cursor < first && m->cursor < m->stop_at) {
            m->cut_off = true;              /* already said goodbye; just close it */
            m->stop_at = m->cursor;
            if (room->on_cut_off)
                room->on_cut_off(m);
        }
    }
}

uint64_t room_post(struct room *room, const char *fmt, ...)
{
    char line[CHAT_MAX_OUT_LINE + 1];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n > sizeof line - 2)       /* cannot happen with protocol-sized parts */
        n = sizeof line - 2;
    line[n++] = '\n';

    uint64_t number = roomlog_append(&room->log, line, (size_t)n);
    cut_off_laggards(room);
    return number;
}

bool room_post_would_cut(const struct room *room)
{
    const struct roomlog *log = &room->log;
    bool full = roomlog_next(log) - roomlog_first(log) == log->capacity;

    for (size_t i = 0; i < room->count; i++) {
        const struct member *m = room->members[i];
        if (!must_keep_up(m))
            continue;
        if ((full && m->cursor <= roomlog_first(log)) || over_sendq(room, m, CHAT_MAX_OUT_LINE))
            return true;
    }
    return false;
}

bool room_catch_up_must_wait(const struct room *room, struct catch_up *c, uint64_t progress,
                             long long now_ms, int grace_ms)
{
    if (!room_post_would_cut(room)) {
        c->waiting = false;
        return false;
    }
    if (!c->waiting || progress != c->progress_seen) {
        /* Held for the first time, or members are moving: a full grace time from now. */
        c->waiting = true;
        c->deadline_ms = now_ms + grace_ms;
    } else if (now_ms >= c->deadline_ms) {
        c->waiting = false;         /* nobody moved for a whole grace time: go ahead */
        return false;
    }
    c->progress_seen = progress;
    return true;
}

bool room_catch_up_take(struct room *room, struct member *m, struct outbuf *out)
{
    size_t unsent_before = m->unsent;
    return room_take(room, m, out) > 0 || m->unsent < unsent_before;
}

void room_cut_off(struct room *room, struct member *m)
{
    if (m->cut_off)
        return;
    bool was_in_room = m->in_room;
    m->in_room = false;
    m->cut_off = true;
    m->stop_at = m->cursor;
    if (room->on_cut_off)
        room->on_cut_off(m);
    if (was_in_room)
        room_post(room, "* %s has quit (too slow)", m->nick);
}

static uint64_t take_limit(const struct room *room, const struct member *m)
{
    uint64_t next = roomlog_next(&room->log);
    return m->stop_at < next ? m->stop_at : next;
}

size_t room_take(struct room *room, struct member *m, struct outbuf *out)
{
    uint64_t limit = take_limit(room, m);
    size_t taken = 0;

    while (m->cursor < limit) {
        const struct logline *line = roomlog_get(&room->log, m->cursor);
        if (!line || !outbuf_append(out, line->text, line->len))
            break;                          /* dropped (an away member waits for /back) or full */
        m->cursor++;
        taken++;
    }
    m->unsent = outbuf_len(out);
    if (m->flush_bytes > 0)
        shrink_flush_allowance(room, m);
    return taken;
}

bool room_has_pending(const struct room *room, const struct member *m)
{
    return m->cursor < take_limit(room, m) && m->cursor >= roomlog_first(&room->log);
}

bool room_member_done(const struct member *m)
{
    return m->cut_off || (m->quit && m->cursor >= m->stop_at);
}

void room_shutdown(struct room *room)
{
    uint64_t notice = room_post(room, "* server is shutting down");

    for (size_t i = 0; i < room->count; i++) {
        struct member *m = room->members[i];
        if (m->cut_off || m->quit)
            continue;
        /* BRB-SOLUTION-BEGIN: an away member gets the notice too, but none of its held
         * lines: move its cursor straight to the notice, as for a member whose next line was
         * dropped, and end its away state. */
        if (m->away || m->cursor < roomlog_first(&room->log))
            m->cursor = notice;
        m->away = false;
        /* BRB-SOLUTION-ELSE
        if (m->cursor < roomlog_first(&room->log))
            m->cursor = notice;
        BRB-SOLUTION-END */
        m->in_room = false;             /* nobody quits after the server has */
        m->quit = true;
        m->left = ROOM_LEFT_SHUTDOWN;
        m->stop_at = notice + 1;
    }
}
