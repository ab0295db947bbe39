/* test_session.c - the chat behaviour of PROTOCOL.md, end to end (session.h).
 *
 * A few clients share one room. Each has a member and an output buffer, like a server's
 * connection without the socket: say() hands it a line as the framer would, and
 * expect_client() first takes its pending room lines (what a variant does before sending)
 * and then checks everything the client would have received since the last check. */
#include "session_fixture.h"

#define WELCOME(nick, n) "* welcome " nick ", " #n " users online, type /help for commands\n"
#define INVALID_NICK(name) \
    "! invalid nickname: " name " (1-16 letters, digits, _ or -, starting with a letter)\n"
#define INVALID_TEXT "! invalid text: control characters and invalid UTF-8 are not allowed\n"

/* ---- joining ----------------------------------------------------------------------------- */

static void test_welcome_and_join_line(void **state)
{
    (void)state;
    start(100, 20);
    struct client *a = connect_client();
    /* the join line is a room line: it is not in the buffer until taken */
    expect_output(&a->out, WELCOME("guest1", 1));
    expect_client(a, "* guest1 has joined\n");

    struct client *b = connect_client();
    expect_client(b, WELCOME("guest2", 2)
                     "* history: 1 lines\n"
                     "* guest1 has joined\n"
                     "* end of history\n"
                     "* guest2 has joined\n");
    expect_client(a, "* guest2 has joined\n");

    struct client *c = connect_client();
    expect_client(c, WELCOME("guest3", 3)
                     "* history: 2 lines\n"
                     "* guest1 has joined\n"
                     "* guest2 has joined\n"
                     "* end of history\n"
                     "* guest3 has joined\n");
    assert_true(c->m.in_room);
    assert_int_equal(room_online(&room), 3);
}

static void test_history_is_last_replay_lines(void **state)
{
    (void)state;
    start(5, 3);
    for (int i = 0; i < 7; i++)
        room_post(&room, "<x> line%d", i);   /* the log keeps line2..line6 */
    struct client *a = connect_client();
    expect_client(a, WELCOME("guest1", 1)
                     "* history: 3 lines\n"
                     "<x> line4\n"
                     "<x> line5\n"
                     "<x> line6\n"
                     "* end of history\n"
                     "* guest1 has joined\n");
}

static void test_history_is_all_kept_lines_when_fewer_than_replay(void **state)
{
    (void)state;
    start(5, 5);
    room_post(&room, "<x> one");
    room_post(&room, "<x> two");
    struct client *a = connect_client();
    expect_client(a, WELCOME("guest1", 1)
                     "* history: 2 lines\n"
                     "<x> one\n"
                     "<x> two\n"
                     "* end of history\n"
                     "* guest1 has joined\n");
}

static void test_history_bounded_by_backlog(void **state)
{
    (void)state;
    start(2, 2);
    for (int i = 0; i < 4; i++)
        room_post(&room, "<x> %d", i);
    struct client *a = connect_client();
    expect_client(a, WELCOME("guest1", 1)
                     "* history: 2 lines\n<x> 2\n<x> 3\n* end of history\n"
                     "* guest1 has joined\n");
}

static void test_no_history_when_replay_is_zero(void **state)
{
    (void)state;
    start(5, 0);
    room_post(&room, "<x> one");
    struct client *a = connect_client();
    expect_client(a, WELCOME("guest1", 1) "* guest1 has joined\n");
}

static void test_history_has_only_room_lines(void **state)
{
    (void)state;
    start(10, 10);
    struct client *a = connect_client();
    say(a, "/who");                         /* direct replies and errors are never logged */
    say(a, "/nope");
    say(a, "hello");
    struct client *b = connect_client();
    expect_client(b, WELCOME("guest2", 2)
                     "* history: 2 lines\n"
                     "* guest1 has joined\n"
                     "<guest1> hello\n"
                     "* end of history\n"
                     "* guest2 has joined\n");
}

static void test_history_left_out_when_sendq_is_tiny(void **state)
{
    (void)state;
    start(10, 10);
    for (int i = 0; i < 10; i++)
        room_post(&room, "<x> %040d", i);    /* 47 bytes each */
    struct client *a = connect_with_limit(300);
    /* only the newest lines that fit are replayed; the client is not cut off */
    assert_false(a->m.cut_off);
    char *got = outbuf_text(&a->out);
    assert_non_null(strstr(got, "* history: "));
    assert_non_null(strstr(got, "<x> 0000000000000000000000000000000000000009\n"
                                "* end of history\n"));
    assert_null(strstr(got, "<x> 0000000000000000000000000000000000000000\n"));
    assert_true(outbuf_len(&a->out) <= 300);
    free(got);
}

