/* wire.c - see wire.h. */
#include "wire.h"

#include <stdio.h>
#include <string.h>

size_t wire_format_load(char *buf, size_t cap, const struct load_fields *f, size_t size)
{
    int n = snprintf(buf, cap, WIRE_TAG "%llu %lu %llu", (unsigned long long)f->seq,
                     (unsigned long)f->sender, (unsigned long long)f->sched_ns);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    size_t len = (size_t)n;
    size_t want = size > len ? size : len;
    if (want + 1 > cap)
        return 0;
    if (want > len) {
        /* A space first so the last number stays a separate word for the parser. */
        buf[len++] = ' ';
        memset(buf + len, 'x', want - len);
        len = want;
    }
    buf[len++] = '\n';
    return len;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* Parse a decimal number at *p (before end), which must be followed by a space or end.
 * Hand-written because strtoull needs a terminated string and this runs per delivery. */
static bool parse_number(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9')
        return false;
    while (s < end && *s >= '0' && *s <= '9') {
        uint64_t digit = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
        s++;
    }
    if (s < end && *s != ' ')
        return false;
    *out = v;
    *p = s < end ? s + 1 : s;
    return true;
}

static bool parse_load(const char *text, const char *end, struct load_fields *out)
{
    uint64_t seq, sender, sched;
    const char *p = text + strlen(WIRE_TAG);
    if (!parse_number(&p, end, &seq) || !parse_number(&p, end, &sender) ||
        !parse_number(&p, end, &sched) || sender > UINT32_MAX)
        return false;
    out->seq = seq;
    out->sender = (uint32_t)sender;
    out->sched_ns = sched;
    return true;
}

enum line_kind wire_classify(const char *line, size_t len, struct load_fields *out)
{
    const char *end = line + len;
    if (len > 0 && line[0] == '<') {
        const char *close = memchr(line, '>', len);
        if (close && end - close >= 2 && close[1] == ' ') {
            const char *text = close + 2;
            if (starts_with(text, (size_t)(end - text), WIRE_TAG) && parse_load(text, end, out))
                return LINE_LOAD;
        }
        return LINE_OTHER;
    }
    if (starts_with(line, len, "! "))
        return LINE_ERROR;
    if (starts_with(line, len, "* history: "))
        return LINE_HISTORY_START;
    if (len == strlen("* end of history") && starts_with(line, len, "* end of history"))
        return LINE_HISTORY_END;
    return LINE_OTHER;
}

bool wire_is_rename_to(const char *line, size_t len, const char *nick)
{
    static const char middle[] = " is now known as ";
    size_t nick_len = strlen(nick);
    size_t tail = sizeof middle - 1 + nick_len;
    if (!starts_with(line, len, "* ") || len < 2 + 1 + tail)
        return false;
    const char *t = line + len - tail;
    return memcmp(t, middle, sizeof middle - 1) == 0 &&
           memcmp(t + sizeof middle - 1, nick, nick_len) == 0;
}
