/* thread.c - see thread.h. */
#include "thread.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    int err = pthread_attr_init(&attr);
    if (err != 0)
        return err;
    err = pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);

    /* A new thread inherits the creator's signal mask: block everything while creating it. */
    sigset_t all, saved;
    sigfillset(&all);
    if (err == 0)
        err = pthread_sigmask(SIG_SETMASK, &all, &saved);
    if (err == 0) {
        err = pthread_create(thread, &attr, fn, arg);
        int restore = pthread_sigmask(SIG_SETMASK, &saved, NULL);
        if (restore != 0) {
            /* This thread would no longer see SIGINT/SIGTERM: the server could not stop. */
            log_line("cannot restore the signal mask: %s", strerror(restore));
            exit(1);
        }
    }
    pthread_attr_destroy(&attr);
    return err;
}
