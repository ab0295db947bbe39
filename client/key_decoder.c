/* key_decoder.c - see key_decoder.h. Understands what xterm-like terminals send: CSI
 * sequences ("ESC [ ... final"), SS3 arrows ("ESC O A") and UTF-8. */
#include "key_decoder.h"

#include <stdlib.h>

#include "utf8_char.h"

#define ESC 0x1B
#define CTRL(letter) ((letter) & 0x1F)   /* the byte Ctrl+letter sends, e.g. Ctrl-A = 1 */

void key_decoder_init(struct key_decoder *d)
{
    d->state = KEY_STATE_START;
    d->params_len = 0;
    d->utf8_have = 0;
    d->utf8_need = 0;
}

static enum key_kind control_key(unsigned char byte)
{
    switch (byte) {
    case '\r':
    case '\n':      return KEY_ENTER;
    case 0x7F:
    case CTRL('H'): return KEY_BACKSPACE;
    case CTRL('A'): return KEY_HOME;
    case CTRL('E'): return KEY_END;
    case CTRL('B'): return KEY_LEFT;
    case CTRL('F'): return KEY_RIGHT;
    case CTRL('P'): return KEY_UP;
    case CTRL('N'): return KEY_DOWN;
    case CTRL('K'): return KEY_KILL_TO_END;
    case CTRL('U'): return KEY_KILL_TO_START;
    case CTRL('W'): return KEY_KILL_WORD;
    case CTRL('L'): return KEY_CLEAR_SCREEN;
    case CTRL('D'): return KEY_CTRL_D;
    case CTRL('C'): return KEY_INTERRUPT;
    default:        return KEY_IGNORED;   /* TAB too: it would upset the column count */
    }
}

/* The letter ending "ESC [ A" or "ESC O A". Modifiers ("ESC [ 1 ; 5 C") are ignored. */
static enum key_kind letter_key(unsigned char final)
{
    switch (final) {
    case 'A': return KEY_UP;
    case 'B': return KEY_DOWN;
    case 'C': return KEY_RIGHT;
    case 'D': return KEY_LEFT;
    case 'H': return KEY_HOME;
    case 'F': return KEY_END;
    default:  return KEY_IGNORED;
    }
}

/* "ESC [ N ~" keys: the number says which (VT220 numbering, as xterm sends them). */
static enum key_kind tilde_key(const char *params)
{
    switch (atoi(params)) {
    case 1: case 7: return KEY_HOME;
    case 4: case 8: return KEY_END;
    case 3:         return KEY_DELETE;
    default:        return KEY_IGNORED;
    }
}

static bool emit(struct key *key, enum key_kind kind)
{
    key->kind = kind;
    key->text_len = 0;
    return true;
}

static bool feed_start(struct key_decoder *d, unsigned char byte, struct key *key)
{
    if (byte == ESC) {
        d->state = KEY_STATE_ESC;
        return false;
    }
    if (byte < 0x20 || byte == 0x7F)
        return emit(key, control_key(byte));
    if (byte < 0x80) {
        key->kind = KEY_TEXT;
        key->text[0] = (char)byte;
        key->text_len = 1;
        return true;
    }
    size_t need = utf8_char_expected_length(byte);
    if (need == 0)
        return emit(key, KEY_IGNORED);
    d->state = KEY_STATE_UTF8;
    d->utf8[0] = byte;
    d->utf8_have = 1;
    d->utf8_need = need;
    return false;
}

static bool feed_csi(struct key_decoder *d, unsigned char byte, struct key *key)
{
    if (byte >= 0x20 && byte <= 0x3F) {           /* parameter or intermediate byte */
        if (d->params_len < sizeof d->params - 1)
            d->params[d->params_len++] = (char)byte;
        return false;
    }
    d->state = KEY_STATE_START;
    if (byte >= 0x40 && byte <= 0x7E) {           /* final byte: the sequence is complete */
        d->params[d->params_len] = '\0';
        return emit(key, byte == '~' ? tilde_key(d->params) : letter_key(byte));
    }
    return feed_start(d, byte, key);              /* broken sequence: start over */
}

static bool feed_utf8(struct key_decoder *d, unsigned char byte, struct key *key)
{
    if ((byte & 0xC0) != 0x80) {                  /* not a continuation: drop the partial */
        d->state = KEY_STATE_START;
        return feed_start(d, byte, key);
    }
    d->utf8[d->utf8_have++] = byte;
    if (d->utf8_have < d->utf8_need)
        return false;

    d->state = KEY_STATE_START;
    size_t n = d->utf8_have;
    if (utf8_char_length(d->utf8, n) != n || utf8_char_is_c1_control(d->utf8, n))
        return emit(key, KEY_IGNORED);
    key->kind = KEY_TEXT;
    for (size_t i = 0; i < n; i++)
        key->text[i] = (char)d->utf8[i];
    key->text_len = n;
    return true;
}

bool key_decoder_feed(struct key_decoder *d, unsigned char byte, struct key *key)
{
    switch (d->state) {
    case KEY_STATE_START:
        return feed_start(d, byte, key);
    case KEY_STATE_ESC:
        if (byte == '[' || byte == 'O') {
            d->state = byte == '[' ? KEY_STATE_CSI : KEY_STATE_SS3;
            d->params_len = 0;
            return false;
        }
        /* Alt+key sends ESC then the key: take the key alone rather than lose it. */
        d->state = KEY_STATE_START;
        return feed_start(d, byte, key);
    case KEY_STATE_CSI:
        return feed_csi(d, byte, key);
    case KEY_STATE_SS3:
        d->state = KEY_STATE_START;
        return emit(key, letter_key(byte));
    case KEY_STATE_UTF8:
        return feed_utf8(d, byte, key);
    }
    return false;
}
