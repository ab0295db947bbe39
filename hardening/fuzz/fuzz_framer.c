/* fuzz_framer.c - libFuzzer target for the line framer (common/framer.c).
 *
 * The input is a byte stream as a client might send it. Its first byte picks how the stream
 * is cut into recv() chunks; the rest is the stream. The framer is fed the stream three
 * ways, and all three must produce exactly the same events:
 *
 *   1. a reference model written here, that states PROTOCOL.md's rule directly on the whole
 *      stream (split at "\n", drop one "\r" before it, longer than CHAT_MAX_LINE: too long);
 *   2. the framer, given the whole stream in one call;
 *   3. the framer, given the stream in chunks of 1..600 bytes, as recv() might cut it.
 *
 * So the framer must not depend on where recv() cuts the bytes, must never return a line
 * longer than CHAT_MAX_LINE or containing "\n", and must not touch memory it does not own
 * (AddressSanitizer watches). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framer.h"

struct event {
    enum frame_kind kind;
    size_t start;       /* FRAME_LINE: the line is stream[start .. start + len) */
    size_t len;
};

struct events {
    struct event *v;
    size_t n;
};

static void add(struct events *e, enum frame_kind kind, size_t start, size_t len)
{
    e->v[e->n++] = (struct event){ kind, start, len };
}

/* The rule of PROTOCOL.md, applied to the whole stream at once. */
static void model(const uint8_t *s, size_t size, struct events *out)
{
    size_t seg = 0;                         /* start of the current line */
    for (size_t i = 0; i <= size; i++) {
        if (i < size && s[i] != '\n')
            continue;
        size_t len = i - seg;
        if (i == size) {
            /* No "\n" yet: the framer can only know the line is too long once it holds more
             * than CHAT_MAX_LINE bytes that cannot be "text + \r". */
            if (len > CHAT_MAX_LINE + 1 || (len == CHAT_MAX_LINE + 1 && s[i - 1] != '\r'))
                add(out, FRAME_TOO_LONG, 0, 0);
            break;
        }
        if (len > 0 && s[i - 1] == '\r')
            len--;
        if (len > CHAT_MAX_LINE)
            add(out, FRAME_TOO_LONG, 0, 0);
        else
            add(out, FRAME_LINE, seg, len);
        seg = i + 1;
    }
}

/* Feed the stream to a framer in the given chunk sizes (chunk_seed 0: one chunk) and check
 * every event against the model's, in order. */
static void check_framer(const uint8_t *s, size_t size, unsigned chunk_seed,
                         const struct events *want)
{
    struct framer f;
    framer_init(&f);
    size_t got = 0, offset = 0;
    unsigned lcg = chunk_seed;

    while (offset < size) {
        size_t chunk = size - offset;
        if (chunk_seed != 0) {
            lcg = lcg * 1103515245u + 12345u;
            size_t pick = 1 + (lcg >> 8) % 600;   /* up to past CHAT_MAX_LINE in one go */
            if (pick < chunk)
                chunk = pick;
        }
        const char *p = (const char *)s + offset;
        size_t left = chunk;
        const char *line;
        size_t len;
        enum frame_kind kind;
        while ((kind = framer_next(&f, &p, &left, &line, &len)) != FRAME_NONE) {
            if (got >= want->n) {
                fprintf(stderr, "framer: an extra event (kind %d) at offset %zu\n", kind,
                        offset + chunk - left);
                abort();
            }
            const struct event *e = &want->v[got++];
            if (kind != e->kind) {
                fprintf(stderr, "framer: event %zu is kind %d, the model says %d\n", got - 1,
                        kind, e->kind);
                abort();
            }
            if (kind == FRAME_LINE) {
                if (len > CHAT_MAX_LINE || memchr(line, '\n', len) ||
                    len != e->len || memcmp(line, s + e->start, len) != 0) {
                    fprintf(stderr, "framer: line %zu differs from the model (%zu vs %zu bytes)\n",
                            got - 1, len, e->len);
                    abort();
                }
            }
        }
        if (left != 0) {
            fprintf(stderr, "framer: FRAME_NONE with %zu bytes unconsumed\n", left);
            abort();
        }
        offset += chunk;
    }
    if (got != want->n) {
        fprintf(stderr, "framer: %zu events, the model says %zu\n", got, want->n);
        abort();
    }
    if (f.len > CHAT_MAX_LINE + 1) {
        fprintf(stderr, "framer: holds %zu bytes, more than a line\n", f.len);
        abort();
    }
}

/* How much was fuzzed, printed when libFuzzer exits normally (for results/RELIABILITY.md). */
static unsigned long long total_inputs, total_bytes;

__attribute__((destructor)) static void print_totals(void)
{
    fprintf(stderr, "fuzz_framer: %llu inputs, %llu bytes\n", total_inputs, total_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    total_inputs++;
    total_bytes += size;
    if (size == 0)
        return 0;
    unsigned chunk_seed = data[0] + 1u;     /* never 0, which means "one chunk" */
    const uint8_t *s = data + 1;
    size_t n = size - 1;

    struct events want = { calloc(n + 1, sizeof *want.v), 0 };  /* at most one event a byte */
    if (!want.v)
        abort();
    model(s, n, &want);
    check_framer(s, n, 0, &want);
    check_framer(s, n, chunk_seed, &want);
    free(want.v);
    return 0;
}
