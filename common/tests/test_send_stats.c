/* test_send_stats.c - the send counters (send_stats.h) and the two send functions of net.c
 * that feed them: calls that accepted bytes, and the lines in what they accepted. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "send_stats.h"

/* The counters are process-wide and only count up: every test looks at differences. */
static struct send_stats since(struct send_stats before)
{
    struct send_stats now = send_stats_read();
    return (struct send_stats){ now.calls - before.calls, now.lines - before.lines };
}

static void test_counts_calls_and_newlines(void **state)
{
    (void)state;
    struct send_stats before = send_stats_read();
    send_stats_count("<a> hi\n<b> yo\n", 14);
    send_stats_count("* no newline yet", 16);
    struct send_stats d = since(before);
    assert_int_equal(d.calls, 2);
    assert_int_equal(d.lines, 2);
}

static void test_nothing_sent_counts_nothing(void **state)
{
    (void)state;
    struct send_stats before = send_stats_read();
    send_stats_count("x\n", 0);
    send_stats_count("x\n", -1);
    struct send_stats d = since(before);
    assert_int_equal(d.calls, 0);
    assert_int_equal(d.lines, 0);
}

static void test_only_accepted_bytes_count(void **state)
{
    (void)state;
    struct send_stats before = send_stats_read();
    const char *out = "<a> one\n<a> two\n";
    send_stats_count(out, 3);               /* "<a>": no line has gone yet */
    send_stats_count(out + 3, 9);           /* " one\n<a> ": the first line has */
    send_stats_count(out + 12, 4);          /* "two\n" */
    struct send_stats d = since(before);
    assert_int_equal(d.calls, 3);
    assert_int_equal(d.lines, 2);
}

static void test_format(void **state)
{
    (void)state;
    char buf[128];
    struct send_stats s = { 12, 3456 };
    size_t n = send_stats_format(buf, sizeof buf, "chat-async", s);
    assert_string_equal(buf, "chat-async: send stats: calls=12 lines=3456\n");
    assert_int_equal(n, strlen(buf));

    s = (struct send_stats){ 0, UINT64_MAX };
    send_stats_format(buf, sizeof buf, "chat-hybrid", s);
    assert_string_equal(buf, "chat-hybrid: send stats: calls=0 lines=18446744073709551615\n");
}

static void test_format_refuses_a_short_buffer(void **state)
{
    (void)state;
    char buf[20];
    struct send_stats s = { 1, 1 };
    assert_int_equal(send_stats_format(buf, sizeof buf, "chat-threaded", s), 0);
    assert_string_equal(buf, "");
    const char *whole = "chat-threaded: send stats: calls=1 lines=1\n";
    char exact[64];
    /* Room for the line and its NUL is enough; one byte less is not. */
    assert_int_equal(send_stats_format(exact, strlen(whole) + 1, "chat-threaded", s),
                     strlen(whole));
    assert_int_equal(send_stats_format(exact, strlen(whole), "chat-threaded", s), 0);
}

static void test_write_is_one_line_with_the_counters(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct send_stats now = send_stats_read();
    errno = ENOENT;
    send_stats_write(p[1], "chat-x");
    assert_int_equal(errno, ENOENT);        /* a signal handler must not change errno */
    char got[128] = "";
    ssize_t n = read(p[0], got, sizeof got - 1);
    assert_true(n > 0);
    char want[128];
    send_stats_format(want, sizeof want, "chat-x", now);
    assert_string_equal(got, want);
    close(p[0]);
    close(p[1]);
}

#define THREADS 4
#define COUNTS_PER_THREAD 100000

static void *count_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < COUNTS_PER_THREAD; i++)
        send_stats_count("a\nb\n", 4);
    return NULL;
}

static void test_threads_lose_no_count(void **state)
{
    (void)state;
    struct send_stats before = send_stats_read();
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, count_many, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    struct send_stats d = since(before);
    assert_int_equal(d.calls, THREADS * COUNTS_PER_THREAD);
    assert_int_equal(d.lines, 2 * THREADS * COUNTS_PER_THREAD);
}

static void test_net_send_all_counts(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct send_stats before = send_stats_read();
    assert_true(net_send_all(sv[0], "<a> one\n<a> two\n", 16));
    struct send_stats d = since(before);
    assert_true(d.calls >= 1);
    assert_int_equal(d.lines, 2);
    char buf[32];
    assert_int_equal(read(sv[1], buf, sizeof buf), 16);
    close(sv[0]);
    close(sv[1]);
}

static void test_net_send_ready_returns_what_send_did(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct send_stats before = send_stats_read();
    assert_int_equal(net_send_ready(sv[0], "<a> one\n", 8), 8);
    struct send_stats d = since(before);
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.lines, 1);

    /* Fill the socket: it never blocks, the full buffer is EAGAIN, and that call counts
     * nothing. */
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    chunk[sizeof chunk - 1] = '\n';
    ssize_t n;
    uint64_t accepted_calls = 0;
    while ((n = net_send_ready(sv[0], chunk, sizeof chunk)) > 0)
        accepted_calls++;
    assert_int_equal(n, -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    d = since(before);
    assert_int_equal(d.calls, 1 + accepted_calls);

    /* A broken connection: -1 with errno, no SIGPIPE, nothing counted. */
    close(sv[1]);
    before = send_stats_read();
    assert_int_equal(net_send_ready(sv[0], "x\n", 2), -1);
    assert_int_equal(errno, EPIPE);
    d = since(before);
    assert_int_equal(d.calls, 0);
    close(sv[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_calls_and_newlines),
        cmocka_unit_test(test_nothing_sent_counts_nothing),
        cmocka_unit_test(test_only_accepted_bytes_count),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_refuses_a_short_buffer),
        cmocka_unit_test(test_write_is_one_line_with_the_counters),
        cmocka_unit_test(test_threads_lose_no_count),
        cmocka_unit_test(test_net_send_all_counts),
        cmocka_unit_test(test_net_send_ready_returns_what_send_did),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
