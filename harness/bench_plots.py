"""bench_plots - draw the benchmark's plots with the gnuplot scripts in harness/plots/.

Each script reads results/NAME/data.csv directly (so anyone can re-run it by hand, see
harness/plots/common.gp) and is run twice, for SVG (embedded in REPORT.md) and PNG.
"""

import os
import shutil
import subprocess

from bench_data import has, scale_series
from bench_matrix import SCALE_CPU_SENDS, SCALE_P99_FANOUTS, SCALE_RATE_PER_CLIENT

PLOTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plots")


def _has(rows, kind, variant=None):
    return any(r["kind"] == kind and r["status"] == "ok" and
               (variant is None or r["variant"] == variant) for r in rows)


def wanted(rows):
    """The plots that the data can fill: name -> extra gnuplot variables."""
    load_clients = sorted({int(r["clients"]) for r in rows
                           if r["kind"] == "load" and r["status"] == "ok"})
    clients_list = " ".join(str(c) for c in load_clients)
    plots = {}
    if load_clients:
        plots["latency"] = {"clients_list": clients_list}
        plots["cpu_load"] = {"clients_list": clients_list}
        # Only runs made since the servers count their sends (older data.csv files lack them).
        if has(rows, "lines_per_send"):
            plots["batching"] = {"clients_list": clients_list}
        if has(rows, "wakeups_per_line"):
            plots["wakeups"] = {"clients_list": clients_list}
        plots["cpu"] = {"clients_list": clients_list}
        plots["instrument"] = {}
    if _has(rows, "idle"):
        plots["idle"] = {}
        plots["memory"] = {}
    if _has(rows, "timeout-load", "threaded") and _has(rows, "timeout-idle", "threaded"):
        plots["timeout"] = {}
    for kind, name in (("scale-load", "scale"), ("scale-idle", "scale_idle")):
        pairs = scale_series(rows, kind)
        if _has(rows, kind):
            plots[name] = {"series_list": " ".join(f"{v}/{p or '-'}" for v, p in pairs),
                           "rate_per_client": SCALE_RATE_PER_CLIENT,
                           "p99_factor": SCALE_P99_FANOUTS, "cpu_factor": SCALE_CPU_SENDS}
    return plots


def _gp_value(v):
    return f"'{v}'" if isinstance(v, str) else repr(v)


def draw(rows, data_csv, out_dir, send_us, sat_ms, cpu_pct, pollcost=()):
    """Draw every plot the data allows into out_dir; returns [(name, problem or None)]."""
    if shutil.which("gnuplot") is None:
        return [("all", "gnuplot not found (apt-get install gnuplot-nox)")]
    done = []
    plots = wanted(rows)
    if pollcost:
        plots["pollcost"] = {"pollfile": os.path.abspath(os.path.join(out_dir, "pollcost.csv"))}
    for name, extra in plots.items():
        problem = None
        for fmt in ("svg", "png"):
            variables = {"fmt": fmt, "datafile": os.path.abspath(data_csv),
                         "outfile": os.path.abspath(os.path.join(out_dir, f"{name}.{fmt}")),
                         "send_us": float(send_us), "sat_ms": float(sat_ms),
                         "cpu_pct": float(cpu_pct), **extra}
            setup = "; ".join(f"{k}={_gp_value(v)}" for k, v in variables.items())
            out = subprocess.run(["gnuplot", "-e", setup, f"{name}.gp"], cwd=PLOTS_DIR,
                                 capture_output=True, text=True, timeout=60)
            errors = [line for line in out.stderr.splitlines()
                      if line.strip() and "warning" not in line.lower()]
            if out.returncode != 0:
                problem = "; ".join(errors[-3:]) or f"gnuplot exit {out.returncode}"
        done.append((name, problem))
    return done
