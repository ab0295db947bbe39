/* limits.h - can this machine open --clients connections? Asked before the run starts, so
 * that a run never fails half-way through joining for a reason known in advance.
 *
 * Two limits bind a generator with thousands of clients on one host. Each connection is
 * one open file, so the process's open-file limit (RLIMIT_NOFILE, see fdlimit.h) must allow
 * them: the generator raises its soft limit to the hard one itself, but only root can raise
 * the hard limit. And every connection to the one server address needs a local port of its
 * own, taken from net.ipv4.ip_local_port_range. */
#ifndef LOADGEN_LIMITS_H
#define LOADGEN_LIMITS_H

#include <stdbool.h>
#include <stdio.h>

/* Open files beyond one per client: stdio, the epoll set, /proc files read during the run. */
#define LIMITS_SPARE_FDS 32

/* Open files needed for this many clients. */
long limits_fds_needed(unsigned clients);

/* Raise the open-file limit, then check both limits for this many clients. false: a message
 * saying what the limit is, why, and what to do has gone to err. */
bool limits_prepare(unsigned clients, FILE *err);

/* The parts of limits_prepare, on given figures (for the tests). */

/* Enough open files? soft_before is the soft limit found at start, allowed the soft limit
 * after raising it (the hard limit, unless raising failed), hard the hard limit. */
bool limits_check_fds(unsigned clients, long soft_before, long allowed, long hard, FILE *err);

/* The number of local ports in the text of /proc/sys/net/ipv4/ip_local_port_range
 * ("32768\t60999\n"), or -1 if it does not read as a range. */
long limits_parse_port_range(const char *text);

/* Enough local ports (ports < 0: unknown, taken as enough)? */
bool limits_check_ports(unsigned clients, long ports, FILE *err);

#endif
