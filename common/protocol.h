/* protocol.h - the limits every part of chatlab agrees on (see PROTOCOL.md). */
#ifndef CHAT_PROTOCOL_H
#define CHAT_PROTOCOL_H

#define CHAT_MAX_LINE 512          /* bytes of client text before the "\n" (and optional "\r") */
#define CHAT_MAX_NICK 16           /* characters in a nickname */

/* The longest line the server can produce: "* NICK has quit (MESSAGE)\n" with a message of
 * nearly CHAT_MAX_LINE bytes. Room lines and direct replies always fit in this. */
#define CHAT_MAX_OUT_LINE (CHAT_MAX_LINE + CHAT_MAX_NICK + 64)

#define CHAT_VERSION "chatlab 1.0"

#endif