static void test_guest_numbering_skips_taken_nicks(void **state)
{
    (void)state;
    start(100, 0);
    struct client *a = connect_client();            /* guest1 */
    say(a, "/nick guest2");
    struct client *b = connect_client();            /* guest2 is taken */
    assert_string_equal(b->m.nick, "guest3");
    say(a, "/nick GUEST4");                         /* taken ignoring case */
    struct client *c = connect_client();
    assert_string_equal(c->m.nick, "guest5");
    session_disconnect(&room, &b->m);
    room_detach(&room, &b->m);
    struct client *d = connect_client();            /* N keeps counting up */
    assert_string_equal(d->m.nick, "guest6");
    expect_client(d, WELCOME("guest6", 3) "* guest6 has joined\n");
}

/* ---- chat lines -------------------------------------------------------------------------- */

static void test_chat_reaches_everyone_including_sender(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "hello there");
    expect_client(a, "<guest2> hello there\n");
    expect_client(b, "<guest2> hello there\n");
    expect_client(c, "<guest2> hello there\n");
}

static void test_chat_is_trimmed(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, " \t hi  there \t");
    expect_client(b, "<guest1> hi  there\n");
}

static void test_empty_lines_are_ignored(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    uint64_t before = logged();
    say(a, "");
    say(a, "   ");
    say(a, "\t");
    assert_int_equal(logged(), before);
    expect_client(a, "");
}

static void test_double_slash_sends_slash(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "//nick is a command");
    expect_client(b, "<guest1> /nick is a command\n");
    say(a, "//");
    expect_client(b, "<guest1> /\n");
}

static void test_utf8_chat(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\tok");
    expect_client(b, "<guest1> caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\tok\n");
}

static void test_room_lines_come_before_a_direct_reply(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "first");
    say(b, "/nope");
    expect_client(b, "<guest1> first\n! unknown command: /nope (type /help)\n");
}

/* ---- errors ------------------------------------------------------------------------------ */

static void test_unknown_command(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    uint64_t before = logged();
    say(a, "/foo bar baz");
    expect_client(a, "! unknown command: /foo (type /help)\n");
    say(a, "/FOO");
    expect_client(a, "! unknown command: /FOO (type /help)\n");
    say(a, "/");
    expect_client(a, "! unknown command: / (type /help)\n");
    say(a, "/nickname x");
    expect_client(a, "! unknown command: /nickname (type /help)\n");
    assert_int_equal(logged(), before);
    expect_client(b, "");
}

static void test_too_long(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    uint64_t before = logged();
    session_input(&room, &a->m, FRAME_TOO_LONG, NULL, 0, &a->out);
    expect_client(a, "! line too long (max 512 bytes)\n");
    assert_int_equal(logged(), before);
    assert_true(a->m.in_room);
    expect_client(b, "");
    say(a, "still here");
    expect_client(b, "<guest1> still here\n");
}

static void test_invalid_text(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    uint64_t before = logged();
    say(a, "red \x1b[31mtext");
    expect_client(a, INVALID_TEXT);
    say(a, "\xC0\xAF");                     /* overlong "/" */
    expect_client(a, INVALID_TEXT);
    say(a, "\xED\xA0\x80");                 /* a surrogate */
    expect_client(a, INVALID_TEXT);
    say(a, "del\x7F");
    expect_client(a, INVALID_TEXT);
    say(a, "/nick bad\x01");                /* checked before the command is parsed */
    expect_client(a, INVALID_TEXT);
    session_input(&room, &a->m, FRAME_LINE, "a\0b", 3, &a->out);
    expect_client(a, INVALID_TEXT);
    assert_int_equal(logged(), before);
    expect_client(b, "");
}

/* ---- /nick ------------------------------------------------------------------------------- */

static void test_nick_change_is_broadcast(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/nick alice");
    expect_client(a, "* guest1 is now known as alice\n");
    expect_client(b, "* guest1 is now known as alice\n");
    assert_string_equal(a->m.nick, "alice");
    say(a, "hi");
    expect_client(c, "* guest1 is now known as alice\n<alice> hi\n");
    say(a, "/NICK Al_-1");                  /* command word in any case */
    expect_client(b, "<alice> hi\n* alice is now known as Al_-1\n");
}

