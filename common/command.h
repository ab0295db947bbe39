/* command.h - what a (trimmed, valid) client line asks for. */
#ifndef CHAT_COMMAND_H
#define CHAT_COMMAND_H

#include <stddef.h>

enum command_kind {
    CMD_EMPTY,     /* nothing to do */
    CMD_CHAT,      /* text to broadcast; "//x" arrives here as "/x" */
    CMD_NICK,
    CMD_WHO,
    CMD_HELP,
    CMD_BRB,
    CMD_BACK,
    CMD_QUIT,
    CMD_UNKNOWN,   /* arg holds the word as typed, with its "/" */
};

struct command {
    enum command_kind kind;
    const char *arg;   /* points into the parsed line; not NUL-terminated */
    size_t arg_len;    /* 0 when there is no argument */
};

/* Parse a line that has already been trimmed and validated. Command words are
 * case-insensitive; the argument is the rest of the line after the word and its blanks. */
struct command command_parse(const char *line, size_t len);

#endif
