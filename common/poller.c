/* poller.c - see poller.h: what every backend shares. The wanted events of every fd are kept
 * here, so that a loop may restate them each turn and the backend hears only of changes. */
#include "poller.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct poller_backend *const backends[] = {
    &poller_select_backend,
    &poller_poll_backend,
    &poller_epoll_backend,
};
#define BACKEND_COUNT (sizeof backends / sizeof backends[0])

struct poller {
    const struct poller_backend *backend;
    void *state;
    int capacity;
    unsigned *wanted;               /* by fd */
    int watched;                    /* fds with wanted != 0: bounds the ready list */
    struct poller_event *ready;     /* room for capacity events */
    int ready_count;
};

const struct poller_backend *poller_backend_named(const char *name)
{
    for (size_t i = 0; i < BACKEND_COUNT; i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

const struct poller_backend *poller_backend_at(size_t i)
{
    return i < BACKEND_COUNT ? backends[i] : NULL;
}

const char *poller_backend_names(void)
{
    static char names[64];
    if (names[0] == '\0') {
        for (size_t i = 0; i < BACKEND_COUNT; i++) {
            if (i > 0)
                strcat(names, "|");
            strcat(names, backends[i]->name);
        }
    }
    return names;
}

struct poller *poller_open(const struct poller_backend *backend, int capacity)
{
    if (capacity <= 0) {
        errno = EINVAL;
        return NULL;
    }
    if (backend->fd_limit > 0 && capacity > backend->fd_limit)
        capacity = backend->fd_limit;
    struct poller *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->backend = backend;
    p->capacity = capacity;
    p->wanted = calloc((size_t)capacity, sizeof *p->wanted);
    p->ready = calloc((size_t)capacity, sizeof *p->ready);
    p->state = p->wanted && p->ready ? backend->create(capacity) : NULL;
    if (!p->state) {
        int saved = errno;
        free(p->wanted);
        free(p->ready);
        free(p);
        errno = saved;
        return NULL;
    }
    return p;
}

void poller_close(struct poller *p)
{
    if (!p)
        return;
    p->backend->destroy(p->state);
    free(p->wanted);
    free(p->ready);
    free(p);
}

int poller_capacity(const struct poller *p)
{
    return p->capacity;
}

int poller_watch(struct poller *p, int fd, unsigned events)
{
    if (fd < 0 || fd >= p->capacity) {
        errno = EBADF;
        return -1;
    }
    unsigned was = p->wanted[fd];
    if (was == events)
        return 0;
    int rc = p->backend->change(p->state, fd, was, events);
    /* A failed stop still forgets the fd: the loop closes it next, and if the number came
     * back later still marked as watched, watching it again would never reach the backend.
     * (epoll, for one, has already dropped an fd that was closed too soon.) */
    if (rc < 0 && events != 0)
        return -1;
    p->wanted[fd] = events;
    p->watched += (events != 0) - (was != 0);
    return rc;
}

int poller_wait(struct poller *p, int timeout_ms)
{
    int max = p->watched > 0 ? p->watched : 1;
    int n = p->backend->wait_for_events(p->state, p->ready, max, timeout_ms);
    p->ready_count = n > 0 ? n : 0;
    return n;
}

struct poller_event poller_ready(const struct poller *p, int i)
{
    /* Backends report an error as every event; and while walking the list the loop may have
     * stopped watching an fd further down (say, a client it just closed). Keep only what is
     * wanted now. */
    struct poller_event ev = p->ready[i];
    ev.events &= p->wanted[ev.fd];
    return ev;
}

bool poller_is_ready(const struct poller *p, int ready, int fd)
{
    for (int i = 0; i < ready; i++)
        if (p->ready[i].fd == fd)
            return true;
    return false;
}
