/* test_inbox.c - the bounded line queue between the select() thread and a client thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../inbox.h"

static void push_text(struct inbox *in, const char *s)
{
    inbox_push(in, FRAME_LINE, s, strlen(s));
}

static void expect_pop(struct inbox *in, enum frame_kind kind, const char *text)
{
    struct inbox_line line;
    assert_true(inbox_pop(in, &line));
    assert_int_equal(line.kind, kind);
    assert_int_equal(line.len, strlen(text));
    assert_memory_equal(line.text, text, line.len);
}

static void starts_empty(void **state)
{
    (void)state;
    struct inbox in;
    struct inbox_line line;
    inbox_init(&in);
    assert_true(inbox_empty(&in));
    assert_false(inbox_full(&in));
    assert_false(inbox_pop(&in, &line));
}

static void lines_come_out_in_order(void **state)
{
    (void)state;
    struct inbox in;
    inbox_init(&in);
    push_text(&in, "one");
    push_text(&in, "");
    inbox_push(&in, FRAME_TOO_LONG, NULL, 0);
    push_text(&in, "two");
    expect_pop(&in, FRAME_LINE, "one");
    expect_pop(&in, FRAME_LINE, "");
    expect_pop(&in, FRAME_TOO_LONG, "");
    expect_pop(&in, FRAME_LINE, "two");
    assert_true(inbox_empty(&in));
}

static void full_after_inbox_lines(void **state)
{
    (void)state;
    struct inbox in;
    inbox_init(&in);
    for (int i = 0; i < INBOX_LINES; i++) {
        assert_false(inbox_full(&in));
        push_text(&in, "x");
    }
    assert_true(inbox_full(&in));
    expect_pop(&in, FRAME_LINE, "x");
    assert_false(inbox_full(&in));
}

/* Many more lines than slots, interleaved: the ring wraps and keeps the order. */
static void wraps_around(void **state)
{
    (void)state;
    struct inbox in;
    char text[16];
    int next_in = 0, next_out = 0;
    inbox_init(&in);
    for (int round = 0; round < 10 * INBOX_LINES; round++) {
        for (int k = 0; k < 3 && !inbox_full(&in); k++) {
            snprintf(text, sizeof text, "line %d", next_in++);
            push_text(&in, text);
        }
        for (int k = 0; k < 2 && !inbox_empty(&in); k++) {
            snprintf(text, sizeof text, "line %d", next_out++);
            expect_pop(&in, FRAME_LINE, text);
        }
    }
    while (!inbox_empty(&in)) {
        snprintf(text, sizeof text, "line %d", next_out++);
        expect_pop(&in, FRAME_LINE, text);
    }
    assert_int_equal(next_in, next_out);
}

static void longest_line_fits(void **state)
{
    (void)state;
    struct inbox in;
    static char text[CHAT_MAX_LINE + 1];
    memset(text, 'y', CHAT_MAX_LINE);
    inbox_init(&in);
    push_text(&in, text);
    expect_pop(&in, FRAME_LINE, text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_empty),
        cmocka_unit_test(lines_come_out_in_order),
        cmocka_unit_test(full_after_inbox_lines),
        cmocka_unit_test(wraps_around),
        cmocka_unit_test(longest_line_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
