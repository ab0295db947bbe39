/* chat-async: the whole server in one thread, driven by one wait for many sockets.
 *
 * Start-up only: the event loop is loop.c, a client's state client.c. See async/README.md
 * for the design and its trade-offs. */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "poller.h"
#include "room.h"
#include "server.h"

int main(int argc, char **argv)
{
    struct server_start s;
    server_start(&s, argc, argv, "chat-async",
                 "chat-async: one thread, one poller (--poller) and non-blocking sockets.");

    struct poller *poller = poller_open(s.options.poller,
                                        server_fd_capacity(s.options.max_clients));
    if (!poller) {
        log_line("cannot start the poller: %s", strerror(errno));
        return 1;
    }
    struct room room;
    struct room_config config = options_room_config(&s.options);
    config.max_clients = server_clients_that_fit(config.max_clients, poller);
    if (room_init(&room, &config) != 0) {
        log_line("out of memory");
        return 1;
    }
    int status = loop_run(&s, &room, poller);
    room_free(&room);
    poller_close(poller);
    log_line("stopped");
    return status;
}
