/* screen.h - everything the client writes to stdout.
 *
 * Two modes. Interactive (stdin and stdout are terminals): the last row holds the prompt and
 * the line being typed; an incoming line erases that row, is printed, and the row is drawn
 * again below it, so typing is never mixed into messages. Plain (a pipe or file is involved):
 * received lines are printed and nothing else, for scripts.
 * Output is collected and written with one write() per update, in screen_update(). */
#ifndef CLIENT_SCREEN_H
#define CLIENT_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "line_editor.h"
#include "self_state.h"
#include "strbuf.h"

/* The longest line from the server that is shown whole; longer ones are cut (line_reader).
 * A /who reply with 1000 users is about 25 KB, so this leaves plenty of margin. */
#define SCREEN_MAX_LINE 65536

struct screen {
    bool interactive;       /* prompt and line editor */
    bool color;             /* ANSI colours */
    bool sanitize;          /* stdout is a terminal: never pass it control characters */
    bool prompt_enabled;    /* false once the client is leaving */
    bool prompt_shown;      /* the prompt row is on screen: erase it before printing above */
    bool failed;            /* a write to stdout failed; errno saved in error */
    int error;
    struct strbuf out;
    char storage[SCREEN_MAX_LINE + 4096];   /* a whole line plus colours and the prompt */
};

void screen_init(struct screen *s, bool interactive, bool color, bool sanitize);

/* Queue one line from the server. `line` may be modified (sanitised) in place. */
void screen_add_line(struct screen *s, char *line, size_t len, bool cut);

void screen_clear(struct screen *s);        /* Ctrl-L */
void screen_bell(struct screen *s);

/* Erase the prompt for good: the client is leaving and only prints what still arrives. */
void screen_remove_prompt(struct screen *s);

/* Draw the prompt row again (interactive) and write everything queued. False if writing to
 * stdout failed (now or earlier); errno in s->error. editor may be NULL in plain mode. */
bool screen_update(struct screen *s, const struct self_state *self, struct line_editor *editor);

#endif
