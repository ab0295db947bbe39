/* style.c - see style.h. */
#include "style.h"

#include <stdio.h>
#include <string.h>

#include "server_line.h"

#define SGR_RESET "\033[0m"
#define SGR_DIM "\033[2m"
#define SGR_ERROR "\033[1;31m"      /* bold red */
#define SGR_AWAY "\033[1;33m"       /* bold yellow */

/* Normal and bright green, yellow, blue, magenta, cyan: readable on dark and light themes. */
static const int nick_palette[] = { 32, 33, 34, 35, 36, 92, 93, 94, 95, 96 };

int style_nick_color(const char *nick, size_t len)
{
    /* FNV-1a: a tiny hash that spreads similar nicks (guest1, guest2) over the palette. */
    unsigned hash = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)nick[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        hash = (hash ^ c) * 16777619u;
    }
    return nick_palette[hash % (sizeof nick_palette / sizeof nick_palette[0])];
}

static void add_color(struct strbuf *out, int code)
{
    char sgr[16];
    int n = snprintf(sgr, sizeof sgr, "\033[%dm", code);
    strbuf_add(out, sgr, (size_t)n);
}

static void add_cut_marker(struct strbuf *out, bool cut, bool color)
{
    if (!cut)
        return;
    strbuf_add_str(out, color ? SGR_DIM " [...]" SGR_RESET : " [...]");
}

void style_server_line(struct strbuf *out, const char *line, size_t len, bool cut, bool color)
{
    if (!color) {
        strbuf_add(out, line, len);
        add_cut_marker(out, cut, color);
        return;
    }

    struct server_line parsed = server_line_parse(line, len);
    switch (parsed.kind) {
    case SERVER_LINE_CHAT:
        strbuf_add_str(out, "<");
        add_color(out, style_nick_color(parsed.nick, parsed.nick_len));
        strbuf_add(out, parsed.nick, parsed.nick_len);
        strbuf_add_str(out, SGR_RESET ">");
        /* Everything after the nick, including the space, exactly as received. */
        strbuf_add(out, parsed.nick + parsed.nick_len + 1,
                   len - (size_t)(parsed.nick + parsed.nick_len + 1 - line));
        break;
    case SERVER_LINE_NOTICE:
        strbuf_add_str(out, SGR_DIM);
        strbuf_add(out, line, len);
        strbuf_add_str(out, SGR_RESET);
        break;
    case SERVER_LINE_ERROR:
        strbuf_add_str(out, SGR_ERROR);
        strbuf_add(out, line, len);
        strbuf_add_str(out, SGR_RESET);
        break;
    case SERVER_LINE_OTHER:
        strbuf_add(out, line, len);
        break;
    }
    add_cut_marker(out, cut, color);
}

size_t style_prompt(struct strbuf *out, const char *nick, bool away, bool color)
{
    size_t nick_len = strlen(nick);
    size_t width = nick_len + 2;   /* NICK and "> " */

    if (color && nick_len > 0)
        add_color(out, style_nick_color(nick, nick_len));
    strbuf_add(out, nick, nick_len);
    if (color && nick_len > 0)
        strbuf_add_str(out, SGR_RESET);
    if (away) {
        strbuf_add_str(out, color ? " " SGR_AWAY "(away)" SGR_RESET : " (away)");
        width += strlen(" (away)");
    }
    strbuf_add_str(out, "> ");
    return width;
}
