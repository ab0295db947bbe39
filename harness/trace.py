#!/usr/bin/env python3
"""trace - see the designs: what every thread of each server does while one line fans out.

One fixed scene per server: N clients (default 8) connect and sit idle, client 1 sends one
line, every client receives it, then 300 ms of silence. The server runs under
`strace -f -ttt -T` (every thread's system calls, with timestamps and durations, recorded
from outside; nothing in the servers knows), and the same scene runs once more without
strace to count context switches from /proc. Writes, into --out (default results/trace/):

    DESIGN.strace       the raw trace of the traced run
    DESIGN.json         the same trace as Chrome trace-event JSON (ui.perfetto.dev,
                        chrome://tracing)
    DESIGN.svg, .png    one lane per thread (harness/plots/trace.gp), same time axis for all
    DESIGN.dat          the figure's data (bars, marks, hand-offs, deliveries)
    summary.json        the counts per design (and the scene's timestamps)
    REPORT.md           every figure with its counts beside it

    python3 harness/trace.py                       # every design built in bin/
    python3 harness/trace.py --designs async       # only one
    python3 harness/trace.py --from-traces         # redraw from --out's *.strace + summary.json

Standard library only, plus strace and gnuplot. See harness/README.md ("Seeing the designs").
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import trace_model  # noqa: E402
import trace_parse  # noqa: E402
from chatdriver import Client, ScenarioFailure, Server  # noqa: E402


class Design:
    """One server configuration to trace: name (the files' stem), binary, extra server
    arguments, and what to call the process's first thread."""

    def __init__(self, name, binary, args=(), main_label="main"):
        self.name, self.binary, self.args, self.main_label = name, binary, list(args), main_label

    def __repr__(self):
        return "%s: %s %s" % (self.name, self.binary, " ".join(self.args))


# The designs, in the order the report shows them. To trace another configuration, add an
# entry here, e.g. Design("threaded-10ms", "bin/chat-threaded", ["--timeout-ms", "10"],
# "main (accept)").
DESIGNS = [
    Design("async", "bin/chat-async", [], "main (select loop)"),
    Design("threaded", "bin/chat-threaded", [], "main (accept)"),
    Design("hybrid", "bin/chat-hybrid", [], "select thread"),
    Design("async-epoll", "bin/chat-async", ["--poller", "epoll"], "main (epoll loop)"),
    Design("hybrid-epoll", "bin/chat-hybrid", ["--poller", "epoll"], "epoll thread"),
]

TEXT = "one line to fan out"          # what client 1 says (shown whole by strace -s 64)
STRACE_ARGS = ["-f", "-ttt", "-T", "-s", "64"]
TIMEOUT_SCALE = 4.0                   # strace slows the server down: give the driver room


def designs(overrides=None):
    """DESIGNS (binaries overridden by {name: path})."""
    out = []
    for d in DESIGNS:
        binary = (overrides or {}).get(d.name, d.binary)
        out.append(Design(d.name, binary, d.args, d.main_label))
    for name, binary in (overrides or {}).items():
        if name not in {d.name for d in out}:
            out.append(Design(name, binary))
    return out


# ---- the scene ------------------------------------------------------------------------
def room_line(text):
    return "<guest1> " + text


def run_scene(server, n_clients, idle_s, silence_s, snapshot=None):
    """Connect n clients one by one (each sees everyone's join), stay idle idle_s, let
    client 1 send TEXT, wait until every client has it, then silence_s of silence.
    Returns (clients, marks) with marks in epoch seconds (time.time(), strace's clock);
    snapshot(name) is called at 'before', 'received' and 'silence_end'."""
    clients = []
    for i in range(1, n_clients + 1):
        c = Client(server, "client %d" % i)
        c.join("guest%d" % i, i)
        for earlier in clients:
            earlier.expect_line("* guest%d has joined" % i)
        clients.append(c)
    marks = {"idle_from": time.time()}
    time.sleep(idle_s)                     # the scene's idle stretch: nobody says anything
    if snapshot:
        snapshot("before")
    marks["client_send"] = time.time()
    clients[0].send(TEXT)
    for c in clients:
        c.expect_line(room_line(TEXT))
    marks["all_received"] = time.time()
    if snapshot:
        snapshot("received")
    time.sleep(silence_s)                  # the scene's 300 ms of silence
    marks["silence_end"] = time.time()
    if snapshot:
        snapshot("silence_end")
    return clients, marks


def children_of(pid):
    """Pids whose parent is pid (from /proc/*/stat)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(pid):
            out.append(int(entry))
    return out


def ctxt_switches(pid):
    """(voluntary, involuntary) context switches summed over every thread of pid."""
    vol = invol = 0
    task = "/proc/%d/task" % pid
    for tid in os.listdir(task):
        try:
            with open("%s/%s/status" % (task, tid)) as f:
                for row in f:
                    if row.startswith("voluntary_ctxt_switches:"):
                        vol += int(row.split()[1])
                    elif row.startswith("nonvoluntary_ctxt_switches:"):
                        invol += int(row.split()[1])
        except OSError:
            pass
    return vol, invol


def close_all(clients):
    for c in clients:
        c.close()


def traced_run(design, strace, out_path, n, idle_s, silence_s):
    """The scene under strace -f; returns the scene's marks. The trace goes to out_path."""
    args = STRACE_ARGS + ["-o", out_path, "--", design.binary, "--port", "0", "--quiet"] + \
        design.args
    server = Server(strace, args, timeout_scale=TIMEOUT_SCALE)
    clients = []
    try:
        clients, marks = run_scene(server, n, idle_s, silence_s)
        close_all(clients)
        kids = children_of(server.proc.pid)
        if len(kids) != 1:
            raise ScenarioFailure("expected strace to have one child (the server), found %s"
                                  % kids)
        os.kill(kids[0], signal.SIGTERM)
        server.expect_exit(0, what="exit after SIGTERM (under strace)")
        return marks
    finally:
        close_all(clients)
        server.cleanup()


def untraced_once(design, n, idle_s, silence_s):
    server = Server(design.binary, ["--quiet"] + design.args, timeout_scale=TIMEOUT_SCALE)
    snaps = {}
    clients = []
    try:
        clients, marks = run_scene(server, n, idle_s, silence_s,
                                   lambda name: snaps.__setitem__(name,
                                                                  ctxt_switches(server.proc.pid)))
        close_all(clients)
        server.stop()
    finally:
        close_all(clients)
        server.cleanup()

    def diff(a, b):
        return {"voluntary": snaps[b][0] - snaps[a][0], "involuntary": snaps[b][1] - snaps[a][1],
                "total": sum(snaps[b]) - sum(snaps[a])}
    return {"send_to_all_received_ms": (marks["all_received"] - marks["client_send"]) * 1000,
            "ctxt_fanout": diff("before", "received"),
            "ctxt_silence": diff("received", "silence_end"),
            "silence_ms": (marks["silence_end"] - marks["all_received"]) * 1000}


def untraced_run(design, n, idle_s, silence_s, repeat):
    """The same scene without strace, `repeat` times: context switches per window (from
    /proc/PID/task/*/status, summed over threads) and the client-side time from the send
    until every client had the line. Medians, with each run kept in 'runs'."""
    runs = [untraced_once(design, n, idle_s, silence_s) for _ in range(repeat)]
    med = lambda xs: statistics.median(xs)          # noqa: E731
    out = {"repeat": repeat,
           "send_to_all_received_ms": round(med([r["send_to_all_received_ms"] for r in runs]), 3),
           "send_to_all_received_ms_range": [round(min(r["send_to_all_received_ms"]
                                                       for r in runs), 3),
                                             round(max(r["send_to_all_received_ms"]
                                                       for r in runs), 3)],
           "silence_ms": round(med([r["silence_ms"] for r in runs]), 1)}
    for win in ("ctxt_fanout", "ctxt_silence"):
        out[win] = {k: med([r[win][k] for r in runs]) for k in ("voluntary", "involuntary",
                                                                 "total")}
        out[win]["total_range"] = [min(r[win]["total"] for r in runs),
                                   max(r[win]["total"] for r in runs)]
    out["runs"] = [{"send_to_all_received_ms": round(r["send_to_all_received_ms"], 3),
                    "ctxt_fanout": r["ctxt_fanout"]["total"],
                    "ctxt_silence": r["ctxt_silence"]["total"]} for r in runs]
    return out


# ---- analysis and output --------------------------------------------------------------
def analyse(design, trace_path, marks):
    calls, notes = trace_parse.parse_file(trace_path)
    model = trace_model.Model(calls, notes, design.main_label)
    line = model.find_line(TEXT, room_line(TEXT))
    if line is None:
        raise ValueError("%s: the line %r never arrived in the trace" % (trace_path, TEXT))
    counts = model.measure(line, marks["client_send"], marks["all_received"],
                           marks["silence_end"])
    return model, line, counts


def write_chrome(model, line, marks, design, path, idle_s):
    t_from = min(marks["idle_from"], line["arrival"].end - idle_s)
    t_to = marks["silence_end"]
    instants = [(marks["client_send"], "client 1 sends the line"),
                (line["arrival"].end, "the line arrives (receive returns)"),
                (marks["all_received"], "every client has it: the silence begins"),
                (marks["silence_end"], "the silence ends")]
    doc = model.chrome_trace(line, t_from, t_to, "chat-%s (strace -f)" % design.name, instants,
                             {"design": design.name, "server": " ".join([design.binary] +
                                                                      design.args),
                              "arrival_ts_us": round((line["arrival"].end - t_from) * 1e6, 3),
                              "note": "ts in microseconds from the start of the idle stretch"})
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def write_dat(model, line, marks, path, t_from, t_to):
    """The figure's data, four blocks (gnuplot `index`): bars, marks, hand-offs,
    deliveries. Each block starts with one dummy row far off the axis so that no block is
    empty and every legend entry exists in every figure."""
    tl = model.timeline(line, t_from, t_to)
    wait_code = {w: i + 1 for i, w in enumerate(trace_model.WAIT_ORDER)}
    mark_code = {m: i + 1 for i, m in enumerate(trace_model.MARK_ORDER)}
    off = -1e9
    with open(path, "w") as f:
        f.write("# bars: lane t0_ms t1_ms wait(%s)\n" % " ".join(
            "%d=%s" % (v, k) for k, v in wait_code.items()))
        for code in wait_code.values():
            f.write("0 %g %g %d\n" % (off, off, code))
        for lane, t0, t1, w in tl["bars"]:
            f.write("%d %.4f %.4f %d\n" % (lane, t0, t1, wait_code[w]))
        f.write("\n\n# marks: lane t_ms mark(%s)\n" % " ".join(
            "%d=%s" % (v, k) for k, v in mark_code.items()))
        for code in mark_code.values():
            f.write("0 %g %d\n" % (off, code))
        for lane, t, m in tl["marks"]:
            f.write("%d %.4f %d\n" % (lane, t, mark_code[m]))
        f.write("\n\n# hand-offs (futex wake -> the wait it ended): t_ms lane dt_ms dlane wait\n")
        f.write("%g 0 0 0 1\n" % off)
        for l0, t0, l1, t1, w in tl["arrows"]:
            f.write("%.4f %d %.4f %d %d\n" % (t0, l0, t1 - t0, l1 - l0, wait_code[w]))
        f.write("\n\n# deliveries: t_ms lane client\n")
        f.write("%g 0 0\n" % off)
        for lane, t, client in tl["deliveries"]:
            f.write("%.4f %d %d\n" % (t, lane, client))


def subtitle(counts, untraced):
    f, s = counts["fanout"], counts["silence"]
    parts = ["%d deliveries: %d syscalls, %s" % (counts["deliveries"], f["syscalls"],
                                                 plural(f["wakeups"], "wake-up"))]
    if untraced:
        parts.append("%g context switches (untraced, median)" % untraced["ctxt_fanout"]["total"])
    parts.append("last delivery +%s ms" % fmt_ms(counts["arrival_to_last_delivery_ms"]))
    parts.append("silence: %s that found nothing to do" % plural(s["empty_wakeups"], "wake-up"))
    return "; ".join(parts)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def fmt_ms(x):
    if x is None:
        return "n/a"
    return "%.3g" % x if x < 100 else "%.0f" % x


def zoom_range(counts):
    """The zoom panel's x range: a little before the arrival to a little after the last
    delivery (at least 0.5 ms wide)."""
    span = max(counts["arrival_to_last_delivery_ms"], 0.5)
    return -0.2 * span, 1.1 * span


def plot(design, counts, untraced, model, line, marks, out_dir, xmin, xmax, gnuplot):
    datafile = os.path.join(out_dir, design.name + ".dat")
    zmin, zmax = zoom_range(counts)
    lanes = len(model.lanes)
    ytics = ", ".join('"%s" %d' % (label, i) for i, (_, label) in enumerate(model.lanes))
    zero = line["arrival"].end
    silence_from = (marks["all_received"] - zero) * 1000
    silence_to = (marks["silence_end"] - zero) * 1000
    for fmt_name in ("svg", "png"):
        outfile = os.path.join(out_dir, "%s.%s" % (design.name, fmt_name))
        settings = {
            "fmt": fmt_name, "datafile": datafile, "outfile": outfile,
            "design": design.name.split("-")[0],
            "title": "chat-%s%s: one line from client 1 to %d clients, every thread's "
                     "system calls" % (design.name.split("-")[0],
                                       " " + " ".join(design.args) if design.args else "",
                                       counts["deliveries"]),
            "subtitle": subtitle(counts, untraced), "ytics_spec": ytics, "nlanes": lanes,
            "xmin": xmin, "xmax": xmax, "zmin": zmin, "zmax": zmax,
            "last_ms": counts["arrival_to_last_delivery_ms"],
            "silence_from": silence_from,
            "silence_to": silence_to,
        }
        expr = "; ".join("%s=%s" % (k, ("'%s'" % v.replace("'", "''")) if isinstance(v, str)
                                    else repr(float(v)) if isinstance(v, float) else v)
                         for k, v in settings.items())
        res = subprocess.run([gnuplot, "-e", expr, "trace.gp"], cwd=os.path.join(HERE, "plots"),
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError("gnuplot failed on %s: %s" % (outfile, res.stderr.strip()))


# ---- the report -----------------------------------------------------------------------
def top_names(by_name, k=4):
    items = list(by_name.items())
    text = ", ".join("%d %s" % (v, n) for n, v in items[:k])
    rest = sum(v for _, v in items[k:])
    return text + (", %d other" % rest if rest else "")


def counts_table(counts, untraced):
    f, s, per = counts["fanout"], counts["silence"], counts["fanout_per_delivery"]
    n = counts["deliveries"]
    rows = [
        ("system calls", "%d (%s)" % (f["syscalls"], top_names(f["by_name"])),
         "%.2f" % per["syscalls"], "%d" % s["syscalls"]),
        ("thread wake-ups", "%d, in %s (%d on a timeout)" % (
            f["wakeups"], plural(f["threads_woken"], "thread"), f["timeout_wakeups"]),
         "%.2f" % per["wakeups"], "%d (%d on a timeout)" % (s["wakeups"], s["timeout_wakeups"])),
        ("wake-ups that found nothing to do", "%d" % f["empty_wakeups"], "",
         "**%d**" % s["empty_wakeups"]),
        ("futex calls", "%d" % f["futex_calls"], "", "%d" % s["futex_calls"]),
    ]
    if untraced:
        cf, cs = untraced["ctxt_fanout"], untraced["ctxt_silence"]
        rows.append(("context switches (untraced; median of %d runs, range)" % untraced["repeat"],
                     "%g (%g voluntary; %g to %g)" % (cf["total"], cf["voluntary"],
                                                      *cf["total_range"]),
                     "%.2f" % (cf["total"] / max(n, 1)),
                     "%g (%g voluntary; %g to %g)" % (cs["total"], cs["voluntary"],
                                                      *cs["total_range"])))
    out = ["| counted | for the line (%d deliveries) | per delivery | in the %.0f ms of silence |"
           % (n, counts["silence_ms"]), "|---|---|---|---|"]
    out += ["| %s | %s | %s | %s |" % r for r in rows]
    lat = "| time from the line's arrival to its last delivery | %s ms (first: %s ms) |  |  |" % (
        fmt_ms(counts["arrival_to_last_delivery_ms"]),
        fmt_ms(counts["arrival_to_first_delivery_ms"]))
    out.append(lat)
    if untraced:
        out.append("| untraced: client 1's send until all %d clients had it (median, range) "
                   "| %s ms (%s to %s) |  |  |"
                   % (n, fmt_ms(untraced["send_to_all_received_ms"]),
                      *(fmt_ms(x) for x in untraced["send_to_all_received_ms_range"])))
    if counts["timeout_period_ms"]:
        out.append("| socket timeout period seen in the trace (median) |  |  | %s ms |"
                   % fmt_ms(counts["timeout_period_ms"]))
    return out


def write_report(out_dir, results, scene):
    lines = ["# Seeing the designs: one line through each server", "",
             "Written by `make trace` (`harness/trace.py`). The scene: %d clients connect and "
             "sit idle (%d ms), client 1 sends `%s`, every client receives "
             "`%s`, then %d ms of silence. Each server ran under `strace -f -ttt -T` "
             "(every thread's system calls, from outside the server); context switches come "
             "from untraced runs of the same scene (`/proc/PID/task/*/status`, median of "
             "%d runs), because strace itself makes a traced thread switch at every call."
             % (scene["clients"], scene["idle_ms"], TEXT, room_line(TEXT), scene["silence_ms"],
                scene.get("repeat", 0)),
             "",
             "How to read a figure: one lane per thread; time in ms from the moment the "
             "server's receive of the line returned. The top panel is the whole scene on the "
             "same axis for every design; the bottom panel zooms on the fan-out. Bars are "
             "time asleep in a system call, marks are calls returning, arrows are futex "
             "wake-ups reaching the thread they woke, gold circles are the deliveries "
             "(numbered by client in the zoom). strace slows every system call down (tens of "
             "microseconds each), so traced times are stretched: compare the untraced "
             "send-to-all time. Open `DESIGN.json` in https://ui.perfetto.dev or "
             "`chrome://tracing` to zoom into any call.", "",
             "Counted over two windows: *for the line*, every call that returned between "
             "client 1's send and the last delivery; *silence*, from the moment every "
             "client had the line to the end of the silence. A *wake-up* is a waiting call "
             "(recv on a blocking socket, select/poll/epoll, futex wait, accept) that slept "
             "and returned; it *found nothing to do* if the thread moved no data before it "
             "slept again. A blank stretch of a lane is a thread outside any waiting call: "
             "running, or ready and waiting for a CPU (strace cannot tell which). "
             "Definitions in `harness/trace_model.py`.", "",
             "Traced %s on %s CPUs. On a busy machine every time here is longer, and "
             "chat-threaded's timeout phases differ from run to run: where the line lands "
             "in them decides its delay, from nothing to one timeout period."
             % (scene.get("date", "?"), scene.get("cpus", "?")), ""]
    summary_rows = ["| design | syscalls for the line | wake-ups | context switches (untraced) | "
                    "arrival to last delivery | untraced send to all | empty wake-ups in the "
                    "silence |", "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        c, u = r["counts"], r.get("untraced")
        summary_rows.append("| [%s](#chat-%s) | %d | %d | %s | %s ms | %s ms | %d |" % (
            name, name, c["fanout"]["syscalls"], c["fanout"]["wakeups"],
            u["ctxt_fanout"]["total"] if u else "n/a", fmt_ms(c["arrival_to_last_delivery_ms"]),
            fmt_ms(u["send_to_all_received_ms"]) if u else "n/a",
            c["silence"]["empty_wakeups"]))
    lines += summary_rows + [""]
    for name, r in results.items():
        c = r["counts"]
        lines += ["## chat-%s" % name, "",
                  "`%s`, %s; the line was received by the thread `%s`." % (r["server"],
                                                           plural(c["threads"], "thread"),
                                                           c["arrival_thread"]), "",
                  "![chat-%s: every thread while one line fans out](%s.svg)" % (name, name), "",
                  "([PNG](%s.png), [Chrome trace JSON](%s.json), [raw strace](%s.strace))"
                  % (name, name, name), ""]
        lines += counts_table(c, r.get("untraced")) + [""]
    with open(os.path.join(out_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(lines))


# ---- main -----------------------------------------------------------------------------
def parse_args(argv):
    names = ", ".join(d.name for d in DESIGNS)
    p = argparse.ArgumentParser(
        prog="harness/trace.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="See the designs: trace one line fanning out through each chat server\n"
                    "(strace -f, from outside the server), draw one lane per thread, and count\n"
                    "system calls, wake-ups and context switches. `make trace` runs it.",
        epilog="the scene:\n"
               "  N clients connect one by one and stay idle MS, client 1 sends one line,\n"
               "  every client receives it, then MS of silence. Each server runs under\n"
               "  strace -f -ttt -T once, then without strace --repeat times (context\n"
               "  switches from /proc, client-side latency).\n\n"
               "writes into --out:\n"
               "  DESIGN.strace         the raw trace\n"
               "  DESIGN.json           Chrome trace events (ui.perfetto.dev, chrome://tracing)\n"
               "  DESIGN.svg, .png      the figure (harness/plots/trace.gp); DESIGN.dat its data\n"
               "  summary.json          every count; REPORT.md: the figures with their counts\n\n"
               "designs: %s.\n"
               "  Add more to DESIGNS at the top of this file.\n\n"
               "examples:\n"
               "  python3 harness/trace.py\n"
               "  python3 harness/trace.py --designs hybrid --out /tmp/t\n"
               "  python3 harness/trace.py --designs threaded --silence-ms 1000\n"
               "  python3 harness/trace.py --from-traces --out results/reference/trace" % names)
    p.add_argument("--out", metavar="DIR", default=os.path.join("results", "trace"),
                   help="output directory (default: results/trace)")
    p.add_argument("--designs", metavar="LIST",
                   help="comma-separated names to run (default: every one whose binary exists)")
    p.add_argument("--server", action="append", default=[], metavar="NAME=BIN",
                   help="use BIN for design NAME (repeatable; a new NAME adds a design)")
    p.add_argument("--clients", type=int, metavar="N", default=8,
                   help="connected clients (default 8)")
    p.add_argument("--idle-ms", type=int, metavar="MS", default=100,
                   help="idle time before the line is sent (default 100)")
    p.add_argument("--silence-ms", type=int, metavar="MS", default=300,
                   help="silence after every client has the line (default 300)")
    p.add_argument("--strace", metavar="BIN", default="strace",
                   help="the strace binary (default: strace)")
    p.add_argument("--gnuplot", metavar="BIN", default="gnuplot",
                   help="the gnuplot binary (default: gnuplot)")
    p.add_argument("--no-plots", action="store_true", help="write everything but the figures")
    p.add_argument("--repeat", type=int, metavar="N", default=5,
                   help="untraced runs of the scene for the context switches and the untraced "
                        "latency (medians; default 5; 0: none)")
    p.add_argument("--from-traces", action="store_true",
                   help="run no server: re-analyse OUT/*.strace with OUT/summary.json's scene "
                        "times, redraw, rewrite the report")
    p.add_argument("--list", action="store_true", help="print the designs and exit")
    a = p.parse_args(argv)
    if a.clients < 1 or a.idle_ms < 0 or a.silence_ms < 0 or a.repeat < 0:
        p.error("--clients must be >= 1, --idle-ms, --silence-ms and --repeat >= 0")
    try:
        a.overrides = dict(s.split("=", 1) for s in a.server)
    except ValueError:
        p.error("--server wants NAME=BIN")
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    # Paths given relative to where we were started; the designs' binaries to the tree.
    a.out = os.path.abspath(a.out)
    a.overrides = {k: os.path.abspath(v) if os.path.exists(v) else v
                   for k, v in a.overrides.items()}
    os.chdir(ROOT)
    all_designs = designs(a.overrides)
    if a.list:
        for d in all_designs:
            print("%-16s %s %s%s" % (d.name, d.binary, " ".join(d.args),
                                     "" if os.path.exists(d.binary) else "   (not built)"))
        return 0
    wanted = a.designs.split(",") if a.designs else None
    if wanted:
        unknown = set(wanted) - {d.name for d in all_designs}
        if unknown:
            print("unknown design(s): %s (known: %s)" % (", ".join(sorted(unknown)),
                                                      ", ".join(d.name for d in all_designs)),
                  file=sys.stderr)
            return 2
        chosen = [d for d in all_designs if d.name in wanted]
    else:
        chosen = all_designs
    os.makedirs(a.out, exist_ok=True)
    summary_path = os.path.join(a.out, "summary.json")

    if a.from_traces:
        with open(summary_path) as f:
            old = json.load(f)
        scene = old["scene"]
        chosen = [d for d in chosen if d.name in old["designs"]]
        if not chosen:
            print("%s names no design to redraw" % summary_path, file=sys.stderr)
            return 2
    else:
        for tool in (a.strace,) + (() if a.no_plots else (a.gnuplot,)):
            if shutil.which(tool) is None:
                print("%s not found: install it (make trace does: apt-get install strace "
                      "gnuplot-nox)" % tool, file=sys.stderr)
                return 2
        missing = [d for d in chosen if not os.path.exists(d.binary)]
        for d in missing:
            print("skipping %s: %s is not built (run make)" % (d.name, d.binary))
        chosen = [d for d in chosen if d not in missing]
        if not chosen:
            print("nothing to trace", file=sys.stderr)
            return 2
        scene = {"clients": a.clients, "idle_ms": a.idle_ms, "silence_ms": a.silence_ms,
                 "text": TEXT, "repeat": a.repeat, "cpus": os.cpu_count(),
                 "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}

    results, models = {}, {}
    for d in chosen:
        trace_path = os.path.join(a.out, d.name + ".strace")
        t0 = time.monotonic()
        if a.from_traces:
            marks = old["designs"][d.name]["marks"]
            untraced = old["designs"][d.name].get("untraced")
        else:
            print("== %s: %s under strace -f" % (d.name, " ".join([d.binary] + d.args)),
                  flush=True)
            marks = traced_run(d, a.strace, trace_path, a.clients, a.idle_ms / 1000,
                               a.silence_ms / 1000)
            untraced = None if a.repeat == 0 else \
                untraced_run(d, a.clients, a.idle_ms / 1000, a.silence_ms / 1000, a.repeat)
        model, line, counts = analyse(d, trace_path, marks)
        if counts["deliveries"] != scene["clients"]:
            print("warning: %s: %d deliveries found in the trace, expected %d"
                  % (d.name, counts["deliveries"], scene["clients"]), file=sys.stderr)
        write_chrome(model, line, marks, d, os.path.join(a.out, d.name + ".json"),
                     scene["idle_ms"] / 1000)
        results[d.name] = {"server": " ".join([d.binary] + d.args), "marks": marks,
                           "counts": counts, "untraced": untraced}
        models[d.name] = (model, line)
        f, s = counts["fanout"], counts["silence"]
        print("   %s; for the line: %d syscalls, %s%s; last delivery +%s ms; "
              "silence: %d wake-ups, %d found nothing to do (%.1f s)"
              % (plural(counts["threads"], "thread"), f["syscalls"],
                 plural(f["wakeups"], "wake-up"),
                 ", %g context switches untraced" % untraced["ctxt_fanout"]["total"]
                 if untraced else "", fmt_ms(counts["arrival_to_last_delivery_ms"]),
                 s["wakeups"], s["empty_wakeups"], time.monotonic() - t0), flush=True)

    # One time axis for every figure: the idle stretch before the arrival to the end of
    # the longest silence.
    xmin = -float(scene["idle_ms"])
    xmax = max((r["marks"]["silence_end"] - models[n][1]["arrival"].end) * 1000
               for n, r in results.items()) * 1.02
    for name, r in results.items():
        model, line = models[name]
        zero = line["arrival"].end
        write_dat(model, line, r["marks"], os.path.join(a.out, name + ".dat"),
                  zero + xmin / 1000, r["marks"]["silence_end"])
        if not a.no_plots:
            d = next(x for x in chosen if x.name == name)
            plot(d, r["counts"], r["untraced"], model, line, r["marks"], a.out, xmin, xmax,
                 a.gnuplot)
    summary = {"scene": scene, "designs": results,
               "tool": "strace %s" % " ".join(STRACE_ARGS),
               "definitions": "harness/trace_model.py"}
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)
    write_report(a.out, results, scene)
    print("wrote %s/: REPORT.md, summary.json, %s" % (
        a.out.rstrip("/"), ", ".join("%s.{strace,json%s}" % (n, "" if a.no_plots else ",svg,png")
                                     for n in results)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ScenarioFailure as e:
        print("trace: the scene failed: %s" % e, file=sys.stderr)
        sys.exit(1)
