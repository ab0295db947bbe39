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
    the cmocka BRB cases, the public and hidden BRB scenarios, and their ThreadSanitizer runs.

    python3 labs/brb/lab_check.py                    # all of it
    python3 labs/brb/lab_check.py --skip-reference   # only the handout half (2 to 5)

Exit status 0 when every check holds; 1 otherwise, with the failed checks listed at the end.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
sys.path.insert(0, LAB_DIR)

import make_handout  # noqa: E402

HANDOUT = os.path.join(ROOT, "dist", "brb-handout")
BRB_KINDS = ("unit", "brb", "hidden", "tsan")
SERVER_VARIANTS = ("threaded", "async", "hybrid")


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


def main(argv=None):
    p = argparse.ArgumentParser(description="Check that the BRB lab is neither broken nor "
                                            "pre-solved.")
    p.add_argument("--skip-reference", action="store_true",
                   help="do not grade the reference tree (step 1)")
    args = p.parse_args(argv)
    t0 = time.monotonic()
    problems = []
    with tempfile.TemporaryDirectory(prefix="brb-lab-check-") as tmp:
        if not args.skip_reference:
            check_reference(problems, tmp)
        if check_handout_files(problems) and check_handout_build(problems):
            check_handout_units(problems)
            check_handout_grade(problems, tmp)
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
