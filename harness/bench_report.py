"""bench_report - write results/NAME/REPORT.md: the plots, and a reading of each computed
from the data (nothing in it is typed by hand, so it stays true to the run it describes)."""

import os

from bench_data import (crossing, find, fmt, load_clients, num, ok_rows, series, unsaturated,
                        variants_in)
from bench_matrix import SATURATION_P99_MS, TARGET_IRC_HIGH, TARGET_LOW
from bench_targets import evaluate

PLOT_TEXT = {
    "latency": "Delivery latency against offered load",
    "cpu": "Server CPU per delivery against offered load",
    "instrument": "The instrument against the server",
    "idle": "Idle CPU against connected clients",
    "memory": "Peak memory against connected clients",
    "timeout": "chat-threaded: --timeout-ms, latency against idle CPU",
}


def _image(lines, plots, name):
    if name in plots:
        lines += [f"![{PLOT_TEXT[name]}]({name}.svg)", "",
                  f"([PNG]({name}.png); drawn by `harness/plots/{name}.gp` from `data.csv`)", ""]
    else:
        lines += ["(no plot: the data for it is missing)", ""]


def _header(lines, machine, calibration, rows):
    m = machine
    lines += [
        f"# chatlab benchmark: {m.get('matrix', '?')} matrix, {m.get('date', '?')}", "",
        "| machine | |", "|---|---|",
        f"| CPU | {m.get('cpu_model')} ({m.get('cores')} cores, {m.get('cores_usable')} usable) |",
        f"| kernel | {m.get('kernel')} |",
        f"| git revision | {m.get('git_revision')} |",
        f"| compiler | {m.get('compiler')} |",
        f"| pinning | server on CPU {m.get('server_cpu')}, chat-loadgen on CPU "
        f"{m.get('loadgen_cpu')} |",
        f"| load average at start | {m.get('load_average_at_start')} |", "",
    ]
    timing = ok_rows(rows)
    if timing:
        r = timing[0]
        lines += [
            f"Every point is one run against a freshly started server: {len(rows)} runs, each "
            f"{fmt(num(r, 'warmup_s'))} s of warm-up (not measured), then "
            f"{fmt(num(r, 'duration_s'))} s measured. chat-loadgen offers load open-loop: "
            "message k is due at t0 + k/rate and carries that due time, so a stall in the "
            "server shows up as latency (no coordinated omission). Latency is one sample per "
            "(message, recipient), echoes to the sender excluded. Server CPU is the kernel's "
            "accounting of the whole process (all threads) over the measured window, per "
            "delivered line (echoes included). Method and fields: `loadgen/README.md`.", ""]
    others = sorted(num(r, "others_cpu_pct") for r in timing
                    if num(r, "others_cpu_pct") is not None)
    if others:
        median = others[len(others) // 2]
        quiet = ("the machine was quiet" if others[-1] < 5 else
                 "**the machine was not quiet**: other work competed with the server and the "
                 "generator, so latency tails and CPU figures are worse than the design's")
        lines += [f"Everything else on the machine used {fmt(median)}% of a core during the "
                  f"median run's measured window and {fmt(others[-1])}% at most "
                  f"(`others_cpu_pct`): {quiet}.", ""]
    c = calibration
    eff = c.get("effective_timeout_ms", {})
    lines += [
        "## Calibration: the floor", "",
        "Measured first by `bin/chat-calibrate` with the same pinning as the runs; results "
        "below are read as multiples of these.", "",
        "| quantity | value |", "|---|---|",
        f"| CPU of one {c['send_size']}-byte send() on loopback (TCP_NODELAY) | "
        f"{fmt(c['send_cpu_ns'] / 1000)} us |",
        f"| loopback round trip, p50 / p99 | {fmt(c['rtt_p50_us'])} / "
        f"{fmt(c['rtt_p99_us'])} us |",
        f"| CPU of one recv() timing out (SO_RCVTIMEO) | "
        f"{fmt(c['rcvtimeo_wakeup_cpu_ns'] / 1000)} us |",
        f"| CPU of one condition-variable wake-up (same CPU) | "
        f"{fmt(c['cond_wake_cpu_ns'] / 1000)} us ({fmt(c['cond_wake_latency_us'])} us "
        "wall) |",
    ]
    for t in sorted(eff, key=int):
        lines.append(f"| real wait of SO_RCVTIMEO = {t} ms | {fmt(eff[t])} ms |")
    lines.append("")
    if "1" in eff and eff["1"] > 2:
        lines += [f"The kernel rounds a socket timeout up to whole clock ticks and then waits "
                  f"for the next tick: asking for 1 ms waits {fmt(eff['1'])} ms here. That "
                  "is the *effective* timeout chat-threaded really runs with.", ""]
    if c["rtt_p50_us"] > 20:
        lines += [f"A loopback round trip of {fmt(c['rtt_p50_us'])} us between two CPUs is "
                  "slow (a few us on bare metal): waking an idle CPU is expensive on this "
                  "machine (typical of a virtual machine), and every cross-CPU wake-up in the "
                  "runs below pays it.", ""]


def _saturation_text(rows, v, clients):
    runs = sorted(ok_rows(rows, v, "load", clients), key=lambda r: num(r, "rate"))
    if not runs:
        return None
    good = [r for r in runs if unsaturated(r)]
    bad = [r for r in runs if not unsaturated(r)]
    text = f"chat-{v}: "
    if good and not bad:
        top = good[-1]
        text += (f"p99 {fmt(num(top, 'p99_us') / 1000)} ms at {fmt(num(top, 'rate'))} msg/s "
                 f"({fmt(num(top, 'offered_deliveries_per_s'))} deliveries/s), the highest "
                 "rate measured; not saturated in the measured range")
    elif good:
        top = good[-1]
        text += (f"p99 {fmt(num(top, 'p99_us') / 1000)} ms at {fmt(num(top, 'rate'))} msg/s "
                 f"({fmt(num(top, 'offered_deliveries_per_s'))} deliveries/s)")
    if bad:
        b = bad[0]
        why = []
        if (num(b, "lost") or 0) > 0:
            why.append(f"{b['lost']} deliveries lost")
        if (num(b, "disconnected") or 0) > 0:
            why.append(f"{b['disconnected']} clients cut off")
        if (num(b, "p99_us") or 0) > SATURATION_P99_MS * 1000:
            why.append(f"p99 {fmt(num(b, 'p99_us') / 1000)} ms")
        text += (f"{'; ' if good else ''}saturated at {fmt(num(b, 'rate'))} msg/s "
                 f"({fmt(num(b, 'offered_deliveries_per_s'))} deliveries/s: "
                 f"{', '.join(why) or 'failed'})")
    return text + "."


def _latency(lines, rows, plots):
    lines += ["## 1. Latency against offered load", ""]
    _image(lines, plots, "latency")
    for clients in load_clients(rows):
        texts = [_saturation_text(rows, v, clients) for v in variants_in(rows)]
        lines.append(f"- **{clients} clients.** " + " ".join(t for t in texts if t))
    lines.append("")
    lines += ["**The Nagle / delayed-ACK trade-off.** A typical IRC server and the classic "
              "select() teaching server show about 36 ms p99 at 100 clients x 200 msg/s, "
              "because small writes held back by Nagle's algorithm wait for the client's "
              "delayed ACK; at 100 x 1000 they batch well (about 3 us per delivery) but p99 "
              "is still 17 ms. Where ours sit:", "",
              "| variant | p99 at 100 x 200 | p99 at 100 x 1000 | CPU per delivery at "
              "100 x 1000 |", "|---|---|---|---|"]
    for v in variants_in(rows):
        low = find(rows, v, "load", *TARGET_LOW)
        high = find(rows, v, "load", *TARGET_IRC_HIGH)
        cell = lambda r, k, scale: fmt(num(r, k) / scale) if r and num(r, k) is not None else "n/a"
        lines.append(f"| chat-{v} | {cell(low, 'p99_us', 1000)} ms | "
                     f"{cell(high, 'p99_us', 1000)} ms | "
                     f"{cell(high, 'server_cpu_per_delivery_us', 1)} us |")
    lines += ["", "A server that sets TCP_NODELAY and writes as soon as a line is in the log "
              "avoids the 36 ms stall, and still batches under load: lines that arrive while "
              "a client's previous write is in progress leave together in one send(). "
              "chat-threaded's latency is set by its receive timeout instead (section 6): "
              "it trades the Nagle stall for a timeout stall of its own choosing.", ""]


def _cpu(lines, rows, plots, calibration):
    send_us = calibration["send_cpu_ns"] / 1000.0
    lines += ["## 2. Server CPU per delivery", ""]
    _image(lines, plots, "cpu")
    for clients in load_clients(rows):
        parts = []
        for v in variants_in(rows):
            pts = series(rows, v, clients, "server_cpu_per_delivery_us")
            if pts:
                (r0, c0), (r1, c1) = pts[0], pts[-1]
                text = f"chat-{v} {fmt(c0)} us ({fmt(c0 / send_us)}x a send()) at {fmt(r0)} msg/s"
                if r1 != r0:
                    text += f", {fmt(c1)} us ({fmt(c1 / send_us)}x) at {fmt(r1)} msg/s"
                parts.append(text)
        if parts:
            lines.append(f"- **{clients} clients** (unsaturated runs): " + "; ".join(parts) + ".")
    lines += ["", f"The dashed line is one send() of a small line ({fmt(send_us)} us). Above "
              "it at low load, because each message also costs a wake-up, a recv() and the "
              "loop's bookkeeping, shared by only a few deliveries; below it at high load, "
              "because several lines leave in one send() (batching).", ""]


def _hybrid_question(lines, rows, calibration):
    lines += ["## 3. The hybrid question", "",
              "*Under heavy load, does waking each client thread per message cost chat-hybrid "
              "more CPU per delivery than chat-threaded's batched reads after each timeout, "
              "and where do the curves cross?*", ""]
    if not (ok_rows(rows, "hybrid", "load") and ok_rows(rows, "threaded", "load")):
        lines += ["Not answerable from this run: it needs load runs of both chat-hybrid and "
                  "chat-threaded.", ""]
        return
    wake_us = calibration["cond_wake_cpu_ns"] / 1000.0
    for clients in load_clients(rows):
        h = series(rows, "hybrid", clients, "server_cpu_per_delivery_us", only_unsaturated=False)
        t = series(rows, "threaded", clients, "server_cpu_per_delivery_us",
                   only_unsaturated=False)
        common = sorted(set(x for x, _ in h) & set(x for x, _ in t))
        if not common:
            lines.append(f"- **{clients} clients:** no rate measured for both.")
            continue
        hd, td = dict(h), dict(t)
        ratios = ", ".join(f"{fmt(hd[x] / td[x])}x at {fmt(x)}" for x in common)
        cross = crossing(h, t)
        if cross:
            xc, cheaper_before = cross
            before = "chat-hybrid" if cheaper_before == "first" else "chat-threaded"
            after = "chat-threaded" if before == "chat-hybrid" else "chat-hybrid"
            verdict = (f"the curves cross near {fmt(xc)} msg/s ({fmt(xc * clients)} "
                       f"deliveries/s): {before} is cheaper below, {after} above")
        else:
            cheaper = "chat-hybrid" if all(hd[x] < td[x] for x in common) else (
                "chat-threaded" if all(hd[x] > td[x] for x in common) else None)
            verdict = (f"no crossing in the measured range; {cheaper} is cheaper throughout"
                       if cheaper else "no clean crossing (the curves touch)")
        lines.append(f"- **{clients} clients:** hybrid / threaded CPU per delivery = "
                     f"{ratios} (msg/s); {verdict}.")
    lines += ["", "(chat-threaded runs with its default --timeout-ms 50 here; every point "
              "counts, saturated ones included, since the question is about heavy load.)"]
    lines += ["", f"Why: chat-hybrid signals one transmit thread per recipient for every new "
              f"line; a condition-variable wake-up costs {fmt(wake_us)} us of CPU here, "
              "about one per delivery while threads sleep between lines. Under heavy load a "
              "woken thread finds several lines waiting and the cost per delivery falls. "
              "chat-threaded pays per timeout, not per line: each client thread wakes once "
              "per effective timeout and writes everything that arrived meanwhile in one "
              "send(), so its CPU per delivery falls as load rises, paid for with latency "
              "(section 1).", ""]


def _instrument(lines, rows, plots):
    lines += ["## 4. The instrument", ""]
    _image(lines, plots, "instrument")
    loaded = [r for r in ok_rows(rows) if num(r, "rate")]
    if not loaded:
        return
    worst_cpu = max(loaded, key=lambda r: num(r, "loadgen_cpu_pct") or 0)
    late = [r for r in loaded if r.get("instrument_ok") in ("0", 0)]
    lines += [f"chat-loadgen's busiest run used {fmt(num(worst_cpu, 'loadgen_cpu_pct'))}% of "
              f"its CPU ({worst_cpu['variant']}, {worst_cpu['clients']} clients x "
              f"{fmt(num(worst_cpu, 'rate'))} msg/s). {len(late)} of {len(loaded)} loaded runs "
              "had the generator short of CPU (over 90%) or sending more than 1 ms late at "
              "p99 (`instrument_ok` = 0 in data.csv); their latency tails include the "
              "generator's own delay and should be read with care.", ""]


def _idle_and_memory(lines, rows, plots, calibration):
    lines += ["## 5. Idle cost and memory", ""]
    _image(lines, plots, "idle")
    clients = sorted({int(float(r["clients"])) for r in ok_rows(rows, kind="idle")})
    if clients:
        lines += ["| server CPU, % of a core | " + " | ".join(f"{c} clients" for c in clients)
                  + " |", "|---" * (len(clients) + 1) + "|"]
        for v in variants_in(rows):
            cells = []
            for c in clients:
                r = find(rows, v, "idle", c)
                cells.append(fmt(num(r, "server_cpu_pct")) if r else "n/a")
            lines.append(f"| chat-{v} | " + " | ".join(cells) + " |")
        lines.append("")
        t = [r for r in ok_rows(rows, "threaded", "idle") if num(r, "predicted_idle_cpu_pct")]
        if t:
            lines += ["chat-threaded's model, clients / effective timeout x the calibrated "
                      "cost of one timed-out recv(): " + ", ".join(
                          f"{r['clients']} clients predicted {fmt(num(r, 'predicted_idle_cpu_pct'))}%,"
                          f" measured {fmt(num(r, 'server_cpu_pct'))}%" for r in t) + ".", ""]
    _image(lines, plots, "memory")
    if clients:
        lines += ["| variant | " + " | ".join(f"{c} clients" for c in clients) +
                  " | per extra client |", "|---" * (len(clients) + 2) + "|"]
        for v in variants_in(rows):
            cells, pts = [], []
            for c in clients:
                r = find(rows, v, "idle", c)
                rss = num(r, "server_peak_rss_kib")
                if r and rss is not None:
                    cells.append(f"{fmt(rss / 1024)} MiB, {r['server_threads']} threads, "
                                 f"{r['server_fds']} fds")
                    pts.append((c, rss))
                else:
                    cells.append("n/a")
            slope = (f"{fmt((pts[-1][1] - pts[0][1]) / (pts[-1][0] - pts[0][0]))} KiB"
                     if len(pts) >= 2 else "n/a")
            lines.append(f"| chat-{v} | " + " | ".join(cells) + f" | {slope} |")
        lines += ["", "Peak resident memory is the kernel's VmHWM at the end of the measured "
                  "window. A thread per client costs its stack's touched pages plus kernel "
                  "bookkeeping; the select() design pays only its per-client buffers.", ""]


def _timeout(lines, rows, plots):
    lines += ["## 6. chat-threaded: the receive timeout", ""]
    _image(lines, plots, "timeout")
    loads = {r["timeout_ms"]: r for r in ok_rows(rows, "threaded", "timeout-load")}
    idles = {r["timeout_ms"]: r for r in ok_rows(rows, "threaded", "timeout-idle")}
    keys = sorted(set(loads) | set(idles), key=lambda k: float(k))
    if not keys:
        return
    lines += ["| --timeout-ms | effective | p50 | p50 / (effective/2) | p99 | idle CPU | "
              "model | measured / model |", "|---|---|---|---|---|---|---|---|"]
    for k in keys:
        lr, ir = loads.get(k), idles.get(k)
        eff = num(lr or ir, "effective_timeout_ms")
        p50 = num(lr, "p50_us") / 1000 if lr else None
        p99 = num(lr, "p99_us") / 1000 if lr else None
        idle = num(ir, "server_cpu_pct") if ir else None
        model = num(ir, "predicted_idle_cpu_pct") if ir else None
        lines.append(
            f"| {k} | {fmt(eff)} ms | {fmt(p50)} ms | "
            f"{fmt(p50 / (eff / 2)) if p50 and eff else 'n/a'} | {fmt(p99)} ms | "
            f"{fmt(idle)}% | {fmt(model)}% | {fmt(idle / model) if idle and model else 'n/a'} |")
    lines += ["", "A line posted to the board waits for each recipient's thread to return "
              "from recv(): on average half the effective timeout, at worst all of it. Idle, "
              "every thread still wakes once per timeout. Shorter timeouts buy latency with "
              "idle CPU, linearly in the number of clients; the table shows where the "
              "kernel's tick rounding makes short timeouts longer than asked.", ""]


def _failures(lines, rows):
    failed = [r for r in rows if r.get("status") != "ok"]
    unclean = [r for r in rows if r.get("server_exit") not in ("0", "", None)]
    lines += ["## Runs that failed, servers that did not exit cleanly", ""]
    if not failed and not unclean:
        lines += ["None: every run completed and every server exited 0 on SIGTERM.", ""]
        return
    for r in failed:
        lines.append(f"- {r['variant']} {r['kind']} {r['clients']} clients rate {r['rate']}: "
                     f"{r['status']}")
    for r in unclean:
        lines.append(f"- {r['variant']} {r['kind']} {r['clients']} clients rate {r['rate']}: "
                     f"server exit status {r['server_exit']} (PROTOCOL.md wants 0 on SIGTERM)")
    lines.append("")


def _seeing_the_designs(lines, out_dir):
    """'Seeing the designs': the per-thread timelines of `make trace` (harness/trace.py),
    when this run directory has a copy of them under trace/ (results/reference/ does)."""
    import json
    path = os.path.join(out_dir, "trace", "summary.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        traced = json.load(f)["designs"]
    lines += ["## Seeing the designs: one line through each server", "",
              "What every thread of each server does while one line fans out to 8 idle "
              "clients, recorded from outside with `strace -f` by `make trace`: one lane per "
              "thread, the whole scene above (the same time axis for all), the fan-out zoomed "
              "below. Counts from the same traces (context switches: untraced runs, median); "
              "definitions, the raw traces and Chrome trace JSON (for Perfetto) are in "
              "[trace/REPORT.md](trace/REPORT.md).", "",
              "| design | syscalls for the line | wake-ups | context switches | arrival to last "
              "delivery (traced) | send to all (untraced) | empty wake-ups in 300 ms of silence |",
              "|---|---|---|---|---|---|---|"]
    for name, d in traced.items():
        c, u = d["counts"], d.get("untraced") or {}
        lines.append(f"| chat-{name} | {c['fanout']['syscalls']} | {c['fanout']['wakeups']} | "
                     f"{fmt(u.get('ctxt_fanout', {}).get('total'))} | "
                     f"{fmt(c['arrival_to_last_delivery_ms'])} ms | "
                     f"{fmt(u.get('send_to_all_received_ms'))} ms | "
                     f"{c['silence']['empty_wakeups']} |")
    lines.append("")
    for name in traced:
        lines += [f"![chat-{name}: every thread while one line fans out](trace/{name}.svg)", "",
                  f"([PNG](trace/{name}.png), [Chrome trace JSON](trace/{name}.json))", ""]


def write(rows, machine, calibration, plots, out_dir):
    lines = []
    _header(lines, machine, calibration, rows)
    lines += ["## Targets", "",
              "Stated here, never asserted in tests. Measured on the machine above; a busy "
              "machine makes every number worse.", "",
              "| target | measured | verdict | why, where missed |", "|---|---|---|---|"]
    for t in evaluate(rows, calibration):
        lines.append(f"| {t['target']} | {t['measured'] or 'n/a'} | {t['verdict']} | "
                     f"{t['why']} |")
    lines.append("")
    _latency(lines, rows, plots)
    _cpu(lines, rows, plots, calibration)
    _hybrid_question(lines, rows, calibration)
    _instrument(lines, rows, plots)
    _idle_and_memory(lines, rows, plots, calibration)
    _timeout(lines, rows, plots)
    _seeing_the_designs(lines, out_dir)
    _failures(lines, rows)
    lines += ["## Files", "",
              "`data.csv` (one row per run; columns in `results/README.md`), `machine.json`, "
              "`calibration.json`, the plots as SVG and PNG. Redraw plots and this report from "
              "the data with `python3 harness/bench.py --name NAME --report-only`.", ""]
    path = os.path.join(out_dir, "REPORT.md")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path
