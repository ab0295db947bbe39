/* poller_poll.c - the poll() backend: select() without the fd limit.
 *
 * The watched fds sit packed in one array of struct pollfd, which poll() takes as it is:
 * it writes its answers into revents and leaves what is wanted in events, so nothing needs
 * copying. Each wait still hands the kernel the whole array and then scans all of it, so a
 * turn costs work in proportion to the watched fds, however few are ready; but any fd
 * number works. An fd->place map lets change() find an fd's entry without a search. */
#include "poller.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

struct state {
    struct pollfd *fds;             /* the watched fds, packed: poll() wants no gaps */
    int count;
    int *place;                     /* by fd: its index in fds (valid while watched) */
    int capacity;
};

static void *create(int capacity)
{
    struct state *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->fds = malloc((size_t)capacity * sizeof *s->fds);
    s->place = malloc((size_t)capacity * sizeof *s->place);
    if (!s->fds || !s->place) {
        free(s->fds);
        free(s->place);
        free(s);
        errno = ENOMEM;
        return NULL;
    }
    s->count = 0;
    s->capacity = capacity;
    return s;
}

static void destroy(void *state)
{
    struct state *s = state;
    free(s->fds);
    free(s->place);
    free(s);
}

static int change(void *state, int fd, unsigned was, unsigned now)
{
    struct state *s = state;
    if (fd < 0 || fd >= s->capacity) {
        errno = EBADF;
        return -1;
    }
    short events = (short)(((now & POLLER_READ) ? POLLIN : 0) |
                           ((now & POLLER_WRITE) ? POLLOUT : 0));
    if (!now) {                     /* gone: the last entry moves into its place, no gap */
        int i = s->place[fd];
        s->fds[i] = s->fds[--s->count];
        s->place[s->fds[i].fd] = i;
    } else if (!was) {              /* new: append */
        s->place[fd] = s->count;
        s->fds[s->count++] = (struct pollfd){ .fd = fd, .events = events };
    } else {
        s->fds[s->place[fd]].events = events;
    }
    return 0;
}

static int wait_for_events(void *state, struct poller_event *ready, int max, int timeout_ms)
{
    struct state *s = state;

    int n = poll(s->fds, (nfds_t)s->count, timeout_ms);
    if (n <= 0)
        return n;
    int count = 0;
    for (int i = 0; i < s->count && count < max; i++) {
        short got = s->fds[i].revents;
        /* An error or hang-up (or POLLNVAL: closed while still watched) comes whatever was
         * asked for: report it as both, so the recv() or send() the loop makes finds it.
         * poller_ready() keeps only what the fd is watched for. */
        unsigned events = ((got & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) ? POLLER_READ : 0) |
                          ((got & (POLLOUT | POLLHUP | POLLERR | POLLNVAL)) ? POLLER_WRITE : 0);
        if (events)
            ready[count++] = (struct poller_event){ .fd = s->fds[i].fd, .events = events };
    }
    return count;
}

const struct poller_backend poller_poll_backend = {
    .name = "poll",
    .cost = "every turn costs work per watched fd; any fd number",
    .fd_limit = 0,
    .create = create,
    .destroy = destroy,
    .change = change,
    .wait_for_events = wait_for_events,
};
