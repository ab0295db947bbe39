/* server.c - see server.h. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "send_stats.h"

#if defined(__SANITIZE_THREAD__)
#define UNDER_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_THREAD_SANITIZER 1
#endif
#endif

static int stop_pipe[2] = { -1, -1 };
static const char *stats_program = "chat";     /* names the send stats line */

/* Only async-signal-safe work here: one write(). The byte stays in the pipe, so every
 * select()/poll() on the read end keeps seeing it. */
static void on_stop_signal(int signo)
{
    (void)signo;
    int saved = errno;
    ssize_t unused = write(stop_pipe[1], "x", 1);
    (void)unused;
    errno = saved;
}

/* SIGUSR1: report the send counters now (PROTOCOL.md), also with --quiet, since someone
 * asked. Formatting and one write() are async-signal-safe; the loops go on as before (their
 * select()/poll() already retry after EINTR, and every other thread blocks all signals). */
static void on_stats_signal(int signo)
{
    (void)signo;
    send_stats_write(STDERR_FILENO, stats_program);
}

/* At exit the same line is a log line: not with --quiet. */
static void report_stats_at_exit(void)
{
    send_stats_write(STDERR_FILENO, stats_program);
}

#ifdef UNDER_THREAD_SANITIZER
/* ThreadSanitizer runs a signal handler late, at the next libc call it intercepts in the
 * thread that took the signal, and a select() loop may not make one for a long time. In a
 * ThreadSanitizer build, SIGINT/SIGTERM are therefore blocked in every thread and one thread
 * waits for them with sigwait() and writes the stop byte itself: the same pipe, the same
 * byte, no handler. (Normal builds use the handler below: one thread stays one thread.) */
static void *wait_for_stop_signal(void *arg)
{
    sigset_t *stop_signals = arg;
    for (;;) {
        int signo;
        if (sigwait(stop_signals, &signo) != 0)
            continue;
        if (signo == SIGUSR1)
            on_stats_signal(signo);     /* SIGUSR1 is taken here too, for the same reason */
        else
            on_stop_signal(signo);
    }
    return NULL;                        /* never reached: the process ends around it */
}

static void wait_for_stop_signals_in_a_thread(const char *program)
{
    static sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);    /* inherited by every later thread */
    pthread_t waiter;
    if (pthread_create(&waiter, NULL, wait_for_stop_signal, &stop_signals) != 0) {
        fprintf(stderr, "%s: cannot start the signal thread\n", program);
        exit(1);
    }
    pthread_detach(waiter);
}
#endif

static void catch_stop_signals(const char *program)
{
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        fprintf(stderr, "%s: cannot create a pipe: %s\n", program, strerror(errno));
        exit(1);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_stats_signal;
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {     /* else SIGUSR1 would end the process */
        fprintf(stderr, "%s: cannot catch SIGUSR1: %s\n", program, strerror(errno));
        exit(1);
    }

    /* A peer that vanishes while we write must cost an error code, not the process. */
    signal(SIGPIPE, SIG_IGN);
#ifdef UNDER_THREAD_SANITIZER
    wait_for_stop_signals_in_a_thread(program);
#endif
}

void server_start(struct server_start *s, int argc, char **argv,
                  const char *program, const char *design)
{
    options_parse(&s->options, argc, argv, program, design);
    log_init(program, s->options.quiet);
    stats_program = program;
    catch_stop_signals(program);
    s->stop_fd = stop_pipe[0];

    char err[256];
    int port;
    s->listen_fd = net_listen(s->options.bind, s->options.port, &port, err, sizeof err);
    if (s->listen_fd < 0) {
        fprintf(stderr, "%s: %s\n", program, err);
        exit(1);
    }
    if (!s->options.quiet && atexit(report_stats_at_exit) != 0)
        log_line("cannot report send stats at exit");
    printf("listening on %s:%d\n", s->options.bind, port);
    fflush(stdout);
}
