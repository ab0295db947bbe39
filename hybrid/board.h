/* board.h - the room behind one lock, and who to wake when lines are posted.
 *
 * All chat state lives in one struct room (common/room.h), which does no I/O and takes no
 * locks. The board wraps it in the one lock that every thread holds around every room or
 * session call: a plain mutex, held only for in-memory work and never across a send or a
 * receive (README.md explains why not a readers-writers lock). On top of the pull-based
 * core it adds what a design with one thread per client needs:
 *
 *  - Wake-ups. board_unlock() notices whether lines were posted while the lock was held and,
 *    if so, calls wake_taker() for every member that now has lines to take. Members with
 *    nothing to take (away, already up to date) are not disturbed.
 *  - Flow control. board_make_room() lets members that are behind catch up for a bounded
 *    moment before a client thread posts into a full log, so a burst does not cut off a
 *    client merely because its thread had not been scheduled yet.
 *
 * Lock order: the board lock, then a client's mutex. wake_taker and room.on_cut_off are
 * called with the board locked and may take a client's mutex; nobody holding a client's
 * mutex ever takes the board lock. */
#ifndef HYBRID_BOARD_H
#define HYBRID_BOARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "outbuf.h"
#include "room.h"

/* How long a poster waits, at most, for members that are behind before its line pushes the
 * oldest log line out and cuts them off. Only ever spent when the log is full. */
#define BOARD_CATCH_UP_MS 250

struct board {
    pthread_mutex_t lock;
    pthread_cond_t lines_taken;     /* posters waiting in board_make_room() sleep here */
    unsigned posters_waiting;
    uint64_t log_next_at_lock;      /* roomlog_next() when the lock was last taken */
    void (*wake_taker)(struct member *m);
    struct room room;               /* touch only with the lock held */
};

/* Returns 0, or -1 if out of memory. wake_taker(m) is called, board locked, when m has room
 * lines to take; on_cut_off(m) when the room drops m as too slow (see room.h). */
int board_init(struct board *b, const struct room_config *config,
               void (*wake_taker)(struct member *m), void (*on_cut_off)(struct member *m));
void board_free(struct board *b);

void board_lock(struct board *b);
/* Wake the takers of any lines posted since board_lock(), then unlock. */
void board_unlock(struct board *b);

/* room_take(), and tell posters waiting in board_make_room() that a member may have caught
 * up. */
size_t board_take(struct board *b, struct member *m, struct outbuf *out);

/* Call with the board locked, before applying a line that may post. If the next post could
 * cut off a member that has merely not taken its lines yet (room_post_would_cut), take self's
 * own lines into out; if out then holds anything, return false: send it first (self may be
 * the one behind), then call again. Otherwise wake the members behind and wait, the lock
 * released meanwhile, until they catch up or BOARD_CATCH_UP_MS has passed; then return true
 * and let the post go ahead and cut off whoever is still stuck. */
bool board_make_room(struct board *b, struct member *self, struct outbuf *out);

/* room_post_would_cut(), with the board locked just for the question. */
bool board_post_would_cut(struct board *b);

#endif