static void test_nick_own_case_change(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/nick Guest1");
    expect_client(b, "* guest1 is now known as Guest1\n");
    say(a, "/nick GUEST1");
    expect_client(a, "* guest1 is now known as Guest1\n* Guest1 is now known as GUEST1\n");
}

static void test_nick_errors(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    uint64_t before = logged();

    say(a, "/nick");
    expect_client(a, "! usage: /nick NAME\n");
    say(a, "/nick   ");
    expect_client(a, "! usage: /nick NAME\n");
    say(a, "/nick 1abc");
    expect_client(a, INVALID_NICK("1abc"));
    say(a, "/nick _x");
    expect_client(a, INVALID_NICK("_x"));
    say(a, "/nick abcdefghijklmnopq");
    expect_client(a, INVALID_NICK("abcdefghijklmnopq"));
    say(a, "/nick a b");
    expect_client(a, INVALID_NICK("a b"));
    say(a, "/nick caf\xC3\xA9");
    expect_client(a, INVALID_NICK("caf\xC3\xA9"));
    say(a, "/nick guest2");
    expect_client(a, "! nickname in use: guest2\n");
    say(a, "/nick GUEST3");
    expect_client(a, "! nickname in use: GUEST3\n");

    assert_int_equal(logged(), before);
    assert_string_equal(a->m.nick, "guest1");
    expect_client(b, "");
}

static void test_nick_sixteen_chars(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/nick abcdefghijklmnop");
    expect_client(b, "* guest1 is now known as abcdefghijklmnop\n");
}

static void test_old_nick_becomes_free(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/nick alice");
    say(b, "/nick guest1");
    expect_client(c, "* guest1 is now known as alice\n* guest2 is now known as guest1\n");
    say(c, "/quit");
    say(a, "/nick guest3");                 /* a nick that has left the room is free */
    expect_client(b, "* guest1 is now known as alice\n* guest2 is now known as guest1\n"
                     "* guest3 has quit\n* alice is now known as guest3\n");
}

/* ---- /who and /help ---------------------------------------------------------------------- */

static void test_who_in_join_order(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/who");
    expect_client(a, "* 3 users online: guest1, guest2, guest3\n");
    say(a, "/nick zed");                    /* renaming does not change the order */
    say(c, "/nick aaa");
    drain(a);
    say(a, "/WHO");
    expect_client(a, "* 3 users online: zed, guest2, aaa\n");
}

static void test_who_after_someone_leaves(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/quit");
    drain(a);
    say(a, "/who");
    expect_client(a, "* 2 users online: guest1, guest3\n");
    struct client *d = connect_client();
    drain(a);
    drain(d);
    say(d, "/who");
    expect_client(d, "* 3 users online: guest1, guest3, guest4\n");
}

static void test_who_alone(void **state)
{
    (void)state;
    start(100, 20);
    struct client *a = connect_client();
    drain(a);
    say(a, "/who");
    expect_client(a, "* 1 users online: guest1\n");
}

/* /brb and /back are checked in test_brb.c, with the rest of the BRB feature. */
static void test_help_names_commands(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    uint64_t before = logged();
    say(a, "/help");
    char *got = outbuf_text(&a->out);
    assert_memory_equal(got, "* commands:", strlen("* commands:"));
    const char *commands[] = { "/nick", "/who", "/quit", "/help" };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        assert_non_null(strstr(got, commands[i]));
    /* exactly one line */
    assert_ptr_equal(strchr(got, '\n'), got + strlen(got) - 1);
    free(got);
    drain(a);
    say(a, "/HeLp");
    assert_true(outbuf_contains(&a->out, "* commands:"));
    assert_int_equal(logged(), before);
    expect_client(b, "");
}

/* ---- leaving ----------------------------------------------------------------------------- */

static void test_quit_delivers_up_to_own_quit_line(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "x");
    say(b, "/quit bye  all");
    assert_false(b->m.in_room);
    assert_false(room_member_done(&b->m));  /* still owed its quit line */
    say(a, "after");
    expect_client(b, "<guest1> x\n* guest2 has quit (bye  all)\n");
    assert_true(room_member_done(&b->m));
    expect_client(a, "<guest1> x\n* guest2 has quit (bye  all)\n<guest1> after\n");
    /* whatever it sends afterwards is ignored */
    uint64_t before = logged();
    say(b, "hello?");
    say(b, "/who");
    session_input(&room, &b->m, FRAME_TOO_LONG, NULL, 0, &b->out);
    assert_int_equal(logged(), before);
    expect_client(b, "");
}

