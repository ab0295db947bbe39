/* test_clock.c - deadlines on the monotonic clock (clock.h). */
#include "testutil.h"

#include <errno.h>
#include <limits.h>

#include "clock.h"

static void test_add_ms_carries_into_seconds(void **state)
{
    (void)state;
    struct timespec t = { .tv_sec = 5, .tv_nsec = 999000000L };
    struct timespec u = clock_add_ms(t, 1);
    assert_int_equal(u.tv_sec, 6);
    assert_int_equal(u.tv_nsec, 0);
    u = clock_add_ms(t, 2500);
    assert_int_equal(u.tv_sec, 8);
    assert_int_equal(u.tv_nsec, 499000000L);
    u = clock_add_ms(t, 0);
    assert_int_equal(u.tv_sec, 5);
    assert_int_equal(u.tv_nsec, 999000000L);
}

static void test_deadlines_pass(void **state)
{
    (void)state;
    struct timespec past = clock_deadline_after_ms(0);
    struct timespec future = clock_deadline_after_ms(60000);
    assert_true(clock_passed(&past));
    assert_false(clock_passed(&future));
}

static void test_ms_until_is_never_negative(void **state)
{
    (void)state;
    long long now = clock_now_ms();
    assert_int_equal(clock_ms_until(now - 5000), 0);
    int left = clock_ms_until(now + 60000);
    assert_true(left > 59000 && left <= 60000);
    assert_int_equal(clock_ms_until(LLONG_MAX / 2), INT_MAX);
}

/* A condition variable made by clock_cond_init() times out against clock_deadline_after_ms(). */
static void test_cond_times_out_on_the_monotonic_clock(void **state)
{
    (void)state;
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    assert_int_equal(clock_cond_init(&cond), 0);
    struct timespec deadline = clock_deadline_after_ms(20);
    pthread_mutex_lock(&mutex);
    int rc;
    do
        rc = pthread_cond_timedwait(&cond, &mutex, &deadline);
    while (rc == 0);
    pthread_mutex_unlock(&mutex);
    assert_int_equal(rc, ETIMEDOUT);
    assert_true(clock_passed(&deadline));
    pthread_cond_destroy(&cond);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_ms_carries_into_seconds),
        cmocka_unit_test(test_deadlines_pass),
        cmocka_unit_test(test_ms_until_is_never_negative),
        cmocka_unit_test(test_cond_times_out_on_the_monotonic_clock),
    };
    return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
