/* chat-hybrid: one select() thread reads every client; one thread per client writes to it.
 *
 * Start-up only. The select() thread (loop.c) accepts connections, reads whatever arrives,
 * frames it into lines and queues each line for the client's own thread (client.c). A client
 * thread (client_thread.c) sleeps until it has queued input or the room has lines for it,
 * applies the input and takes its lines under the board lock (board.c), then sends them with
 * blocking sends and no lock held. See hybrid/README.md for the picture and the trade-offs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "client.h"
#include "log.h"
#include "loop.h"
#include "poller.h"
#include "server.h"

int main(int argc, char **argv)
{
    struct server_start s;
    server_start(&s, argc, argv, "chat-hybrid",
                 "chat-hybrid: a select() thread (or poll, epoll: --poller) reads every "
                 "client;\na thread per client sends to it.");

    struct poller *poller = poller_open(s.options.poller,
                                        server_fd_capacity(s.options.max_clients));
    if (!poller) {
        log_line("cannot start the poller: %s", strerror(errno));
        return 1;
    }
    /* Opened before the capacity is worked out: client fds come after it. */
    int wake[2];
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        log_line("cannot create a pipe: %s", strerror(errno));
        return 1;
    }
    struct board board;
    struct room_config config = options_room_config(&s.options);
    config.max_clients = server_clients_that_fit(config.max_clients, poller);
    if (board_init(&board, &config, client_wake_taker, client_on_cut_off) != 0)
        return 1;
    int status = loop_run(&s, &board, poller, wake);
    board_free(&board);
    poller_close(poller);
    log_line("stopped");
    return status;
}