/* The quitter's own quit line is the last it takes, even when posting it cuts off a slow
 * member, whose "(too slow)" line is logged right after it. */
static void test_quit_line_cutting_off_a_slow_member_is_the_last(void **state)
{
    (void)state;
    start(3, 0);
    struct client *a = connect_client();
    struct client *slow = connect_client();
    drain(a);                           /* slow never takes anything */
    say(a, "x");
    say(a, "y");
    drain(a);
    say(a, "/quit");                    /* the log drops a line slow has not taken */
    assert_true(slow->m.cut_off);
    expect_client(a, "* guest1 has quit\n");
    assert_true(room_member_done(&a->m));
}

/* The server log's reason for each way of leaving. */
static void test_leave_reasons(void **state)
{
    (void)state;
    start(100, 20);
    struct client *a = connect_client();
    struct client *b = connect_client();
    struct client *c = connect_client();
    struct client *d = connect_client();
    assert_string_equal(session_leave_reason(&a->m), "never joined");
    say(a, "/quit");
    session_disconnect(&room, &b->m);
    room_cut_off(&room, &c->m);
    room_shutdown(&room);
    assert_string_equal(session_leave_reason(&a->m), "quit");
    assert_string_equal(session_leave_reason(&b->m), "connection closed");
    assert_string_equal(session_leave_reason(&c->m), "too slow");
    assert_string_equal(session_leave_reason(&d->m), "server shutting down");
    session_disconnect(&room, &d->m);           /* after the notice: still the shutdown */
    assert_string_equal(session_leave_reason(&d->m), "server shutting down");
}

static void test_quit_without_message(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(c, "/QUIT");
    expect_client(a, "* guest3 has quit\n");
    expect_client(c, "* guest3 has quit\n");
    assert_true(room_member_done(&c->m));
}

static void test_disconnect_posts_connection_closed(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    session_disconnect(&room, &b->m);
    expect_client(a, "* guest2 has quit (connection closed)\n");
    assert_false(b->m.in_room);
    assert_true(room_member_done(&b->m));
    expect_client(b, "");                   /* nobody is left to read it */
    session_disconnect(&room, &b->m);       /* twice: one line */
    expect_client(c, "* guest2 has quit (connection closed)\n");
    room_detach(&room, &b->m);
    say(a, "/who");
    expect_client(a, "* 2 users online: guest1, guest3\n");
}

static void test_disconnect_after_quit(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/quit");
    session_disconnect(&room, &b->m);       /* already gone: no second goodbye */
    expect_client(a, "* guest2 has quit\n");
}

/* ---- --sendq ----------------------------------------------------------------------------- */

static void test_reply_overflowing_sendq_cuts_off(void **state)
{
    (void)state;
    start(100, 20);
    struct client *a = connect_client();
    struct client *b = connect_with_limit(200);
    drain(a);
    assert_false(b->m.cut_off);             /* b never sends what it receives */
    say(b, "/help");                        /* ~110 bytes on top of 134 unsent */
    assert_true(b->m.cut_off);
    assert_false(b->m.in_room);
    assert_int_equal(cut_calls, 1);
    expect_client(a, "* guest2 has quit (too slow)\n");
    uint64_t before = logged();
    say(b, "still there?");
    session_disconnect(&room, &b->m);
    assert_int_equal(logged(), before);
}

static void test_who_overflowing_sendq_cuts_off(void **state)
{
    (void)state;
    start(100, 0);
    struct client *a = connect_client();
    struct client *b = connect_with_limit(110);
    drain(a);
    say(b, "/nick abcdefghijklmnop");
    say(a, "/nick bcdefghijklmnopq");
    say(b, "/who");                         /* 78 unsent + 18 header fit, the names do not */
    assert_true(b->m.cut_off);
    expect_client(a, "* guest2 is now known as abcdefghijklmnop\n"
                     "* guest1 is now known as bcdefghijklmnopq\n"
                     "* abcdefghijklmnop has quit (too slow)\n");
}

/* ---- a longer conversation --------------------------------------------------------------- */

