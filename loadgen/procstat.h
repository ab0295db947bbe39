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
#include <stdint.h>
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

/* Context switches of every thread of a process over a window: voluntary_ctxt_switches (a
 * thread went to sleep; something woke it later) and nonvoluntary_ctxt_switches (it was
 * preempted) from each /proc/PID/task/TID/status, read once at the window's start and once
 * at its end. The kernel keeps no such sum for the whole process, and one status file costs
 * 10-20 us to open and read, so 1000 threads would stall a caller for 10-20 ms at each edge
 * of the window, long enough to show up in its latency figures. So the scan reads a few
 * threads at a time: thread i of the list is due at the pass's start + i x
 * CTXSW_SCAN_NS_PER_THREAD, in both passes, so each thread's two readings are one window
 * apart whatever the pace of the caller's loop. Threads that start during the window are not
 * counted, nor those that end before the second reading. */
#define CTXSW_SCAN_NS_PER_THREAD 50000ull
#define CTXSW_SCAN_MAX_PER_STEP 16      /* bounds one step's stall: ~16 x 15 us */

struct ctxsw_thread {
    pid_t tid;
    bool seen;                          /* read in the first pass */
    unsigned long long voluntary, involuntary;
};

struct ctxsw_scan {
    pid_t pid;
    struct ctxsw_thread *threads;
    size_t count;
    size_t next;                        /* next thread to read in the current pass */
    int pass;                           /* 1 or 2; 0 before the start */
    uint64_t pass_start_ns;
    unsigned long long voluntary, involuntary;   /* the result: second minus first pass */
    size_t counted;                     /* threads read in both passes */
};

/* List the threads of pid and begin the first pass at now_ns; false if none can be listed. */
bool ctxsw_scan_start(struct ctxsw_scan *s, pid_t pid, uint64_t now_ns);
/* Begin the second pass at now_ns (the first is finished first, all at once, if need be). */
void ctxsw_scan_second_pass(struct ctxsw_scan *s, uint64_t now_ns);
/* Read the threads due by now_ns, at most CTXSW_SCAN_MAX_PER_STEP of them (all of them if
 * `finish`); true when the current pass is complete. */
bool ctxsw_scan_step(struct ctxsw_scan *s, uint64_t now_ns, bool finish);
/* When the next unread thread is due; UINT64_MAX when the pass is complete. */
uint64_t ctxsw_scan_next_due(const struct ctxsw_scan *s);
void ctxsw_scan_free(struct ctxsw_scan *s);

/* Both context-switch counts from the text of a status file; false if either is missing. */
bool procstat_parse_ctxsw(const char *status_text, unsigned long long *voluntary,
                          unsigned long long *involuntary);

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
