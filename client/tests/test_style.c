/* test_style.c - nick colours and coloured lines (style.h). */
#include "client_testutil.h"

#include "../style.h"

static int color_of(const char *nick)
{
    return style_nick_color(nick, strlen(nick));
}

/* The styled text of a line, as a string. */
static const char *styled(const char *line, bool cut, bool color)
{
    static char storage[512];
    static char text[513];
    struct strbuf out;
    strbuf_init(&out, storage, sizeof storage);
    style_server_line(&out, line, strlen(line), cut, color);
    memcpy(text, out.data, out.len);
    text[out.len] = '\0';
    return text;
}

static void test_nick_colour_is_stable_and_ignores_case(void **state)
{
    (void)state;
    assert_int_equal(color_of("alice"), color_of("alice"));
    assert_int_equal(color_of("alice"), color_of("ALICE"));
    assert_int_equal(color_of("Guest1"), color_of("guest1"));
}

static void test_nick_colours_are_spread_and_never_red(void **state)
{
    (void)state;
    bool seen[100] = { false };
    int distinct = 0;
    char nick[32];
    for (int i = 1; i <= 50; i++) {
        snprintf(nick, sizeof nick, "guest%d", i);
        int c = color_of(nick);
        assert_true((c >= 32 && c <= 36) || (c >= 92 && c <= 96));
        if (!seen[c]) {
            seen[c] = true;
            distinct++;
        }
    }
    assert_true(distinct >= 6);    /* 50 similar nicks do not all look alike */
}

static void test_lines_without_colour_are_unchanged(void **state)
{
    (void)state;
    assert_string_equal(styled("<bob> hi", false, false), "<bob> hi");
    assert_string_equal(styled("! oops", false, false), "! oops");
    assert_string_equal(styled("AAAA", true, false), "AAAA [...]");
}

static void test_coloured_lines(void **state)
{
    (void)state;
    char expected[64];
    snprintf(expected, sizeof expected, "<\033[%dmbob\033[0m> hi <x>", color_of("bob"));
    assert_string_equal(styled("<bob> hi <x>", false, true), expected);
    assert_string_equal(styled("* bob has joined", false, true), "\033[2m* bob has joined\033[0m");
    assert_string_equal(styled("! oops", false, true), "\033[1;31m! oops\033[0m");
    assert_string_equal(styled("plain", false, true), "plain");
}

static void test_prompt_and_its_width(void **state)
{
    (void)state;
    char storage[128];
    struct strbuf out;

    strbuf_init(&out, storage, sizeof storage);
    assert_int_equal(style_prompt(&out, "", false, false), 2);
    assert_int_equal(out.len, 2);
    assert_memory_equal(out.data, "> ", 2);

    strbuf_init(&out, storage, sizeof storage);
    assert_int_equal(style_prompt(&out, "bob", true, false), strlen("bob (away)> "));
    assert_memory_equal(out.data, "bob (away)> ", out.len);

    strbuf_init(&out, storage, sizeof storage);
    assert_int_equal(style_prompt(&out, "bob", true, true), strlen("bob (away)> "));
    assert_true(out.len > strlen("bob (away)> "));   /* the colours take bytes, not columns */
}

static void test_strbuf_never_overflows(void **state)
{
    (void)state;
    char storage[8];
    struct strbuf out;
    strbuf_init(&out, storage, 4);
    strbuf_add_str(&out, "abcdef");
    assert_int_equal(out.len, 4);
    assert_int_equal(strbuf_room(&out), 0);
    strbuf_add_str(&out, "x");
    assert_memory_equal(out.data, "abcd", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nick_colour_is_stable_and_ignores_case),
        cmocka_unit_test(test_nick_colours_are_spread_and_never_red),
        cmocka_unit_test(test_lines_without_colour_are_unchanged),
        cmocka_unit_test(test_coloured_lines),
        cmocka_unit_test(test_prompt_and_its_width),
        cmocka_unit_test(test_strbuf_never_overflows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
