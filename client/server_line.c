/* server_line.c - see server_line.h. */
#include "server_line.h"

#include <stdbool.h>
#include <string.h>

/* Longer than any real nick (16), short enough that "<" starting a random line is not read
 * as a nick that spans the whole screen. */
#define NICK_SCAN_LIMIT 32

static bool starts_with(const char *line, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(line, prefix, n) == 0;
}

/* "<NICK> TEXT": a nick of 1..NICK_SCAN_LIMIT bytes without spaces, then "> " or the end. */
static bool parse_chat(const char *line, size_t len, struct server_line *out)
{
    if (len < 3 || line[0] != '<')
        return false;
    size_t limit = len < NICK_SCAN_LIMIT + 2 ? len : NICK_SCAN_LIMIT + 2;
    for (size_t i = 1; i < limit; i++) {
        if (line[i] == ' ' || line[i] == '<')
            return false;
        if (line[i] != '>')
            continue;
        if (i == 1 || (i + 1 < len && line[i + 1] != ' '))
            return false;
        size_t text_start = i + 1 < len ? i + 2 : len;
        *out = (struct server_line){
            .kind = SERVER_LINE_CHAT,
            .nick = line + 1, .nick_len = i - 1,
            .text = line + text_start, .text_len = len - text_start,
        };
        return true;
    }
    return false;
}

struct server_line server_line_parse(const char *line, size_t len)
{
    struct server_line out;
    if (parse_chat(line, len, &out))
        return out;
    if (starts_with(line, len, "* "))
        return (struct server_line){ .kind = SERVER_LINE_NOTICE, .text = line + 2, .text_len = len - 2 };
    if (starts_with(line, len, "! "))
        return (struct server_line){ .kind = SERVER_LINE_ERROR, .text = line + 2, .text_len = len - 2 };
    return (struct server_line){ .kind = SERVER_LINE_OTHER, .text = line, .text_len = len };
}
