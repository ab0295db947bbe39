/* terminal.h - switch the keyboard to raw mode and back.
 *
 * In its normal ("canonical") mode the terminal collects a whole line, echoes it and handles
 * Backspace itself; the program sees nothing until Enter. To redraw the user's half-typed line
 * around incoming messages the client must own that line, so it turns canonical mode and echo
 * off and reads key by key. Output processing stays on ("\n" still moves to the start of the
 * next line). terminal_restore() must run on every way out, or the user's shell is left
 * without echo. */
#ifndef CLIENT_TERMINAL_H
#define CLIENT_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>

/* Save the settings of fd and switch it to raw input. False (errno set) if it failed. */
bool terminal_enter_raw(int fd);

/* Put the saved settings back. Harmless to call twice or without terminal_enter_raw(), and
 * async-signal-safe (only tcsetattr()). */
void terminal_restore(void);

/* Width of the terminal on fd in columns, 80 when it cannot be told. Asked on every redraw,
 * so a resized window is picked up without extra machinery. */
size_t terminal_columns(int fd);

#endif
