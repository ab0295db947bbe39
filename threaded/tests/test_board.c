/* test_board.c - flow control on the board: a poster holds its line back while readers catch
 * up, and goes ahead (cutting the laggard off) only once no reader has moved for a grace time.
 *
 * The room holds two readers that have not taken anything yet, and a poster. The log is
 * filled so that the next post would push out a line both readers still need. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "../board.h"
#include "clock.h"
#include "session.h"

#define BACKLOG 4

static struct board board;
static struct member first_reader, second_reader, poster;
static struct outbuf first_out, second_out, poster_out;


static int setup(void **state)
{
    (void)state;
    struct room_config config = { .backlog = BACKLOG, .replay = 0, .max_clients = 4 };
    if (board_init(&board, &config, 1) != 0)     /* 1 ms timeout: the grace is its floor */
        return -1;
    outbuf_init(&first_out, 1 << 16);
    outbuf_init(&second_out, 1 << 16);
    outbuf_init(&poster_out, 1 << 16);
    room_attach(&board.room, &first_reader, NULL);
    room_attach(&board.room, &second_reader, NULL);
    room_attach(&board.room, &poster, NULL);
    session_join(&board.room, &first_reader, &first_out);
    session_join(&board.room, &second_reader, &second_out);
    session_join(&board.room, &poster, &poster_out);
    room_take(&board.room, &first_reader, &first_out);
    room_take(&board.room, &second_reader, &second_out);
    room_take(&board.room, &poster, &poster_out);
    /* A log full of lines that neither reader has taken; the poster has taken them. */
    for (int i = 0; i < BACKLOG; i++)
        room_post(&board.room, "* filler");
    room_take(&board.room, &poster, &poster_out);
    return room_post_would_cut(&board.room) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    outbuf_free(&first_out);
    outbuf_free(&second_out);
    outbuf_free(&poster_out);
    board_free(&board);
    return 0;
}

/* What a reader thread does when its receive timeout ends: take its lines, say so. */
static void take_as_reader(struct member *m, struct outbuf *out)
{
    board_lock_shared(&board);
    board_take(&board, m, out);
    board_unlock_shared(&board);
}

/* What a client thread does with a line that may post: hold it back while the board says so.
 * Returns with the write lock held, and how long the line waited. */
static long long hold_until_post_may_go(struct catch_up *hold)
{
    long long t0 = clock_now_ms();
    board_lock(&board);
    while (board_must_wait_for_catch_up(&board, hold)) {
        board_unlock(&board);
        board_wait_for_catch_up(&board, hold);
        board_lock(&board);
    }
    return clock_now_ms() - t0;
}

static void wait_until_poster_waits(void)
{
    for (;;) {                  /* (the watchdog ends the run if the poster never waits) */
        pthread_mutex_lock(&board.progress_mutex);
        bool waiting = board.posters_waiting > 0;
        pthread_mutex_unlock(&board.progress_mutex);
        if (waiting)
            return;
        sched_yield();
    }
}

/* ---- the tests ------------------------------------------------------------------------- */

static void test_no_wait_when_nobody_would_be_cut(void **state)
{
    (void)state;
    struct catch_up hold = { 0 };

    take_as_reader(&first_reader, &first_out);
    take_as_reader(&second_reader, &second_out);
    board_lock(&board);
    bool must_wait = board_must_wait_for_catch_up(&board, &hold);
    board_unlock(&board);
    assert_false(must_wait);
}

static void test_stuck_reader_is_cut_off_after_the_grace(void **state)
{
    (void)state;
    struct catch_up hold = { 0 };

    take_as_reader(&first_reader, &first_out);      /* only the second one is stuck */
    long long waited = hold_until_post_may_go(&hold);
    bool still_behind = room_post_would_cut(&board.room);
    room_post(&board.room, "<poster> flood");
    board_unlock(&board);

    assert_true(waited >= board.grace_ms);
    assert_true(still_behind);
    assert_true(second_reader.cut_off);
    assert_false(first_reader.cut_off);
}

/* Both readers wake up (as if their receive timeouts had ended) once the poster waits. */
static void *late_readers(void *arg)
{
    (void)arg;
    wait_until_poster_waits();
    take_as_reader(&first_reader, &first_out);
    take_as_reader(&second_reader, &second_out);
    return NULL;
}

static void test_poster_waits_for_readers_that_catch_up(void **state)
{
    (void)state;
    struct catch_up hold = { 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, late_readers, NULL), 0);

    hold_until_post_may_go(&hold);
    bool would_cut = room_post_would_cut(&board.room);
    room_post(&board.room, "<poster> flood");
    board_unlock(&board);
    pthread_join(t, NULL);

    assert_false(would_cut);
    assert_false(first_reader.cut_off);
    assert_false(second_reader.cut_off);
}

/* The first reader is slow to poll: it moves only after half a grace time. */
static long long first_moved_at;

static void *slow_first_reader(void *arg)
{
    (void)arg;
    wait_until_poster_waits();
    struct timespec half_grace = { .tv_sec = board.grace_ms / 2000,
                                   .tv_nsec = (board.grace_ms / 2 % 1000) * 1000000L };
    nanosleep(&half_grace, NULL);               /* its poll interval, not a synchronisation */
    first_moved_at = clock_now_ms();
    take_as_reader(&first_reader, &first_out);
    return NULL;
}

/* Progress by any reader restarts the grace: while readers are busy catching up, nobody is
 * judged stuck. The second reader never moves, so it is cut off one full grace time after
 * the first one last moved, not after the poster began to wait. */
static void test_progress_restarts_the_grace(void **state)
{
    (void)state;
    struct catch_up hold = { 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, slow_first_reader, NULL), 0);

    hold_until_post_may_go(&hold);
    long long posted_at = clock_now_ms();
    room_post(&board.room, "<poster> flood");
    board_unlock(&board);
    pthread_join(t, NULL);

    assert_true(posted_at - first_moved_at >= board.grace_ms);
    assert_true(second_reader.cut_off);
    assert_false(first_reader.cut_off);
}

int main(void)
{
    alarm(60);                  /* a broken wait fails the run instead of hanging it */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_wait_when_nobody_would_be_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stuck_reader_is_cut_off_after_the_grace,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_poster_waits_for_readers_that_catch_up,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_restarts_the_grace, setup, teardown),
    };
    return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
