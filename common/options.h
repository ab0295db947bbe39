/* options.h - the command line shared by all three servers (see PROTOCOL.md). */
#ifndef CHAT_OPTIONS_H
#define CHAT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "poller.h"
#include "room.h"

struct server_options {
    const char *bind;      /* --bind ADDR */
    int port;              /* --port N, 0 = any free port */
    size_t replay;         /* --replay N */
    size_t backlog;        /* --backlog N */
    size_t max_clients;    /* --max-clients N */
    size_t sendq;          /* --sendq BYTES */
    int timeout_ms;        /* --timeout-ms N (chat-threaded only; the others ignore it) */
    const struct poller_backend *poller;  /* --poller NAME (chat-threaded ignores it) */
    bool quiet;            /* --quiet */
};

/* Fill o from argv. --help and --version print to stdout and exit 0; a bad flag or value
 * prints a message to stderr and exits 2. `design` is one line describing the variant,
 * shown by --help. */
void options_parse(struct server_options *o, int argc, char **argv,
                   const char *program, const char *design);

struct room_config options_room_config(const struct server_options *o);

#endif
