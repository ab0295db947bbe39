"""bench_machine - facts about the machine a benchmark ran on, and its calibrated floor.

The facts (CPU model, cores, kernel, date, git revision) are stored with the data so a
result can always be traced to where and from what it was measured. The calibration comes
from bin/chat-calibrate (loadgen/probe/calibrate.c): the CPU cost of one small send() on
loopback, the loopback round trip, the cost and real length of a SO_RCVTIMEO timeout, and
the cost of a condition-variable wake-up.
"""

import datetime
import json
import os
import platform
import subprocess


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(root, *args):
    try:
        out = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True,
                             timeout=10)
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).splitlines()[0].strip()
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return ""


def facts(root, cpus, matrix_name):
    """A dict of machine facts; cpus = (server_cpu, loadgen_cpu) or None if not pinned."""
    revision = _git(root, "rev-parse", "--short", "HEAD") or "unknown"
    if _git(root, "status", "--porcelain"):
        revision += " (with uncommitted changes)"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "kernel": platform.release(),
        "os": platform.platform(),
        "git_revision": revision,
        "compiler": _first_line(["cc", "--version"]),
        "gnuplot": _first_line(["gnuplot", "--version"]),
        "server_cpu": cpus[0] if cpus else None,
        "loadgen_cpu": cpus[1] if cpus else None,
        "matrix": matrix_name,
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def calibrate(binary, cpus, timeouts_ms):
    """Run the probe, pinned like the benchmark runs; returns its JSON as a dict."""
    cmd = [binary, "--timeouts-ms", ",".join(str(t) for t in timeouts_ms)]
    if cpus:
        cmd += ["--cpus", f"{cpus[0]},{cpus[1]}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)
