#!/usr/bin/env python3
"""lab_check.py - the BRB lab's own test (what `make lab-check` runs; instructors and CI only).

It proves that the lab can be handed out: neither broken nor already solved.

 1. The reference tree: `labs/brb/grade.py` must give full marks (`Score: M/M`, exit 0).
 2. `labs/brb/make_handout.py` writes dist/brb-handout/ and dist/brb-handout.tar.gz; the
    handout must leave out every instructor-only file (labs/brb/handout-exclude) and keep
    every other file of the tree.
 3. The handout must build with `make` (the same -Werror flags) ...
 4. ... pass every unit test except common/tests/test_brb.c ...
 5. ... and, graded in place by its own grader with the reference tree's hidden scenarios,
    pass every regression test (the scenarios not tagged brb) and score 0 on every BRB test:
    the cmocka BRB cases, the public and hidden BRB scenarios, and their ThreadSanitizer runs,
    and the questions (ANSWERS.md is the empty template).
 6. One server part unsolved at a time, the core and the other parts solved (a handout made
    with `--parts V`): that variant's part tests (PART_TESTS) fail, and the same tests pass
    against the other two variants built from that same tree.
 7. Each wrong answer in labs/brb/mutants/ (a patch naming the graded test it must fail),
    applied to a scratch copy of the reference: the named test, run exactly as the grader
    runs it, fails (with the status named, e.g. RACE), and its points are lost.

    python3 labs/brb/lab_check.py                    # all of it
    python3 labs/brb/lab_check.py --skip-reference   # without step 1
    python3 labs/brb/lab_check.py --only mutants     # one step: reference, handout, parts,
                                                     # mutants (repeatable)
    python3 labs/brb/lab_check.py --only mutants --mutant async-busy-flush

Exit status 0 when every check holds; 1 otherwise, with the failed checks listed at the end.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
sys.path.insert(0, LAB_DIR)

import grade as grader  # noqa: E402
import make_handout  # noqa: E402

HANDOUT = os.path.join(ROOT, "dist", "brb-handout")
BRB_KINDS = ("unit", "brb", "hidden", "tsan", "questions")
SERVER_VARIANTS = ("threaded", "async", "hybrid")
MUTANTS_DIR = os.path.join(LAB_DIR, "mutants")
# Per server part: graded tests that its TODO left undone must fail (the handout's stub), and
# that pass wherever that part is solved. Each is quick to fail: none waits for long.
PART_TESTS = {
    "threaded": ["brb_away_costs_nothing", "[hidden] brb_hidden_away_costs_nothing"],
    "async": ["brb_back_flush_larger_than_sendq", "[hidden] brb_hidden_back_then_silence"],
    "hybrid": ["brb_away_costs_nothing", "[hidden] brb_hidden_away_costs_nothing"],
}


def step(title):
    print("\n#### %s" % title, flush=True)


def run(cmd, cwd=None, **kw):
    where = "cd %s && " % os.path.relpath(cwd, ROOT) if cwd and cwd != ROOT else ""
    print("$ %s%s" % (where, " ".join(cmd)), flush=True)
    return subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, **kw)


def run_quietly(cmd, cwd):
    """Run a build step; its output is printed only if it fails. Returns True on success."""
    r = run(cmd, cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print(r.stdout[-6000:])
    return r.returncode == 0


def grade(tree, json_path, extra=()):
    """Run tree's own grader; returns (exit status, the results.json data or None)."""
    rc = run([sys.executable, os.path.join(tree, "labs", "brb", "grade.py"),
              "--json", json_path] + list(extra), cwd=tree).returncode
    try:
        with open(json_path) as f:
            return rc, json.load(f)
    except (OSError, ValueError):
        return rc, None


def check_reference(problems, tmp):
    step("1. the reference tree must score full marks")
    rc, res = grade(ROOT, os.path.join(tmp, "reference.json"))
    if res is None:
        problems.append("reference: the grader wrote no results (exit status %d)" % rc)
        return
    most = sum(t["max_score"] for t in res["tests"])
    if rc != 0 or res["score"] != most:
        lost = [t["name"] for t in res["tests"] if t["score"] < t["max_score"]]
        problems.append("reference: Score %s/%s, exit status %d; not passed: %s"
                        % (res["score"], most, rc, ", ".join(lost)))
    else:
        print("reference: Score %d/%d" % (res["score"], most))


