/* log.h - server log lines on stderr ("chat-async: guest1 connected from ..."), off with --quiet. */
#ifndef CHAT_LOG_H
#define CHAT_LOG_H

#include <stdbool.h>

void log_init(const char *program, bool quiet);

/* One line; safe to call from several threads (each call is one write to stderr). */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
