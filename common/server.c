/* server.c - see server.h. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "fdlimit.h"
#include "log.h"
#include "net.h"
#include "session.h"
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
    /* It can only fail with EAGAIN, when the pipe is full of earlier stop bytes: enough. */
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
    /* Blocked here, so inherited by every later thread. */
    int err = pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    pthread_t waiter;
    if (err == 0)
        err = pthread_create(&waiter, NULL, wait_for_stop_signal, &stop_signals);
    if (err == 0)
        err = pthread_detach(waiter);
    if (err != 0) {
        fprintf(stderr, "%s: cannot start the signal thread: %s\n", program, strerror(err));
        exit(1);
    }
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
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_stats_signal;
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {     /* else SIGUSR1 would end the process */
        fprintf(stderr, "%s: cannot catch SIGUSR1: %s\n", program, strerror(errno));
        exit(1);
    }
    sa.sa_handler = on_stop_signal;
    /* A peer that vanishes while we write must cost an error code, not the process. */
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
        sigaction(SIGPIPE, &ignore, NULL) < 0) {
        fprintf(stderr, "%s: cannot set up signal handling: %s\n", program, strerror(errno));
        exit(1);
    }
#ifdef UNDER_THREAD_SANITIZER
    wait_for_stop_signals_in_a_thread(program);
#endif
}

/* Descriptors beyond one per client: listening socket, pipes, spare, logs, refusals. */
#define SPARE_FDS 64

/* Every client is one descriptor: ask for as many as the hard limit allows, and say what
 * that is, and whether it is enough. */
static void raise_fd_limit(size_t max_clients)
{
    long limit = fdlimit_raise();
    if (limit < 0) {
        log_line("warning: cannot raise the open-file limit: %s", strerror(errno));
        limit = fdlimit_current();
    }
    if (limit < 0)
        return;
    log_line("open-file limit: %ld descriptors", limit);
    if ((unsigned long)limit < max_clients + SPARE_FDS)
        log_line("warning: only %ld file descriptors allowed for --max-clients %zu: "
                 "clients beyond them are refused", limit, max_clients);
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
    if (net_set_nonblocking(s->listen_fd) < 0) {
        fprintf(stderr, "%s: cannot make the listening socket non-blocking: %s\n", program,
                strerror(errno));
        exit(1);
    }
    s->spare_fd = net_spare_fd_open();
    if (s->spare_fd < 0)
        log_line("warning: no spare descriptor (%s): when out of descriptors, waiting "
                 "connections cannot be told the server is full", strerror(errno));
    raise_fd_limit(s->options.max_clients);
    if (!s->options.quiet && atexit(report_stats_at_exit) != 0)
        log_line("cannot report send stats at exit");
    printf("listening on %s:%d\n", s->options.bind, port);
    fflush(stdout);
}

static int lowest_free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    close(fd);
    return fd;
}

int server_fd_capacity(size_t max_clients)
{
    long limit = fdlimit_current();
    int lowest = lowest_free_fd();
    if (limit < 0 || lowest < 0)
        return FD_SETSIZE;          /* cannot tell: the most select() could watch anyway */
    long want = lowest + (long)max_clients + SPARE_FDS;
    return (int)(want < limit ? want : limit);
}

size_t server_clients_that_fit(size_t wanted, const struct poller *p)
{
    int lowest = lowest_free_fd();
    if (lowest < 0)
        return wanted;          /* out of fds already: accept() will say so, and refuse */
    int room = poller_capacity(p) - lowest;
    size_t fit = room > 0 ? (size_t)room : 0;
    return wanted < fit ? wanted : fit;
}

void server_watch(struct poller *p, int fd, unsigned events)
{
    if (poller_watch(p, fd, events) < 0) {
        log_line("cannot watch fd %d: %s", fd, strerror(errno));
        exit(1);
    }
}

void server_accept_clients(struct server_start *s, size_t capacity, server_admit_fn *admit,
                           void *ctx)
{
    for (int i = 0; i < SERVER_ACCEPTS_PER_TURN; i++) {
        char peer[NET_PEER_SIZE];
        int fd = net_accept_or_refuse(s->listen_fd, &s->spare_fd, capacity, peer, sizeof peer);
        if (fd >= 0) {
            if (!admit(ctx, fd, peer))
                return;
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE)
            continue;           /* retry; or refused for want of descriptors: the next one */
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            log_line("accept failed: %s", strerror(errno));
        return;
    }
}

void server_refuse(int fd, const char *peer, size_t capacity, const char *why)
{
    log_line("refused %s: %s", peer, why);
    net_refuse(fd, capacity);
}

void server_log_joined(const char *nick, const char *peer, int fd)
{
    log_line("%s connected from %s (fd %d)", nick, peer, fd);
}

void server_log_left(const struct member *m, const char *peer)
{
    log_line("%s disconnected (%s)", m->nick[0] ? m->nick : peer, session_leave_reason(m));
}