def check_handout_files(problems):
    step("2. make the handout")
    if run([sys.executable, os.path.join(LAB_DIR, "make_handout.py")]).returncode != 0:
        problems.append("handout: make_handout.py failed")
        return False
    exclude = make_handout.read_patterns(os.path.join(LAB_DIR, "handout-exclude"))
    ship, left_out = make_handout.collect(ROOT, exclude)
    for rel in left_out:
        if os.path.exists(os.path.join(HANDOUT, rel)):
            problems.append("handout: contains the instructor-only file %s" % rel)
    for rel in ship:
        if not os.path.isfile(os.path.join(HANDOUT, rel)):
            problems.append("handout: %s is missing" % rel)
    with tarfile.open(HANDOUT + ".tar.gz") as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()}
    expected = {"brb-handout/" + rel for rel in ship}
    if names != expected:
        problems.append("handout: the tarball differs from the directory (%d extra, %d missing)"
                        % (len(names - expected), len(expected - names)))
    if not os.path.isdir(os.path.join(ROOT, "labs", "brb", "hidden")) or \
            os.path.exists(os.path.join(HANDOUT, "labs", "brb", "hidden")):
        problems.append("handout: labs/brb/hidden must exist in the reference tree and not in "
                        "the handout")
    print("handout: %d files, %d left out" % (len(ship), len(left_out)))
    return True


def check_handout_build(problems):
    step("3. the handout must build with the same flags")
    if not run_quietly(["make", "--no-print-directory", "-j2", "all"], HANDOUT):
        problems.append("handout: `make` failed")
        return False
    for v in SERVER_VARIANTS:
        if os.path.isfile(os.path.join(HANDOUT, v, "main.c")) and \
                not os.path.isfile(os.path.join(HANDOUT, "bin", "chat-" + v)):
            problems.append("handout: bin/chat-%s was not built" % v)
    return True


def check_handout_units(problems):
    step("4. every unit test of the handout except test_brb must pass")
    dirs = ["common"] + [d for d in SERVER_VARIANTS + ("client", "loadgen")
                         if os.path.isfile(os.path.join(HANDOUT, d, "main.c"))]
    sources = sorted(s for d in dirs for s in glob.glob(os.path.join(HANDOUT, d, "tests",
                                                                     "test_*.c")))
    count = 0
    for src in sources:
        rel = os.path.relpath(src, HANDOUT)
        if rel == "common/tests/test_brb.c":
            continue
        binary = os.path.join("build", "release", rel[:-2])
        if not run_quietly(["make", "--no-print-directory", "-j2", binary], HANDOUT):
            problems.append("handout: unit test %s does not build" % rel)
            continue
        r = run([binary], cwd=HANDOUT, capture_output=True, text=True)
        count += 1
        if r.returncode != 0:
            problems.append("handout: unit test %s fails:\n%s" % (rel, (r.stdout + r.stderr)
                                                                  [-2000:]))
    print("%d unit test binaries run" % count)


def check_handout_grade(problems, tmp):
    step("5. the handout: regression passes, every BRB test scores 0")
    rc, res = grade(HANDOUT, os.path.join(tmp, "handout.json"),
                    ["--hidden", os.path.join(ROOT, "labs", "brb", "hidden")])
    if res is None:
        problems.append("handout: the grader wrote no results (exit status %d)" % rc)
        return
    brb_points = 0
    for t in res["tests"]:
        kind, section = t["tags"]
        if kind == "regression":
            if section in SERVER_VARIANTS and not os.path.isfile(os.path.join(HANDOUT, section,
                                                                              "main.c")):
                continue                    # a variant not written yet: nothing to regress
            if t["score"] != t["max_score"]:
                problems.append("handout: %s did not pass:\n%s" % (t["name"], t["output"]))
        elif kind in BRB_KINDS:
            brb_points += t["score"]
            if t["score"] != 0:
                problems.append("handout: the BRB test %s passes without the solution (the lab "
                                "would be pre-solved there)" % t["name"])
    counted = [t for t in res["tests"] if t["tags"][0] in BRB_KINDS]
    print("handout: BRB score %d/%d over %d BRB tests; total Score %s"
          % (brb_points, sum(t["max_score"] for t in counted), len(counted), res["score"]))


