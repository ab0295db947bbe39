/* self_state.c - see self_state.h. */
#include "self_state.h"

#include <string.h>

#include "nick.h"
#include "server_line.h"

void self_state_init(struct self_state *s)
{
    memset(s, 0, sizeof *s);
}

static bool equals(const char *text, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(text, word, len) == 0;
}

static bool starts_with(const char *text, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(text, prefix, n) == 0;
}

/* The length of the first word (up to a space, a comma or the end). */
static size_t word_length(const char *text, size_t len)
{
    size_t n = 0;
    while (n < len && text[n] != ' ' && text[n] != ',')
        n++;
    return n;
}

static void set_nick(struct self_state *s, const char *nick, size_t len)
{
    /* The nick is printed in the prompt unsanitised, so only a valid nick may get there. */
    if (!nick_is_valid(nick, len))
        return;
    memcpy(s->nick, nick, len);
    s->nick[len] = '\0';
}

/* "EVENT" or "EVENT (MESSAGE)" after the nick, e.g. " is away" or " is away (lunch)". */
static bool is_event(const char *rest, size_t len, const char *event)
{
    size_t n = strlen(event);
    return starts_with(rest, len, event) && (len == n || starts_with(rest + n, len - n, " ("));
}

/* A notice that starts with our own nick: a rename, or our away state changing. */
static void observe_notice_about_us(struct self_state *s, const char *text, size_t len)
{
    size_t nick_len = word_length(text, len);
    if (!s->welcomed || !equals(text, nick_len, s->nick))
        return;
    const char *rest = text + nick_len;
    size_t rest_len = len - nick_len;

    static const char renamed[] = " is now known as ";
    if (starts_with(rest, rest_len, renamed)) {
        const char *new_nick = rest + strlen(renamed);
        size_t new_len = rest_len - strlen(renamed);
        if (word_length(new_nick, new_len) == new_len)
            set_nick(s, new_nick, new_len);
    } else if (is_event(rest, rest_len, " is away")) {
        s->away = true;
    } else if (is_event(rest, rest_len, " is back")) {
        s->away = false;
    }
}

void self_state_observe(struct self_state *s, const char *line, size_t len)
{
    struct server_line parsed = server_line_parse(line, len);
    const char *text = parsed.text;
    size_t text_len = parsed.text_len;

    if (parsed.kind == SERVER_LINE_ERROR && starts_with(text, text_len, "server full")) {
        s->server_full = true;
        size_t n = text_len < sizeof s->refusal - 1 ? text_len : sizeof s->refusal - 1;
        memcpy(s->refusal, text, n);
        s->refusal[n] = '\0';
        return;
    }
    if (parsed.kind != SERVER_LINE_NOTICE)
        return;

    /* The replayed history can hold old lines about someone who had our nick before us
     * ("* guest1 is now known as bob"): they are not about us, so skip the whole block. */
    if (starts_with(text, text_len, "history: ")) {
        s->in_history = true;
    } else if (equals(text, text_len, "end of history")) {
        s->in_history = false;
    } else if (s->in_history) {
        return;
    } else if (starts_with(text, text_len, "welcome ")) {
        const char *nick = text + strlen("welcome ");
        set_nick(s, nick, word_length(nick, text_len - strlen("welcome ")));
        s->welcomed = s->nick[0] != '\0';
    } else if (equals(text, text_len, "server is shutting down")) {
        s->shutting_down = true;
    } else {
        observe_notice_about_us(s, text, text_len);
    }
}
