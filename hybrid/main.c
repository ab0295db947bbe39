/* chat-hybrid: one select() thread reads every client; one thread per client writes to it.
 *
 * The select() thread (reader_loop.c) accepts connections, reads whatever arrives, frames it
 * into lines and queues each line for the client's own thread (client.c). A client thread
 * (client_thread.c) sleeps until it has queued input or the room has lines for it, applies
 * the input and takes its lines under the board lock (board.c), then sends them with
 * blocking sends and no lock held. See hybrid/README.md for the picture and the trade-offs. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/select.h>
#include <unistd.h>

#include "board.h"
#include "client.h"
#include "log.h"
#include "net.h"
#include "reader_loop.h"
#include "server.h"

int main(int argc, char **argv)
{
    struct server_start s;
    server_start(&s, argc, argv, "chat-hybrid",
                 "chat-hybrid: a select() thread reads every client; "
                 "a thread per client sends to it.");
    net_set_nonblocking(s.listen_fd);

    struct reader_setup setup = { .listen_fd = s.listen_fd, .stop_fd = s.stop_fd,
                                  .sendq = s.options.sendq };
    int wake[2];
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        log_line("cannot create a pipe");
        return 1;
    }
    setup.wake_fd = wake[0];
    setup.wake_write_fd = wake[1];
    setup.spare_fd = net_spare_fd_open();

    /* Client fds start above the ones held now, and select() sees only fds below FD_SETSIZE:
     * the capacity we announce is --max-clients lowered to what fits. */
    int lowest_client_fd = setup.spare_fd + 1;
    struct room_config config = options_room_config(&s.options);
    size_t fd_room = (size_t)(FD_SETSIZE - lowest_client_fd);
    if (config.max_clients > fd_room)
        config.max_clients = fd_room;

    struct board board;
    if (board_init(&board, &config, client_wake_taker, client_on_cut_off) != 0) {
        log_line("out of memory");
        return 1;
    }
    int status = reader_loop_run(&board, &setup);
    board_free(&board);
    log_line("stopped");
    return status;
}
