#!/usr/bin/env python3
"""grade.py - grade the BRB lab (what `make grade` runs).

    make grade                                  # grade this tree
    make grade SUBMISSION=path/to/tree          # grade a student's tree (or a .tar.gz of it)
    make grade JSON=results.json                # also write a Gradescope results.json
    python3 labs/brb/grade.py --help            # every option

What it does, in order:

 1. With --submission, copies the submission into a scratch directory (the submission itself is
    never touched) and copies this tree's pristine tests and grader over it: the Makefile, the
    harness and its scenarios, labs/brb/ (this grader, the rubric, the hidden scenarios) and
    common/tests/. Without it, grades the tree it lives in, as it is.
 2. Builds each variant (bin/chat-VARIANT), the ThreadSanitizer builds of the threaded
    variants (bin/tsan/chat-VARIANT) and the cmocka BRB tests (common/tests/test_brb.c), each
    on its own, so that one that does not compile costs only its own tests.
 3. Runs the tests and prints one line per test, a subtotal per variant and `Score: N/M`:
      unit          each test case of common/tests/test_brb.c
      brb           each scenario of harness/scenarios tagged brb, against each variant
      hidden        each scenario of labs/brb/hidden/, against each variant
      regression    every other scenario of harness/scenarios, one test per variant
      tsan          each brb and hidden scenario against the ThreadSanitizer build
    The points come from labs/brb/rubric.txt. A variant without a main.c is MISSING.

Exit status: 0 with full marks, 1 otherwise, 2 when the grader cannot run at all (a bad
option, a submission that does not exist).
"""

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
RUBRIC = "labs/brb/rubric.txt"
HIDDEN_DIR = "labs/brb/hidden"
PUBLIC_DIR = "harness/scenarios"
UNIT_SOURCE = "common/tests/test_brb.c"
UNIT_BINARY = "build/release/common/tests/test_brb"
ANSWERS = "labs/brb/ANSWERS.md"
BRB_TAG = "brb"
TSAN_OPTIONS = "halt_on_error=1 exitcode=66"
TSAN_SCALE = 3.0            # ThreadSanitizer builds run several times slower
BUILD_TIME_LIMIT = 600      # seconds for one make command
UNIT_TIME_LIMIT = 60        # seconds for the cmocka binary
DETAIL_LINES = 30           # lines of failure detail printed per test

# What --submission copies from this (pristine) tree over the student's tree: the tests and
# the build rules, so that a student's edits to them change nothing.
PRISTINE = ["Makefile", "tools", "harness", "labs/brb", "common/tests", "hardening/rules.mk"]
# Never copied from a submission: build products, version control, editor and OS clutter.
SKIP_NAMES = {".git", "build", "bin", "dist", "__pycache__", ".DS_Store"}

# Statuses of a test, as printed. Only OK earns points.
OK, FAIL, TIMEOUT, CRASH, RACE = "OK", "FAIL", "TIMEOUT", "CRASH", "RACE"
MISSING, NOBUILD, SKIPPED = "MISSING", "BUILD FAILED", "NOT RUN"


class GradeError(Exception):
    """The grader cannot run (exit status 2)."""


# ---- the rubric -------------------------------------------------------------------------------

