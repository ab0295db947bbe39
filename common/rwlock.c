/* rwlock.c - see rwlock.h.
 *
 * Each operation is: take the mutex, wait on a condition variable until the counters say
 * it may go ahead, update the counters, release the mutex. The waits are loops, not ifs:
 * a condition variable may wake a thread spuriously, or another thread may get in first. */
#include "rwlock.h"

int rwlock_init(struct rwlock *l)
{
    int err;

    l->active_readers = l->waiting_readers = l->waiting_writers = 0;
    l->writer_active = false;
    if ((err = pthread_mutex_init(&l->mutex, NULL)) != 0)
        return err;
    if ((err = pthread_cond_init(&l->readers_may_enter, NULL)) != 0) {
        pthread_mutex_destroy(&l->mutex);
        return err;
    }
    if ((err = pthread_cond_init(&l->writer_may_enter, NULL)) != 0) {
        pthread_cond_destroy(&l->readers_may_enter);
        pthread_mutex_destroy(&l->mutex);
        return err;
    }
    return 0;
}

void rwlock_destroy(struct rwlock *l)
{
    pthread_cond_destroy(&l->writer_may_enter);
    pthread_cond_destroy(&l->readers_may_enter);
    pthread_mutex_destroy(&l->mutex);
}

void rwlock_read_lock(struct rwlock *l)
{
    pthread_mutex_lock(&l->mutex);
    l->waiting_readers++;
    /* Writer preference: a waiting writer, not only an active one, keeps new readers out. */
    while (l->writer_active || l->waiting_writers > 0)
        pthread_cond_wait(&l->readers_may_enter, &l->mutex);
    l->waiting_readers--;
    l->active_readers++;
    pthread_mutex_unlock(&l->mutex);
}

void rwlock_read_unlock(struct rwlock *l)
{
    pthread_mutex_lock(&l->mutex);
    l->active_readers--;
    /* Only the last reader out can let a writer in; one writer is enough to wake. */
    if (l->active_readers == 0 && l->waiting_writers > 0)
        pthread_cond_signal(&l->writer_may_enter);
    pthread_mutex_unlock(&l->mutex);
}

void rwlock_write_lock(struct rwlock *l)
{
    pthread_mutex_lock(&l->mutex);
    l->waiting_writers++;
    while (l->writer_active || l->active_readers > 0)
        pthread_cond_wait(&l->writer_may_enter, &l->mutex);
    l->waiting_writers--;
    l->writer_active = true;
    pthread_mutex_unlock(&l->mutex);
}

void rwlock_write_unlock(struct rwlock *l)
{
    pthread_mutex_lock(&l->mutex);
    l->writer_active = false;
    /* Hand over to the next writer if there is one (that is the preference); otherwise
     * every waiting reader may go in together. */
    if (l->waiting_writers > 0)
        pthread_cond_signal(&l->writer_may_enter);
    else if (l->waiting_readers > 0)
        pthread_cond_broadcast(&l->readers_may_enter);
    pthread_mutex_unlock(&l->mutex);
}
