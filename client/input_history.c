/* input_history.c - see input_history.h. A ring: the oldest line is overwritten when full. */
#include "input_history.h"

#include <string.h>

void input_history_init(struct input_history *h)
{
    h->count = 0;
    h->newest = 0;
}

void input_history_add(struct input_history *h, const char *line, size_t len)
{
    if (len == 0)
        return;
    if (len > INPUT_HISTORY_LINE)
        len = INPUT_HISTORY_LINE;
    size_t previous_len;
    const char *previous = input_history_get(h, 1, &previous_len);
    if (previous && previous_len == len && memcmp(previous, line, len) == 0)
        return;

    size_t slot = h->count == 0 ? 0 : (h->newest + 1) % INPUT_HISTORY_SIZE;
    memcpy(h->lines[slot], line, len);
    h->lines[slot][len] = '\0';
    h->lens[slot] = len;
    h->newest = slot;
    if (h->count < INPUT_HISTORY_SIZE)
        h->count++;
}

const char *input_history_get(const struct input_history *h, size_t age, size_t *len)
{
    if (age < 1 || age > h->count)
        return NULL;
    size_t slot = (h->newest + INPUT_HISTORY_SIZE - (age - 1)) % INPUT_HISTORY_SIZE;
    *len = h->lens[slot];
    return h->lines[slot];
}
