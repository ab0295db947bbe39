/* chat-calibrate - measure the floor a chat server stands on, on this machine, so benchmark
 * results can be read as multiples of it:
 *
 *   send_cpu_ns             CPU time of one small send() on loopback TCP (TCP_NODELAY, so
 *                           every send is one segment). On loopback the receive-side
 *                           protocol work runs in the sender's context too, as it does when
 *                           a server sends to a local client.
 *   rtt_p50_us, rtt_p99_us  loopback round trip of a small message between two threads.
 *   rcvtimeo_wakeup_cpu_ns  CPU time of one recv() that times out (SO_RCVTIMEO): what an idle
 *                           client thread of chat-threaded costs per timeout.
 *   effective_timeout_ms    how long a recv() with SO_RCVTIMEO = T ms really waits, per T
 *                           (the kernel rounds the timeout up to its clock tick).
 *   cond_wake_cpu_ns        CPU time of waking a thread blocked on a condition variable,
 *                           both threads on one CPU: what chat-hybrid pays per client thread
 *                           it wakes.
 *
 * Output: one JSON object on stdout. Every measurement is bounded in count and time. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SMALL_MESSAGE 64
#define SEND_BURSTS 60
#define SENDS_PER_BURST 200
#define RTT_ROUNDS 5000
#define WAKEUP_ROUNDS 300         /* of 1 ms timeouts, for the CPU per wake-up */
#define COND_ROUNDS 20000
#define MAX_TIMEOUTS 16

struct config {
    int server_cpu;   /* -1 = no pinning; where the "server" side of each measurement runs */
    int peer_cpu;     /* where its peer (the receiving client) runs */
    int timeouts_ms[MAX_TIMEOUTS];
    int timeout_count;
};

static void die(const char *what)
{
    fprintf(stderr, "chat-calibrate: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin_self(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc != 0) {
        errno = rc;
        die("cannot pin a thread");
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n values, sorting them in place. */
static double quantile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, compare_doubles);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* A connected pair of loopback TCP sockets with Nagle off. */
static void tcp_pair(int fds[2])
{
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 ||
        listen(listener, 1) < 0 || getsockname(listener, (struct sockaddr *)&addr, &len) < 0)
        die("loopback listener");
    fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&addr, sizeof addr) < 0)
        die("loopback connect");
    fds[1] = accept(listener, NULL, NULL);
    if (fds[1] < 0)
        die("loopback accept");
    close(listener);
    int one = 1;
    setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("write");
        p += w;
        n -= (size_t)w;
    }
}

static void read_exactly(int fd, char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            die("read");
        p += r;
        n -= (size_t)r;
    }
}

/* ---- the CPU cost of one small send() ------------------------------------------------ */

struct drain {
    int fd;
    int cpu;
    uint64_t bytes;            /* read so far; the sender waits for it between bursts */
    pthread_mutex_t lock;
    pthread_cond_t moved;
};

