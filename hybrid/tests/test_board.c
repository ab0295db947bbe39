/* test_board.c - who the board wakes after a post, and its flow control (board.h).
 *
 * No sockets and no client threads: the members are driven by hand, the way client_thread.c
 * drives them, and the callbacks just record who they were called for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../board.h"
#include "clock.h"
#include "session.h"

#define MEMBERS 3

static struct member *woken[64];
static size_t nwoken;
static struct member *cut[8];
static size_t ncut;

static void record_wake(struct member *m)
{
    if (nwoken < 64)
        woken[nwoken++] = m;
}

static void record_cut_off(struct member *m)
{
    if (ncut < 8)
        cut[ncut++] = m;
}

static bool was_woken(const struct member *m)
{
    for (size_t i = 0; i < nwoken; i++)
        if (woken[i] == m)
            return true;
    return false;
}

struct fixture {
    struct board board;
    struct member m[MEMBERS];
    struct outbuf out[MEMBERS];
};

/* Every member joined and up to date, nothing recorded yet. */
static void setup(struct fixture *f, size_t backlog)
{
    struct room_config config = { .backlog = backlog, .replay = 0, .max_clients = MEMBERS,
                                  .sendq = 1 << 20 };
    assert_int_equal(board_init(&f->board, &config, record_wake, record_cut_off), 0);
    board_lock(&f->board);
    for (int i = 0; i < MEMBERS; i++) {
        outbuf_init(&f->out[i], 1 << 20);
        assert_true(board_attach(&f->board, &f->m[i], NULL));
        session_join(&f->board.room, &f->m[i], &f->out[i]);
    }
    for (int i = 0; i < MEMBERS; i++) {
        board_take(&f->board, &f->m[i], &f->out[i]);
        outbuf_consume(&f->out[i], outbuf_len(&f->out[i]));
    }
    board_unlock(&f->board);
    nwoken = ncut = 0;
}

static void teardown(struct fixture *f)
{
    for (int i = 0; i < MEMBERS; i++)
        outbuf_free(&f->out[i]);
    board_free(&f->board);
}

/* What a client thread does with one line: apply it and take its own lines. */
static void say(struct fixture *f, int who, const char *line)
{
    session_input(&f->board.room, &f->m[who], FRAME_LINE, line, strlen(line), &f->out[who]);
    board_take(&f->board, &f->m[who], &f->out[who]);
}

/* Member `who` goes away the way session.c's /brb does it: its away line is posted, and
 * lines after it are held (stop_at); and the way board_hold_changed() does it: it is no
 * longer a taker. Done by hand rather than with say("/brb") and board_hold_changed() so that
 * this test of the board does not depend on the BRB code, which the lab handout leaves out. */
static void go_away(struct fixture *f, int who)
{
    struct member *m = &f->m[who];
    struct board *b = &f->board;
    room_post(&b->room, "* %s is away", m->nick);
    m->away = true;
    m->stop_at = roomlog_next(&b->room.log);
    board_take(b, m, &f->out[who]);
    for (size_t i = 0; i < b->takers_count; i++)
        if (b->takers[i] == m)
            b->takers[i] = b->takers[--b->takers_count];
}

static void post_wakes_those_with_lines_only(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, 64);
    board_lock(&f.board);
    go_away(&f, 2);
    board_unlock(&f.board);
    assert_true(was_woken(&f.m[0]) && was_woken(&f.m[1]));
    assert_false(was_woken(&f.m[2]));              /* it took its own away line already */

    for (int i = 0; i < 2; i++)
        board_take(&f.board, &f.m[i], &f.out[i]);
    nwoken = 0;
    board_lock(&f.board);
    say(&f, 0, "hello");
    board_unlock(&f.board);
    assert_int_equal(nwoken, 1);
    assert_true(was_woken(&f.m[1]));               /* the sender took its own line; the away
                                                      member has nothing to take */
    teardown(&f);
}

static void no_post_no_wake(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, 64);
    board_lock(&f.board);
    say(&f, 0, "/who");
    say(&f, 1, "/nick");                            /* usage error: a direct reply */
    board_unlock(&f.board);
    assert_int_equal(nwoken, 0);
    teardown(&f);
}

/* Fill the log so that member 1, which never takes, holds its oldest line. */
static void fill_log(struct fixture *f, size_t backlog)
{
    board_lock(&f->board);
    for (size_t i = 0; i < backlog; i++) {
        char line[32];
        snprintf(line, sizeof line, "line %zu", i);
        say(f, 0, line);
        board_take(&f->board, &f->m[2], &f->out[2]);
    }
    outbuf_consume(&f->out[0], outbuf_len(&f->out[0]));
    board_unlock(&f->board);
}

static void catch_up_sends_own_output_first(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, 8);
    fill_log(&f, 6);
    board_lock(&f.board);
    say(&f, 2, "from 2");                           /* member 0 now has a line to take */
    say(&f, 2, "from 2 again");                     /* the log is full */
    assert_true(room_post_would_cut(&f.board.room));
    struct catch_up c = { 0 };
    assert_false(board_catch_up(&f.board, &f.m[0], &f.out[0], &c));
    assert_true(outbuf_len(&f.out[0]) > 0);         /* it took its lines: send them first */
    board_unlock(&f.board);
    assert_int_equal(ncut, 0);
    teardown(&f);
}

static void stuck_member_is_cut_after_the_wait(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, 8);
    fill_log(&f, 8);
    board_lock(&f.board);
    assert_true(room_post_would_cut(&f.board.room));
    struct catch_up c = { 0 };
    long long t0 = clock_now_ms();
    assert_true(board_catch_up(&f.board, &f.m[0], &f.out[0], &c));
    assert_true(clock_now_ms() - t0 >= ROOM_CATCH_UP_MS);   /* nobody moved meanwhile */
    assert_true(was_woken(&f.m[1]));                /* it was told to catch up meanwhile */
    assert_int_equal(ncut, 0);
    say(&f, 0, "one line too many");
    board_unlock(&f.board);
    assert_int_equal(ncut, 1);
    assert_ptr_equal(cut[0], &f.m[1]);
    teardown(&f);
}

/* The laggard's "thread": once the poster waits, it takes its lines. */
static void *catch_up(void *arg)
{
    struct fixture *f = arg;
    for (;;) {
        board_lock(&f->board);
        if (f->board.posters_waiting > 0) {
            board_take(&f->board, &f->m[1], &f->out[1]);
            board_unlock(&f->board);
            return NULL;
        }
        board_unlock(&f->board);
        sched_yield();
    }
}

static void member_that_catches_up_is_not_cut(void **state)
{
    (void)state;
    struct fixture f;
    pthread_t helper;
    setup(&f, 8);
    fill_log(&f, 8);
    assert_int_equal(pthread_create(&helper, NULL, catch_up, &f), 0);
    board_lock(&f.board);
    struct catch_up c = { 0 };
    assert_true(board_catch_up(&f.board, &f.m[0], &f.out[0], &c));
    assert_false(room_post_would_cut(&f.board.room));
    say(&f, 0, "room for this one");
    board_unlock(&f.board);
    pthread_join(helper, NULL);
    assert_int_equal(ncut, 0);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(post_wakes_those_with_lines_only),
        cmocka_unit_test(no_post_no_wake),
        cmocka_unit_test(catch_up_sends_own_output_first),
        cmocka_unit_test(stuck_member_is_cut_after_the_wait),
        cmocka_unit_test(member_that_catches_up_is_not_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
