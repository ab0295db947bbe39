/* utf8_char.h - recognise one well-formed UTF-8 character. */
#ifndef CLIENT_UTF8_CHAR_H
#define CLIENT_UTF8_CHAR_H

#include <stdbool.h>
#include <stddef.h>

/* How many bytes a character starting with this byte has (1-4), or 0 when the byte cannot
 * start a character (a continuation byte, 0xC0, 0xC1, 0xF5..0xFF). */
size_t utf8_char_expected_length(unsigned char first);

/* Length of the well-formed character at s[0..n), or 0 when it is malformed or cut short.
 * Overlong forms, UTF-16 surrogates and code points above U+10FFFF are malformed. */
size_t utf8_char_length(const unsigned char *s, size_t n);

/* True for U+0080..U+009F (C1 controls): some terminals obey them like escape sequences. */
bool utf8_char_is_c1_control(const unsigned char *s, size_t n);

#endif
