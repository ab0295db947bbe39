/* board.c - see board.h. */
#include "board.h"

#include <time.h>

/* A healthy reader looks at the board at least once per receive timeout, plus the time to
 * send what it took. So a laggard counts as stuck only when no reader has moved for a few
 * timeouts, and never less than this floor (a loaded machine, or a sanitizer build, slows
 * every thread down). */
#define GRACE_TIMEOUTS 4
#define GRACE_FLOOR_MS 250

int board_init(struct board *b, const struct room_config *config, int timeout_ms)
{
    b->stopping = false;
    b->grace_ms = GRACE_TIMEOUTS * timeout_ms;
    if (b->grace_ms < GRACE_FLOOR_MS)
        b->grace_ms = GRACE_FLOOR_MS;
    b->progress = 0;
    b->posters_waiting = 0;

    /* Waits end at a deadline on the monotonic clock, so setting the date cannot stretch them. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int failed = pthread_cond_init(&b->readers_progressed, &attr);
    pthread_condattr_destroy(&attr);
    if (failed)
        return -1;
    if (pthread_mutex_init(&b->progress_mutex, NULL) != 0) {
        pthread_cond_destroy(&b->readers_progressed);
        return -1;
    }
    if (rwlock_init(&b->lock) != 0 || room_init(&b->room, config) != 0) {
        pthread_mutex_destroy(&b->progress_mutex);
        pthread_cond_destroy(&b->readers_progressed);
        return -1;
    }
    return 0;
}

void board_free(struct board *b)
{
    room_free(&b->room);
    rwlock_destroy(&b->lock);
    pthread_mutex_destroy(&b->progress_mutex);
    pthread_cond_destroy(&b->readers_progressed);
}

void board_lock_for_writing(struct board *b)   { rwlock_write_lock(&b->lock); }
void board_unlock_after_writing(struct board *b) { rwlock_write_unlock(&b->lock); }
void board_lock_for_reading(struct board *b)   { rwlock_read_lock(&b->lock); }
void board_unlock_after_reading(struct board *b) { rwlock_read_unlock(&b->lock); }

static struct timespec deadline_after(int ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static bool passed(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

bool board_post_must_wait(struct board *b, struct post_hold *h)
{
    if (b->stopping || !room_post_would_cut(&b->room)) {
        h->active = false;
        return false;
    }
    /* Read while the write lock is held: no reader can take anything before we let go, so
     * progress made after this point cannot be missed by board_wait_for_readers(). */
    pthread_mutex_lock(&b->progress_mutex);
    uint64_t progress = b->progress;
    pthread_mutex_unlock(&b->progress_mutex);

    if (!h->active || progress != h->progress_seen) {
        /* Held for the first time, or readers are moving: a full grace time from now. */
        h->active = true;
        h->deadline = deadline_after(b->grace_ms);
    } else if (passed(&h->deadline)) {
        /* Nobody has moved for a whole grace time: whoever still lags is stuck. */
        h->active = false;
        return false;
    }
    h->progress_seen = progress;
    return true;
}

void board_wait_for_readers(struct board *b, const struct post_hold *h)
{
    pthread_mutex_lock(&b->progress_mutex);
    b->posters_waiting++;
    while (b->progress == h->progress_seen &&
           pthread_cond_timedwait(&b->readers_progressed, &b->progress_mutex, &h->deadline) == 0)
        ;
    b->posters_waiting--;
    pthread_mutex_unlock(&b->progress_mutex);
}

void board_note_reader_progress(struct board *b)
{
    pthread_mutex_lock(&b->progress_mutex);
    b->progress++;
    if (b->posters_waiting > 0)
        pthread_cond_broadcast(&b->readers_progressed);
    pthread_mutex_unlock(&b->progress_mutex);
}

void board_shutdown(struct board *b)
{
    board_lock_for_writing(b);
    b->stopping = true;
    room_shutdown(&b->room);
    board_unlock_after_writing(b);
}
