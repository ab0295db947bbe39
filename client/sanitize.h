/* sanitize.h - make text from the network safe to print on a terminal. */
#ifndef CLIENT_SANITIZE_H
#define CLIENT_SANITIZE_H

#include <stddef.h>

/* Replace, in place, every byte that a terminal could take as a command with '?':
 * C0 controls other than TAB (this includes ESC, so no escape sequences survive), DEL,
 * C1 controls (U+0080..U+009F) and bytes of malformed UTF-8. One byte in, one byte out, so
 * the length never changes and the result is always valid UTF-8. */
void sanitize_for_terminal(char *text, size_t len);

#endif
