/* chat-pollcost - what one turn of an event loop costs each poller, against the number of
 * fds it watches.
 *
 * It opens N eventfds (one descriptor each, so 10,000 of them fit where 10,000 socketpairs
 * would need 20,000), watches all N for reading through common/poller.h exactly as
 * chat-async does, and keeps one of them (the highest) readable. One turn is what the
 * server's loop does once per wake-up: poller_wait() (timeout 0, so the turn never sleeps)
 * and walking the ready list with poller_ready(). With one fd ready among N, whatever grows
 * with N is the price of the idle ones: select() copies and scans bit sets up to the
 * highest fd, poll() has the kernel visit every struct pollfd (and the backend scan them
 * again), epoll_wait() hands back only the ready one.
 *
 * Turns are timed in batches lasting about 50 us each (a clock read costs tens of ns), and
 * the median batch gives the cost per turn; the fastest batch is reported too. Output: CSV
 * on stdout, one row per (poller, N):
 *
 *   poller,fds,turn_ns,turn_min_ns,batches,turns_per_batch,turn_per_send
 *
 * turn_per_send is turn_ns / --send-ns (the calibrated CPU of one send(), from
 * chat-calibrate), empty without it. A poller that cannot watch N fds (select: FD_SETSIZE)
 * or an N beyond the open-file limit is left out, with a line on stderr saying why. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "fdlimit.h"
#include "poller.h"
#include "pollcost_plan.h"

#define DEFAULT_COUNTS "10,30,100,300,1000,3000,10000"
#define DEFAULT_BATCHES 301
#define BATCH_TARGET_NS 50000.0
#define MAX_BATCH 4096

static void die(const char *what)
{
    fprintf(stderr, "chat-pollcost: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        die("clock_gettime");
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One turn; returns the fd found ready (there must be exactly one). */
static int turn(struct poller *p)
{
    int ready = poller_wait(p, 0);
    if (ready < 0)
        die("poller_wait");
    int found = -1;
    for (int i = 0; i < ready; i++) {
        struct poller_event e = poller_ready(p, i);
        if (e.events & POLLER_READ)
            found = e.fd;
    }
    if (ready != 1) {
        fprintf(stderr, "chat-pollcost: %d fds ready, expected 1\n", ready);
        exit(1);
    }
    return found;
}

static double time_batch(struct poller *p, int turns, int expect_fd)
{
    uint64_t t0 = now_ns();
    for (int i = 0; i < turns; i++)
        if (turn(p) != expect_fd) {
            fprintf(stderr, "chat-pollcost: the wrong fd came back ready\n");
            exit(1);
        }
    return (double)(now_ns() - t0) / turns;
}

static const char usage_text[] =
    "usage: chat-pollcost [--fds N1,N2,...] [--pollers select,poll,epoll] [--batches K]\n"
    "                     [--send-ns NS] [--cpu C]\n"
    "\n"
    "  --fds LIST      watched fd counts, rising (default " DEFAULT_COUNTS ")\n"
    "  --pollers LIST  backends to measure (default: all)\n"
    "  --batches K     timed batches per point, ~50 us each; the median is reported\n"
    "                  (default 301)\n"
    "  --send-ns NS    the calibrated CPU of one send() (chat-calibrate's send_cpu_ns):\n"
    "                  adds turn_per_send = turn_ns / NS\n"
    "  --cpu C         pin to CPU C\n"
    "\n"
    "Prints CSV: poller,fds,turn_ns,turn_min_ns,batches,turns_per_batch,turn_per_send\n";

static int bad_usage(const char *what)
{
    fprintf(stderr, "chat-pollcost: %s\n%s", what, usage_text);
    return 2;
}

