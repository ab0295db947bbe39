/* net.h - the few socket operations the servers share. */
#ifndef CHAT_NET_H
#define CHAT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Room for a peer's "ADDRESS:PORT" as net_accept() writes it. */
#define NET_PEER_SIZE 48

/* Listen on TCP addr:port (port 0: any free port). Returns the socket and stores the real
 * port in *bound_port; on failure returns -1 with a message naming the address and the
 * reason in err. */
int net_listen(const char *addr, int port, int *bound_port, char *err, size_t err_size);

/* Accept one connection: close-on-exec, TCP_NODELAY (a chat line should leave at once, not
 * wait for an ACK of the previous one), peer address in peer. Returns -1 with errno set. */
int net_accept(int listen_fd, char *peer, size_t peer_size);

/* A descriptor held open in reserve (on /dev/null), for net_accept_or_refuse(). */
int net_spare_fd_open(void);

/* net_accept(); but when the process is out of descriptors (EMFILE/ENFILE), give up the
 * spare one for a moment to accept the waiting connection, tell it the server is full
 * (max_users), close it and take the spare back. Without this a full process could neither
 * accept nor refuse, and select()/poll() would report the listening socket ready forever.
 * Returns -1 then too, with errno EMFILE or ENFILE: go on to the next connection. */
int net_accept_or_refuse(int listen_fd, int *spare_fd, size_t max_users,
                         char *peer, size_t peer_size);

int net_set_nonblocking(int fd);

/* Send all n bytes on a blocking socket, retrying after EINTR and short writes; never raises
 * SIGPIPE. False when the connection is broken. */
bool net_send_all(int fd, const char *p, size_t n);

/* One send() of up to n bytes that never blocks and never raises SIGPIPE, retried only after
 * EINTR. Returns what send() returned, with its errno (EAGAIN: the kernel buffer is full). */
ssize_t net_send_ready(int fd, const char *p, size_t n);

/* Both count their send() calls and the lines they carry in send_stats.h. */

/* shutdown(fd, SHUT_RDWR), to make a thread blocked on the socket return at once. Logs a
 * failure, except ENOTCONN (the peer is already gone: nothing is blocked on it either). */
void net_unblock(int fd, const char *peer);

/* close(), logging a failure (the descriptor is released even then, on Linux). */
void net_close(int fd, const char *peer);

/* Tell a connection the server is full (best effort, never blocks) and close it. */
void net_refuse(int fd, size_t max_users);

#endif
