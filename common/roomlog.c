/* roomlog.c - see roomlog.h. */
#include "roomlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int roomlog_init(struct roomlog *log, size_t capacity)
{
    log->slots = calloc(capacity, sizeof *log->slots);
    log->capacity = capacity;
    log->first = log->next = 0;
    log->bytes = 0;
    return log->slots ? 0 : -1;
}

void roomlog_free(struct roomlog *log)
{
    for (size_t i = 0; i < log->capacity; i++)
        free(log->slots[i].text);
    free(log->slots);
    log->slots = NULL;
}

uint64_t roomlog_append(struct roomlog *log, const char *text, size_t len)
{
    struct logline *slot = &log->slots[log->next % log->capacity];
    char *copy = realloc(slot->text, len);
    if (!copy) {
        fputs("roomlog: out of memory\n", stderr);
        abort();
    }
    memcpy(copy, text, len);
    slot->text = copy;
    slot->len = len;
    log->bytes += len;
    slot->end = log->bytes;
    if (log->next - log->first == log->capacity)
        log->first++;
    return log->next++;
}

const struct logline *roomlog_get(const struct roomlog *log, uint64_t n)
{
    if (n < log->first || n >= log->next)
        return NULL;
    return &log->slots[n % log->capacity];
}

uint64_t roomlog_bytes_from(const struct roomlog *log, uint64_t n)
{
    const struct logline *line = roomlog_get(log, n);
    return line ? log->bytes - (line->end - line->len) : 0;
}
