/* test_poller.c - the poller interface (poller.h), and every backend behind it.
 *
 * Most cases run once per backend (select, poll, epoll): they are what an event loop relies
 * on, whichever system call answers. A fake backend checks what poller.c itself promises:
 * that restating the same wish reaches no backend. */
#include "testutil.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fdlimit.h"
#include "poller.h"

#define CAPACITY 64
#define WAIT_MS 1000            /* long enough never to be the reason a test fails */

static const struct poller_backend *backend_of(void **state)
{
    return *state;
}

static struct poller *open_poller(void **state, int capacity)
{
    struct poller *p = poller_open(backend_of(state), capacity);
    assert_non_null(p);
    return p;
}

static void make_pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* A connected loopback TCP pair: sv[0] the client end, sv[1] the accepted end. */
static void make_tcp_pair(int sv[2])
{
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(listener >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    assert_int_equal(bind(listener, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(listener, 1), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&a, &len), 0);
    sv[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(sv[0] >= 0);
    assert_int_equal(connect(sv[0], (struct sockaddr *)&a, sizeof a), 0);
    sv[1] = accept(listener, NULL, NULL);
    assert_true(sv[1] >= 0);
    close(listener);
}

/* Close fd so that the peer gets a reset (RST), not an orderly end of stream (FIN). */
static void close_with_reset(int fd)
{
    struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close,
                                sizeof abort_on_close), 0);
    close(fd);
}

static void put_byte(int fd)
{
    assert_int_equal(write(fd, "x", 1), 1);
}

/* Wait, expecting exactly one ready fd; return its event. */
static struct poller_event wait_one(struct poller *p)
{
    assert_int_equal(poller_wait(p, WAIT_MS), 1);
    return poller_ready(p, 0);
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* ---- every backend ----------------------------------------------------------------- */

static void test_readable_after_write(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    assert_int_equal(poller_wait(p, 0), 0);             /* nothing sent yet */
    put_byte(sv[1]);
    struct poller_event ev = wait_one(p);
    assert_int_equal(ev.fd, sv[0]);
    assert_int_equal(ev.events, POLLER_READ);
    /* Level-triggered: not read yet, so reported again. */
    assert_int_equal(wait_one(p).fd, sv[0]);
    close(sv[0]);
    close(sv[1]);
    poller_close(p);
}

static void test_writable(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    assert_int_equal(poller_watch(p, sv[0], POLLER_WRITE), 0);
    struct poller_event ev = wait_one(p);
    assert_int_equal(ev.fd, sv[0]);
    assert_int_equal(ev.events, POLLER_WRITE);
    /* Both at once: one event with both bits, not two events. */
    put_byte(sv[1]);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ | POLLER_WRITE), 0);
    ev = wait_one(p);
    assert_int_equal(ev.events, POLLER_READ | POLLER_WRITE);
    close(sv[0]);
    close(sv[1]);
    poller_close(p);
}

static void test_not_ready_times_out(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(poller_wait(p, 50), 0);
    assert_true(elapsed_ms(&start) >= 45);              /* it did wait (the clock may round) */
    assert_int_equal(poller_wait(p, 0), 0);             /* 0: just look */
    close(sv[0]);
    close(sv[1]);
    poller_close(p);
}

static void test_nothing_watched_times_out(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    assert_int_equal(poller_wait(p, 10), 0);
    poller_close(p);
}

static void test_stop_watching(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    put_byte(sv[1]);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    assert_int_equal(poller_watch(p, sv[0], 0), 0);
    assert_int_equal(poller_wait(p, 0), 0);             /* readable, but no longer asked */
    /* Stopping an fd never watched is not an error. */
    assert_int_equal(poller_watch(p, sv[1], 0), 0);
    /* And it can be watched again. */
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    assert_int_equal(wait_one(p).fd, sv[0]);
    close(sv[0]);
    close(sv[1]);
    poller_close(p);
}

