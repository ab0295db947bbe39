/* run.c - see run.h.
 *
 * The schedule is open-loop: message k is due at t0 + k/rate whatever happened before, and
 * carries that due time. If the server (or this program) falls behind, messages leave late
 * and their latency counts from when they were due, so a stall is measured instead of
 * silently lowering the offered load (the "coordinated omission" of closed-loop testers). */
#include "run.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "procstat.h"
#include "wire.h"

#define MAX_CONNECTING 64                 /* connects in flight, under any listen() backlog */
/* Events per epoll_wait() and reads per event: a flood on one socket cannot hold up the
 * others, and the schedule is looked at after every event (handle_event). */
#define MAX_EVENTS 64
#define SCRATCH_BYTES (64 * 1024)         /* one read() */
#define READS_PER_EVENT 4                 /* then other sockets get their turn */
#define SENDQ_LIMIT ((size_t)16 << 20)    /* per connection, queued when the server is slow */
#define SAMPLE_EVERY_NS 250000000ull      /* server threads and fds during the window */
#define SETUP_POLL_NS 100000000ull
#define NS_PER_S 1e9
#define MAX_TRACKED_PAIRS (8ull << 30)    /* (message, recipient) bits: 1 GiB of bitmap */
#define MAX_ORDER_TABLE (4ull << 30)      /* bytes: the tracker's clients^2 x 4 order check */

