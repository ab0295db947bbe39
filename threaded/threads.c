/* threads.c - see threads.h. */
#include "threads.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

/* A client thread needs a receive buffer and a few formatted lines on its stack. The default
 * (8 MiB of address space each) would make 1000 clients cost 8 GiB of it. */
#define CLIENT_STACK_SIZE (256 * 1024)

struct thread {
    pthread_t id;
    void (*fn)(void *);
    void *arg;
    struct thread *next_finished;
};

static pthread_mutex_t census_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t census_changed = PTHREAD_COND_INITIALIZER;   /* a thread finished */
static size_t running;                  /* started and not yet finished */
static struct thread *finished;         /* finished, not yet joined */

/* Every client thread starts here: run the client, then report the end. After the unlock
 * the thread touches nothing shared, so the main thread may join it at any time. */
static void *thread_main(void *p)
{
    struct thread *t = p;
    t->fn(t->arg);

    pthread_mutex_lock(&census_mutex);
    running--;
    t->next_finished = finished;
    finished = t;
    pthread_cond_broadcast(&census_changed);
    pthread_mutex_unlock(&census_mutex);
    return NULL;
}

bool threads_start(void (*fn)(void *), void *arg)
{
    struct thread *t = malloc(sizeof *t);
    if (!t)
        return false;
    t->fn = fn;
    t->arg = arg;

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CLIENT_STACK_SIZE);
    /* A new thread inherits the signal mask: block everything while creating it. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);

    pthread_mutex_lock(&census_mutex);
    int err = pthread_create(&t->id, &attr, thread_main, t);
    if (err == 0)
        running++;                      /* counted before it can possibly finish */
    pthread_mutex_unlock(&census_mutex);

    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        free(t);
        errno = err;
        return false;
    }
    return true;
}

void threads_join_finished(void)
{
    pthread_mutex_lock(&census_mutex);
    struct thread *list = finished;
    finished = NULL;
    pthread_mutex_unlock(&census_mutex);

    while (list) {
        struct thread *t = list;
        list = t->next_finished;
        pthread_join(t->id, NULL);
        free(t);
    }
}

bool threads_wait_for_all(int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);       /* the clock pthread_cond_timedwait uses */
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&census_mutex);
    int err = 0;
    while (running > 0 && err != ETIMEDOUT) {
        if (timeout_ms < 0)
            pthread_cond_wait(&census_changed, &census_mutex);
        else
            err = pthread_cond_timedwait(&census_changed, &census_mutex, &deadline);
    }
    bool none_left = running == 0;
    pthread_mutex_unlock(&census_mutex);

    threads_join_finished();
    return none_left;
}