static void test_change_read_to_write(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    put_byte(sv[1]);                                    /* sv[0] is readable and writable */
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    assert_int_equal(wait_one(p).events, POLLER_READ);
    assert_int_equal(poller_watch(p, sv[0], POLLER_WRITE), 0);
    assert_int_equal(wait_one(p).events, POLLER_WRITE);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    assert_int_equal(wait_one(p).events, POLLER_READ);
    close(sv[0]);
    close(sv[1]);
    poller_close(p);
}

/* Several fds, some ready: exactly the ready ones come back, with the right fds. */
static void test_only_ready_fds_reported(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int a[2], b[2], c[2];
    make_pair(a);
    make_pair(b);
    make_pair(c);
    assert_int_equal(poller_watch(p, a[0], POLLER_READ), 0);
    assert_int_equal(poller_watch(p, b[0], POLLER_READ), 0);
    assert_int_equal(poller_watch(p, c[0], POLLER_READ), 0);
    put_byte(a[1]);
    put_byte(c[1]);
    assert_int_equal(poller_wait(p, WAIT_MS), 2);
    int seen_a = 0, seen_c = 0;
    for (int i = 0; i < 2; i++) {
        struct poller_event ev = poller_ready(p, i);
        assert_int_equal(ev.events, POLLER_READ);
        seen_a += ev.fd == a[0];
        seen_c += ev.fd == c[0];
    }
    assert_int_equal(seen_a, 1);
    assert_int_equal(seen_c, 1);
    /* Stop the middle one (poll moves its last entry into the gap): the others still work. */
    assert_int_equal(poller_watch(p, b[0], 0), 0);
    put_byte(b[1]);
    assert_int_equal(poller_wait(p, WAIT_MS), 2);
    for (int i = 0; i < 2; i++)
        assert_int_not_equal(poller_ready(p, i).fd, b[0]);
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
        close(c[i]);
    }
    poller_close(p);
}

/* The loop walks the ready list and closes a client; an fd further down that it has
 * stopped watching since must not come back as ready. */
static void test_stopped_during_walk_not_reported(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    put_byte(sv[1]);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    assert_int_equal(poller_wait(p, WAIT_MS), 1);
    assert_int_equal(poller_watch(p, sv[0], 0), 0);
    assert_int_equal(poller_ready(p, 0).fd, sv[0]);
    assert_int_equal(poller_ready(p, 0).events, 0);
    close(sv[0]);
    close(sv[1]);
    poller_close(p);
}

/* The peer closed: the loop must see READ, so that its recv() finds the end of stream. */
static void test_peer_closed_reports_read(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    close(sv[1]);
    struct poller_event ev = wait_one(p);
    assert_int_equal(ev.fd, sv[0]);
    assert_int_equal(ev.events, POLLER_READ);           /* only what was asked for */
    char c;
    assert_int_equal(recv(sv[0], &c, 1, MSG_DONTWAIT), 0);
    close(sv[0]);
    poller_close(p);
}

/* The peer reset the connection: a reader sees READ and recv() fails with ECONNRESET. */
static void test_peer_reset_reported_to_a_reader(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_tcp_pair(sv);
    assert_int_equal(poller_watch(p, sv[0], POLLER_READ), 0);
    close_with_reset(sv[1]);
    struct poller_event ev = wait_one(p);
    assert_int_equal(ev.events, POLLER_READ);
    char c;
    assert_int_equal(recv(sv[0], &c, 1, MSG_DONTWAIT), -1);
    assert_int_equal(errno, ECONNRESET);
    close(sv[0]);
    poller_close(p);
}

/* A loop that waits only to write (its output is stuck) when the peer resets: it must get
 * an event it acts on, WRITE, and its send() then fails; not READ, which it did not ask for
 * and may not look at (a level-triggered poller would then report it forever). */
