/* test_shutdown_cut_off.c - found by fuzz_session (hardening/fuzz/), minimized input
 * 02 0a 6a ac 0a 6a de ac: --backlog 3, two clients, SIGTERM, one connection breaks.
 *
 * PROTOCOL.md: "SIGINT/SIGTERM: every client gets `* server is shutting down`".
 *
 * room_shutdown() marks every member quit but leaves it in_room. A connection that closes
 * afterwards (a client that got the notice and hung up, or the server closing a client it
 * has finished with) goes through session_disconnect(), which sees in_room and posts
 * "* NICK has quit (connection closed)" after the notice. In a full log that post drops the
 * oldest line; a member that has not taken that line yet is cut off as "too slow", and a
 * member cut off is closed at once: it never gets the shutdown notice. With the default
 * --backlog 4096 it takes a member a full log behind; with a small --backlog (the scenarios
 * use 8) any member that has not caught up when another one closes.
 *
 * The same in_room also lets a server that still applies queued input after the notice (a
 * thread that pops a line from its inbox) post chat lines after it, with the same effect. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "outbuf.h"
#include "room.h"
#include "session.h"

struct conn {
    struct member member;
    struct outbuf out;
};

/* The room and two joined clients, a (guest1) then b (guest2). Set up and torn down by
 * cmocka, so that a failed assertion does not leak (the tests run under LeakSanitizer). */
struct fixture {
    struct room room;
    struct conn a, b;
};

static int setup(void **state, size_t backlog, size_t replay)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct room_config config = { .backlog = backlog, .replay = replay, .max_clients = 5 };
    if (!f || room_init(&f->room, &config) != 0)
        return -1;
    struct conn *both[] = { &f->a, &f->b };
    for (int i = 0; i < 2; i++) {
        if (!room_attach(&f->room, &both[i]->member, both[i]))
            return -1;
        outbuf_init(&both[i]->out, 4096);
        session_join(&f->room, &both[i]->member, &both[i]->out);
    }
    *state = f;
    return 0;
}

static int setup_small_log(void **state) { return setup(state, 3, 2); }
static int setup_big_log(void **state) { return setup(state, 16, 0); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    outbuf_free(&f->a.out);
    outbuf_free(&f->b.out);
    room_free(&f->room);
    free(f);
    return 0;
}

static bool holds(const struct outbuf *out, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= outbuf_len(out); i++)
        if (memcmp(outbuf_data(out) + i, needle, n) == 0)
            return true;
    return false;
}

/* --backlog 3: guest1 joined, guest2 joined, and a has not had its turn to take anything. */
static void test_member_gets_notice_when_another_closes_during_shutdown(void **state)
{
    struct fixture *f = *state;

    room_shutdown(&f->room);            /* line 2; the log (3 lines) is now full */

    /* b's connection closes during the shutdown grace period. */
    session_disconnect(&f->room, &f->b.member);
    room_detach(&f->room, &f->b.member);

    /* a did nothing wrong: it is still owed every line up to the notice. */
    assert_false(f->a.member.cut_off);
    room_take(&f->room, &f->a.member, &f->a.out);
    assert_true(holds(&f->a.out, "* server is shutting down\n"));
}

static void test_no_room_line_after_the_notice(void **state)
{
    struct fixture *f = *state;

    room_shutdown(&f->room);
    uint64_t after_notice = roomlog_next(&f->room.log);

    /* Input that was already read but not yet applied, then a close: neither may add a room
     * line that nobody will ever be sent. */
    session_input(&f->room, &f->a.member, FRAME_LINE, "late line", 9, &f->a.out);
    session_disconnect(&f->room, &f->b.member);
    room_detach(&f->room, &f->b.member);
    assert_int_equal(roomlog_next(&f->room.log), after_notice);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_member_gets_notice_when_another_closes_during_shutdown,
                                        setup_small_log, teardown),
        cmocka_unit_test_setup_teardown(test_no_room_line_after_the_notice, setup_big_log,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