class Rubric:
    """labs/brb/rubric.txt: see that file for the format."""

    KINDS = ("brb", "hidden", "tsan", "regression", "unit")
    # The parts of the lab, in the order they are printed (labs/brb/README.md, "The parts").
    PARTS = ("core", "threaded", "async", "hybrid", "tsan", "questions")

    def __init__(self, path):
        self.path = path
        self.variants = []
        self.tsan_variants = []
        self.points = {}
        self.scenario_points = {}
        self.parts = list(self.PARTS)
        self.question_points = 0
        with open(path, encoding="utf-8") as f:
            for lineno, raw in enumerate(f, 1):
                words = raw.split("#", 1)[0].split()
                if words:
                    self._rule(words, "%s:%d" % (path, lineno))
        for k in self.KINDS:
            if k not in self.points:
                raise GradeError("%s: no points given for '%s'" % (path, k))
        self.all_variants, self.all_tsan_variants = list(self.variants), list(self.tsan_variants)
        self.apply_parts(self.parts, path)
        if not self.variants:
            raise GradeError("%s: no 'variants' line" % path)
        for v in self.tsan_variants:
            if v not in self.variants:
                raise GradeError("%s: tsan variant %s is not in 'variants'" % (path, v))

    @staticmethod
    def _number(word, where):
        if not word.isdigit():
            raise GradeError("%s: points must be a whole number, got %r" % (where, word))
        return int(word)

    def _rule(self, words, where):
        key = words[0]
        if key == "variants":
            self.variants = words[1:]
        elif key == "tsan-variants":
            self.tsan_variants = words[1:]
        elif key in self.KINDS and len(words) == 2:
            self.points[key] = self._number(words[1], where)
        elif key == "parts":
            self.parts = words[1:]
        elif key == "questions" and len(words) == 2:
            self.question_points = self._number(words[1], where)
        elif key == "scenario" and len(words) == 3:
            self.scenario_points[words[1]] = self._number(words[2], where)
        else:
            raise GradeError("%s: cannot read rule %r (see the comments at the top of the file)"
                             % (where, " ".join(words)))

    def scenario(self, kind, name):
        return self.scenario_points.get(name, self.points[kind])

    def apply_parts(self, parts, where="--parts"):
        """Grade only these parts: a variant not among them is not graded at all, the TSan
        lane only for the variants graded and only with 'tsan', the unit cases only with
        'core', the questions only with 'questions'."""
        unknown = [p for p in parts if p not in self.PARTS]
        if unknown:
            raise GradeError("%s: unknown part %s (the parts are: %s)"
                             % (where, ", ".join(unknown), " ".join(self.PARTS)))
        self.parts = [p for p in self.PARTS if p in parts]
        self.variants = [v for v in self.all_variants if v in self.parts]
        self.tsan_variants = [v for v in self.all_tsan_variants
                              if v in self.variants and "tsan" in self.parts]

    def has(self, part):
        return part in self.parts


# ---- results ----------------------------------------------------------------------------------

class Test:
    """One graded test and, once run, its outcome."""

    def __init__(self, section, name, kind, max_score, hidden=False):
        self.section = section      # "unit" or a variant name
        self.name = name            # e.g. "brb_hold_and_flush", "[tsan] brb_x"
        self.kind = kind            # a Rubric kind
        self.max_score = max_score
        self.hidden = hidden        # a hidden test: shown to students only once published
        self.status = None
        self.seconds = None
        self.detail = ""            # what went wrong, several lines
        self.repro = None           # one command that reproduces just this test

    @property
    def title(self):
        return "%s: %s" % (self.section, self.name)

    @property
    def part(self):
        """The part of the lab this test belongs to (Rubric.PARTS)."""
        if self.kind == "unit":
            return "core"
        if self.kind in ("tsan", "questions"):
            return self.kind
        return self.section

    @property
    def score(self):
        return self.max_score if self.status == OK else 0


# ---- preparing the tree -----------------------------------------------------------------------

def _copytree(src, dst):
    """Copy a directory tree, leaving out SKIP_NAMES and symbolic links that leave it."""
    os.makedirs(dst, exist_ok=True)
    for entry in os.scandir(src):
        if entry.name in SKIP_NAMES:
            continue
        target = os.path.join(dst, entry.name)
        if entry.is_symlink():
            continue                                    # never follow a student's links
        if entry.is_dir():
            _copytree(entry.path, target)
        elif entry.is_file():
            shutil.copy2(entry.path, target)


def _find_root(top):
    """The tree's top directory inside an unpacked submission: top itself, or its only
    subdirectory (a tarball usually holds one top-level folder)."""
    for _ in range(3):
        if os.path.isdir(os.path.join(top, "common")) or os.path.isfile(os.path.join(top,
                                                                                   "Makefile")):
            return top
        subdirs = [e.path for e in os.scandir(top) if e.is_dir() and e.name not in SKIP_NAMES]
        files = [e for e in os.scandir(top) if e.is_file()]
        if len(subdirs) != 1 or files:
            break
        top = subdirs[0]
    return top


