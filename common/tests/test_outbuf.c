/* test_outbuf.c - the bounded queue of bytes waiting for one client (outbuf.h). */
#include "testutil.h"

#include "outbuf.h"
#include "protocol.h"

static bool append(struct outbuf *b, const char *s)
{
    return outbuf_append(b, s, strlen(s));
}

static void test_starts_empty(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 100);
    assert_int_equal(outbuf_len(&b), 0);
    assert_int_equal(outbuf_space(&b), 100);
    expect_output(&b, "");
    outbuf_free(&b);
}

static void test_append_and_read(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 100);
    assert_true(append(&b, "hello "));
    assert_true(append(&b, "world\n"));
    assert_int_equal(outbuf_len(&b), 12);
    assert_int_equal(outbuf_space(&b), 88);
    expect_output(&b, "hello world\n");
    assert_int_equal(outbuf_len(&b), 0);
    outbuf_free(&b);
}

static void test_limit_enforced(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 10);
    assert_true(append(&b, "12345"));
    assert_false(append(&b, "678901"));          /* 11 > 10: refused whole */
    expect_output(&b, "12345");
    assert_true(append(&b, "abcde"));
    assert_true(append(&b, "fghij"));            /* exactly at the limit is fine */
    assert_int_equal(outbuf_space(&b), 0);
    assert_false(append(&b, "k"));
    assert_true(outbuf_append(&b, "", 0));       /* nothing always fits */
    expect_output(&b, "abcdefghij");
    outbuf_free(&b);
}

static void test_limit_counts_unsent_bytes_only(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 10);
    assert_true(append(&b, "0123456789"));
    assert_false(append(&b, "x"));
    outbuf_consume(&b, 4);                       /* 4 bytes sent: room for 4 more */
    assert_int_equal(outbuf_space(&b), 4);
    assert_true(append(&b, "abcd"));
    assert_false(append(&b, "e"));
    expect_output(&b, "456789abcd");
    outbuf_free(&b);
}

static void test_consume(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 100);
    append(&b, "abcdef");
    outbuf_consume(&b, 2);
    assert_int_equal(outbuf_len(&b), 4);
    assert_memory_equal(outbuf_data(&b), "cdef", 4);
    outbuf_consume(&b, 0);
    assert_int_equal(outbuf_len(&b), 4);
    outbuf_consume(&b, 100);                     /* more than is there: empties it */
    assert_int_equal(outbuf_len(&b), 0);
    assert_int_equal(outbuf_space(&b), 100);
    outbuf_consume(&b, 1);                       /* on an empty buffer: harmless */
    assert_int_equal(outbuf_len(&b), 0);
    assert_true(append(&b, "again"));
    expect_output(&b, "again");
    outbuf_free(&b);
}

static void test_append_after_partial_consume_keeps_order(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 4096);
    /* Fill the first allocation, send part of it, then append more than fits at the end:
     * the unsent bytes must slide to the front and stay in order. */
    char chunk[700];
    memset(chunk, 'a', sizeof chunk);
    assert_true(outbuf_append(&b, chunk, sizeof chunk));
    outbuf_consume(&b, 600);
    memset(chunk, 'b', sizeof chunk);
    assert_true(outbuf_append(&b, chunk, sizeof chunk));
    assert_int_equal(outbuf_len(&b), 800);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(outbuf_data(&b)[i], 'a');
    for (size_t i = 100; i < 800; i++)
        assert_int_equal(outbuf_data(&b)[i], 'b');
    outbuf_free(&b);
}

static void test_growth_up_to_limit(void **state)
{
    (void)state;
    const size_t limit = 100000;
    struct outbuf b;
    outbuf_init(&b, limit);
    size_t total = 0;
    char piece[8];
    for (unsigned i = 0;; i++) {
        snprintf(piece, sizeof piece, "%07u", i % 10000000);
        if (!outbuf_append(&b, piece, 7))
            break;
        total += 7;
    }
    assert_int_equal(total, limit - limit % 7);
    assert_int_equal(outbuf_len(&b), total);
    assert_true(b.cap <= limit);                 /* memory never grows past the limit */
    /* every piece is where it should be */
    for (unsigned i = 0; i < total / 7; i++) {
        snprintf(piece, sizeof piece, "%07u", i);
        assert_memory_equal(outbuf_data(&b) + 7 * i, piece, 7);
    }
    outbuf_free(&b);
}

static void test_one_big_append(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 1 << 20);
    char *big = malloc(300000);
    assert_non_null(big);
    for (size_t i = 0; i < 300000; i++)
        big[i] = (char)('a' + i % 26);
    assert_true(outbuf_append(&b, big, 300000));
    assert_int_equal(outbuf_len(&b), 300000);
    assert_memory_equal(outbuf_data(&b), big, 300000);
    free(big);
    outbuf_free(&b);
}

static void test_free_then_reuse(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 50);
    append(&b, "data");
    outbuf_free(&b);
    assert_int_equal(outbuf_len(&b), 0);
    assert_int_equal(outbuf_space(&b), 50);      /* the limit survives */
    assert_true(append(&b, "more"));
    expect_output(&b, "more");
    outbuf_free(&b);
}

static void test_printf(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 1000);
    assert_true(outbuf_printf(&b, "* welcome %s, %zu users online\n", "bob", (size_t)3));
    assert_true(outbuf_printf(&b, "%d-%d\n", 1, 2));
    expect_output(&b, "* welcome bob, 3 users online\n1-2\n");
    outbuf_free(&b);
}

static void test_printf_past_limit(void **state)
{
    (void)state;
    struct outbuf b;
    outbuf_init(&b, 10);
    assert_true(outbuf_printf(&b, "%s", "12345678"));
    assert_false(outbuf_printf(&b, "%s\n", "abc"));  /* 12 > 10: nothing appended */
    expect_output(&b, "12345678");
    outbuf_free(&b);
}

static void test_printf_longest_line_fits(void **state)
{
    (void)state;
    struct outbuf b;
    char text[CHAT_MAX_OUT_LINE];
    outbuf_init(&b, 1 << 20);
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    /* CHAT_MAX_OUT_LINE bytes in all, "\n" included */
    assert_true(outbuf_printf(&b, "%s\n", text));
    assert_int_equal(outbuf_len(&b), CHAT_MAX_OUT_LINE);
    outbuf_free(&b);
}

static void test_printf_overflow(void **state)
{
    (void)state;
    struct outbuf b;
    char text[CHAT_MAX_OUT_LINE + 1];
    outbuf_init(&b, 1 << 20);
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    /* Longer than any line the server makes: refused, not truncated. */
    assert_false(outbuf_printf(&b, "%s\n", text));
    assert_int_equal(outbuf_len(&b), 0);
    assert_true(outbuf_printf(&b, "ok\n"));
    expect_output(&b, "ok\n");
    outbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_empty),
        cmocka_unit_test(test_append_and_read),
        cmocka_unit_test(test_limit_enforced),
        cmocka_unit_test(test_limit_counts_unsent_bytes_only),
        cmocka_unit_test(test_consume),
        cmocka_unit_test(test_append_after_partial_consume_keeps_order),
        cmocka_unit_test(test_growth_up_to_limit),
        cmocka_unit_test(test_one_big_append),
        cmocka_unit_test(test_free_then_reuse),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_printf_past_limit),
        cmocka_unit_test(test_printf_longest_line_fits),
        cmocka_unit_test(test_printf_overflow),
    };
    return cmocka_run_group_tests_name("outbuf", tests, NULL, NULL);
}
