/* faultinject.c - an LD_PRELOAD shim that makes socket I/O misbehave the way the kernel may.
 *
 * A server that is correct must cope with every outcome send/recv/read/write are allowed to
 * have: fewer bytes than asked for, EINTR, and (on a non-blocking socket) EAGAIN. On loopback
 * with small chat lines the kernel almost never produces them, so the code that handles them
 * is rarely run. This shim wraps the four calls and, at random, returns those outcomes:
 *
 *   short count  the real call is made with a smaller length (1 .. n-1 bytes)
 *   EINTR        -1/EINTR before the real call, so nothing is lost or duplicated
 *   EAGAIN       -1/EAGAIN before the real call, only where the kernel could say it: the
 *                socket is non-blocking (O_NONBLOCK or MSG_DONTWAIT), or, for a read, it has
 *                a receive timeout (SO_RCVTIMEO), where EAGAIN means "the timeout expired"
 *
 * Only connected TCP sockets are touched (fstat says socket, SO_DOMAIN is AF_INET/AF_INET6,
 * SO_TYPE is SOCK_STREAM, SO_ACCEPTCONN is 0): never the listening socket, pipes, files,
 * stdout/stderr, or a socketpair a server may use to wake a thread.
 *
 * The first write on each connection is never faulted. Its send buffer is empty then, so the
 * kernel takes a short line whole and at once; net_refuse() relies on that for its
 * best-effort "! server full" line, and faulting it would test the shim, not the server.
 *
 * Environment (read once, at load):
 *   FAULTINJECT_SEED    seed of the random choices (default 1)
 *   FAULTINJECT_SHORT   probability of a short count, 0..1 (default 0.25)
 *   FAULTINJECT_EINTR   probability of EINTR (default 0.05)
 *   FAULTINJECT_EAGAIN  probability of EAGAIN where allowed (default 0.05)
 *   FAULTINJECT_STATS   if set, a file to which one line of counts is appended at exit
 *
 * Use it only on the server process (hardening/faultinject/wrap.sh sets LD_PRELOAD and execs
 * the server), not on the test harness. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*read_fn)(int, void *, size_t);

static send_fn real_send;
static recv_fn real_recv;
static write_fn real_write;
static read_fn real_read;

static double p_short = 0.25, p_eintr = 0.05, p_eagain = 0.05;
static const char *stats_path;

/* One lock for the random generator, the per-fd table and the counters. It is never held
 * across a real call, so a thread blocked in recv() does not hold up the others. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rng_state;

/* What we know about an fd. The socket's inode tells a reused fd number from the old one,
 * so no close()/accept() wrapper is needed. */
#define MAX_TRACKED_FD 65536
struct fd_info {
    ino_t ino;           /* 0: nothing known */
    bool faultable;      /* a connected TCP socket */
    uint64_t writes;     /* writes seen on this connection */
};
static struct fd_info fds[MAX_TRACKED_FD];

static struct {
    uint64_t calls, shorts, eintrs, eagains;
} counts;

/* splitmix64: small, good enough, and the same sequence for the same seed. */
static uint64_t next_random(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A uniform number in [0, 1); call with the lock held. */
static double chance(void)
{
    return (double)(next_random() >> 11) / (double)(1ULL << 53);
}

static double env_probability(const char *name, double fallback)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return fallback;
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || v < 0 || v > 1) {
        fprintf(stderr, "faultinject: %s=%s is not a probability in 0..1\n", name, s);
        exit(2);
    }
    return v;
}

static void *must_find(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "faultinject: dlsym(%s) failed: %s\n", name, dlerror());
        abort();
    }
    return f;
}

__attribute__((constructor)) static void faultinject_init(void)
{
    real_send = (send_fn)must_find("send");
    real_recv = (recv_fn)must_find("recv");
    real_write = (write_fn)must_find("write");
    real_read = (read_fn)must_find("read");
    const char *seed = getenv("FAULTINJECT_SEED");
    rng_state = seed && *seed ? strtoull(seed, NULL, 0) : 1;
    p_short = env_probability("FAULTINJECT_SHORT", p_short);
    p_eintr = env_probability("FAULTINJECT_EINTR", p_eintr);
    p_eagain = env_probability("FAULTINJECT_EAGAIN", p_eagain);
    stats_path = getenv("FAULTINJECT_STATS");
}

