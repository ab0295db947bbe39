/* line_reader.c - see line_reader.h. */
#include "line_reader.h"

#include <string.h>

void line_reader_init(struct line_reader *r, char *storage, size_t cap)
{
    r->buf = storage;
    r->cap = cap;
    r->start = 0;
    r->len = 0;
    r->discarding = false;
    r->ended = false;
}

size_t line_reader_feed(struct line_reader *r, const char *data, size_t n)
{
    /* Move the unread bytes to the front so all free space is in one piece. */
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->len);
        r->start = 0;
    }
    size_t room = r->cap - r->len;
    size_t take = n < room ? n : room;
    memcpy(r->buf + r->len, data, take);
    r->len += take;
    return take;
}

static void consume(struct line_reader *r, size_t n)
{
    r->start += n;
    r->len -= n;
}

bool line_reader_next(struct line_reader *r, struct line *out)
{
    for (;;) {
        char *text = r->buf + r->start;
        char *newline = memchr(text, '\n', r->len);

        if (newline) {
            size_t line_len = (size_t)(newline - text);
            consume(r, line_len + 1);
            if (r->discarding) {        /* the end of a line we already handed out cut */
                r->discarding = false;
                continue;
            }
            *out = (struct line){ .text = text, .len = line_len, .cut = false };
            return true;
        }

        if (r->len == r->cap) {         /* full and no newline: the line is too long */
            size_t line_len = r->len;
            consume(r, line_len);
            if (r->discarding)
                continue;
            r->discarding = true;
            *out = (struct line){ .text = text, .len = line_len, .cut = true };
            return true;
        }

        if (r->ended && r->len > 0) {   /* the stream ended in the middle of a line */
            size_t line_len = r->len;
            consume(r, line_len);
            if (r->discarding) {
                r->discarding = false;
                return false;
            }
            *out = (struct line){ .text = text, .len = line_len, .cut = false };
            return true;
        }
        return false;
    }
}

void line_reader_end(struct line_reader *r)
{
    r->ended = true;
}
