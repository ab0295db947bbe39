/* nick.c - see nick.h. Comparison ignoring case lives in room_find_nick(). */
#include "nick.h"

#include "protocol.h"

static bool is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_nick_char(char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool nick_is_valid(const char *nick, size_t len)
{
    if (len < 1 || len > CHAT_MAX_NICK || !is_letter(nick[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!is_nick_char(nick[i]))
            return false;
    return true;
}