static void test_peer_reset_reported_to_a_writer(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_tcp_pair(sv);
    close_with_reset(sv[1]);
    assert_int_equal(poller_watch(p, sv[0], POLLER_WRITE), 0);
    struct poller_event ev = wait_one(p);
    assert_int_equal(ev.events, POLLER_WRITE);
    assert_int_equal(send(sv[0], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT), -1);
    assert_true(errno == ECONNRESET || errno == EPIPE);
    close(sv[0]);
    poller_close(p);
}

/* A loop that closes an fd before it stops watching it (a bug, but a common one): the stop
 * may fail (epoll has dropped the fd already, and says EBADF), but the number must be
 * watchable again when the next socket gets it. */
static void test_closed_too_soon_number_reusable(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    int sv[2];
    make_pair(sv);
    int fd = sv[0];
    assert_int_equal(poller_watch(p, fd, POLLER_READ), 0);
    close(fd);
    (void)poller_watch(p, fd, 0);                       /* -1 for epoll, 0 for the others */
    int again[2];
    make_pair(again);
    assert_int_equal(again[0], fd);                     /* the lowest free number comes back */
    assert_int_equal(poller_watch(p, again[0], POLLER_READ), 0);
    put_byte(again[1]);
    struct poller_event ev = wait_one(p);
    assert_int_equal(ev.fd, fd);
    assert_int_equal(ev.events, POLLER_READ);
    close(sv[1]);
    close(again[0]);
    close(again[1]);
    poller_close(p);
}

