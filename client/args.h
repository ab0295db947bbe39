/* args.h - chat-client's command line. */
#ifndef CLIENT_ARGS_H
#define CLIENT_ARGS_H

#include <stddef.h>
#include <stdio.h>

enum color_mode {
    COLOR_AUTO,    /* colours when stdout is a terminal (and NO_COLOR is unset, TERM not dumb) */
    COLOR_ALWAYS,
    COLOR_NEVER,
};

struct client_args {
    const char *host;   /* default 127.0.0.1 */
    const char *port;   /* default 5555, kept as text for getaddrinfo() */
    const char *nick;   /* --nick NAME, or NULL to keep the server's guestN */
    enum color_mode color;
};

enum args_result {
    ARGS_RUN,      /* connect with *out */
    ARGS_HELP,     /* --help: print args_print_help(stdout), exit 0 */
    ARGS_VERSION,  /* --version */
    ARGS_BAD,      /* err holds a one-line reason: print it and the usage line, exit 2 */
};

/* Never prints and never exits, so it can be unit-tested; main() decides what to do. */
enum args_result args_parse(int argc, char **argv, struct client_args *out,
                            char *err, size_t err_size);

void args_print_usage(FILE *to);   /* the one-line synopsis */
void args_print_help(FILE *to);    /* synopsis, options, keys and exit statuses */

#endif
