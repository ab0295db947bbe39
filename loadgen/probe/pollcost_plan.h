/* pollcost_plan.h - the arithmetic of chat-pollcost (pollcost.c), apart from the syscalls so
 * that it can be unit-tested: which fd counts to measure, how many turns to time together,
 * and the median of the samples. */
#ifndef CHAT_POLLCOST_PLAN_H
#define CHAT_POLLCOST_PLAN_H

#include <stddef.h>

#define POLLCOST_MAX_COUNTS 32

/* Parse "10,100,1000" into counts[] (each 1..1000000, strictly rising). Returns how many,
 * or -1 for a malformed list, a value out of range, a falling or repeated value, or more
 * than max values. */
int pollcost_parse_counts(const char *text, int *counts, int max);

/* Whether a backend can watch n fds numbered first_fd .. first_fd + n - 1: every fd below
 * its fd_limit (0: no limit of its own) and the process's open-file limit. */
int pollcost_fits(int n, int first_fd, int backend_fd_limit, long open_file_limit);

/* How many turns to time as one sample so that a sample lasts about target_ns, given one
 * turn's rough cost; at least 1, at most max_batch. A clock read costs tens of ns, so cheap
 * turns are timed in batches rather than one by one. */
int pollcost_batch(double turn_ns, double target_ns, int max_batch);

/* The median of n values (n >= 1), sorting them in place. For even n, the mean of the two
 * middle values. */
double pollcost_median(double *values, size_t n);

#endif