static void test_fd_at_capacity_refused(void **state)
{
    struct poller *p = open_poller(state, CAPACITY);
    assert_int_equal(poller_capacity(p), CAPACITY);
    errno = 0;
    assert_int_equal(poller_watch(p, CAPACITY, POLLER_READ), -1);
    assert_int_equal(errno, EBADF);
    errno = 0;
    assert_int_equal(poller_watch(p, -1, POLLER_READ), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(poller_wait(p, 0), 0);             /* and nothing was half-registered */
    poller_close(p);
}

static void test_bad_capacity_refused(void **state)
{
    errno = 0;
    assert_null(poller_open(backend_of(state), 0));
    assert_int_equal(errno, EINVAL);
}

/* ---- select: the FD_SETSIZE wall --------------------------------------------------- */

static void test_select_refuses_fd_setsize(void **state)
{
    (void)state;
    struct poller *p = poller_open(&poller_select_backend, 100000);
    assert_non_null(p);
    assert_int_equal(poller_capacity(p), FD_SETSIZE);   /* lowered: an fd_set holds no more */
    errno = 0;
    assert_int_equal(poller_watch(p, FD_SETSIZE, POLLER_READ), -1);
    assert_int_equal(errno, EBADF);
    poller_close(p);
    /* The backend guards itself too: FD_SET past the end would write past the set. */
    void *s = poller_select_backend.create(FD_SETSIZE);
    assert_non_null(s);
    errno = 0;
    assert_int_equal(poller_select_backend.change(s, FD_SETSIZE, 0, POLLER_READ), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(poller_select_backend.change(s, FD_SETSIZE - 1, 0, POLLER_READ), 0);
    poller_select_backend.destroy(s);
}

/* ---- poll and epoll: past FD_SETSIZE ------------------------------------------------ */

#define MANY_PAIRS 1100         /* 2200 fds: well past 1024 */

static void test_more_than_1024_fds(void **state)
{
    long limit = fdlimit_raise();
    assert_true(limit > 0);
    if (limit < 2 * MANY_PAIRS + 64) {
        print_message("skipped: %d fds needed, the hard RLIMIT_NOFILE allows %ld\n",
                      2 * MANY_PAIRS + 64, limit);
        skip();
    }
    struct poller *p = open_poller(state, (int)(limit < 1000000 ? limit : 1000000));
    int (*pairs)[2] = calloc(MANY_PAIRS, sizeof *pairs);
    assert_non_null(pairs);
    int highest = 0;
    for (int i = 0; i < MANY_PAIRS; i++) {
        make_pair(pairs[i]);
        assert_int_equal(poller_watch(p, pairs[i][0], POLLER_READ), 0);
        if (pairs[i][0] > highest)
            highest = pairs[i][0];
    }
    assert_true(highest >= FD_SETSIZE);
    /* Every other one readable, the high ones included. */
    for (int i = 0; i < MANY_PAIRS; i += 2)
        put_byte(pairs[i][1]);
    assert_int_equal(poller_wait(p, WAIT_MS), MANY_PAIRS / 2);
    int high_seen = 0;
    for (int i = 0; i < MANY_PAIRS / 2; i++) {
        struct poller_event ev = poller_ready(p, i);
        assert_int_equal(ev.events, POLLER_READ);
        /* pairs[] was filled in order, so fd numbers grow with i: find which pair. */
        int k = 0;
        while (k < MANY_PAIRS && pairs[k][0] != ev.fd)
            k++;
        assert_true(k < MANY_PAIRS);
        assert_int_equal(k % 2, 0);
        high_seen += ev.fd >= FD_SETSIZE;
    }
    assert_true(high_seen > 0);
    /* All of them writable at once: the ready list holds every watched fd. */
    for (int i = 0; i < MANY_PAIRS; i++)
        assert_int_equal(poller_watch(p, pairs[i][0], POLLER_WRITE), 0);
    assert_int_equal(poller_wait(p, WAIT_MS), MANY_PAIRS);
    for (int i = 0; i < MANY_PAIRS; i++) {
        assert_int_equal(poller_watch(p, pairs[i][0], 0), 0);
        close(pairs[i][0]);
        close(pairs[i][1]);
    }
    free(pairs);
    poller_close(p);
}

/* ---- poller.c itself, through a fake backend ---------------------------------------- */

static struct {
    int changes;
    int fd;
    unsigned was, now;
    bool fail;
} fake;

static void *fake_create(int capacity)
{
    (void)capacity;
    return &fake;
}

static void fake_destroy(void *state)
{
    (void)state;
}

static int fake_change(void *state, int fd, unsigned was, unsigned now)
{
    (void)state;
    fake.changes++;
    fake.fd = fd;
    fake.was = was;
    fake.now = now;
    if (fake.fail) {
        errno = EIO;
        return -1;
    }
    return 0;
}

static int fake_wait(void *state, struct poller_event *ready, int max, int timeout_ms)
{
    (void)state, (void)ready, (void)max, (void)timeout_ms;
    return 0;
}

static const struct poller_backend fake_backend = {
    .name = "fake", .cost = "", .fd_limit = 0, .create = fake_create,
    .destroy = fake_destroy, .change = fake_change, .wait_for_events = fake_wait,
};

static void test_repeated_watch_reaches_backend_once(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof fake);
    struct poller *p = poller_open(&fake_backend, CAPACITY);
    assert_non_null(p);
    for (int turn = 0; turn < 5; turn++)
        assert_int_equal(poller_watch(p, 7, POLLER_READ), 0);
    assert_int_equal(fake.changes, 1);
    assert_int_equal(fake.was, 0);
    assert_int_equal(fake.now, POLLER_READ);
    for (int turn = 0; turn < 5; turn++)
        assert_int_equal(poller_watch(p, 7, POLLER_READ | POLLER_WRITE), 0);
    assert_int_equal(fake.changes, 2);
    assert_int_equal(fake.was, POLLER_READ);            /* the backend is told what it had */
    assert_int_equal(fake.now, POLLER_READ | POLLER_WRITE);
    assert_int_equal(poller_watch(p, 7, 0), 0);
    assert_int_equal(poller_watch(p, 7, 0), 0);
    assert_int_equal(fake.changes, 3);
    /* A refused fd never reaches the backend. */
    assert_int_equal(poller_watch(p, CAPACITY, POLLER_READ), -1);
    assert_int_equal(fake.changes, 3);
    poller_close(p);
}

static void test_failed_change_keeps_or_forgets(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof fake);
    struct poller *p = poller_open(&fake_backend, CAPACITY);
    assert_non_null(p);
    /* Starting to watch failed: not watched, so the next attempt tries again. */
    fake.fail = true;
    assert_int_equal(poller_watch(p, 3, POLLER_READ), -1);
    assert_int_equal(errno, EIO);
    fake.fail = false;
    assert_int_equal(poller_watch(p, 3, POLLER_READ), 0);
    assert_int_equal(fake.changes, 2);
    assert_int_equal(fake.was, 0);
    /* Stopping failed (epoll: the fd was closed first): reported, but forgotten all the
     * same, so the number can be watched again when a new socket gets it. */
    fake.fail = true;
    assert_int_equal(poller_watch(p, 3, 0), -1);
    fake.fail = false;
    assert_int_equal(poller_watch(p, 3, 0), 0);
    assert_int_equal(fake.changes, 3);                  /* already forgotten: no call */
    assert_int_equal(poller_watch(p, 3, POLLER_READ), 0);
    assert_int_equal(fake.changes, 4);
    assert_int_equal(fake.was, 0);
    poller_close(p);
}

