/* test_thread.c - client threads start with a small stack and every signal blocked (thread.h). */
#include "testutil.h"

#include <signal.h>

#include "thread.h"

struct seen {
    size_t stack_size;
    bool sigterm_blocked, sigint_blocked;
};

static void *look_around(void *arg)
{
    struct seen *seen = arg;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstacksize(&attr, &seen->stack_size);
        pthread_attr_destroy(&attr);
    }
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, NULL, &mask);
    seen->sigterm_blocked = sigismember(&mask, SIGTERM) == 1;
    seen->sigint_blocked = sigismember(&mask, SIGINT) == 1;
    return NULL;
}

static void test_small_stack_and_signals_blocked(void **state)
{
    (void)state;
    struct seen seen = { 0 };
    pthread_t t;
    assert_int_equal(thread_start(&t, look_around, &seen), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(seen.stack_size, THREAD_STACK_SIZE);
    assert_true(seen.sigterm_blocked);
    assert_true(seen.sigint_blocked);
}

/* The creator's own mask is left as it was. */
static void test_creator_mask_unchanged(void **state)
{
    (void)state;
    sigset_t before, after;
    pthread_sigmask(SIG_SETMASK, NULL, &before);
    struct seen seen = { 0 };
    pthread_t t;
    assert_int_equal(thread_start(&t, look_around, &seen), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    assert_int_equal(sigismember(&before, SIGTERM), sigismember(&after, SIGTERM));
    assert_int_equal(sigismember(&after, SIGTERM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_stack_and_signals_blocked),
        cmocka_unit_test(test_creator_mask_unchanged),
    };
    return cmocka_run_group_tests_name("thread", tests, NULL, NULL);
}
