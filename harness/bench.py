#!/usr/bin/env python3
"""bench - measure chat-async, chat-threaded and chat-hybrid side by side (`make bench`).

    python3 harness/bench.py [--full] [--name NAME] [--variants async,hybrid]
                             [--server VARIANT=PATH] [--plan] [--report-only]

Calibrates the machine (bin/chat-calibrate), then does every run of the matrix
(harness/bench_matrix.py) with a fresh server and bin/chat-loadgen, pinned to different
CPUs; writes results/NAME/data.csv (one row per run), machine.json, calibration.json, the
plots (harness/plots/*.gp, SVG and PNG) and REPORT.md with a reading of each plot.
Variants whose binary is not built are skipped with a message. Standard library only.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_data  # noqa: E402
import bench_machine  # noqa: E402
import bench_matrix  # noqa: E402
import bench_plots  # noqa: E402
import bench_report  # noqa: E402
import bench_runner  # noqa: E402

ROOT = os.path.dirname(HERE)
DEFAULT_THREADED_TIMEOUT_MS = 50   # chat-threaded's --timeout-ms default (PROTOCOL.md)

# data.csv columns: what the harness knows, then chat-loadgen's record (loadgen/README.md).
HARNESS_FIELDS = ["variant", "kind", "poller", "timeout_ms", "clients", "rate", "offered_deliveries_per_s",
                  "status", "saturated_latency", "saturated_cpu", "instrument_ok", "server_exit",
                  "effective_timeout_ms", "predicted_idle_cpu_pct", "paired_idle_cpu_pct",
                  "server_send_calls", "server_lines_sent", "lines_per_send",
                  "wakeups_per_line", "cpu_per_send", "fanout_us", "p99_per_fanout"]
LOADGEN_FIELDS = [
    "size", "warmup_s", "duration_s", "window_s", "join_s", "scheduled", "sent", "expected",
    "delivered", "lost", "duplicated", "out_of_order", "echoes", "echoes_lost",
    "echoes_duplicated", "foreign", "error_lines", "disconnected", "p50_us", "p90_us", "p99_us",
    "p999_us", "max_us", "mean_us", "echo_p50_us", "echo_p99_us", "send_lag_p99_us",
    "send_lag_max_us", "server_cpu_source", "server_cpu_resolution_ns", "server_cpu_s",
    "server_cpu_pct", "server_cpu_per_delivery_us", "server_peak_rss_kib", "server_threads",
    "server_fds", "server_ctxsw_voluntary", "server_ctxsw_involuntary", "loadgen_cpu_s", "loadgen_cpu_pct", "loadgen_cpu_per_delivery_us",
    "others_cpu_pct"]
FIELDS = HARNESS_FIELDS + LOADGEN_FIELDS

# The instrument is trusted while it has CPU to spare and sends on time.
INSTRUMENT_MAX_CPU_PCT = 90.0
INSTRUMENT_MAX_SEND_LAG_US = 1000.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--full", action="store_true", help="the full matrix (default: quick)")
    p.add_argument("--name", default="latest", help="write into results/NAME (default latest)")
    p.add_argument("--variants", default=",".join(bench_matrix.VARIANTS),
                   help="comma-separated subset of async,threaded,hybrid")
    p.add_argument("--kinds", default="",
                   help="comma-separated subset of the run kinds (load, idle, timeout-load, "
                        "timeout-idle, poller-load, scale-load, scale-idle): a targeted run")
    p.add_argument("--server", action="append", default=[], metavar="VARIANT=PATH",
                   help="use PATH as VARIANT's server binary (default bin/chat-VARIANT)")
    p.add_argument("--bin", default=os.path.join(ROOT, "bin"), help="where the binaries are")
    p.add_argument("--plan", action="store_true", help="print the runs and the estimate only")
    p.add_argument("--report-only", action="store_true",
                   help="redraw plots and REPORT.md from an existing results/NAME/data.csv")
    args = p.parse_args()
    args.variants = [v for v in args.variants.split(",") if v]
    for v in args.variants:
        if v not in bench_matrix.VARIANTS:
            p.error(f"unknown variant {v!r}: choose from {', '.join(bench_matrix.VARIANTS)}")
    args.kinds = [k for k in args.kinds.split(",") if k]
    args.server_paths = {}
    for item in args.server:
        variant, sep, path = item.partition("=")
        if not sep or variant not in bench_matrix.VARIANTS or not path:
            p.error(f"--server wants VARIANT=PATH, got {item!r}")
        args.server_paths[variant] = path
    return args


def choose_cpus():
    """(server CPU, loadgen CPU) when at least two CPUs are usable, else None."""
    cpus = sorted(os.sched_getaffinity(0))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def fmt_duration(seconds):
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def number(row, key):
    try:
        return float(row.get(key, ""))
    except (TypeError, ValueError):
        return None


def add_derived(row, calibration):
    """The harness's own columns: the two limits, batching and wake-ups, instrument health,
    threaded's timeout model."""
    row["offered_deliveries_per_s"] = round(row["rate"] * row["clients"], 3)
    failed = row["status"] != "ok"
    row["saturated_latency"] = row["saturated_cpu"] = row["instrument_ok"] = ""
    if row["kind"] in ("load", "poller-load", "scale-load"):
        # Latency saturation ends a rate sweep. A timeout-load run of chat-threaded at a long
        # timeout has a p99 over 100 ms by design, which is not saturation, so only load runs
        # count.
        p99 = number(row, "p99_us")
        saturated = failed or (number(row, "lost") or 0) > 0 or \
            (number(row, "disconnected") or 0) > 0 or \
            (number(row, "sent") or 0) < (number(row, "scheduled") or 0) or \
            p99 is None or p99 > bench_matrix.SATURATION_P99_MS * 1000
        row["saturated_latency"] = int(saturated)
    cpu_pct = number(row, "server_cpu_pct")
    if row["rate"] > 0 and cpu_pct is not None:
        row["saturated_cpu"] = int(cpu_pct >= bench_matrix.CPU_BOUND_PCT)
    # Batching, measured: the server's own count of send() calls and of the lines they carried
    # over the window; and its threads' context switches per line it wrote.
    calls, lines = number(row, "server_send_calls"), number(row, "server_lines_sent")
    row["lines_per_send"] = f"{lines / calls:.4g}" if calls and lines is not None else ""
    vol, invol = number(row, "server_ctxsw_voluntary"), number(row, "server_ctxsw_involuntary")
    written = (number(row, "delivered") or 0) + (number(row, "echoes") or 0)
    row["wakeups_per_line"] = (f"{(vol + invol) / written:.4g}"
                               if vol is not None and invol is not None and written else "")
    # In multiples of the floor: CPU per delivery against one send(), and p99 against one
    # fan-out (clients x one send(): one thread cannot reach the last recipient sooner).
    send_us = calibration["send_cpu_ns"] / 1000.0 if calibration else None
    cpd, p99 = number(row, "server_cpu_per_delivery_us"), number(row, "p99_us")
    row["cpu_per_send"] = f"{cpd / send_us:.4g}" if cpd is not None and send_us else ""
    fanout = row["clients"] * send_us if send_us else None
    row["fanout_us"] = f"{fanout:.4g}" if fanout and row["rate"] > 0 else ""
    row["p99_per_fanout"] = (f"{p99 / fanout:.4g}" if p99 is not None and fanout and
                             row["rate"] > 0 else "")
    if row["rate"] > 0:
        lag = number(row, "send_lag_p99_us")
        cpu = number(row, "loadgen_cpu_pct")
        row["instrument_ok"] = int(not failed and lag is not None and cpu is not None and
                                   lag < INSTRUMENT_MAX_SEND_LAG_US and
                                   cpu < INSTRUMENT_MAX_CPU_PCT)
    row["effective_timeout_ms"] = row["predicted_idle_cpu_pct"] = ""
    if row["variant"] == "threaded" and calibration:
        t = row["timeout_ms"] or DEFAULT_THREADED_TIMEOUT_MS
        effective = calibration.get("effective_timeout_ms", {}).get(str(t))
        if effective:
            row["effective_timeout_ms"] = effective
            if row["rate"] == 0:
                wakeups_per_s = row["clients"] / (effective / 1000.0)
                cost_s = calibration["rcvtimeo_wakeup_cpu_ns"] / 1e9
                row["predicted_idle_cpu_pct"] = round(100.0 * wakeups_per_s * cost_s, 4)
    return row


