/* board.c - see board.h. */
#include "board.h"

#include <string.h>

#include "clock.h"
#include "log.h"

int board_init(struct board *b, const struct room_config *config,
               void (*wake_taker)(struct member *m), void (*on_cut_off)(struct member *m))
{
    memset(b, 0, sizeof *b);
    int err = pthread_mutex_init(&b->lock, NULL);
    if (err != 0) {
        log_line("cannot create the board lock: %s", strerror(err));
        return -1;
    }
    /* Grace times end at deadlines on the monotonic clock (clock.h). */
    err = clock_cond_init(&b->members_progressed);
    if (err != 0) {
        log_line("cannot create the board's condition variable: %s", strerror(err));
        pthread_mutex_destroy(&b->lock);
        return -1;
    }
    if (room_init(&b->room, config) != 0) {
        log_line("out of memory");
        pthread_cond_destroy(&b->members_progressed);
        pthread_mutex_destroy(&b->lock);
        return -1;
    }
    b->room.on_cut_off = on_cut_off;
    b->wake_taker = wake_taker;
    return 0;
}

void board_free(struct board *b)
{
    pthread_cond_destroy(&b->members_progressed);
    pthread_mutex_destroy(&b->lock);
    room_free(&b->room);
}

void board_lock(struct board *b)
{
    pthread_mutex_lock(&b->lock);
    b->log_next_at_lock = roomlog_next(&b->room.log);
}

/* Every member with lines past its cursor gets its thread woken. This loop over all members,
 * once per locked section that posted, is the price of one thread per client: see README.md. */
static void wake_takers(struct board *b)
{
    for (size_t i = 0; i < b->room.count; i++) {
        struct member *m = b->room.members[i];
        if (room_has_pending(&b->room, m))
            b->wake_taker(m);
    }
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
    uint64_t cursor_before = m->cursor;
    if (room_catch_up_take(&b->room, m, out)) {
        b->progress++;
        if (b->posters_waiting > 0)
            pthread_cond_broadcast(&b->members_progressed);
    }
    return (size_t)(m->cursor - cursor_before);
}

bool board_must_wait_for_catch_up(struct board *b, struct catch_up *c)
{
    return room_catch_up_must_wait(&b->room, c, b->progress, clock_now_ms(), ROOM_CATCH_UP_MS);
}

void board_wait_for_catch_up(struct board *b, const struct catch_up *c)
{
    struct timespec deadline = clock_deadline_after_ms(clock_ms_until(c->deadline_ms));
    wake_takers(b);                 /* the members behind may not know yet of our last posts */
    b->posters_waiting++;
    while (b->progress == c->progress_seen &&
           pthread_cond_timedwait(&b->members_progressed, &b->lock, &deadline) == 0)
        continue;
    b->posters_waiting--;
}

bool board_catch_up(struct board *b, struct member *self, struct outbuf *out,
                    struct catch_up *c)
{
    while (board_must_wait_for_catch_up(b, c)) {
        board_take(b, self, out);
        if (outbuf_len(out) > 0)
            return false;
        board_wait_for_catch_up(b, c);
    }
    return true;
}
