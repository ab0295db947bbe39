/* test_server.c - the accept loop every server shares (server.h): its one error policy. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "server.h"

static struct server_start s;
static int admitted[SERVER_ACCEPTS_PER_TURN * 2];
static int admitted_count;
static int admit_limit;             /* admit() asks to stop after this many */

static bool admit(void *ctx, int fd, const char *peer)
{
    (void)ctx;
    assert_non_null(strstr(peer, "127.0.0.1:"));
    admitted[admitted_count++] = fd;
    return admitted_count < admit_limit;
}

static int setup(void **state)
{
    (void)state;
    char err[128];
    int port;
    memset(&s, 0, sizeof s);
    s.listen_fd = net_listen("127.0.0.1", 0, &port, err, sizeof err);
    s.options.port = port;
    s.spare_fd = net_spare_fd_open();
    admitted_count = 0;
    admit_limit = 1000;
    return s.listen_fd >= 0 && net_set_nonblocking(s.listen_fd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < admitted_count; i++)
        close(admitted[i]);
    close(s.listen_fd);
    close(s.spare_fd);
    return 0;
}

static int connect_one(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(s.options.port) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static void test_accepts_everyone_waiting_then_stops(void **state)
{
    (void)state;
    int peers[3];
    for (int i = 0; i < 3; i++)
        peers[i] = connect_one();
    server_accept_clients(&s, 10, admit, NULL);     /* returns on EAGAIN */
    assert_int_equal(admitted_count, 3);
    for (int i = 0; i < 3; i++)
        close(peers[i]);
}

static void test_at_most_a_turns_worth(void **state)
{
    (void)state;
    int peers[SERVER_ACCEPTS_PER_TURN + 2];
    for (int i = 0; i < SERVER_ACCEPTS_PER_TURN + 2; i++)
        peers[i] = connect_one();
    server_accept_clients(&s, 1000, admit, NULL);
    assert_int_equal(admitted_count, SERVER_ACCEPTS_PER_TURN);
    server_accept_clients(&s, 1000, admit, NULL);
    assert_int_equal(admitted_count, SERVER_ACCEPTS_PER_TURN + 2);
    for (int i = 0; i < SERVER_ACCEPTS_PER_TURN + 2; i++)
        close(peers[i]);
}

static void test_admit_can_stop_the_turn(void **state)
{
    (void)state;
    int peers[3];
    for (int i = 0; i < 3; i++)
        peers[i] = connect_one();
    admit_limit = 1;
    server_accept_clients(&s, 10, admit, NULL);
    assert_int_equal(admitted_count, 1);
    for (int i = 0; i < 3; i++)
        close(peers[i]);
}

/* Out of descriptors: the waiting connection is told the server is full and closed, and the
 * loop goes on (here, to find nobody else waiting). */
static void test_out_of_fds_refuses_politely(void **state)
{
    (void)state;
    int peer = connect_one();
    struct rlimit saved, tight;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
    int next = dup(0);                  /* the lowest free number: allow none beyond it */
    close(next);
    tight = saved;
    tight.rlim_cur = (rlim_t)next;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
    server_accept_clients(&s, 7, admit, NULL);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);

    assert_int_equal(admitted_count, 0);
    assert_true(s.spare_fd >= 0);       /* taken back */
    char buf[64] = { 0 };
    ssize_t n = recv(peer, buf, sizeof buf - 1, 0);
    assert_true(n > 0);
    assert_string_equal(buf, "! server full (max 7 users)\n");
    close(peer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accepts_everyone_waiting_then_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_at_most_a_turns_worth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admit_can_stop_the_turn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_fds_refuses_politely, setup, teardown),
    };
    return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
