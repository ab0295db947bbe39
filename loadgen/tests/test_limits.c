/* Unit tests of the checks before a run: enough open files and local ports for --clients,
 * and what the generator says when there are not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../limits.h"

static char err_text[2048];

static FILE *open_err(void)
{
    memset(err_text, 0, sizeof err_text);
    FILE *f = fmemopen(err_text, sizeof err_text, "w");
    assert_non_null(f);
    return f;
}

static bool check_fds(unsigned clients, long soft_before, long allowed, long hard)
{
    FILE *err = open_err();
    bool ok = limits_check_fds(clients, soft_before, allowed, hard, err);
    fclose(err);
    return ok;
}

static bool check_ports(unsigned clients, long ports)
{
    FILE *err = open_err();
    bool ok = limits_check_ports(clients, ports, err);
    fclose(err);
    return ok;
}

#define assert_said(text) assert_non_null(strstr(err_text, (text)))

static void enough_fds_says_nothing(void **state)
{
    (void)state;
    assert_int_equal(limits_fds_needed(10000), 10000 + LIMITS_SPARE_FDS);
    assert_true(check_fds(10000, 1024, 20000, 20000));
    assert_true(check_fds(10000, 1024, 10032, 10032));   /* exactly enough */
    assert_string_equal(err_text, "");
}

/* The common case: a soft limit of 1024 raised to a hard limit that is still too low. */
static void too_few_fds_says_how_many_and_why(void **state)
{
    (void)state;
    assert_false(check_fds(10000, 1024, 4096, 4096));
    assert_said("10000 clients need 10032 open files, but this process may open only 4096");
    assert_said("soft limit 1024, raised by chat-loadgen to the hard limit 4096");
    assert_said("only root can raise");
    assert_said("ulimit -n 10032");
    assert_said("--clients 4064");                        /* what fits: 4096 - 32 */
}

static void too_few_fds_other_reasons(void **state)
{
    (void)state;
    assert_false(check_fds(10000, 4096, 4096, 4096));
    assert_said("the soft limit is already the hard limit, 4096");
    assert_false(check_fds(10000, 1024, 1024, 4096));     /* raising it failed */
    assert_said("the soft limit 1024 could not be raised to the hard limit 4096");
    assert_false(check_fds(10, 16, 16, 16));              /* not even the spare ones */
    assert_said("--clients 0");
}

static void port_range_parsed(void **state)
{
    (void)state;
    assert_int_equal(limits_parse_port_range("32768\t60999\n"), 28232);
    assert_int_equal(limits_parse_port_range("1024 65535"), 64512);
    assert_int_equal(limits_parse_port_range("5000 5000"), 1);
    assert_int_equal(limits_parse_port_range("60999 32768"), -1);
    assert_int_equal(limits_parse_port_range("32768"), -1);
    assert_int_equal(limits_parse_port_range(""), -1);
}

static void ports_checked(void **state)
{
    (void)state;
    assert_true(check_ports(10000, 28232));
    assert_true(check_ports(28232, 28232));
    assert_true(check_ports(60000, -1));                   /* unknown: let connect() say */
    assert_string_equal(err_text, "");
    assert_false(check_ports(30000, 28232));
    assert_said("30000 clients need as many local ports");
    assert_said("only 28232");
    assert_said("net.ipv4.ip_local_port_range");
    assert_said("--clients 28232");
}

/* The real thing, in a child process: it changes the limits for good. */
static void prepare_raises_then_refuses(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int failed = 0;
        struct rlimit r = {.rlim_cur = 64, .rlim_max = 256};
        if (setrlimit(RLIMIT_NOFILE, &r) != 0)
            _exit(10);
        FILE *err = open_err();
        if (!limits_prepare(100, err))                     /* needs 132: raised to 256 */
            failed |= 1;
        if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur != 256)
            failed |= 2;
        if (limits_prepare(1000, err))                     /* needs 1032 > 256 */
            failed |= 4;
        fclose(err);
        if (!strstr(err_text, "1000 clients need 1032 open files, but this process may "
                              "open only 256"))
            failed |= 8;
        _exit(failed);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enough_fds_says_nothing),
        cmocka_unit_test(too_few_fds_says_how_many_and_why),
        cmocka_unit_test(too_few_fds_other_reasons),
        cmocka_unit_test(port_range_parsed),
        cmocka_unit_test(ports_checked),
        cmocka_unit_test(prepare_raises_then_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
