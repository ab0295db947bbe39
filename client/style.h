/* style.h - colours for a terminal: nicks, notices, errors and the prompt.
 *
 * Everything here only adds ANSI SGR sequences ("\033[...m") around text; with colour off the
 * text is added unchanged. Sanitising network text is not done here (see sanitize.h). */
#ifndef CLIENT_STYLE_H
#define CLIENT_STYLE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* The SGR colour code (e.g. 32 for green) for a nick. The same nick always gets the same
 * colour, in any letter case (nicks are unique ignoring case, and /nick Bob -> BOB should not
 * repaint someone). Red is never used: it is reserved for errors. */
int style_nick_color(const char *nick, size_t len);

/* Append one server line, coloured by its kind when `color`: the nick of a chat line in its
 * colour, notices dimmed, errors bold red. `cut` adds a marker that the line was truncated. */
void style_server_line(struct strbuf *out, const char *line, size_t len, bool cut, bool color);

/* Append the prompt: "> " before the welcome, "NICK> " after it, "NICK (away)> " when away.
 * Returns its width in terminal columns (escape sequences take none). */
size_t style_prompt(struct strbuf *out, const char *nick, bool away, bool color);

#endif
