/* poller.h - wait for many descriptors at once: one small interface, several backends.
 *
 * An event-loop server asks one question every turn: which of my sockets can I read from or
 * write to without blocking? The kernel has several ways to answer it, and the answers cost
 * different amounts of work. Each backend lives in a file of its own (poller_select.c, ...)
 * and fills in the same struct poller_backend, with functions of the same names, so that two
 * editor panes show exactly what changes between them.
 *
 * The loop states what it wants for each fd with poller_watch() (it may repeat itself every
 * turn: only a change reaches the backend), then calls poller_wait() and walks the ready
 * list with poller_ready(). Level-triggered: a socket that is still readable is reported
 * again on the next wait. An error or a hang-up is reported as every event the fd is
 * watched for, so that the recv() or send() the loop then makes finds it (EOF, ECONNRESET,
 * EPIPE). No locks: one thread owns a poller. */
#ifndef CHAT_POLLER_H
#define CHAT_POLLER_H

#include <stdbool.h>
#include <stddef.h>

#define POLLER_READ  1u     /* readable, or the peer closed, or an error is pending */
#define POLLER_WRITE 2u     /* writable */

struct poller_event {
    int fd;
    unsigned events;        /* POLLER_READ and/or POLLER_WRITE */
};

/* One backend. Each function gets the backend's own state (from create). */
struct poller_backend {
    const char *name;
    const char *cost;               /* one line for --help and the docs */
    int fd_limit;                   /* fds at or above this cannot be watched; 0: no limit */
    /* State for fds below capacity; NULL with errno set on failure. */
    void *(*create)(int capacity);
    void (*destroy)(void *state);
    /* fd's wanted events change from was to now (either may be 0). -1 with errno. */
    int (*change)(void *state, int fd, unsigned was, unsigned now);
    /* Wait up to timeout_ms (-1: no limit) and store at most max ready events. Returns how
     * many, 0 after the timeout, -1 with errno (EINTR included). */
    int (*wait_for_events)(void *state, struct poller_event *ready, int max, int timeout_ms);
};

extern const struct poller_backend poller_select_backend;   /* poller_select.c */
extern const struct poller_backend poller_poll_backend;     /* poller_poll.c */
extern const struct poller_backend poller_epoll_backend;    /* poller_epoll.c */

/* The backend called name ("select", ...), or NULL. */
const struct poller_backend *poller_backend_named(const char *name);

/* The i-th backend, in the order of poller_backend_names(); NULL past the last. */
const struct poller_backend *poller_backend_at(size_t i);

/* The names, "select|poll|epoll" style, for --help and error messages. */
const char *poller_backend_names(void);

struct poller;

/* A poller for fds below capacity (> 0; lowered to the backend's fd_limit). NULL with
 * errno. */
struct poller *poller_open(const struct poller_backend *backend, int capacity);
void poller_close(struct poller *p);

/* fds at or above this can never be watched: the caller must refuse them. */
int poller_capacity(const struct poller *p);

/* From now on wait for these events on fd (0: stop watching it). Forget an fd this way
 * before closing it. -1 with errno (EBADF for an fd at or above the capacity); when
 * stopping fails, the fd is forgotten all the same, so that its number can be watched
 * again once reused. */
int poller_watch(struct poller *p, int fd, unsigned events);

/* Wait; returns the number of ready fds (0 after timeout_ms), or -1 with errno. */
int poller_wait(struct poller *p, int timeout_ms);

/* The i-th ready fd of the last wait, 0 <= i < its result, with only the events the fd is
 * watched for now: 0 if the loop stopped watching it since the wait (skip it). */
struct poller_event poller_ready(const struct poller *p, int i);

/* Was fd among the first `ready` fds of the last wait? */
bool poller_is_ready(const struct poller *p, int ready, int fd);

#endif
