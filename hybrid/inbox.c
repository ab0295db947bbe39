/* inbox.c - see inbox.h. */
#include "inbox.h"

#include <assert.h>
#include <string.h>

void inbox_init(struct inbox *in)
{
    in->head = 0;
    in->count = 0;
}

void inbox_push(struct inbox *in, enum frame_kind kind, const char *text, size_t len)
{
    assert(!inbox_full(in) && len <= CHAT_MAX_LINE);
    struct inbox_line *slot = &in->slots[(in->head + in->count) % INBOX_LINES];
    slot->kind = kind;
    slot->len = len;
    if (len > 0)                    /* FRAME_TOO_LONG has no text at all */
        memcpy(slot->text, text, len);
    in->count++;
}

bool inbox_pop(struct inbox *in, struct inbox_line *line)
{
    if (inbox_empty(in))
        return false;
    const struct inbox_line *slot = &in->slots[in->head];
    line->kind = slot->kind;
    line->len = slot->len;
    memcpy(line->text, slot->text, slot->len);
    in->head = (in->head + 1) % INBOX_LINES;
    in->count--;
    return true;
}
