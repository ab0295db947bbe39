/* procstat.h - what the kernel knows about a process: its CPU time, peak memory, threads and
 * open files, read from outside the process.
 *
 * CPU time comes from the process's POSIX CPU-time clock (clock_getcpuclockid): the kernel's
 * scheduler accounting, summed over every thread of the process including threads that have
 * already exited, in nanoseconds. It is the same number as the sum of the threads'
 * /proc/PID/task/TID/schedstat run times, and far finer than utime+stime in /proc/PID/stat,
 * which count whole clock ticks (10 ms with USER_HZ = 100). For a thread running on another
 * CPU the kernel's sum can trail by at most one scheduler tick (1-4 ms). If the clock cannot be
 * had, utime+stime from /proc/PID/stat are used instead, and the source says so. */
#ifndef LOADGEN_PROCSTAT_H
#define LOADGEN_PROCSTAT_H

#include <stdbool.h>
#include <sys/types.h>

struct proc_probe {
    pid_t pid;
    bool use_clock;
    clockid_t clock;
};

/* Choose the best CPU source for pid; false if the process does not exist. */
bool procstat_open(struct proc_probe *p, pid_t pid);

/* A short name of the CPU source in use, and its resolution in nanoseconds. */
const char *procstat_cpu_source(const struct proc_probe *p);
long procstat_cpu_resolution_ns(const struct proc_probe *p);

/* CPU seconds used so far (user + system, all threads); negative on failure. */
double procstat_cpu_seconds(const struct proc_probe *p);

/* Fields of /proc/PID/status, or -1: peak resident memory (VmHWM, KiB) and threads. */
long procstat_peak_rss_kib(pid_t pid);
long procstat_threads(pid_t pid);
/* Entries in /proc/PID/fd, or -1. */
long procstat_open_fds(pid_t pid);

/* CPU seconds used by the calling process so far. */
double procstat_self_cpu_seconds(void);

/* Busy CPU seconds of the whole machine so far, all CPUs together (the first line of
 * /proc/stat: user, nice, system, irq, softirq and steal; clock ticks, so 10 ms
 * resolution); negative on failure. Minus the server's and this program's CPU, it shows
 * how much else ran during a measurement. */
double procstat_machine_busy_seconds(void);

/* Parsing helpers, public for the tests. */
/* utime + stime, in clock ticks, from the text of /proc/PID/stat; false if malformed. */
bool procstat_parse_stat_ticks(const char *stat_text, unsigned long long *ticks);
/* Busy ticks from the text of /proc/stat; false if malformed. */
bool procstat_parse_machine_busy_ticks(const char *stat_text, unsigned long long *ticks);
/* The number after "NAME:" in the text of /proc/PID/status, or -1. */
long procstat_parse_status_field(const char *status_text, const char *name);

#endif
