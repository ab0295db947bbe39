/* test_brb.c - the BRB feature of the shared core: /brb, /back, and what being away changes.
 *
 * This is the unit test of the BRB lab (labs/brb/README.md): in the student handout the code
 * it checks is missing, so every case here fails until the TODO(BRB) blocks of
 * common/session.c and common/room.c are done, while every other unit test passes.
 * `make grade` counts each case.
 *
 * The fixture (session_fixture.h) is the one of test_session.c. */
#include "session_fixture.h"

/* Client c says "m1" .. "mN". */
static void say_numbered(struct client *c, int n)
{
    for (int i = 1; i <= n; i++) {
        char line[16];
        snprintf(line, sizeof line, "m%d", i);
        say(c, line);
    }
}

#define WELCOME(nick, n) "* welcome " nick ", " #n " users online, type /help for commands\n"

/* ---- /brb holds, /back delivers --------------------------------------------------------- */

static void test_brb_holds_room_lines(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    assert_true(b->m.away);
    /* the away line itself still reaches b */
    expect_client(b, "* guest2 is away\n");
    expect_client(a, "* guest2 is away\n");
    say(a, "one");
    say(c, "two");
    expect_client(b, "");
    assert_false(room_has_pending(&room, &b->m));
    /* direct replies are not held */
    say(b, "/help");
    assert_true(outbuf_contains(&b->out, "* commands:"));
    drain(b);
    say(b, "/nope");
    expect_client(b, "! unknown command: /nope (type /help)\n");
    /* /back: held lines in order, then the back line */
    say(b, "/back");
    assert_false(b->m.away);
    expect_client(b, "<guest1> one\n<guest3> two\n* guest2 is back\n");
    expect_client(a, "<guest1> one\n<guest3> two\n* guest2 is back\n");
    say(a, "three");
    expect_client(b, "<guest1> three\n");
}

static void test_brb_and_back_with_messages(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb out for  lunch");
    say(b, "/back  full  now ");
    expect_client(a, "* guest2 is away (out for  lunch)\n* guest2 is back (full  now)\n");
    say(b, "/BRB");
    say(b, "/Back");
    expect_client(a, "* guest2 is away\n* guest2 is back\n");
}

static void test_lines_taken_before_brb_are_not_repeated(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "before");                       /* b has not taken it yet */
    say(b, "/brb");
    say(a, "during");
    say(b, "/back");
    expect_client(b, "<guest1> before\n* guest2 is away\n<guest1> during\n* guest2 is back\n");
}

static void test_own_lines_while_away_are_held_too(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    drain(b);
    say(b, "/nick bee");
    expect_client(b, "");
    expect_client(a, "* guest2 is away\n* guest2 is now known as bee\n");
    say(b, "/back");
    expect_client(b, "* guest2 is now known as bee\n* bee is back\n");
}

static void test_already_away_and_not_away(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/back");
    expect_client(a, "! you are not away\n");
    say(a, "/brb");
    uint64_t before = logged();
    say(a, "/brb again");
    expect_client(a, "* guest1 is away\n! you are already away\n");
    assert_int_equal(logged(), before);     /* an error posts nothing */
    say(a, "/back");
    say(a, "/back");
    expect_client(a, "* guest1 is back\n! you are not away\n");
    expect_client(b, "* guest1 is away\n* guest1 is back\n");
}

static void test_two_away_members_each_get_their_own_stretch(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(a, "/brb");
    say(c, "x1");
    say(b, "/brb");
    say(c, "x2");
    say(a, "/back");
    say(c, "x3");
    say(b, "/back");
    expect_client(a, "* guest1 is away\n<guest3> x1\n* guest2 is away\n<guest3> x2\n"
                     "* guest1 is back\n<guest3> x3\n* guest2 is back\n");
    expect_client(b, "* guest1 is away\n<guest3> x1\n* guest2 is away\n<guest3> x2\n"
                     "* guest1 is back\n<guest3> x3\n* guest2 is back\n");
}

/* ---- lines lost while away --------------------------------------------------------------- */

