#!/usr/bin/env python3
"""test_autograder.py - the Gradescope autograder, run as Gradescope would run it (instructors, CI).

    python3 labs/brb/autograder/test_autograder.py                    # all three cases
    python3 labs/brb/autograder/test_autograder.py --case broken      # one (repeatable)
    python3 labs/brb/autograder/test_autograder.py --handout DIR      # that handout tree

It writes the zip (make_autograder.py), checks what is in it, then, for each case, lays out a
scratch directory like Gradescope's /autograder (source/ = the unpacked zip, run_autograder,
submission/, results/), runs run_autograder there with BRB_AUTOGRADER_ROOT pointing at it (the
real /autograder is never touched) and validates results.json:

    reference   this tree: full marks; every hidden test (and its TSan run) after_due_date
    handout     dist/brb-handout (made with make_handout.py if missing): the regression tests
                pass, every BRB test scores 0
    broken      this tree with a compile error in common/session.c: score 0 and the
                compiler's message in the output

About 2.5 minutes on 2 cores (reference ~75 s, handout ~60 s, broken ~5 s).
Exit status 0 when every check holds, 1 otherwise.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
sys.path.insert(0, HERE)

import make_autograder  # noqa: E402

CASES = ("reference", "handout", "broken")
BRB_KINDS = ("unit", "brb", "hidden", "tsan")
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
RUN_LIMIT = 900             # seconds for one run_autograder, a last resort
BROKEN_LINE = "this line does not compile;\n"


class Checks:
    def __init__(self):
        self.problems = []

    def that(self, cond, what):
        if not cond:
            self.problems.append(what)
        return cond


def check_zip(zip_path, ck):
    with zipfile.ZipFile(zip_path) as z:
        infos = {i.filename: i for i in z.infolist()}
        setup = z.read("setup.sh").decode() if "setup.sh" in infos else ""
    for top in ("setup.sh", "run_autograder"):
        if ck.that(top in infos, "zip: no %s at its top" % top):
            ck.that((infos[top].external_attr >> 16) & 0o111, "zip: %s is not executable" % top)
    for pkg in ("build-essential", "libcmocka-dev", "python3"):
        ck.that(pkg in setup, "zip: setup.sh does not install %s" % pkg)
    for rel in ("Makefile", "labs/brb/grade.py", "labs/brb/rubric.txt", "harness/chatdriver.py",
                "common/tests/test_brb.c"):
        ck.that(rel in infos, "zip: %s is missing" % rel)
    ck.that(any(n.startswith("labs/brb/hidden/") for n in infos),
            "zip: the hidden scenarios are missing")
    ck.that(not any(n.startswith(("common/session.c", "common/room.c", "threaded/", "async/",
                                  "hybrid/")) for n in infos),
            "zip: it holds reference solution sources")
    print("zip: %d files" % len(infos))


def copy_tree(src, dst):
    os.makedirs(dst)
    for rel in make_autograder.tree_files(src):
        os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(os.path.join(src, rel), os.path.join(dst, rel))


def layout(scratch, zip_path, submission_from, broken=False):
    """scratch/autograder as Gradescope lays it out; returns its path."""
    ag = os.path.join(scratch, "autograder")
    make_autograder.extract(zip_path, os.path.join(ag, "source"))
    shutil.copy2(os.path.join(ag, "source", "run_autograder"), os.path.join(ag, "run_autograder"))
    sub = os.path.join(ag, "submission")
    copy_tree(submission_from, sub)
    if broken:
        path = os.path.join(sub, "common", "session.c")
        with open(path, "a") as f:
            f.write(BROKEN_LINE)
    os.makedirs(os.path.join(ag, "results"))
    return ag


def run_autograder(ag):
    env = dict(os.environ, BRB_AUTOGRADER_ROOT=ag)
    t0 = time.monotonic()
    proc = subprocess.run([os.path.join(ag, "run_autograder")], env=env, cwd=ag,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=RUN_LIMIT)
    return proc.returncode, proc.stdout, time.monotonic() - t0


def check_shape(case, res, ck):
    """What Gradescope requires of results.json, and what this lab promises on top."""
    ck.that(isinstance(res.get("score"), (int, float)), "%s: no numeric score" % case)
    tests = res.get("tests")
    if not ck.that(isinstance(tests, list), "%s: no tests list" % case):
        return
    for key in ("execution_time", "output", "visibility", "stdout_visibility"):
        ck.that(key in res, "%s: results.json has no %s" % (case, key))
    for t in tests:
        where = "%s: test %r" % (case, t.get("name"))
        for key, kind in (("name", str), ("output", str), ("score", (int, float)),
                          ("max_score", (int, float)), ("visibility", str), ("status", str)):
            ck.that(isinstance(t.get(key), kind), "%s: %s missing or not %s" % (where, key,
                                                                                 kind))
        ck.that(t.get("visibility") in VISIBILITIES, "%s: bad visibility %r"
                % (where, t.get("visibility")))
        ck.that(t.get("status") in ("passed", "failed"), "%s: bad status" % where)
        hidden = "[hidden]" in t.get("name", "")
        ck.that(t.get("visibility") == ("after_due_date" if hidden else "visible"),
                "%s: visibility %r (hidden tests: after_due_date, others visible)"
                % (where, t.get("visibility")))
        ck.that(isinstance(t.get("tags"), list) and len(t["tags"]) == 2,
                "%s: tags must be [kind, section]" % where)
    ck.that(res.get("score") == sum(t.get("score", 0) for t in tests),
            "%s: score %s is not the sum of the tests' scores" % (case, res.get("score")))
    parts = res.get("extra_data", {}).get("parts", [])
    ck.that(sum(p["score"] for p in parts) == res.get("score"),
            "%s: extra_data.parts do not add up to the score" % case)


def check_case(case, res, ck):
    tests = res.get("tests", [])
    most = sum(t["max_score"] for t in tests)
    if case == "reference":
        ck.that(tests and res["score"] == most, "reference: score %s/%s, not full marks; lost: %s"
                % (res["score"], most, ", ".join(t["name"] for t in tests
                                                 if t["score"] < t["max_score"])))
        ck.that(any(t["visibility"] == "after_due_date" for t in tests),
                "reference: no hidden tests in the results")
        ck.that(any("[tsan] [hidden]" in t["name"] for t in tests),
                "reference: no TSan runs of the hidden scenarios")
    elif case == "handout":
        for t in tests:
            kind = t["tags"][0]
            if kind == "regression":
                ck.that(t["score"] == t["max_score"], "handout: %s did not pass" % t["name"])
            elif kind in BRB_KINDS:
                ck.that(t["score"] == 0, "handout: %s scores without the solution" % t["name"])
        ck.that(0 < res["score"] < most, "handout: score %s/%s" % (res["score"], most))
    elif case == "broken":
        ck.that(res["score"] == 0, "broken: score %s, not 0" % res["score"])
        ck.that("error:" in res.get("output", "") and "session.c" in res.get("output", ""),
                "broken: the output does not carry the compiler's message:\n%s"
                % res.get("output", "")[:600])
        ck.that(tests and all(t["extra_data"]["status"] == "BUILD FAILED" for t in tests),
                "broken: not every test is BUILD FAILED")


def main(argv=None):
    p = argparse.ArgumentParser(description="Run the Gradescope autograder against the "
                                            "reference, the handout and a broken submission.")
    p.add_argument("--case", action="append", choices=CASES, help="only this case (repeatable)")
    p.add_argument("--handout", help="the handout tree (default dist/brb-handout, made if "
                                     "missing)")
    p.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = p.parse_args(argv)
    cases = args.case or list(CASES)
    ck = Checks()
    t_all = time.monotonic()
    scratch = tempfile.mkdtemp(prefix="brb-autograder-test-")
    try:
        zip_path = os.path.join(scratch, "brb-autograder.zip")
        make_autograder.write_zip(zip_path)
        check_zip(zip_path, ck)
        handout = os.path.abspath(args.handout or os.path.join(ROOT, "dist", "brb-handout"))
        if "handout" in cases and not args.handout and \
                not os.path.isfile(os.path.join(handout, "common", "session.c")):
            subprocess.run([sys.executable, os.path.join(LAB_DIR, "make_handout.py")],
                           check=True, stdin=subprocess.DEVNULL)
        for case in cases:
            src = handout if case == "handout" else ROOT
            ag = layout(os.path.join(scratch, case), zip_path, src, broken=case == "broken")
            rc, out, secs = run_autograder(ag)
            ck.that(rc == 0, "%s: run_autograder exited %d" % (case, rc))
            try:
                with open(os.path.join(ag, "results", "results.json")) as f:
                    res = json.load(f)
            except (OSError, ValueError) as e:
                ck.that(False, "%s: no valid results.json (%s); output:\n%s"
                        % (case, e, out[-3000:]))
                continue
            check_shape(case, res, ck)
            check_case(case, res, ck)
            print("%s: score %s/%s, %d tests (%.0fs)" % (
                case, res.get("score"), res.get("extra_data", {}).get("max_score"),
                len(res.get("tests", [])), secs), flush=True)
    finally:
        if args.keep:
            print("scratch kept: %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    if ck.problems:
        print("test_autograder: FAILED (%d problems, %.0fs)" % (len(ck.problems),
                                                                time.monotonic() - t_all))
        for prob in ck.problems:
            print(" - " + prob.replace("\n", "\n   "))
        return 1
    print("test_autograder: OK (%.0fs)" % (time.monotonic() - t_all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
