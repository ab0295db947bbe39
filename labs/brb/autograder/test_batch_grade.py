#!/usr/bin/env python3
"""test_batch_grade.py - labs/brb/batch-grade --jobs N (instructors, CI: `make lab-check`).

    python3 labs/brb/autograder/test_batch_grade.py            # both parts
    python3 labs/brb/autograder/test_batch_grade.py --quick    # only the stand-in part (~10 s)

1. With a stand-in grader (BRB_BATCH_GRADER: a script that sleeps as long as the submission
   says and records when it ran and in which TMPDIR), no real grading: --jobs 2 runs two at
   once and never three; the CSV keeps the submissions' order; each grader gets --time-limit
   and its own scratch TMPDIR, removed afterwards; a grader still running --grace seconds past
   the limit is stopped (status timeout) while one started later, after the batch itself has
   run longer than that, is not: the limit counts from each grader's own start.
2. For real: the reference tree and the handout (dist/brb-handout, made if missing) graded
   with --jobs 2 at once: the reference scores full marks, the handout only its regression
   points, and the two graders overlapped in time. About 2 minutes on 2 cores.

Exit status 0 when every check holds, 1 otherwise.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
BATCH = os.path.join(LAB_DIR, "batch-grade")
sys.path.insert(0, HERE)

import make_autograder  # noqa: E402  (tree_files)

# The stand-in grader: grade.py's options; sleeps for the number in SUBMISSION/sleep; records
# its start, end, --time-limit and TMPDIR in SUBMISSION/../NAME.run.json; writes a results.json
# with one test per CSV section.
STAND_IN = r'''
import argparse, json, os, sys, tempfile, time
p = argparse.ArgumentParser()
p.add_argument("--submission"); p.add_argument("--json"); p.add_argument("--time-limit")
p.add_argument("--timeout-scale")
a = p.parse_args()
start = time.time()
scratch = tempfile.mkdtemp()            # must land in the TMPDIR batch-grade gave us
record = {"start": start, "time_limit": a.time_limit, "tmpdir": os.environ.get("TMPDIR"),
          "mkdtemp": scratch, "timeout_scale": a.timeout_scale}
run_file = a.submission.rstrip("/") + ".run.json"
with open(run_file, "w") as f:
    json.dump(record, f)
with open(os.path.join(a.submission, "sleep")) as f:
    time.sleep(float(f.read()))
record["end"] = time.time()
with open(run_file, "w") as f:
    json.dump(record, f)
tests = [{"name": s + ": t", "score": 1, "max_score": 1, "output": "OK", "tags": ["brb", s],
          "extra_data": {"status": "OK"}} for s in ("unit", "threaded", "async", "hybrid")]
with open(a.json, "w") as f:
    json.dump({"score": 4, "tests": tests}, f)
'''


class Checks:
    def __init__(self):
        self.problems = []

    def that(self, cond, what):
        if not cond:
            self.problems.append(what)
        return cond


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def batch(args, env=None, timeout=600):
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, BATCH] + args, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)
    return proc.returncode, proc.stdout, time.monotonic() - t0


def stand_in_part(tmp, ck):
    grader = os.path.join(tmp, "stand_in.py")
    with open(grader, "w") as f:
        f.write(STAND_IN)
    env = dict(os.environ, BRB_BATCH_GRADER=grader)
    subs = os.path.join(tmp, "subs")

    def make(name, seconds):
        os.makedirs(os.path.join(subs, name))
        with open(os.path.join(subs, name, "sleep"), "w") as f:
            f.write(str(seconds))

    def runs():
        out = {}
        for fn in os.listdir(subs):
            if fn.endswith(".run.json"):
                with open(os.path.join(subs, fn)) as f:
                    out[fn[:-len(".run.json")]] = json.load(f)
        return out

    # (a) three submissions of 1 s each, two at a time.
    for name in ("c1", "c2", "c3"):
        make(name, 1.0)
    out_csv = os.path.join(tmp, "a.csv")
    rc, out, secs = batch([subs, "--out", out_csv, "--jobs", "2", "--time-limit", "30",
                           "--timeout-scale", "2"], env)
    ck.that(rc == 0, "stand-in (a): exit status %d:\n%s" % (rc, out))
    rows = read_csv(out_csv)
    ck.that([r["name"] for r in rows] == ["c1", "c2", "c3"], "stand-in (a): CSV rows %r"
            % [r["name"] for r in rows])
    ck.that(all(r["status"] == "full" and r["total"] == "4" and r["async"] == "1" for r in rows),
            "stand-in (a): rows %r" % rows)
    rec = runs()
    spans = [(r["start"], r["end"]) for r in rec.values() if "end" in r]
    most_at_once = max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans)
    ck.that(most_at_once == 2, "stand-in (a): %d graders at once with --jobs 2" % most_at_once)
    tmpdirs = [r["tmpdir"] for r in rec.values()]
    ck.that(len(set(tmpdirs)) == 3 and all(tmpdirs),
            "stand-in (a): the graders did not get a TMPDIR each: %r" % tmpdirs)
    ck.that(all(r["mkdtemp"].startswith(r["tmpdir"] + os.sep) for r in rec.values()),
            "stand-in (a): a grader's scratch is not in its own TMPDIR")
    ck.that(not any(os.path.exists(d) for d in tmpdirs),
            "stand-in (a): a grader's TMPDIR was left behind")
    ck.that(all(r["time_limit"] == "30" and r["timeout_scale"] == "2.0" for r in rec.values()),
            "stand-in (a): --time-limit / --timeout-scale not passed on: %r" % rec)
    print("stand-in (a): 3 submissions, --jobs 2: %.1fs, at most %d at once"
          % (secs, most_at_once), flush=True)

    # (b) the limit is per submission: --time-limit 1 --grace 1. "hang" is stopped at about
    # 2 s; "late" starts after "first" (1.5 s) and ends after 3 s of batch time, yet is full.
    shutil.rmtree(subs)
    make("first", 1.5)
    make("hang", 60)
    make("late", 1.5)
    out_csv = os.path.join(tmp, "b.csv")
    rc, out, secs = batch([subs, "--out", out_csv, "--jobs", "2", "--time-limit", "1",
                           "--grace", "1"], env)
    rows = {r["name"]: r for r in read_csv(out_csv)}
    ck.that(rc == 0, "stand-in (b): exit status %d:\n%s" % (rc, out))
    ck.that(rows.get("hang", {}).get("status") == "timeout", "stand-in (b): hang: %r"
            % rows.get("hang"))
    ck.that(rows.get("first", {}).get("status") == "full" and
            rows.get("late", {}).get("status") == "full",
            "stand-in (b): first/late: %r / %r" % (rows.get("first"), rows.get("late")))
    rec = runs()
    t_first = min(r["start"] for r in rec.values())
    late_end = rec.get("late", {}).get("end", 0) - t_first
    ck.that(late_end > 2.0, "stand-in (b): 'late' ended %.1fs into the batch: the test does not "
            "show a per-submission limit" % late_end)
    ck.that(secs < 15, "stand-in (b): took %.1fs (hang should be stopped at ~2 s)" % secs)
    with open(os.path.join(tmp, "b-logs", "hang.txt")) as f:
        ck.that("batch-grade: stopped after 2s" in f.read(), "stand-in (b): hang.txt does not "
                "say it was stopped")
    print("stand-in (b): per-submission limit: hang stopped, late (ended at %.1fs) full (%.1fs)"
          % (late_end, secs), flush=True)


def real_part(tmp, ck, handout):
    subs = os.path.join(tmp, "real")
    os.makedirs(subs)
    for name, src in (("reference", ROOT), ("handout", handout)):
        dst = os.path.join(subs, name)
        os.makedirs(dst)
        for rel in make_autograder.tree_files(src):
            os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
            shutil.copy2(os.path.join(src, rel), os.path.join(dst, rel))
    out_csv = os.path.join(tmp, "real.csv")
    rc, out, secs = batch([subs, "--out", out_csv, "--jobs", "2", "--time-limit", "600",
                           "--timeout-scale", "2"], timeout=1200)
    ck.that(rc == 0, "real: exit status %d:\n%s" % (rc, out))
    rows = {r["name"]: r for r in read_csv(out_csv)}
    ref, hand = rows.get("reference", {}), rows.get("handout", {})
    ck.that(ref.get("status") == "full", "real: reference %r; see %s" % (ref, out))
    ck.that(hand.get("status") == "partial" and 0 < int(hand.get("total") or 0) <
            int(hand.get("max") or 0), "real: handout %r" % hand)
    logs = os.path.join(tmp, "real-logs")
    with open(os.path.join(logs, "handout.json")) as f:
        res = json.load(f)
    scored = [t["name"] for t in res["tests"] if t["tags"][0] != "regression" and t["score"]]
    ck.that(not scored, "real: the handout scores on BRB tests: %s" % ", ".join(scored))
    times = [float(line.rsplit("(", 1)[1].rstrip("s)")) for line in out.split("\n")
             if line.startswith(("reference ", "handout "))]
    # One after the other, the batch would take at least the sum of the two.
    ck.that(len(times) == 2 and secs < sum(times) - 10,
            "real: %.0fs for gradings of %s s: they did not run at once" % (secs, times))
    print("real: reference %s/%s, handout %s/%s, --jobs 2 in %.0fs (each %s s)"
          % (ref.get("total"), ref.get("max"), hand.get("total"), hand.get("max"), secs,
             "/".join("%.0f" % t for t in times)), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description="Test labs/brb/batch-grade --jobs.")
    p.add_argument("--quick", action="store_true", help="only the stand-in grader part")
    p.add_argument("--handout", help="the handout tree (default dist/brb-handout, made if "
                                     "missing)")
    args = p.parse_args(argv)
    ck = Checks()
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="brb-batch-test-")
    try:
        stand_in_part(tmp, ck)
        if not args.quick:
            handout = os.path.abspath(args.handout or os.path.join(ROOT, "dist", "brb-handout"))
            if not args.handout and not os.path.isfile(os.path.join(handout, "common",
                                                                    "session.c")):
                subprocess.run([sys.executable, os.path.join(LAB_DIR, "make_handout.py")],
                               check=True, stdin=subprocess.DEVNULL)
            real_part(tmp, ck, handout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if ck.problems:
        print("test_batch_grade: FAILED (%d problems, %.0fs)" % (len(ck.problems),
                                                                 time.monotonic() - t0))
        for prob in ck.problems:
            print(" - " + prob.replace("\n", "\n   "))
        return 1
    print("test_batch_grade: OK (%.0fs)" % (time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
