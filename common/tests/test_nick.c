/* test_nick.c - the nickname rule (nick.h): 1-16 of [A-Za-z0-9_-], starting with a letter. */
#include "testutil.h"

#include "nick.h"
#include "protocol.h"

static bool valid(const char *nick)
{
    return nick_is_valid(nick, strlen(nick));
}

static void test_valid_nicks(void **state)
{
    (void)state;
    assert_true(valid("a"));
    assert_true(valid("Z"));
    assert_true(valid("alice"));
    assert_true(valid("Bob"));
    assert_true(valid("guest1"));
    assert_true(valid("a_b-c"));
    assert_true(valid("x-"));
    assert_true(valid("x_"));
    assert_true(valid("R2-D2_"));
    assert_true(valid("abcdefghijklmnop"));          /* 16: the maximum */
    assert_true(valid("A1234567890_-xyz"));
}

static void test_length_limits(void **state)
{
    (void)state;
    assert_false(nick_is_valid("", 0));
    assert_false(valid("abcdefghijklmnopq"));        /* 17 */
    assert_int_equal(strlen("abcdefghijklmnop"), CHAT_MAX_NICK);
}

static void test_must_start_with_letter(void **state)
{
    (void)state;
    assert_false(valid("1abc"));
    assert_false(valid("_abc"));
    assert_false(valid("-abc"));
    assert_false(valid("9"));
}

static void test_bad_characters(void **state)
{
    (void)state;
    assert_false(valid("a b"));
    assert_false(valid("a\tb"));
    assert_false(valid("a.b"));
    assert_false(valid("a!"));
    assert_false(valid("bob@home"));
    assert_false(valid("a/b"));
    assert_false(valid("a*"));
    assert_false(valid("caf\xC3\xA9"));               /* letters only from ASCII */
    assert_false(valid("\xC3\xA9t\xC3\xA9"));
}

static void test_every_ascii_byte(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        char s[2] = { 'a', (char)c };
        bool expected = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        assert_int_equal(nick_is_valid(s, 2), expected);
    }
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* Only len bytes count, whatever follows. */
    assert_true(nick_is_valid("bob!", 3));
    assert_true(nick_is_valid("abcdefghijklmnopq", 16));
    assert_false(nick_is_valid("bob", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_nicks),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_must_start_with_letter),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_every_ascii_byte),
        cmocka_unit_test(test_length_is_respected),
    };
    return cmocka_run_group_tests_name("nick", tests, NULL, NULL);
}
