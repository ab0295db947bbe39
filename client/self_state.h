/* self_state.h - what the server's lines tell us about ourselves.
 *
 * The server never says "you are X" after the welcome; the client works it out from the room
 * lines it receives: the welcome names us, "* OLD is now known as NEW" with OLD == us renames
 * us, "* US is away" / "* US is back" change our away state. The prompt shows the result. */
#ifndef CLIENT_SELF_STATE_H
#define CLIENT_SELF_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

struct self_state {
    char nick[CHAT_MAX_NICK + 1];
    bool welcomed;          /* the welcome line arrived, so nick is known */
    bool away;
    bool in_history;        /* between "* history: K lines" and "* end of history" */
    bool server_full;       /* "! server full ..." arrived: the server is refusing us */
    bool shutting_down;     /* "* server is shutting down" arrived */
    char refusal[96];       /* the text of the "server full" error, for the exit message */
};

void self_state_init(struct self_state *s);

/* Update *s from one line received from the server (raw, as it arrived). */
void self_state_observe(struct self_state *s, const char *line, size_t len);

#endif
