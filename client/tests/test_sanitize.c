/* test_sanitize.c - what reaches a terminal from the network (sanitize.h, utf8_char.h). */
#include "client_testutil.h"

#include "../sanitize.h"
#include "../utf8_char.h"

/* Sanitise a copy of the n bytes in `in` and compare with `expected` (same length). */
static void assert_sanitized(const char *in, size_t n, const char *expected)
{
    char buf[256];
    assert_true(n < sizeof buf);
    memcpy(buf, in, n);
    sanitize_for_terminal(buf, n);
    assert_int_equal(strlen(expected), n);
    assert_memory_equal(buf, expected, n);
}
#define SANITIZED(literal, expected) assert_sanitized(literal, sizeof literal - 1, expected)

static void test_plain_text_and_utf8_are_kept(void **state)
{
    (void)state;
    SANITIZED("hello, world", "hello, world");
    SANITIZED("tab\there", "tab\there");
    SANITIZED("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

static void test_control_characters_are_replaced(void **state)
{
    (void)state;
    SANITIZED("\x1b[2Jclear", "?[2Jclear");
    SANITIZED("bell\a", "bell?");
    SANITIZED("nul\0byte", "nul?byte");
    SANITIZED("cr\rlf\n", "cr?lf?");
    SANITIZED("del\x7f", "del?");
}

static void test_c1_controls_are_replaced(void **state)
{
    (void)state;
    SANITIZED("csi\xc2\x9b" "2J", "csi??2J");        /* U+009B, the 8-bit CSI */
    SANITIZED("nbsp\xc2\xa0ok", "nbsp\xc2\xa0ok");   /* U+00A0 is not a control */
}

static void test_malformed_utf8_is_replaced_byte_by_byte(void **state)
{
    (void)state;
    SANITIZED("\xff\xfe", "??");
    SANITIZED("\xc0\xaf", "??");                     /* overlong "/" */
    SANITIZED("\xed\xa0\x80", "???");                /* a UTF-16 surrogate */
    SANITIZED("\xe2\x82", "??");                     /* cut short at the end */
    SANITIZED("\xe2\x82z", "??z");                   /* cut short by ASCII */
    SANITIZED("\x80\xc3\xa9", "?\xc3\xa9");          /* stray continuation, then a good one */
}

static void test_utf8_char_length(void **state)
{
    (void)state;
    assert_int_equal(utf8_char_length((const unsigned char *)"a", 1), 1);
    assert_int_equal(utf8_char_length((const unsigned char *)"\xc3\xa9", 2), 2);
    assert_int_equal(utf8_char_length((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
    assert_int_equal(utf8_char_length((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(utf8_char_length((const unsigned char *)"\xe0\x80\x80", 3), 0);
    assert_int_equal(utf8_char_length((const unsigned char *)"", 0), 0);
    assert_int_equal(utf8_char_expected_length(0xc1), 0);
    assert_int_equal(utf8_char_expected_length(0xf0), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_and_utf8_are_kept),
        cmocka_unit_test(test_control_characters_are_replaced),
        cmocka_unit_test(test_c1_controls_are_replaced),
        cmocka_unit_test(test_malformed_utf8_is_replaced_byte_by_byte),
        cmocka_unit_test(test_utf8_char_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
