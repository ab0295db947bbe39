/* clock.c - see clock.h. */
#include "clock.h"

#include <limits.h>

#define NS_PER_MS 1000000L
#define NS_PER_S  1000000000L

long long clock_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);     /* cannot fail for this clock on Linux */
    return (long long)t.tv_sec * 1000 + t.tv_nsec / NS_PER_MS;
}

struct timespec clock_add_ms(struct timespec t, long ms)
{
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * NS_PER_MS;
    if (t.tv_nsec >= NS_PER_S) {
        t.tv_sec++;
        t.tv_nsec -= NS_PER_S;
    }
    return t;
}

struct timespec clock_deadline_after_ms(long ms)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return clock_add_ms(now, ms);
}

bool clock_passed(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

int clock_ms_until(long long deadline_ms)
{
    long long left = deadline_ms - clock_now_ms();
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int clock_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int err = pthread_condattr_init(&attr);
    if (err != 0)
        return err;
    err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (err == 0)
        err = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return err;
}
