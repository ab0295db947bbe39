/* report.h - the one record a run produces, printed as JSON or CSV. The field list and the
 * meaning of each field are in loadgen/README.md. */
#ifndef LOADGEN_REPORT_H
#define LOADGEN_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "histogram.h"
#include "options.h"
#include "tracker.h"

struct server_usage {
    bool known;                 /* false without --server-pid */
    const char *cpu_source;
    long cpu_resolution_ns;
    double cpu_s;               /* CPU seconds over the measured window */
    long peak_rss_kib;          /* VmHWM at the end of the window */
    long threads_max;           /* most threads seen while sampling during the window */
    long fds_max;               /* most open fds seen while sampling during the window */
    bool ctxsw_known;           /* both context-switch readings worked */
    unsigned long long ctxsw_voluntary;     /* over the window, all threads (procstat.h) */
    unsigned long long ctxsw_involuntary;
};

struct run_result {
    double join_s;              /* connecting and naming every client */
    double window_s;            /* measured window as actually timed */
    uint64_t scheduled;         /* messages scheduled inside the window */
    uint64_t sent;              /* of those, handed to the socket layer */
    uint64_t expected;          /* sent x (clients - 1) */
    uint64_t lost;              /* expected - delivered when the drain ended */
    uint64_t echoes_lost;       /* sent - echoes */
    uint64_t error_lines;       /* "! ..." lines from the server */
    unsigned disconnected;      /* connections the server closed during the run */
    const struct delivery_stats *deliveries;
    struct histogram send_lag;  /* how late the generator itself issued each message, ns */
    double loadgen_cpu_s;       /* this process, over the window */
    bool others_known;
    double others_cpu_s;        /* the rest of the machine over the window (all CPUs) */
    struct server_usage server;
    struct tracker *tracker;    /* owns *deliveries */
};

void report_write(FILE *out, const struct options *o, const struct run_result *r);

#endif
