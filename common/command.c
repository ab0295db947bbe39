/* command.c - see command.h. */
#include "command.h"

#include <string.h>
#include <strings.h>

static const struct {
    const char *word;
    enum command_kind kind;
} command_words[] = {
    { "nick", CMD_NICK }, { "who", CMD_WHO },   { "help", CMD_HELP },
    { "brb", CMD_BRB },   { "back", CMD_BACK }, { "quit", CMD_QUIT },
};

static struct command make(enum command_kind kind, const char *arg, size_t arg_len)
{
    struct command c = { kind, arg, arg_len };
    return c;
}

struct command command_parse(const char *line, size_t len)
{
    if (len == 0)
        return make(CMD_EMPTY, line, 0);
    if (line[0] != '/')
        return make(CMD_CHAT, line, len);
    if (len >= 2 && line[1] == '/')
        return make(CMD_CHAT, line + 1, len - 1);

    size_t word_end = 1;
    while (word_end < len && line[word_end] != ' ' && line[word_end] != '\t')
        word_end++;
    size_t arg = word_end;
    while (arg < len && (line[arg] == ' ' || line[arg] == '\t'))
        arg++;

    size_t word_len = word_end - 1;
    for (size_t i = 0; i < sizeof command_words / sizeof command_words[0]; i++) {
        const char *w = command_words[i].word;
        if (strlen(w) == word_len && strncasecmp(w, line + 1, word_len) == 0)
            return make(command_words[i].kind, line + arg, len - arg);
    }
    return make(CMD_UNKNOWN, line, word_end);
}