static void test_back_reports_dropped_lines(void **state)
{
    (void)state;
    start(4, 0);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    say(b, "/brb");
    drain(b);
    say_numbered(a, 6);
    drain(a);
    assert_false(b->m.cut_off);             /* away: it may lose lines, it is not cut off */
    say(b, "/back");
    /* The log holds 4 lines: b lost its first two held lines and gets the other four,
     * then its back line, and stays in the room. */
    expect_client(b, "* 2 lines were dropped while you were away\n"
                     "<guest1> m3\n<guest1> m4\n<guest1> m5\n<guest1> m6\n"
                     "* guest2 is back\n");
    assert_false(b->m.cut_off);
    assert_true(b->m.in_room);
    assert_int_equal(cut_calls, 0);
    expect_client(a, "* guest2 is back\n");
    say(a, "welcome back");
    expect_client(b, "<guest1> welcome back\n");
}

static void test_back_with_full_log_but_nothing_lost(void **state)
{
    (void)state;
    start(4, 0);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    say(b, "/brb");
    drain(b);
    say_numbered(a, 4);                     /* exactly fills the log with held lines */
    drain(a);
    say(b, "/back");
    /* Nothing was lost. The back line pushes m1 out of the log, but b has it by then. */
    expect_client(b, "<guest1> m1\n<guest1> m2\n<guest1> m3\n<guest1> m4\n"
                     "* guest2 is back\n");
    assert_false(b->m.cut_off);
    assert_int_equal(cut_calls, 0);
    expect_client(a, "* guest2 is back\n");
}

static void test_away_member_is_not_cut_off(void **state)
{
    (void)state;
    start(3, 0);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    say(b, "/brb");
    drain(b);
    for (int i = 0; i < 10; i++) {          /* a keeps up; b takes nothing */
        say(a, "line");
        drain(a);
    }
    assert_false(b->m.cut_off);
    assert_true(b->m.in_room);
    assert_int_equal(cut_calls, 0);
    assert_false(room_has_pending(&room, &b->m));
    say(a, "/who");
    expect_client(a, "* 2 users online: guest1, guest2 (away)\n");
}

static void test_away_member_never_makes_post_would_cut(void **state)
{
    (void)state;
    start(3, 0);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    say(b, "/brb");
    assert_true(b->m.away);
    drain(b);
    say_numbered(a, 5);
    drain(a);
    /* The log is full and b has taken none of it, but b is away: it may lose lines, so no
     * variant has to wait for it before posting. */
    assert_false(b->m.cut_off);
    assert_false(room_post_would_cut(&room));
    say(b, "/back");
    drain(b);
    drain(a);
    assert_false(room_post_would_cut(&room));
}

static void test_held_lines_do_not_count_against_sendq(void **state)
{
    (void)state;
    start_with_sendq(100, 0, 100);
    struct client *a = connect_client();
    struct client *b = connect_with_limit(60);  /* its buffer holds 3 of the lines below */
    drain(a);
    drain(b);
    say(b, "/brb");
    drain(b);
    for (int i = 0; i < 10; i++) {          /* 10 x 20 bytes held: more than --sendq */
        say(a, "0123456789");
        drain(a);
    }
    assert_false(b->m.cut_off);             /* away members are never cut off */
    say(b, "/back");
    /* b takes 3 held lines (60 bytes, unsent) and still owes 7 (140 bytes): all 200 are
     * bounded by --backlog, not --sendq. Only what comes after them counts: the 17-byte back
     * line and four 20-byte lines are 97 bytes, within 100... */
    assert_false(b->m.cut_off);
    for (int i = 0; i < 4; i++)
        say(a, "0123456789");
    assert_false(b->m.cut_off);
    assert_int_equal(cut_calls, 0);
    expect_client(a, "* guest2 is back\n<guest1> 0123456789\n<guest1> 0123456789\n"
                     "<guest1> 0123456789\n<guest1> 0123456789\n");
    /* ... and one line more is not. */
    say(a, "0123456789");
    assert_true(b->m.cut_off);
    expect_client(a, "<guest1> 0123456789\n* guest2 has quit (too slow)\n");
}

static void test_held_lines_count_again_once_sent(void **state)
{
    (void)state;
    start_with_sendq(100, 0, 100);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    drain(b);
    say(b, "/brb");
    drain(b);
    for (int i = 0; i < 10; i++) {          /* 200 bytes held */
        say(a, "0123456789");
        drain(a);
    }
    say(b, "/back");
    drain(b);                               /* b reads everything: nothing is owed any more */
    assert_int_equal(b->m.flush_bytes, 0);
    for (int i = 0; i < 4; i++) {           /* b stops reading: 80 bytes owed */
        say(a, "0123456789");
        drain(a);
    }
    assert_false(b->m.cut_off);
    say(a, "0123456789xxxxxxxxxxxxxxxx");   /* 80 + 36 > 100: the full --sendq applies again */
    assert_true(b->m.cut_off);
    assert_false(a->m.cut_off);
}