def _batching_text(row):
    lines = number(row, "lines_per_send")
    wakeups = number(row, "wakeups_per_line")
    return ((f" lines/send={lines:.3g}" if lines is not None else "") +
            (f" wakeups/line={wakeups:.3g}" if wakeups is not None else ""))


def progress_line(i, total, run, row, elapsed, eta):
    if row["status"] != "ok":
        what = row["status"][:100]
    elif run.rate:
        what = (f"p50={number(row, 'p50_us') / 1000:.2f}ms p99={number(row, 'p99_us') / 1000:.2f}ms "
                f"lost={row['lost']} cpu={number(row, 'server_cpu_pct'):.0f}% "
                f"cpu/delivery={number(row, 'server_cpu_per_delivery_us'):.2f}us"
                f"{_batching_text(row)}"
                f"{' CPU-BOUND' if row['saturated_cpu'] else ''}"
                f"{' SATURATED (latency)' if row['saturated_latency'] else ''}")
    else:
        what = (f"idle cpu={number(row, 'server_cpu_pct'):.2f}% "
                f"rss={number(row, 'server_peak_rss_kib') / 1024:.1f}MiB "
                f"threads={row['server_threads']}")
    if row["status"] == "ok" and run.kind in bench_matrix.SCALE_KINDS:
        what = f"join={number(row, 'join_s'):.1f}s " + what
    return f"[{i:3d}/{total}] {run.describe():<52} {what}  ({elapsed:.1f}s, ETA {fmt_duration(eta)})"


