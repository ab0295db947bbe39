/* board.h - the global message board of chat-threaded, and who locks what.
 *
 * The board is the shared room (common/room.h) behind one readers-writers lock
 * (common/rwlock.h). The rule every thread follows:
 *
 *   - Anything that may post a line or touch another member (a client's input, a join, a
 *     disconnect, room_detach, the shutdown notice) takes the lock exclusively, as a writer:
 *     board_lock().
 *   - Taking one's own pending lines (board_take, room_has_pending, room_member_done on one's
 *     own member) takes it shared, as a reader: board_lock_shared(). A thread holding it
 *     shared changes only its own member's cursor, which other threads look at only with the
 *     lock held exclusively, so threads sharing the lock never conflict.
 *   - Nobody holds the lock across a send() or recv(): a stuck client must never hold up
 *     the board.
 *
 * Catching up (room.h explains it). Client threads take their lines only when their receive
 * timeout ends, so a burst of posts can fill the log, or pile up more than --sendq bytes for
 * someone, before a perfectly healthy client's thread has looked. A poster whose post would
 * cut such a member off lets go of the lock and waits on `progressed` for a member's thread
 * to take lines or finish sending (board_take announces it); the grace time is a few receive
 * timeouts. */
#ifndef THREADED_BOARD_H
#define THREADED_BOARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "outbuf.h"
#include "room.h"
#include "rwlock.h"

struct board {
    struct rwlock lock;
    struct room room;           /* read or written only under `lock`, as above */
    bool stopping;              /* room_shutdown() has run; under `lock` */
    int grace_ms;               /* how long no member may move before a laggard is stuck */

    /* Catching up. Threads holding `lock` shared cannot wait on a condition variable with it,
     * so progress is announced under a mutex of its own. Lock order: `lock`, then this. */
    pthread_mutex_t progress_mutex;
    pthread_cond_t progressed;
    uint64_t progress;          /* board_take() calls that were progress */
    unsigned posters_waiting;
};

/* timeout_ms is the clients' receive timeout: it sets the grace time. Returns 0, or -1
 * (logged) if out of memory or a pthread initialiser failed. */
int board_init(struct board *b, const struct room_config *config, int timeout_ms);
void board_free(struct board *b);

void board_lock(struct board *b);             /* exclusive: a writer */
void board_unlock(struct board *b);
void board_lock_shared(struct board *b);      /* shared: a reader of the board */
void board_unlock_shared(struct board *b);

/* Lock held, shared or exclusive: room_take() for the caller's own member, and wake the
 * posters waiting to catch up if it was progress. Returns the lines taken. */
size_t board_take(struct board *b, struct member *m, struct outbuf *out);

/* Lock held exclusively, before applying a line that may post: must it wait for the members
 * behind (room_catch_up_must_wait)? If so, the caller unlocks, delivers its own output (it
 * must never be the laggard itself), calls board_wait_for_catch_up() and asks again. */
bool board_must_wait_for_catch_up(struct board *b, struct catch_up *c);

/* No lock held: wait until some member makes progress, or the grace time of c runs out. */
void board_wait_for_catch_up(struct board *b, const struct catch_up *c);

/* Post the shutdown notice (room_shutdown) and mark the board as stopping. The threads of
 * away members wait for their client with no receive timeout: wake_away(m) is called for
 * each of them, board locked, so that they come to take the notice. */
void board_shutdown(struct board *b, void (*wake_away)(struct member *m));

#endif
