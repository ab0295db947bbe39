/* thread.h - starting a client thread the way both multi-threaded servers need it.
 *
 * A small stack: a client thread holds a receive buffer and a few formatted lines, and the
 * default (8 MiB of address space each) would make 1000 clients cost 8 GiB of it. Every
 * signal blocked: SIGINT and SIGTERM must reach the thread that watches for them, never a
 * client thread in the middle of a send(). */
#ifndef CHAT_THREAD_H
#define CHAT_THREAD_H

#include <pthread.h>

#define THREAD_STACK_SIZE (256 * 1024)

/* pthread_create() with the stack and signal mask above. Returns 0 or an error number. */
int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
