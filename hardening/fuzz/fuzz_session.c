/* fuzz_session.c - libFuzzer target for the chat logic (session, room, roomlog, outbuf).
 *
 * The input is a little program that drives a room the way a server variant does, with up
 * to MAX_SLOTS connections whose bytes come from the fuzzer:
 *
 *   byte 0..3   the room: --backlog 1..16, --replay 0..16, --max-clients 1..6,
 *               --sendq from its minimum up to about 5 KiB (small, so limits are reached)
 *   then ops    one byte each: low 3 bits the operation, the rest the connection slot
 *     0, 1      send: the following bytes up to and including the next "\n" (at most 600)
 *               go through that connection's framer into session_input()
 *     2         connect: room_attach() + session_join(), or the "server full" refusal
 *     3         drain: room_take() into the output buffer and "send" some of it (the next
 *               byte * 16 bytes; 0 means everything)
 *     4         the connection breaks: session_disconnect() + room_detach()
 *     5         close every connection the room says is finished, as servers do
 *     6         SIGTERM: room_shutdown(); no more input is read afterwards
 *     7         every connection takes what fits (chat-async's let_members_catch_up())
 *
 * After every operation the invariants below are checked; any violation aborts, so
 * libFuzzer saves the input. At the end everything is freed, so LeakSanitizer sees leaks.
 *
 *   - an output buffer never holds more than --sendq bytes, nor allocates much more
 *   - every member's cursor is <= the log's next line, never moves backwards, and is
 *     <= its stop_at; the log keeps at most --backlog lines
 *   - at most --max-clients members; nicknames in the room are valid and unique ignoring case
 *   - a member cut off is no longer in the room
 *   - every line sent to a client is a whole line of valid text (no control characters,
 *     valid UTF-8), at most CHAT_MAX_OUT_LINE bytes, starting with "<", "* " or "! "
 *   - after a full drain, a member present and not away has taken every room line
 *   - nobody is cut off after room_shutdown(): every client is owed the shutdown notice
 *   - a client away with nothing unsent is not cut off by its own line (/back, chat, ...),
 *     when --backlog is more than the lines one input can post */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "framer.h"
#include "nick.h"
#include "outbuf.h"
#include "protocol.h"
#include "room.h"
#include "session.h"
#include "text.h"

#define MAX_SLOTS 8
#define MAX_SEND 600

struct conn {
    bool open;
    struct framer framer;
    struct outbuf out;
    struct member member;
    uint64_t last_cursor;
    char partial[CHAT_MAX_OUT_LINE + 2];   /* the client's view: an unfinished output line */
    size_t partial_len;
};

static struct conn conns[MAX_SLOTS];
static struct room room;
static bool stopping;       /* room_shutdown() was called: every member is owed the notice */

#define check(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "fuzz_session: " __VA_ARGS__); \
            fputc('\n', stderr);                           \
            abort();                                       \
        }                                                  \
    } while (0)

static void on_cut_off(struct member *m)
{
    struct conn *c = m->owner;
    check(c && c->open && &c->member == m, "on_cut_off for a member that is not open");
    /* PROTOCOL.md: on SIGTERM every client gets "* server is shutting down". A member cut off
     * after room_shutdown() is closed at once, without it. */
    check(!stopping, "%s was cut off after the shutdown notice (so never gets it)", m->nick);
}

/* The client receives n bytes: check them line by line as a terminal would show them. */
static void client_receives(struct conn *c, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\n') {
            check(c->partial_len < CHAT_MAX_OUT_LINE, "an output line longer than %d bytes",
                  CHAT_MAX_OUT_LINE);
            c->partial[c->partial_len++] = p[i];
            continue;
        }
        const char *line = c->partial;
        size_t len = c->partial_len;
        check(text_is_valid(line, len), "a line sent to a client is not valid text: %.*s",
              (int)len, line);
        check((len >= 1 && line[0] == '<') || (len >= 2 && (line[0] == '*' || line[0] == '!') &&
                                                line[1] == ' '),
              "a line sent to a client has no known form: %.*s", (int)len, line);
        c->partial_len = 0;
    }
}

