/* line_editor.c - see line_editor.h. */
#include "line_editor.h"

#include <stdio.h>
#include <string.h>

void line_editor_init(struct line_editor *e)
{
    e->len = 0;
    e->cursor = 0;
    e->scroll = 0;
    e->text[0] = '\0';
    key_decoder_init(&e->keys);
    input_history_init(&e->history);
    e->history_age = 0;
    e->draft_len = 0;
    e->submitted_len = 0;
    e->submitted[0] = '\0';
}

/* ---- moving by characters, not bytes ---- */

static bool is_continuation(char byte)
{
    return ((unsigned char)byte & 0xC0) == 0x80;
}

static size_t previous_char(const struct line_editor *e, size_t pos)
{
    if (pos == 0)
        return 0;
    do
        pos--;
    while (pos > 0 && is_continuation(e->text[pos]));
    return pos;
}

static size_t next_char(const struct line_editor *e, size_t pos)
{
    if (pos >= e->len)
        return e->len;
    do
        pos++;
    while (pos < e->len && is_continuation(e->text[pos]));
    return pos;
}

static size_t chars_before(const struct line_editor *e, size_t pos)
{
    size_t count = 0;
    for (size_t i = 0; i < pos; i++)
        if (!is_continuation(e->text[i]))
            count++;
    return count;
}

static size_t offset_of_char(const struct line_editor *e, size_t index)
{
    size_t pos = 0;
    while (index-- > 0 && pos < e->len)
        pos = next_char(e, pos);
    return pos;
}

/* ---- changing the text ---- */

static void set_text(struct line_editor *e, const char *text, size_t len)
{
    memcpy(e->text, text, len);
    e->len = len;
    e->text[len] = '\0';
    e->cursor = len;
}

static void delete_range(struct line_editor *e, size_t from, size_t to)
{
    memmove(e->text + from, e->text + to, e->len - to);
    e->len -= to - from;
    e->text[e->len] = '\0';
    if (e->cursor > to)
        e->cursor -= to - from;
    else if (e->cursor > from)
        e->cursor = from;
}

static enum line_editor_event insert(struct line_editor *e, const char *bytes, size_t n)
{
    if (e->len + n > LINE_EDITOR_MAX)
        return LINE_EDITOR_BELL;
    memmove(e->text + e->cursor + n, e->text + e->cursor, e->len - e->cursor);
    memcpy(e->text + e->cursor, bytes, n);
    e->len += n;
    e->cursor += n;
    e->text[e->len] = '\0';
    return LINE_EDITOR_CHANGED;
}

static enum line_editor_event kill_word(struct line_editor *e)
{
    size_t start = e->cursor;
    while (start > 0 && e->text[start - 1] == ' ')
        start--;
    while (start > 0 && e->text[start - 1] != ' ')
        start--;
    delete_range(e, start, e->cursor);
    return LINE_EDITOR_CHANGED;
}

static enum line_editor_event submit(struct line_editor *e)
{
    memcpy(e->submitted, e->text, e->len + 1);
    e->submitted_len = e->len;
    input_history_add(&e->history, e->text, e->len);
    set_text(e, "", 0);
    e->scroll = 0;
    e->history_age = 0;
    return LINE_EDITOR_SUBMITTED;
}

/* ---- history ---- */

static enum line_editor_event history_older(struct line_editor *e)
{
    size_t len;
    const char *line = input_history_get(&e->history, e->history_age + 1, &len);
    if (!line)
        return LINE_EDITOR_BELL;
    if (e->history_age == 0) {       /* leaving the new line: keep it for the way back */
        memcpy(e->draft, e->text, e->len);
        e->draft_len = e->len;
    }
    e->history_age++;
    set_text(e, line, len);
    return LINE_EDITOR_CHANGED;
}

static enum line_editor_event history_newer(struct line_editor *e)
{
    if (e->history_age == 0)
        return LINE_EDITOR_NOTHING;
    e->history_age--;
    if (e->history_age == 0) {
        set_text(e, e->draft, e->draft_len);
    } else {
        size_t len;
        const char *line = input_history_get(&e->history, e->history_age, &len);
        set_text(e, line, len);
    }
    return LINE_EDITOR_CHANGED;
}