# ---- steps 6 and 7: graded tests run on their own, as the grader runs them -----------------

class GradedTest:
    """One graded scenario test named by its title without the section, e.g.
    "[tsan] [hidden] brb_hidden_toggle_under_load", as grade.py prints it."""

    def __init__(self, variant, name):
        self.variant = variant
        words = name.split()
        self.tsan = "[tsan]" in words
        self.hidden = "[hidden]" in words
        self.scenario = words[-1]
        self.title = "%s: %s" % (variant, name)
        self.kind = "tsan" if self.tsan else ("hidden" if self.hidden else "brb")

    def binary(self, tree):
        return os.path.join(tree, "bin", "tsan" if self.tsan else "", "chat-" + self.variant)

    def target(self):
        return ("SAN=tsan", "bin/tsan/chat-" + self.variant) if self.tsan else \
            (None, "bin/chat-" + self.variant)

    def run(self, tree, harness, rubric):
        """(status, points it is worth, message)."""
        where = os.path.join(ROOT, "labs", "brb", "hidden") if self.hidden else \
            os.path.join(ROOT, "harness", "scenarios")
        found = [sc for sc in harness.load_scenarios([where]) if sc.name == self.scenario]
        if not found:
            return "MISSING", 0, "no scenario %s in %s" % (self.scenario, where)
        os.environ.setdefault("TSAN_OPTIONS", grader.TSAN_OPTIONS)
        r = harness.run_one(self.binary(tree), found[0],
                            grader.TSAN_SCALE if self.tsan else 1.0, sanitizer=self.tsan)
        return grader.classify(r, self.tsan), rubric.scenario(self.kind, self.scenario), \
            r["message"]


def build(tree, tests):
    targets = {t.target() for t in tests}
    for san, target in sorted(targets, key=str):
        cmd = ["make", "--no-print-directory", "-j2"] + ([san] if san else []) + [target]
        if not run_quietly(cmd, tree):
            return False
    return True


def copy_reference(dest):
    """The reference tree's files, and its build products with their times (so that make
    rebuilds only what a patch touches)."""
    for rel in make_handout.tree_files(ROOT):
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), os.path.join(dest, rel))
    for d in ("build", "bin"):
        if os.path.isdir(os.path.join(ROOT, d)):
            subprocess.run(["cp", "-a", os.path.join(ROOT, d), dest], check=True)


def check_parts(problems, tmp, harness, rubric):
    step("6. one server part unsolved at a time: its tests fail, the other servers pass")
    exclude = make_handout.read_patterns(os.path.join(LAB_DIR, "handout-exclude"))
    for v in SERVER_VARIANTS:
        tree = os.path.join(tmp, "part-" + v)
        make_handout.write_handout(ROOT, tree, exclude, "full", make_handout.lab_parts([v]))
        tests = [GradedTest(w, name) for w in SERVER_VARIANTS for name in PART_TESTS[v]]
        if not build(tree, tests):
            problems.append("parts: the tree with only %s unsolved does not build" % v)
            continue
        for t in tests:
            status, points, message = t.run(tree, harness, rubric)
            want_fail = t.variant == v
            print("  %s unsolved: %s == %s%s" % (v, t.title, status,
                                                 " (as it must: -%d points)" % points
                                                 if want_fail and status != grader.OK else ""))
            if want_fail and status == grader.OK:
                problems.append("parts: with %s unsolved, %s still passes" % (v, t.title))
            elif not want_fail and status != grader.OK:
                problems.append("parts: with only %s unsolved, %s fails:\n%s"
                                % (v, t.title, message[:1500]))
        shutil.rmtree(tree, ignore_errors=True)