/* Append the counters to FAULTINJECT_STATS, if set: the evidence that faults were injected. */
__attribute__((destructor)) static void faultinject_report(void)
{
    if (!stats_path || !*stats_path)
        return;
    int fd = open(stats_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char line[200];
    pthread_mutex_lock(&lock);
    int n = snprintf(line, sizeof line, "pid %ld calls %llu short %llu eintr %llu eagain %llu\n",
                     (long)getpid(), (unsigned long long)counts.calls,
                     (unsigned long long)counts.shorts, (unsigned long long)counts.eintrs,
                     (unsigned long long)counts.eagains);
    pthread_mutex_unlock(&lock);
    if (n > 0 && real_write)
        (void)!real_write(fd, line, (size_t)n);
    close(fd);
}

/* Is fd a connected TCP socket? These are the only fds we ever fault. */
static bool classify(int fd)
{
    int domain, type, listening;
    socklen_t len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
        return false;
    len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
        return false;
    len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
        return false;
    return (domain == AF_INET || domain == AF_INET6) && type == SOCK_STREAM && !listening;
}

/* Would the kernel ever answer EAGAIN to this call? */
static bool may_eagain(int fd, int flags, bool reading)
{
    if (flags & MSG_DONTWAIT)
        return true;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK))
        return true;
    if (!reading)
        return false;       /* a blocking send with a timeout: EAGAIN would mean "too slow" */
    struct timeval tv;
    socklen_t len = sizeof tv;
    return getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 &&
           (tv.tv_sec != 0 || tv.tv_usec != 0);
}

enum fault { FAULT_NONE, FAULT_SHORT, FAULT_EINTR, FAULT_EAGAIN };

/* Decide what happens to one call of n bytes on fd. For FAULT_SHORT, *n is lowered. */
static enum fault choose(int fd, size_t *n, int flags, bool reading)
{
    if (fd < 0 || fd >= MAX_TRACKED_FD || *n == 0)
        return FAULT_NONE;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
        return FAULT_NONE;

    struct fd_info *info = &fds[fd];
    pthread_mutex_lock(&lock);
    bool known = info->ino == st.st_ino;
    bool faultable = info->faultable;
    pthread_mutex_unlock(&lock);
    if (!known)
        faultable = classify(fd);       /* system calls, so outside the lock */
    bool eagain_ok = may_eagain(fd, flags, reading);

    enum fault f = FAULT_NONE;
    pthread_mutex_lock(&lock);
    if (info->ino != st.st_ino) {
        info->ino = st.st_ino;
        info->faultable = faultable;
        info->writes = 0;
    }
    bool first_write = !reading && info->writes++ == 0;
    if (info->faultable && !first_write) {
        counts.calls++;
        double r = chance();
        if (r < p_eintr) {
            f = FAULT_EINTR;
            counts.eintrs++;
        } else if (eagain_ok && r < p_eintr + p_eagain) {
            f = FAULT_EAGAIN;
            counts.eagains++;
        } else if (*n > 1 && chance() < p_short) {
            *n = 1 + (size_t)(next_random() % (*n - 1));
            f = FAULT_SHORT;
            counts.shorts++;
        }
    }
    pthread_mutex_unlock(&lock);
    return f;
}

/* The error to return for an injected failure, or 0 to go on with the real call. */
static int injected_errno(enum fault f)
{
    return f == FAULT_EINTR ? EINTR : f == FAULT_EAGAIN ? EAGAIN : 0;
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    int err = injected_errno(choose(fd, &n, flags, false));
    if (err) {
        errno = err;
        return -1;
    }
    return real_send(fd, buf, n, flags);
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    int err = injected_errno(choose(fd, &n, flags, true));
    if (err) {
        errno = err;
        return -1;
    }
    return real_recv(fd, buf, n, flags);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    /* write() may run before our constructor (another library's constructor logging). */
    if (!real_write)
        real_write = (write_fn)must_find("write");
    int err = injected_errno(choose(fd, &n, 0, false));
    if (err) {
        errno = err;
        return -1;
    }
    return real_write(fd, buf, n);
}

ssize_t read(int fd, void *buf, size_t n)
{
    if (!real_read)
        real_read = (read_fn)must_find("read");
    int err = injected_errno(choose(fd, &n, 0, true));
    if (err) {
        errno = err;
        return -1;
    }
    return real_read(fd, buf, n);
}
