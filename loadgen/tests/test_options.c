/* Unit tests of the command line: defaults, good values, and refusal of bad ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../options.h"

static char out_text[8192], err_text[1024];

static enum parse_result parse(struct options *o, int argc, const char **argv)
{
    FILE *out = fmemopen(out_text, sizeof out_text, "w");
    FILE *err = fmemopen(err_text, sizeof err_text, "w");
    enum parse_result r = options_parse(o, argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

/* Parse the arguments given after o, up to a NULL. */
static enum parse_result parse_args(struct options *o, ...)
{
    const char *argv[32] = {"chat-loadgen"};
    int argc = 1;
    va_list ap;
    va_start(ap, o);
    for (const char *a; argc < 31 && (a = va_arg(ap, const char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    return parse(o, argc, argv);
}

#define PARSE(o, ...) parse_args(o, __VA_ARGS__, (const char *)NULL)

static void defaults(void **state)
{
    (void)state;
    struct options o;
    const char *argv[] = {"chat-loadgen", NULL};
    assert_int_equal(parse(&o, 1, argv), PARSE_OK);
    assert_string_equal(o.host, "127.0.0.1");
    assert_string_equal(o.port, "5555");
    assert_int_equal(o.clients, 10);
    assert_true(o.rate == 100.0);
    assert_int_equal(o.server_pid, 0);
    assert_false(o.stats_signal);
    assert_int_equal(o.format, FORMAT_JSON);
}

static void good_values(void **state)
{
    (void)state;
    struct options o;
    assert_int_equal(PARSE(&o, "--host", "10.0.0.2", "--port", "6000", "--clients", "1000",
                           "--rate", "2500.5", "--size", "512", "--warmup", "0", "--duration",
                           "0.5", "--server-pid", "123", "--format", "csv", "--no-header",
                           "--label", "async-100"),
                     PARSE_OK);
    assert_string_equal(o.host, "10.0.0.2");
    assert_string_equal(o.port, "6000");
    assert_int_equal(o.clients, 1000);
    assert_true(o.rate == 2500.5);
    assert_int_equal(o.size, 512);
    assert_true(o.duration_s == 0.5);
    assert_int_equal(o.server_pid, 123);
    assert_int_equal(o.format, FORMAT_CSV);
    assert_false(o.csv_header);
    assert_string_equal(o.label, "async-100");
    assert_int_equal(PARSE(&o, "--rate", "0", "--clients", "1"), PARSE_OK);
    /* The scale runs: 10,000 clients, and the most the options allow. */
    assert_int_equal(PARSE(&o, "--clients", "10000"), PARSE_OK);
    assert_int_equal(o.clients, 10000);
    assert_int_equal(PARSE(&o, "--clients", "60000"), PARSE_OK);
    assert_int_equal(o.clients, 60000);
    assert_int_equal(PARSE(&o, "--server-pid", "123", "--stats-signal"), PARSE_OK);
    assert_true(o.stats_signal);
}

static void bad_values_are_refused(void **state)
{
    (void)state;
    struct options o;
    assert_int_equal(PARSE(&o, "--clients", "0"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--clients", "-3"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--clients", "10x"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--clients", "60001"), PARSE_ERROR);
    assert_non_null(strstr(err_text, "--clients"));
    assert_int_equal(PARSE(&o, "--port", "70000"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--rate", "-1"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--rate", "nan"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--size", "513"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--duration", "0"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--format", "xml"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--nick-prefix", "9lg"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--nick-prefix", "averyverylongprefix"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--label", "a,b"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--bogus"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "--rate"), PARSE_ERROR);
    assert_int_equal(PARSE(&o, "stray"), PARSE_ERROR);
    /* Someone has to receive: a loaded run needs two clients. */
    assert_int_equal(PARSE(&o, "--clients", "1", "--rate", "10"), PARSE_ERROR);
    /* The signal goes to --server-pid: without one there is nobody to send it to. */
    assert_int_equal(PARSE(&o, "--stats-signal"), PARSE_ERROR);
    assert_non_null(strstr(err_text, "--server-pid"));
}

static void help_and_version(void **state)
{
    (void)state;
    struct options o;
    assert_int_equal(PARSE(&o, "--help"), PARSE_EXIT_OK);
    assert_non_null(strstr(out_text, "--rate"));
    assert_non_null(strstr(out_text, "--server-pid"));
    assert_non_null(strstr(out_text, "open-file limit"));
    assert_int_equal(PARSE(&o, "--version"), PARSE_EXIT_OK);
    assert_non_null(strstr(out_text, "chat-loadgen"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(good_values),
        cmocka_unit_test(bad_values_are_refused),
        cmocka_unit_test(help_and_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
