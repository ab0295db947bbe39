/* roomlog.h - the numbered, bounded log of room lines.
 *
 * The log is both the room's history (what a newcomer is replayed) and its delivery queue:
 * every client keeps a cursor, the number of the next line it has not yet taken, and takes
 * lines from there. Lines are numbered from 0 upwards and never renumbered. The log keeps
 * the newest `capacity` lines; appending to a full log drops the oldest one, so a cursor that
 * points below roomlog_first() has lost lines. */
#ifndef CHAT_ROOMLOG_H
#define CHAT_ROOMLOG_H

#include <stddef.h>
#include <stdint.h>

struct logline {
    char *text;     /* the line as sent, ending in "\n" */
    size_t len;
    uint64_t end;   /* bytes ever appended to the log, up to and including this line */
};

struct roomlog {
    struct logline *slots;  /* ring buffer: line n lives in slots[n % capacity] */
    size_t capacity;
    uint64_t first;         /* oldest line still kept */
    uint64_t next;          /* number the next appended line will get */
    uint64_t bytes;         /* bytes ever appended */
};

/* Returns 0, or -1 if out of memory. */
int roomlog_init(struct roomlog *log, size_t capacity);
void roomlog_free(struct roomlog *log);

/* Append a copy of text[0..len) (which must end in "\n"); returns its number.
 * Aborts the program if memory runs out: the log's size is bounded by its capacity. */
uint64_t roomlog_append(struct roomlog *log, const char *text, size_t len);

/* Line n, or NULL if it was dropped or does not exist yet. */
const struct logline *roomlog_get(const struct roomlog *log, uint64_t n);

/* Bytes in lines n, n+1, ... up to the newest; n must be kept (>= first) or be next. */
uint64_t roomlog_bytes_from(const struct roomlog *log, uint64_t n);

static inline uint64_t roomlog_first(const struct roomlog *log) { return log->first; }
static inline uint64_t roomlog_next(const struct roomlog *log) { return log->next; }

#endif
