/* test_back_over_sendq.c - found by the soak (harness/soak.py, story "away" during a flood),
 * then reduced by hand to the numbers below.
 *
 * PROTOCOL.md: "An away client is not cut off: its held lines are bounded by --backlog and
 * the overflow is reported on /back", and "/back: the client first receives every held line
 * in order, then the broadcast back line".
 *
 * do_back() takes the held lines into the output buffer (room_take stops when --sendq is
 * full), then posts the back line. room_take() records the buffer's length in m->unsent, and
 * cut_off_laggards() counts m->unsent plus the lines after the back line against
 * --sendq. When the held lines filled the buffer to within a line of --sendq, the back line
 * tips it over, and the member is cut off as too slow the moment it comes back: its
 * connection closes at once and it receives none of its held lines.
 *
 * Black box, against any server: --backlog 64 --sendq 8192; a /brb; b says 60 lines of
 * "NN " + 290 x's (303 bytes with "<guest2> " and "\n"; 27 of them fill 8181 bytes); a /back:
 * a expects "<guest2> 00 xxx..." and gets the connection closed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "framer.h"
#include "outbuf.h"
#include "room.h"
#include "session.h"

#define SENDQ 8192
#define HELD 60
#define WIDTH 290

struct conn {
    struct member member;
    struct outbuf out;
};

struct fixture {
    struct room room;
    struct conn a, b;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct room_config config = { .backlog = 64, .replay = 0, .max_clients = 4, .sendq = SENDQ };
    if (!f || room_init(&f->room, &config) != 0)
        return -1;
    struct conn *both[] = { &f->a, &f->b };
    for (int i = 0; i < 2; i++) {
        if (!room_attach(&f->room, &both[i]->member, both[i]))
            return -1;
        outbuf_init(&both[i]->out, SENDQ);      /* as every server does: the limit is --sendq */
        session_join(&f->room, &both[i]->member, &both[i]->out);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    outbuf_free(&f->a.out);
    outbuf_free(&f->b.out);
    room_free(&f->room);
    free(f);
    return 0;
}

/* One client line, as a server hands it over; then that client's output is "sent". */
static void say(struct fixture *f, struct conn *c, const char *line)
{
    session_input(&f->room, &c->member, FRAME_LINE, line, strlen(line), &c->out);
    room_take(&f->room, &c->member, &c->out);
    outbuf_consume(&c->out, outbuf_len(&c->out));
}

static void test_back_with_held_lines_filling_sendq(void **state)
{
    struct fixture *f = *state;
    char line[WIDTH + 8];

    room_take(&f->room, &f->a.member, &f->a.out);
    outbuf_consume(&f->a.out, outbuf_len(&f->a.out));
    say(f, &f->a, "/brb");
    room_take(&f->room, &f->a.member, &f->a.out);
    outbuf_consume(&f->a.out, outbuf_len(&f->a.out));   /* a has read "* guest1 is away" */

    for (int i = 0; i < HELD; i++) {
        snprintf(line, sizeof line, "%02d %0*d", i, WIDTH, 0);
        memset(line + 3, 'x', WIDTH);
        say(f, &f->b, line);
    }
    assert_false(f->a.member.cut_off);                  /* away: never too slow */

    session_input(&f->room, &f->a.member, FRAME_LINE, "/back", 5, &f->a.out);
    assert_false(f->a.member.cut_off);                  /* fails: cut off as it comes back */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_back_with_held_lines_filling_sendq, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
