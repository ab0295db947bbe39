/* chat-threaded: one thread per client, each polling the room with a receive timeout.
 *
 * Start-up only. The main thread (loop.c) accepts, and starts a thread for each new client
 * (client.c); each client thread (client_thread.c) takes its lines, sends them, waits for
 * input at most --timeout-ms and applies it. All the clients share one message board behind
 * a readers-writers lock (board.c). See threaded/README.md for the design and its trade-offs. */
#include <errno.h>
#include <string.h>

#include "board.h"
#include "client.h"
#include "log.h"
#include "loop.h"
#include "poller.h"
#include "server.h"

int main(int argc, char **argv)
{
    struct server_start s;
    server_start(&s, argc, argv, "chat-threaded",
                 "chat-threaded: one thread per client, polling the room with a receive "
                 "timeout (--timeout-ms);\nthe room is shared under a readers-writers lock.");

    /* The main thread watches two fds: select() is plenty (--poller is accepted, ignored). */
    struct poller *poller = poller_open(&poller_select_backend, server_fd_capacity(0));
    if (!poller) {
        log_line("cannot start the poller: %s", strerror(errno));
        return 1;
    }
    struct board board;
    struct room_config config = options_room_config(&s.options);
    if (board_init(&board, &config, s.options.timeout_ms) != 0)
        return 1;
    board.room.on_cut_off = client_unblock;
    int status = loop_run(&s, &board, poller);
    board_free(&board);
    poller_close(poller);
    log_line("stopped");
    return status;
}
