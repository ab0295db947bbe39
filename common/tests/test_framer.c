/* test_framer.c - cutting a byte stream into client lines (framer.h). */
#include "testutil.h"

#include "framer.h"

/* Every event the framer produced, written as text: "<LINE>" for a line (shown verbatim when
 * it is short, as "<N bytes>" when it is longer than 40), "!" for FRAME_TOO_LONG. */
struct record {
    char text[4096];
    size_t lines;
    size_t too_long;
    char last_line[CHAT_MAX_LINE + 2];
    size_t last_len;
};

static void record_event(struct record *r, enum frame_kind kind, const char *line, size_t len)
{
    size_t used = strlen(r->text);
    char *end = r->text + used;
    size_t room = sizeof r->text - used;

    if (kind == FRAME_TOO_LONG) {
        r->too_long++;
        snprintf(end, room, "!");
        return;
    }
    assert_int_equal(kind, FRAME_LINE);
    assert_true(len <= CHAT_MAX_LINE);
    r->lines++;
    memcpy(r->last_line, line, len);
    r->last_len = len;
    if (len > 40)
        snprintf(end, room, "<%zu bytes>", len);
    else
        snprintf(end, room, "<%.*s>", (int)len, line);
}

/* Feed one chunk, as one recv() would deliver it, and record every event. */
static void feed(struct framer *f, struct record *r, const char *data, size_t len)
{
    const char *line = NULL;
    size_t line_len = 0;
    enum frame_kind kind;

    while ((kind = framer_next(f, &data, &len, &line, &line_len)) != FRAME_NONE)
        record_event(r, kind, line, line_len);
    assert_int_equal(len, 0);           /* FRAME_NONE means every byte was consumed */
}

static void feed_str(struct framer *f, struct record *r, const char *s)
{
    feed(f, r, s, strlen(s));
}

/* Feed data one byte per call. */
static void feed_bytewise(struct framer *f, struct record *r, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        feed(f, r, data + i, 1);
}

/* The events of a fresh framer fed s in one chunk. */
static const char *frame_all(struct record *r, const char *s)
{
    struct framer f;
    framer_init(&f);
    memset(r, 0, sizeof *r);
    feed_str(&f, r, s);
    return r->text;
}

/* n copies of c followed by tail, in a static buffer. */
static const char *repeat(char c, size_t n, const char *tail)
{
    static char buf[200 * 1024];
    assert_true(n + strlen(tail) < sizeof buf);
    memset(buf, c, n);
    strcpy(buf + n, tail);
    return buf;
}

static void test_lf_line(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, "hello\n"), "<hello>");
}

static void test_crlf_line(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, "hello\r\n"), "<hello>");
    assert_int_equal(r.last_len, 5);
}

static void test_lone_cr_mid_line_is_kept(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, "a\rb\n"), "<a\rb>");
    assert_int_equal(r.last_len, 3);
    /* Only the one "\r" right before "\n" is dropped. */
    assert_string_equal(frame_all(&r, "a\r\r\n"), "<a\r>");
    assert_string_equal(frame_all(&r, "\ra\n"), "<\ra>");
}

static void test_line_without_newline_waits(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, "abc");
    assert_string_equal(r.text, "");
    feed_str(&f, &r, "def");
    assert_string_equal(r.text, "");
    feed_str(&f, &r, "\n");
    assert_string_equal(r.text, "<abcdef>");
}

static void test_crlf_split_across_chunks(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, "abc\r");
    assert_string_equal(r.text, "");
    feed_str(&f, &r, "\n");
    assert_string_equal(r.text, "<abc>");
}

static void test_empty_lines(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, "\n"), "<>");
    assert_string_equal(frame_all(&r, "\r\n"), "<>");
    assert_string_equal(frame_all(&r, "\n\r\n\n"), "<><><>");
    assert_int_equal(r.lines, 3);
}

static void test_several_lines_per_chunk(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, "a\nbb\r\nccc\ndd");
    assert_string_equal(r.text, "<a><bb><ccc>");
    feed_str(&f, &r, "d\nx\n");
    assert_string_equal(r.text, "<a><bb><ccc><ddd><x>");
}

static void test_one_line_per_call(void **state)
{
    (void)state;
    struct framer f;
    const char *data = "one\ntwo\n";
    size_t len = strlen(data);
    const char *line;
    size_t line_len;

    framer_init(&f);
    assert_int_equal(framer_next(&f, &data, &len, &line, &line_len), FRAME_LINE);
    assert_memory_equal(line, "one", 3);
    assert_int_equal(line_len, 3);
    assert_int_equal(len, 4);                 /* stopped right after the first "\n" */
    assert_int_equal(framer_next(&f, &data, &len, &line, &line_len), FRAME_LINE);
    assert_memory_equal(line, "two", 3);
    assert_int_equal(len, 0);
    assert_int_equal(framer_next(&f, &data, &len, &line, &line_len), FRAME_NONE);
}

static void test_bytes_are_passed_through(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    /* The framer only cuts lines: NUL and other bytes are for text_is_valid() to judge. */
    framer_init(&f);
    feed(&f, &r, "a\0b\xff\n", 5);
    assert_int_equal(r.lines, 1);
    assert_int_equal(r.last_len, 4);
    assert_memory_equal(r.last_line, "a\0b\xff", 4);
}

static void test_exactly_max_bytes_is_a_line(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE, "\n")), "<512 bytes>");
    assert_int_equal(r.too_long, 0);
    assert_memory_equal(r.last_line, repeat('x', CHAT_MAX_LINE, ""), CHAT_MAX_LINE);
}

