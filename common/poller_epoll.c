/* poller_epoll.c - the epoll backend: the kernel keeps the watch list.
 *
 * Instead of handing the kernel every watched fd on every wait, the loop tells it once,
 * with epoll_ctl(), whenever what it wants for an fd changes; the kernel then keeps a list
 * of the fds that became ready as it happens, and epoll_wait() only copies that list out.
 * So a turn costs work in proportion to the ready fds, not the watched ones, and any fd
 * number works. The price is a system call per change (select and poll change for free)
 * and Linux only. Level-triggered, like the other backends: a socket that is still
 * readable is reported again on the next wait. */
#include "poller.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct state {
    int epfd;                       /* the kernel's watch list */
    struct epoll_event *events;     /* what epoll_wait() fills in: one per watched fd */
    int capacity;
};

static void *create(int capacity)
{
    struct state *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->events = malloc((size_t)capacity * sizeof *s->events);
    /* Close-on-exec: a program this process starts must not inherit the watch list. */
    s->epfd = s->events ? epoll_create1(EPOLL_CLOEXEC) : -1;
    if (s->epfd < 0) {
        int saved = s->events ? errno : ENOMEM;
        free(s->events);
        free(s);
        errno = saved;
        return NULL;
    }
    s->capacity = capacity;
    return s;
}

static void destroy(void *state)
{
    struct state *s = state;
    close(s->epfd);                 /* nothing to do if it fails: Linux frees the fd anyway */
    free(s->events);
    free(s);
}

static int change(void *state, int fd, unsigned was, unsigned now)
{
    struct state *s = state;
    struct epoll_event ev = {
        .events = ((now & POLLER_READ) ? EPOLLIN : 0) | ((now & POLLER_WRITE) ? EPOLLOUT : 0),
        .data.fd = fd,
    };
    /* The kernel remembers the fd from one call to the next: say only what changed. */
    int op = !now ? EPOLL_CTL_DEL : !was ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    return epoll_ctl(s->epfd, op, fd, &ev);
}

static int wait_for_events(void *state, struct poller_event *ready, int max, int timeout_ms)
{
    struct state *s = state;

    int n = epoll_wait(s->epfd, s->events, max < s->capacity ? max : s->capacity, timeout_ms);
    if (n <= 0)
        return n;
    int count = 0;
    for (int i = 0; i < n; i++) {
        unsigned got = s->events[i].events;
        /* An error or hang-up comes whatever was asked for: report it as both, so the
         * recv() or send() the loop makes finds it. poller_ready() keeps only what the fd
         * is watched for. */
        unsigned events = ((got & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? POLLER_READ : 0) |
                          ((got & (EPOLLOUT | EPOLLHUP | EPOLLERR)) ? POLLER_WRITE : 0);
        if (events)
            ready[count++] = (struct poller_event){ .fd = s->events[i].data.fd, .events = events };
    }
    return count;
}

const struct poller_backend poller_epoll_backend = {
    .name = "epoll",
    .cost = "every turn costs work per ready fd only; any fd number; Linux",
    .fd_limit = 0,
    .create = create,
    .destroy = destroy,
    .change = change,
    .wait_for_events = wait_for_events,
};
