/* Tests of chat-pollcost's arithmetic (pollcost_plan.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../pollcost_plan.h"

static void parses_a_rising_list(void **state)
{
    (void)state;
    int c[8];
    assert_int_equal(pollcost_parse_counts("10,100,10000", c, 8), 3);
    assert_int_equal(c[0], 10);
    assert_int_equal(c[1], 100);
    assert_int_equal(c[2], 10000);
    assert_int_equal(pollcost_parse_counts("7", c, 8), 1);
    assert_int_equal(c[0], 7);
}

static void refuses_bad_lists(void **state)
{
    (void)state;
    int c[3];
    const char *bad[] = { "", ",", "10,", ",10", "10,,20", "0", "-5", "10,5", "10,10",
                          "1x", "1 ,2", "1000001", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pollcost_parse_counts(bad[i], c, 3), -1);
    assert_int_equal(pollcost_parse_counts("1,2,3,4", c, 3), -1);   /* too many */
}

static void fits_below_both_limits(void **state)
{
    (void)state;
    /* select: fds 3 .. 1022 fit under FD_SETSIZE 1024, fds 3 .. 1023 too, 3 .. 1024 not. */
    assert_true(pollcost_fits(1020, 3, 1024, 20000));
    assert_true(pollcost_fits(1021, 3, 1024, 20000));
    assert_false(pollcost_fits(1022, 3, 1024, 20000));
    /* no limit of its own: the open-file limit decides */
    assert_true(pollcost_fits(10000, 3, 0, 20000));
    assert_false(pollcost_fits(10000, 3, 0, 10002));
    assert_true(pollcost_fits(10000, 3, 0, 10003));
}

static void batches_cheap_turns(void **state)
{
    (void)state;
    assert_int_equal(pollcost_batch(500, 50000, 1000), 100);
    assert_int_equal(pollcost_batch(20, 50000, 1000), 1000);      /* capped */
    assert_int_equal(pollcost_batch(200000, 50000, 1000), 1);     /* one turn is enough */
    assert_int_equal(pollcost_batch(0, 50000, 64), 64);           /* unknown: the most */
}

static void medians(void **state)
{
    (void)state;
    double odd[] = { 5, 1, 9, 3, 7 };
    assert_true(pollcost_median(odd, 5) == 5);
    double even[] = { 4, 1, 3, 2 };
    assert_true(pollcost_median(even, 4) == 2.5);
    double one[] = { 42 };
    assert_true(pollcost_median(one, 1) == 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_rising_list),
        cmocka_unit_test(refuses_bad_lists),
        cmocka_unit_test(fits_below_both_limits),
        cmocka_unit_test(batches_cheap_turns),
        cmocka_unit_test(medians),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
