/* wire.h - the load generator's side of the chat protocol: the text of a load message, and
 * what a line received from the server means.
 *
 * A load message is an ordinary chat line, so any server speaking PROTOCOL.md relays it:
 *
 *     #lg SEQ SENDER SCHED_NS xxxxxxxx...
 *
 * SEQ is the message number (0, 1, 2, ...), SENDER the index of the sending connection and
 * SCHED_NS the time the message was *scheduled* to be sent (CLOCK_MONOTONIC, nanoseconds),
 * not the time it was sent: a late send then shows up as latency instead of hiding it.
 * 'x' padding brings the text to the requested size. The server relays it as
 * "<NICK> #lg SEQ SENDER SCHED_NS xxx...". */
#ifndef LOADGEN_WIRE_H
#define LOADGEN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_TAG "#lg "
/* The longest possible header: tag, three numbers at their widest, separating spaces. */
#define WIRE_MAX_HEADER (sizeof WIRE_TAG - 1 + 20 + 1 + 10 + 1 + 20)

struct load_fields {
    uint64_t seq;
    uint32_t sender;
    uint64_t sched_ns;
};

/* Write the text of one load message followed by "\n" into buf (cap bytes). The text is
 * `size` bytes long, or just the header when that is longer. Returns the bytes written
 * including the "\n", or 0 if cap is too small. */
size_t wire_format_load(char *buf, size_t cap, const struct load_fields *f, size_t size);

enum line_kind {
    LINE_LOAD,           /* "<NICK> #lg ...": a load message, fields filled in */
    LINE_HISTORY_START,  /* "* history: K lines": verbatim old lines follow, to be skipped */
    LINE_HISTORY_END,    /* "* end of history" */
    LINE_ERROR,          /* "! ...": the server refused something we sent */
    LINE_OTHER,          /* anything else: welcome, joins, renames, other people's chat */
};

/* Classify one line (without its "\n"). */
enum line_kind wire_classify(const char *line, size_t len, struct load_fields *out);

/* True if the line is "* OLD is now known as NICK": our own /nick has taken effect. */
bool wire_is_rename_to(const char *line, size_t len, const char *nick);

#endif