def _unpack(tar_path, dest):
    """Unpack a submission tarball safely: regular files and directories only, no paths that
    leave dest."""
    with tarfile.open(tar_path) as tar:
        for member in tar.getmembers():
            name = os.path.normpath(member.name)
            if name.startswith(("/", "..")) or not (member.isfile() or member.isdir()):
                continue
            if any(part in SKIP_NAMES for part in name.split(os.sep)):
                continue
            path = os.path.join(dest, name)
            if member.isdir():
                os.makedirs(path, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with tar.extractfile(member) as src, open(path, "wb") as out:
                shutil.copyfileobj(src, out)
            os.chmod(path, 0o755 if member.mode & 0o111 else 0o644)


def prepare_submission(submission, scratch):
    """Copy the submission into scratch, then the pristine files over it; returns the root."""
    unpacked = os.path.join(scratch, "tree")
    if os.path.isdir(submission):
        _copytree(submission, unpacked)
    elif os.path.isfile(submission) and tarfile.is_tarfile(submission):
        os.makedirs(unpacked)
        _unpack(submission, unpacked)
    else:
        raise GradeError("submission %s is neither a directory nor a tarball" % submission)
    root = _find_root(unpacked)
    if not os.path.isfile(os.path.join(root, "common", "session.c")):
        raise GradeError("submission %s does not look like a chatlab tree (no common/session.c)"
                         % submission)
    students = keep_student_files(root)
    for rel in PRISTINE:
        src = os.path.join(ROOT, rel)
        dst = os.path.join(root, rel)
        if os.path.isdir(src):
            if os.path.isdir(dst) and rel != "common/tests":
                shutil.rmtree(dst)          # nothing of the student's own harness survives
            _copytree(src, dst)
        elif os.path.isfile(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
    restore_student_files(root, students)
    return root


# Files under PRISTINE that are the student's work, not the grader's: kept from the submission.
STUDENT_FILES = [ANSWERS]


def keep_student_files(root):
    kept = {}
    for rel in STUDENT_FILES:
        path = os.path.join(root, rel)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, "rb") as f:
                kept[rel] = f.read()
    return kept


def restore_student_files(root, kept):
    """Put the student's files back over the pristine copy; without one, there is none (a
    submission without ANSWERS.md must not be graded on the reference's answers)."""
    for rel in STUDENT_FILES:
        path = os.path.join(root, rel)
        if rel in kept:
            with open(path, "wb") as f:
                f.write(kept[rel])
        elif os.path.exists(path):
            os.remove(path)


# ---- building ---------------------------------------------------------------------------------

def run_make(tree, target, san=None):
    """Build one make target; returns (ok, seconds, output)."""
    cmd = ["make", "--no-print-directory", "-C", tree, "-j2"]
    if san:
        cmd.append("SAN=" + san)
    cmd.append(target)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=BUILD_TIME_LIMIT)
        ok = proc.returncode == 0
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        out += b"\n(make took more than %ds: stopped)\n" % BUILD_TIME_LIMIT
        ok = False
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)     # in its own session: it would outlive us
        raise
    return ok, time.monotonic() - t0, out.decode("utf-8", "replace")


def build_errors(output, lines=DETAIL_LINES):
    """The interesting part of a failed build's output: the compiler's messages."""
    rows = output.rstrip("\n").split("\n")
    wanted = [r for r in rows if re.search(r"\b(error|warning):|undefined reference|\*\*\*", r)]
    return "\n".join(wanted[:lines] if wanted else rows[-lines:])


# ---- running tests ----------------------------------------------------------------------------

