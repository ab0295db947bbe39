/* fdlimit.h - how many descriptors this process may open, and asking for the most.
 *
 * Every client is one descriptor, so a server or a load generator with thousands of
 * clients needs thousands of them. RLIMIT_NOFILE has two figures: the soft limit, which
 * open(), socket() and accept() obey (EMFILE beyond it), and the hard limit, the ceiling
 * up to which the process may raise its soft limit itself. Many systems start processes
 * with a soft limit of 1024 and a much higher hard one, so raising the soft limit is free;
 * only root (or the service manager, or `ulimit -Hn` in a root shell) can raise the hard. */
#ifndef CHAT_FDLIMIT_H
#define CHAT_FDLIMIT_H

/* The soft limit now: fds at or above it cannot be opened. -1 with errno. */
long fdlimit_current(void);

/* Raise the soft limit to the hard limit and return the new soft limit. -1 with errno, the
 * limit unchanged. An unlimited hard limit (never on Linux, where fs.nr_open bounds it)
 * leaves the soft limit as it is. */
long fdlimit_raise(void);

#endif
