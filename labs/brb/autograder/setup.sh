#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the BRB lab's autograder image
# (the zip written by `make autograder`; this tree's labs/brb/autograder/setup.sh).
#
# The grader needs make and a C compiler (build-essential; gcc's ThreadSanitizer runtime comes
# with it, for the TSan lane), cmocka for the unit tests, and Python 3 (standard library only).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends build-essential libcmocka-dev python3 >/dev/null

# Check that a ThreadSanitizer program runs here: on some kernels (high mmap ASLR entropy) it
# stops with "unexpected memory mapping", and every [tsan] test would then fail as CRASH.
probe=$(mktemp -d)
printf 'int main(void) { return 0; }\n' > "$probe/t.c"
if cc -fsanitize=thread "$probe/t.c" -o "$probe/t" && "$probe/t"; then
  echo "setup.sh: ThreadSanitizer runs"
else
  echo "setup.sh: WARNING: a ThreadSanitizer program does not run on this machine;" \
       "the [tsan] tests will fail" >&2
fi
rm -rf "$probe"
chmod +x "$(dirname "$0")/run_autograder" 2>/dev/null || true
echo "setup.sh: done"
