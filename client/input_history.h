/* input_history.h - the lines the user typed, for recall with the Up arrow.
 *
 * Fixed size: the last INPUT_HISTORY_SIZE lines of at most INPUT_HISTORY_LINE bytes each, so
 * it needs no malloc and cannot grow. */
#ifndef CLIENT_INPUT_HISTORY_H
#define CLIENT_INPUT_HISTORY_H

#include <stddef.h>

#include "protocol.h"

#define INPUT_HISTORY_SIZE 100
#define INPUT_HISTORY_LINE CHAT_MAX_LINE

struct input_history {
    char lines[INPUT_HISTORY_SIZE][INPUT_HISTORY_LINE + 1];
    size_t lens[INPUT_HISTORY_SIZE];
    size_t count;       /* how many slots are used */
    size_t newest;      /* slot of the most recent line, when count > 0 */
};

void input_history_init(struct input_history *h);

/* Remember a line, unless it is empty or repeats the most recent one. Longer lines are cut. */
void input_history_add(struct input_history *h, const char *line, size_t len);

/* The line `age` steps back: 1 is the most recent. NULL when there is no such line. */
const char *input_history_get(const struct input_history *h, size_t age, size_t *len);

#endif
