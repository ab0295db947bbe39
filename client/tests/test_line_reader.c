/* test_line_reader.c - cutting a byte stream into bounded lines (line_reader.h). */
#include "client_testutil.h"

#include "../line_reader.h"

struct fixture {
    struct line_reader r;
    char storage[8];
};

static void feed(struct fixture *f, const char *data)
{
    assert_int_equal(line_reader_feed(&f->r, data, strlen(data)), strlen(data));
}

static void assert_next(struct fixture *f, const char *expected, bool cut)
{
    struct line line;
    assert_true(line_reader_next(&f->r, &line));
    assert_int_equal(line.len, strlen(expected));
    assert_memory_equal(line.text, expected, line.len);
    assert_int_equal(line.cut, cut);
}

static void assert_no_line(struct fixture *f)
{
    struct line line;
    assert_false(line_reader_next(&f->r, &line));
}

static void start(struct fixture *f)
{
    line_reader_init(&f->r, f->storage, sizeof f->storage);
}

static void test_lines_split_across_feeds(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    feed(&f, "ab");
    assert_no_line(&f);
    feed(&f, "c\nd\n\ne");
    assert_next(&f, "abc", false);
    assert_next(&f, "d", false);
    assert_next(&f, "", false);
    assert_no_line(&f);
    line_reader_end(&f.r);
    assert_next(&f, "e", false);       /* the unterminated last line */
    assert_no_line(&f);
}

static void test_binary_bytes_are_kept(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    assert_int_equal(line_reader_feed(&f.r, "a\0b\n", 4), 4);
    struct line line;
    assert_true(line_reader_next(&f.r, &line));
    assert_int_equal(line.len, 3);
    assert_memory_equal(line.text, "a\0b", 3);
}

static void test_long_line_is_cut_and_its_rest_dropped(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    assert_int_equal(line_reader_feed(&f.r, "0123456789", 10), 8);   /* only 8 fit */
    assert_next(&f, "01234567", true);
    assert_no_line(&f);
    feed(&f, "89ABCDEF");          /* still the same line: dropped, however long */
    assert_no_line(&f);
    feed(&f, "GHIJKLMN");
    assert_no_line(&f);
    feed(&f, "OP\nok\n");
    assert_next(&f, "ok", false);
    assert_no_line(&f);
}

static void test_full_buffer_of_lines_drains(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    feed(&f, "a\nb\nc\nd\n");
    assert_int_equal(line_reader_feed(&f.r, "x", 1), 0);   /* full until lines are taken */
    assert_next(&f, "a", false);
    assert_int_equal(line_reader_feed(&f.r, "x\n", 2), 2);
    assert_next(&f, "b", false);
    assert_next(&f, "c", false);
    assert_next(&f, "d", false);
    assert_next(&f, "x", false);
}

static void test_end_inside_a_dropped_line(void **state)
{
    (void)state;
    struct fixture f;
    start(&f);
    feed(&f, "01234567");
    assert_next(&f, "01234567", true);
    feed(&f, "rest");
    line_reader_end(&f.r);
    assert_no_line(&f);            /* the tail of the cut line is not a line of its own */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_split_across_feeds),
        cmocka_unit_test(test_binary_bytes_are_kept),
        cmocka_unit_test(test_long_line_is_cut_and_its_rest_dropped),
        cmocka_unit_test(test_full_buffer_of_lines_drains),
        cmocka_unit_test(test_end_inside_a_dropped_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
