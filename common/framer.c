/* framer.c - see framer.h. */
#include "framer.h"

void framer_init(struct framer *f)
{
    f->len = 0;
    f->discarding = false;
}

enum frame_kind framer_next(struct framer *f, const char **data, size_t *len,
                            const char **line, size_t *line_len)
{
    while (*len > 0) {
        char c = **data;
        (*data)++;
        (*len)--;

        if (f->discarding) {
            if (c == '\n')
                f->discarding = false;
            continue;
        }
        if (c == '\n') {
            size_t n = f->len;
            if (n > 0 && f->buf[n - 1] == '\r')
                n--;
            f->len = 0;
            *line = f->buf;
            *line_len = n;
            return FRAME_LINE;
        }
        if (f->len == CHAT_MAX_LINE + 1) {
            /* Buffer already holds 512 bytes plus a "\r" hoping to be a CRLF; this byte is not
             * "\n", so the line is too long. Discard it through its "\n". */
            f->len = 0;
            f->discarding = true;
            return FRAME_TOO_LONG;
        }
        f->buf[f->len++] = c;
        if (f->len == CHAT_MAX_LINE + 1 && c != '\r') {
            f->len = 0;
            f->discarding = true;
            return FRAME_TOO_LONG;
        }
    }
    return FRAME_NONE;
}
