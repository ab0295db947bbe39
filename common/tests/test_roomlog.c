/* test_roomlog.c - the numbered, bounded log of room lines (roomlog.h). */
#include "testutil.h"

#include "roomlog.h"

static uint64_t append(struct roomlog *log, const char *text)
{
    return roomlog_append(log, text, strlen(text));
}

/* Line n is present and reads `text`. */
#define assert_line(log, n, expected)                               \
    do {                                                            \
        const struct logline *l_ = roomlog_get((log), (n));         \
        assert_non_null(l_);                                        \
        assert_int_equal(l_->len, strlen(expected));                \
        assert_memory_equal(l_->text, (expected), l_->len);         \
    } while (0)

static void test_empty_log(void **state)
{
    (void)state;
    struct roomlog log;
    assert_int_equal(roomlog_init(&log, 4), 0);
    assert_int_equal(roomlog_first(&log), 0);
    assert_int_equal(roomlog_next(&log), 0);
    assert_null(roomlog_get(&log, 0));
    assert_null(roomlog_get(&log, 1));
    roomlog_free(&log);
}

static void test_numbering_from_zero(void **state)
{
    (void)state;
    struct roomlog log;
    assert_int_equal(roomlog_init(&log, 4), 0);
    assert_int_equal(append(&log, "zero\n"), 0);
    assert_int_equal(append(&log, "one\n"), 1);
    assert_int_equal(append(&log, "two\n"), 2);
    assert_int_equal(roomlog_first(&log), 0);
    assert_int_equal(roomlog_next(&log), 3);
    assert_line(&log, 0, "zero\n");
    assert_line(&log, 1, "one\n");
    assert_line(&log, 2, "two\n");
    roomlog_free(&log);
}

static void test_append_copies_text(void **state)
{
    (void)state;
    struct roomlog log;
    char text[] = "mutable\n";
    assert_int_equal(roomlog_init(&log, 2), 0);
    append(&log, text);
    text[0] = 'X';
    assert_line(&log, 0, "mutable\n");
    roomlog_free(&log);
}

static void test_full_log_drops_oldest(void **state)
{
    (void)state;
    struct roomlog log;
    assert_int_equal(roomlog_init(&log, 3), 0);
    append(&log, "a\n");
    append(&log, "b\n");
    append(&log, "c\n");
    assert_int_equal(roomlog_first(&log), 0);     /* exactly full: nothing dropped yet */
    assert_int_equal(append(&log, "d\n"), 3);
    assert_int_equal(roomlog_first(&log), 1);
    assert_int_equal(roomlog_next(&log), 4);
    assert_null(roomlog_get(&log, 0));
    assert_line(&log, 1, "b\n");
    assert_line(&log, 3, "d\n");
    roomlog_free(&log);
}

static void test_wrap_around_many_times(void **state)
{
    (void)state;
    struct roomlog log;
    char text[32];
    assert_int_equal(roomlog_init(&log, 5), 0);
    for (int i = 0; i < 1003; i++) {
        /* lines of varying length, so that reused slots must be resized */
        snprintf(text, sizeof text, "%d%.*s\n", i, i % 13, "xxxxxxxxxxxxxxxxxxxx");
        assert_int_equal(append(&log, text), (uint64_t)i);
    }
    assert_int_equal(roomlog_first(&log), 998);
    assert_int_equal(roomlog_next(&log), 1003);
    for (int i = 998; i < 1003; i++) {
        snprintf(text, sizeof text, "%d%.*s\n", i, i % 13, "xxxxxxxxxxxxxxxxxxxx");
        assert_line(&log, (uint64_t)i, text);
    }
    roomlog_free(&log);
}

static void test_get_dropped_and_future_lines(void **state)
{
    (void)state;
    struct roomlog log;
    assert_int_equal(roomlog_init(&log, 2), 0);
    for (int i = 0; i < 6; i++)
        append(&log, "line\n");
    /* kept: 4 and 5 */
    for (uint64_t n = 0; n < 4; n++)
        assert_null(roomlog_get(&log, n));
    assert_non_null(roomlog_get(&log, 4));
    assert_non_null(roomlog_get(&log, 5));
    assert_null(roomlog_get(&log, 6));             /* not yet appended */
    assert_null(roomlog_get(&log, 7));
    assert_null(roomlog_get(&log, UINT64_MAX));
    roomlog_free(&log);
}

static void test_capacity_one(void **state)
{
    (void)state;
    struct roomlog log;
    assert_int_equal(roomlog_init(&log, 1), 0);
    assert_int_equal(append(&log, "first\n"), 0);
    assert_line(&log, 0, "first\n");
    assert_int_equal(append(&log, "second line\n"), 1);
    assert_null(roomlog_get(&log, 0));
    assert_line(&log, 1, "second line\n");
    assert_int_equal(roomlog_first(&log), 1);
    assert_int_equal(roomlog_next(&log), 2);
    roomlog_free(&log);
}

static void test_free_after_partial_fill(void **state)
{
    (void)state;
    struct roomlog log;
    assert_int_equal(roomlog_init(&log, 100), 0);
    append(&log, "only\n");                        /* most slots were never used */
    roomlog_free(&log);
    assert_null(log.slots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_log),
        cmocka_unit_test(test_numbering_from_zero),
        cmocka_unit_test(test_append_copies_text),
        cmocka_unit_test(test_full_log_drops_oldest),
        cmocka_unit_test(test_wrap_around_many_times),
        cmocka_unit_test(test_get_dropped_and_future_lines),
        cmocka_unit_test(test_capacity_one),
        cmocka_unit_test(test_free_after_partial_fill),
    };
    return cmocka_run_group_tests_name("roomlog", tests, NULL, NULL);
}
