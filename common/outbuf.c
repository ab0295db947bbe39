/* outbuf.c - see outbuf.h. */
#include "outbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

void outbuf_init(struct outbuf *b, size_t limit)
{
    b->data = NULL;
    b->start = b->len = b->cap = 0;
    b->limit = limit;
}

void outbuf_free(struct outbuf *b)
{
    free(b->data);
    outbuf_init(b, b->limit);
}

/* Make room for n more bytes after the unsent ones: slide them to the front, then grow. */
static bool reserve(struct outbuf *b, size_t n)
{
    if (b->start + b->len + n <= b->cap)
        return true;
    if (b->start > 0) {
        memmove(b->data, b->data + b->start, b->len);
        b->start = 0;
        if (b->len + n <= b->cap)
            return true;
    }
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n)
        cap *= 2;
    if (cap > b->limit && b->limit >= b->len + n)
        cap = b->limit;
    char *data = realloc(b->data, cap);
    if (!data)
        return false;
    b->data = data;
    b->cap = cap;
    return true;
}

bool outbuf_append(struct outbuf *b, const char *p, size_t n)
{
    if (n > outbuf_space(b) || !reserve(b, n))
        return false;
    memcpy(b->data + b->start + b->len, p, n);
    b->len += n;
    return true;
}

bool outbuf_printf(struct outbuf *b, const char *fmt, ...)
{
    char line[CHAT_MAX_OUT_LINE + 1];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line)
        return false;
    return outbuf_append(b, line, (size_t)n);
}

void outbuf_consume(struct outbuf *b, size_t n)
{
    if (n > b->len)
        n = b->len;
    b->start += n;
    b->len -= n;
    if (b->len == 0)
        b->start = 0;
}
