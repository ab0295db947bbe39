/* procstat.c - see procstat.h. */
#include "procstat.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Read the start of a /proc file into buf; false if it cannot be read. */
static bool read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n > 0;
}

static bool read_proc_file(pid_t pid, const char *name, char *buf, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, name);
    return read_file(path, buf, cap);
}

bool procstat_parse_stat_ticks(const char *stat_text, unsigned long long *ticks)
{
    /* The command name (field 2) may hold spaces and parentheses: start after the last ')'.
     * Field 3 (state) comes next; utime and stime are fields 14 and 15. */
    const char *p = strrchr(stat_text, ')');
    if (!p)
        return false;
    p++;
    unsigned long long utime = 0, stime = 0;
    for (int field = 3; field <= 15; field++) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            return false;
        char *end;
        if (field == 14 || field == 15) {
            unsigned long long v = strtoull(p, &end, 10);
            if (end == p)
                return false;
            if (field == 14)
                utime = v;
            else
                stime = v;
            p = end;
        } else {
            p += strcspn(p, " ");
        }
    }
    *ticks = utime + stime;
    return true;
}

long procstat_parse_status_field(const char *status_text, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = status_text; line && *line;) {
        if (strncmp(line, name, n) == 0 && line[n] == ':')
            return strtol(line + n + 1, NULL, 10);
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

bool procstat_open(struct proc_probe *p, pid_t pid)
{
    p->pid = pid;
    p->use_clock = clock_getcpuclockid(pid, &p->clock) == 0;
    if (p->use_clock) {
        struct timespec ts;
        p->use_clock = clock_gettime(p->clock, &ts) == 0;
    }
    return kill(pid, 0) == 0 || p->use_clock;
}

const char *procstat_cpu_source(const struct proc_probe *p)
{
    return p->use_clock ? "process-cpu-clock" : "proc-stat-ticks";
}

long procstat_cpu_resolution_ns(const struct proc_probe *p)
{
    if (p->use_clock) {
        struct timespec res;
        if (clock_getres(p->clock, &res) == 0)
            return res.tv_sec * 1000000000L + res.tv_nsec;
        return 1;
    }
    return 1000000000L / sysconf(_SC_CLK_TCK);
}

double procstat_cpu_seconds(const struct proc_probe *p)
{
    if (p->use_clock) {
        struct timespec ts;
        if (clock_gettime(p->clock, &ts) == 0)
            return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
        return -1.0;
    }
    char buf[1024];
    unsigned long long ticks;
    if (!read_proc_file(p->pid, "stat", buf, sizeof buf) || !procstat_parse_stat_ticks(buf, &ticks))
        return -1.0;
    return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

static long status_field(pid_t pid, const char *name)
{
    char buf[4096];
    if (!read_proc_file(pid, "status", buf, sizeof buf))
        return -1;
    return procstat_parse_status_field(buf, name);
}

long procstat_peak_rss_kib(pid_t pid)
{
    return status_field(pid, "VmHWM");
}

long procstat_threads(pid_t pid)
{
    return status_field(pid, "Threads");
}

long procstat_open_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    long count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            count++;
    closedir(d);
    return count;
}

bool procstat_parse_ctxsw(const char *status_text, unsigned long long *voluntary,
                          unsigned long long *involuntary)
{
    long v = procstat_parse_status_field(status_text, "voluntary_ctxt_switches");
    long n = procstat_parse_status_field(status_text, "nonvoluntary_ctxt_switches");
    if (v < 0 || n < 0)
        return false;
    *voluntary = (unsigned long long)v;
    *involuntary = (unsigned long long)n;
    return true;
}

bool ctxsw_scan_start(struct ctxsw_scan *s, pid_t pid, uint64_t now_ns)
{
    memset(s, 0, sizeof *s);
    s->pid = pid;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
    DIR *d = opendir(path);
    if (!d)
        return false;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (s->count == cap) {
            size_t bigger = cap ? 2 * cap : 64;
            struct ctxsw_thread *t = realloc(s->threads, bigger * sizeof *t);
            if (!t)
                break;                  /* out of memory: scan the threads listed so far */
            s->threads = t;
            cap = bigger;
        }
        s->threads[s->count++] = (struct ctxsw_thread){ .tid = (pid_t)atol(e->d_name) };
    }
    closedir(d);
    s->pass = 1;
    s->pass_start_ns = now_ns;
    return s->count > 0;
}

static void read_thread(struct ctxsw_scan *s, struct ctxsw_thread *t)
{
    char path[96], buf[4096];
    unsigned long long vol = 0, invol = 0;
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/status", (long)s->pid, (long)t->tid);
    /* A thread that has exited cannot be read: it is left out of the result. */
    bool ok = read_file(path, buf, sizeof buf) && procstat_parse_ctxsw(buf, &vol, &invol);
    if (s->pass == 1) {
        t->seen = ok;
        t->voluntary = vol;
        t->involuntary = invol;
    } else if (ok && t->seen && vol >= t->voluntary && invol >= t->involuntary) {
        s->voluntary += vol - t->voluntary;
        s->involuntary += invol - t->involuntary;
        s->counted++;
    }
}

uint64_t ctxsw_scan_next_due(const struct ctxsw_scan *s)
{
    if (s->pass == 0 || s->next >= s->count)
        return UINT64_MAX;
    return s->pass_start_ns + (uint64_t)s->next * CTXSW_SCAN_NS_PER_THREAD;
}

bool ctxsw_scan_step(struct ctxsw_scan *s, uint64_t now_ns, bool finish)
{
    for (int n = 0; s->next < s->count; n++) {
        if (!finish && (n >= CTXSW_SCAN_MAX_PER_STEP || ctxsw_scan_next_due(s) > now_ns))
            return false;
        read_thread(s, &s->threads[s->next++]);
    }
    return true;
}

void ctxsw_scan_second_pass(struct ctxsw_scan *s, uint64_t now_ns)
{
    if (s->pass != 1)
        return;
    ctxsw_scan_step(s, now_ns, true);
    s->pass = 2;
    s->next = 0;
    s->pass_start_ns = now_ns;
}

void ctxsw_scan_free(struct ctxsw_scan *s)
{
    free(s->threads);
    s->threads = NULL;
    s->count = s->next = 0;
    s->pass = 0;
}

double procstat_self_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool procstat_parse_machine_busy_ticks(const char *stat_text, unsigned long long *ticks)
{
    /* "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is
     * already counted in user, idle and iowait are not busy. */
    unsigned long long v[8];
    if (sscanf(stat_text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
               &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
        return false;
    *ticks = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return true;
}

double procstat_machine_busy_seconds(void)
{
    char buf[512];
    unsigned long long ticks;
    if (!read_file("/proc/stat", buf, sizeof buf) || !procstat_parse_machine_busy_ticks(buf, &ticks))
        return -1.0;
    return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}