POLLCOST_FIELDS = ["poller", "fds", "turn_ns", "turn_min_ns", "batches", "turns_per_batch",
                   "turn_per_send"]


def measure_pollcost(args, out_dir, calibration, cpus):
    """bin/chat-pollcost: one event-loop turn per poller against watched fds, pinned like the
    server; writes pollcost.csv. Returns its rows, or [] (with a message) when it cannot."""
    probe = os.path.join(args.bin, "chat-pollcost")
    if not os.access(probe, os.X_OK):
        print(f"bench: skipping the poller probe: {probe} is not built", flush=True)
        return []
    cmd = [probe, "--send-ns", f"{calibration['send_cpu_ns']:g}",
           "--batches", str(bench_matrix.pollcost_batches(args.full))]
    if cpus:
        cmd += ["--cpu", str(cpus[0])]
    print(f"bench: poller cost per turn ({' '.join(cmd[1:])}) ...", flush=True)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"bench: the poller probe failed: {e}", flush=True)
        return []
    if out.returncode != 0:
        print(f"bench: the poller probe failed: {out.stderr.strip()}", flush=True)
        return []
    with open(os.path.join(out_dir, "pollcost.csv"), "w") as f:
        f.write(out.stdout)
    rows = list(csv.DictReader(out.stdout.splitlines()))
    for r in rows:
        print(f"  {r['poller']:<6} {int(r['fds']):>6} fds: {float(r['turn_ns']) / 1000:8.2f} us "
              f"per turn = {float(r['turn_per_send'] or 0):.3g} x one send()", flush=True)
    return rows


def read_pollcost(out_dir):
    """pollcost.csv of a run, or [] when it has none (runs from before the probe)."""
    try:
        with open(os.path.join(out_dir, "pollcost.csv"), newline="") as f:
            return list(csv.DictReader(f))
    except OSError:
        return []


