#!/usr/bin/env python3
"""make_handout.py - turn the reference tree into the BRB lab handout (instructors only).

    python3 labs/brb/make_handout.py              # what `make handout` runs
    python3 labs/brb/make_handout.py --list       # list every fenced block (file:line: TODO)
    python3 labs/brb/make_handout.py --out DIR    # write DIR and DIR.tar.gz instead of dist/...
    python3 labs/brb/make_handout.py --hints brief                # TODOs say what and why only
    python3 labs/brb/make_handout.py --parts "core threaded"      # a lab of some parts only

It writes dist/brb-handout/ and dist/brb-handout.tar.gz: every file of the tree (the files git
tracks, plus files git does not ignore), minus the instructor-only files listed in
labs/brb/handout-exclude, with every solution block of the C sources replaced by a TODO comment.

A solution block in a .c or .h file looks like this (each marker on a line of its own):

    /* BRB-SOLUTION-BEGIN: what the student must do here, in a sentence or a few lines;
     * continuation lines start with " * " like any block comment. */
    ... the reference code ...
    /* BRB-SOLUTION-END */

and, when the handout needs some code in place of the solution so that it still compiles with
-Werror and still runs (a stub reply, a value to return, a parameter to mark as used):

    /* BRB-SOLUTION-BEGIN: ... */
    ... the reference code ...
    /* BRB-SOLUTION-ELSE
    ... the handout's code; in the reference tree it is inside this comment ...
    BRB-SOLUTION-END */

In the handout the whole block becomes

    /* TODO(BRB): what the student must do here, ... */
    ... the handout's code (the ELSE part), if any ...

indented like the BEGIN marker. Blocks do not nest. The handout is checked afterwards: no file
may still contain the word BRB-SOLUTION.

Hints. A TODO text says what to do and why; a line starting with "How:" begins the step list
that follows it. --hints full (the default) keeps it all; --hints brief drops everything from
"How:" on, for instructors who want students to design the code themselves.

Parts. Every block belongs to a part of the lab by its directory: common/ is "core",
threaded/, async/ and hybrid/ are the server parts (rubric.txt, "parts"). --parts lists the
parts the lab has; the blocks of the other parts keep their solution in the handout (the
markers and the TODO comment dropped), and the handout's rubric.txt gets a `parts` line, so
that `make grade` grades what the students were given. "tsan" and "questions" may be named
too; they are kept whenever a part they apply to is (tsan: a threaded variant).

labs/brb/ANSWERS.md, the students' answers to the questions, is fenced the same way in HTML
comments: `<!-- BRB-SOLUTION-BEGIN -->` ... `<!-- BRB-SOLUTION-END -->` around the reference
answer of each question; the handout has a TODO comment in its place.
"""

import argparse
import fnmatch
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile

import handout_text

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
EXCLUDE_FILE = os.path.join(LAB_DIR, "handout-exclude")
DEFAULT_OUT = os.path.join(ROOT, "dist", "brb-handout")
FENCED_EXTENSIONS = (".c", ".h")
FENCED_MARKDOWN = ("labs/brb/ANSWERS.md",)
MD_BEGIN = "<!-- BRB-SOLUTION-BEGIN -->"
MD_END = "<!-- BRB-SOLUTION-END -->"
MD_TODO = ("<!-- TODO(BRB): your answer. The command(s) you ran, in a code block, then what "
           "you measured, with numbers and units, and what you conclude. -->")
CODE_PARTS = ("core", "threaded", "async", "hybrid")
ALL_PARTS = CODE_PARTS + ("tsan", "questions")
THREADED_PARTS = ("threaded", "hybrid")
HOW = "How:"
RUBRIC = "labs/brb/rubric.txt"
MARK = "BRB-SOLUTION"
# Never copied, whether git knows them or not: build products and version control.
ALWAYS_SKIP = ("build/", "bin/", "dist/", ".git/", "*/__pycache__/", "__pycache__/", "*.pyc")

BEGIN_RE = re.compile(r"^(?P<indent>[ \t]*)/\* BRB-SOLUTION-BEGIN:?(?P<text>.*)$")
ELSE_RE = re.compile(r"^[ \t]*/\* BRB-SOLUTION-ELSE[ \t]*$")
END_RE = re.compile(r"^[ \t]*/\* BRB-SOLUTION-END \*/[ \t]*$")
ELSE_END_RE = re.compile(r"^[ \t]*BRB-SOLUTION-END \*/[ \t]*$")


class FenceError(Exception):
    """A malformed solution block; the message starts with file:line."""


