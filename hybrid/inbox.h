/* inbox.h - a client's bounded queue of input lines, from the select() thread to the client's
 * own thread.
 *
 * The select() thread frames bytes into lines and pushes them here; the client thread pops
 * them one at a time and applies them to the room. The queue holds at most INBOX_LINES lines
 * in fixed slots, so a client that sends faster than its thread can apply costs at most
 * INBOX_LINES * CHAT_MAX_LINE bytes: when the inbox is full, the select() thread stops reading
 * that socket and the kernel (then TCP flow control) holds back the rest.
 *
 * Plain data, no lock: struct client guards its inbox with the client's mutex. */
#ifndef HYBRID_INBOX_H
#define HYBRID_INBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "framer.h"
#include "protocol.h"

/* Enough to keep a busy client's thread busy between two wake-ups, small enough that a
 * thousand idle clients cost little memory. */
#define INBOX_LINES 16

struct inbox_line {
    enum frame_kind kind;           /* FRAME_LINE, or FRAME_TOO_LONG (then len is 0) */
    size_t len;
    char text[CHAT_MAX_LINE];
};

struct inbox {
    struct inbox_line slots[INBOX_LINES];   /* ring: the oldest line is slots[head] */
    size_t head;
    size_t count;
};

void inbox_init(struct inbox *in);

static inline bool inbox_empty(const struct inbox *in) { return in->count == 0; }
static inline bool inbox_full(const struct inbox *in) { return in->count == INBOX_LINES; }

/* Append one framer event. The caller checks inbox_full() first; a line longer than
 * CHAT_MAX_LINE cannot come out of the framer. */
void inbox_push(struct inbox *in, enum frame_kind kind, const char *text, size_t len);

/* Remove the oldest line into *line. False if the inbox is empty. */
bool inbox_pop(struct inbox *in, struct inbox_line *line);

#endif
