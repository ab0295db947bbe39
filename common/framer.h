/* framer.h - cut a byte stream into client lines.
 *
 * Bytes go in as they arrive from recv(); complete lines come out one at a time. A line is
 * at most CHAT_MAX_LINE bytes before its terminator ("\n" or "\r\n"). A longer line is reported
 * once as FRAME_TOO_LONG and everything up to its "\n" is thrown away, so a client that never
 * sends a newline costs at most CHAT_MAX_LINE + 1 bytes of memory. */
#ifndef CHAT_FRAMER_H
#define CHAT_FRAMER_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

enum frame_kind {
    FRAME_NONE,      /* all input consumed, no complete line yet */
    FRAME_LINE,      /* a complete line (terminator removed) */
    FRAME_TOO_LONG,  /* a line passed CHAT_MAX_LINE bytes; its remainder will be discarded */
};

struct framer {
    char buf[CHAT_MAX_LINE + 1];  /* +1: room for a "\r" that may turn out to precede "\n" */
    size_t len;
    bool discarding;              /* inside an over-long line, waiting for its "\n" */
};

void framer_init(struct framer *f);

/* Consume bytes from *data (advancing *data and *len) until one event happens.
 * For FRAME_LINE, *line and *line_len describe the line; they stay valid until the next call.
 * Call repeatedly until it returns FRAME_NONE. */
enum frame_kind framer_next(struct framer *f, const char **data, size_t *len,
                            const char **line, size_t *line_len);

#endif