static void *drain_main(void *arg)
{
    struct drain *d = arg;
    pin_self(d->cpu);
    char buf[65536];
    for (;;) {
        ssize_t n = read(d->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        pthread_mutex_lock(&d->lock);
        d->bytes += (uint64_t)n;
        pthread_cond_signal(&d->moved);
        pthread_mutex_unlock(&d->lock);
    }
}

/* Time bursts of sends on the sender thread's own CPU clock; between bursts, wait until the
 * receiver has read everything, so no send ever blocks on a full buffer. The median burst is
 * reported, so a burst that an unrelated interrupt hit does not count. */
static double measure_send_cpu(const struct config *cfg)
{
    int fds[2];
    tcp_pair(fds);
    struct drain d = {.fd = fds[1], .cpu = cfg->peer_cpu};
    pthread_mutex_init(&d.lock, NULL);
    pthread_cond_init(&d.moved, NULL);
    pthread_t reader;
    if (pthread_create(&reader, NULL, drain_main, &d) != 0)
        die("thread");
    pin_self(cfg->server_cpu);

    char msg[SMALL_MESSAGE];
    memset(msg, 'x', sizeof msg);
    msg[sizeof msg - 1] = '\n';
    double per_send[SEND_BURSTS];
    uint64_t sent = 0;
    for (int b = 0; b < SEND_BURSTS; b++) {
        uint64_t t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        for (int i = 0; i < SENDS_PER_BURST; i++)
            write_all(fds[0], msg, sizeof msg);
        uint64_t t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        per_send[b] = (double)(t1 - t0) / SENDS_PER_BURST;
        sent += SENDS_PER_BURST * sizeof msg;
        pthread_mutex_lock(&d.lock);
        while (d.bytes < sent)
            pthread_cond_wait(&d.moved, &d.lock);
        pthread_mutex_unlock(&d.lock);
    }
    close(fds[0]);
    pthread_join(reader, NULL);
    close(fds[1]);
    return quantile(per_send, SEND_BURSTS, 0.5);
}

/* ---- loopback round trip ------------------------------------------------------------- */

struct echo {
    int fd;
    int cpu;
};

static void *echo_main(void *arg)
{
    struct echo *e = arg;
    pin_self(e->cpu);
    char buf[SMALL_MESSAGE];
    for (int i = 0; i < RTT_ROUNDS; i++) {
        read_exactly(e->fd, buf, sizeof buf);
        write_all(e->fd, buf, sizeof buf);
    }
    return NULL;
}

static void measure_rtt(const struct config *cfg, double *p50_us, double *p99_us)
{
    int fds[2];
    tcp_pair(fds);
    struct echo e = {.fd = fds[1], .cpu = cfg->peer_cpu};
    pthread_t peer;
    if (pthread_create(&peer, NULL, echo_main, &e) != 0)
        die("thread");
    pin_self(cfg->server_cpu);
    static double rtt[RTT_ROUNDS];
    char buf[SMALL_MESSAGE];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < RTT_ROUNDS; i++) {
        uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
        write_all(fds[0], buf, sizeof buf);
        read_exactly(fds[0], buf, sizeof buf);
        rtt[i] = (double)(clock_ns(CLOCK_MONOTONIC) - t0) / 1000.0;
    }
    pthread_join(peer, NULL);
    close(fds[0]);
    close(fds[1]);
    *p50_us = quantile(rtt, RTT_ROUNDS, 0.5);
    *p99_us = quantile(rtt, RTT_ROUNDS, 0.99);
}

/* ---- recv() timeouts ------------------------------------------------------------------ */

/* Wait `rounds` times in recv() on a silent socket with SO_RCVTIMEO = ms; return the wall
 * time per wait (ms) and the CPU time per wait (ns). */
static void time_rcvtimeo(int ms, int rounds, double *wall_ms, double *cpu_ns)
{
    int fds[2];
    tcp_pair(fds);
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    if (setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
        die("SO_RCVTIMEO");
    char c;
    uint64_t w0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < rounds; i++)
        if (recv(fds[0], &c, 1, 0) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            die("recv on a silent socket did not time out");
    uint64_t w1 = clock_ns(CLOCK_MONOTONIC), c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    close(fds[0]);
    close(fds[1]);
    *wall_ms = (double)(w1 - w0) / 1e6 / rounds;
    *cpu_ns = (double)(c1 - c0) / rounds;
}

/* ---- condition-variable wake-ups ----------------------------------------------------- */

struct pingpong {
    pthread_mutex_t lock;
    pthread_cond_t turn_changed;
    int turn;      /* 0 or 1: whose move it is */
    int cpu;
};

static void play(struct pingpong *p, int me)
{
    for (int i = 0; i < COND_ROUNDS; i++) {
        pthread_mutex_lock(&p->lock);
        while (p->turn != me)
            pthread_cond_wait(&p->turn_changed, &p->lock);
        p->turn = 1 - me;
        pthread_cond_signal(&p->turn_changed);
        pthread_mutex_unlock(&p->lock);
    }
}

static void *player_main(void *arg)
{
    struct pingpong *p = arg;
    pin_self(p->cpu);
    play(p, 1);
    return NULL;
}

/* Two threads on the server's CPU hand a turn back and forth; every hand-over is one wake-up
 * of a sleeping thread. The whole process's CPU over all hand-overs gives the cost of one. */
static void measure_cond_wake(const struct config *cfg, double *cpu_ns, double *latency_us)
{
    struct pingpong p = {.turn = 0, .cpu = cfg->server_cpu};
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.turn_changed, NULL);
    pin_self(cfg->server_cpu);
    uint64_t c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_ns(CLOCK_MONOTONIC);
    pthread_t other;
    if (pthread_create(&other, NULL, player_main, &p) != 0)
        die("thread");
    play(&p, 0);
    pthread_join(other, NULL);
    uint64_t c1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), w1 = clock_ns(CLOCK_MONOTONIC);
    *cpu_ns = (double)(c1 - c0) / (2.0 * COND_ROUNDS);
    *latency_us = (double)(w1 - w0) / 1000.0 / (2.0 * COND_ROUNDS);
}

