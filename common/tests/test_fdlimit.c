/* test_fdlimit.c - raising the soft limit on open files to the hard one (fdlimit.h). */
#include "testutil.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fdlimit.h"

#define LOW 64

static struct rlimit get_limit(void)
{
    struct rlimit r;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &r), 0);
    return r;
}

static void set_soft(rlim_t soft)
{
    struct rlimit r = get_limit();
    r.rlim_cur = soft;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &r), 0);
}

/* Open dups of stdin until one fails or `want` are open; close them all; return how many. */
static int open_up_to(int want)
{
    int *fds = calloc((size_t)want, sizeof *fds);
    assert_non_null(fds);
    int n = 0;
    while (n < want && (fds[n] = dup(0)) >= 0)
        n++;
    if (n < want)
        assert_int_equal(errno, EMFILE);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    free(fds);
    return n;
}

static void test_current_is_the_soft_limit(void **state)
{
    (void)state;
    struct rlimit r = get_limit();
    assert_true(r.rlim_max >= LOW);
    set_soft(LOW);
    assert_int_equal(fdlimit_current(), LOW);
    set_soft(r.rlim_cur);
    assert_int_equal(fdlimit_current(), (long)r.rlim_cur);
}

static void test_raise_lifts_soft_to_hard(void **state)
{
    (void)state;
    struct rlimit r = get_limit();
    set_soft(LOW);
    long raised = fdlimit_raise();
    assert_int_equal(raised, (long)r.rlim_max);
    assert_int_equal(get_limit().rlim_cur, r.rlim_max);
    assert_int_equal(get_limit().rlim_max, r.rlim_max);   /* the hard limit is untouched */
    assert_int_equal(fdlimit_current(), raised);
    /* Already at the hard limit: nothing to do, same answer. */
    assert_int_equal(fdlimit_raise(), raised);
}

/* What the figure means: below the soft limit descriptors open, at it they do not. */
static void test_raise_makes_room_for_more_descriptors(void **state)
{
    (void)state;
    struct rlimit r = get_limit();
    if (r.rlim_max < 4 * LOW)
        skip();
    set_soft(LOW);
    assert_true(open_up_to(2 * LOW) < LOW);
    assert_true(fdlimit_raise() >= 4 * LOW);
    assert_int_equal(open_up_to(2 * LOW), 2 * LOW);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_current_is_the_soft_limit),
        cmocka_unit_test(test_raise_lifts_soft_to_hard),
        cmocka_unit_test(test_raise_makes_room_for_more_descriptors),
    };
    return cmocka_run_group_tests_name("fdlimit", tests, NULL, NULL);
}
