/* board.c - see board.h. */
#include "board.h"

#include <errno.h>
#include <time.h>

int board_init(struct board *b, const struct room_config *config,
               void (*wake_taker)(struct member *m), void (*on_cut_off)(struct member *m))
{
    if (room_init(&b->room, config) != 0)
        return -1;
    b->room.on_cut_off = on_cut_off;
    b->wake_taker = wake_taker;
    b->posters_waiting = 0;
    b->log_next_at_lock = 0;
    pthread_mutex_init(&b->lock, NULL);
    /* Deadlines are measured on the monotonic clock: setting the date must not stretch them. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&b->lines_taken, &attr);
    pthread_condattr_destroy(&attr);
    return 0;
}

void board_free(struct board *b)
{
    pthread_cond_destroy(&b->lines_taken);
    pthread_mutex_destroy(&b->lock);
    room_free(&b->room);
}

void board_lock(struct board *b)
{
    pthread_mutex_lock(&b->lock);
    b->log_next_at_lock = roomlog_next(&b->room.log);
}

/* Every member with lines past its cursor gets its thread woken, and posters waiting for
 * laggards re-check (they may now be the ones behind). This loop over all members, once per
 * locked section that posted, is the price of one thread per client: see README.md. */
static void wake_takers(struct board *b)
{
    for (size_t i = 0; i < b->room.count; i++) {
        struct member *m = b->room.members[i];
        if (room_has_pending(&b->room, m))
            b->wake_taker(m);
    }
    if (b->posters_waiting > 0)
        pthread_cond_broadcast(&b->lines_taken);
    b->log_next_at_lock = roomlog_next(&b->room.log);
}

void board_unlock(struct board *b)
{
    if (roomlog_next(&b->room.log) != b->log_next_at_lock)
        wake_takers(b);
    pthread_mutex_unlock(&b->lock);
}

size_t board_take(struct board *b, struct member *m, struct outbuf *out)
{
    size_t taken = room_take(&b->room, m, out);
    /* Even with no line taken the member may have caught up: room_take() also records how
     * much of its output is still unsent, which is what --sendq counts. */
    if (b->posters_waiting > 0)
        pthread_cond_broadcast(&b->lines_taken);
    return taken;
}

static struct timespec deadline_after_ms(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

bool board_make_room(struct board *b, struct member *self, struct outbuf *out)
{
    struct timespec deadline;
    bool waited = false;

    while (room_post_would_cut(&b->room)) {
        /* The member behind may be self: its unsent bytes count against --sendq. Take our
         * own lines and, if we hold any output at all, go and send it before waiting. */
        board_take(b, self, out);
        if (outbuf_len(out) > 0)
            return false;
        if (!room_post_would_cut(&b->room))
            break;
        if (!waited)
            deadline = deadline_after_ms(BOARD_CATCH_UP_MS);
        waited = true;
        wake_takers(b);             /* the laggards may not know yet about our earlier posts */
        b->posters_waiting++;
        int rc = pthread_cond_timedwait(&b->lines_taken, &b->lock, &deadline);
        b->posters_waiting--;
        if (rc == ETIMEDOUT)
            break;                  /* still behind after the grace period: stuck, not slow */
    }
    return true;
}

bool board_post_would_cut(struct board *b)
{
    board_lock(b);
    bool would_cut = room_post_would_cut(&b->room);
    board_unlock(b);
    return would_cut;
}
