/* session_fixture.h - a room with a few clients and no sockets, for the session tests.
 *
 * Each client has a member and an output buffer, like a server's connection without the
 * socket. say() hands a client line to the session as the framer would; expect_client()
 * first takes the client's pending room lines (what a variant does before sending) and then
 * checks everything the client received since the last check; drain() throws away all a
 * client is owed, as if it had been sent. Shared by test_session.c and test_brb.c. */
#ifndef SESSION_FIXTURE_H
#define SESSION_FIXTURE_H

#include "testutil.h"

#include "session.h"

#define SENDQ (1 << 20)
#define MAX_CLIENTS 8

struct client {
    struct member m;
    struct outbuf out;
    bool used;
};

static struct room room;
static struct client clients[MAX_CLIENTS];
static size_t cut_calls;

static inline void count_cut_off(struct member *m)
{
    (void)m;
    cut_calls++;
}

/* A room keeping `backlog` lines, replaying `replay`, and cutting off a member whose unsent
 * output passes `sendq` bytes (0: no limit). */
static inline void start_with_sendq(size_t backlog, size_t replay, size_t sendq)
{
    struct room_config config = { .backlog = backlog, .replay = replay,
                                  .max_clients = MAX_CLIENTS, .sendq = sendq };
    assert_int_equal(room_init(&room, &config), 0);
    room.on_cut_off = count_cut_off;
    cut_calls = 0;
    memset(clients, 0, sizeof clients);
}

static inline void start(size_t backlog, size_t replay)
{
    start_with_sendq(backlog, replay, 0);
}

static inline int finish(void **state)
{
    (void)state;
    for (size_t i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].used)
            outbuf_free(&clients[i].out);
    room_free(&room);
    return 0;
}

/* A new connection whose output buffer holds up to `limit` bytes: attached, then joined. */
static struct client *connect_with_limit(size_t limit)
{
    for (size_t i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &clients[i];
        if (c->used)
            continue;
        c->used = true;
        outbuf_init(&c->out, limit);
        assert_true(room_attach(&room, &c->m, c));
        session_join(&room, &c->m, &c->out);
        return c;
    }
    fail_msg("too many clients");
    return NULL;
}

static struct client *connect_client(void)
{
    return connect_with_limit(SENDQ);
}

/* One line from the client, as the framer delivers it (terminator already removed). */
static inline void say(struct client *c, const char *line)
{
    session_input(&room, &c->m, FRAME_LINE, line, strlen(line), &c->out);
}

static inline void deliver(struct client *c)
{
    room_take(&room, &c->m, &c->out);
}

/* Everything the client received since the last check: direct replies and room lines. */
#define expect_client(c, expected)                  \
    do {                                            \
        deliver(c);                                 \
        expect_output(&(c)->out, (expected));       \
    } while (0)

/* Take and throw away everything the client is owed so far, as if it had all been sent. */
static inline void drain(struct client *c)
{
    do
        outbuf_consume(&c->out, outbuf_len(&c->out));
    while (room_take(&room, &c->m, &c->out) > 0);
}

/* Three connected clients, guest1..guest3, with everything received so far thrown away. */
static inline void three_clients(struct client **a, struct client **b, struct client **c)
{
    *a = connect_client();
    *b = connect_client();
    *c = connect_client();
    drain(*a);
    drain(*b);
    drain(*c);
}

static inline uint64_t logged(void)
{
    return roomlog_next(&room.log);
}

#endif
