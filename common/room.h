/* room.h - who is in the room, and how room lines reach them.
 *
 * The room owns the log (roomlog.h) and a list of members. A member is one connection as the
 * chat sees it: its nickname, whether it is away, and its cursor into the log. Delivery is
 * pull-based: room_post() appends a line to the log, and each member later takes the lines
 * after its cursor with room_take(), whenever its server variant gets round to it. That is
 * what lets one core serve three concurrency designs: the variant decides who takes when.
 *
 * The room is plain data: it does no I/O and takes no locks. A multi-threaded variant holds
 * its own lock around every call. */
#ifndef CHAT_ROOM_H
#define CHAT_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"
#include "protocol.h"
#include "roomlog.h"

#define ROOM_NO_LIMIT UINT64_MAX

/* How a member left the room, for the server log (session_leave_reason). */
enum room_left { ROOM_LEFT_NOT, ROOM_LEFT_QUIT, ROOM_LEFT_CLOSED, ROOM_LEFT_TOO_SLOW,
                 ROOM_LEFT_SHUTDOWN };

struct member {
    void *owner;              /* the variant's client object, handed back to on_cut_off */
    char nick[CHAT_MAX_NICK + 1];
    bool in_room;             /* between its own join line and its own quit line */
    bool away;                /* after /brb: room lines from stop_at on are held */
    bool quit;                /* has left the room; close once it has taken lines up to stop_at */
    bool cut_off;             /* dropped by the room as too slow: close the connection now */
    enum room_left left;      /* how it left, once it has (see session_leave_reason) */
    uint64_t cursor;          /* number of the next log line it has not taken */
    uint64_t stop_at;         /* it takes only lines below this (ROOM_NO_LIMIT: all) */
    size_t unsent;            /* bytes taken but perhaps not yet sent (set by room_take) */
    uint64_t flush_end;       /* after /back: lines below this were held (room_end_hold) */
    uint64_t flush_bytes;     /* at most this many bytes of held lines are still unsent */
};

struct room_config {
    size_t backlog;           /* lines the log keeps (--backlog) */
    size_t replay;            /* history lines a newcomer gets (--replay) */
    size_t max_clients;       /* members attached at once (--max-clients) */
    size_t sendq;             /* unsent bytes allowed per member (--sendq); 0: no limit */
};

struct room {
    struct roomlog log;
    struct member **members;  /* attached members, in the order they attached */
    size_t count;
    size_t max_clients;
    size_t replay;
    size_t sendq;
    unsigned next_guest;
    /* Called when the room drops a member as too slow, so that the variant can stop waiting
     * on that connection (e.g. shutdown() a socket another thread is blocked on). Optional. */
    void (*on_cut_off)(struct member *m);
};

/* Returns 0, or -1 if out of memory. */
int room_init(struct room *room, const struct room_config *config);
void room_free(struct room *room);

/* Attach a new connection (not yet joined: see session_join). False when the room already
 * has max_clients members. */
bool room_attach(struct room *room, struct member *m, void *owner);
/* Forget a member for good; call session_disconnect first if it may still be in the room. */
void room_detach(struct room *room, struct member *m);

/* The member in the room with this nickname, ignoring case, or NULL. */
struct member *room_find_nick(const struct room *room, const char *nick, size_t len);
size_t room_online(const struct room *room);

/* Format a room line (the format has no "\n"; it is added), log it and return its number.
 * Then every member still in the room and not away is cut off as too slow if it has fallen
 * out of the log (the log dropped a line it had not taken) or if its unsent output (bytes
 * taken but not sent, plus lines not yet taken) exceeds --sendq. */
uint64_t room_post(struct room *room, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- Catching up: the servers' flow control -------------------------------------------
 *
 * Delivery is pull-based, so in a burst a perfectly healthy member may simply not have taken
 * its lines yet when the next post would push the oldest of them out of the log, or take its
 * unsent output past --sendq: that post would cut it off as too slow. So before any post (a
 * chat line, a join, a quit), a server asks room_post_would_cut(), and if so it lets the
 * members behind catch up first, in the one way its design can:
 *
 *   chat-async     takes every member's lines into its output buffer and sends what the
 *                  kernel takes, at once: with one thread there is nobody to wait for
 *                  (async/loop.c, let_members_catch_up);
 *   chat-threaded  the poster lets go of the board and waits for a member's progress
 *   chat-hybrid    (threaded/board.c, hybrid/board.c: board_must_wait_for_catch_up and
 *                  board_wait_for_catch_up); chat-hybrid's select thread, which must never
 *                  wait, holds newcomers in the listen queue instead (hybrid/loop.c).
 *
 * Waiting is bounded by the rule of room_catch_up_must_wait(): while members keep making
 * progress (taking lines, or reporting output sent), the post keeps waiting, since in a burst
 * everyone is busy and nobody is slow; once no member has moved for a grace time, whoever
 * still lags is stuck, and the post goes ahead and cuts it off. Only the poster waits: no
 * member is ever delayed by another. */

/* The shortest grace time: a loaded machine or a sanitizer build slows every thread down. */
#define ROOM_CATCH_UP_MS 250

/* Could the next room_post cut off a present, non-away member that has simply not taken its
 * lines yet (the log is full and it has not taken the oldest line, or one more line could
 * take it past --sendq)? */
bool room_post_would_cut(const struct room *room);

/* A poster's state while it lets the members behind catch up. Start with all zeros. */
struct catch_up {
    bool waiting;             /* this post is being held back */
    long long deadline_ms;    /* it goes ahead if nobody moves before then (clock_now_ms) */
    uint64_t progress_seen;   /* the progress count when it last looked */
};

/* Before a post: must it wait? progress is any count that rises whenever a member makes
 * progress (see room_catch_up_take); now_ms and grace_ms are in clock_now_ms() terms. True
 * while room_post_would_cut() and some member moved within the last grace_ms. */
bool room_catch_up_must_wait(const struct room *room, struct catch_up *c, uint64_t progress,
                             long long now_ms, int grace_ms);

/* room_take() for a member a poster may be waiting for. True if it was progress: lines
 * taken, or fewer bytes unsent than its last take recorded (its output was sent). */
bool room_catch_up_take(struct room *room, struct member *m, struct outbuf *out);

/* End a member's away hold (for /back): the held lines become deliverable. They are bounded
 * by --backlog, not --sendq, so until they are sent --sendq allows their bytes on top of
 * its limit. */
void room_end_hold(struct room *room, struct member *m);

/* Drop a member as too slow: it leaves the room with "* NICK has quit (too slow)". */
void room_cut_off(struct room *room, struct member *m);

/* Copy the member's pending room lines into out, oldest first, as many whole lines as fit;
 * advances its cursor, records outbuf_len(out) as its unsent bytes, and returns how many
 * lines were taken. That record is the room's only news of what was sent: a variant that
 * sends outside its lock calls room_take again (under the lock) after sending, or the
 * bytes it sent keep counting against --sendq. */
size_t room_take(struct room *room, struct member *m, struct outbuf *out);

/* Does the member have room lines waiting to be taken? */
bool room_has_pending(const struct room *room, const struct member *m);

/* Has the member quit and taken every line it is owed, so its connection can close once its
 * output is sent? */
bool room_member_done(const struct member *m);

/* Post "* server is shutting down" and make it the last line every member takes; away
 * members skip straight to it, so every client gets the notice. */
void room_shutdown(struct room *room);

#endif
