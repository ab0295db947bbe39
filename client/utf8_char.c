/* utf8_char.c - see utf8_char.h. The rules are the table of well-formed byte sequences in
 * the Unicode standard, section 3.9. */
#include "utf8_char.h"

size_t utf8_char_expected_length(unsigned char first)
{
    if (first < 0x80)
        return 1;
    if (first >= 0xC2 && first <= 0xDF)
        return 2;
    if (first >= 0xE0 && first <= 0xEF)
        return 3;
    if (first >= 0xF0 && first <= 0xF4)
        return 4;
    return 0;
}

size_t utf8_char_length(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t len = utf8_char_expected_length(s[0]);
    if (len == 1)
        return 1;
    if (len == 0 || n < len)
        return 0;

    /* The second byte's range is narrower for a few first bytes. */
    unsigned char lo = 0x80, hi = 0xBF;
    if (s[0] == 0xE0) lo = 0xA0;   /* would be an overlong 3-byte form */
    if (s[0] == 0xED) hi = 0x9F;   /* would be a UTF-16 surrogate */
    if (s[0] == 0xF0) lo = 0x90;   /* would be an overlong 4-byte form */
    if (s[0] == 0xF4) hi = 0x8F;   /* would be above U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

bool utf8_char_is_c1_control(const unsigned char *s, size_t n)
{
    return n >= 2 && s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F;
}
