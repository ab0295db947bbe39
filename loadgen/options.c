/* options.c - see options.h. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

#define MAX_CLIENTS 60000
#define MAX_RATE 10000000.0

static const char usage_text[] =
    "usage: chat-loadgen [options]\n"
    "Open-loop load generator for the chatlab servers (any server speaking PROTOCOL.md).\n"
    "Opens --clients connections, names them, then sends --rate chat lines per second in\n"
    "total (senders in turn), each carrying its scheduled send time; every copy relayed to\n"
    "a client is timed against that schedule. Prints one record (JSON or CSV) on stdout.\n"
    "\n"
    "  --host ADDR          server address or name (default 127.0.0.1)\n"
    "  --port N             server port (default 5555)\n"
    "  --clients N          connections, 1..60000 (default 10; at least 2 when --rate > 0);\n"
    "                       the open-file limit is raised to the hard limit, and a run it\n"
    "                       or the local port range cannot hold is refused before it starts\n"
    "  --rate R             messages per second over all clients; 0 = silent clients, to\n"
    "                       measure idle cost (default 100)\n"
    "  --size BYTES         chat text per message, at least the header (~30 bytes), at most\n"
    "                       512 (default 64)\n"
    "  --warmup S           seconds of load before measuring (default 1)\n"
    "  --duration S         seconds measured (default 5)\n"
    "  --drain S            seconds to wait for late deliveries after the window; what has\n"
    "                       not arrived by then is lost (default 2)\n"
    "  --join-timeout S     bound on connecting and naming all clients (default 30)\n"
    "  --server-pid PID     the server's process (same host) for CPU, memory, threads, fds\n"
    "                       and context switches\n"
    "  --stats-signal       send --server-pid SIGUSR1 at the start and at the end of the\n"
    "                       measured window (a chatlab server then prints its send stats on\n"
    "                       stderr, PROTOCOL.md); a server that does not catch it dies\n"
    "  --nick-prefix P      nicks are P0, P1, ... (default lg)\n"
    "  --label TEXT         copied into the output record\n"
    "  --format json|csv    output format (default json)\n"
    "  --no-header          with --format csv, print the data row only\n"
    "  --help, --version    print and exit 0\n"
    "\n"
    "Exit status: 0 run completed (check lost/duplicated in the record), 1 the run could not\n"
    "be done (cannot connect, server refused a client, too few open files or local ports),\n"
    "2 bad command line.\n";

static bool parse_unsigned(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '\0')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool valid_prefix(const char *p)
{
    size_t n = strlen(p);
    /* Room for up to 5 digits of index within the 16-character nick limit. */
    if (n == 0 || n > CHAT_MAX_NICK - 5)
        return false;
    if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

