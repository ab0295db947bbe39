"""handout_text.py - the handout's version of Markdown passages meant for the reference tree.

make_handout.py calls rewrite_tree(out_dir) once the handout is written. In every Markdown file
(*.md) of the handout it replaces two kinds of marked passages (markers as below, exactly):

A block, each marker on a line of its own:

    <!-- INSTRUCTOR-ONLY-BEGIN -->
    text for the reference tree (instructors: points at files the handout leaves out, or
    presents /brb as working)
    <!-- INSTRUCTOR-ONLY-ELSE
    the handout's text instead; in the reference tree it sits inside this HTML comment, so
    it is not shown there, and it cannot contain "-->"
    INSTRUCTOR-ONLY-END -->

The ELSE part is optional (then end with `<!-- INSTRUCTOR-ONLY-END -->`), and so is the text
before it (a BEGIN line followed at once by ELSE adds text to the handout only). In the
handout the whole block becomes its ELSE part.

A line: any line that contains `<!-- INSTRUCTOR-ONLY -->` (e.g. at the end of a table row,
where a block marker would end the table) is left out of the handout.

Blocks do not nest. A malformed block, or a marker left in the result, stops make_handout with
`file:line: what is wrong`.
"""

import os
import re
import sys

BEGIN = "<!-- INSTRUCTOR-ONLY-BEGIN -->"
ELSE = "<!-- INSTRUCTOR-ONLY-ELSE"
END = "<!-- INSTRUCTOR-ONLY-END -->"
ELSE_END = "INSTRUCTOR-ONLY-END -->"
LINE = "<!-- INSTRUCTOR-ONLY -->"
MARK = "INSTRUCTOR-ONLY"
MARKDOWN = (".md",)


class FenceError(Exception):
    """A malformed passage; the message starts with file:line."""


def strip(text, path="README.md"):
    """The handout version of one Markdown text, and the number of passages replaced."""
    out = []
    count = 0
    state = None            # None, "begin" (reference text), "else" (handout text)
    start = 0
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        s = line.strip()
        where = "%s:%d" % (path, n)
        if state is None:
            if s == BEGIN:
                state, start = "begin", n
            elif LINE in line:
                count += 1
            elif MARK in line:
                raise FenceError("%s: %s marker outside a block, or not on a line of its own: "
                                 "%r" % (where, MARK, s))
            else:
                out.append(line)
        elif state == "begin":
            if s == END:
                state, count = None, count + 1
            elif s == ELSE:
                state = "else"
            elif MARK in line:
                raise FenceError("%s: unexpected %r in the block that starts at line %d (blocks "
                                 "do not nest)" % (where, s, start))
        else:
            if s == ELSE_END:
                state, count = None, count + 1
            elif MARK in line or "-->" in line:
                raise FenceError("%s: in an ELSE part only %r on a line of its own may end it, "
                                 "got %r" % (where, ELSE_END, s))
            else:
                out.append(line)
    if state is not None:
        raise FenceError("%s:%d: %s without its end" % (path, start, BEGIN))
    return "".join(out), count


def rewrite_tree(out_dir):
    """Rewrite every Markdown file of the handout in out_dir; returns {relative path: count}.
    On a malformed passage, prints it and exits with status 1 (make_handout's own way)."""
    done = {}
    for d, dirs, names in os.walk(out_dir):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(MARKDOWN):
                continue
            path = os.path.join(d, name)
            rel = os.path.relpath(path, out_dir)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if MARK not in text:
                continue
            try:
                new, count = strip(text, rel)
            except FenceError as e:
                sys.exit("make_handout: %s" % e)
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            done[rel] = count
    return done


if __name__ == "__main__":
    # python3 labs/brb/handout_text.py FILE.md: print the handout's version of FILE.md.
    if len(sys.argv) != 2:
        sys.exit("usage: handout_text.py FILE.md   (prints the handout's version)")
    with open(sys.argv[1], encoding="utf-8") as f:
        try:
            sys.stdout.write(strip(f.read(), sys.argv[1])[0])
        except FenceError as e:
            sys.exit(str(e))
