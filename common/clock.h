/* clock.h - time as the servers need it: milliseconds now, and deadlines.
 *
 * Everything runs on CLOCK_MONOTONIC, so that setting the date can neither stretch nor cut
 * short a wait. A condition variable whose waits end at a struct timespec deadline must be
 * made with clock_cond_init(), which tells it to read the same clock. */
#ifndef CHAT_CLOCK_H
#define CHAT_CLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

long long clock_now_ms(void);

/* ms milliseconds from now, as a deadline for pthread_cond_timedwait(). */
struct timespec clock_deadline_after_ms(long ms);

/* t plus ms milliseconds, normalised. */
struct timespec clock_add_ms(struct timespec t, long ms);

bool clock_passed(const struct timespec *deadline);

/* Milliseconds from now until deadline_ms (clock_now_ms() scale), never below 0: a poller
 * timeout. */
int clock_ms_until(long long deadline_ms);

/* pthread_cond_init() for a condition variable whose timed waits use clock_deadline_after_ms().
 * Returns 0 or an error number. */
int clock_cond_init(pthread_cond_t *cond);

#endif