def load_harness(tree):
    """Import the tree's harness/run_scenarios.py (pristine when grading a submission)."""
    path = os.path.join(tree, "harness", "run_scenarios.py")
    if not os.path.isfile(path):
        raise GradeError("%s is missing: the grader needs the scenario harness" % path)
    spec = importlib.util.spec_from_file_location("chatlab_run_scenarios", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def classify(result, sanitizer):
    """Turn a run_one() result into a status."""
    if result["passed"]:
        return OK
    if sanitizer and "sanitizer report" in result["message"]:
        return RACE if "ThreadSanitizer" in result["message"] else CRASH
    return {"timeout": TIMEOUT, "crash": CRASH}.get(result["kind"], FAIL)


def clip(text, lines=DETAIL_LINES):
    rows = text.rstrip("\n").split("\n")
    if len(rows) > lines:
        rows = rows[:lines] + ["... (%d more lines)" % (len(rows) - lines)]
    return "\n".join(rows)


def unit_cases(source):
    """The test case names in a cmocka test file, in order: the test_* names listed in its
    `const struct CMUnitTest tests[] = { ... };` array (whatever macro wraps them)."""
    with open(source, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
    m = re.search(r"struct\s+CMUnitTest\s+\w+\s*\[\s*\]\s*=\s*\{(.*?)\};", text, re.S)
    if not m:
        return []
    names = []
    for name in re.findall(r"\b(test_\w+)\b", m.group(1)):
        if name not in names:
            names.append(name)
    return names


def run_unit_binary(binary):
    """Run a cmocka binary; returns ({case: (passed, detail)}, whole output, timed out)."""
    cmd = [binary]
    if shutil.which("stdbuf"):
        cmd = ["stdbuf", "-o0", "-e0"] + cmd      # keep stderr's messages next to their test
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=UNIT_TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    text = out.decode("utf-8", "replace")
    results, current, detail = {}, None, []
    for row in text.split("\n"):
        m = re.match(r"\[\s*(RUN|OK|FAILED|SKIPPED)\s*\] (\S+)$", row.rstrip())
        if m and m.group(1) == "RUN":
            current, detail = m.group(2), []
        elif m and current == m.group(2):
            results[current] = (m.group(1) == "OK", "\n".join(detail))
            current = None
        elif current is not None:
            detail.append(row)
    if current is not None:       # the binary died in the middle of this case
        results[current] = (False, "\n".join(detail + ["(the test binary ended here: %s)" %
                                                       ("time limit" if timed_out else
                                                        "exit status %s" % proc.returncode)]))
    return results, text, timed_out


class Grader:
    def __init__(self, tree, rubric, args, display_root):
        self.tree = tree
        self.rubric = rubric
        self.args = args
        self.display_root = display_root      # how the tree is named in messages
        self.tests = []
        self.deadline = (time.monotonic() + args.time_limit) if args.time_limit else None
        self.hidden_dir = os.path.abspath(args.hidden) if args.hidden else \
            os.path.join(tree, HIDDEN_DIR)

    # -- printing -----------------------------------------------------------------------
    def say(self, text=""):
        print(text, flush=True)

    def report(self, t):
        when = " (%.1fs)" % t.seconds if t.seconds is not None else ""
        self.say("== %s == %s%s" % (t.title, t.status, when))
        if t.status == OK:
            return
        if t.status == NOBUILD:
            self.say("    (the build failed: its errors are printed above, under make)")
        elif t.detail:
            self.say("\n".join("    " + r for r in clip(t.detail).split("\n")))
        if t.repro:
            self.say("    reproduce: %s" % t.repro)

    def out_of_time(self):
        return self.deadline is not None and time.monotonic() > self.deadline

    # -- the parts ----------------------------------------------------------------------
    def build(self):
        """Build what the tests need; returns {target: (ok, output)}."""
        built = {}
        targets = []
        for v in self.rubric.variants:
            if os.path.isfile(os.path.join(self.tree, v, "main.c")):
                targets.append(("bin/chat-%s" % v, None))
        targets.append((UNIT_BINARY, None))
        for v in self.rubric.tsan_variants:
            if os.path.isfile(os.path.join(self.tree, v, "main.c")):
                targets.append(("bin/tsan/chat-%s" % v, "tsan"))
        for target, san in targets:
            ok, secs, out = run_make(self.tree, target, san)
            label = "make %s%s" % ("SAN=%s " % san if san else "", target)
            self.say("%s: %s (%.1fs)" % (label, "OK" if ok else "FAILED", secs))
            if not ok:
                self.say("\n".join("    " + r for r in build_errors(out).split("\n")))
            built[target] = (ok, out)
        return built

    def repro_scenario(self, binary, name, hidden, tsan):
        words = ["python3", "harness/run_scenarios.py", "--server", binary]
        if hidden:
            words += ["--scenarios", os.path.relpath(self.hidden_dir, self.tree)
                      if self.hidden_dir.startswith(self.tree + os.sep) else self.hidden_dir]
        if tsan:
            words += ["--sanitizer", "--timeout-scale",
                      "%g" % (TSAN_SCALE * self.args.timeout_scale)]
        elif self.args.timeout_scale != 1.0:
            words += ["--timeout-scale", "%g" % self.args.timeout_scale]
        words += ["--name", name] if name else ["--exclude-tag", BRB_TAG]
        cmd = " ".join(shlex.quote(w) for w in words)
        if tsan:
            cmd = "make SAN=tsan %s && TSAN_OPTIONS=%s %s" % (binary, shlex.quote(TSAN_OPTIONS),
                                                            cmd)
        return cmd

    def run_scenario_test(self, harness, t, binary, scenario, hidden, tsan):
        if self.out_of_time():
            t.status, t.detail = SKIPPED, "not run: the grader's time limit was reached"
            return
        r = harness.run_one(os.path.join(self.tree, binary), scenario,
                            self.args.timeout_scale * (TSAN_SCALE if tsan else 1.0),
                            sanitizer=tsan)
        t.status = classify(r, tsan)
        t.seconds = r["seconds"]
        if t.status != OK:
            t.detail = r["message"]
            t.repro = self.repro_scenario(binary, scenario.name, hidden, tsan)

    def grade_unit(self):
        source = os.path.join(self.tree, UNIT_SOURCE)
        cases = unit_cases(source) if os.path.isfile(source) else []
        if not cases:
            t = Test("unit", "test_brb", "unit", self.rubric.points["unit"])
            t.status, t.detail = MISSING, "%s is missing or has no test cases" % UNIT_SOURCE
            self.tests.append(t)
            self.report(t)
            return
        tests = [Test("unit", c, "unit", self.rubric.points["unit"]) for c in cases]
        self.tests += tests
        repro = "make %s && %s" % (UNIT_BINARY, UNIT_BINARY)
        ok, out = self.built[UNIT_BINARY]
        if not ok:
            for t in tests:
                t.status, t.detail, t.repro = NOBUILD, build_errors(out), "make " + UNIT_BINARY
                self.report(t)
            return
        t0 = time.monotonic()
        results, text, timed_out = run_unit_binary(os.path.join(self.tree, UNIT_BINARY))
        secs = time.monotonic() - t0
        for name in results:                # a case the source scan did not find
            if name not in cases:
                tests.append(Test("unit", name, "unit", self.rubric.points["unit"]))
                self.tests.append(tests[-1])
        for t in tests:
            if t.name in results:
                passed, detail = results[t.name]
                t.status = OK if passed else FAIL
                t.detail = detail
            else:
                t.status = TIMEOUT if timed_out else CRASH
                t.detail = "this case did not run (the test binary stopped before it)"
            if t.status != OK:
                t.repro = repro
            self.report(t)
        self.say("    (%d test cases in %.1fs)" % (len(tests), secs))

    def grade_variant(self, harness, v, brb, hidden, regression):
        r = self.rubric
        present = os.path.isfile(os.path.join(self.tree, v, "main.c"))
        binary = "bin/chat-%s" % v
        tsan_binary = "bin/tsan/chat-%s" % v
        plan = []                                   # (test, scenario, hidden?, tsan?)
        for sc in brb:
            plan.append((Test(v, sc.name, "brb", r.scenario("brb", sc.name)), sc, False, False))
        for sc in hidden:
            plan.append((Test(v, "[hidden] " + sc.name, "hidden", r.scenario("hidden", sc.name),
                              hidden=True), sc, True, False))
        reg = Test(v, "regression (%d scenarios not tagged %s)" % (len(regression), BRB_TAG),
                   "regression", r.points["regression"])
        if v in r.tsan_variants:
            for sc, is_hidden in [(s, False) for s in brb] + [(s, True) for s in hidden]:
                plan.append((Test(v, "[tsan] " + ("[hidden] " if is_hidden else "") + sc.name,
                                  "tsan", r.scenario("tsan", sc.name), hidden=is_hidden),
                             sc, is_hidden, True))
        tests = [p[0] for p in plan]
        tests.insert(len(brb) + len(hidden), reg)
        self.tests += tests
        if not present:
            for t in tests:
                t.status, t.detail = MISSING, "%s/main.c does not exist" % v
            self.say("== %s: all %d tests == MISSING (%s/main.c does not exist)"
                     % (v, len(tests), v))
            return

        def scenario_tests(items):
            for t, sc, is_hidden, tsan in items:
                b = tsan_binary if tsan else binary
                ok, out = self.built.get(b, (False, ""))
                if not ok:
                    t.status, t.detail, t.repro = NOBUILD, build_errors(out), \
                        "make %s%s" % ("SAN=tsan " if tsan else "", b)
                else:
                    self.run_scenario_test(harness, t, b, sc, is_hidden, tsan)
                self.report(t)

        scenario_tests([p for p in plan if not p[3]])
        # Regression: every non-BRB scenario, all or nothing.
        ok, out = self.built.get(binary, (False, ""))
        if not ok:
            reg.status, reg.detail, reg.repro = NOBUILD, build_errors(out), "make " + binary
        elif self.out_of_time():
            reg.status, reg.detail = SKIPPED, "not run: the grader's time limit was reached"
        else:
            t0 = time.monotonic()
            failures = []
            statuses = set()
            for sc in regression:
                if self.out_of_time():
                    failures.append("%s: not run (the grader's time limit was reached)" % sc.name)
                    statuses.add(SKIPPED)
                    continue
                res = harness.run_one(os.path.join(self.tree, binary), sc,
                                      self.args.timeout_scale)
                status = classify(res, False)
                if status != OK:
                    first = clip(res["message"], 8)
                    failures.append("%s: %s\n%s\n  reproduce: %s" % (
                        sc.name, status, "\n".join("  " + l for l in first.split("\n")),
                        self.repro_scenario(binary, sc.name, False, False)))
                    statuses.add(status)
            reg.seconds = time.monotonic() - t0
            # The group's status is its worst scenario's: a crash, a timeout, a failure.
            reg.status = next((s for s in (CRASH, TIMEOUT, FAIL, SKIPPED) if s in statuses), OK)
            if failures:
                reg.detail = "%d of %d scenarios failed:\n%s" % (
                    len(failures), len(regression), "\n".join(failures))
                reg.repro = self.repro_scenario(binary, None, False, False)
        self.report(reg)
        scenario_tests([p for p in plan if p[3]])

    # -- all of it ----------------------------------------------------------------------
    def run(self):
        started = time.monotonic()
        self.say("grading %s" % self.display_root)
        harness = load_harness(self.tree)
        public = harness.load_scenarios([os.path.join(self.tree, PUBLIC_DIR)])
        brb = [s for s in public if BRB_TAG in s.tags]
        regression = [s for s in public if BRB_TAG not in s.tags]
        if os.path.isdir(self.hidden_dir):
            hidden = harness.load_scenarios([self.hidden_dir])
        else:
            hidden = []
            self.say("(no hidden scenarios here: %s/ is kept by the instructor, so this run "
                     "grades the public tests only)" % HIDDEN_DIR)
        self.say("%d public BRB scenarios, %d hidden, %d regression scenarios"
                 % (len(brb), len(hidden), len(regression)))
        os.environ.setdefault("TSAN_OPTIONS", TSAN_OPTIONS)

        self.say()
        self.built = self.build()
        self.say()
        if self.rubric.has("core"):
            self.grade_unit()
            self.subtotal("unit")
        for v in self.rubric.variants:
            self.grade_variant(harness, v, brb, hidden, regression)
            self.subtotal(v)
        if self.rubric.has("questions"):
            self.grade_questions()
            self.subtotal("questions")
        self.part_subtotals()
        total = sum(t.score for t in self.tests)
        most = sum(t.max_score for t in self.tests)
        self.say("Score: %d/%d" % (total, most))
        return total, most, time.monotonic() - started

    def part_subtotals(self):
        """One line per part of the lab (rubric.txt, 'parts'): its points so far."""
        rows = []
        for part in self.rubric.parts:
            mine = [t for t in self.tests if t.part == part]
            if mine:
                rows.append("%s %d/%d" % (part, sum(t.score for t in mine),
                                          sum(t.max_score for t in mine)))
        self.say("Parts: " + ", ".join(rows))

    def grade_questions(self):
        """Each section of ANSWERS.md: answered with a measured number and the command that
        measured it. Points for the instructor to confirm (needs_review in the JSON)."""
        path = os.path.join(self.tree, ANSWERS)
        sections = answer_sections(path) if os.path.isfile(path) else []
        if not sections:
            t = Test("questions", "ANSWERS.md", "questions", self.rubric.question_points)
            t.status, t.detail = MISSING, "%s is missing or has no '## Q' sections" % ANSWERS
            t.needs_review = QUESTION_REVIEW
            self.tests.append(t)
            self.report(t)
            return
        # A submission that does not build scores nothing, answers included: fix it first.
        broken = sorted(b for b, (ok, _) in self.built.items() if not ok)
        for title, body in sections:
            t = Test("questions", title, "questions", self.rubric.question_points)
            t.needs_review = QUESTION_REVIEW
            problems = answer_problems(body)
            if broken:
                t.status, t.detail = NOBUILD, "make %s failed" % ", ".join(broken)
            elif problems:
                t.status, t.detail = FAIL, "; ".join(problems)
            else:
                t.status = OK
                t.detail = "answered (points to be confirmed by the instructor)"
            self.tests.append(t)
            self.report(t)
            if t.status == OK:
                self.say("    answered: points to be confirmed by the instructor")

    def subtotal(self, section):
        mine = [t for t in self.tests if t.section == section]
        self.say("%s subtotal: %d/%d" % (section, sum(t.score for t in mine),
                                         sum(t.max_score for t in mine)))
        self.say()


# ---- the questions (ANSWERS.md) -------------------------------------------------------------

# A command line in an answer: in a code block or indented, or after "$ ". Other lines in a
# block are taken for pasted output (their numbers count as measured). A command starts with
# one of these programs or with a path (bin/..., ./tool, mytools/x, /tmp/x), perhaps after
# "$ " and VAR=value settings.
COMMAND_PROGRAMS = ("python3", "make", "cc", "gcc", "clang", "sh", "bash", "time", "taskset",
                    "strace", "perf", "ltrace", "gdb", "valgrind", "ps", "cat", "grep")
COMMAND_RE = re.compile(r"^(\$\s*)?(\w+=\S*\s+)*(?:(?:%s)\b|(?:\.{0,2}/|[A-Za-z_][\w.-]*/)\S)"
                        % "|".join(COMMAND_PROGRAMS))
COMMAND_HINT = ("a line in a code block starting with %s, or with a path such as bin/..., "
                "./tool or mytools/tool (perhaps after VAR=value)"
                % ", ".join(COMMAND_PROGRAMS))
NUMBER_RE = re.compile(r"(?<![\w.])\d+(\.\d+)?(?![\w.])")


QUESTION_REVIEW = ("read the answer: does the measurement answer the question, and does the "
                   "conclusion follow from it?")


def answer_sections(path):
    """[(title, answer text)] of an ANSWERS.md: one per '## Q...' heading. The question
    itself (lines starting with '>') and HTML comments are not part of the answer."""
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"<!--.*?-->", "", f.read(), flags=re.S)
    sections, title, body = [], None, []
    for row in text.split("\n"):
        m = re.match(r"^##\s+(Q\d+\b.*)$", row)
        if m:
            if title:
                sections.append((title, body))
            title, body = m.group(1).strip(), []
        elif title and not row.lstrip().startswith(">"):
            body.append(row)
    if title:
        sections.append((title, body))
    return [(t, "\n".join(b)) for t, b in sections]


def answer_problems(body):
    """What an answer lacks: a command that measured, a number measured (outside the
    commands). Empty when it has both."""
    commands, prose, in_code = [], [], False
    for row in body.split("\n"):
        if row.strip().startswith("```"):
            in_code = not in_code
            continue
        stripped = row.strip()
        if (in_code or row.startswith("    ") or stripped.startswith("$ ")) and stripped:
            if COMMAND_RE.match(stripped):
                commands.append(stripped)
            else:
                prose.append(stripped)          # output pasted in a block counts as numbers
        else:
            prose.append(stripped)
    problems = []
    if not commands:
        problems.append("no command that produced the measurement (put it in a code block, "
                        "e.g. `python3 labs/brb/measure_flush.py --server bin/chat-threaded`; "
                        "a command is %s)" % COMMAND_HINT)
    if not any(NUMBER_RE.search(p) for p in prose):
        problems.append("no measured number (say what you measured, with its unit)")
    return problems


# ---- Gradescope ------------------------------------------------------------------------------
#
# results.json, as Gradescope's autograder reads it (labs/brb/autograder/run_autograder writes
# it to /autograder/results/results.json):
#
#   score, execution_time, output (the score, a subtotal per part, what needs review, and the
#   compiler's errors of any build that failed), visibility, stdout_visibility, extra_data
#   ({max_score, parts: [{name, score, max_score}], needs_review: [test names], builds:
#   {target: "OK"|"FAILED"}}), and tests: one entry per graded test with name, score,
#   max_score, status (passed/failed), output, tags ([kind, section]), visibility
#   (after_due_date for the hidden scenarios and their TSan runs, visible otherwise) and
#   extra_data ({part, kind, status as printed, seconds, needs_review}).
#
# Two optional attributes of a Test shape its entry: `part` (the rubric part it counts
# towards; default: its section) and `needs_review` (a text saying what the instructor must
# confirm, e.g. for an answered question: the entry then says NEEDS INSTRUCTOR REVIEW, its
# points are provisional, and it is listed in extra_data.needs_review and in the output).

HIDDEN_VISIBILITY = "after_due_date"


def _test_part(t):
    return getattr(t, "part", None) or t.section


def _test_output(t):
    text = t.status + ("" if t.seconds is None else " (%.1fs)" % t.seconds)
    review = getattr(t, "needs_review", None)
    if review:
        text = "NEEDS INSTRUCTOR REVIEW (the points are provisional): %s\n%s" % (
            review if isinstance(review, str) else "", text)
    if t.detail and (t.status != OK or review):
        text += "\n" + clip(t.detail, 60)
    if t.repro:
        text += "\nreproduce: " + t.repro
    return text


def _parts(tests):
    """[(part, score, max_score)] in the order the parts first appear."""
    order, score, most = [], {}, {}
    for t in tests:
        p = _test_part(t)
        if p not in score:
            order.append(p)
            score[p] = most[p] = 0
        score[p] += t.score
        most[p] += t.max_score
    return [(p, score[p], most[p]) for p in order]


def gradescope_json(tests, total, seconds, built=None):
    """The results.json data (see above); built is Grader.built ({target: (ok, output)})."""
    out = []
    review = []
    for t in tests:
        extra = {"part": _test_part(t), "kind": t.kind, "status": t.status,
                 "seconds": None if t.seconds is None else round(t.seconds, 2)}
        if getattr(t, "needs_review", None):
            extra["needs_review"] = True
            review.append(t.title)
        out.append({
            "name": t.title,
            "score": t.score,
            "max_score": t.max_score,
            "status": "passed" if t.status == OK else "failed",
            "output": _test_output(t),
            "tags": [t.kind, t.section],
            "visibility": HIDDEN_VISIBILITY if t.hidden else "visible",
            "extra_data": extra,
        })
    most = sum(t.max_score for t in tests)
    parts = _parts(tests)
    summary = ["Score: %d/%d" % (total, most)]
    summary += ["%s subtotal: %d/%d" % p for p in parts]
    if review:
        summary.append("needs instructor review (provisional points): " + ", ".join(review))
    builds = {}
    shown = set()
    for target, (ok, text) in sorted((built or {}).items()):
        builds[target] = "OK" if ok else "FAILED"
        if not ok:
            errors = build_errors(text)
            # The same compiler messages (make's own lines differ) are printed once.
            key = "\n".join(r for r in errors.split("\n") if "***" not in r)
            summary.append("make %s: BUILD FAILED%s" % (
                target, " (the same errors as above)" if key in shown else ":\n" + errors))
            shown.add(key)
    return {"score": total, "execution_time": round(seconds, 1), "output": "\n".join(summary),
            "tests": out, "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"max_score": most,
                           "parts": [{"name": p, "score": sc, "max_score": m}
                                     for p, sc, m in parts],
                           "needs_review": review, "builds": builds}}