/* ---- keys ---- */

static enum line_editor_event apply_key(struct line_editor *e, const struct key *key)
{
    switch (key->kind) {
    case KEY_TEXT:
        return insert(e, key->text, key->text_len);
    case KEY_ENTER:
        return submit(e);
    case KEY_BACKSPACE:
        delete_range(e, previous_char(e, e->cursor), e->cursor);
        return LINE_EDITOR_CHANGED;
    case KEY_DELETE:
        delete_range(e, e->cursor, next_char(e, e->cursor));
        return LINE_EDITOR_CHANGED;
    case KEY_CTRL_D:
        if (e->len == 0)
            return LINE_EDITOR_END;
        delete_range(e, e->cursor, next_char(e, e->cursor));
        return LINE_EDITOR_CHANGED;
    case KEY_LEFT:
        e->cursor = previous_char(e, e->cursor);
        return LINE_EDITOR_CHANGED;
    case KEY_RIGHT:
        e->cursor = next_char(e, e->cursor);
        return LINE_EDITOR_CHANGED;
    case KEY_HOME:
        e->cursor = 0;
        return LINE_EDITOR_CHANGED;
    case KEY_END:
        e->cursor = e->len;
        return LINE_EDITOR_CHANGED;
    case KEY_UP:
        return history_older(e);
    case KEY_DOWN:
        return history_newer(e);
    case KEY_KILL_TO_END:
        delete_range(e, e->cursor, e->len);
        return LINE_EDITOR_CHANGED;
    case KEY_KILL_TO_START:
        delete_range(e, 0, e->cursor);
        return LINE_EDITOR_CHANGED;
    case KEY_KILL_WORD:
        return kill_word(e);
    case KEY_CLEAR_SCREEN:
        return LINE_EDITOR_CLEAR_SCREEN;
    case KEY_INTERRUPT:
        return LINE_EDITOR_INTERRUPT;
    case KEY_IGNORED:
        return LINE_EDITOR_NOTHING;
    }
    return LINE_EDITOR_NOTHING;
}

enum line_editor_event line_editor_feed(struct line_editor *e, unsigned char byte)
{
    struct key key;
    if (!key_decoder_feed(&e->keys, byte, &key))
        return LINE_EDITOR_NOTHING;
    return apply_key(e, &key);
}

const char *line_editor_submitted(const struct line_editor *e, size_t *len)
{
    *len = e->submitted_len;
    return e->submitted;
}

const char *line_editor_text(const struct line_editor *e, size_t *len, size_t *cursor)
{
    *len = e->len;
    *cursor = e->cursor;
    return e->text;
}

/* ---- drawing ---- */

void line_editor_render(struct line_editor *e, struct strbuf *out,
                        size_t prompt_width, size_t columns)
{
    /* Keep the last column free: writing there makes some terminals wrap early. */
    size_t window = columns > prompt_width + 1 ? columns - prompt_width - 1 : 1;
    size_t total = chars_before(e, e->len);
    size_t at = chars_before(e, e->cursor);

    /* Scroll only as far as needed to keep the cursor in the window, and never leave empty
     * space on the right while text is hidden on the left (after deleting, say). */
    if (e->scroll > total)
        e->scroll = total;
    if (total - e->scroll < window)
        e->scroll = total + 1 > window ? total + 1 - window : 0;
    if (at < e->scroll)
        e->scroll = at;
    if (at >= e->scroll + window)
        e->scroll = at - window + 1;

    size_t from = offset_of_char(e, e->scroll);
    size_t to = offset_of_char(e, e->scroll + window);
    strbuf_add(out, e->text + from, to - from);
    strbuf_add_str(out, "\033[K\r");

    size_t column = prompt_width + (at - e->scroll);
    if (column > 0) {
        char move[24];
        int n = snprintf(move, sizeof move, "\033[%zuC", column);
        strbuf_add(out, move, (size_t)n);
    }
}