class Block:
    """One solution block: where it is, its TODO text, and the handout's replacement lines."""

    def __init__(self, path, line, indent, todo, replacement, solution=()):
        self.solution = list(solution)  # the reference code (source lines)
        self.path = path
        self.line = line
        self.indent = indent
        self.todo = todo                # list of text lines, without comment decoration
        self.replacement = replacement  # list of source lines (with their "\n")


def _todo_lines(first, rest, where):
    """The TODO text of a BEGIN comment: its first line's text and its continuation lines."""
    text = [first]
    for raw in rest:
        s = raw.strip()
        if not s.startswith("*"):
            raise FenceError("%s: a continuation line of a BRB-SOLUTION-BEGIN comment must "
                             "start with '*', got %r" % (where, raw.rstrip("\n")))
        # Drop the "*" and the one space after it; deeper indentation is kept.
        text.append(s[2:] if s.startswith("* ") else s[1:])
    # The closing "*/" of the comment ends the last line.
    last = text[-1].rstrip()
    if not last.endswith("*/"):
        raise FenceError("%s: the BRB-SOLUTION-BEGIN comment does not end with '*/'" % where)
    text[-1] = last[:-2]
    text = [t.rstrip() for t in text]
    text[0] = text[0].strip()
    while text and not text[-1]:
        text.pop()
    if not text or not text[0]:
        raise FenceError("%s: BRB-SOLUTION-BEGIN needs a TODO text telling the student what to "
                         "do, e.g. '/* BRB-SOLUTION-BEGIN: mark the member away ... */'" % where)
    return text


def parse(path, lines):
    """Split a source file into plain lines and solution blocks.

    Returns (pieces, blocks): pieces is a list whose items are either a source line (str) or a
    Block; blocks lists the Blocks in order. Raises FenceError for a malformed block."""
    pieces, blocks = [], []
    i = 0
    while i < len(lines):
        line = lines[i]
        where = "%s:%d" % (path, i + 1)
        m = BEGIN_RE.match(line.rstrip("\n"))
        if not m:
            if MARK in line:
                raise FenceError("%s: %s marker outside a block, or not on a line of its own: %r"
                                 % (where, MARK, line.rstrip("\n")))
            pieces.append(line)
            i += 1
            continue
        # The BEGIN comment runs until the line that closes it.
        start = i
        comment = [m.group("text")]
        while not lines[i].rstrip().endswith("*/"):
            i += 1
            if i == len(lines):
                raise FenceError("%s: the BRB-SOLUTION-BEGIN comment is never closed" % where)
            comment.append(lines[i])
        todo = _todo_lines(comment[0], comment[1:], where)
        i += 1
        # The solution, then an optional ELSE part, then the END marker.
        replacement = []
        solution = []
        in_else = False
        while True:
            if i == len(lines):
                raise FenceError("%s: BRB-SOLUTION-BEGIN without BRB-SOLUTION-END" % where)
            cur = lines[i].rstrip("\n")
            here = "%s:%d" % (path, i + 1)
            if in_else:
                if ELSE_END_RE.match(cur):
                    break
                if MARK in cur:
                    raise FenceError("%s: in an ELSE part, only 'BRB-SOLUTION-END */' on a line "
                                     "of its own may end it, got %r" % (here, cur))
                if "/*" in cur or "*/" in cur:
                    raise FenceError("%s: the ELSE part sits inside a comment in the reference "
                                     "tree, so it cannot contain '/*' or '*/' (use // comments)"
                                     % here)
                replacement.append(lines[i])
            elif END_RE.match(cur):
                break
            elif ELSE_RE.match(cur):
                in_else = True
            elif not in_else and MARK not in cur:
                solution.append(lines[i])
            elif MARK in cur:
                raise FenceError("%s: unexpected %r inside the block that starts at line %d "
                                 "(blocks do not nest)" % (here, cur.strip(), start + 1))
            i += 1
        block = Block(path, start + 1, m.group("indent"), todo, replacement, solution)
        pieces.append(block)
        blocks.append(block)
        i += 1
    return pieces, blocks


def brief(todo):
    """The TODO text without its step list (from the line starting with "How:" on)."""
    for n, text in enumerate(todo):
        if text.startswith(HOW) and n > 0:
            return todo[:n]
    return todo


def part_of(path):
    """The part of the lab a fenced file belongs to, by its top directory."""
    top = path.split("/", 1)[0]
    return top if top in CODE_PARTS else "core"


