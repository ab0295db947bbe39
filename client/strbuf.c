/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void strbuf_init(struct strbuf *b, char *storage, size_t cap)
{
    b->data = storage;
    b->len = 0;
    b->cap = cap;
}

size_t strbuf_room(const struct strbuf *b)
{
    return b->cap - b->len;
}

void strbuf_add(struct strbuf *b, const char *text, size_t len)
{
    size_t n = len < strbuf_room(b) ? len : strbuf_room(b);
    memcpy(b->data + b->len, text, n);
    b->len += n;
}

void strbuf_add_str(struct strbuf *b, const char *text)
{
    strbuf_add(b, text, strlen(text));
}

bool strbuf_write_out(struct strbuf *b, int fd)
{
    size_t done = 0;
    while (done < b->len) {
        ssize_t n = write(fd, b->data + done, b->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            b->len = 0;
            return false;
        }
        done += (size_t)n;
    }
    b->len = 0;
    return true;
}
