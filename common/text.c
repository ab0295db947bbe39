/* text.c - see text.h. */
#include "text.h"

#include <stdint.h>

/* Length of the UTF-8 sequence starting at s[0..n), or 0 if it is malformed.
 * Follows the table of well-formed byte sequences in the Unicode standard (section 3.9). */
static size_t utf8_sequence_length(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;   /* allowed range of the second byte */

    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0) lo = 0xA0;         /* no overlong 3-byte forms */
        if (b == 0xED) hi = 0x9F;         /* no UTF-16 surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0) lo = 0x90;         /* no overlong 4-byte forms */
        if (b == 0xF4) hi = 0x8F;         /* nothing above U+10FFFF */
    } else
        return 0;                         /* continuation byte, 0xC0, 0xC1 or 0xF5..0xFF */

    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

bool text_is_valid(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;

    while (i < n) {
        if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F)
            return false;
        size_t len = utf8_sequence_length(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

void text_trim(const char **s, size_t *n)
{
    while (*n > 0 && is_blank((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_blank((*s)[*n - 1]))
        (*n)--;
}