static void test_max_bytes_plus_crlf_is_a_line(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE, "\r\n")), "<512 bytes>");
    assert_int_equal(r.last_len, CHAT_MAX_LINE);
    assert_int_equal(r.last_line[CHAT_MAX_LINE - 1], 'x');

    /* 511 bytes + CRLF: the "\r" is still the terminator's. */
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE - 1, "\r\n")), "<511 bytes>");
    /* 511 bytes + a lone "\r" as the 512th byte of text, then CRLF: 512 bytes, "\r" last. */
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE - 1, "\r\r\n")), "<512 bytes>");
    assert_int_equal(r.last_line[CHAT_MAX_LINE - 1], '\r');
}

static void test_max_plus_one_is_too_long(void **state)
{
    (void)state;
    struct record r;
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE + 1, "\nnext\n")), "!<next>");
    assert_int_equal(r.too_long, 1);
}

static void test_too_long_then_empty_line(void **state)
{
    (void)state;
    struct record r;
    /* The over-long line's own "\n" ends the discarding; the next "\n" is an empty line. */
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE + 1, "\n\n")), "!<>");
}

static void test_max_plus_cr_then_text_is_too_long(void **state)
{
    (void)state;
    struct record r;
    /* A "\r" after 512 bytes may be a CRLF; when something else follows, it was text. */
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE, "\ry\nok\n")), "!<ok>");
    assert_string_equal(frame_all(&r, repeat('x', CHAT_MAX_LINE, "\r\r\nok\n")), "!<ok>");
    assert_int_equal(r.too_long, 1);
}

static void test_too_long_reported_once(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, repeat('x', 2000, ""));
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, repeat('y', 2000, ""));
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, "tail\nafter\n");
    assert_string_equal(r.text, "!<after>");
}

static void test_100k_without_newline(void **state)
{
    (void)state;
    const size_t total = 100 * 1024;
    const char *flood = repeat('z', total, "");
    struct framer f;
    struct record r = { 0 };

    /* in one chunk */
    framer_init(&f);
    feed(&f, &r, flood, total);
    assert_string_equal(r.text, "!");
    assert_true(f.len <= CHAT_MAX_LINE + 1);   /* memory stays bounded */

    /* in recv()-sized chunks */
    framer_init(&f);
    memset(&r, 0, sizeof r);
    for (size_t off = 0; off < total; off += 4096)
        feed(&f, &r, flood + off, total - off < 4096 ? total - off : 4096);
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, "\nfine\r\n");
    assert_string_equal(r.text, "!<fine>");
}

static void test_discard_spans_chunks(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, repeat('x', 600, ""));
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, "still the same line");
    feed_str(&f, &r, "\r");
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, "\nnext");
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, "\n");
    assert_string_equal(r.text, "!<next>");
}

static void test_too_long_newline_at_chunk_boundary(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, repeat('x', CHAT_MAX_LINE + 1, ""));
    assert_string_equal(r.text, "!");
    feed_str(&f, &r, "\n");
    feed_str(&f, &r, "ok\n");
    assert_string_equal(r.text, "!<ok>");
}

static void test_byte_by_byte_matches_one_chunk(void **state)
{
    (void)state;
    static char stream[4096];
    size_t n = 0;
    const char *parts[] = {
        "a\r\n", "b\n", "\n", "c\rd\n",
        repeat('x', CHAT_MAX_LINE, "\r\n"),     /* fits */
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        memcpy(stream + n, parts[i], strlen(parts[i]));
        n += strlen(parts[i]);
    }
    const char *too_long = repeat('y', 700, "\r\nlast\n");
    memcpy(stream + n, too_long, strlen(too_long));
    n += strlen(too_long);

    const char *expected = "<a><b><><c\rd><512 bytes>!<last>";
    struct framer f;
    struct record whole = { 0 }, bytes = { 0 };

    framer_init(&f);
    feed(&f, &whole, stream, n);
    assert_string_equal(whole.text, expected);

    framer_init(&f);
    feed_bytewise(&f, &bytes, stream, n);
    assert_string_equal(bytes.text, expected);
}

static void test_init_resets_state(void **state)
{
    (void)state;
    struct framer f;
    struct record r = { 0 };
    framer_init(&f);
    feed_str(&f, &r, repeat('x', 600, ""));     /* now discarding */
    framer_init(&f);
    feed_str(&f, &r, "fresh\n");
    assert_string_equal(r.text, "!<fresh>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lf_line),
        cmocka_unit_test(test_crlf_line),
        cmocka_unit_test(test_lone_cr_mid_line_is_kept),
        cmocka_unit_test(test_line_without_newline_waits),
        cmocka_unit_test(test_crlf_split_across_chunks),
        cmocka_unit_test(test_empty_lines),
        cmocka_unit_test(test_several_lines_per_chunk),
        cmocka_unit_test(test_one_line_per_call),
        cmocka_unit_test(test_bytes_are_passed_through),
        cmocka_unit_test(test_exactly_max_bytes_is_a_line),
        cmocka_unit_test(test_max_bytes_plus_crlf_is_a_line),
        cmocka_unit_test(test_max_plus_one_is_too_long),
        cmocka_unit_test(test_too_long_then_empty_line),
        cmocka_unit_test(test_max_plus_cr_then_text_is_too_long),
        cmocka_unit_test(test_too_long_reported_once),
        cmocka_unit_test(test_100k_without_newline),
        cmocka_unit_test(test_discard_spans_chunks),
        cmocka_unit_test(test_too_long_newline_at_chunk_boundary),
        cmocka_unit_test(test_byte_by_byte_matches_one_chunk),
        cmocka_unit_test(test_init_resets_state),
    };
    return cmocka_run_group_tests_name("framer", tests, NULL, NULL);
}