static void test_failed_back_notice_posts_nothing_more(void **state)
{
    (void)state;
    start(4, 0);
    struct client *a = connect_client();
    struct client *b = connect_with_limit(100);
    drain(a);
    say(b, "/brb");
    say_numbered(a, 6);
    drain(a);
    /* b's buffer holds 78 unsent bytes (it never sent anything): the 43-byte dropped-lines
     * notice does not fit, so b is cut off, and nothing of b's may follow its quit line. */
    say(b, "hi");
    assert_true(b->m.cut_off);
    assert_true(room_member_done(&b->m));
    expect_client(a, "* guest2 has quit (too slow)\n");
    assert_int_equal(room_take(&room, &b->m, &b->out), 0);
}

/* ---- implicit /back ---------------------------------------------------------------------- */

static void test_chat_while_away_is_implicit_back(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    drain(b);
    say(a, "x");
    say(b, "I'm here");
    expect_client(b, "<guest1> x\n* guest2 is back\n<guest2> I'm here\n");
    expect_client(a, "* guest2 is away\n<guest1> x\n* guest2 is back\n<guest2> I'm here\n");
    assert_false(b->m.away);
    say(a, "/who");
    assert_true(outbuf_contains(&a->out, "guest1, guest2, guest3\n"));
}

static void test_implicit_back_after_dropped_lines(void **state)
{
    (void)state;
    start(4, 0);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    say(b, "/brb");
    drain(b);
    say_numbered(a, 6);
    drain(a);
    say(b, "hi");
    expect_client(b, "* 2 lines were dropped while you were away\n"
                     "<guest1> m3\n<guest1> m4\n<guest1> m5\n<guest1> m6\n"
                     "* guest2 is back\n<guest2> hi\n");
    assert_false(b->m.cut_off);
    assert_int_equal(cut_calls, 0);
    expect_client(a, "* guest2 is back\n<guest2> hi\n");
}

static void test_commands_while_away_do_not_bring_back(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    say(b, "/who");
    say(b, "/help");
    say(b, "");
    session_input(&room, &b->m, FRAME_TOO_LONG, NULL, 0, &b->out);
    say(b, "bad\x1b");
    assert_true(b->m.away);
    expect_client(a, "* guest2 is away\n");
}

/* ---- /who and /help ---------------------------------------------------------------------- */

static void test_who_marks_away(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    drain(a);
    say(a, "/who");
    expect_client(a, "* 3 users online: guest1, guest2 (away), guest3\n");
    say(a, "/nick zed");                    /* renaming does not change the order */
    say(c, "/nick aaa");
    drain(a);
    say(a, "/WHO");
    expect_client(a, "* 3 users online: zed, guest2 (away), aaa\n");
    drain(b);
    say(b, "/who");                         /* direct replies reach an away client at once */
    expect_client(b, "* 3 users online: zed, guest2 (away), aaa\n");
    say(b, "/back");
    drain(a);
    say(a, "/who");
    expect_client(a, "* 3 users online: zed, guest2, aaa\n");
}

static void test_help_names_brb_and_back(void **state)
{
    (void)state;
    start(100, 20);
    struct client *a = connect_client();
    drain(a);
    say(a, "/help");
    char *got = outbuf_text(&a->out);
    assert_non_null(strstr(got, "/brb"));
    assert_non_null(strstr(got, "/back"));
    free(got);
}

/* ---- leaving while away ------------------------------------------------------------------ */

/* The away line is the last line an away member takes, even when posting it cuts off a slow
 * member: that member's "(too slow)" quit line is logged after the away line, and is held. */
static void test_cut_off_by_the_away_line_is_held(void **state)
{
    (void)state;
    start(3, 0);
    struct client *a = connect_client();
    struct client *slow = connect_client();
    drain(a);                           /* slow never takes anything */
    say(a, "x");
    say(a, "y");
    drain(a);
    say(a, "/brb");                     /* the log drops a line slow has not taken */
    assert_true(slow->m.cut_off);
    expect_client(a, "* guest1 is away\n");
    assert_false(room_has_pending(&room, &a->m));
}