def render_todo(block, hints="full"):
    """The TODO comment that stands for a block in the handout."""
    ind = block.indent
    out = []
    for n, text in enumerate(brief(block.todo) if hints == "brief" else block.todo):
        lead = "/* TODO(BRB): " if n == 0 else " * "
        out.append((ind + lead + text).rstrip())
    out[-1] += " */"
    return [o + "\n" for o in out]


def strip_text(path, text, hints="full", parts=CODE_PARTS):
    """The handout version of one source file's text, and its blocks (those of the parts
    the lab has; the others keep their solution, without the markers)."""
    lines = text.splitlines(keepends=True)
    pieces, blocks = parse(path, lines)
    out = []
    kept = []
    for p in pieces:
        if not isinstance(p, Block):
            out.append(p)
        elif part_of(path) in parts:
            out += render_todo(p, hints) + p.replacement
            kept.append(p)
        else:
            out += p.solution
    return "".join(out), kept


def strip_markdown(path, text):
    """The handout version of a fenced markdown file (ANSWERS.md): each answer between the
    HTML-comment markers becomes a TODO comment. Returns (text, number of blocks)."""
    out, inside, count = [], False, 0
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        s = line.strip()
        if s == MD_BEGIN:
            if inside:
                raise FenceError("%s:%d: %s inside a block" % (path, n, MD_BEGIN))
            inside, count = True, count + 1
            out.append(MD_TODO + "\n")
        elif s == MD_END:
            if not inside:
                raise FenceError("%s:%d: %s without %s" % (path, n, MD_END, MD_BEGIN))
            inside = False
        elif MARK in line:
            raise FenceError("%s:%d: %s marker not on a line of its own" % (path, n, MARK))
        elif not inside:
            out.append(line)
    if inside:
        raise FenceError("%s: %s without %s" % (path, MD_BEGIN, MD_END))
    return "".join(out), count


def handout_rubric(text, parts):
    """rubric.txt for a handout of some parts: its `parts` line says which."""
    line = "parts " + " ".join(parts) + "\n"
    rows = text.splitlines(keepends=True)
    for i, row in enumerate(rows):
        if row.split("#", 1)[0].split()[:1] == ["parts"]:
            rows[i] = line
            return "".join(rows)
    return line + "".join(rows)


def lab_parts(chosen):
    """The parts of a lab from the parts an instructor named: the code parts named, and the
    TSan lane and the questions when they apply (named, or by default)."""
    unknown = [p for p in chosen if p not in ALL_PARTS]
    if unknown:
        raise FenceError("unknown part %s (the parts are: %s)" % (", ".join(unknown),
                                                                   " ".join(ALL_PARTS)))
    code = [p for p in CODE_PARTS if p in chosen]
    extra = [p for p in ("tsan", "questions") if p in chosen]
    if not extra:
        extra = ["questions"] + (["tsan"] if any(p in THREADED_PARTS for p in code) else [])
    return [p for p in ALL_PARTS if p in code or p in extra]


# ---- which files ------------------------------------------------------------------------------

def read_patterns(path):
    patterns = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if line:
                patterns.append(line)
    return patterns


def matches(rel, patterns):
    """Does the relative path rel match one of the patterns? A pattern ending in '/' names a
    directory and everything below it; other patterns are shell globs on the whole path."""
    for pat in patterns:
        if pat.endswith("/"):
            if rel.startswith(pat) or fnmatch.fnmatch(rel, pat + "*"):
                return True
        elif fnmatch.fnmatch(rel, pat):
            return True
    return False


