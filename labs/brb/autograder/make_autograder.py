#!/usr/bin/env python3
"""make_autograder.py - write the Gradescope autograder zip of the BRB lab (`make autograder`).

    python3 labs/brb/autograder/make_autograder.py              # dist/brb-autograder.zip
    python3 labs/brb/autograder/make_autograder.py --out FILE   # elsewhere

The zip holds, at its top (Gradescope unpacks it into /autograder/source):
    setup.sh         apt packages, run once when Gradescope builds the image
    run_autograder   grades /autograder/submission into /autograder/results/results.json
and what labs/brb/grade.py copies over a submission (grade.PRISTINE: the Makefile, tools/,
harness/, labs/brb/ with the hidden scenarios, common/tests/, hardening/rules.mk), so that
grading on Gradescope is `make grade SUBMISSION=...` run from this tree. The reference
solution itself (common/*.c, the servers) is not in the zip; neither is labs/brb/mutants/.
Files are those git tracks or would track (as for the handout), build products never.
"""

import argparse
import os
import stat
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(LAB_DIR))
DEFAULT_OUT = os.path.join(ROOT, "dist", "brb-autograder.zip")
TOP_FILES = {"setup.sh": os.path.join(HERE, "setup.sh"),
             "run_autograder": os.path.join(HERE, "run_autograder")}
LEAVE_OUT = ("labs/brb/mutants/",)
SKIP_PARTS = {".git", "build", "bin", "dist", "__pycache__"}

sys.path.insert(0, LAB_DIR)
import grade  # noqa: E402  (for PRISTINE: what the grader takes from this tree)


def tree_files(root):
    """Relative paths of the tree's files: git's tracked and not-ignored files when root is the
    top of a git work tree, otherwise every file; build products and caches never."""
    try:
        top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
        if os.path.realpath(top) != os.path.realpath(root):
            raise OSError("not the top of a git work tree")    # e.g. dist/brb-handout
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, capture_output=True).stdout
        files = [f for f in out.decode("utf-8", "surrogateescape").split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in SKIP_PARTS]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(f for f in set(files)
                  if not SKIP_PARTS & set(f.split("/")) and not f.endswith(".pyc")
                  and os.path.isfile(os.path.join(root, f)))


def autograder_files(root):
    """[(name in the zip, path on disk)]: the two Gradescope scripts, then the pristine files."""
    wanted = []
    for rel in tree_files(root):
        if rel.startswith(LEAVE_OUT):
            continue
        if any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in grade.PRISTINE):
            wanted.append((rel, os.path.join(root, rel)))
    return sorted(TOP_FILES.items()) + wanted


def write_zip(out, root=ROOT):
    files = autograder_files(root)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, path in files:
            mode = os.stat(path).st_mode
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            executable = name in TOP_FILES or mode & stat.S_IXUSR
            info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            with open(path, "rb") as f:
                z.writestr(info, f.read())
    os.replace(tmp, out)
    return files


def extract(zip_path, dest):
    """Unpack like Gradescope's unzip does, keeping the executable bits (zipfile alone drops
    them). Used by the tests."""
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            target = os.path.join(dest, info.filename)
            if not os.path.realpath(target).startswith(os.path.realpath(dest) + os.sep):
                raise ValueError("%s: bad member %s" % (zip_path, info.filename))
            z.extract(info, dest)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(target, mode)


def main(argv=None):
    p = argparse.ArgumentParser(description="Write the BRB lab's Gradescope autograder zip.")
    p.add_argument("--out", default=DEFAULT_OUT, help="the zip to write (default "
                                                      "dist/brb-autograder.zip)")
    args = p.parse_args(argv)
    if not os.path.isdir(os.path.join(ROOT, "labs", "brb", "hidden")):
        print("make_autograder: labs/brb/hidden is missing: this is not the instructor's tree",
              file=sys.stderr)
        return 1
    files = write_zip(args.out)
    print("autograder: %s (%d files: setup.sh, run_autograder and the pristine tests)"
          % (os.path.relpath(args.out), len(files)))
    print("upload it as the assignment's autograder (Gradescope: Configure Autograder, "
          "zip file upload, Ubuntu base image)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
