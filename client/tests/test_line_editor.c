/* test_line_editor.c - keys (key_decoder.h), editing and history (line_editor.h,
 * input_history.h), and how the line is drawn. */
#include "client_testutil.h"

#include "../line_editor.h"

#define UP "\033[A"
#define DOWN "\033[B"
#define RIGHT "\033[C"
#define LEFT "\033[D"

/* Big (the history is 50 KB), so one static editor, reset by each test. */
static struct line_editor editor;

static int setup(void **state)
{
    (void)state;
    line_editor_init(&editor);
    return 0;
}

/* Type the bytes; returns the event of the last one. */
static enum line_editor_event type(const char *keys)
{
    enum line_editor_event last = LINE_EDITOR_NOTHING;
    for (const char *k = keys; *k; k++)
        last = line_editor_feed(&editor, (unsigned char)*k);
    return last;
}

static void assert_line(const char *expected, size_t expected_cursor)
{
    size_t len, cursor;
    const char *text = line_editor_text(&editor, &len, &cursor);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(text, expected, len);
    assert_int_equal(cursor, expected_cursor);
}

static void assert_submitted(const char *expected)
{
    size_t len;
    const char *line = line_editor_submitted(&editor, &len);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(line, expected, len);
}

static void test_typing_and_enter(void **state)
{
    (void)state;
    assert_int_equal(type("hello"), LINE_EDITOR_CHANGED);
    assert_line("hello", 5);
    assert_int_equal(type("\r"), LINE_EDITOR_SUBMITTED);
    assert_submitted("hello");
    assert_line("", 0);
    type("again\n");
    assert_submitted("again");
}

static void test_cursor_movement_and_insertion(void **state)
{
    (void)state;
    type("abc" LEFT LEFT "X");
    assert_line("aXbc", 2);
    type("\001" "<" "\005" ">");            /* Ctrl-A, Ctrl-E */
    assert_line("<aXbc>", 6);
    type("\033[H" "[" "\033[F" "]");         /* Home, End */
    assert_line("[<aXbc>]", 8);
    type("\033OD" "\033OD" "\033OC");        /* application-mode arrows */
    assert_line("[<aXbc>]", 7);
    type("\033[1;5D");                       /* Ctrl-Left: treated as Left */
    assert_line("[<aXbc>]", 6);
}

static void test_deleting(void **state)
{
    (void)state;
    type("hello world" LEFT LEFT LEFT LEFT LEFT);
    type("\177");                            /* Backspace */
    assert_line("helloworld", 5);
    type("\033[3~");                         /* Delete */
    assert_line("helloorld", 5);
    type("\004");                            /* Ctrl-D on a non-empty line deletes too */
    assert_line("hellorld", 5);
    type("\013");                            /* Ctrl-K */
    assert_line("hello", 5);
    type(" big world\027");                  /* Ctrl-W */
    assert_line("hello big ", 10);
    type("\025");                            /* Ctrl-U */
    assert_line("", 0);
    assert_int_equal(type("\177"), LINE_EDITOR_CHANGED);   /* nothing to delete: harmless */
    assert_line("", 0);
}

static void test_utf8_characters_move_as_one(void **state)
{
    (void)state;
    type("caf\xc3\xa9" LEFT);
    assert_line("caf\xc3\xa9", 3);
    type(RIGHT "\177");
    assert_line("caf", 3);
    type("\xe2\x82\xac" "\xc2\x9b" "\xff" "\t");   /* euro kept; C1, junk and TAB ignored */
    assert_line("caf\xe2\x82\xac", 6);
}

static void test_escape_then_key_keeps_the_key(void **state)
{
    (void)state;
    type("\033x");                           /* Alt-x */
    assert_line("x", 1);
}

static void test_ctrl_d_on_empty_line_and_ctrl_c(void **state)
{
    (void)state;
    assert_int_equal(type("\004"), LINE_EDITOR_END);
    assert_int_equal(type("abc\003"), LINE_EDITOR_INTERRUPT);
    assert_int_equal(type("\014"), LINE_EDITOR_CLEAR_SCREEN);
}

