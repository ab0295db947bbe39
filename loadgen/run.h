/* run.h - one benchmark run against a server: connect and name every client, offer the
 * load on a fixed schedule, measure a window, wait for late deliveries, fill in the result.
 *
 * Single-threaded around one epoll set, so the generator uses one CPU and its own cost is
 * easy to see (loadgen_cpu_* in the record). */
#ifndef LOADGEN_RUN_H
#define LOADGEN_RUN_H

#include "options.h"
#include "report.h"

/* 0 when the run completed (the result may still show loss); otherwise a message has gone to
 * stderr and the return is 1. Either way, free the result with run_result_free(). */
int run_benchmark(const struct options *o, struct run_result *result);
void run_result_free(struct run_result *result);

#endif
