/* outbuf.h - a bounded queue of bytes waiting to be sent to one client.
 *
 * Its limit is the server's --sendq: appending past it fails, and the caller treats that as
 * "this client is too slow". Memory grows with use, up to the limit, and no further. */
#ifndef CHAT_OUTBUF_H
#define CHAT_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>

struct outbuf {
    char *data;
    size_t start;   /* first unsent byte */
    size_t len;     /* unsent bytes, from data + start */
    size_t cap;     /* allocated bytes */
    size_t limit;   /* most unsent bytes allowed */
};

void outbuf_init(struct outbuf *b, size_t limit);
void outbuf_free(struct outbuf *b);

/* Append n bytes; false (and nothing appended) if that would pass the limit. */
bool outbuf_append(struct outbuf *b, const char *p, size_t n);

/* Append one formatted line (the format includes its "\n"); false if it does not fit. */
bool outbuf_printf(struct outbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline const char *outbuf_data(const struct outbuf *b) { return b->data + b->start; }
static inline size_t outbuf_len(const struct outbuf *b) { return b->len; }
static inline size_t outbuf_space(const struct outbuf *b) { return b->limit - b->len; }

/* Forget the first n bytes (they were sent). */
void outbuf_consume(struct outbuf *b, size_t n);

#endif