struct run {
    const struct options *o;
    struct run_result *res;
    int epfd;
    unsigned n;
    struct conn *conns;
    unsigned next_to_start;   /* connections started so far */
    unsigned in_progress;     /* started but not yet named */
    unsigned ready;
    bool failed;              /* a fatal setup problem; a message went to stderr */
    char *scratch;
    uint32_t *unread;         /* connections whose input is not all read yet (edge-triggered) */
    bool *is_unread;
    unsigned unread_count;
    uint64_t read_ns;         /* when the current read() began: the receive time of its lines */
    /* the schedule */
    double ns_per_message;
    uint64_t t0;
    uint64_t first_measured;  /* messages first_measured .. end-1 are in the window */
    uint64_t end;
    uint64_t next_k;          /* the next message to send */
    bool loading;             /* the schedule is running */
    struct proc_probe server;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t due_time(const struct run *r, uint64_t k)
{
    return r->t0 + (uint64_t)((double)k * r->ns_per_message);
}

/* ---- lines and connection events ---------------------------------------------------- */

static void on_line(void *ctx, struct conn *c, const char *line, size_t len)
{
    struct run *r = ctx;
    struct load_fields f;
    enum line_kind kind = wire_classify(line, len, &f);

    if (c->in_history) {   /* old room lines, verbatim: not deliveries of this run */
        if (kind == LINE_HISTORY_END)
            c->in_history = false;
        return;
    }
    switch (kind) {
    case LINE_LOAD:
        if (c->state == CONN_READY)
            tracker_record(r->res->tracker, c->index, &f, r->read_ns);
        break;
    case LINE_HISTORY_START:
        c->in_history = true;
        break;
    case LINE_ERROR:
        r->res->error_lines++;
        if (c->state == CONN_NAMING && !r->failed) {
            fprintf(stderr, "chat-loadgen: the server refused client %s: %.*s\n", c->nick,
                    (int)len, line);
            r->failed = true;
        }
        break;
    default:
        if (c->state == CONN_NAMING && wire_is_rename_to(line, len, c->nick)) {
            c->state = CONN_READY;
            r->ready++;
            r->in_progress--;
        }
        break;
    }
}

static void lose_connection(struct run *r, struct conn *c, const char *why)
{
    if (c->state != CONN_READY && !r->failed) {
        fprintf(stderr, "chat-loadgen: client %s: %s before it was named\n", c->nick, why);
        r->failed = true;
    }
    if (c->state == CONN_READY)
        r->res->disconnected++;
    conn_close(c, r->epfd);
}

static void send_due(struct run *r);

/* Read a burst from c. Edge-triggered epoll reports new input once, so a connection that
 * still has input after the burst is remembered and served again before the next wait. */
static void read_from(struct run *r, struct conn *c)
{
    for (int i = 0; i < READS_PER_EVENT; i++) {
        r->read_ns = now_ns();
        long got = conn_read_lines(c, r->scratch, SCRATCH_BYTES, on_line, r);
        if (got == 0) {
            lose_connection(r, c, "the server closed the connection");
            return;
        }
        if (got < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                lose_connection(r, c, strerror(errno));
            return;
        }
        if (!c->unread)
            return;
    }
    if (!r->is_unread[c->index]) {
        r->is_unread[c->index] = true;
        r->unread[r->unread_count++] = c->index;
    }
}

static void read_leftovers(struct run *r)
{
    unsigned count = r->unread_count;
    r->unread_count = 0;
    for (unsigned i = 0; i < count; i++) {
        struct conn *c = &r->conns[r->unread[i]];
        r->is_unread[c->index] = false;
        if (c->state != CONN_CLOSED)
            read_from(r, c);
    }
}

static void handle_event(struct run *r, const struct epoll_event *ev)
{
    struct conn *c = &r->conns[ev->data.u32];
    if (c->state == CONN_CLOSED)
        return;
    if (c->state == CONN_CONNECTING) {
        if (!(ev->events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (!conn_finish_connect(c)) {
            if (!r->failed)   /* one message, not one per connection */
                fprintf(stderr, "chat-loadgen: cannot connect to %s port %s: %s\n",
                        r->o->host, r->o->port, strerror(errno));
            r->failed = true;
            conn_close(c, r->epfd);
            return;
        }
    }
    if ((ev->events & EPOLLOUT) && !conn_writable(c)) {
        lose_connection(r, c, strerror(errno));
        return;
    }
    if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        read_from(r, c);
    /* A big batch of input must not make the next send late: look at the schedule after
     * every event, not only after the batch (r->read_ns is fresh enough to compare). */
    if (r->loading && r->next_k < r->end && due_time(r, r->next_k) <= r->read_ns)
        send_due(r);
}

/* Handle events until `until_ns` at the latest (returns after one batch). */
static void wait_events(struct run *r, uint64_t until_ns)
{
    struct epoll_event events[MAX_EVENTS];
    read_leftovers(r);
    uint64_t now = now_ns();
    uint64_t wait = until_ns > now && r->unread_count == 0 ? until_ns - now : 0;
    struct timespec timeout = {.tv_sec = (time_t)(wait / 1000000000ull),
                               .tv_nsec = (long)(wait % 1000000000ull)};
    /* epoll_pwait2 takes nanoseconds: a millisecond timeout would make sends up to 1 ms late. */
    int n = epoll_pwait2(r->epfd, events, MAX_EVENTS, &timeout, NULL);
    if (n < 0 && errno == ENOSYS)
        n = epoll_wait(r->epfd, events, MAX_EVENTS, (int)((wait + 999999) / 1000000));
    for (int i = 0; i < n; i++)
        handle_event(r, &events[i]);
}

/* ---- setup: connect and name every client --------------------------------------------- */

static bool resolve(const struct options *o, struct sockaddr_storage *addr, socklen_t *len)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int rc = getaddrinfo(o->host, o->port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "chat-loadgen: cannot resolve %s: %s\n", o->host, gai_strerror(rc));
        return false;
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static bool start_next(struct run *r, const struct sockaddr *addr, socklen_t len)
{
    struct conn *c = &r->conns[r->next_to_start++];
    char line[CHAT_MAX_NICK + 16];
    int n = snprintf(line, sizeof line, "/nick %s\n", c->nick);
    if (!conn_start(c, r->epfd, addr, len) || !conn_send(c, line, (size_t)n)) {
        fprintf(stderr, "chat-loadgen: cannot open connection %u: %s\n", c->index,
                strerror(errno));
        return false;
    }
    r->in_progress++;
    return true;
}

static bool join_all(struct run *r)
{
    struct sockaddr_storage addr;
    socklen_t len;
    if (!resolve(r->o, &addr, &len))
        return false;
    uint64_t start = now_ns();
    uint64_t deadline = start + (uint64_t)(r->o->join_timeout_s * NS_PER_S);
    while (r->ready < r->n && !r->failed) {
        while (r->in_progress < MAX_CONNECTING && r->next_to_start < r->n)
            if (!start_next(r, (struct sockaddr *)&addr, len))
                return false;
        uint64_t now = now_ns();
        if (now >= deadline) {
            fprintf(stderr, "chat-loadgen: only %u of %u clients joined within %g s\n", r->ready,
                    r->n, r->o->join_timeout_s);
            return false;
        }
        wait_events(r, now + SETUP_POLL_NS < deadline ? now + SETUP_POLL_NS : deadline);
    }
    r->res->join_s = (double)(now_ns() - start) / NS_PER_S;
    return !r->failed;
}

/* ---- load and measurement ------------------------------------------------------------- */

static void send_message(struct run *r, uint64_t k, uint64_t now)
{
    struct run_result *res = r->res;
    struct conn *c = &r->conns[k % r->n];
    bool measured = k >= r->first_measured;
    if (measured)
        res->scheduled++;
    if (c->state != CONN_READY)
        return;
    struct load_fields f = {.seq = k, .sender = c->index, .sched_ns = due_time(r, k)};
    char text[WIRE_MAX_HEADER + CHAT_MAX_LINE + 2];
    size_t len = wire_format_load(text, sizeof text, &f, r->o->size);
    if (!conn_send(c, text, len)) {
        if (errno != ENOBUFS)
            lose_connection(r, c, strerror(errno));
        return;   /* ENOBUFS: 16 MiB queued already; the message is not sent */
    }
    if (measured) {
        res->sent++;
        hist_record(&res->send_lag, now - f.sched_ns);
    }
}

/* Send every message whose time has come. */
static void send_due(struct run *r)
{
    uint64_t now = now_ns();
    while (r->next_k < r->end && due_time(r, r->next_k) <= now) {
        send_message(r, r->next_k++, now);
        if (r->next_k % 64 == 0)
            now = now_ns();
    }
}

static void sample_shape(struct run *r)
{
    struct server_usage *s = &r->res->server;
    if (!s->known)
        return;
    long threads = procstat_threads(r->server.pid);
    long fds = procstat_open_fds(r->server.pid);
    if (threads > s->threads_max)
        s->threads_max = threads;
    if (fds > s->fds_max)
        s->fds_max = fds;
}

/* The window's edges for the server's own counters: with --stats-signal, ask the server to
 * print its send stats (PROTOCOL.md) now. First, so the line marks the edge as closely as
 * the CPU reading that follows. */
static void signal_server(struct run *r)
{
    if (!r->o->stats_signal)
        return;
    if (kill(r->server.pid, SIGUSR1) != 0)
        fprintf(stderr, "chat-loadgen: cannot signal the server (--stats-signal): %s\n",
                strerror(errno));
}

static bool all_delivered(const struct run *r)
{
    const struct delivery_stats *d = tracker_stats(r->res->tracker);
    return d->delivered >= r->res->sent * (r->n - 1) && d->echoes >= r->res->sent;
}

static void offer_load(struct run *r)
{
    const struct options *o = r->o;
    struct run_result *res = r->res;
    struct server_usage *s = &res->server;
    enum { BEFORE, INSIDE, AFTER } window = BEFORE;
    double server_cpu0 = 0, self_cpu0 = 0, machine0 = 0;
    /* The server's context switches: a scan spread over each edge of the window. */
    struct ctxsw_scan scan;
    bool scanning = false, scanned = false;
    uint64_t window_start = 0, next_sample = 0;

    r->t0 = now_ns();
    uint64_t t_begin = r->t0 + (uint64_t)(o->warmup_s * NS_PER_S);
    uint64_t t_end = t_begin + (uint64_t)(o->duration_s * NS_PER_S);
    uint64_t t_drained = t_end + (uint64_t)(o->drain_s * NS_PER_S);

    r->loading = true;
    for (;;) {
        send_due(r);
        uint64_t now = now_ns();
        if (window == BEFORE && now >= t_begin) {
            window = INSIDE;
            window_start = now;
            signal_server(r);
            server_cpu0 = s->known ? procstat_cpu_seconds(&r->server) : 0;
            self_cpu0 = procstat_self_cpu_seconds();
            machine0 = procstat_machine_busy_seconds();
            scanning = scanned = s->known && ctxsw_scan_start(&scan, r->server.pid, now);
            sample_shape(r);
            next_sample = now + SAMPLE_EVERY_NS;
        }
        if (window == INSIDE && now >= next_sample) {
            sample_shape(r);
            next_sample += SAMPLE_EVERY_NS;
        }
        if (window == INSIDE && now >= t_end) {
            window = AFTER;
            signal_server(r);
            if (s->known) {
                s->cpu_s = procstat_cpu_seconds(&r->server) - server_cpu0;
                s->peak_rss_kib = procstat_peak_rss_kib(r->server.pid);
            }
            res->loadgen_cpu_s = procstat_self_cpu_seconds() - self_cpu0;
            double machine = procstat_machine_busy_seconds();
            if (scanned) {
                ctxsw_scan_second_pass(&scan, now);
                scanning = true;
            }
            /* Without the server's own figure "others" would include it: only with a pid. */
            res->others_known = s->known && machine0 >= 0 && machine >= 0;
            if (res->others_known) {
                double others = machine - machine0 - s->cpu_s - res->loadgen_cpu_s;
                res->others_cpu_s = others > 0 ? others : 0;   /* ticks vs ns: never < 0 */
            }
            sample_shape(r);
            res->window_s = (double)(now - window_start) / NS_PER_S;
        }
        if (scanning)
            scanning = !ctxsw_scan_step(&scan, now, false);
        /* Stay for the scan's second pass too: at its own pace, it measures each thread
         * over a window as long as the first pass did. */
        if (window == AFTER && ((r->next_k == r->end && all_delivered(r) && !scanning) ||
                                now >= t_drained))
            break;

        uint64_t wake = window == BEFORE ? t_begin
                      : window == INSIDE ? (t_end < next_sample ? t_end : next_sample)
                                         : t_drained;
        if (r->next_k < r->end && due_time(r, r->next_k) < wake)
            wake = due_time(r, r->next_k);
        if (scanning && ctxsw_scan_next_due(&scan) < wake)
            wake = ctxsw_scan_next_due(&scan);
        wait_events(r, wake);
    }
    if (scanned) {
        ctxsw_scan_step(&scan, now_ns(), true);    /* the drain ended first: finish now */
        s->ctxsw_known = scan.pass == 2 && scan.counted > 0;
        s->ctxsw_voluntary = scan.voluntary;
        s->ctxsw_involuntary = scan.involuntary;
        ctxsw_scan_free(&scan);
    }
}

/* ---- the whole run -------------------------------------------------------------------- */

static void summarize(struct run *r)
{
    struct run_result *res = r->res;
    const struct delivery_stats *d = tracker_stats(res->tracker);
    res->deliveries = d;
    res->expected = res->sent * (r->n > 0 ? r->n - 1 : 0);
    res->lost = res->expected > d->delivered ? res->expected - d->delivered : 0;
    res->echoes_lost = res->sent > d->echoes ? res->sent - d->echoes : 0;
}

int run_benchmark(const struct options *o, struct run_result *res)
{
    struct run r = {.o = o, .res = res, .n = o->clients, .epfd = -1};
    memset(res, 0, sizeof *res);
    hist_init(&res->send_lag);
    res->server.threads_max = res->server.fds_max = res->server.peak_rss_kib = -1;

    if (o->rate > 0) {
        r.ns_per_message = NS_PER_S / o->rate;
        r.first_measured = (uint64_t)ceil(o->warmup_s * o->rate);
        r.end = (uint64_t)ceil((o->warmup_s + o->duration_s) * o->rate);
    }
    if ((r.end - r.first_measured) * (uint64_t)r.n > MAX_TRACKED_PAIRS) {
        fprintf(stderr, "chat-loadgen: %llu messages x %u clients is too many deliveries to "
                "track; shorten --duration or lower --rate\n",
                (unsigned long long)(r.end - r.first_measured), r.n);
        return 1;
    }
    /* The order check is per (recipient, sender): it grows with the square of --clients,
     * and is touched all over as soon as everyone has sent once. */
    uint64_t order_bytes = (uint64_t)r.n * r.n * 4;
    if (r.end > r.first_measured && order_bytes > MAX_ORDER_TABLE) {
        fprintf(stderr, "chat-loadgen: checking delivery order for %u clients would take "
                "%llu MiB (4 bytes per pair of clients); with --rate > 0 use at most %u "
                "clients\n", r.n, (unsigned long long)(order_bytes >> 20),
                (unsigned)sqrt((double)(MAX_ORDER_TABLE / 4)));
        return 1;
    }
    res->tracker = tracker_new(r.n, r.first_measured, r.end);
    res->deliveries = res->tracker ? tracker_stats(res->tracker) : NULL;
    if (o->server_pid) {
        if (!procstat_open(&r.server, o->server_pid)) {
            fprintf(stderr, "chat-loadgen: --server-pid %ld: no such process\n",
                    (long)o->server_pid);
            return 1;
        }
        res->server.known = true;
        res->server.cpu_source = procstat_cpu_source(&r.server);
        res->server.cpu_resolution_ns = procstat_cpu_resolution_ns(&r.server);
    }
    r.conns = calloc(r.n, sizeof *r.conns);
    r.scratch = malloc(SCRATCH_BYTES);
    r.unread = calloc(r.n, sizeof *r.unread);
    r.is_unread = calloc(r.n, sizeof *r.is_unread);
    r.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!res->tracker || !r.conns || !r.scratch || !r.unread || !r.is_unread || r.epfd < 0) {
        fprintf(stderr, "chat-loadgen: out of memory or epoll: %s\n", strerror(errno));
        free(r.conns);
        free(r.scratch);
        free(r.unread);
        free(r.is_unread);
        if (r.epfd >= 0)
            close(r.epfd);
        return 1;
    }
    for (unsigned i = 0; i < r.n; i++)
        conn_init(&r.conns[i], i, o->nick_prefix, SENDQ_LIMIT);

    int status = 1;
    if (join_all(&r)) {
        offer_load(&r);
        summarize(&r);
        status = 0;
    }
    for (unsigned i = 0; i < r.n; i++) {
        conn_close(&r.conns[i], r.epfd);
        conn_free(&r.conns[i]);
    }
    free(r.conns);
    free(r.scratch);
    free(r.unread);
    free(r.is_unread);
    close(r.epfd);
    return status;
}

void run_result_free(struct run_result *res)
{
    tracker_free(res->tracker);
    res->tracker = NULL;
    res->deliveries = NULL;
}
