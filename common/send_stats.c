/* send_stats.c - see send_stats.h. */
#include "send_stats.h"

#include <errno.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/* A signal handler may read these only if no lock hides inside the atomics. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the send counters must be lock-free");

static atomic_ullong calls;
static atomic_ullong lines;

void send_stats_count(const char *p, ssize_t sent)
{
    if (sent <= 0)
        return;
    unsigned long long newlines = 0;
    const char *end = p + sent;
    for (const char *q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        newlines++;
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    if (newlines)
        atomic_fetch_add_explicit(&lines, newlines, memory_order_relaxed);
}

struct send_stats send_stats_read(void)
{
    struct send_stats s = {
        .calls = atomic_load_explicit(&calls, memory_order_relaxed),
        .lines = atomic_load_explicit(&lines, memory_order_relaxed),
    };
    return s;
}

/* Append text to buf at *at; false when it does not fit (room is kept for the NUL). */
static bool append(char *buf, size_t size, size_t *at, const char *text, size_t n)
{
    if (*at + n >= size)
        return false;
    memcpy(buf + *at, text, n);
    *at += n;
    return true;
}

static bool append_str(char *buf, size_t size, size_t *at, const char *text)
{
    return append(buf, size, at, text, strlen(text));
}

/* Decimal digits by hand: snprintf is not async-signal-safe. */
static bool append_u64(char *buf, size_t size, size_t *at, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    return append(buf, size, at, digits + sizeof digits - n, n);
}

size_t send_stats_format(char *buf, size_t size, const char *program, struct send_stats s)
{
    size_t at = 0;
    bool ok = append_str(buf, size, &at, program) &&
             append_str(buf, size, &at, ": send stats: calls=") &&
             append_u64(buf, size, &at, s.calls) &&
             append_str(buf, size, &at, " lines=") &&
             append_u64(buf, size, &at, s.lines) &&
             append_str(buf, size, &at, "\n");
    if (!ok) {
        if (size > 0)
            buf[0] = '\0';
        return 0;
    }
    buf[at] = '\0';
    return at;
}

void send_stats_write(int fd, const char *program)
{
    int saved = errno;
    char line[160];
    size_t n = send_stats_format(line, sizeof line, program, send_stats_read());
    /* One write(), so the line never interleaves with log lines from other threads. */
    if (n > 0) {
        ssize_t unused = write(fd, line, n);
        (void)unused;
    }
    errno = saved;
}
