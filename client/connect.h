/* connect.h - open the TCP connection to the chat server. */
#ifndef CLIENT_CONNECT_H
#define CLIENT_CONNECT_H

#include <stddef.h>

/* Resolve host and port and connect to the first address that answers, giving up after
 * timeout_ms in total so an unreachable host cannot hang the client for minutes.
 * Returns a non-blocking, close-on-exec socket, or -1 with a reason in err
 * ("Connection refused", "timed out", a name lookup error). */
int connect_to_server(const char *host, const char *port, int timeout_ms,
                      char *err, size_t err_size);

#endif
