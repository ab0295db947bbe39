/* test_options.c - the servers' shared command line (options.h): --poller, --max-clients.
 *
 * options_parse() exits on --help and on a bad value, as a server should; those cases run
 * in a child process whose stdout, stderr and exit status the test reads. */
#include "testutil.h"

#include <sys/wait.h>
#include <unistd.h>

#include "options.h"

#define PROGRAM "chat-test"

struct outcome {
    int status;                 /* exit status; -1 if options_parse returned */
    char out[8192], err[2048];
};

static void read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
}

/* Parse argv (NULL-terminated, after the program name) in a child process. */
static void parse_in_child(struct outcome *r, const char **args)
{
    char *argv[32] = { PROGRAM };
    int argc = 1;
    while (argc < 31 && args[argc - 1])
        argv[argc] = (char *)args[argc - 1], argc++;
    argv[argc] = NULL;

    int out[2], err[2];
    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        struct server_options o;
        options_parse(&o, argc, argv, PROGRAM, "design line");
        _exit(255);             /* returned: a valid command line */
    }
    close(out[1]);
    close(err[1]);
    /* --help is a few KiB at most, under a pipe's buffer: reading one after the other
     * cannot deadlock. */
    read_all(out[0], r->out, sizeof r->out);
    read_all(err[0], r->err, sizeof r->err);
    close(out[0]);
    close(err[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    r->status = WEXITSTATUS(status) == 255 ? -1 : WEXITSTATUS(status);
}

#define PARSE_IN_CHILD(r, ...) parse_in_child((r), (const char *[]){ __VA_ARGS__, NULL })

static struct server_options parse_here(const char **args)
{
    char *argv[32] = { PROGRAM };
    int argc = 1;
    while (argc < 31 && args[argc - 1])
        argv[argc] = (char *)args[argc - 1], argc++;
    struct server_options o;
    options_parse(&o, argc, argv, PROGRAM, "design line");
    return o;
}

#define PARSE(...) parse_here((const char *[]){ __VA_ARGS__, NULL })

static void test_poller_defaults_to_select(void **state)
{
    (void)state;
    struct server_options o = PARSE("--port", "0");
    assert_ptr_equal(o.poller, &poller_select_backend);
}

static void test_poller_by_name(void **state)
{
    (void)state;
    /* Parsing again in one process works (the tests rely on it, servers parse once). */
    assert_ptr_equal(PARSE("--poller", "poll").poller, &poller_poll_backend);
    assert_ptr_equal(PARSE("--poller", "epoll", "--port", "0").poller, &poller_epoll_backend);
    assert_ptr_equal(PARSE("--poller", "select").poller, &poller_select_backend);
    assert_ptr_equal(PARSE("--poller=epoll").poller, &poller_epoll_backend);
}

static void test_bad_poller_exits_2(void **state)
{
    (void)state;
    struct outcome r;
    PARSE_IN_CHILD(&r, "--poller", "x");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err,
        PROGRAM ": invalid value for --poller: 'x' (expected select|poll|epoll)\n"
        "Try '" PROGRAM " --help' for more information.\n");
    PARSE_IN_CHILD(&r, "--poller", "EPOLL");   /* names are exact */
    assert_int_equal(r.status, 2);
    PARSE_IN_CHILD(&r, "--poller", "");
    assert_int_equal(r.status, 2);
    PARSE_IN_CHILD(&r, "--poller");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'--poller' needs a value"));
}

static void test_help_lists_every_poller_and_its_cost(void **state)
{
    (void)state;
    struct outcome r;
    PARSE_IN_CHILD(&r, "--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--poller NAME"));
    assert_non_null(strstr(r.out, "chat-threaded accepts and ignores it"));
    for (size_t i = 0; poller_backend_at(i); i++) {
        char line[160];
        snprintf(line, sizeof line, " %-7s %s\n", poller_backend_at(i)->name,
                 poller_backend_at(i)->cost);
        assert_non_null(strstr(r.out, line));
    }
    /* Still the rest of it, after the list. */
    assert_non_null(strstr(r.out, "--quiet"));
    assert_non_null(strstr(r.out, "Exit status"));
    assert_string_equal(r.err, "");
}

static void test_max_clients_bounds(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--max-clients", "10000").max_clients, 10000);
    assert_int_equal(PARSE("--max-clients", "1048576").max_clients, 1048576);
    struct outcome r;
    PARSE_IN_CHILD(&r, "--max-clients", "1048577");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "invalid value for --max-clients: '1048577' "
                                  "(expected 1..1048576)"));
    PARSE_IN_CHILD(&r, "--max-clients", "0");
    assert_int_equal(r.status, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poller_defaults_to_select),
        cmocka_unit_test(test_poller_by_name),
        cmocka_unit_test(test_bad_poller_exits_2),
        cmocka_unit_test(test_help_lists_every_poller_and_its_cost),
        cmocka_unit_test(test_max_clients_bounds),
    };
    return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
