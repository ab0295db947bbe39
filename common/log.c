/* log.c - see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static const char *log_program = "chat";
static bool log_quiet;

void log_init(const char *program, bool quiet)
{
    log_program = program;
    log_quiet = quiet;
}

void log_line(const char *fmt, ...)
{
    if (log_quiet)
        return;

    char line[1024];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    localtime_r(&now.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%02d:%02d:%02d.%03ld %s: ", tm.tm_hour, tm.tm_min,
                     tm.tm_sec, now.tv_nsec / 1000000, log_program);

    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof line)
        n = sizeof line - 1;
    line[n++] = '\n';
    /* One write() per line, so lines from different threads never interleave. A log line
     * that cannot be written has nowhere else to go: the server carries on without it. */
    ssize_t unused = write(STDERR_FILENO, line, (size_t)n);
    (void)unused;
}