def measure(args, out_dir, variants, binaries, cpus):
    loadgen = os.path.join(args.bin, "chat-loadgen")
    calibrator = os.path.join(args.bin, "chat-calibrate")
    for tool in (loadgen, calibrator):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} is not built; run `make` first")
    matrix_name = "full" if args.full else "quick"
    machine = bench_machine.facts(ROOT, cpus, matrix_name)
    timeouts = sorted(set(bench_matrix.timeouts(args.full)) | {DEFAULT_THREADED_TIMEOUT_MS})
    print(f"bench: calibrating ({calibrator}) ...", flush=True)
    calibration = bench_machine.calibrate(calibrator, cpus, timeouts)
    print(f"bench: one send() = {calibration['send_cpu_ns'] / 1000:.2f} us CPU, loopback "
          f"round trip p50 = {calibration['rtt_p50_us']:.1f} us, SO_RCVTIMEO wake-up = "
          f"{calibration['rcvtimeo_wakeup_cpu_ns'] / 1000:.1f} us CPU", flush=True)
    with open(os.path.join(out_dir, "machine.json"), "w") as f:
        json.dump(machine, f, indent=2)
    with open(os.path.join(out_dir, "calibration.json"), "w") as f:
        json.dump(calibration, f, indent=2)
    pollcost = measure_pollcost(args, out_dir, calibration, cpus)

    runs = plan(args, variants)
    saturated_series = set()
    rows = []
    idle_cpu_by_timeout = {}   # chat-threaded's sweep: pairs each load run with its idle run
    estimated_done = actual_done = 0.0
    started = time.monotonic()
    with open(os.path.join(out_dir, "data.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        for i, run in enumerate(runs, 1):
            if run.series and run.series in saturated_series:
                continue
            t0 = time.monotonic()
            row = bench_runner.execute(run, binaries[run.variant], loadgen, cpus)
            add_derived(row, calibration)
            if run.kind == "timeout-idle" and row["status"] == "ok":
                idle_cpu_by_timeout[run.timeout_ms] = row.get("server_cpu_pct", "")
            row["paired_idle_cpu_pct"] = (idle_cpu_by_timeout.get(run.timeout_ms, "")
                                          if run.kind == "timeout-load" else "")
            writer.writerow(row)
            f.flush()
            rows.append(row)
            elapsed = time.monotonic() - t0
            estimated_done += run.estimate_s()
            actual_done += elapsed
            if run.series and row["saturated_latency"]:
                saturated_series.add(run.series)
            remaining = [r for r in runs[i:] if not (r.series and r.series in saturated_series)]
            eta = sum(r.estimate_s() for r in remaining) * (actual_done / estimated_done)
            total = len(rows) + len(remaining)
            print(progress_line(len(rows), total, run, row, elapsed, eta), flush=True)
    print(f"bench: {len(rows)} runs in {fmt_duration(time.monotonic() - started)}", flush=True)
    return rows, machine, calibration, pollcost


def plan(args, variants):
    runs = bench_matrix.plan(args.full, variants)
    return [r for r in runs if not args.kinds or r.kind in args.kinds]


def read_existing(out_dir):
    def load(name):
        with open(os.path.join(out_dir, name)) as f:
            return json.load(f)
    with open(os.path.join(out_dir, "data.csv"), newline="") as f:
        rows = [bench_data.upgrade(r) for r in csv.DictReader(f)]
    return rows, load("machine.json"), load("calibration.json")


def main():
    args = parse_args()
    out_dir = os.path.join(ROOT, "results", args.name)
    binaries, variants = {}, []
    for v in args.variants:
        path = args.server_paths.get(v, os.path.join(args.bin, f"chat-{v}"))
        if os.access(path, os.X_OK):
            binaries[v] = path
            variants.append(v)
        else:
            print(f"bench: skipping {v}: {path} is not built (no {v}/main.c yet?)", flush=True)

    if args.plan:
        runs = plan(args, variants)
        probe_s = 2.0 if not args.full else 5.0
        print(f"  poller probe (bin/chat-pollcost)  ~{probe_s:.1f}s")
        for r in runs:
            print(f"  {r.describe()}  ~{r.estimate_s():.1f}s")
        total = probe_s + sum(r.estimate_s() for r in runs)
        print(f"{len(runs)} runs and the poller probe, at most ~{fmt_duration(total)} "
              "(fewer when a sweep saturates early)")
        return 0

    if args.report_only:
        try:
            rows, machine, calibration = read_existing(out_dir)
            pollcost = read_pollcost(out_dir)
        except (OSError, ValueError) as e:
            sys.exit(f"bench: cannot read the run in {out_dir}: {e}")
    else:
        if not variants:
            sys.exit("bench: no server binary is built; nothing to measure")
        os.makedirs(out_dir, exist_ok=True)
        cpus = choose_cpus()
        if cpus is None:
            print("bench: only one usable CPU: server and load generator will share it, so "
                  "latency and CPU numbers include each other's interference", flush=True)
        rows, machine, calibration, pollcost = measure(args, out_dir, variants, binaries, cpus)
        rows = [{k: ("" if row.get(k) is None else str(row.get(k, ""))) for k in FIELDS}
                for row in rows]

    data_csv = os.path.join(out_dir, "data.csv")
    drawn = bench_plots.draw(rows, data_csv, out_dir, calibration["send_cpu_ns"] / 1000.0,
                             bench_matrix.SATURATION_P99_MS, bench_matrix.CPU_BOUND_PCT,
                             pollcost)
    for name, problem in drawn:
        if problem:
            print(f"bench: plot {name}: {problem}", flush=True)
    report = bench_report.write(rows, machine, calibration, [n for n, p in drawn if not p],
                                out_dir, pollcost)
    print(f"bench: wrote {os.path.relpath(out_dir, ROOT)}/data.csv, plots and "
          f"{os.path.relpath(report, ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