static void test_quit_while_away(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    drain(b);
    say(a, "x");
    say(b, "/quit later");
    /* an away client gets nothing more, not even its quit line */
    expect_client(b, "");
    assert_true(room_member_done(&b->m));
    expect_client(a, "* guest2 is away\n<guest1> x\n* guest2 has quit (later)\n");
}

static void test_disconnect_while_away(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(c, "/brb");
    session_disconnect(&room, &c->m);
    expect_client(a, "* guest3 is away\n* guest3 has quit (connection closed)\n");
    assert_true(room_member_done(&c->m));
}

static void test_shutdown_notice_reaches_away_member(void **state)
{
    (void)state;
    struct client *a, *b, *c;
    start(100, 20);
    three_clients(&a, &b, &c);
    say(b, "/brb");
    drain(b);
    say(a, "held");
    room_shutdown(&room);
    expect_client(a, "* guest2 is away\n<guest1> held\n* server is shutting down\n");
    expect_client(b, "* server is shutting down\n");   /* not its held line */
    expect_client(c, "* guest2 is away\n<guest1> held\n* server is shutting down\n");
    assert_true(room_member_done(&a->m));
    assert_true(room_member_done(&b->m));
    assert_true(room_member_done(&c->m));
}

static void test_shutdown_for_away_member_who_lost_lines(void **state)
{
    (void)state;
    start(3, 0);
    struct client *a = connect_client();
    struct client *b = connect_client();
    drain(a);
    say(b, "/brb");
    drain(b);
    for (int i = 0; i < 6; i++) {
        say(a, "line");
        drain(a);
    }
    room_shutdown(&room);
    expect_client(b, "* server is shutting down\n");
    expect_client(a, "* server is shutting down\n");
    assert_true(room_member_done(&b->m));
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
    say(c, "/brb coffee");
    say(a, "where is c?");
    say(b, "//shrug");
    say(c, "/back");
    say(a, "/quit");
    say(c, "bye");

    expect_client(a, WELCOME("guest1", 1)
                     "* guest1 has joined\n"
                     "* guest2 has joined\n"
                     "<guest1> hi b\n"
                     "* guest3 has joined\n"
                     "* guest2 is now known as bob\n"
                     "* guest3 is away (coffee)\n"
                     "<guest1> where is c?\n"
                     "<bob> /shrug\n"
                     "* guest3 is back\n"
                     "* guest1 has quit\n");
    expect_client(b, WELCOME("guest2", 2)
                     "* history: 1 lines\n"
                     "* guest1 has joined\n"
                     "* end of history\n"
                     "* guest2 has joined\n"
                     "<guest1> hi b\n"
                     "* guest3 has joined\n"
                     "* guest2 is now known as bob\n"
                     "* guest3 is away (coffee)\n"
                     "<guest1> where is c?\n"
                     "<bob> /shrug\n"
                     "* guest3 is back\n"
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
                     "* guest3 is away (coffee)\n"
                     "<guest1> where is c?\n"
                     "<bob> /shrug\n"
                     "* guest3 is back\n"
                     "* guest1 has quit\n"
                     "<guest3> bye\n");
    assert_true(room_member_done(&a->m));
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, finish)
    const struct CMUnitTest tests[] = {
        T(test_brb_holds_room_lines),
        T(test_brb_and_back_with_messages),
        T(test_lines_taken_before_brb_are_not_repeated),
        T(test_own_lines_while_away_are_held_too),
        T(test_already_away_and_not_away),
        T(test_two_away_members_each_get_their_own_stretch),
        T(test_back_reports_dropped_lines),
        T(test_back_with_full_log_but_nothing_lost),
        T(test_away_member_is_not_cut_off),
        T(test_away_member_never_makes_post_would_cut),
        T(test_held_lines_do_not_count_against_sendq),
        T(test_held_lines_count_again_once_sent),
        T(test_failed_back_notice_posts_nothing_more),
        T(test_chat_while_away_is_implicit_back),
        T(test_implicit_back_after_dropped_lines),
        T(test_commands_while_away_do_not_bring_back),
        T(test_who_marks_away),
        T(test_help_names_brb_and_back),
        T(test_cut_off_by_the_away_line_is_held),
        T(test_quit_while_away),
        T(test_disconnect_while_away),
        T(test_shutdown_notice_reaches_away_member),
        T(test_shutdown_for_away_member_who_lost_lines),
        T(test_three_clients_see_the_same_order),
    };
    return cmocka_run_group_tests_name("brb", tests, NULL, NULL);
}
