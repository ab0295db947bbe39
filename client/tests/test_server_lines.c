/* test_server_lines.c - reading the server's lines: their kind (server_line.h) and what they
 * say about us (self_state.h). */
#include "client_testutil.h"

#include "../self_state.h"
#include "../server_line.h"

static struct server_line parse(const char *line)
{
    return server_line_parse(line, strlen(line));
}

static void assert_span(const char *p, size_t n, const char *expected)
{
    assert_int_equal(n, strlen(expected));
    assert_memory_equal(p, expected, n);
}

static void test_chat_line(void **state)
{
    (void)state;
    struct server_line l = parse("<alice> hi <bob> there");
    assert_int_equal(l.kind, SERVER_LINE_CHAT);
    assert_span(l.nick, l.nick_len, "alice");
    assert_span(l.text, l.text_len, "hi <bob> there");
}

static void test_notice_and_error(void **state)
{
    (void)state;
    struct server_line l = parse("* alice has joined");
    assert_int_equal(l.kind, SERVER_LINE_NOTICE);
    assert_span(l.text, l.text_len, "alice has joined");
    l = parse("! nickname in use: bob");
    assert_int_equal(l.kind, SERVER_LINE_ERROR);
    assert_span(l.text, l.text_len, "nickname in use: bob");
}

static void test_other_lines(void **state)
{
    (void)state;
    assert_int_equal(parse("").kind, SERVER_LINE_OTHER);
    assert_int_equal(parse("<>").kind, SERVER_LINE_OTHER);
    assert_int_equal(parse("<a b> x").kind, SERVER_LINE_OTHER);
    assert_int_equal(parse("<alice>hi").kind, SERVER_LINE_OTHER);
    assert_int_equal(parse("*no space").kind, SERVER_LINE_OTHER);
    assert_int_equal(parse("<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa> long").kind, SERVER_LINE_OTHER);
    assert_int_equal(parse("<").kind, SERVER_LINE_OTHER);
}

static void observe(struct self_state *s, const char *line)
{
    self_state_observe(s, line, strlen(line));
}

static void test_welcome_names_us(void **state)
{
    (void)state;
    struct self_state s;
    self_state_init(&s);
    assert_false(s.welcomed);
    observe(&s, "* welcome guest3, 2 users online, type /help for commands");
    assert_true(s.welcomed);
    assert_string_equal(s.nick, "guest3");
}

static void test_rename_and_away_about_us_only(void **state)
{
    (void)state;
    struct self_state s;
    self_state_init(&s);
    observe(&s, "* welcome guest1, 1 users online, type /help for commands");
    observe(&s, "* guest2 is now known as bob");            /* someone else */
    assert_string_equal(s.nick, "guest1");
    observe(&s, "* guest1 is now known as alice");
    assert_string_equal(s.nick, "alice");
    observe(&s, "* bob is away");
    assert_false(s.away);
    observe(&s, "* alice is away (lunch)");
    assert_true(s.away);
    observe(&s, "<alice> * alice is back");                  /* a chat line, not a notice */
    assert_true(s.away);
    observe(&s, "* alice is back");
    assert_false(s.away);
    observe(&s, "* alice is away");
    observe(&s, "* alice is back (full)");
    assert_false(s.away);
    observe(&s, "* alice is awayish");                        /* not the away line */
    assert_false(s.away);
}

static void test_history_is_not_about_us(void **state)
{
    (void)state;
    struct self_state s;
    self_state_init(&s);
    observe(&s, "* welcome guest1, 1 users online, type /help for commands");
    observe(&s, "* history: 2 lines");
    observe(&s, "* guest1 is now known as bob");              /* an earlier guest1 */
    observe(&s, "* guest1 is away");
    observe(&s, "* end of history");
    assert_string_equal(s.nick, "guest1");
    assert_false(s.away);
    observe(&s, "* guest1 is away");
    assert_true(s.away);
}

static void test_invalid_nick_is_ignored(void **state)
{
    (void)state;
    struct self_state s;
    self_state_init(&s);
    observe(&s, "* welcome \x1b[2J, 1 users online");
    assert_false(s.welcomed);
    observe(&s, "* welcome guest1, 1 users online, type /help for commands");
    observe(&s, "* guest1 is now known as waytoolongforanick");
    assert_string_equal(s.nick, "guest1");
}

static void test_refusal_and_shutdown(void **state)
{
    (void)state;
    struct self_state s;
    self_state_init(&s);
    observe(&s, "! server full (max 1 users)");
    assert_true(s.server_full);
    assert_string_equal(s.refusal, "server full (max 1 users)");
    assert_false(s.shutting_down);
    observe(&s, "* server is shutting down");
    assert_true(s.shutting_down);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chat_line),
        cmocka_unit_test(test_notice_and_error),
        cmocka_unit_test(test_other_lines),
        cmocka_unit_test(test_welcome_names_us),
        cmocka_unit_test(test_rename_and_away_about_us_only),
        cmocka_unit_test(test_history_is_not_about_us),
        cmocka_unit_test(test_invalid_nick_is_ignored),
        cmocka_unit_test(test_refusal_and_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
