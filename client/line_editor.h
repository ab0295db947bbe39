/* line_editor.h - the line the user is typing: editing keys, history recall, and drawing it.
 *
 * It knows nothing about sockets or the screen around it: bytes from the keyboard go in,
 * events come out, and line_editor_render() appends the escape sequences that show the line.
 * The text is kept as valid UTF-8; the cursor and the scroll position move by characters
 * (each character is assumed to take one column: wide CJK characters will look misaligned). */
#ifndef CLIENT_LINE_EDITOR_H
#define CLIENT_LINE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "input_history.h"
#include "key_decoder.h"
#include "protocol.h"
#include "strbuf.h"

/* The server refuses longer lines anyway; stopping here tells the user while they type. */
#define LINE_EDITOR_MAX CHAT_MAX_LINE

enum line_editor_event {
    LINE_EDITOR_NOTHING,       /* nothing visible changed (or the key is not complete yet) */
    LINE_EDITOR_CHANGED,       /* redraw the line */
    LINE_EDITOR_SUBMITTED,     /* Enter: take the line with line_editor_submitted() */
    LINE_EDITOR_END,           /* Ctrl-D on an empty line: the user is done */
    LINE_EDITOR_INTERRUPT,     /* Ctrl-C */
    LINE_EDITOR_CLEAR_SCREEN,  /* Ctrl-L: clear the screen, then redraw */
    LINE_EDITOR_BELL,          /* refused (line full, no older history): ring the bell */
};

struct line_editor {
    char text[LINE_EDITOR_MAX + 1];
    size_t len;                 /* bytes in text */
    size_t cursor;              /* byte offset, always at the start of a character */
    size_t scroll;              /* first character shown, when the line is wider than the screen */
    struct key_decoder keys;
    struct input_history history;
    size_t history_age;         /* 0: editing a new line; N: showing the Nth most recent one */
    char draft[LINE_EDITOR_MAX + 1];   /* the new line, kept while browsing history */
    size_t draft_len;
    char submitted[LINE_EDITOR_MAX + 1];
    size_t submitted_len;
};

void line_editor_init(struct line_editor *e);

/* One byte from the keyboard. */
enum line_editor_event line_editor_feed(struct line_editor *e, unsigned char byte);

/* After LINE_EDITOR_SUBMITTED: the line (NUL-terminated too). The editor is empty again. */
const char *line_editor_submitted(const struct line_editor *e, size_t *len);

/* The line being typed, and the cursor as a byte offset in it. */
const char *line_editor_text(const struct line_editor *e, size_t *len, size_t *cursor);

/* Append what draws the line after a prompt `prompt_width` columns wide that the caller has
 * just written at the start of the row: the visible part of the text, erase-to-end-of-line,
 * and the cursor moved to its place. Lines wider than `columns` scroll sideways. */
void line_editor_render(struct line_editor *e, struct strbuf *out,
                        size_t prompt_width, size_t columns);

#endif