def read_mutant(path):
    """(part, [(variant, test name, status or None)], description) from a mutant's header."""
    part, must, about = None, [], []
    with open(path, encoding="utf-8") as f:
        for row in f:
            if row.startswith(("---", "diff ")):
                break
            if row.startswith("part:"):
                part = row.split(":", 1)[1].strip()
            elif row.startswith("must-fail:"):
                variant, rest = row.split(":", 1)[1].split(":", 1)
                words = rest.split()
                status = words.pop() if words[-1].isupper() and words[-1] != "FAIL" else None
                must.append((variant.strip(), " ".join(words), status))
            elif row.startswith("#"):
                about.append(row[1:].strip())
    return part, must, " ".join(about)


def check_mutants(problems, tmp, harness, rubric, only_names=None):
    step("7. each wrong answer in labs/brb/mutants/ loses the points of the test it names")
    patches = sorted(glob.glob(os.path.join(MUTANTS_DIR, "*.patch")))
    if not patches:
        problems.append("mutants: none in %s" % os.path.relpath(MUTANTS_DIR, ROOT))
    if only_names:
        unknown = set(only_names) - {os.path.basename(p)[:-len(".patch")] for p in patches}
        for name in sorted(unknown):
            problems.append("mutants: there is no %s.patch" % name)
        patches = [p for p in patches if os.path.basename(p)[:-len(".patch")] in only_names]
    for path in patches:
        name = os.path.basename(path)[:-len(".patch")]
        part, must, _ = read_mutant(path)
        if not must:
            problems.append("mutants: %s names no must-fail test" % name)
            continue
        tree = os.path.join(tmp, "mutant-" + name)
        copy_reference(tree)
        with open(path, "rb") as f:
            applied = subprocess.run(["patch", "-p1", "--forward", "--silent"], cwd=tree,
                                     stdin=f, capture_output=True, text=True)
        tests = [(GradedTest(v, n), status) for v, n, status in must]
        if applied.returncode != 0:
            problems.append("mutants: %s does not apply to the reference:\n%s"
                            % (name, (applied.stdout + applied.stderr)[-1500:]))
        elif not build(tree, [t for t, _ in tests]):
            problems.append("mutants: %s does not build" % name)
        else:
            for t, want in tests:
                status, points, message = t.run(tree, harness, rubric)
                ok = status != grader.OK and (want is None or status == want)
                print("  %-34s %s == %s: %s" % (name, t.title, status,
                                                "-%d points" % points if ok else
                                                "NOT CAUGHT (wanted %s)" % (want or "a failure")))
                if not ok:
                    problems.append("mutants: %s is not caught by %s (status %s, wanted %s)"
                                    % (name, t.title, status, want or "a failure"))
        shutil.rmtree(tree, ignore_errors=True)


def main(argv=None):
    p = argparse.ArgumentParser(description="Check that the BRB lab is neither broken nor "
                                            "pre-solved.")
    p.add_argument("--skip-reference", action="store_true",
                   help="do not grade the reference tree (step 1)")
    p.add_argument("--only", action="append", choices=("reference", "handout", "parts",
                                                       "mutants"),
                   help="run only this step (repeatable)")
    p.add_argument("--mutant", action="append", metavar="NAME",
                   help="step 7 with only this mutant (labs/brb/mutants/NAME.patch; "
                        "repeatable)")
    args = p.parse_args(argv)
    steps = set(args.only or ("reference", "handout", "parts", "mutants"))
    if args.skip_reference:
        steps.discard("reference")
    t0 = time.monotonic()
    problems = []
    with tempfile.TemporaryDirectory(prefix="brb-lab-check-") as tmp:
        if "reference" in steps:
            check_reference(problems, tmp)
        if "handout" in steps and check_handout_files(problems) and \
                check_handout_build(problems):
            check_handout_units(problems)
            check_handout_grade(problems, tmp)
        if steps & {"parts", "mutants"}:
            harness = grader.load_harness(ROOT)
            rubric = grader.Rubric(os.path.join(ROOT, grader.RUBRIC))
            if "parts" in steps:
                check_parts(problems, tmp, harness, rubric)
            if "mutants" in steps:
                check_mutants(problems, tmp, harness, rubric, args.mutant)
    print()
    if problems:
        print("lab-check: FAILED (%d problems, %.0fs)" % (len(problems), time.monotonic() - t0))
        for prob in problems:
            print(" - " + prob.replace("\n", "\n   "))
        return 1
    print("lab-check: OK (%.0fs)" % (time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
