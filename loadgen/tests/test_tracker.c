/* Unit tests of delivery bookkeeping: loss, duplicates, order, echoes, the window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../tracker.h"

/* 3 clients; messages 3..8 measured (6 messages: senders 0,1,2,0,1,2). */
static struct tracker *make(void)
{
    struct tracker *t = tracker_new(3, 3, 9);
    assert_non_null(t);
    return t;
}

static void deliver(struct tracker *t, uint32_t to, uint64_t seq, uint64_t sched, uint64_t at)
{
    struct load_fields f = {.seq = seq, .sender = (uint32_t)(seq % 3), .sched_ns = sched};
    tracker_record(t, to, &f, at);
}

static void everything_once_in_order(void **state)
{
    (void)state;
    struct tracker *t = make();
    for (uint64_t k = 3; k < 9; k++)
        for (uint32_t to = 0; to < 3; to++)
            deliver(t, to, k, 1000 * k, 1000 * k + 500);
    const struct delivery_stats *s = tracker_stats(t);
    assert_int_equal(s->delivered, 12);   /* 6 messages x 2 other recipients */
    assert_int_equal(s->echoes, 6);
    assert_int_equal(s->duplicated + s->out_of_order + s->foreign + s->outside_window, 0);
    assert_int_equal(s->latency.total, 12);
    assert_int_equal(hist_percentile(&s->latency, 100), 500);
    assert_int_equal(s->echo_latency.total, 6);
    tracker_free(t);
}

static void duplicates_are_counted_not_timed(void **state)
{
    (void)state;
    struct tracker *t = make();
    deliver(t, 1, 3, 0, 10);
    deliver(t, 1, 3, 0, 20);
    deliver(t, 0, 3, 0, 10);   /* echo */
    deliver(t, 0, 3, 0, 30);
    const struct delivery_stats *s = tracker_stats(t);
    assert_int_equal(s->delivered, 1);
    assert_int_equal(s->duplicated, 1);
    assert_int_equal(s->echoes, 1);
    assert_int_equal(s->echo_duplicated, 1);
    assert_int_equal(s->latency.total, 1);
    tracker_free(t);
}

/* Order is only promised per sender: 4 and 5 come from different senders and may swap;
 * 3 and 6 come from sender 0 and may not. */
static void order_checked_per_sender(void **state)
{
    (void)state;
    struct tracker *t = make();
    deliver(t, 2, 4, 0, 1);
    deliver(t, 2, 3, 0, 1);
    assert_int_equal(tracker_stats(t)->out_of_order, 0);
    deliver(t, 1, 6, 0, 1);
    deliver(t, 1, 3, 0, 1);
    assert_int_equal(tracker_stats(t)->out_of_order, 1);
    assert_int_equal(tracker_stats(t)->delivered, 4);
    tracker_free(t);
}

static void warmup_and_foreign_lines(void **state)
{
    (void)state;
    struct tracker *t = make();
    deliver(t, 1, 2, 0, 1);                                   /* warm-up */
    deliver(t, 1, 9, 0, 1);                                   /* after the window */
    struct load_fields bad_sender = {.seq = 4, .sender = 2, .sched_ns = 0};
    tracker_record(t, 0, &bad_sender, 1);                     /* 4 is sender 1's */
    struct load_fields no_such = {.seq = 5, .sender = 5, .sched_ns = 0};
    tracker_record(t, 0, &no_such, 1);
    const struct delivery_stats *s = tracker_stats(t);
    assert_int_equal(s->outside_window, 1);
    assert_int_equal(s->foreign, 3);
    assert_int_equal(s->delivered + s->echoes, 0);
    tracker_free(t);
}

/* A receive clock before the schedule (impossible on one host) counts as zero, not 2^64. */
static void early_arrival_is_zero_latency(void **state)
{
    (void)state;
    struct tracker *t = make();
    deliver(t, 1, 3, 1000, 900);
    assert_int_equal(tracker_stats(t)->latency.max, 0);
    tracker_free(t);
}

/* Ten thousand clients: the per-(recipient, sender) order check still works far into the
 * sequence (indices are counted from the window's start). */
static void ten_thousand_clients(void **state)
{
    (void)state;
    const uint32_t n = 10000;
    struct tracker *t = tracker_new(n, 5 * (uint64_t)n, 8 * (uint64_t)n);
    assert_non_null(t);
    struct load_fields later = {.seq = 7 * (uint64_t)n + 42, .sender = 42, .sched_ns = 0};
    struct load_fields earlier = {.seq = 6 * (uint64_t)n + 42, .sender = 42, .sched_ns = 0};
    struct load_fields other = {.seq = 5 * (uint64_t)n + 43, .sender = 43, .sched_ns = 0};
    tracker_record(t, n - 1, &later, 1);
    tracker_record(t, n - 1, &other, 1);       /* another sender: any order */
    tracker_record(t, n - 1, &earlier, 1);     /* sender 42's earlier message, after its later */
    tracker_record(t, 0, &earlier, 1);         /* in order for recipient 0 */
    tracker_record(t, 0, &later, 1);
    const struct delivery_stats *s = tracker_stats(t);
    assert_int_equal(s->delivered, 5);
    assert_int_equal(s->out_of_order, 1);
    assert_int_equal(s->foreign, 0);
    tracker_free(t);
}

/* An idle run (--rate 0) tracks no message, so it needs no order table: 60,000 clients
 * would otherwise ask for 14 GB. Every load line is then outside the window. */
static void idle_run_tracks_nothing(void **state)
{
    (void)state;
    struct tracker *t = tracker_new(60000, 0, 0);
    assert_non_null(t);
    struct load_fields f = {.seq = 5, .sender = 5, .sched_ns = 0};
    tracker_record(t, 1, &f, 1);
    assert_int_equal(tracker_stats(t)->delivered, 0);
    assert_int_equal(tracker_stats(t)->foreign, 1);
    tracker_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(everything_once_in_order),
        cmocka_unit_test(duplicates_are_counted_not_timed),
        cmocka_unit_test(order_checked_per_sender),
        cmocka_unit_test(warmup_and_foreign_lines),
        cmocka_unit_test(early_arrival_is_zero_latency),
        cmocka_unit_test(ten_thousand_clients),
        cmocka_unit_test(idle_run_tracks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