/* ---- command line -------------------------------------------------------------------- */

static const char usage_text[] =
    "usage: chat-calibrate [--cpus S,P] [--timeouts-ms T1,T2,...]\n"
    "Measures the machine's floor for the chat benchmark and prints one JSON object:\n"
    "CPU per small send() on loopback, loopback round trip, CPU per SO_RCVTIMEO wake-up and\n"
    "the real length of each timeout, CPU per condition-variable wake-up.\n"
    "  --cpus S,P          run the server-like side on CPU S and its peer on CPU P\n"
    "                      (default: no pinning)\n"
    "  --timeouts-ms LIST  SO_RCVTIMEO values to time, 1..1000 ms, at most 16 (default 1,10,50)\n"
    "  --help              print this and exit\n";

static bool parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_list(char *text, int min, int max, int *values, int cap, int *count)
{
    *count = 0;
    for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (*count == cap || !parse_int(tok, min, max, &values[*count]))
            return false;
        (*count)++;
    }
    return *count > 0;
}

static int bad_usage(const char *what)
{
    fprintf(stderr, "chat-calibrate: %s\n%s", what, usage_text);
    return 2;
}

int main(int argc, char **argv)
{
    struct config cfg = {.server_cpu = -1, .peer_cpu = -1,
                         .timeouts_ms = {1, 10, 50}, .timeout_count = 3};
    long cpus = sysconf(_SC_NPROCESSORS_CONF);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (i + 1 >= argc)
            return bad_usage("unknown option or missing value");
        char *value = argv[++i];
        if (strcmp(argv[i - 1], "--cpus") == 0) {
            int pair[2], n;
            if (!parse_list(value, 0, (int)cpus - 1, pair, 2, &n) || n != 2)
                return bad_usage("--cpus wants two CPU numbers, e.g. 0,1");
            cfg.server_cpu = pair[0];
            cfg.peer_cpu = pair[1];
        } else if (strcmp(argv[i - 1], "--timeouts-ms") == 0) {
            if (!parse_list(value, 1, 1000, cfg.timeouts_ms, MAX_TIMEOUTS, &cfg.timeout_count))
                return bad_usage("--timeouts-ms wants up to 16 values of 1..1000");
        } else {
            return bad_usage("unknown option");
        }
    }

    double send_ns = measure_send_cpu(&cfg);
    double rtt50, rtt99;
    measure_rtt(&cfg, &rtt50, &rtt99);
    double cond_cpu, cond_latency;
    measure_cond_wake(&cfg, &cond_cpu, &cond_latency);
    double wake_wall, wake_cpu;
    pin_self(cfg.server_cpu);
    time_rcvtimeo(1, WAKEUP_ROUNDS, &wake_wall, &wake_cpu);

    printf("{\"send_size\": %d, \"send_cpu_ns\": %.1f, \"rtt_p50_us\": %.2f, "
           "\"rtt_p99_us\": %.2f, \"rcvtimeo_wakeup_cpu_ns\": %.1f, "
           "\"cond_wake_cpu_ns\": %.1f, \"cond_wake_latency_us\": %.2f, "
           "\"server_cpu\": %d, \"peer_cpu\": %d, \"effective_timeout_ms\": {",
           SMALL_MESSAGE, send_ns, rtt50, rtt99, wake_cpu, cond_cpu, cond_latency,
           cfg.server_cpu, cfg.peer_cpu);
    for (int i = 0; i < cfg.timeout_count; i++) {
        int ms = cfg.timeouts_ms[i];
        /* About half a second per value, at least 3 waits. */
        int rounds = 500 / ms;
        rounds = rounds < 3 ? 3 : rounds > 50 ? 50 : rounds;
        double wall, cpu;
        time_rcvtimeo(ms, rounds, &wall, &cpu);
        printf("%s\"%d\": %.3f", i ? ", " : "", ms, wall);
    }
    printf("}}\n");
    return 0;
}
