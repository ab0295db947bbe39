/* options.c - see options.h. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol.h"

/* --max-clients at most: Linux's default ceiling on the open-file limit (fs.nr_open), so
 * more could never be open at once; and a bound on what the room allocates up front. */
#define MAX_CLIENTS_LIMIT 1048576

static void usage(FILE *to, const char *program, const char *design)
{
    fprintf(to,
        "usage: %s [options]\n"
        "%s\n"
        "\n"
        "  --port N          TCP port to listen on, 0 = any free port (default 5555)\n"
        "  --bind ADDR       IPv4 address to listen on (default 127.0.0.1)\n"
        "  --replay N        history lines a newcomer gets (default 20; never more than\n"
        "                    the log keeps)\n"
        "  --backlog N       room lines kept in memory; bounds what an away user gets back\n"
        "                    and how far behind a client may fall (default 4096)\n"
        "  --max-clients N   connected clients allowed (default 1000, at most %d); the\n"
        "                    open-file limit, and with --poller select fds >= 1024, may\n"
        "                    allow fewer: those get '! server full'\n"
        "  --sendq BYTES     unsent output allowed per client before it is cut off\n"
        "                    (default 1048576)\n"
        "  --timeout-ms N    chat-threaded: socket receive timeout; others ignore it (default 50)\n"
        "  --poller NAME     how chat-async and chat-hybrid wait for their sockets (default\n"
        "                    select); chat-threaded accepts and ignores it:\n",
        program, design, MAX_CLIENTS_LIMIT);
    for (size_t i = 0; poller_backend_at(i); i++)
        fprintf(to, "                    %-7s %s\n", poller_backend_at(i)->name,
                poller_backend_at(i)->cost);
    fprintf(to,
        "  --quiet           no log lines on stderr\n"
        "  --help            show this help and exit\n"
        "  --version         show the version and exit\n"
        "\n"
        "Prints 'listening on HOST:PORT' once ready. Exit status: 0 after SIGINT/SIGTERM,\n"
        "1 if it cannot listen, 2 for a bad command line. The protocol is in PROTOCOL.md.\n");
}

static void bad_usage(const char *program, const char *fmt, const char *what)
{
    fprintf(stderr, "%s: ", program);
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", program);
    exit(2);
}

static void bad_value(const char *program, const char *flag, const char *text,
                      const char *expected)
{
    fprintf(stderr, "%s: invalid value for %s: '%s' (expected %s)\n", program, flag, text,
            expected);
    fprintf(stderr, "Try '%s --help' for more information.\n", program);
    exit(2);
}

static size_t parse_number(const char *program, const char *flag, const char *text,
                           unsigned long long min, unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end != '\0' || text[0] == '-' || v < min || v > max) {
        char range[64];
        snprintf(range, sizeof range, "%llu..%llu", min, max);
        bad_value(program, flag, text, range);
    }
    return (size_t)v;
}

enum { OPT_PORT = 256, OPT_BIND, OPT_REPLAY, OPT_BACKLOG, OPT_MAX_CLIENTS, OPT_SENDQ,
       OPT_TIMEOUT, OPT_POLLER, OPT_QUIET, OPT_HELP, OPT_VERSION };

void options_parse(struct server_options *o, int argc, char **argv,
                   const char *program, const char *design)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, OPT_PORT },
        { "bind", required_argument, NULL, OPT_BIND },
        { "replay", required_argument, NULL, OPT_REPLAY },
        { "backlog", required_argument, NULL, OPT_BACKLOG },
        { "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
        { "sendq", required_argument, NULL, OPT_SENDQ },
        { "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
        { "poller", required_argument, NULL, OPT_POLLER },
        { "quiet", no_argument, NULL, OPT_QUIET },
        { "help", no_argument, NULL, OPT_HELP },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    *o = (struct server_options){
        .bind = "127.0.0.1", .port = 5555, .replay = 20, .backlog = 4096,
        .max_clients = 1000, .sendq = 1 << 20, .timeout_ms = 50,
        .poller = &poller_select_backend, .quiet = false,
    };

    optind = 0;     /* 0, not 1: makes glibc start afresh, so the tests can parse again */
    opterr = 0;     /* we print our own messages */
    int c;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_PORT:        o->port = (int)parse_number(program, "--port", optarg, 0, 65535); break;
        case OPT_BIND:        o->bind = optarg; break;
        case OPT_REPLAY:      o->replay = parse_number(program, "--replay", optarg, 0, 1000000); break;
        case OPT_BACKLOG:     o->backlog = parse_number(program, "--backlog", optarg, 1, 1000000); break;
        case OPT_MAX_CLIENTS: o->max_clients = parse_number(program, "--max-clients", optarg, 1, MAX_CLIENTS_LIMIT); break;
        case OPT_SENDQ:       o->sendq = parse_number(program, "--sendq", optarg, 2 * CHAT_MAX_OUT_LINE, 1ULL << 30); break;
        case OPT_TIMEOUT:     o->timeout_ms = (int)parse_number(program, "--timeout-ms", optarg, 1, 60000); break;
        case OPT_POLLER:
            o->poller = poller_backend_named(optarg);
            if (!o->poller)
                bad_value(program, "--poller", optarg, poller_backend_names());
            break;
        case OPT_QUIET:       o->quiet = true; break;
        case OPT_HELP:        usage(stdout, program, design); exit(0);
        case OPT_VERSION:     printf("%s (%s)\n", program, CHAT_VERSION); exit(0);
        case ':':             bad_usage(program, "option '%s' needs a value", argv[optind - 1]); break;
        default:              bad_usage(program, "unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (optind < argc)
        bad_usage(program, "unexpected argument '%s'", argv[optind]);
}

struct room_config options_room_config(const struct server_options *o)
{
    struct room_config config = {
        .backlog = o->backlog, .replay = o->replay, .max_clients = o->max_clients,
        .sendq = o->sendq,
    };
    return config;
}
