/* Unit tests of the load message format and of the classification of server lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../wire.h"

static enum line_kind classify(const char *line, struct load_fields *f)
{
    return wire_classify(line, strlen(line), f);
}

static void format_pads_to_size(void **state)
{
    (void)state;
    char buf[600];
    struct load_fields f = {.seq = 42, .sender = 7, .sched_ns = 123456789};
    size_t n = wire_format_load(buf, sizeof buf, &f, 64);
    assert_int_equal(n, 65);
    assert_int_equal(buf[64], '\n');
    assert_memory_equal(buf, "#lg 42 7 123456789 xxx", 22);
    assert_null(memchr(buf, '\n', 64));
}

static void format_never_shorter_than_header(void **state)
{
    (void)state;
    char buf[600];
    struct load_fields f = {.seq = 1, .sender = 2, .sched_ns = 3};
    size_t n = wire_format_load(buf, sizeof buf, &f, 0);
    assert_int_equal(n, strlen("#lg 1 2 3\n"));
    assert_memory_equal(buf, "#lg 1 2 3\n", n);
    assert_int_equal(wire_format_load(buf, 5, &f, 0), 0);
    assert_int_equal(wire_format_load(buf, 20, &f, 100), 0);
}

/* What the generator sends comes back from the server with "<NICK> " in front. */
static void round_trip_through_the_server(void **state)
{
    (void)state;
    char sent[600], relayed[700];
    struct load_fields f = {.seq = UINT64_MAX / 2, .sender = 999, .sched_ns = UINT64_MAX}, got;
    size_t n = wire_format_load(sent, sizeof sent, &f, 512);
    assert_int_equal(n, 513);
    snprintf(relayed, sizeof relayed, "<lg999> %.*s", (int)(n - 1), sent);
    assert_int_equal(classify(relayed, &got), LINE_LOAD);
    assert_true(got.seq == f.seq);
    assert_int_equal(got.sender, 999);
    assert_true(got.sched_ns == UINT64_MAX);
}

static void other_lines_are_not_load(void **state)
{
    (void)state;
    struct load_fields f;
    assert_int_equal(classify("<bob> hello", &f), LINE_OTHER);
    assert_int_equal(classify("<bob> #lg 1 2", &f), LINE_OTHER);        /* too few numbers */
    assert_int_equal(classify("<bob> #lg 1 2 x", &f), LINE_OTHER);
    assert_int_equal(classify("<bob> #lg 1 2 3x", &f), LINE_OTHER);
    assert_int_equal(classify("<bob> #lg 1 99999999999 3", &f), LINE_OTHER); /* sender > 32 bit */
    assert_int_equal(classify("<bob> #lg 99999999999999999999999 1 3", &f), LINE_OTHER);
    assert_int_equal(classify("<bob>#lg 1 2 3", &f), LINE_OTHER);
    assert_int_equal(classify("* lg1 has joined", &f), LINE_OTHER);
    assert_int_equal(classify("* welcome guest1, 1 users online, type /help for commands", &f),
                     LINE_OTHER);
    assert_int_equal(classify("", &f), LINE_OTHER);
    assert_int_equal(classify("<", &f), LINE_OTHER);
    assert_int_equal(classify("<bob> #lg 1 2 3", &f), LINE_LOAD);
}

static void history_and_errors(void **state)
{
    (void)state;
    struct load_fields f;
    assert_int_equal(classify("* history: 20 lines", &f), LINE_HISTORY_START);
    assert_int_equal(classify("* end of history", &f), LINE_HISTORY_END);
    assert_int_equal(classify("* end of history!", &f), LINE_OTHER);
    assert_int_equal(classify("! nickname in use: lg3", &f), LINE_ERROR);
    assert_int_equal(classify("! server full (max 10 users)", &f), LINE_ERROR);
}

static void rename_confirmation(void **state)
{
    (void)state;
    const char *line = "* guest12 is now known as lg3";
    assert_true(wire_is_rename_to(line, strlen(line), "lg3"));
    assert_false(wire_is_rename_to(line, strlen(line), "g3"));
    assert_false(wire_is_rename_to(line, strlen(line), "lg33"));
    const char *other = "<x> * guest12 is now known as lg3";
    assert_false(wire_is_rename_to(other, strlen(other), "lg3"));
    const char *bare = "* is now known as lg3";
    assert_false(wire_is_rename_to(bare, strlen(bare), "lg3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_pads_to_size),
        cmocka_unit_test(format_never_shorter_than_header),
        cmocka_unit_test(round_trip_through_the_server),
        cmocka_unit_test(other_lines_are_not_load),
        cmocka_unit_test(history_and_errors),
        cmocka_unit_test(rename_confirmation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
