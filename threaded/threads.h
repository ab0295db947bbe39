/* threads.h - the client threads as a group: start each with a small stack, and account
 * for every one, so that none is ever leaked and shutdown can wait for all of them.
 *
 * Threads are joinable. A thread that ends puts itself on a "finished" list; the main thread
 * joins those at its next turn (threads_join_finished), which frees their stacks. Only the
 * main thread calls these functions. */
#ifndef THREADED_THREADS_H
#define THREADED_THREADS_H

#include <stdbool.h>
#include <stddef.h>

/* Run fn(arg) on a new thread. Signals are blocked in it, so SIGINT/SIGTERM always reach the
 * main thread. False (with errno set) if the system would not create the thread. */
bool threads_start(void (*fn)(void *), void *arg);

/* Join every thread that has ended since the last call. */
void threads_join_finished(void);

/* Wait until no thread is running, at most timeout_ms (-1: as long as it takes), then join
 * the ones that ended. True when none is left running. */
bool threads_wait_for_all(int timeout_ms);

#endif
