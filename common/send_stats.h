/* send_stats.h - how many send() calls the server made, and how many lines they carried.
 *
 * One pair of process-wide counters, bumped by the shared send functions in net.c (and
 * nowhere else): one call for every send() that accepted at least one byte, and one line for
 * every '\n' among the bytes it accepted. A line that leaves in pieces counts once, with the
 * piece that holds its '\n'. Lines per call is how much the server batches: a design that
 * writes each line as it comes sends one line per call; one that lets lines pile up while it
 * is busy sends many.
 *
 * The counters are C11 atomics, lock-free and updated with relaxed ordering: they are
 * statistics, read as a pair that may be a few calls apart when other threads are sending,
 * never used to synchronise anything. Reading and formatting are async-signal-safe, so a
 * signal handler can report them (server.c does, on SIGUSR1; format in PROTOCOL.md). */
#ifndef CHAT_SEND_STATS_H
#define CHAT_SEND_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct send_stats {
    uint64_t calls;     /* send() calls that accepted at least one byte */
    uint64_t lines;     /* '\n' bytes among what they accepted */
};

/* Count one send() of p that returned `sent` (bytes accepted, or <= 0: nothing counted). */
void send_stats_count(const char *p, ssize_t sent);

/* The counters so far (async-signal-safe). */
struct send_stats send_stats_read(void);

/* "PROGRAM: send stats: calls=N lines=M\n" into buf, NUL-terminated; returns its length
 * without the NUL, or 0 if buf is too small. Async-signal-safe (no stdio, no locale). */
size_t send_stats_format(char *buf, size_t size, const char *program, struct send_stats s);

/* Format the current counters and write them to fd in one write() (async-signal-safe;
 * errno is preserved). */
void send_stats_write(int fd, const char *program);

#endif