enum parse_result options_parse(struct options *o, int argc, char **argv, FILE *out, FILE *err)
{
    enum { OPT_HOST = 256, OPT_PORT, OPT_CLIENTS, OPT_RATE, OPT_SIZE, OPT_WARMUP, OPT_DURATION,
           OPT_DRAIN, OPT_JOIN_TIMEOUT, OPT_SERVER_PID, OPT_STATS_SIGNAL, OPT_NICK_PREFIX,
           OPT_LABEL, OPT_FORMAT, OPT_NO_HEADER, OPT_HELP, OPT_VERSION };
    static const struct option longopts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"clients", required_argument, NULL, OPT_CLIENTS},
        {"rate", required_argument, NULL, OPT_RATE},
        {"size", required_argument, NULL, OPT_SIZE},
        {"warmup", required_argument, NULL, OPT_WARMUP},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"drain", required_argument, NULL, OPT_DRAIN},
        {"join-timeout", required_argument, NULL, OPT_JOIN_TIMEOUT},
        {"server-pid", required_argument, NULL, OPT_SERVER_PID},
        {"stats-signal", no_argument, NULL, OPT_STATS_SIGNAL},
        {"nick-prefix", required_argument, NULL, OPT_NICK_PREFIX},
        {"label", required_argument, NULL, OPT_LABEL},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"no-header", no_argument, NULL, OPT_NO_HEADER},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    *o = (struct options){
        .host = "127.0.0.1", .port = "5555", .clients = 10, .rate = 100.0, .size = 64,
        .warmup_s = 1.0, .duration_s = 5.0, .drain_s = 2.0, .join_timeout_s = 30.0,
        .server_pid = 0, .stats_signal = false, .nick_prefix = "lg", .label = "",
        .format = FORMAT_JSON,
        .csv_header = true,
    };

    optind = 0;   /* 0, not 1: makes glibc reinitialise, so the tests can parse again */
    opterr = 0;   /* our own messages below */
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        unsigned long u;
        const char *arg = optarg;
        bool ok = true;
        switch (c) {
        case OPT_HOST:
            o->host = arg;
            ok = *arg != '\0' && strlen(arg) <= 100 && strpbrk(arg, ",\"\\ ") == NULL;
            break;
        case OPT_PORT: ok = parse_unsigned(arg, 65535, &u) && u > 0; o->port = arg; break;
        case OPT_CLIENTS:
            ok = parse_unsigned(arg, MAX_CLIENTS, &u) && u > 0;
            o->clients = (unsigned)u;
            break;
        case OPT_RATE: ok = parse_double(arg, 0.0, MAX_RATE, &o->rate); break;
        case OPT_SIZE:
            ok = parse_unsigned(arg, CHAT_MAX_LINE, &u);
            o->size = (unsigned)u;
            break;
        case OPT_WARMUP: ok = parse_double(arg, 0.0, 3600.0, &o->warmup_s); break;
        case OPT_DURATION: ok = parse_double(arg, 0.01, 3600.0, &o->duration_s); break;
        case OPT_DRAIN: ok = parse_double(arg, 0.0, 3600.0, &o->drain_s); break;
        case OPT_JOIN_TIMEOUT: ok = parse_double(arg, 0.1, 3600.0, &o->join_timeout_s); break;
        case OPT_SERVER_PID:
            ok = parse_unsigned(arg, 0x7fffffff, &u) && u > 0;
            o->server_pid = (pid_t)u;
            break;
        case OPT_STATS_SIGNAL: o->stats_signal = true; break;
        case OPT_NICK_PREFIX: o->nick_prefix = arg; ok = valid_prefix(arg); break;
        case OPT_LABEL:
            /* It goes into JSON and CSV unquoted-safe: no quote, backslash, comma or control. */
            o->label = arg;
            ok = strlen(arg) <= 100 && strpbrk(arg, ",\"\\\n\r\t") == NULL;
            break;
        case OPT_FORMAT:
            ok = strcmp(arg, "json") == 0 || strcmp(arg, "csv") == 0;
            o->format = strcmp(arg, "csv") == 0 ? FORMAT_CSV : FORMAT_JSON;
            break;
        case OPT_NO_HEADER: o->csv_header = false; break;
        case OPT_HELP: fputs(usage_text, out); return PARSE_EXIT_OK;
        case OPT_VERSION: fprintf(out, "chat-loadgen (%s)\n", CHAT_VERSION); return PARSE_EXIT_OK;
        default:
            fprintf(err, "chat-loadgen: unknown option or missing value: %s\n",
                    argv[optind - 1]);
            fputs("try: chat-loadgen --help\n", err);
            return PARSE_ERROR;
        }
        if (!ok) {
            const char *name = "?";
            for (const struct option *lo = longopts; lo->name; lo++)
                if (lo->val == c)
                    name = lo->name;
            fprintf(err, "chat-loadgen: bad value for --%s: '%s'\n", name, arg);
            fputs("try: chat-loadgen --help\n", err);
            return PARSE_ERROR;
        }
    }
    if (optind < argc) {
        fprintf(err, "chat-loadgen: unexpected argument: %s\ntry: chat-loadgen --help\n",
                argv[optind]);
        return PARSE_ERROR;
    }
    if (o->stats_signal && o->server_pid == 0) {
        fputs("chat-loadgen: --stats-signal needs --server-pid\n", err);
        return PARSE_ERROR;
    }
    if (o->rate > 0 && o->clients < 2) {
        fputs("chat-loadgen: --rate > 0 needs --clients 2 or more (someone must receive)\n", err);
        return PARSE_ERROR;
    }
    return PARSE_OK;
}