def tree_files(root):
    """Relative paths of the tree's files: git's tracked and not-ignored files when root is a
    git work tree, otherwise every file (build products are skipped either way)."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, capture_output=True).stdout
        files = [f for f in out.decode("utf-8", "surrogateescape").split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = sorted(x for x in dirs if x != ".git")
            for n in names:
                files.append(os.path.relpath(os.path.join(d, n), root))
    # git lists files deleted from the work tree but not yet from the index: skip those.
    return sorted(f for f in set(files) if not matches(f, ALWAYS_SKIP)
                  and os.path.isfile(os.path.join(root, f)))


def collect(root, exclude):
    """(files to ship, files left out) as relative paths."""
    ship, left_out = [], []
    for rel in tree_files(root):
        (left_out if matches(rel, exclude) else ship).append(rel)
    return ship, left_out


# ---- writing the handout ----------------------------------------------------------------------

def write_handout(root, out_dir, exclude, hints="full", parts=ALL_PARTS):
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    ship, left_out = collect(root, exclude)
    all_blocks = []
    for rel in ship:
        src = os.path.join(root, rel)
        dst = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        text = None
        if rel.endswith(FENCED_EXTENSIONS):
            with open(src, encoding="utf-8") as f:
                text, blocks = strip_text(rel, f.read(), hints, parts)
            all_blocks += blocks
        elif rel in FENCED_MARKDOWN:
            with open(src, encoding="utf-8") as f:
                text, _ = strip_markdown(rel, f.read())
        elif rel == RUBRIC and list(parts) != list(ALL_PARTS):
            with open(src, encoding="utf-8") as f:
                text = handout_rubric(f.read(), parts)
        if text is None:
            shutil.copy2(src, dst)
            continue
        with open(dst, "w", encoding="utf-8") as f:
            f.write(text)
        shutil.copymode(src, dst)
    handout_text.rewrite_tree(out_dir)      # Markdown passages marked INSTRUCTOR-ONLY
    return ship, left_out, all_blocks


def check_handout(out_dir):
    """Problems in the written handout: any file still naming the solution markers."""
    problems = []
    for d, _, names in os.walk(out_dir):
        for n in names:
            path = os.path.join(d, n)
            with open(path, "rb") as f:
                if MARK.encode() in f.read():
                    problems.append("%s still contains %s" % (os.path.relpath(path, out_dir),
                                                              MARK))
    return problems


def make_tarball(out_dir):
    """out_dir.tar.gz holding out_dir under its own name, owned by nobody in particular."""
    tar_path = out_dir.rstrip("/") + ".tar.gz"
    top = os.path.basename(out_dir.rstrip("/"))

    def neutral(info):
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(tar_path, "w:gz") as tar:
        tar.add(out_dir, arcname=top, filter=neutral)
    return tar_path


def list_blocks(root, exclude):
    ship, _ = collect(root, exclude)
    count = 0
    for rel in ship:
        if not rel.endswith(FENCED_EXTENSIONS):
            continue
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            _, blocks = strip_text(rel, f.read())
        for b in blocks:
            stub = " (handout keeps %d line%s)" % (len(b.replacement),
                                                   "" if len(b.replacement) == 1 else "s") \
                if b.replacement else ""
            print("%s:%d: [%s] %s%s" % (b.path, b.line, part_of(b.path), b.todo[0], stub))
            count += 1
    print("%d solution blocks" % count)


def main(argv=None):
    p = argparse.ArgumentParser(description="Write the BRB lab handout from the reference tree.")
    p.add_argument("--root", default=ROOT, help="the reference tree (default: this repository)")
    p.add_argument("--out", help="handout directory (default: ROOT/dist/brb-handout); "
                                 "the tarball is written beside it as OUT.tar.gz")
    p.add_argument("--list", action="store_true", help="list the solution blocks and exit")
    p.add_argument("--hints", choices=("full", "brief"), default="full",
                   help="full: the TODO texts with their steps (default); brief: what and why "
                        "only")
    p.add_argument("--parts", default="", metavar="'PART ...'",
                   help="the parts of the lab (core threaded async hybrid, and tsan "
                        "questions); default: all. The others keep their solution.")
    args = p.parse_args(argv)

    root = os.path.abspath(args.root)
    exclude = read_patterns(os.path.join(root, "labs", "brb", "handout-exclude"))
    try:
        if args.list:
            list_blocks(root, exclude)
            return 0
        out_dir = os.path.abspath(args.out or os.path.join(root, "dist", "brb-handout"))
        if os.path.commonpath([out_dir, root]) == out_dir:
            p.error("--out must not be the tree itself or one of its parents")
        parts = lab_parts(args.parts.split()) if args.parts.split() else list(ALL_PARTS)
        ship, left_out, blocks = write_handout(root, out_dir, exclude, args.hints, parts)
    except FenceError as e:
        print("make_handout: %s" % e, file=sys.stderr)
        return 1
    problems = check_handout(out_dir)
    if problems:
        for prob in problems:
            print("make_handout: %s" % prob, file=sys.stderr)
        return 1
    tar_path = make_tarball(out_dir)
    files_with_blocks = len({b.path for b in blocks})
    print("handout: %s (%d files; %d solution blocks in %d files replaced by TODOs; "
          "%d instructor-only files left out)" % (os.path.relpath(out_dir), len(ship),
                                                  len(blocks), files_with_blocks,
                                                  len(left_out)))
    print("parts: %s; hints: %s" % (" ".join(parts), args.hints))
    print("tarball: %s" % os.path.relpath(tar_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
