/* test_text.c - what a client line may contain, and trimming (text.h). */
#include "testutil.h"

#include "text.h"

/* For string literals, which may hold a NUL: the length is the literal's, not strlen's. */
#define assert_valid(lit)   assert_true(text_is_valid((lit), sizeof(lit) - 1))
#define assert_invalid(lit) assert_false(text_is_valid((lit), sizeof(lit) - 1))

static void test_ascii_is_valid(void **state)
{
    (void)state;
    assert_valid("");
    assert_valid("hello, world");
    assert_valid(" ");
    assert_valid("~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./");
    assert_valid("tab\there");
    assert_valid("\t");
}

static void test_every_printable_ascii_byte_is_valid(void **state)
{
    (void)state;
    for (int c = 0x20; c < 0x7F; c++) {
        char s[1] = { (char)c };
        assert_true(text_is_valid(s, 1));
    }
}

static void test_multibyte_utf8_is_valid(void **state)
{
    (void)state;
    assert_valid("caf\xC3\xA9");                 /* é, 2 bytes */
    assert_valid("\xE2\x82\xAC 5");              /* €, 3 bytes */
    assert_valid("\xE6\x97\xA5\xE6\x9C\xAC");    /* 日本 */
    assert_valid("\xF0\x9F\x98\x80");            /* 😀, 4 bytes */
    assert_valid("a\xC3\xA9" "b\xE2\x82\xAC" "c\xF0\x9F\x98\x80" "d");
}

static void test_utf8_boundaries_are_valid(void **state)
{
    (void)state;
    assert_valid("\xC2\x80");                    /* U+0080, smallest 2-byte */
    assert_valid("\xDF\xBF");                    /* U+07FF, largest 2-byte */
    assert_valid("\xE0\xA0\x80");                /* U+0800, smallest 3-byte */
    assert_valid("\xED\x9F\xBF");                /* U+D7FF, just below the surrogates */
    assert_valid("\xEE\x80\x80");                /* U+E000, just above them */
    assert_valid("\xEF\xBF\xBF");                /* U+FFFF */
    assert_valid("\xF0\x90\x80\x80");            /* U+10000, smallest 4-byte */
    assert_valid("\xF4\x8F\xBF\xBF");            /* U+10FFFF, the last code point */
}

static void test_nul_is_rejected(void **state)
{
    (void)state;
    assert_invalid("\0");
    assert_invalid("a\0b");
    assert_invalid("abc\0");
}

static void test_escape_is_rejected(void **state)
{
    (void)state;
    assert_invalid("\x1b");
    assert_invalid("\x1b[2J");
    assert_invalid("red \x1b[31mtext");
}

static void test_del_is_rejected(void **state)
{
    (void)state;
    assert_invalid("\x7F");
    assert_invalid("a\x7F" "b");
}

static void test_every_c0_control_but_tab_is_rejected(void **state)
{
    (void)state;
    for (int c = 0; c < 0x20; c++) {
        char s[3] = { 'a', (char)c, 'b' };
        if (c == '\t')
            assert_true(text_is_valid(s, 3));
        else
            assert_false(text_is_valid(s, 3));
    }
    assert_invalid("\r");
    assert_invalid("\n");
    assert_invalid("bell\a");
    assert_invalid("back\b");
}

static void test_control_after_multibyte_is_rejected(void **state)
{
    (void)state;
    assert_invalid("\xC3\xA9\x1b");
    assert_invalid("\xF0\x9F\x98\x80\x7F");
}

static void test_overlong_forms_are_rejected(void **state)
{
    (void)state;
    /* 2-byte: lead bytes C0 and C1 can only encode U+0000..U+007F */
    assert_invalid("\xC0\x80");                  /* overlong NUL */
    assert_invalid("\xC0\xAF");                  /* overlong "/" */
    assert_invalid("\xC1\xBF");
    /* 3-byte: E0 followed by 80..9F is below U+0800 */
    assert_invalid("\xE0\x80\x80");
    assert_invalid("\xE0\x80\xAF");
    assert_invalid("\xE0\x9F\xBF");
    /* 4-byte: F0 followed by 80..8F is below U+10000 */
    assert_invalid("\xF0\x80\x80\x80");
    assert_invalid("\xF0\x80\x80\xAF");
    assert_invalid("\xF0\x8F\xBF\xBF");
}

static void test_surrogates_are_rejected(void **state)
{
    (void)state;
    assert_invalid("\xED\xA0\x80");              /* U+D800 */
    assert_invalid("\xED\xAD\xBF");              /* U+DB7F */
    assert_invalid("\xED\xB0\x80");              /* U+DC00 */
    assert_invalid("\xED\xBF\xBF");              /* U+DFFF */
    assert_invalid("\xED\xA0\xBD\xED\xB8\x80");  /* a CESU-8 surrogate pair */
}

static void test_above_max_code_point_is_rejected(void **state)
{
    (void)state;
    assert_invalid("\xF4\x90\x80\x80");          /* U+110000 */
    assert_invalid("\xF4\xBF\xBF\xBF");
    assert_invalid("\xF5\x80\x80\x80");
    assert_invalid("\xF7\xBF\xBF\xBF");          /* U+1FFFFF */
}

