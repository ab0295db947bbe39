/* board.h - the global message board of chat-threaded, and who locks what.
 *
 * The board is the shared room (common/room.h) behind one readers-writers lock
 * (common/rwlock.h). The rule every thread follows:
 *
 *   - Anything that may post a line or touch another member (a client's input, a join, a
 *     disconnect, room_detach, the shutdown notice) is a WRITER: board_lock_for_writing().
 *   - Taking one's own pending lines (room_take, room_has_pending, room_member_done on one's
 *     own member) is a READER: board_lock_for_reading(). Readers change only their own
 *     member's cursor, which other threads look at only as writers, so readers never conflict.
 *   - Nobody holds the lock across a send() or recv(): a stuck client must never hold up
 *     the board.
 *
 * Flow control. Client threads take their lines only when their receive timeout ends, so a
 * burst of posts can fill the log, or pile up more than --sendq bytes for someone, before a
 * perfectly healthy reader has looked. Before a post that would cut such a reader off
 * (room_post_would_cut), the poster holds the line back (board_post_must_wait): it lets go
 * of the lock and waits for readers to take lines or finish sending. Once no reader at all
 * has moved for a grace time, the laggard is really stuck, and the post cuts it off. */
#ifndef THREADED_BOARD_H
#define THREADED_BOARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "room.h"
#include "rwlock.h"

struct board {
    struct rwlock lock;
    struct room room;           /* read or written only under `lock`, as above */
    bool stopping;              /* room_shutdown() has run; under `lock` */
    int grace_ms;               /* how long no reader may move before a laggard counts as stuck */

    /* Readers announce progress here (lines taken, output sent), for waiting posters. */
    pthread_mutex_t progress_mutex;
    pthread_cond_t readers_progressed;
    uint64_t progress;          /* counts those announcements */
    unsigned posters_waiting;
};

/* timeout_ms is the clients' receive timeout: it sets how long posters wait for readers.
 * Returns 0, or -1 if out of memory. */
int board_init(struct board *b, const struct room_config *config, int timeout_ms);
void board_free(struct board *b);

void board_lock_for_writing(struct board *b);
void board_unlock_after_writing(struct board *b);
void board_lock_for_reading(struct board *b);
void board_unlock_after_reading(struct board *b);

/* A poster holding a line back until readers catch up. */
struct post_hold {
    bool active;                /* the current line is being held back */
    struct timespec deadline;   /* if no reader moves before this, it posts anyway */
    uint64_t progress_seen;     /* readers' progress count when it last checked */
};

/* With the write lock held, before applying a line that may post: should the line wait?
 * True if the post could cut off a present reader that has merely not taken its lines yet
 * (room_post_would_cut), unless no reader at all has made progress for a whole grace time
 * (then the laggard is stuck, and the post goes ahead and cuts it off). While readers keep
 * moving, the line keeps waiting: in a burst from many clients, everyone is busy and nobody
 * is slow. The caller releases the lock, delivers its own output (so that it is never the
 * laggard itself), calls board_wait_for_readers() and asks again. */
bool board_post_must_wait(struct board *b, struct post_hold *h);

/* With no lock held: wait until some reader makes progress, or the grace time runs out. */
void board_wait_for_readers(struct board *b, const struct post_hold *h);

/* A reader took lines, or told the room (by taking again) that its output was sent: wake any
 * poster waiting in board_wait_for_readers(). */
void board_note_reader_progress(struct board *b);

/* Post the shutdown notice (room_shutdown) and mark the board as stopping. */
void board_shutdown(struct board *b);

#endif
