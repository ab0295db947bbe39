/* text.h - what a client line may contain, and trimming. */
#ifndef CHAT_TEXT_H
#define CHAT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF) and has no control characters: bytes below 0x20 other than TAB, and 0x7F.
 * This is what keeps terminal escape sequences away from other users' screens. */
bool text_is_valid(const char *s, size_t n);

/* Drop leading and trailing spaces and tabs by moving *s and shrinking *n. */
void text_trim(const char **s, size_t *n);

#endif
