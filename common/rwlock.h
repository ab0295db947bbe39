/* rwlock.h - a readers-writers lock, built the way an operating-systems course builds it.
 *
 * Many readers may hold the lock at once; a writer holds it alone. It is writer-preferring:
 * as soon as a writer is waiting, readers that arrive after it wait too. In chat-threaded
 * every client thread takes the lock as a reader 20 times a second just to look for new
 * lines; with a reader-preferring lock those overlapping readers could keep a poster (a
 * writer) out for ever. The opposite risk, readers starved by a stream of writers, does not
 * arise there: every writer is a client thread that reads right after it writes, so the
 * writers queue up behind themselves.
 *
 * Why not pthread_rwlock_t? It would work, but whom it prefers is a setting (glibc's default
 * prefers readers), and the kit wants the mechanism in plain sight: one mutex guarding a few
 * counters, and two condition variables to wait on. */
#ifndef CHAT_RWLOCK_H
#define CHAT_RWLOCK_H

#include <pthread.h>
#include <stdbool.h>

struct rwlock {
    pthread_mutex_t mutex;              /* guards every field below */
    pthread_cond_t readers_may_enter;   /* broadcast when the last writer leaves */
    pthread_cond_t writer_may_enter;    /* signalled when the lock becomes free for a writer */
    unsigned active_readers;            /* holding the lock for reading */
    unsigned waiting_readers;           /* blocked in rwlock_read_lock */
    unsigned waiting_writers;           /* blocked in rwlock_write_lock: new readers must wait */
    bool writer_active;                 /* a writer holds the lock */
};

/* Returns 0, or an error number from pthread_*_init. */
int rwlock_init(struct rwlock *l);
void rwlock_destroy(struct rwlock *l);

void rwlock_read_lock(struct rwlock *l);
void rwlock_read_unlock(struct rwlock *l);
void rwlock_write_lock(struct rwlock *l);
void rwlock_write_unlock(struct rwlock *l);

#endif
