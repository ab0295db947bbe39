/* testutil.h - small helpers shared by the cmocka tests of common/.
 *
 * Include this instead of <cmocka.h>: it pulls in the headers cmocka needs first. */
#ifndef CHAT_TESTUTIL_H
#define CHAT_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "outbuf.h"

/* The unsent bytes of out as a NUL-terminated string (malloc'd; the caller frees it). */
static inline char *outbuf_text(const struct outbuf *out)
{
    char *s = malloc(outbuf_len(out) + 1);
    assert_non_null(s);
    if (outbuf_len(out) > 0)
        memcpy(s, outbuf_data(out), outbuf_len(out));
    s[outbuf_len(out)] = '\0';
    return s;
}

/* Check that out holds exactly `expected`, then empty it, as if it had all been sent.
 * A macro, so that a failure names the line of the test that called it. */
#define expect_output(out, expected)                        \
    do {                                                    \
        char *got_ = outbuf_text(out);                      \
        assert_string_equal(got_, (expected));              \
        free(got_);                                         \
        outbuf_consume((out), outbuf_len(out));             \
    } while (0)

/* Does out contain `needle` somewhere in its unsent bytes? */
static inline bool outbuf_contains(const struct outbuf *out, const char *needle)
{
    char *s = outbuf_text(out);
    bool found = strstr(s, needle) != NULL;
    free(s);
    return found;
}

#endif
