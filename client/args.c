/* args.c - see args.h. Hand-written rather than getopt_long() so that parsing has no global
 * state (optind) and the tests can call it again and again. */
#include "args.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "exit_status.h"
#include "nick.h"
#include "protocol.h"

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT "5555"

static bool is_valid_port(const char *text)
{
    if (text[0] == '\0' || strlen(text) > 5)
        return false;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    long port = strtol(text, NULL, 10);
    return port >= 1 && port <= 65535;
}

static bool parse_color(const char *when, enum color_mode *mode)
{
    if (strcmp(when, "auto") == 0)
        *mode = COLOR_AUTO;
    else if (strcmp(when, "always") == 0)
        *mode = COLOR_ALWAYS;
    else if (strcmp(when, "never") == 0)
        *mode = COLOR_NEVER;
    else
        return false;
    return true;
}

/* Accept both "--nick NAME" and "--nick=NAME". Returns the value or NULL (err filled). */
static const char *nick_value(int argc, char **argv, int *i, char *err, size_t err_size)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc) {
        snprintf(err, err_size, "%s needs a NAME", arg);
        return NULL;
    }
    return argv[++*i];
}

enum args_result args_parse(int argc, char **argv, struct client_args *out,
                            char *err, size_t err_size)
{
    const char *positional[2];
    int positional_count = 0;
    bool options_ended = false;

    out->host = DEFAULT_HOST;
    out->port = DEFAULT_PORT;
    out->nick = NULL;
    out->color = COLOR_AUTO;
    err[0] = '\0';

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (options_ended || arg[0] != '-' || arg[1] == '\0') {
            if (positional_count == 2) {
                snprintf(err, err_size, "unexpected argument: %s", arg);
                return ARGS_BAD;
            }
            positional[positional_count++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            options_ended = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            return ARGS_HELP;
        } else if (strcmp(arg, "--version") == 0) {
            return ARGS_VERSION;
        } else if (strcmp(arg, "--nick") == 0 || strncmp(arg, "--nick=", 7) == 0) {
            const char *nick = nick_value(argc, argv, &i, err, err_size);
            if (!nick)
                return ARGS_BAD;
            /* Checked here, not only by the server, so a typo fails at once with status 2
             * and a name can never smuggle a newline (a second command) to the server. */
            if (!nick_is_valid(nick, strlen(nick))) {
                snprintf(err, err_size, "invalid nickname: %.40s (1-%d letters, digits, _ or -,"
                         " starting with a letter)", nick, CHAT_MAX_NICK);
                return ARGS_BAD;
            }
            out->nick = nick;
        } else if (strcmp(arg, "--color") == 0 || strcmp(arg, "--colour") == 0) {
            out->color = COLOR_ALWAYS;
        } else if (strncmp(arg, "--color=", 8) == 0 || strncmp(arg, "--colour=", 9) == 0) {
            if (!parse_color(strchr(arg, '=') + 1, &out->color)) {
                snprintf(err, err_size, "%.40s: expected auto, always or never", arg);
                return ARGS_BAD;
            }
        } else {
            snprintf(err, err_size, "unknown option: %.60s", arg);
            return ARGS_BAD;
        }
    }

    if (positional_count >= 1)
        out->host = positional[0];
    if (positional_count == 2) {
        if (!is_valid_port(positional[1])) {
            snprintf(err, err_size, "invalid port: %.40s (1-65535)", positional[1]);
            return ARGS_BAD;
        }
        out->port = positional[1];
    }
    return ARGS_RUN;
}

void args_print_usage(FILE *to)
{
    fprintf(to, "usage: chat-client [--nick NAME] [--color=auto|always|never] [HOST [PORT]]\n");
}

void args_print_help(FILE *to)
{
    args_print_usage(to);
    fprintf(to,
        "\n"
        "Join a chatlab chat room (default %s port %s) and chat.\n"
        "\n"
        "Options:\n"
        "  --nick NAME            take this nickname once connected (sends /nick NAME)\n"
        "  --color=WHEN           colour nicks, notices and errors: auto (default: when\n"
        "                         stdout is a terminal and NO_COLOR is unset), always, never\n"
        "  -h, --help             show this help and exit\n"
        "  --version              show the version and exit\n"
        "\n"
        "On a terminal you get a prompt with line editing: Left/Right, Home/End (Ctrl-A/E),\n"
        "Backspace, Delete, Ctrl-U/K/W to erase, Up/Down for earlier lines, Ctrl-L to redraw.\n"
        "Ctrl-D on an empty line or Ctrl-C leaves the room (sends /quit).\n"
        "When stdin or stdout is not a terminal, lines are read from stdin and sent, and\n"
        "received lines are printed exactly as they arrive; end of input sends /quit.\n"
        "Commands go to the server: /nick NAME, /who, /brb [MSG], /back [MSG], /quit [MSG], /help.\n"
        "\n"
        "Exit status:\n"
        "  %d  you left (/quit, Ctrl-D, Ctrl-C, end of piped input)\n"
        "  %d  cannot connect\n"
        "  %d  bad command line\n"
        "  %d  connection closed by the server or lost\n"
        "  %d  refused: the server is full\n"
        "  %d  local error (terminal, stdin or stdout)\n"
        "  killed by SIGINT, SIGTERM or SIGHUP: the terminal is restored, then the signal is\n"
        "  re-raised, so the shell reports it as usual (128 + signal number)\n",
        DEFAULT_HOST, DEFAULT_PORT,
        CLIENT_EXIT_LEFT, CLIENT_EXIT_CANNOT_CONNECT, CLIENT_EXIT_USAGE,
        CLIENT_EXIT_CONNECTION_LOST, CLIENT_EXIT_SERVER_FULL, CLIENT_EXIT_LOCAL_ERROR);
}
