/* net.c - see net.h. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "send_stats.h"
#include "session.h"

int net_listen(const char *addr, int port, int *bound_port, char *err, size_t err_size)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        snprintf(err, err_size, "cannot listen on %s:%d: not an IPv4 address", addr, port);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create a socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
        snprintf(err, err_size, "cannot set SO_REUSEADDR: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, SOMAXCONN) < 0) {
        snprintf(err, err_size, "cannot listen on %s:%d: %s", addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        snprintf(err, err_size, "cannot read the bound port: %s", strerror(errno));
        close(fd);
        return -1;
    }
    *bound_port = ntohs(sa.sin_port);
    return fd;
}

int net_accept(int listen_fd, char *peer, size_t peer_size)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = accept4(listen_fd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
    if (fd < 0)
        return -1;
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        log_line("warning: cannot set TCP_NODELAY on fd %d: %s (lines may wait for ACKs)",
                 fd, strerror(errno));
    char ip[INET_ADDRSTRLEN] = "?";
    if (!inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip))
        snprintf(ip, sizeof ip, "?");
    snprintf(peer, peer_size, "%s:%d", ip, ntohs(sa.sin_port));
    return fd;
}

int net_spare_fd_open(void)
{
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int net_accept_or_refuse(int listen_fd, int *spare_fd, size_t max_users,
                         char *peer, size_t peer_size)
{
    int fd = net_accept(listen_fd, peer, peer_size);
    if (fd >= 0 || (errno != EMFILE && errno != ENFILE) || *spare_fd < 0)
        return fd;
    int out_of_fds = errno;
    close(*spare_fd);
    fd = net_accept(listen_fd, peer, peer_size);
    if (fd >= 0) {
        log_line("refused %s: out of file descriptors", peer);
        net_refuse(fd, max_users);
    }
    *spare_fd = net_spare_fd_open();
    errno = out_of_fds;
    return -1;
}

int net_set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool net_send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t sent = send(fd, p, n, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        send_stats_count(p, sent);
        p += sent;
        n -= (size_t)sent;
    }
    return true;
}

ssize_t net_send_ready(int fd, const char *p, size_t n)
{
    ssize_t sent;
    do
        sent = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (sent < 0 && errno == EINTR);
    send_stats_count(p, sent);          /* touches no errno */
    return sent;
}

void net_unblock(int fd, const char *peer)
{
    if (shutdown(fd, SHUT_RDWR) < 0 && errno != ENOTCONN)
        log_line("cannot shut down the socket of %s: %s", peer, strerror(errno));
}

void net_close(int fd, const char *peer)
{
    if (close(fd) < 0)
        log_line("closing the socket of %s: %s", peer, strerror(errno));
}

void net_refuse(int fd, size_t max_users)
{
    char line[64];
    size_t n = session_format_full(line, sizeof line, max_users);
    /* Best effort, never waiting: a refused peer that cannot take one line loses nothing. */
    if (send(fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN &&
        errno != EWOULDBLOCK && errno != EPIPE && errno != ECONNRESET)
        log_line("cannot send the refusal on fd %d: %s", fd, strerror(errno));
    net_close(fd, "a refused connection");
}
