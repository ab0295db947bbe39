/* key_decoder.h - turn the bytes a terminal sends into keys.
 *
 * A key can be several bytes: an arrow is "ESC [ A", a UTF-8 letter is 2-4 bytes. Bytes are
 * fed one at a time (they may arrive split across reads) and a key comes out when complete. */
#ifndef CLIENT_KEY_DECODER_H
#define CLIENT_KEY_DECODER_H

#include <stdbool.h>
#include <stddef.h>

enum key_kind {
    KEY_TEXT,           /* one printable character, in key.text */
    KEY_ENTER,
    KEY_BACKSPACE,
    KEY_DELETE,
    KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END,
    KEY_UP, KEY_DOWN,
    KEY_KILL_TO_END,    /* Ctrl-K */
    KEY_KILL_TO_START,  /* Ctrl-U */
    KEY_KILL_WORD,      /* Ctrl-W */
    KEY_CLEAR_SCREEN,   /* Ctrl-L */
    KEY_CTRL_D,         /* end of input on an empty line, else delete */
    KEY_INTERRUPT,      /* Ctrl-C */
    KEY_IGNORED,        /* a key we do not handle, or malformed input */
};

struct key {
    enum key_kind kind;
    char text[4];       /* KEY_TEXT: the character's UTF-8 bytes */
    size_t text_len;
};

enum key_decoder_state {
    KEY_STATE_START,
    KEY_STATE_ESC,      /* got ESC */
    KEY_STATE_CSI,      /* got ESC [ : parameters until a final byte */
    KEY_STATE_SS3,      /* got ESC O : one more byte (keypad "application mode" arrows) */
    KEY_STATE_UTF8,     /* inside a multi-byte character */
};

struct key_decoder {
    enum key_decoder_state state;
    char params[16];    /* CSI parameters, e.g. "3" in "ESC [ 3 ~" */
    size_t params_len;
    unsigned char utf8[4];
    size_t utf8_have, utf8_need;
};

void key_decoder_init(struct key_decoder *d);

/* Feed one byte. True when it completed a key, stored in *key. */
bool key_decoder_feed(struct key_decoder *d, unsigned char byte, struct key *key);

#endif
