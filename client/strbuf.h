/* strbuf.h - a fixed-size text buffer for building terminal output, written out in one go.
 *
 * One write() per screen update means the terminal never shows a half-drawn state (a prompt
 * erased but not yet redrawn). The buffer never grows: what does not fit is dropped, and the
 * owner sizes it so that this cannot happen for the lines it builds. */
#ifndef CLIENT_STRBUF_H
#define CLIENT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
    char *data;     /* storage given by the owner */
    size_t len;
    size_t cap;
};

void strbuf_init(struct strbuf *b, char *storage, size_t cap);
size_t strbuf_room(const struct strbuf *b);
void strbuf_add(struct strbuf *b, const char *text, size_t len);
void strbuf_add_str(struct strbuf *b, const char *text);

/* Write everything to fd (retrying short writes and EINTR), then empty the buffer.
 * False with errno set if the write failed. */
bool strbuf_write_out(struct strbuf *b, int fd);

#endif
