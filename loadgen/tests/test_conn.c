/* Unit tests of cutting a connection's input into lines, across reads, through a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../conn.h"

#define MAX_SEEN 8

static char seen[MAX_SEEN][CONN_PARTIAL_MAX + 1];
static int seen_count;

static void remember(void *ctx, struct conn *c, const char *line, size_t len)
{
    (void)ctx;
    (void)c;
    assert_true(seen_count < MAX_SEEN);
    memcpy(seen[seen_count], line, len);
    seen[seen_count][len] = '\0';
    seen_count++;
}

static struct conn c;
static int fds[2];
static char scratch[4096];

static int setup(void **state)
{
    (void)state;
    conn_init(&c, 0, "lg", 1024);
    assert_int_equal(pipe(fds), 0);
    c.fd = fds[0];
    seen_count = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    close(fds[0]);
    close(fds[1]);
    conn_free(&c);
    return 0;
}

static void feed(const char *text)
{
    assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    assert_true(conn_read_lines(&c, scratch, sizeof scratch, remember, NULL) > 0);
}

static void nick_from_prefix_and_index(void **state)
{
    (void)state;
    struct conn other;
    conn_init(&other, 42, "bench", 10);
    assert_string_equal(other.nick, "bench42");
    assert_int_equal(other.state, CONN_IDLE);
    conn_free(&other);
}

static void lines_split_and_carried_over(void **state)
{
    (void)state;
    feed("<a> one\n<b> two\r\n<c> thr");
    assert_int_equal(seen_count, 2);
    assert_string_equal(seen[0], "<a> one");
    assert_string_equal(seen[1], "<b> two");          /* the \r is dropped */
    feed("ee\n");
    assert_int_equal(seen_count, 3);
    assert_string_equal(seen[2], "<c> three");        /* joined across two reads */
}

static void empty_lines_are_passed(void **state)
{
    (void)state;
    feed("\n\nx\n");
    assert_int_equal(seen_count, 3);
    assert_string_equal(seen[0], "");
    assert_string_equal(seen[2], "x");
}

/* Something longer than any server line is dropped up to its newline, not buffered. */
static void overlong_line_is_dropped(void **state)
{
    (void)state;
    char big[CONN_PARTIAL_MAX + 50];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    feed(big);
    feed("zzz\nok\n");
    assert_int_equal(seen_count, 1);
    assert_string_equal(seen[0], "ok");
}

static void end_of_stream(void **state)
{
    (void)state;
    close(fds[1]);
    fds[1] = dup(fds[0]);   /* keep teardown's close() valid */
    assert_int_equal(conn_read_lines(&c, scratch, sizeof scratch, remember, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(nick_from_prefix_and_index, setup, teardown),
        cmocka_unit_test_setup_teardown(lines_split_and_carried_over, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_lines_are_passed, setup, teardown),
        cmocka_unit_test_setup_teardown(overlong_line_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(end_of_stream, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
