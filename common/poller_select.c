/* poller_select.c - the select() backend: the classic, and the lesson.
 *
 * Two fd_sets say what is wanted; every wait copies them (select() overwrites its arguments)
 * and then scans every fd up to the highest one watched to see which came back set. So each
 * turn costs work in proportion to the watched fds, however few are ready, and no fd can be
 * FD_SETSIZE (1024) or above: FD_SET on one would write past the end of the set. */
#include "poller.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/select.h>

struct state {
    fd_set readable, writable;      /* what is wanted */
    int max_fd;                     /* highest fd watched; -1: none */
};

static void *create(int capacity)
{
    (void)capacity;                 /* never above FD_SETSIZE: poller_open lowers it */
    struct state *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    FD_ZERO(&s->readable);
    FD_ZERO(&s->writable);
    s->max_fd = -1;
    return s;
}

static void destroy(void *state)
{
    free(state);
}

static int change(void *state, int fd, unsigned was, unsigned now)
{
    struct state *s = state;
    (void)was;
    if (fd < 0 || fd >= FD_SETSIZE) {
        errno = EBADF;
        return -1;
    }
    if (now & POLLER_READ)
        FD_SET(fd, &s->readable);
    else
        FD_CLR(fd, &s->readable);
    if (now & POLLER_WRITE)
        FD_SET(fd, &s->writable);
    else
        FD_CLR(fd, &s->writable);
    /* select() looks at every fd up to max_fd: keep it the highest one still watched. */
    if (now && fd > s->max_fd)
        s->max_fd = fd;
    while (s->max_fd >= 0 && !FD_ISSET(s->max_fd, &s->readable) &&
           !FD_ISSET(s->max_fd, &s->writable))
        s->max_fd--;
    return 0;
}

static int wait_for_events(void *state, struct poller_event *ready, int max, int timeout_ms)
{
    struct state *s = state;
    fd_set readable = s->readable, writable = s->writable;
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

    int n = select(s->max_fd + 1, &readable, &writable, NULL, timeout_ms < 0 ? NULL : &tv);
    if (n <= 0)
        return n;
    int count = 0;
    for (int fd = 0; fd <= s->max_fd && count < max; fd++) {
        unsigned events = (FD_ISSET(fd, &readable) ? POLLER_READ : 0) |
                          (FD_ISSET(fd, &writable) ? POLLER_WRITE : 0);
        if (events)
            ready[count++] = (struct poller_event){ .fd = fd, .events = events };
    }
    return count;
}

const struct poller_backend poller_select_backend = {
    .name = "select",
    .cost = "every turn costs work per watched fd; fds below 1024 only",
    .fd_limit = FD_SETSIZE,
    .create = create,
    .destroy = destroy,
    .change = change,
    .wait_for_events = wait_for_events,
};
