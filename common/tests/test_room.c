/* test_room.c - members, posting and pull-based delivery (room.h).
 *
 * These tests drive the room directly. Joining, /brb and /quit are session.c's job; the small
 * helpers below set a member's fields the way session.c does, as room.h documents them. */
#include "testutil.h"

#include "room.h"

#define SENDQ 4096

struct client {
    struct member m;
    struct outbuf out;
};

static struct room room;
static struct client clients[8];

/* What the on_cut_off hook saw. */
static struct member *cut_log[8];
static size_t cut_count;

static void record_cut_off(struct member *m)
{
    assert_true(cut_count < 8);
    cut_log[cut_count++] = m;
}

static void start(size_t backlog, size_t replay, size_t max_clients)
{
    struct room_config config = { .backlog = backlog, .replay = replay,
                                  .max_clients = max_clients };
    assert_int_equal(room_init(&room, &config), 0);
    room.on_cut_off = record_cut_off;
    cut_count = 0;
    for (size_t i = 0; i < 8; i++)
        outbuf_init(&clients[i].out, SENDQ);
}

static int finish(void **state)
{
    (void)state;
    room_free(&room);
    for (size_t i = 0; i < 8; i++)
        outbuf_free(&clients[i].out);
    return 0;
}

/* Like start(), with a --sendq byte limit counted by the room. */
static void start_with_sendq(size_t backlog, size_t sendq)
{
    start(backlog, 0, 4);
    room.sendq = sendq;
}

/* Attach client i and put it in the room as session_join() does (without the join line). */
static struct member *enter(size_t i, const char *nick)
{
    struct member *m = &clients[i].m;
    assert_true(room_attach(&room, m, &clients[i]));
    snprintf(m->nick, sizeof m->nick, "%s", nick);
    m->in_room = true;
    m->cursor = roomlog_next(&room.log);
    m->stop_at = ROOM_NO_LIMIT;
    return m;
}

/* /brb as session.c does it: lines after the current end of the log are held. */
static void go_away(struct member *m)
{
    m->away = true;
    m->stop_at = roomlog_next(&room.log);
}

/* /quit as session.c does it, after its quit line was posted. */
static void leave(struct member *m)
{
    m->in_room = false;
    m->quit = true;
    if (!m->away)
        m->stop_at = roomlog_next(&room.log);
}

static size_t take(size_t i)
{
    return room_take(&room, &clients[i].m, &clients[i].out);
}

/* Client i takes its pending lines; they must read `expected`. */
#define expect_take(i, expected)                                \
    do {                                                        \
        take(i);                                                \
        expect_output(&clients[i].out, (expected));             \
    } while (0)

/* The whole log, from its first kept line, as one string. */
static const char *log_text(void)
{
    static char buf[8192];
    size_t n = 0;
    for (uint64_t i = roomlog_first(&room.log); i < roomlog_next(&room.log); i++) {
        const struct logline *l = roomlog_get(&room.log, i);
        assert_true(n + l->len < sizeof buf);
        memcpy(buf + n, l->text, l->len);
        n += l->len;
    }
    buf[n] = '\0';
    return buf;
}

/* ---- members ------------------------------------------------------------------------- */