def gradescope_error_json(message, seconds=0.0):
    """A valid results.json for a submission that could not be graded at all: score 0, and
    the reason as the output (students see it)."""
    return {"score": 0, "execution_time": round(seconds, 1),
            "output": "The submission could not be graded: %s" % message, "tests": [],
            "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"max_score": None, "parts": [], "needs_review": [], "builds": {},
                           "error": message}}


def write_json(path, data):
    """Write results.json atomically (a reader never sees half a file)."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


# ---- the processes we started -----------------------------------------------------------------

def kill_strays(tree):
    """Kill any server still running from this tree's bin/ (after an interrupted test)."""
    bindir = os.path.realpath(os.path.join(tree, "bin")) + os.sep
    me = os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            exe = os.readlink("/proc/%s/exe" % pid)
        except OSError:
            continue
        if exe.startswith(bindir):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Grade the BRB lab: build, run the BRB, regression and ThreadSanitizer "
                    "tests, print the score (see labs/brb/README.md).")
    p.add_argument("--submission", metavar="PATH",
                   help="grade this tree or .tar.gz (copied to a scratch directory first)")
    p.add_argument("--json", metavar="FILE", help="also write Gradescope results.json here")
    p.add_argument("--hidden", metavar="DIR",
                   help="hidden scenarios (default: labs/brb/hidden of the graded tree)")
    p.add_argument("--timeout-scale", type=float, default=1.0, metavar="F",
                   help="multiply every scenario timeout by F (a slow machine)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop starting tests after this long; the rest score 0 (NOT RUN)")
    p.add_argument("--parts", metavar="'PART ...'",
                   help="grade only these parts (core threaded async hybrid tsan questions); "
                        "default: the 'parts' line of rubric.txt")
    p.add_argument("--keep", action="store_true",
                   help="with --submission: keep the scratch copy and print where it is")
    args = p.parse_args(argv)
    if args.timeout_scale <= 0:
        p.error("--timeout-scale must be more than 0")

    # Paths given on the command line are relative to where we were started.
    for name in ("submission", "json", "hidden"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    scratch = None
    tree = ROOT
    display = "this tree (%s)" % ROOT
    try:
        if args.submission:
            if not os.path.exists(args.submission):
                raise GradeError("no such submission: %s" % args.submission)
            scratch = tempfile.mkdtemp(prefix="brb-grade-")
            tree = prepare_submission(args.submission, scratch)
            display = "%s (in the scratch copy %s)" % (args.submission, tree)
        rubric = Rubric(os.path.join(tree, RUBRIC))
        if args.parts:
            rubric.apply_parts(args.parts.split())
        os.chdir(tree)          # scenario paths in messages then read like the repro commands
        grader = Grader(tree, rubric, args, display)

        def on_term(signum, frame):
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, on_term)
        try:
            total, most, seconds = grader.run()
        except KeyboardInterrupt:
            kill_strays(tree)
            print("grade: interrupted", file=sys.stderr)
            return 1
        if args.json:
            write_json(args.json, gradescope_json(grader.tests, total, seconds,
                                                  getattr(grader, "built", None)))
        if args.submission:
            print("Commands under 'reproduce' run from the top of the submission's tree.")
        return 0 if total == most else 1
    except GradeError as e:
        print("grade: %s" % e, file=sys.stderr)
        if args.json:
            write_json(args.json, gradescope_error_json(str(e)))
        return 2
    finally:
        if scratch:
            os.chdir(ROOT)
            kill_strays(tree)
            if args.keep:
                print("scratch copy kept: %s" % tree)
            else:
                shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
