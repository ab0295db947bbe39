/* session.h - apply what one client sends to the room.
 *
 * This is the whole chat behaviour of PROTOCOL.md as plain functions: a variant hands over
 * each event of a connection (joined, a line arrived, a line was too long, the connection
 * closed), and the session updates the room, posts room lines to the log and appends direct
 * replies to the connection's output buffer. The variant then delivers: room_take() for room
 * lines, and its own sending for the output buffer.
 *
 * After each call the variant looks at the member: m->cut_off means close the connection now;
 * room_member_done(m) means close it once the output buffer is sent. */
#ifndef CHAT_SESSION_H
#define CHAT_SESSION_H

#include <stddef.h>

#include "framer.h"
#include "outbuf.h"
#include "room.h"

/* A new connection, already attached with room_attach(): give it a guest name, the welcome
 * and the history, and post its join line. */
void session_join(struct room *room, struct member *m, struct outbuf *out);

/* One framer event from this connection: FRAME_LINE with its text, or FRAME_TOO_LONG. */
void session_input(struct room *room, struct member *m, enum frame_kind kind,
                   const char *line, size_t len, struct outbuf *out);

/* The connection closed or broke. Posts "* NICK has quit (connection closed)" if the member
 * was still in the room. The member stays attached until room_detach(). */
void session_disconnect(struct room *room, struct member *m);

/* Why the member left, for the server log: "quit", "connection closed", "too slow",
 * "server shutting down" (or "never joined"). */
const char *session_leave_reason(const struct member *m);

/* Write the line sent to a connection refused because the server is full ("! server full
 * (max N users)\n") into buf; returns its length. */
size_t session_format_full(char *buf, size_t size, size_t max_users);

#endif