int main(int argc, char **argv)
{
    int counts[POLLCOST_MAX_COUNTS];
    int count_n = pollcost_parse_counts(DEFAULT_COUNTS, counts, POLLCOST_MAX_COUNTS);
    const char *pollers = NULL;
    int batches = DEFAULT_BATCHES, cpu = -1;
    double send_ns = 0;
    static const struct option longopts[] = {
        { "fds", required_argument, NULL, 'f' },
        { "pollers", required_argument, NULL, 'p' },
        { "batches", required_argument, NULL, 'b' },
        { "send-ns", required_argument, NULL, 's' },
        { "cpu", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (opt) {
        case 'f':
            count_n = pollcost_parse_counts(optarg, counts, POLLCOST_MAX_COUNTS);
            if (count_n < 0)
                return bad_usage("--fds wants rising counts 1..1000000, e.g. 10,100,1000");
            break;
        case 'p': pollers = optarg; break;
        case 'b':
            batches = (int)strtol(optarg, &end, 10);
            if (*end || batches < 1 || batches > 100000)
                return bad_usage("--batches wants 1..100000");
            break;
        case 's':
            send_ns = strtod(optarg, &end);
            if (*end || !(send_ns > 0))
                return bad_usage("--send-ns wants a positive number");
            break;
        case 'c':
            cpu = (int)strtol(optarg, &end, 10);
            if (*end || cpu < 0 || cpu >= CPU_SETSIZE)
                return bad_usage("--cpu wants a CPU number");
            break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return bad_usage("bad command line");
        }
    }
    if (optind != argc)
        return bad_usage("unexpected argument");
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0)
            die("cannot pin to the CPU");
    }

    long limit = fdlimit_raise();
    if (limit < 0)
        die("cannot read the open-file limit");
    /* Open as many eventfds as the largest count that fits, stopping at the limit. */
    int most = counts[count_n - 1];
    int *fds = malloc(sizeof *fds * (size_t)most);
    if (!fds)
        die("out of memory");
    int opened = 0;
    while (opened < most) {
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                break;
            die("eventfd");
        }
        fds[opened++] = fd;
    }
    int first_fd = opened ? fds[0] : 0;

    printf("poller,fds,turn_ns,turn_min_ns,batches,turns_per_batch,turn_per_send\n");
    double *samples = malloc(sizeof *samples * (size_t)batches);
    if (!samples)
        die("out of memory");
    for (size_t b = 0; poller_backend_at(b); b++) {
        const struct poller_backend *backend = poller_backend_at(b);
        if (pollers) {
            /* a whole word of the comma-separated list */
            size_t len = strlen(backend->name);
            const char *hit = pollers;
            int wanted = 0;
            while ((hit = strstr(hit, backend->name)) != NULL) {
                if ((hit == pollers || hit[-1] == ',') && (hit[len] == '\0' || hit[len] == ','))
                    wanted = 1;
                hit += len;
            }
            if (!wanted)
                continue;
        }
        for (int k = 0; k < count_n; k++) {
            int n = counts[k];
            if (n > opened || !pollcost_fits(n, first_fd, backend->fd_limit, limit)) {
                fprintf(stderr, "chat-pollcost: %s: %d fds (%d..%d) do not fit: %s\n",
                        backend->name, n, first_fd, first_fd + n - 1,
                        backend->fd_limit > 0 && first_fd + n - 1 >= backend->fd_limit
                            ? "at or above the backend's fd limit (FD_SETSIZE)"
                            : "beyond the open-file limit");
                continue;
            }
            /* fds[] rise (each eventfd takes the lowest free number), so the highest
             * watched fd is fds[n - 1]. */
            struct poller *p = poller_open(backend, fds[n - 1] + 1);
            if (!p)
                die("poller_open");
            for (int i = 0; i < n; i++)
                if (poller_watch(p, fds[i], POLLER_READ) < 0)
                    die("poller_watch");
            int hot = fds[n - 1];
            uint64_t one = 1;
            if (write(hot, &one, sizeof one) != (ssize_t)sizeof one)
                die("write to the eventfd");
            for (int i = 0; i < 100; i++)           /* warm caches and the backend's state */
                (void)turn(p);
            int per_batch = pollcost_batch(time_batch(p, 10, hot), BATCH_TARGET_NS, MAX_BATCH);
            for (int i = 0; i < batches; i++)
                samples[i] = time_batch(p, per_batch, hot);
            double lowest = samples[0];
            for (int i = 1; i < batches; i++)
                if (samples[i] < lowest)
                    lowest = samples[i];
            double median = pollcost_median(samples, (size_t)batches);
            printf("%s,%d,%.1f,%.1f,%d,%d,", backend->name, n, median, lowest, batches,
                   per_batch);
            if (send_ns > 0)
                printf("%.4f", median / send_ns);
            printf("\n");
            if (fflush(stdout) != 0)
                die("stdout");
            uint64_t drained;
            if (read(hot, &drained, sizeof drained) != (ssize_t)sizeof drained)
                die("read from the eventfd");
            poller_close(p);
        }
    }
    free(samples);
    for (int i = 0; i < opened; i++)
        if (close(fds[i]) < 0)
            die("close");
    free(fds);
    return 0;
}
