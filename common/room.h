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

struct member {
    void *owner;              /* the variant's client object, handed back to on_cut_off */
    char nick[CHAT_MAX_NICK + 1];
    bool in_room;             /* between its own join line and its own quit line */
    bool away;                /* after /brb: room lines from hold_from on are held */
    bool quit;                /* has left the room; close once it has taken lines up to stop_at */
    bool cut_off;             /* dropped by the room as too slow: close the connection now */
    uint64_t cursor;          /* number of the next log line it has not taken */
    uint64_t stop_at;         /* it takes only lines below this (ROOM_NO_LIMIT: all) */
};

struct room_config {
    size_t backlog;           /* lines the log keeps (--backlog) */
    size_t replay;            /* history lines a newcomer gets (--replay) */
    size_t max_clients;       /* members attached at once (--max-clients) */
};

struct room {
    struct roomlog log;
    struct member **members;  /* attached members, in the order they attached */
    size_t count;
    size_t max_clients;
    size_t replay;
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
 * When the log drops its oldest line, every member still in the room that had not taken it
 * and is not away is cut off as too slow. */
uint64_t room_post(struct room *room, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Would the next room_post drop a line that a present, non-away member has not taken yet?
 * A variant whose members take lines only now and then (chat-threaded polls) can use this to
 * give them a moment before a flood pushes them out of the log. */
bool room_post_would_cut(const struct room *room);

/* Drop a member as too slow: it leaves the room with "* NICK has quit (too slow)". */
void room_cut_off(struct room *room, struct member *m);

/* Copy the member's pending room lines into out, oldest first, as many whole lines as fit;
 * advances its cursor and returns how many lines were taken. */
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