static void test_attach_up_to_max(void **state)
{
    (void)state;
    start(10, 5, 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(room_attach(&room, &clients[i].m, &clients[i]));
    assert_false(room_attach(&room, &clients[3].m, &clients[3]));
    assert_int_equal(room.count, 3);
    assert_ptr_equal(clients[1].m.owner, &clients[1]);
    /* attached is not yet in the room */
    assert_int_equal(room_online(&room), 0);
    /* detaching one makes space again */
    room_detach(&room, &clients[0].m);
    assert_true(room_attach(&room, &clients[3].m, &clients[3]));
}

static void test_attached_member_takes_nothing_until_joined(void **state)
{
    (void)state;
    start(10, 5, 4);
    room_post(&room, "* before");
    struct member *m = &clients[0].m;
    assert_true(room_attach(&room, m, &clients[0]));
    assert_int_equal(m->cursor, roomlog_next(&room.log));
    room_post(&room, "* after");
    assert_int_equal(take(0), 0);
    assert_false(room_has_pending(&room, m));
    expect_output(&clients[0].out, "");
}

static void test_detach_keeps_join_order(void **state)
{
    (void)state;
    start(10, 5, 5);
    for (size_t i = 0; i < 4; i++)
        assert_true(room_attach(&room, &clients[i].m, &clients[i]));
    room_detach(&room, &clients[1].m);
    assert_int_equal(room.count, 3);
    assert_ptr_equal(room.members[0], &clients[0].m);
    assert_ptr_equal(room.members[1], &clients[2].m);
    assert_ptr_equal(room.members[2], &clients[3].m);
    room_detach(&room, &clients[0].m);                  /* the first */
    room_detach(&room, &clients[3].m);                  /* the last */
    assert_int_equal(room.count, 1);
    assert_ptr_equal(room.members[0], &clients[2].m);
    room_detach(&room, &clients[5].m);                  /* never attached: no effect */
    assert_int_equal(room.count, 1);
    assert_true(room_attach(&room, &clients[4].m, &clients[4]));
    assert_ptr_equal(room.members[1], &clients[4].m);   /* newcomers go last */
}

static void test_find_nick_ignores_case(void **state)
{
    (void)state;
    start(10, 5, 4);
    struct member *alice = enter(0, "Alice");
    struct member *bob = enter(1, "bob");
    assert_ptr_equal(room_find_nick(&room, "Alice", 5), alice);
    assert_ptr_equal(room_find_nick(&room, "alice", 5), alice);
    assert_ptr_equal(room_find_nick(&room, "ALICE", 5), alice);
    assert_ptr_equal(room_find_nick(&room, "BoB", 3), bob);
    assert_ptr_equal(room_find_nick(&room, "bobby", 3), bob);   /* only len bytes count */
    assert_null(room_find_nick(&room, "Ali", 3));                /* no prefix matches */
    assert_null(room_find_nick(&room, "bobby", 5));
    assert_null(room_find_nick(&room, "carol", 5));
}

static void test_find_nick_only_in_room(void **state)
{
    (void)state;
    start(10, 5, 4);
    struct member *gone = enter(0, "gone");
    leave(gone);
    assert_null(room_find_nick(&room, "gone", 4));
    /* attached but not joined: not in the room either */
    assert_true(room_attach(&room, &clients[1].m, &clients[1]));
    snprintf(clients[1].m.nick, sizeof clients[1].m.nick, "%s", "pending");
    assert_null(room_find_nick(&room, "pending", 7));
}

static void test_online_counts_members_in_room(void **state)
{
    (void)state;
    start(10, 5, 4);
    enter(0, "a");
    struct member *b = enter(1, "b");
    assert_true(room_attach(&room, &clients[2].m, &clients[2]));
    assert_int_equal(room_online(&room), 2);
    go_away(b);
    assert_int_equal(room_online(&room), 2);            /* away still counts */
    leave(b);
    assert_int_equal(room_online(&room), 1);
}

/* ---- posting and taking ------------------------------------------------------------------ */

static void test_post_adds_newline_and_numbers(void **state)
{
    (void)state;
    start(10, 5, 4);
    assert_int_equal(room_post(&room, "<%s> %s", "bob", "hi"), 0);
    assert_int_equal(room_post(&room, "* %s has joined", "eve"), 1);
    assert_string_equal(log_text(), "<bob> hi\n* eve has joined\n");
}

static void test_take_delivers_in_order(void **state)
{
    (void)state;
    start(10, 5, 4);
    struct member *a = enter(0, "a");
    room_post(&room, "one");
    room_post(&room, "two");
    assert_true(room_has_pending(&room, a));
    assert_int_equal(take(0), 2);
    assert_int_equal(a->cursor, 2);
    assert_false(room_has_pending(&room, a));
    expect_output(&clients[0].out, "one\ntwo\n");
    assert_int_equal(take(0), 0);
    room_post(&room, "three");
    expect_take(0, "three\n");
}

static void test_take_stops_at_stop_at(void **state)
{
    (void)state;
    start(10, 5, 4);
    struct member *a = enter(0, "a");
    room_post(&room, "one");
    room_post(&room, "two");
    room_post(&room, "three");
    a->stop_at = 2;
    assert_int_equal(take(0), 2);
    expect_output(&clients[0].out, "one\ntwo\n");
    assert_false(room_has_pending(&room, a));
    assert_int_equal(take(0), 0);
}

static void test_take_only_whole_lines_that_fit(void **state)
{
    (void)state;
    start(10, 5, 4);
    enter(0, "a");
    outbuf_free(&clients[0].out);
    outbuf_init(&clients[0].out, 12);
    room_post(&room, "aaaa");           /* 5 bytes each */
    room_post(&room, "bbbb");
    room_post(&room, "cccc");
    assert_int_equal(take(0), 2);       /* 10 bytes; a third line would make 15 > 12 */
    assert_true(room_has_pending(&room, &clients[0].m));
    expect_output(&clients[0].out, "aaaa\nbbbb\n");
    assert_int_equal(take(0), 1);
    expect_output(&clients[0].out, "cccc\n");
}

static void test_member_done(void **state)
{
    (void)state;
    start(10, 5, 4);
    struct member *a = enter(0, "a");
    assert_false(room_member_done(a));
    room_post(&room, "* a has quit");
    leave(a);
    assert_false(room_member_done(a));  /* still owed its quit line */
    take(0);
    assert_true(room_member_done(a));
    expect_output(&clients[0].out, "* a has quit\n");
}

/* ---- falling behind ---------------------------------------------------------------------- */

static void test_laggard_is_cut_off(void **state)
{
    (void)state;
    start(3, 3, 4);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    room_post(&room, "x1");
    room_post(&room, "x2");
    room_post(&room, "x3");             /* the log is full; nobody has lost anything yet */
    assert_int_equal(take(0), 3);
    expect_output(&clients[0].out, "x1\nx2\nx3\n");
    assert_false(b->cut_off);

    room_post(&room, "x4");             /* drops x1, which b never took */
    assert_true(b->cut_off);
    assert_false(b->in_room);
    assert_true(room_member_done(b));
    assert_int_equal(cut_count, 1);
    assert_ptr_equal(cut_log[0], b);
    assert_false(a->cut_off);
    expect_take(0, "x4\n* b has quit (too slow)\n");
    assert_int_equal(take(1), 0);       /* a cut-off member takes nothing more */
    assert_int_equal(room_online(&room), 1);
}

static void test_member_exactly_backlog_behind_is_kept(void **state)
{
    (void)state;
    start(3, 3, 4);
    struct member *b = enter(1, "b");
    room_post(&room, "x1");
    room_post(&room, "x2");
    room_post(&room, "x3");
    assert_false(b->cut_off);           /* 3 lines behind with --backlog 3: still fine */
    expect_take(1, "x1\nx2\nx3\n");
}

static void test_every_laggard_cut_once(void **state)
{
    (void)state;
    start(4, 4, 4);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    struct member *c = enter(2, "c");
    for (int i = 0; i < 4; i++)
        room_post(&room, "x%d", i);
    take(0);
    expect_output(&clients[0].out, "x0\nx1\nx2\nx3\n");
    room_post(&room, "x4");             /* b's quit line drops another line: c goes too */
    assert_true(b->cut_off);
    assert_true(c->cut_off);
    assert_false(a->cut_off);
    assert_int_equal(cut_count, 2);
    expect_take(0, "x4\n* b has quit (too slow)\n* c has quit (too slow)\n");
}

static void test_away_member_takes_up_to_its_away_line(void **state)
{
    (void)state;
    start(10, 3, 4);
    struct member *b = enter(1, "b");
    room_post(&room, "before");
    room_post(&room, "* b is away");
    go_away(b);
    room_post(&room, "held");
    expect_take(1, "before\n* b is away\n");
    assert_false(room_has_pending(&room, b));
}

static void test_attached_not_joined_is_not_cut_off(void **state)
{
    (void)state;
    start(2, 2, 4);
    struct member *m = &clients[0].m;
    assert_true(room_attach(&room, m, &clients[0]));
    for (int i = 0; i < 5; i++)
        room_post(&room, "line %d", i);
    assert_false(m->cut_off);
    assert_int_equal(cut_count, 0);
}

static void test_quit_member_cut_silently(void **state)
{
    (void)state;
    start(3, 3, 4);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    room_post(&room, "before");
    room_post(&room, "* b has quit");
    leave(b);                           /* owed "before" and its quit line; takes neither */
    room_post(&room, "x1");
    expect_take(0, "before\n* b has quit\nx1\n");
    room_post(&room, "x2");             /* drops "before" */
    assert_true(b->cut_off);
    assert_true(room_member_done(b));
    assert_int_equal(cut_count, 1);
    assert_ptr_equal(cut_log[0], b);
    /* no second goodbye for b */
    expect_take(0, "x2\n");
    assert_string_equal(log_text(), "* b has quit\nx1\nx2\n");
    assert_false(a->cut_off);
}

static void test_post_would_cut(void **state)
{
    (void)state;
    start(3, 3, 4);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    room_post(&room, "x1");
    room_post(&room, "x2");
    assert_false(room_post_would_cut(&room));   /* not full */
    room_post(&room, "x3");
    assert_true(room_post_would_cut(&room));    /* full, and a and b never took x1 */
    take(0);
    assert_true(room_post_would_cut(&room));    /* b still has not */
    take(1);
    assert_false(room_post_would_cut(&room));
    room_post(&room, "x4");
    assert_false(room_post_would_cut(&room));   /* both have taken x2 */

    /* present members that have not taken the oldest kept line (an away member would not
     * count: see test_brb.c) */
    take(0);
    take(1);
    room_post(&room, "x5");
    room_post(&room, "x6");
    room_post(&room, "x7");                     /* neither has taken x5..x7 */
    assert_true(room_post_would_cut(&room));
    take(1);
    assert_true(room_post_would_cut(&room));    /* a still has not */
    assert_false(a->cut_off);
    room_post(&room, "x8");
    assert_true(a->cut_off);                    /* what the answer warned about */
    assert_false(b->cut_off);
}

static void test_cut_off_directly(void **state)
{
    (void)state;
    start(10, 3, 4);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    room_cut_off(&room, b);
    assert_true(b->cut_off);
    assert_false(b->in_room);
    assert_int_equal(cut_count, 1);
    room_cut_off(&room, b);                     /* twice: no second quit line, no second call */
    assert_int_equal(cut_count, 1);
    assert_string_equal(log_text(), "* b has quit (too slow)\n");
    expect_take(0, "* b has quit (too slow)\n");
    assert_int_equal(take(1), 0);

    /* a member that already quit is closed without a line */
    room_post(&room, "* a has quit");
    leave(a);
    room_cut_off(&room, a);
    assert_true(a->cut_off);
    assert_int_equal(cut_count, 2);
    assert_string_equal(log_text(), "* b has quit (too slow)\n* a has quit\n");
}

static void test_cut_off_without_hook(void **state)
{
    (void)state;
    start(2, 2, 4);
    room.on_cut_off = NULL;                     /* the hook is optional */
    enter(0, "a");
    for (int i = 0; i < 5; i++)
        room_post(&room, "line %d", i);
    assert_true(clients[0].m.cut_off);
}

/* ---- shutdown ---------------------------------------------------------------------------- */

static void test_shutdown_reaches_everyone(void **state)
{
    (void)state;
    start(10, 3, 4);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    struct member *c = enter(2, "c");
    room_post(&room, "before");
    take(1);
    expect_output(&clients[1].out, "before\n");
    room_post(&room, "* c has quit");
    leave(c);
    room_post(&room, "last");
    room_shutdown(&room);

    /* a and b get what they had not taken, then the notice, and are done (an away member
     * skips straight to the notice: see test_brb.c) */
    expect_take(0, "before\n* c has quit\nlast\n* server is shutting down\n");
    assert_true(room_member_done(a));
    expect_take(1, "* c has quit\nlast\n* server is shutting down\n");
    assert_true(room_member_done(b));
    /* c had already said goodbye: it gets the lines up to its quit line, not the notice */
    expect_take(2, "before\n* c has quit\n");
    assert_true(room_member_done(c));
    /* nothing after the notice reaches anyone */
    room_post(&room, "late");
    assert_int_equal(take(0), 0);
    assert_int_equal(take(1), 0);
}


/* ---- --sendq: bytes taken but unsent, plus lines not yet taken ------------------------ */

static void test_untaken_bytes_over_sendq_cut_off(void **state)
{
    (void)state;
    start_with_sendq(100, 40);
    struct member *a = enter(0, "a");
    struct member *b = enter(1, "b");
    room_post(&room, "0123456789");     /* 11 bytes each with the newline */
    room_post(&room, "0123456789");
    room_post(&room, "0123456789");
    assert_false(b->cut_off);           /* 33 bytes owed */
    take(0);
    outbuf_consume(&clients[0].out, outbuf_len(&clients[0].out));     /* a sent them */
    take(0);
    room_post(&room, "0123456789");     /* b owes 44 > 40; a owes 11 */
    assert_true(b->cut_off);
    assert_false(a->cut_off);
    expect_take(0, "0123456789\n* b has quit (too slow)\n");
}

static void test_taken_but_unsent_bytes_count(void **state)
{
    (void)state;
    start_with_sendq(100, 40);
    struct member *a = enter(0, "a");
    room_post(&room, "0123456789");
    room_post(&room, "0123456789");
    room_post(&room, "0123456789");
    take(0);                            /* 33 bytes in its buffer, not sent */
    assert_int_equal(a->unsent, 33);
    room_post(&room, "0123456789");     /* 33 + 11 > 40 */
    assert_true(a->cut_off);
}

static void test_sent_bytes_stop_counting(void **state)
{
    (void)state;
    start_with_sendq(100, 40);
    struct member *a = enter(0, "a");
    for (int i = 0; i < 10; i++) {
        room_post(&room, "0123456789");
        take(0);
        outbuf_consume(&clients[0].out, outbuf_len(&clients[0].out));   /* "sent" */
    }
    take(0);
    assert_false(a->cut_off);
    assert_int_equal(a->unsent, 0);
}

static void test_post_would_cut_near_sendq(void **state)
{
    (void)state;
    start_with_sendq(100, 2 * CHAT_MAX_OUT_LINE);
    enter(0, "a");
    assert_false(room_post_would_cut(&room));
    room_post(&room, "%0*d", CHAT_MAX_LINE, 0);
    assert_false(room_post_would_cut(&room));   /* 513 owed + a longest line still fits */
    room_post(&room, "%0*d", CHAT_MAX_LINE, 0);
    assert_true(room_post_would_cut(&room));
    take(0);
    outbuf_consume(&clients[0].out, outbuf_len(&clients[0].out));
    take(0);
    assert_false(room_post_would_cut(&room));
}

/* ---- catching up (room.h) ---------------------------------------------------------------- */

/* A full log whose oldest line member 1 has not taken: the next post would cut it off. */
static void start_behind(void)
{
    start(3, 0, 4);
    enter(0, "a");
    enter(1, "b");
    for (int i = 0; i < 3; i++)
        room_post(&room, "x%d", i);
    take(0);
    assert_true(room_post_would_cut(&room));
}

static void test_catch_up_no_wait_when_nobody_would_be_cut(void **state)
{
    (void)state;
    struct catch_up c = { 0 };
    start(3, 0, 4);
    enter(0, "a");
    assert_false(room_catch_up_must_wait(&room, &c, 0, 1000, 250));
    assert_false(c.waiting);
}

static void test_catch_up_waits_a_grace_time_then_goes(void **state)
{
    (void)state;
    struct catch_up c = { 0 };
    start_behind();
    assert_true(room_catch_up_must_wait(&room, &c, 7, 1000, 250));
    assert_int_equal(c.deadline_ms, 1250);
    assert_true(room_catch_up_must_wait(&room, &c, 7, 1249, 250));
    assert_false(room_catch_up_must_wait(&room, &c, 7, 1250, 250));  /* nobody moved: go */
    assert_false(c.waiting);
}

static void test_catch_up_progress_restarts_the_grace(void **state)
{
    (void)state;
    struct catch_up c = { 0 };
    start_behind();
    assert_true(room_catch_up_must_wait(&room, &c, 7, 1000, 250));
    assert_true(room_catch_up_must_wait(&room, &c, 8, 1200, 250));   /* someone moved */
    assert_int_equal(c.deadline_ms, 1450);
    assert_true(room_catch_up_must_wait(&room, &c, 8, 1300, 250));
    assert_false(room_catch_up_must_wait(&room, &c, 8, 1450, 250));
}

static void test_catch_up_ends_when_the_member_behind_takes(void **state)
{
    (void)state;
    struct catch_up c = { 0 };
    start_behind();
    assert_true(room_catch_up_must_wait(&room, &c, 7, 1000, 250));
    assert_true(room_catch_up_take(&room, &clients[1].m, &clients[1].out));
    assert_false(room_catch_up_must_wait(&room, &c, 8, 1001, 250));
    assert_false(c.waiting);
}

static void test_catch_up_take_counts_sent_output_as_progress(void **state)
{
    (void)state;
    start(8, 0, 4);
    enter(0, "a");
    room_post(&room, "x");
    assert_true(room_catch_up_take(&room, &clients[0].m, &clients[0].out));  /* a line */
    assert_false(room_catch_up_take(&room, &clients[0].m, &clients[0].out)); /* nothing new */
    outbuf_consume(&clients[0].out, outbuf_len(&clients[0].out));            /* sent */
    assert_true(room_catch_up_take(&room, &clients[0].m, &clients[0].out));
    assert_false(room_catch_up_take(&room, &clients[0].m, &clients[0].out));
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, finish)
    const struct CMUnitTest tests[] = {
        T(test_attach_up_to_max),
        T(test_attached_member_takes_nothing_until_joined),
        T(test_detach_keeps_join_order),
        T(test_find_nick_ignores_case),
        T(test_find_nick_only_in_room),
        T(test_online_counts_members_in_room),
        T(test_post_adds_newline_and_numbers),
        T(test_take_delivers_in_order),
        T(test_take_stops_at_stop_at),
        T(test_take_only_whole_lines_that_fit),
        T(test_member_done),
        T(test_laggard_is_cut_off),
        T(test_member_exactly_backlog_behind_is_kept),
        T(test_every_laggard_cut_once),
        T(test_away_member_takes_up_to_its_away_line),
        T(test_attached_not_joined_is_not_cut_off),
        T(test_quit_member_cut_silently),
        T(test_post_would_cut),
        T(test_cut_off_directly),
        T(test_cut_off_without_hook),
        T(test_shutdown_reaches_everyone),
        T(test_untaken_bytes_over_sendq_cut_off),
        T(test_taken_but_unsent_bytes_count),
        T(test_sent_bytes_stop_counting),
        T(test_post_would_cut_near_sendq),
        T(test_catch_up_no_wait_when_nobody_would_be_cut),
        T(test_catch_up_waits_a_grace_time_then_goes),
        T(test_catch_up_progress_restarts_the_grace),
        T(test_catch_up_ends_when_the_member_behind_takes),
        T(test_catch_up_take_counts_sent_output_as_progress),
    };
    return cmocka_run_group_tests_name("room", tests, NULL, NULL);
}
