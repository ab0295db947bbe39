/* test_args.c - the command line (args.h). */
#include "client_testutil.h"

#include "../args.h"

static struct client_args args;
static char err[200];

#define PARSE(...) parse((char *[]){ "chat-client", __VA_ARGS__, NULL })

static enum args_result parse(char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return args_parse(argc, argv, &args, err, sizeof err);
}

static void test_defaults(void **state)
{
    (void)state;
    char *argv[] = { "chat-client", NULL };
    assert_int_equal(args_parse(1, argv, &args, err, sizeof err), ARGS_RUN);
    assert_string_equal(args.host, "127.0.0.1");
    assert_string_equal(args.port, "5555");
    assert_null(args.nick);
    assert_int_equal(args.color, COLOR_AUTO);
}

static void test_host_port_and_options(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--nick", "alice", "example.org", "6000"), ARGS_RUN);
    assert_string_equal(args.host, "example.org");
    assert_string_equal(args.port, "6000");
    assert_string_equal(args.nick, "alice");
    assert_int_equal(PARSE("--nick=bob", "--color=never", "localhost"), ARGS_RUN);
    assert_string_equal(args.nick, "bob");
    assert_string_equal(args.host, "localhost");
    assert_string_equal(args.port, "5555");
    assert_int_equal(args.color, COLOR_NEVER);
    assert_int_equal(PARSE("--color"), ARGS_RUN);
    assert_int_equal(args.color, COLOR_ALWAYS);
    assert_int_equal(PARSE("--", "-host-with-dash"), ARGS_RUN);
    assert_string_equal(args.host, "-host-with-dash");
}

static void test_help_and_version(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--help"), ARGS_HELP);
    assert_int_equal(PARSE("-h"), ARGS_HELP);
    assert_int_equal(PARSE("--version"), ARGS_VERSION);
}

static void assert_bad(enum args_result result, const char *reason)
{
    assert_int_equal(result, ARGS_BAD);
    assert_non_null(strstr(err, reason));
}

static void test_bad_command_lines(void **state)
{
    (void)state;
    assert_bad(PARSE("--frobnicate"), "unknown option");
    assert_bad(PARSE("--nick"), "needs a NAME");
    assert_bad(PARSE("--nick", "9lives"), "invalid nickname");
    assert_bad(PARSE("--nick", "a\n/quit"), "invalid nickname");
    assert_bad(PARSE("--nick", "seventeen_chars_x"), "invalid nickname");
    assert_bad(PARSE("--color=blue"), "auto, always or never");
    assert_bad(PARSE("host", "0"), "invalid port");
    assert_bad(PARSE("host", "65536"), "invalid port");
    assert_bad(PARSE("host", "12ab"), "invalid port");
    assert_bad(PARSE("host", "1", "extra"), "unexpected argument");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_host_port_and_options),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_bad_command_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
