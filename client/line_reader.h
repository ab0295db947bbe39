/* line_reader.h - cut a byte stream (the server, or piped stdin) into lines, in bounded memory.
 *
 * Bytes go in with line_reader_feed(); complete lines come out of line_reader_next(). A line
 * longer than the buffer is handed out cut at the buffer size (marked `cut`) and the rest of it,
 * up to its "\n", is thrown away, so a peer that never sends a newline costs at most `cap` bytes.
 * Lines may hold any bytes, including NUL: always use the length. */
#ifndef CLIENT_LINE_READER_H
#define CLIENT_LINE_READER_H

#include <stdbool.h>
#include <stddef.h>

struct line_reader {
    char *buf;          /* storage given by the owner */
    size_t cap;
    size_t start;       /* unread bytes are buf[start, start + len) */
    size_t len;
    bool discarding;    /* inside the tail of a cut line, waiting for its "\n" */
    bool ended;         /* line_reader_end() was called: the last partial line counts */
};

struct line {
    char *text;         /* without the "\n"; valid until the next feed; may be modified */
    size_t len;
    bool cut;           /* the line was longer than the buffer; this is only its start */
};

void line_reader_init(struct line_reader *r, char *storage, size_t cap);

/* Copy in as many of the n bytes as fit; returns how many. Take lines out with
 * line_reader_next() until it returns false, then feed the rest. */
size_t line_reader_feed(struct line_reader *r, const char *data, size_t n);

bool line_reader_next(struct line_reader *r, struct line *out);

/* The stream has ended: an unterminated last line will come out of line_reader_next(). */
void line_reader_end(struct line_reader *r);

#endif
