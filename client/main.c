/* main.c - chat-client: a terminal client for the chatlab room.
 *
 * main() only wires the pieces together: parse the command line, connect, run the chat loop,
 * and turn how it ended into a message on stderr and an exit status (exit_status.h). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "chat_loop.h"
#include "connect.h"
#include "exit_status.h"
#include "protocol.h"
#include "sanitize.h"
#include "terminal.h"

#define CONNECT_TIMEOUT_MS 10000

/* If we were started with stdin, stdout or stderr closed, the socket could get fd 0 and be
 * taken for the keyboard. /dev/null in their place makes a closed stdin plain end of input.
 * (open() returns the lowest free descriptor: the missing one.) */
static void open_missing_standard_fds(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) < 0)
            exit(CLIENT_EXIT_LOCAL_ERROR);
}

static bool wants_color(enum color_mode mode, bool stdout_is_terminal)
{
    if (mode != COLOR_AUTO)
        return mode == COLOR_ALWAYS;
    /* NO_COLOR: the https://no-color.org convention. A "dumb" terminal has no colours. */
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return stdout_is_terminal && !(no_color && no_color[0]) && !(term && strcmp(term, "dumb") == 0);
}

static int report(struct chat_result *r)
{
    switch (r->outcome) {
    case CHAT_LEFT:
        if (r->quit_timed_out)
            fprintf(stderr, "chat-client: the server did not close the connection after /quit;"
                            " leaving anyway\n");
        return CLIENT_EXIT_LEFT;
    case CHAT_CLOSED_BY_SERVER:
        fprintf(stderr, "chat-client: connection closed by the server\n");
        return CLIENT_EXIT_CONNECTION_LOST;
    case CHAT_SERVER_SHUTDOWN:
        fprintf(stderr, "chat-client: the server shut down\n");
        return CLIENT_EXIT_CONNECTION_LOST;
    case CHAT_CONNECTION_LOST:
        fprintf(stderr, "chat-client: connection lost: %s\n", strerror(r->error));
        return CLIENT_EXIT_CONNECTION_LOST;
    case CHAT_SERVER_FULL:
        /* The server's own words, which stderr may show on a terminal. */
        sanitize_for_terminal(r->refusal, strlen(r->refusal));
        fprintf(stderr, "chat-client: refused by the server: %s\n", r->refusal);
        return CLIENT_EXIT_SERVER_FULL;
    case CHAT_LOCAL_ERROR:
        fprintf(stderr, "chat-client: %s: %s\n", r->what, strerror(r->error));
        return CLIENT_EXIT_LOCAL_ERROR;
    case CHAT_SIGNALLED:
        /* The terminal is restored; now die of the signal, so whoever started us sees it. */
        signal(r->signal, SIG_DFL);
        raise(r->signal);
        return 128 + r->signal;
    }
    return CLIENT_EXIT_LOCAL_ERROR;
}

int main(int argc, char **argv)
{
    struct client_args args;
    char err[200];

    open_missing_standard_fds();
    switch (args_parse(argc, argv, &args, err, sizeof err)) {
    case ARGS_HELP:
        args_print_help(stdout);
        return CLIENT_EXIT_LEFT;
    case ARGS_VERSION:
        printf("chat-client (%s)\n", CHAT_VERSION);
        return CLIENT_EXIT_LEFT;
    case ARGS_BAD:
        fprintf(stderr, "chat-client: %s\n", err);
        args_print_usage(stderr);
        fprintf(stderr, "Try 'chat-client --help' for more information.\n");
        return CLIENT_EXIT_USAGE;
    case ARGS_RUN:
        break;
    }

    int sock = connect_to_server(args.host, args.port, CONNECT_TIMEOUT_MS, err, sizeof err);
    if (sock < 0) {
        fprintf(stderr, "chat-client: cannot connect to %s port %s: %s\n", args.host, args.port, err);
        return CLIENT_EXIT_CANNOT_CONNECT;
    }

    bool stdout_is_terminal = isatty(STDOUT_FILENO);
    struct chat_config config = {
        .sock = sock,
        .interactive = stdout_is_terminal && isatty(STDIN_FILENO),
        .color = wants_color(args.color, stdout_is_terminal),
        .sanitize = stdout_is_terminal,
        .nick = args.nick,
    };
    /* A safety net: whatever way exit() is reached, the user's terminal gets its echo back. */
    atexit(terminal_restore);

    struct chat_result result = chat_loop_run(&config);
    close(sock);
    return report(&result);
}
