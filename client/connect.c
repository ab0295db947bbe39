/* connect.c - see connect.h. */
#include "connect.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Non-blocking connect() so that we, not the kernel's minutes-long SYN retries, decide how
 * long to wait. Returns 0 or an errno value. */
static int try_address(int fd, const struct addrinfo *ai, long long deadline)
{
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return errno;

    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return ETIMEDOUT;
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        int n = poll(&p, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return ETIMEDOUT;
        break;
    }

    int error = 0;
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
        return errno;
    return error;
}

int connect_to_server(const char *host, const char *port, int timeout_ms,
                      char *err, size_t err_size)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *list;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0) {
        snprintf(err, err_size, "%s", gai_strerror(rc));
        return -1;
    }

    long long deadline = now_ms() + timeout_ms;
    int last_error = EHOSTUNREACH;
    int fd = -1;
    for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            last_error = errno;
            continue;
        }
        last_error = try_address(fd, ai, deadline);
        if (last_error == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);

    if (fd < 0) {
        snprintf(err, err_size, "%s", last_error == ETIMEDOUT ? "timed out" : strerror(last_error));
        return -1;
    }
    /* A chat line should leave as soon as it is typed, not wait for Nagle's algorithm. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}
