/* options.h - the load generator's command line. */
#ifndef LOADGEN_OPTIONS_H
#define LOADGEN_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

enum output_format { FORMAT_JSON, FORMAT_CSV };

struct options {
    const char *host;        /* server address or name */
    const char *port;        /* kept as text: getaddrinfo takes it so */
    unsigned clients;        /* connections, each one chat user */
    double rate;             /* offered load, messages per second over all senders; 0 = idle */
    unsigned size;           /* bytes of chat text per message */
    double warmup_s;         /* load before the measured window, not measured */
    double duration_s;       /* the measured window */
    double drain_s;          /* after the window, how long late deliveries are awaited */
    double join_timeout_s;   /* bound on connecting and naming every client */
    pid_t server_pid;        /* 0 = unknown (e.g. a server on another host): no server stats */
    bool stats_signal;       /* SIGUSR1 to server_pid at the window's start and end */
    const char *nick_prefix; /* nicks are PREFIX0, PREFIX1, ... */
    const char *label;       /* copied to the output, to tell runs apart */
    enum output_format format;
    bool csv_header;         /* with --format csv: print the header line first */
};

enum parse_result { PARSE_OK, PARSE_EXIT_OK, PARSE_ERROR };

/* Fill *o from argv. PARSE_EXIT_OK: --help or --version was printed to out. PARSE_ERROR:
 * a message went to err. */
enum parse_result options_parse(struct options *o, int argc, char **argv, FILE *out, FILE *err);

#endif
