/* client_testutil.h - what every cmocka test of client/ includes first.
 *
 * cmocka.h needs these standard headers before it. Module headers are included as "../x.h":
 * client/ is not on the include path (only common/ is), and a plain "x.h" could pick up a
 * file of the same name from common/. */
#ifndef CLIENT_TESTUTIL_H
#define CLIENT_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#endif
