/* screen.c - see screen.h. */
#include "screen.h"

#include <errno.h>
#include <unistd.h>

#include "sanitize.h"
#include "style.h"
#include "terminal.h"

#define ERASE_ROW "\r\033[K"   /* to column 0, erase to the end of the row */

void screen_init(struct screen *s, bool interactive, bool color, bool sanitize)
{
    s->interactive = interactive;
    s->color = color;
    s->sanitize = sanitize;
    s->prompt_enabled = interactive;
    s->prompt_shown = false;
    s->failed = false;
    s->error = 0;
    strbuf_init(&s->out, s->storage, sizeof s->storage);
}

static void write_out(struct screen *s)
{
    if (!strbuf_write_out(&s->out, STDOUT_FILENO) && !s->failed) {
        s->failed = true;
        s->error = errno;
    }
}

static void erase_prompt(struct screen *s)
{
    if (s->prompt_shown)
        strbuf_add_str(&s->out, ERASE_ROW);
    s->prompt_shown = false;
}

void screen_add_line(struct screen *s, char *line, size_t len, bool cut)
{
    if (len > SCREEN_MAX_LINE)
        len = SCREEN_MAX_LINE;
    /* Write out what is queued if this line and its colours might not fit behind it. */
    if (strbuf_room(&s->out) < len + 256)
        write_out(s);

    if (s->sanitize)
        sanitize_for_terminal(line, len);
    erase_prompt(s);
    /* The "[...]" marker is for people; piped output stays exactly what was received. */
    style_server_line(&s->out, line, len, cut && s->sanitize, s->color);
    strbuf_add_str(&s->out, "\n");
}

void screen_clear(struct screen *s)
{
    strbuf_add_str(&s->out, "\033[H\033[2J");   /* cursor home, erase the whole screen */
    s->prompt_shown = false;
}

void screen_bell(struct screen *s)
{
    strbuf_add_str(&s->out, "\a");
}

void screen_remove_prompt(struct screen *s)
{
    erase_prompt(s);
    s->prompt_enabled = false;
}

bool screen_update(struct screen *s, const struct self_state *self, struct line_editor *editor)
{
    if (s->prompt_enabled && editor) {
        strbuf_add_str(&s->out, "\r");
        size_t width = style_prompt(&s->out, self->welcomed ? self->nick : "", self->away,
                                    s->color);
        line_editor_render(editor, &s->out, width, terminal_columns(STDOUT_FILENO));
        s->prompt_shown = true;
    }
    write_out(s);
    return !s->failed;
}
