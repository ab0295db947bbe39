/* board.c - see board.h. */
#include "board.h"

#include <string.h>

#include "clock.h"
#include "log.h"

/* A healthy client's thread looks at the board at least once per receive timeout, plus the
 * time to send what it took: a laggard is stuck only when nobody has moved for a few. */
#define GRACE_TIMEOUTS 4

int board_init(struct board *b, const struct room_config *config, int timeout_ms)
{
    memset(b, 0, sizeof *b);
    b->grace_ms = GRACE_TIMEOUTS * timeout_ms;
    if (b->grace_ms < ROOM_CATCH_UP_MS)
        b->grace_ms = ROOM_CATCH_UP_MS;

    int err = rwlock_init(&b->lock);
    const char *what = "the readers-writers lock";
    if (err == 0) {
        what = "the progress mutex";
        err = pthread_mutex_init(&b->progress_mutex, NULL);
        if (err != 0)
            rwlock_destroy(&b->lock);
    }
    if (err == 0) {
        what = "the progress condition variable";   /* deadlines: monotonic clock */
        err = clock_cond_init(&b->progressed);
        if (err != 0) {
            pthread_mutex_destroy(&b->progress_mutex);
            rwlock_destroy(&b->lock);
        }
    }
    if (err != 0) {
        log_line("cannot create %s: %s", what, strerror(err));
        return -1;
    }
    if (room_init(&b->room, config) != 0) {
        log_line("out of memory");
        board_free(b);
        return -1;
    }
    return 0;
}

void board_free(struct board *b)
{
    room_free(&b->room);
    rwlock_destroy(&b->lock);
    pthread_mutex_destroy(&b->progress_mutex);
    pthread_cond_destroy(&b->progressed);
}

void board_lock(struct board *b)           { rwlock_write_lock(&b->lock); }
void board_unlock(struct board *b)         { rwlock_write_unlock(&b->lock); }
void board_lock_shared(struct board *b)    { rwlock_read_lock(&b->lock); }
void board_unlock_shared(struct board *b)  { rwlock_read_unlock(&b->lock); }

size_t board_take(struct board *b, struct member *m, struct outbuf *out)
{
    uint64_t cursor_before = m->cursor;
    if (room_catch_up_take(&b->room, m, out)) {
        pthread_mutex_lock(&b->progress_mutex);
        b->progress++;
        if (b->posters_waiting > 0)
            pthread_cond_broadcast(&b->progressed);
        pthread_mutex_unlock(&b->progress_mutex);
    }
    return (size_t)(m->cursor - cursor_before);
}

bool board_must_wait_for_catch_up(struct board *b, struct catch_up *c)
{
    /* Read with the lock held exclusively: nobody can take anything before we let go, so
     * progress made after this point cannot be missed by board_wait_for_catch_up(). */
    pthread_mutex_lock(&b->progress_mutex);
    uint64_t progress = b->progress;
    pthread_mutex_unlock(&b->progress_mutex);
    return !b->stopping &&
           room_catch_up_must_wait(&b->room, c, progress, clock_now_ms(), b->grace_ms);
}

void board_wait_for_catch_up(struct board *b, const struct catch_up *c)
{
    struct timespec deadline = clock_deadline_after_ms(clock_ms_until(c->deadline_ms));
    pthread_mutex_lock(&b->progress_mutex);
    b->posters_waiting++;
    while (b->progress == c->progress_seen &&
           pthread_cond_timedwait(&b->progressed, &b->progress_mutex, &deadline) == 0)
        continue;
    b->posters_waiting--;
    pthread_mutex_unlock(&b->progress_mutex);
}

void board_shutdown(struct board *b, void (*wake_away)(struct member *m))
{
    board_lock(b);
    b->stopping = true;
    /* Before room_shutdown() ends their hold. They find the board locked until the notice
     * is posted. */
    for (size_t i = 0; i < b->room.count; i++)
        if (b->room.members[i]->away)
            wake_away(b->room.members[i]);
    room_shutdown(&b->room);
    board_unlock(b);
}
