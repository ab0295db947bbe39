/* server_line.h - recognise the three kinds of line a chatlab server sends (PROTOCOL.md). */
#ifndef CLIENT_SERVER_LINE_H
#define CLIENT_SERVER_LINE_H

#include <stddef.h>

enum server_line_kind {
    SERVER_LINE_CHAT,    /* <NICK> TEXT */
    SERVER_LINE_NOTICE,  /* * TEXT */
    SERVER_LINE_ERROR,   /* ! TEXT */
    SERVER_LINE_OTHER,   /* anything else: shown as it is */
};

struct server_line {
    enum server_line_kind kind;
    const char *nick;    /* SERVER_LINE_CHAT only: the NICK between < and > */
    size_t nick_len;
    const char *text;    /* what follows "<NICK> ", "* " or "! "; the whole line for OTHER */
    size_t text_len;
};

/* Pointers point into `line`; nothing is copied. */
struct server_line server_line_parse(const char *line, size_t len);

#endif
