/* nick.h - the nickname rule: 1-16 of [A-Za-z0-9_-], starting with a letter. */
#ifndef CHAT_NICK_H
#define CHAT_NICK_H

#include <stdbool.h>
#include <stddef.h>

bool nick_is_valid(const char *nick, size_t len);

#endif
