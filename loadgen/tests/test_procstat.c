/* Unit tests of reading process facts from /proc: the parsers on fixed text, and the live
 * readings on this test process itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../procstat.h"

static void parses_stat_ticks_after_odd_names(void **state)
{
    (void)state;
    /* A command name with spaces and ')' must not shift the fields. utime=13 stime=4. */
    const char *stat = "4242 (we ird) (name) S 1 4242 4242 0 -1 4194560 100 0 0 0 13 4 0 0 20 0 "
                       "1 0 12345 1000000 200 18446744073709551615";
    unsigned long long ticks = 0;
    assert_true(procstat_parse_stat_ticks(stat, &ticks));
    assert_int_equal(ticks, 17);
    assert_false(procstat_parse_stat_ticks("4242 (x) S 1 2", &ticks));
    assert_false(procstat_parse_stat_ticks("no parenthesis", &ticks));
}

static void parses_status_fields(void **state)
{
    (void)state;
    const char *status = "Name:\tchat-async\nThreads:\t3\nVmHWM:\t    4896 kB\nVmRSS:\t 100 kB\n";
    assert_int_equal(procstat_parse_status_field(status, "VmHWM"), 4896);
    assert_int_equal(procstat_parse_status_field(status, "Threads"), 3);
    assert_int_equal(procstat_parse_status_field(status, "VmSwap"), -1);
    assert_int_equal(procstat_parse_status_field(status, "Vm"), -1);
}

static void parses_machine_busy_ticks(void **state)
{
    (void)state;
    /* user nice system idle iowait irq softirq steal guest guest_nice */
    const char *stat = "cpu  100 2 30 5000 7 1 4 5 50 0\ncpu0 50 1 15 2500 3 0 2 2 25 0\n";
    unsigned long long ticks = 0;
    assert_true(procstat_parse_machine_busy_ticks(stat, &ticks));
    assert_int_equal(ticks, 100 + 2 + 30 + 1 + 4 + 5);
    assert_false(procstat_parse_machine_busy_ticks("intr 1 2 3", &ticks));
    assert_true(procstat_machine_busy_seconds() > 0);
}

static void reads_this_process(void **state)
{
    (void)state;
    struct proc_probe p;
    assert_true(procstat_open(&p, getpid()));
    assert_string_equal(procstat_cpu_source(&p), "process-cpu-clock");
    assert_true(procstat_cpu_resolution_ns(&p) >= 1);
    double before = procstat_cpu_seconds(&p);
    volatile uint64_t spin = 0;
    for (uint64_t i = 0; i < 20000000; i++)
        spin += i;
    double after = procstat_cpu_seconds(&p);
    assert_true(before >= 0);
    assert_true(after > before);
    assert_true(procstat_self_cpu_seconds() > 0);
    assert_true(procstat_peak_rss_kib(getpid()) > 0);
    assert_int_equal(procstat_threads(getpid()), 1);
    assert_true(procstat_open_fds(getpid()) >= 3);
}

static void parses_context_switches(void **state)
{
    (void)state;
    const char *status = "Name:\tchat-hybrid\nvoluntary_ctxt_switches:\t1234\n"
                         "nonvoluntary_ctxt_switches:\t56\n";
    unsigned long long vol = 0, invol = 0;
    assert_true(procstat_parse_ctxsw(status, &vol, &invol));
    assert_int_equal(vol, 1234);
    assert_int_equal(invol, 56);
    assert_false(procstat_parse_ctxsw("Name:\tx\nvoluntary_ctxt_switches:\t3\n", &vol, &invol));
}

static void nap(void)
{
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
}

/* A second thread that sleeps in read() until told to end. */
static void *sleeper(void *arg)
{
    int *fd = arg;
    char byte;
    ssize_t unused = read(*fd, &byte, 1);
    (void)unused;
    return NULL;
}

/* Two threads of this process: each nap is a voluntary context switch. Between the scan's two
 * passes the main thread naps 20 times while the other sleeps in read(): both are read in
 * both passes, and the window holds at least the 20 naps. */
static void scans_this_process_in_two_passes(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pthread_t helper;
    assert_int_equal(pthread_create(&helper, NULL, sleeper, &p[0]), 0);
    struct ctxsw_scan scan;
    assert_true(ctxsw_scan_start(&scan, getpid(), 0));
    assert_int_equal(scan.count, 2);
    /* Thread i is due at i x CTXSW_SCAN_NS_PER_THREAD: at time 0 only the first. */
    assert_false(ctxsw_scan_step(&scan, 0, false));
    assert_int_equal(ctxsw_scan_next_due(&scan), CTXSW_SCAN_NS_PER_THREAD);
    assert_true(ctxsw_scan_step(&scan, CTXSW_SCAN_NS_PER_THREAD, false));
    assert_int_equal(ctxsw_scan_next_due(&scan), UINT64_MAX);
    for (int i = 0; i < 20; i++)
        nap();
    ctxsw_scan_second_pass(&scan, 1000);
    assert_true(ctxsw_scan_step(&scan, 0, true));
    assert_int_equal(scan.counted, 2);
    assert_true(scan.voluntary >= 20);
    ctxsw_scan_free(&scan);
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_int_equal(pthread_join(helper, NULL), 0);
    close(p[0]);
    close(p[1]);
}

static void scan_of_a_missing_process(void **state)
{
    (void)state;
    struct ctxsw_scan scan;
    assert_false(ctxsw_scan_start(&scan, 0x7ffffff0, 0));
    ctxsw_scan_free(&scan);
}

static void missing_process(void **state)
{
    (void)state;
    struct proc_probe p;
    assert_false(procstat_open(&p, 0x7ffffff0));
    assert_int_equal(procstat_threads(0x7ffffff0), -1);
    assert_int_equal(procstat_open_fds(0x7ffffff0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_stat_ticks_after_odd_names),
        cmocka_unit_test(parses_status_fields),
        cmocka_unit_test(parses_machine_busy_ticks),
        cmocka_unit_test(reads_this_process),
        cmocka_unit_test(missing_process),
        cmocka_unit_test(parses_context_switches),
        cmocka_unit_test(scans_this_process_in_two_passes),
        cmocka_unit_test(scan_of_a_missing_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
