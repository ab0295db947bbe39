/* sanitize.c - see sanitize.h. */
#include "sanitize.h"

#include "utf8_char.h"

void sanitize_for_terminal(char *text, size_t len)
{
    unsigned char *s = (unsigned char *)text;
    size_t i = 0;

    while (i < len) {
        if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F) {
            s[i++] = '?';
            continue;
        }
        size_t char_len = utf8_char_length(s + i, len - i);
        if (char_len == 0) {
            /* Replace only the first byte: the next one may start a good character. */
            s[i++] = '?';
        } else if (utf8_char_is_c1_control(s + i, len - i)) {
            s[i] = '?';
            s[i + 1] = '?';
            i += 2;
        } else {
            i += char_len;
        }
    }
}