/* Send up to n bytes of c's output buffer (0: all of it). */
static void send_some(struct conn *c, size_t n)
{
    size_t have = outbuf_len(&c->out);
    if (n == 0 || n > have)
        n = have;
    client_receives(c, outbuf_data(&c->out), n);
    outbuf_consume(&c->out, n);
}

static void close_conn(struct conn *c)
{
    session_disconnect(&room, &c->member);
    room_detach(&room, &c->member);
    outbuf_free(&c->out);
    c->open = false;
}

static void check_invariants(size_t sendq)
{
    size_t open = 0;
    const struct roomlog *log = &room.log;
    check(roomlog_next(log) - roomlog_first(log) <= log->capacity, "the log keeps too much");

    for (int i = 0; i < MAX_SLOTS; i++) {
        struct conn *c = &conns[i];
        if (!c->open)
            continue;
        open++;
        const struct member *m = &c->member;
        size_t cap_limit = sendq > 1024 ? sendq : 1024;
        check(outbuf_len(&c->out) <= sendq, "slot %d: output buffer %zu over --sendq %zu", i,
              outbuf_len(&c->out), sendq);
        check(c->out.cap <= cap_limit, "slot %d: output buffer allocated %zu bytes", i,
              c->out.cap);
        check(m->cursor <= roomlog_next(log), "slot %d: cursor %llu past the log's next %llu", i,
              (unsigned long long)m->cursor, (unsigned long long)roomlog_next(log));
        check(m->cursor >= c->last_cursor, "slot %d: cursor went back from %llu to %llu", i,
              (unsigned long long)c->last_cursor, (unsigned long long)m->cursor);
        check(m->cursor <= m->stop_at, "slot %d: cursor %llu past stop_at %llu", i,
              (unsigned long long)m->cursor, (unsigned long long)m->stop_at);
        check(!(m->cut_off && m->in_room), "slot %d: cut off but still in the room", i);
        c->last_cursor = m->cursor;
        if (!m->in_room)
            continue;
        check(nick_is_valid(m->nick, strlen(m->nick)), "slot %d: invalid nick %s", i, m->nick);
        for (int j = i + 1; j < MAX_SLOTS; j++) {
            const struct member *o = &conns[j].member;
            check(!conns[j].open || !o->in_room || strcasecmp(m->nick, o->nick) != 0,
                  "slots %d and %d are both called %s", i, j, m->nick);
        }
    }
    check(open == room.count, "%zu open connections but %zu members", open, room.count);
    check(room.count <= room.max_clients, "more members than --max-clients");
}

/* Take and send until nothing moves (bounded: each round sends at least one line). */
static void drain_fully(struct conn *c)
{
    for (int round = 0; round < 10000; round++) {
        room_take(&room, &c->member, &c->out);
        if (outbuf_len(&c->out) == 0)
            break;
        send_some(c, 0);
    }
    const struct member *m = &c->member;
    if (m->in_room && !m->away && !m->quit && !m->cut_off) {
        check(m->cursor == roomlog_next(&room.log),
              "a present member drained fully but is at %llu of %llu",
              (unsigned long long)m->cursor, (unsigned long long)roomlog_next(&room.log));
        check(!room_has_pending(&room, m), "a fully drained member still has lines pending");
    }
}

/* A new connection: attached and joined, or refused when the room is full. */
static void do_connect(struct conn *c, size_t sendq)
{
    memset(c, 0, sizeof *c);
    if (!room_attach(&room, &c->member, c)) {
        char line[64];
        size_t n = session_format_full(line, sizeof line, room.max_clients);
        check(n > 0 && line[n - 1] == '\n', "bad server-full line");
        return;
    }
    c->open = true;
    framer_init(&c->framer);
    outbuf_init(&c->out, sendq);
    session_join(&room, &c->member, &c->out);
}

