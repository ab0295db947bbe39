/* board.h - the room behind one lock, who to wake when lines are posted, and catching up.
 *
 * All chat state lives in one struct room (common/room.h), which does no I/O and takes no
 * locks. The board wraps it in the one lock that every thread holds around every room or
 * session call: a plain mutex, held only for in-memory work and never across a send or a
 * receive (README.md explains why not a readers-writers lock). On top of the pull-based
 * core it adds what a design with one thread per client needs:
 *
 *  - Wake-ups. board_unlock() notices whether lines were posted while the lock was held and,
 *    if so, calls wake_taker() for every *taker* that now has lines past its cursor. The
 *    takers are the members whose threads want room lines: every member from its attach to
 *    its detach, except while it is away (board_hold_changed): an away member may take no
 *    lines, so its thread sleeps through them.
 *  - Catching up (room.h explains it). A client thread about to post waits on the board's
 *    condition variable, the lock released meanwhile, while the members behind take their
 *    lines; each board_take() that makes progress wakes it.
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

struct board {
    pthread_mutex_t lock;
    struct room room;               /* touch only with the lock held */
    uint64_t log_next_at_lock;      /* roomlog_next() when the lock was last taken */
    struct member **takers;         /* whose threads wake_takers() wakes (see above) */
    size_t takers_count;
    void (*wake_taker)(struct member *m);
    /* Catching up: posters waiting for the members behind sleep on members_progressed. */
    pthread_cond_t members_progressed;
    uint64_t progress;              /* board_take() calls that were progress */
    unsigned posters_waiting;
};

/* Returns 0, or -1 (logged) if out of memory or a pthread initialiser failed. wake_taker(m)
 * is called, board locked, when m has room lines to take; on_cut_off(m) when the room drops
 * m as too slow (see room.h). */
int board_init(struct board *b, const struct room_config *config,
               void (*wake_taker)(struct member *m), void (*on_cut_off)(struct member *m));
void board_free(struct board *b);

/* Board locked: room_attach() (false when the room is full) and room_detach(), which also
 * put the member on the list of takers and take it off again. */
bool board_attach(struct board *b, struct member *m, void *owner);
void board_detach(struct board *b, struct member *m);

/* Board locked, whenever m->away may have changed: bring m's place on the takers list in
 * line with it. */
void board_hold_changed(struct board *b, struct member *m);

/* Post the shutdown notice (room_shutdown): away members skip to it, so they take lines
 * again. */
void board_shutdown(struct board *b);

void board_lock(struct board *b);
/* Wake the takers of any lines posted since board_lock(), then unlock. */
void board_unlock(struct board *b);

/* Board locked: room_take(), and wake the posters waiting to catch up if it was progress. */
size_t board_take(struct board *b, struct member *m, struct outbuf *out);

/* Board locked, before applying a line that may post: must it wait for the members behind
 * (room_catch_up_must_wait, with a grace of ROOM_CATCH_UP_MS)? */
bool board_must_wait_for_catch_up(struct board *b, struct catch_up *c);

/* Board locked: wake the members behind, then sleep, the lock released meanwhile, until one
 * of them makes progress or the grace time of c runs out. */
void board_wait_for_catch_up(struct board *b, const struct catch_up *c);

/* Board locked, before applying self's line that may post: let the members behind catch up,
 * waiting as above. False if self must first send the output it holds (it may be the member
 * behind itself; its lines were just taken into out): send it, then call again. */
bool board_catch_up(struct board *b, struct member *self, struct outbuf *out,
                    struct catch_up *c);

#endif
