/* test_command.c - what a trimmed, valid client line asks for (command.h). */
#include "testutil.h"

#include "command.h"

static struct command parse(const char *line)
{
    return command_parse(line, strlen(line));
}

/* The command's argument as a string. */
static const char *arg_of(struct command c)
{
    static char buf[1024];
    assert_true(c.arg_len < sizeof buf);
    memcpy(buf, c.arg, c.arg_len);
    buf[c.arg_len] = '\0';
    return buf;
}

/* line parses as kind, with argument arg ("" for none). */
#define assert_command(line, expected_kind, expected_arg)       \
    do {                                                        \
        struct command c_ = parse(line);                        \
        assert_int_equal(c_.kind, (expected_kind));             \
        assert_string_equal(arg_of(c_), (expected_arg));        \
    } while (0)

static void test_empty_line(void **state)
{
    (void)state;
    struct command c = command_parse("", 0);
    assert_int_equal(c.kind, CMD_EMPTY);
    assert_int_equal(c.arg_len, 0);
}

static void test_chat(void **state)
{
    (void)state;
    assert_command("hello", CMD_CHAT, "hello");
    assert_command("hello world", CMD_CHAT, "hello world");
    assert_command("a", CMD_CHAT, "a");
    assert_command("nick bob", CMD_CHAT, "nick bob");      /* no "/": plain text */
    assert_command("x /nick bob", CMD_CHAT, "x /nick bob");
}

static void test_chat_arg_points_into_line(void **state)
{
    (void)state;
    const char *line = "hello";
    struct command c = command_parse(line, 5);
    assert_ptr_equal(c.arg, line);
    assert_int_equal(c.arg_len, 5);
}

static void test_double_slash_is_chat(void **state)
{
    (void)state;
    assert_command("//text", CMD_CHAT, "/text");
    assert_command("//nick bob", CMD_CHAT, "/nick bob");
    assert_command("///", CMD_CHAT, "//");
    assert_command("//", CMD_CHAT, "/");
}

static void test_every_command(void **state)
{
    (void)state;
    assert_command("/nick bob", CMD_NICK, "bob");
    assert_command("/who", CMD_WHO, "");
    assert_command("/help", CMD_HELP, "");
    assert_command("/brb", CMD_BRB, "");
    assert_command("/brb lunch", CMD_BRB, "lunch");
    assert_command("/back", CMD_BACK, "");
    assert_command("/back here again", CMD_BACK, "here again");
    assert_command("/quit", CMD_QUIT, "");
    assert_command("/quit bye all", CMD_QUIT, "bye all");
}

static void test_case_insensitive(void **state)
{
    (void)state;
    assert_command("/NICK Bob", CMD_NICK, "Bob");          /* the argument keeps its case */
    assert_command("/Nick bob", CMD_NICK, "bob");
    assert_command("/WHO", CMD_WHO, "");
    assert_command("/wHo", CMD_WHO, "");
    assert_command("/HELP", CMD_HELP, "");
    assert_command("/BrB away", CMD_BRB, "away");
    assert_command("/BACK", CMD_BACK, "");
    assert_command("/QuIt", CMD_QUIT, "");
}

static void test_args_with_blanks(void **state)
{
    (void)state;
    /* Blanks after the word are skipped; blanks inside the argument are kept. */
    assert_command("/quit   see  you", CMD_QUIT, "see  you");
    assert_command("/quit\tbye", CMD_QUIT, "bye");
    assert_command("/brb \t \tgone\tfishing", CMD_BRB, "gone\tfishing");
    assert_command("/nick a b", CMD_NICK, "a b");
}

static void test_word_ends_at_tab(void **state)
{
    (void)state;
    assert_command("/who\tnow", CMD_WHO, "now");
}

static void test_extra_args_are_passed(void **state)
{
    (void)state;
    /* Commands without an argument still parse; the session ignores the extra text. */
    assert_command("/who is here", CMD_WHO, "is here");
    assert_command("/help me", CMD_HELP, "me");
}

static void test_nick_without_arg(void **state)
{
    (void)state;
    assert_command("/nick", CMD_NICK, "");
    struct command c = parse("/nick");
    assert_int_equal(c.arg_len, 0);
}

static void test_slash_alone_is_unknown(void **state)
{
    (void)state;
    assert_command("/", CMD_UNKNOWN, "/");
    assert_command("/ hi", CMD_UNKNOWN, "/");
}

static void test_unknown_words(void **state)
{
    (void)state;
    /* The argument of CMD_UNKNOWN is the word as typed, with its "/", without the rest. */
    assert_command("/foo", CMD_UNKNOWN, "/foo");
    assert_command("/FOO bar baz", CMD_UNKNOWN, "/FOO");
    assert_command("/nickname bob", CMD_UNKNOWN, "/nickname");   /* no prefix matching */
    assert_command("/nic bob", CMD_UNKNOWN, "/nic");
    assert_command("/wh", CMD_UNKNOWN, "/wh");
    assert_command("/quitter", CMD_UNKNOWN, "/quitter");
    assert_command("/me waves", CMD_UNKNOWN, "/me");
    assert_command("/\xC3\xA9t\xC3\xA9", CMD_UNKNOWN, "/\xC3\xA9t\xC3\xA9");
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* Only len bytes are parsed: "/whox" cut to 4 bytes is "/who". */
    struct command c = command_parse("/whox", 4);
    assert_int_equal(c.kind, CMD_WHO);
    c = command_parse("/nick bobby", 9);
    assert_int_equal(c.kind, CMD_NICK);
    assert_string_equal(arg_of(c), "bob");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_line),
        cmocka_unit_test(test_chat),
        cmocka_unit_test(test_chat_arg_points_into_line),
        cmocka_unit_test(test_double_slash_is_chat),
        cmocka_unit_test(test_every_command),
        cmocka_unit_test(test_case_insensitive),
        cmocka_unit_test(test_args_with_blanks),
        cmocka_unit_test(test_word_ends_at_tab),
        cmocka_unit_test(test_extra_args_are_passed),
        cmocka_unit_test(test_nick_without_arg),
        cmocka_unit_test(test_slash_alone_is_unknown),
        cmocka_unit_test(test_unknown_words),
        cmocka_unit_test(test_length_is_respected),
    };
    return cmocka_run_group_tests_name("command", tests, NULL, NULL);
}