static void test_three_clients_see_the_same_order(void **state)
{
    (void)state;
    start(100, 20);
    struct client *a = connect_client();
    struct client *b = connect_client();
    say(a, "hi b");
    struct client *c = connect_client();
    say(b, "/nick bob");
    say(a, "where is c?");
    say(b, "//shrug");
    say(a, "/quit");
    say(c, "bye");

    expect_client(a, WELCOME("guest1", 1)
                     "* guest1 has joined\n"
                     "* guest2 has joined\n"
                     "<guest1> hi b\n"
                     "* guest3 has joined\n"
                     "* guest2 is now known as bob\n"
                     "<guest1> where is c?\n"
                     "<bob> /shrug\n"
                     "* guest1 has quit\n");
    expect_client(b, WELCOME("guest2", 2)
                     "* history: 1 lines\n"
                     "* guest1 has joined\n"
                     "* end of history\n"
                     "* guest2 has joined\n"
                     "<guest1> hi b\n"
                     "* guest3 has joined\n"
                     "* guest2 is now known as bob\n"
                     "<guest1> where is c?\n"
                     "<bob> /shrug\n"
                     "* guest1 has quit\n"
                     "<guest3> bye\n");
    expect_client(c, WELCOME("guest3", 3)
                     "* history: 3 lines\n"
                     "* guest1 has joined\n"
                     "* guest2 has joined\n"
                     "<guest1> hi b\n"
                     "* end of history\n"
                     "* guest3 has joined\n"
                     "* guest2 is now known as bob\n"
                     "<guest1> where is c?\n"
                     "<bob> /shrug\n"
                     "* guest1 has quit\n"
                     "<guest3> bye\n");
    assert_true(room_member_done(&a->m));
}

static void test_shutdown_notice(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    drain(b);
    say(a, "last");
    room_shutdown(&room);
    expect_client(a, "<guest1> last\n* server is shutting down\n");
    expect_client(b, "<guest1> last\n* server is shutting down\n");
    expect_client(c, "<guest1> last\n* server is shutting down\n");
    assert_true(room_member_done(&a->m));
    assert_true(room_member_done(&b->m));
    assert_true(room_member_done(&c->m));
    /* nothing after the notice reaches anyone */
    room_post(&room, "late");
    expect_client(a, "");
}

/* ---- server full ------------------------------------------------------------------------- */

static void test_format_full(void **state)
{
    (void)state;
    char buf[64];
    size_t n = session_format_full(buf, sizeof buf, 5);
    assert_string_equal(buf, "! server full (max 5 users)\n");
    assert_int_equal(n, strlen(buf));
    n = session_format_full(buf, sizeof buf, 100000);
    assert_string_equal(buf, "! server full (max 100000 users)\n");
    assert_int_equal(n, strlen(buf));
    /* a buffer that is too small gets a truncated, terminated line */
    char small[10];
    n = session_format_full(small, sizeof small, 5);
    assert_int_equal(n, 9);
    assert_string_equal(small, "! server ");
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, finish)
    const struct CMUnitTest tests[] = {
        T(test_welcome_and_join_line),
        T(test_history_is_last_replay_lines),
        T(test_history_is_all_kept_lines_when_fewer_than_replay),
        T(test_history_bounded_by_backlog),
        T(test_no_history_when_replay_is_zero),
        T(test_history_has_only_room_lines),
        T(test_history_left_out_when_sendq_is_tiny),
        T(test_guest_numbering_skips_taken_nicks),
        T(test_chat_reaches_everyone_including_sender),
        T(test_chat_is_trimmed),
        T(test_empty_lines_are_ignored),
        T(test_double_slash_sends_slash),
        T(test_utf8_chat),
        T(test_room_lines_come_before_a_direct_reply),
        T(test_unknown_command),
        T(test_too_long),
        T(test_invalid_text),
        T(test_nick_change_is_broadcast),
        T(test_nick_own_case_change),
        T(test_nick_errors),
        T(test_nick_sixteen_chars),
        T(test_old_nick_becomes_free),
        T(test_who_in_join_order),
        T(test_who_after_someone_leaves),
        T(test_who_alone),
        T(test_help_names_commands),
        T(test_quit_delivers_up_to_own_quit_line),
        T(test_quit_line_cutting_off_a_slow_member_is_the_last),
        T(test_leave_reasons),
        T(test_quit_without_message),
        T(test_disconnect_posts_connection_closed),
        T(test_disconnect_after_quit),
        T(test_reply_overflowing_sendq_cuts_off),
        T(test_who_overflowing_sendq_cuts_off),
        T(test_three_clients_see_the_same_order),
        T(test_shutdown_notice),
        cmocka_unit_test(test_format_full),
    };
    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