static void test_line_length_is_bounded(void **state)
{
    (void)state;
    for (int i = 0; i < LINE_EDITOR_MAX; i++)
        assert_int_equal(line_editor_feed(&editor, 'a'), LINE_EDITOR_CHANGED);
    assert_int_equal(line_editor_feed(&editor, 'a'), LINE_EDITOR_BELL);
    size_t len, cursor;
    line_editor_text(&editor, &len, &cursor);
    assert_int_equal(len, LINE_EDITOR_MAX);
}

static void test_history_recall(void **state)
{
    (void)state;
    type("one\rtwo\rtwo\r");                 /* the repeated "two" is kept once */
    type("draft");
    type(UP);
    assert_line("two", 3);
    type(UP);
    assert_line("one", 3);
    assert_int_equal(type(UP), LINE_EDITOR_BELL);
    assert_line("one", 3);
    type(DOWN);
    assert_line("two", 3);
    type(DOWN);
    assert_line("draft", 5);
    assert_int_equal(type(DOWN), LINE_EDITOR_NOTHING);
    type("\025" "\020" "!\r");               /* Ctrl-U, Ctrl-P (up), edit, send */
    assert_submitted("two!");
    type(UP);
    assert_line("two!", 4);
}

static void test_history_keeps_the_newest_lines(void **state)
{
    (void)state;
    char line[32];
    for (int i = 0; i < INPUT_HISTORY_SIZE + 20; i++) {
        snprintf(line, sizeof line, "line %d\r", i);
        type(line);
    }
    for (int i = 0; i < INPUT_HISTORY_SIZE; i++)
        assert_int_equal(type(UP), LINE_EDITOR_CHANGED);
    assert_line("line 20", 7);
    assert_int_equal(type(UP), LINE_EDITOR_BELL);
}

/* What render draws: the visible text, then erase, CR and a move to the cursor column. */
static const char *render(size_t prompt_width, size_t columns)
{
    static char storage[2048];
    static char text[2049];
    struct strbuf out;
    strbuf_init(&out, storage, sizeof storage);
    line_editor_render(&editor, &out, prompt_width, columns);
    memcpy(text, out.data, out.len);
    text[out.len] = '\0';
    return text;
}

static void test_render_short_line(void **state)
{
    (void)state;
    assert_string_equal(render(2, 80), "\033[K\r\033[2C");
    type("hi" LEFT);
    assert_string_equal(render(2, 80), "hi\033[K\r\033[3C");
    assert_string_equal(render(0, 80), "hi\033[K\r\033[1C");
}

static void test_render_scrolls_a_long_line(void **state)
{
    (void)state;
    /* Prompt 2 wide in 12 columns: 9 columns for text (the last column stays free). */
    type("0123456789abcdef");
    assert_string_equal(render(2, 12), "89abcdef\033[K\r\033[10C");
    type("\001");                             /* Home: scrolls back to the start */
    assert_string_equal(render(2, 12), "012345678\033[K\r\033[2C");
    type(RIGHT RIGHT);                        /* within the window: no scrolling */
    assert_string_equal(render(2, 12), "012345678\033[K\r\033[4C");
    type("\005" "\025");                      /* End, then erase everything */
    assert_string_equal(render(2, 12), "\033[K\r\033[2C");
}

static void test_render_counts_characters_not_bytes(void **state)
{
    (void)state;
    type("\xc3\xa9\xc3\xa9");
    assert_string_equal(render(2, 80), "\xc3\xa9\xc3\xa9\033[K\r\033[4C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_typing_and_enter, setup),
        cmocka_unit_test_setup(test_cursor_movement_and_insertion, setup),
        cmocka_unit_test_setup(test_deleting, setup),
        cmocka_unit_test_setup(test_utf8_characters_move_as_one, setup),
        cmocka_unit_test_setup(test_escape_then_key_keeps_the_key, setup),
        cmocka_unit_test_setup(test_ctrl_d_on_empty_line_and_ctrl_c, setup),
        cmocka_unit_test_setup(test_line_length_is_bounded, setup),
        cmocka_unit_test_setup(test_history_recall, setup),
        cmocka_unit_test_setup(test_history_keeps_the_newest_lines, setup),
        cmocka_unit_test_setup(test_render_short_line, setup),
        cmocka_unit_test_setup(test_render_scrolls_a_long_line, setup),
        cmocka_unit_test_setup(test_render_counts_characters_not_bytes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