/* How much was fuzzed, printed when libFuzzer exits normally (for results/RELIABILITY.md). */
static unsigned long long total_inputs, total_bytes;

__attribute__((destructor)) static void print_totals(void)
{
    fprintf(stderr, "fuzz_session: %llu inputs, %llu bytes\n", total_inputs, total_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    total_inputs++;
    total_bytes += size;
    if (size < 4)
        return 0;
    size_t sendq = 2 * CHAT_MAX_OUT_LINE + (size_t)data[3] * 16;
    struct room_config config = {
        .backlog = 1 + data[0] % 16,
        .replay = data[1] % 17,             /* may exceed the backlog, as --replay may */
        .max_clients = 1 + data[2] % 6,
        .sendq = sendq,
    };
    data += 4;
    size -= 4;

    memset(conns, 0, sizeof conns);
    check(room_init(&room, &config) == 0, "room_init failed");
    room.on_cut_off = on_cut_off;
    stopping = false;

    size_t i = 0;
    while (i < size) {
        uint8_t op = data[i] & 7;
        struct conn *c = &conns[(data[i] >> 3) % MAX_SLOTS];
        i++;
        switch (op) {
        case 0:
        case 1: {
            size_t n = 0;
            while (i + n < size && n < MAX_SEND && data[i + n] != '\n')
                n++;
            if (i + n < size && n < MAX_SEND)
                n++;                            /* include the "\n" */
            const char *p = (const char *)data + i;
            i += n;
            if (!c->open || stopping)
                break;
            const char *line;
            size_t len;
            enum frame_kind kind;
            while ((kind = framer_next(&c->framer, &p, &n, &line, &len)) != FRAME_NONE) {
                /* A client that has read everything and comes back from /brb is owed its
                 * held lines: it cannot be too slow at that moment. One line posts at most
                 * the back line, the chat line, and one "too slow" line per member that
                 * really was behind; with a log smaller than that, the returning member is
                 * more than --backlog lines behind, too slow by the letter of PROTOCOL.md.
                 * So only when the log is larger. */
                bool returning = c->member.in_room && c->member.away &&
                                 outbuf_len(&c->out) == 0 &&
                                 room.log.capacity >= room.max_clients + 2;
                session_input(&room, &c->member, kind, line, len, &c->out);
                check(!(returning && c->member.cut_off),
                      "%s was cut off by its own line %.*s while away with nothing unsent",
                      c->member.nick, kind == FRAME_LINE ? (int)len : 0, line);
            }
            break;
        }
        case 2:
            if (stopping)
                break;
            if (!c->open)
                do_connect(c, sendq);
            break;
        case 3: {
            size_t n = i < size ? (size_t)data[i++] * 16 : 0;
            if (!c->open)
                break;
            room_take(&room, &c->member, &c->out);
            send_some(c, n);
            break;
        }
        case 4:
            if (c->open)
                close_conn(c);
            break;
        case 5:
            for (int s = 0; s < MAX_SLOTS; s++) {
                struct conn *d = &conns[s];
                if (d->open && (d->member.cut_off || (room_member_done(&d->member) &&
                                                      outbuf_len(&d->out) == 0)))
                    close_conn(d);
            }
            break;
        case 6:
            if (!stopping) {
                room_shutdown(&room);
                stopping = true;
            }
            break;
        case 7:
            for (int s = 0; s < MAX_SLOTS; s++)
                if (conns[s].open)
                    room_take(&room, &conns[s].member, &conns[s].out);
            break;
        }
        check_invariants(sendq);
    }

    /* The end of the run: everyone reads everything, then every connection closes. */
    for (int s = 0; s < MAX_SLOTS; s++)
        if (conns[s].open && !conns[s].member.cut_off)
            drain_fully(&conns[s]);
    check_invariants(sendq);
    for (int s = 0; s < MAX_SLOTS; s++)
        if (conns[s].open)
            close_conn(&conns[s]);
    check(room.count == 0, "members left after every connection closed");
    room_free(&room);
    return 0;
}