static void test_bad_lead_bytes_are_rejected(void **state)
{
    (void)state;
    for (int c = 0x80; c <= 0xFF; c++) {
        bool lead_ok = (c >= 0xC2 && c <= 0xF4);
        if (lead_ok)
            continue;
        /* a continuation byte (80..BF), C0, C1 or F5..FF: followed by continuations anyway */
        char s[4] = { (char)c, '\x80', '\x80', '\x80' };
        assert_false(text_is_valid(s, 4));
        assert_false(text_is_valid(s, 1));
    }
    assert_invalid("\xF8\x88\x80\x80\x80");      /* old 5-byte form */
    assert_invalid("\xFC\x84\x80\x80\x80\x80");  /* old 6-byte form */
    assert_invalid("\xFE");
    assert_invalid("\xFF");
}

static void test_stray_continuation_bytes_are_rejected(void **state)
{
    (void)state;
    assert_invalid("\x80");
    assert_invalid("\xBF");
    assert_invalid("a\x80" "b");
    assert_invalid("\xC3\xA9\xA9");              /* é plus one continuation too many */
    assert_invalid("\x85");                      /* a raw C1 control byte (NEL in Latin-1) */
    assert_invalid("\x9B[31m");                  /* a raw 8-bit CSI */
}

static void test_truncated_sequences_are_rejected(void **state)
{
    (void)state;
    assert_invalid("\xC3");
    assert_invalid("abc\xC3");
    assert_invalid("\xE2\x82");
    assert_invalid("\xF0\x9F\x98");
    assert_invalid("\xF0\x9F");
    assert_invalid("\xF0");
    /* cut short by an ASCII byte, not by the end */
    assert_invalid("\xC3" "A");
    assert_invalid("\xE2\x82" "A");
    assert_invalid("\xF0\x9F\x98" "A");
    /* a new lead byte where a continuation byte belongs */
    assert_invalid("\xE2\xC3\xA9");
    assert_invalid("\xF0\x9F\xC3\xA9");
}

static void test_truncated_by_length_is_rejected(void **state)
{
    (void)state;
    const char *euro = "\xE2\x82\xAC";
    assert_true(text_is_valid(euro, 3));
    assert_false(text_is_valid(euro, 2));       /* the length is what counts, not the NUL */
    assert_false(text_is_valid(euro, 1));
    assert_true(text_is_valid("ab\x1b", 2));
}

/* Trim a copy of s and return the result as a string. */
static const char *trimmed(const char *s)
{
    static char out[256];
    const char *p = s;
    size_t n = strlen(s);
    text_trim(&p, &n);
    assert_true(p >= s && p + n <= s + strlen(s));
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static void test_trim_spaces_and_tabs(void **state)
{
    (void)state;
    assert_string_equal(trimmed("hi"), "hi");
    assert_string_equal(trimmed("  hi"), "hi");
    assert_string_equal(trimmed("hi  "), "hi");
    assert_string_equal(trimmed(" \t hi \t "), "hi");
    assert_string_equal(trimmed("\t\thi\t"), "hi");
    assert_string_equal(trimmed("  a  b  "), "a  b");   /* inside blanks stay */
}

static void test_trim_to_empty(void **state)
{
    (void)state;
    assert_string_equal(trimmed(""), "");
    assert_string_equal(trimmed(" "), "");
    assert_string_equal(trimmed(" \t \t"), "");
}

static void test_trim_only_spaces_and_tabs(void **state)
{
    (void)state;
    assert_string_equal(trimmed("\rhi\r"), "\rhi\r");
    assert_string_equal(trimmed("\vhi\f"), "\vhi\f");
    assert_string_equal(trimmed("\xC2\xA0hi\xC2\xA0"), "\xC2\xA0hi\xC2\xA0");  /* NBSP */
}

static void test_trim_moves_pointer(void **state)
{
    (void)state;
    const char *s = "   /nick bob  ";
    const char *p = s;
    size_t n = strlen(s);
    text_trim(&p, &n);
    assert_ptr_equal(p, s + 3);
    assert_int_equal(n, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_is_valid),
        cmocka_unit_test(test_every_printable_ascii_byte_is_valid),
        cmocka_unit_test(test_multibyte_utf8_is_valid),
        cmocka_unit_test(test_utf8_boundaries_are_valid),
        cmocka_unit_test(test_nul_is_rejected),
        cmocka_unit_test(test_escape_is_rejected),
        cmocka_unit_test(test_del_is_rejected),
        cmocka_unit_test(test_every_c0_control_but_tab_is_rejected),
        cmocka_unit_test(test_control_after_multibyte_is_rejected),
        cmocka_unit_test(test_overlong_forms_are_rejected),
        cmocka_unit_test(test_surrogates_are_rejected),
        cmocka_unit_test(test_above_max_code_point_is_rejected),
        cmocka_unit_test(test_bad_lead_bytes_are_rejected),
        cmocka_unit_test(test_stray_continuation_bytes_are_rejected),
        cmocka_unit_test(test_truncated_sequences_are_rejected),
        cmocka_unit_test(test_truncated_by_length_is_rejected),
        cmocka_unit_test(test_trim_spaces_and_tabs),
        cmocka_unit_test(test_trim_to_empty),
        cmocka_unit_test(test_trim_only_spaces_and_tabs),
        cmocka_unit_test(test_trim_moves_pointer),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