static void test_backends_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(poller_backend_named("select"), &poller_select_backend);
    assert_ptr_equal(poller_backend_named("poll"), &poller_poll_backend);
    assert_ptr_equal(poller_backend_named("epoll"), &poller_epoll_backend);
    assert_null(poller_backend_named("kqueue"));
    assert_null(poller_backend_named(""));
    assert_string_equal(poller_backend_names(), "select|poll|epoll");
    assert_ptr_equal(poller_backend_at(0), &poller_select_backend);
    assert_ptr_equal(poller_backend_at(2), &poller_epoll_backend);
    assert_null(poller_backend_at(3));
    for (size_t i = 0; poller_backend_at(i); i++) {
        const struct poller_backend *b = poller_backend_at(i);
        assert_true(strlen(b->cost) > 0 && strlen(b->cost) < 80);
        assert_int_equal(b->fd_limit, strcmp(b->name, "select") == 0 ? FD_SETSIZE : 0);
    }
}

/* A test case run against one backend, named after it. */
#define ON(backend, f)                                                          \
    { .name = #backend ": " #f, .test_func = f,                                 \
      .initial_state = (void *)&poller_##backend##_backend }
#define ON_EVERY_BACKEND(f) ON(select, f), ON(poll, f), ON(epoll, f)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_EVERY_BACKEND(test_readable_after_write),
        ON_EVERY_BACKEND(test_writable),
        ON_EVERY_BACKEND(test_not_ready_times_out),
        ON_EVERY_BACKEND(test_nothing_watched_times_out),
        ON_EVERY_BACKEND(test_stop_watching),
        ON_EVERY_BACKEND(test_change_read_to_write),
        ON_EVERY_BACKEND(test_only_ready_fds_reported),
        ON_EVERY_BACKEND(test_stopped_during_walk_not_reported),
        ON_EVERY_BACKEND(test_peer_closed_reports_read),
        ON_EVERY_BACKEND(test_peer_reset_reported_to_a_reader),
        ON_EVERY_BACKEND(test_peer_reset_reported_to_a_writer),
        ON_EVERY_BACKEND(test_closed_too_soon_number_reusable),
        ON_EVERY_BACKEND(test_fd_at_capacity_refused),
        ON_EVERY_BACKEND(test_bad_capacity_refused),
        cmocka_unit_test(test_select_refuses_fd_setsize),
        ON(poll, test_more_than_1024_fds),
        ON(epoll, test_more_than_1024_fds),
        cmocka_unit_test(test_repeated_watch_reaches_backend_once),
        cmocka_unit_test(test_failed_change_keeps_or_forgets),
        cmocka_unit_test(test_backends_by_name),
    };
    return cmocka_run_group_tests_name("poller", tests, NULL, NULL);
}
