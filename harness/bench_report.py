"""bench_report - write results/NAME/REPORT.md: the plots, and a reading of each computed
from the data (nothing in it is typed by hand, so it stays true to the run it describes)."""

import os

from bench_data import (cpu_bound, crossing, find, fmt, has, load_clients, num, ok_rows, series,
                        unsaturated, variants_in)
from bench_limits import (carried_by, cpu_phrase, first_cpu_bound, first_latency_saturated,
                          latency_phrase, latency_reasons, load_runs, rate_text, ratio_text)
from bench_matrix import CPU_BOUND_PCT, SATURATION_P99_MS, TARGET_IRC_HIGH, TARGET_LOW
from bench_targets import evaluate, evaluate_scale

PLOT_TEXT = {
    "latency": "Delivery latency against offered load",
    "cpu_load": "Server CPU against offered load",
    "batching": "Lines per send() against offered load",
    "wakeups": "Server wake-ups per line written against offered load",
    "cpu": "Server CPU per delivery against offered load",
    "instrument": "The instrument against the server",
    "idle": "Idle CPU against connected clients",
    "memory": "Peak memory against connected clients",
    "timeout": "chat-threaded: --timeout-ms, latency against idle CPU",
    "scale": "Past 1000 clients: p99 and CPU per delivery against connected clients",
    "scale_idle": "Past 1000 clients: idle CPU and memory against silent clients",
    "pollcost": "One event-loop turn per poller against watched fds",
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


def _latency(lines, rows, plots):
    lines += ["## 1. Latency against offered load", ""]
    _image(lines, plots, "latency")
    lines += [f"Two limits are told apart throughout: a run is **latency-saturated** when p99 "
              f"passes {fmt(SATURATION_P99_MS)} ms or anything is lost (that ends the sweep), "
              f"and **CPU-bound** when the server used {fmt(CPU_BOUND_PCT)}% of its core or "
              "more (ringed points; section 2). A CPU-bound server can keep latency flat for "
              "a while by batching (section 3), but it has no headroom left.", ""]
    for clients in load_clients(rows):
        texts = []
        for v in variants_in(rows):
            runs = load_runs(rows, v, clients)
            if runs:
                texts.append(f"chat-{v}: {latency_phrase(runs)}; {cpu_phrase(runs)}.")
        lines.append(f"- **{clients} clients.** " + " ".join(texts))
    lines.append("")
    lines += ["**The Nagle / delayed-ACK trade-off.** A typical IRC server and the classic "
              "select() teaching server show about 36 ms p99 at 100 clients x 200 msg/s, "
              "because small writes held back by Nagle's algorithm wait for the client's "
              "delayed ACK; at 100 x 1000 they batch well (about 3 us per delivery) but p99 "
              "is still 17 ms. Where ours sit:", "",
              "| variant | p99 at 100 x 200 | p99 at 100 x 1000 | CPU per delivery at "
              "100 x 1000 | lines per send() at 100 x 1000 |", "|---|---|---|---|---|"]
    for v in variants_in(rows):
        low = find(rows, v, "load", *TARGET_LOW)
        high = find(rows, v, "load", *TARGET_IRC_HIGH)
        cell = lambda r, k, scale: fmt(num(r, k) / scale) if r and num(r, k) is not None else "n/a"
        lines.append(f"| chat-{v} | {cell(low, 'p99_us', 1000)} ms | "
                     f"{cell(high, 'p99_us', 1000)} ms | "
                     f"{cell(high, 'server_cpu_per_delivery_us', 1)} us | "
                     f"{cell(high, 'lines_per_send', 1)} |")
    lines += ["", "A server that sets TCP_NODELAY and writes as soon as a line is in the log "
              "avoids the 36 ms stall, and still batches under load: lines that arrive while "
              "a client's previous write is in progress leave together in one send(). "
              "chat-threaded's latency is set by its receive timeout instead (section 8): "
              "it trades the Nagle stall for a timeout stall of its own choosing.", ""]


def _figures_between(a, b):
    """The changes from run a to run b that show how the extra load was carried."""
    parts = []
    lps = ratio_text(num(a, "lines_per_send"), num(b, "lines_per_send"))
    if lps:
        parts.append(f"lines per send() {lps}")
    wpl = ratio_text(num(a, "wakeups_per_line"), num(b, "wakeups_per_line"))
    if wpl:
        parts.append(f"wake-ups per line {wpl}")
    cpd = ratio_text(num(a, "server_cpu_per_delivery_us"), num(b, "server_cpu_per_delivery_us"),
                     " us")
    if cpd:
        parts.append(f"CPU per delivery {cpd}")
    pa, pb = num(a, "p99_us"), num(b, "p99_us")
    p99 = ratio_text(pa / 1000, pb / 1000, " ms") if pa is not None and pb is not None else None
    if p99:
        parts.append(f"p99 {p99}")
    return parts


def _carrier(a, b):
    """Which mechanism the counters show carrying the load from run a to run b."""
    lps_a, lps_b = num(a, "lines_per_send"), num(b, "lines_per_send")
    wpl_a, wpl_b = num(a, "wakeups_per_line"), num(b, "wakeups_per_line")
    if lps_a is None or lps_b is None:
        return ("each line got cheaper (lines per send() were not counted in this run, so the "
                "batching behind that is not measured)")
    if lps_b >= 1.2 * lps_a:
        return "batching carries the rest, more lines leaving in each send()"
    if wpl_a and wpl_b is not None and wpl_b <= 0.8 * wpl_a:
        return ("fewer wake-ups per line carry the rest, each send() carrying about as many "
                "lines as before")
    return "the counters show no more batching to carry the extra load"


def _cpu_load(lines, rows, plots):
    lines += ["## 2. Server CPU against offered load: the CPU limit", ""]
    _image(lines, plots, "cpu_load")
    lines += [f"The server is pinned to one CPU, so 100% of that core is all it can ever have. "
              f"A run is **CPU-bound** when the server used {fmt(CPU_BOUND_PCT)}% of it or more "
              "over the measured window (kernel accounting of every thread; `saturated_cpu` "
              "in data.csv). A CPU-bound server has no headroom: any further load is carried "
              "only by doing less work per line, and the p99 of section 1 does not show that.",
              ""]
    loaded = [r for r in ok_rows(rows) if num(r, "rate") and num(r, "others_cpu_pct") is not None]
    busiest = max((num(r, "others_cpu_pct") for r in loaded), default=0)
    if busiest >= 5:
        lines += [f"Other work used up to {fmt(busiest)}% of a core during these runs "
                  "(`others_cpu_pct`): where it ran on the server's core, the server could be "
                  f"short of CPU without reaching {fmt(CPU_BOUND_PCT)}% itself, and that is "
                  "not counted as CPU-bound here.", ""]
    for clients in load_clients(rows):
        parts = []
        for v in variants_in(rows):
            runs = load_runs(rows, v, clients)
            if not runs:
                continue
            c = carried_by(runs)
            if c is None:
                parts.append(f"chat-{v} is {cpu_phrase(runs)}.")
                continue
            first, top, sat = c["first"], c["top"], c["saturated"]
            text = (f"chat-{v} becomes CPU-bound at {rate_text(first)}, "
                    f"{fmt(num(first, 'server_cpu_pct'))}% of its core")
            later = [r for r in runs if num(r, "rate") > num(first, "rate")]
            if not unsaturated(first):
                text += f", where it is latency-saturated too ({latency_reasons(first)})."
            elif top is first:
                text += (", the highest rate measured within the latency limit, so what would "
                         "carry more load is not in this run" if later else
                         ", the highest rate measured, so what would carry more load is not "
                         "in this run")
                text += (f"; at {rate_text(sat)} it is latency-saturated "
                         f"({latency_reasons(sat)})." if sat else ".")
            else:
                factor = num(top, "rate") / num(first, "rate")
                text += (f"; from there to {fmt(num(top, 'rate'))} msg/s ({fmt(factor)}x the "
                         f"load) {_carrier(first, top)}: " + ", ".join(
                             _figures_between(first, top)))
                if sat:
                    text += (f"; at {rate_text(sat)} it is latency-saturated "
                             f"({latency_reasons(sat)}).")
                else:
                    text += "; still not latency-saturated at the highest rate measured."
            parts.append(text)
        if parts:
            lines.append(f"- **{clients} clients.** " + " ".join(parts))
    lines.append("")


def _batching(lines, rows, plots):
    lines += ["## 3. Batching: lines per send() and wake-ups per line", ""]
    if not (has(rows, "lines_per_send") or has(rows, "wakeups_per_line")):
        lines += ["Not measured in this run: its data.csv predates the servers' send counters "
                  "and the context-switch counts (`lines_per_send`, `wakeups_per_line`). A new "
                  "`make bench` measures them.", ""]
        return
    _image(lines, plots, "batching")
    _image(lines, plots, "wakeups")
    lines += ["Each server counts its own send() calls and the lines they carried (PROTOCOL.md, "
              "*Send statistics*); chat-loadgen asks for the counts with SIGUSR1 at the start "
              "and at the end of the measured window, so **lines per send()** is the window's "
              "lines / calls. **Wake-ups per line** is the server's context switches "
              "(voluntary + involuntary, every thread, from `/proc/PID/task/*/status`) over the "
              "window, per line written to a client (delivered + echoes). In the tables, CPU "
              "in bold marks a CPU-bound run and a p99 in bold a latency-saturated one.", ""]
    variants = variants_in(rows)
    for clients in load_clients(rows):
        rates = sorted({num(r, "rate") for v in variants for r in load_runs(rows, v, clients)})
        if not rates:
            continue
        head = "| msg/s | " + " | ".join(
            f"chat-{v}: lines/send() | wake-ups/line | CPU | p99" for v in variants) + " |"
        lines += [f"**{clients} clients**", "", head, "|---" * (1 + 4 * len(variants)) + "|"]
        for rate in rates:
            cells = [fmt(rate)]
            for v in variants:
                r = find(rows, v, "load", clients, rate)
                if r is None:
                    cells += ["", "", "", ""]
                    continue
                cpu = num(r, "server_cpu_pct")
                cpu_text = f"{fmt(cpu)}%" if cpu is not None else "n/a"
                p99 = num(r, "p99_us")
                p99_text = f"{fmt(p99 / 1000)} ms" if p99 is not None else "n/a"
                cells += [fmt(num(r, "lines_per_send")), fmt(num(r, "wakeups_per_line")),
                          f"**{cpu_text}**" if cpu_bound(r) else cpu_text,
                          f"**{p99_text}**" if not unsaturated(r) else p99_text]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["How each design batches. **chat-async** writes a client's lines at the end of "
              "each select() turn: one line per send() while the loop keeps up, more as soon as "
              "a turn takes long enough for several lines to arrive during it, which is exactly "
              "when the CPU runs out; its one thread sleeps in select() only when a turn finds "
              "nothing to do, so once CPU-bound it hardly ever wakes. **chat-threaded** "
              "writes when a client thread wakes: when its own client sends a line (every "
              "clients / rate seconds, since senders take turns) or when its receive timeout "
              "ends, whichever comes first; each wake-up sends everything posted meanwhile, "
              "about min(clients, rate x effective timeout) lines. **chat-hybrid** wakes a "
              "client's thread with a condition variable for every line posted while it "
              "sleeps: about one wake-up per line written at low load, fewer once threads "
              "are still busy sending when the next line comes.", ""]


def _cpu(lines, rows, plots, calibration):
    send_us = calibration["send_cpu_ns"] / 1000.0
    lines += ["## 4. Server CPU per delivery", ""]
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
            lines.append(f"- **{clients} clients** (runs within the latency limit): " +
                         "; ".join(parts) + ".")
    lines += ["", f"The dashed line is one send() of a small line ({fmt(send_us)} us). Above "
              "it at low load, because each message also costs a wake-up, a recv() and the "
              "loop's bookkeeping, shared by only a few deliveries; below it at high load, "
              "because several lines leave in one send() (batching, counted in section 3).", ""]


def _threaded_model(r, clients):
    """Lines per wake-up of a chat-threaded client thread: everything posted since the last
    one, which came at most one effective timeout ago and at most clients / rate ago (its own
    client's previous line)."""
    eff = num(r, "effective_timeout_ms")
    rate = num(r, "rate")
    if not eff or not rate:
        return None
    return max(1.0, min(float(clients), rate * eff / 1000.0))


def _mechanism(rows, v, clients):
    """(lowest-rate run, highest-rate run) of a sweep that has the batching counters."""
    runs = [r for r in load_runs(rows, v, clients)
            if num(r, "lines_per_send") is not None and num(r, "wakeups_per_line") is not None]
    return (runs[0], runs[-1]) if runs else None


def _span(a, b):
    if a is b:
        return f"at {fmt(num(a, 'rate'))} msg/s (the only rate measured)"
    return f"from {fmt(num(a, 'rate'))} to {fmt(num(b, 'rate'))} msg/s"


def _change(a, b, key):
    return fmt(num(a, key)) if a is b else f"{fmt(num(a, key))} -> {fmt(num(b, key))}"


def _per_line(r):
    w = num(r, "wakeups_per_line")
    return f"one per {fmt(1 / w)} lines" if w else "none"


def _wakeup_share(r, wake_ns):
    """', where its context switches alone took about P% of its core ...', or '' when the run
    has no context-switch count."""
    vol, invol = num(r, "server_ctxsw_voluntary"), num(r, "server_ctxsw_involuntary")
    window = num(r, "window_s")
    if vol is None or invol is None or not window:
        return ""
    per_s = (vol + invol) / window
    pct = 100.0 * per_s * wake_ns / 1e9
    return (f": there its {fmt(num(r, 'wakeups_per_line'))} wake-ups per line, "
            f"{fmt(per_s)} per second at the calibrated {fmt(wake_ns / 1000)} us of a "
            f"condition-variable wake-up, took about {fmt(pct)}% of its core by themselves, "
            "and sending and reading the rest")


def _hybrid_advantage(rows, clients, wake_ns):
    """Where chat-hybrid's latency advantage over chat-threaded ends, as a sentence."""
    h_runs = {num(r, "rate"): r for r in load_runs(rows, "hybrid", clients)}
    t_runs = {num(r, "rate"): r for r in load_runs(rows, "threaded", clients)}
    common = sorted(set(h_runs) & set(t_runs))
    if not common:
        return "No rate was measured for both."

    def better(x):
        h, t = h_runs[x], t_runs[x]
        if not unsaturated(h):
            return False
        return not unsaturated(t) or num(h, "p99_us") < num(t, "p99_us")

    ahead = [x for x in common if better(x)]
    if not ahead:
        x = common[0]
        return (f"chat-hybrid has no latency advantage at this size: already at {fmt(x)} "
                f"msg/s its p99 is {fmt(num(h_runs[x], 'p99_us') / 1000)} ms against "
                f"chat-threaded's {fmt(num(t_runs[x], 'p99_us') / 1000)} ms.")
    lost = next((x for x in common if x > ahead[0] and not better(x)), None)
    if lost is None:
        closest = min(common, key=lambda x: num(t_runs[x], "p99_us") / num(h_runs[x], "p99_us"))
        h, t = h_runs[closest], t_runs[closest]
        text = ("Its per-message wake-ups do not cost chat-hybrid its latency advantage in the "
                "measured range: its p99 stays below chat-threaded's at every rate both "
                f"measured (closest at {fmt(closest)} msg/s: {fmt(num(h, 'p99_us') / 1000)} "
                f"against {fmt(num(t, 'p99_us') / 1000)} ms)")
        bound = first_cpu_bound(load_runs(rows, "hybrid", clients))
        if bound is not None and num(bound, "rate") <= common[-1]:
            text += (f", although it is CPU-bound from {fmt(num(bound, 'rate'))} msg/s and "
                     "has no headroom left there")
        beyond = first_latency_saturated([r for r in load_runs(rows, "hybrid", clients)
                                          if num(r, "rate") > common[-1]])
        if beyond is not None:
            text += (f". Beyond {fmt(common[-1])} msg/s only chat-hybrid was measured (the "
                     f"chat-threaded sweep had ended), and at {rate_text(beyond)} it is "
                     f"latency-saturated ({latency_reasons(beyond)})")
            if cpu_bound(beyond):
                text += (f", CPU-bound ({fmt(num(beyond, 'server_cpu_pct'))}% of its core)"
                         f"{_wakeup_share(beyond, wake_ns)}")
        return text + "."
    h, t = h_runs[lost], t_runs[lost]
    why = (f"latency-saturated ({latency_reasons(h)})" if not unsaturated(h) else
           f"p99 {fmt(num(h, 'p99_us') / 1000)} ms against chat-threaded's "
           f"{fmt(num(t, 'p99_us') / 1000)} ms")
    text = (f"**chat-hybrid loses its latency advantage at {rate_text(h)}**: {why}. There "
            f"it used {fmt(num(h, 'server_cpu_pct'))}% of its core "
            f"({'CPU-bound' if cpu_bound(h) else 'not CPU-bound'}), chat-threaded "
            f"{fmt(num(t, 'server_cpu_pct'))}%")
    if num(h, "wakeups_per_line") is not None and num(t, "wakeups_per_line") is not None:
        text += (f"; chat-hybrid paid {fmt(num(h, 'wakeups_per_line'))} wake-ups per line "
                 f"and sent {fmt(num(h, 'lines_per_send'))} lines per send(), chat-threaded "
                 f"{fmt(num(t, 'wakeups_per_line'))} and {fmt(num(t, 'lines_per_send'))}")
    bound = first_cpu_bound(load_runs(rows, "hybrid", clients))
    if bound is not None and num(bound, "rate") < lost:
        text += (f". chat-hybrid had been CPU-bound since {fmt(num(bound, 'rate'))} msg/s"
                 f"{_wakeup_share(bound, wake_ns)}; latency followed once batching could no "
                 "longer make up for the missing CPU")
    elif not cpu_bound(h):
        # Not for want of CPU: say what moved, chat-threaded's p99 down or chat-hybrid's up.
        t_first, h_first = t_runs[common[0]], h_runs[common[0]]
        eff = num(t, "effective_timeout_ms")
        own_ms = 1000.0 * clients / lost
        moves = []
        if num(t, "p99_us") <= 0.7 * num(t_first, "p99_us"):
            move = (f"chat-threaded's p99 fell from {fmt(num(t_first, 'p99_us') / 1000)} ms "
                    f"at {fmt(common[0])} msg/s to {fmt(num(t, 'p99_us') / 1000)} ms")
            if eff and own_ms < eff:
                move += (f", its threads woken by their own clients' lines (every clients / "
                         f"rate = {fmt(own_ms)} ms) sooner than by the timeout ({fmt(eff)} ms)")
            moves.append(move)
        if unsaturated(h) and num(h, "p99_us") >= 1.5 * num(h_first, "p99_us"):
            moves.append(f"chat-hybrid's own p99 rose from {fmt(num(h_first, 'p99_us') / 1000)} "
                         f"ms at {fmt(common[0])} msg/s with its core not full")
        others = num(h, "others_cpu_pct")
        if others is not None and others >= 5:
            moves.append(f"other work used {fmt(others)}% of a core during that run "
                         "(`others_cpu_pct`)")
        text += ". Not for want of CPU, then" + (": " + "; ".join(moves) if moves else "")
    return text + "."


def _hybrid_question(lines, rows, calibration):
    lines += ["## 5. The hybrid question", "",
              "*Under heavy load, does chat-threaded read many messages per wake-up while "
              "chat-hybrid wakes each client thread per message, and where (if anywhere) do "
              "chat-hybrid's per-message wake-ups cost it its advantage (its latency: it "
              "does not wait for a timeout)?*", ""]
    if not (ok_rows(rows, "hybrid", "load") and ok_rows(rows, "threaded", "load")):
        lines += ["Not answerable from this run: it needs load runs of both chat-hybrid and "
                  "chat-threaded.", ""]
        return
    measured = has(rows, "lines_per_send") and has(rows, "wakeups_per_line")
    if not measured:
        lines += ["The mechanism was not measured in this run (its data.csv predates the send "
                  "counters and context-switch counts), so only the CPU per delivery and the "
                  "latency below answer it.", ""]
    wake_us = calibration["cond_wake_cpu_ns"] / 1000.0
    for clients in load_clients(rows):
        parts = []
        t_m, h_m = _mechanism(rows, "threaded", clients), _mechanism(rows, "hybrid", clients)
        if t_m and h_m:
            (t0, t1), (h0, h1) = t_m, h_m
            model = [_threaded_model(r, clients) for r in (t0, t1)]
            model_text = (f" (the model min(clients, rate x effective timeout): "
                          f"{fmt(model[0])} -> {fmt(model[1])})" if None not in model else "")
            if t0 is t1:
                model_text = (f" (the model min(clients, rate x effective timeout): "
                              f"{fmt(model[0])})" if None not in model else "")
            parts.append(
                f"chat-threaded, {_span(t0, t1)}: {_change(t0, t1, 'wakeups_per_line')} "
                f"wake-ups per line ({_per_line(t1)}"
                f"{' at the top' if t0 is not t1 else ''}), "
                f"{_change(t0, t1, 'lines_per_send')} lines per send(){model_text}.")
            parts.append(
                f"chat-hybrid, {_span(h0, h1)}: {_change(h0, h1, 'wakeups_per_line')} "
                f"wake-ups per line, {_change(h0, h1, 'lines_per_send')} lines per send().")
            t_many = (num(t1, "wakeups_per_line") or 1) <= 0.5
            h_low = num(h0, "wakeups_per_line") or 0
            h_each = h_low >= 0.5
            parts.append(
                ("So yes: chat-threaded reads many messages per wake-up" if t_many else
                 "chat-threaded does not read many messages per wake-up here") +
                ((", while chat-hybrid wakes more than once per line at low load"
                  if h_low >= 1.5 else ", while chat-hybrid wakes about once per line at low "
                  "load") if h_each else
                 ", and chat-hybrid does not wake once per line even at low load") +
                (f", falling to {fmt(num(h1, 'wakeups_per_line'))} as woken threads find "
                 "several lines waiting." if h_each and
                 num(h1, "wakeups_per_line") < 0.7 * num(h0, "wakeups_per_line") else "."))
        h = series(rows, "hybrid", clients, "server_cpu_per_delivery_us", only_unsaturated=False)
        t = series(rows, "threaded", clients, "server_cpu_per_delivery_us",
                   only_unsaturated=False)
        common = sorted(set(x for x, _ in h) & set(x for x, _ in t))
        if common:
            hd, td = dict(h), dict(t)
            cross = crossing(h, t)
            if cross:
                xc, cheaper_before = cross
                before = "chat-hybrid" if cheaper_before == "first" else "chat-threaded"
                after = "chat-threaded" if before == "chat-hybrid" else "chat-hybrid"
                verdict = (f"the curves cross near {fmt(xc)} msg/s: {before} is cheaper "
                           f"below, {after} above")
            else:
                cheaper = "chat-hybrid" if all(hd[x] < td[x] for x in common) else (
                    "chat-threaded" if all(hd[x] > td[x] for x in common) else None)
                where = "throughout" if len(common) > 1 else "there"
                verdict = (f"{cheaper} is cheaper {where}" if cheaper
                           else "no clean crossing")
            first_ratio = f"{fmt(hd[common[0]] / td[common[0]])}x at {fmt(common[0])}"
            span = (f"{first_ratio} to {fmt(hd[common[-1]] / td[common[-1]])}x at "
                    f"{fmt(common[-1])} msg/s" if len(common) > 1 else
                    f"{first_ratio} msg/s, the only rate both measured")
            parts.append(f"CPU per delivery, hybrid / threaded: {span}; {verdict}.")
        parts.append(_hybrid_advantage(rows, clients, calibration["cond_wake_cpu_ns"]))
        lines.append(f"- **{clients} clients.** " + " ".join(parts))
    lines += ["", "(chat-threaded runs with its default --timeout-ms 50 here; every point "
              "counts, latency-saturated ones included, since the question is about heavy "
              "load." + (" Section 3 has every figure.)" if measured else ")")]
    lines += ["", f"Why: chat-hybrid signals one transmit thread per recipient for every new "
              f"line it posts while that thread sleeps; a condition-variable wake-up costs "
              f"{fmt(wake_us)} us of CPU here, plus a context switch, about one per delivery "
              "at low load. Under load a woken thread finds several lines waiting and sends "
              "them together, so wake-ups per line fall; but they fall only as far as the "
              "threads are kept busy, which is paid for with the one core they share. "
              "chat-threaded pays per wake-up of a client thread, not per line: each thread "
              "wakes on its own client's input or on its timeout, and writes everything "
              "posted meanwhile in one send(), so its wake-ups per line fall as load rises, "
              "paid for with latency (section 8).", ""]


def _instrument(lines, rows, plots):
    lines += ["## 6. The instrument", ""]
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
    lines += ["## 7. Idle cost and memory", ""]
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
    lines += ["## 8. chat-threaded: the receive timeout", ""]
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


def write(rows, machine, calibration, plots, out_dir, pollcost=()):
    lines = []
    _header(lines, machine, calibration, rows)
    lines += ["## Targets", "",
              "Stated here, never asserted in tests. Measured on the machine above; a busy "
              "machine makes every number worse.", "",
              "| target | measured | verdict | why, where missed |", "|---|---|---|---|"]
    for t in evaluate(rows, calibration):
        lines.append(f"| {t['target']} | {t['measured'] or 'n/a'} | {t['verdict']} | "
                     f"{t['why']} |")
    lines += ["", "Past 1000 clients (section 9), as multiples of the calibrated floor so that "
              "they hold on any machine:", "",
              "| target | measured | verdict | why, where missed |", "|---|---|---|---|"]
    for t in evaluate_scale(rows, calibration, pollcost):
        lines.append(f"| {t['target']} | {t['measured'] or 'n/a'} | {t['verdict']} | "
                     f"{t['why']} |")
    lines.append("")
    _latency(lines, rows, plots)
    _cpu_load(lines, rows, plots)
    _batching(lines, rows, plots)
    _cpu(lines, rows, plots, calibration)
    _hybrid_question(lines, rows, calibration)
    _instrument(lines, rows, plots)
    _idle_and_memory(lines, rows, plots, calibration)
    _timeout(lines, rows, plots)
    _scale_section(lines, rows, plots, calibration, pollcost)
    _seeing_the_designs(lines, out_dir)
    _failures(lines, rows)
    lines += ["## Files", "",
              "`data.csv` (one row per run; columns in `results/README.md`), `machine.json`, "
              "`calibration.json`, `pollcost.csv` (one row per poller and watched-fd count, "
              "from `bin/chat-pollcost`), the plots as SVG and PNG. Redraw plots and this report from "
              "the data with `python3 harness/bench.py --name NAME --report-only`.", ""]
    path = os.path.join(out_dir, "REPORT.md")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


# ---- 9. past 1000 clients -------------------------------------------------------------------

def _pollcost_at(pollcost, poller, fds):
    for p in pollcost:
        if p["poller"] == poller and int(p["fds"]) == fds:
            return float(p["turn_ns"]) / 1000.0
    return None


def _per_fd_ns(pollcost, poller):
    """The slope of one turn against watched fds, ns per fd, between the fewest and most
    measured, with the largest count; or None."""
    pts = sorted((int(p["fds"]), float(p["turn_ns"])) for p in pollcost if p["poller"] == poller)
    if len(pts) < 2:
        return None
    (n0, t0), (n1, t1) = pts[0], pts[-1]
    return (t1 - t0) / (n1 - n0), n1


def _pollcost_section(lines, plots, calibration, pollcost):
    send_us = calibration["send_cpu_ns"] / 1000.0
    lines += ["### What one turn of the loop costs each poller", ""]
    if not pollcost:
        lines += ["Not measured in this run: it has no `pollcost.csv` (runs from before "
                  "`bin/chat-pollcost`). A new `make bench` measures it.", ""]
        return
    _image(lines, plots, "pollcost")
    counts = sorted({int(p["fds"]) for p in pollcost})
    pollers = [p for p in ("select", "poll", "epoll") if any(x["poller"] == p for x in pollcost)]
    lines += ["`bin/chat-pollcost` watches N eventfds through `common/poller.h`, keeps one "
              "readable, and times what the server's loop does once per wake-up: "
              "`poller_wait()` (timeout 0, so the turn never sleeps) and the walk of the ready "
              "list; median of many turns, pinned to the server's CPU. Whatever grows with N "
              "is the price of the idle fds.", "",
              "| watched fds | " + " | ".join(pollers) + " |", "|---" * (len(pollers) + 1) + "|"]
    for n in counts:
        cells = []
        for p in pollers:
            t = _pollcost_at(pollcost, p, n)
            cells.append(f"{fmt(t)} us = {fmt(t / send_us)} x send()" if t is not None else
                         ("cannot (FD_SETSIZE)" if p == "select" else "n/a"))
        lines.append(f"| {fmt(n)} | " + " | ".join(cells) + " |")
    lines.append("")
    said = []
    for p in pollers:
        slope = _per_fd_ns(pollcost, p)
        if slope is None:
            continue
        per_fd, top = slope
        t_top = _pollcost_at(pollcost, p, top)
        growth = (f"{fmt(per_fd)} ns more per watched fd" if per_fd >= 1 else
                  "flat (under 1 ns more per watched fd)")
        said.append(f"{p}: {growth}, {fmt(t_top)} us ({fmt(t_top / send_us)} send()s) at "
                    f"{fmt(top)} fds")
    lines += ["Reading: " + "; ".join(said) + ". select() and poll() make the kernel visit "
              "every watched fd on every turn (and the backend scan the result), so their turn "
              "grows linearly; epoll_wait() returns only the ready fd, so its turn is flat. "
              "select() cannot go past FD_SETSIZE (1024) at all. Per delivery, a turn's cost is "
              "spread over the lines that turn writes: with one message per turn fanned out to "
              "N clients, select() and poll() add about (per-fd cost) per delivery, a fixed "
              "share of a send(); they hurt when turns carry few deliveries (many busy turns "
              "with small fan-outs, or a few active clients among many idle ones).", ""]


def _scale_section(lines, rows, plots, calibration, pollcost):
    from bench_data import design_name, scale_rows, scale_series, scaled
    from bench_matrix import (HYBRID_SCALE_MAX, SCALE_RATE_PER_CLIENT, THREADED_SCALE_MAX,
                              TARGET_SCALE,
                              SCALE_P99_FANOUTS, SCALE_CPU_SENDS)
    from bench_targets import memory_per_client
    send_us = calibration["send_cpu_ns"] / 1000.0
    lines += ["## 9. Past 1000 clients: the pollers, and where each design stops", ""]
    loads = scale_series(rows, "scale-load")
    idles = scale_series(rows, "scale-idle")
    if not loads and not idles:
        lines += ["Not measured in this run: its data.csv has no scale runs (`scale-load`, "
                  "`scale-idle`; runs from before them). A new `make bench` measures 1000 to "
                  "5000 clients with `--poller epoll`; `make bench FULL=1` every poller, "
                  "chat-threaded, and 10,000 clients.", ""]
        _pollcost_section(lines, plots, calibration, pollcost)
        return
    lines += [f"Every client sends {fmt(SCALE_RATE_PER_CLIENT)} msg/s, so a room of N clients "
              f"carries N x {fmt(SCALE_RATE_PER_CLIENT)} msg/s and N x N x "
              f"{fmt(SCALE_RATE_PER_CLIENT)} deliveries/s: {fmt(TARGET_SCALE[0])} clients "
              f"are the target point, {fmt(TARGET_SCALE[1])} msg/s. Latency is read against "
              f"**one fan-out**, N x one send() ({fmt(send_us)} us here): one thread cannot "
              "reach the last of N recipients sooner. The servers run with `--max-clients` "
              "N + 100 and the `--poller` named; chat-threaded has no poller.", ""]
    _image(lines, plots, "scale")
    if loads:
        lines += ["| design | clients | join | p50 | p99 | p99 / one fan-out | CPU per delivery "
                  "/ one send() | server CPU | lines per send() | lost |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for v, p in loads:
            for r in scale_rows(rows, "scale-load", v, p):
                c = num(r, "clients")
                p99, p50, cpd = num(r, "p99_us"), num(r, "p50_us"), num(r,
                                                                     "server_cpu_per_delivery_us")
                cpu = num(r, "server_cpu_pct")
                cpu_text = f"{fmt(cpu)}%"
                lines.append(
                    f"| {design_name(v, p)} | {fmt(c)} | {fmt(num(r, 'join_s'))} s | "
                    f"{fmt(p50 / 1000) if p50 is not None else 'n/a'} ms | "
                    f"{fmt(p99 / 1000) if p99 is not None else 'n/a'} ms | "
                    + (f"**{fmt(p99 / (c * send_us))}**" if p99 is not None and
                       p99 > SCALE_P99_FANOUTS * c * send_us else
                       fmt(p99 / (c * send_us)) if p99 is not None else "n/a") + " | "
                    + (fmt(cpd / send_us) if cpd is not None else "n/a") + " | "
                    + (f"**{cpu_text}**" if cpu_bound(r) else cpu_text) + " | "
                    f"{fmt(num(r, 'lines_per_send'))} | {fmt(num(r, 'lost'))} |")
        lines += ["", f"(Bold: p99 beyond {fmt(SCALE_P99_FANOUTS)} fan-outs; server CPU at "
                  f"{fmt(CPU_BOUND_PCT)}% of its core or more.)", ""]
        for v, p in loads:
            runs = scale_rows(rows, "scale-load", v, p)
            within = [r for r in runs if num(r, "p99_us") is not None and
                      num(r, "p99_us") <= SCALE_P99_FANOUTS * num(r, "clients") * send_us and
                      not num(r, "lost")]
            bad = [r for r in runs if r not in within]
            cheap = [r for r in runs if (num(r, "server_cpu_per_delivery_us") or 1e9) <=
                     SCALE_CPU_SENDS * send_us]
            text = f"- **{design_name(v, p)}**: "
            text += (f"p99 within {fmt(SCALE_P99_FANOUTS)} fan-outs up to "
                     f"{fmt(num(within[-1], 'clients'))} clients" if within else
                     f"p99 beyond {fmt(SCALE_P99_FANOUTS)} fan-outs from "
                     f"{fmt(num(runs[0], 'clients'))} clients on")
            if within and bad:
                text += f", beyond it at {', '.join(fmt(num(r, 'clients')) for r in bad)}"
            text += (f"; CPU per delivery within {fmt(SCALE_CPU_SENDS)} send()s at "
                     f"{', '.join(fmt(num(r, 'clients')) for r in cheap) or 'no client count'}")
            bound = [r for r in runs if cpu_bound(r)]
            if bound:
                text += (f"; CPU-bound at {', '.join(fmt(num(r, 'clients')) for r in bound)} "
                         "clients")
            sat = [r for r in runs if not unsaturated(r)]
            if sat:
                text += ("; latency-saturated (p99 over 100 ms or loss) at " +
                         ", ".join(f"{fmt(num(r, 'clients'))} ({latency_reasons(r)})"
                                   for r in sat))
            lines.append(text + ".")
        lines.append("")
        joins = [(design_name(v, p), r) for v, p in loads + idles
                 for r in scale_rows(rows, "scale-load" if (v, p) in loads else "scale-idle",
                                     v, p)]
        longest = {}
        for name, r in joins:
            c = int(num(r, "clients"))
            if num(r, "join_s") is not None and num(r, "join_s") > longest.get((name, c), -1):
                longest[(name, c)] = num(r, "join_s")
        if longest:
            lines += ["**Joining.** Every join and rename line goes to everyone already in the "
                      "room, so naming N clients makes the server write about N^2 lines before "
                      "the first message: " + "; ".join(
                          f"{name} {fmt(c)} clients {fmt(s)} s"
                          for (name, c), s in sorted(longest.items(), key=lambda x: (x[0][0],
                                                                                     x[0][1])))
                      + ".", ""]
    _image(lines, plots, "scale_idle")
    if idles:
        counts = sorted({int(num(r, "clients")) for r in ok_rows(rows, kind="scale-idle")})
        lines += ["| design | " + " | ".join(f"{fmt(c)} silent clients" for c in counts) +
                  " | memory per client |", "|---" * (len(counts) + 2) + "|"]
        for v, p in idles:
            runs = scale_rows(rows, "scale-idle", v, p)
            by = {int(num(r, "clients")): r for r in runs}
            cells = []
            for c in counts:
                r = by.get(c)
                cells.append(f"{fmt(num(r, 'server_cpu_pct'))}% CPU, "
                             f"{fmt(scaled(r, 'server_peak_rss_kib', 1024))} MiB, "
                             f"threads: {r['server_threads']}" if r else "not run")
            slope = memory_per_client(runs)
            lines.append(f"| {design_name(v, p)} | " + " | ".join(cells) +
                         f" | {fmt(slope) + ' KiB' if slope is not None else 'n/a'} |")
        lines += ["", "Memory per client is the slope of peak memory (VmHWM) between the "
                  "fewest and most clients measured, so the fixed part (the room's log, the "
                  "poller's tables) drops out.", ""]
    # Where chat-threaded, chat-hybrid and select() stop, from the data and the calibration.
    eff = calibration.get("effective_timeout_ms", {}).get("50")
    wake = calibration["rcvtimeo_wakeup_cpu_ns"] / 1e9
    t_rows = scale_rows(rows, "scale-idle", "threaded", "")
    stops = [f"**Where chat-threaded stops.** It is measured up to {fmt(THREADED_SCALE_MAX)} "
             "clients, not beyond: every client is a thread that wakes on its receive timeout "
             "even when nobody talks"]
    if eff:
        stops.append(f", {fmt(1000.0 / eff)} times a second at the default 50 ms "
                     f"({fmt(eff)} ms on this kernel)")
    top = t_rows[-1] if t_rows else None
    if top is not None and num(top, "server_cpu_pct") is not None:
        n = num(top, "clients")
        pct = num(top, "server_cpu_pct")
        stops.append(f": idle at {fmt(n)} clients it already used {fmt(pct)}% of a core "
                     f"({fmt(scaled(top, 'server_peak_rss_kib', 1024))} MiB, "
                     f"{top['server_threads']} threads), which grows with the threads to about "
                     f"{fmt(pct * 10000 / n)}% at 10,000, ")
        stops.append("more than its one core before anyone says anything" if
                     pct * 10000 / n >= 100 else "most of its core before anyone speaks")
    elif eff:
        stops.append(f": at {fmt(wake * 1e6)} us of CPU per wake-up that is "
                     f"{fmt(100.0 * 10000 / (eff / 1000.0) * wake)}% of a core idle at 10,000 "
                     "by the calibration's model (an upper bound: timeouts that expire on the "
                     "same tick share a wake-up of the CPU)")
    stops.append("; and joining 10,000 clients took about 245 s in a trial (loadgen/README.md), "
                 "four minutes for one point.")
    h_load = scale_rows(rows, "scale-load", "hybrid", "epoll")
    h_sat = next((r for r in h_load if not unsaturated(r)), None)
    stops.append(f" **chat-hybrid** (with `--poller epoll`) stops at {fmt(HYBRID_SCALE_MAX)}: "
                 "it has a sending thread per client, so 10,000 clients are 10,000 threads, "
                 "which had not finished joining after four minutes in a trial")
    if h_sat is not None:
        stops.append(f"; and it is latency-saturated already at {fmt(num(h_sat, 'clients'))} "
                     f"clients ({latency_reasons(h_sat)}, {fmt(num(h_sat, 'server_cpu_pct'))}% "
                     f"of its core, {fmt(num(h_sat, 'wakeups_per_line'))} wake-ups per line)")
    stops.append(". **Where select() stops**: at FD_SETSIZE (1024 fds), so chat-async and "
                 "chat-hybrid with the default poller are measured at 1000 clients only; past "
                 "that, `--poller poll` or `epoll`.")
    lines += ["".join(stops), ""]
    _pollcost_section(lines, plots, calibration, pollcost)
    # What epoll saves at 100 clients (the poller-load runs beside the load sweep's select()).
    pl = ok_rows(rows, kind="poller-load")
    if pl:
        sel = find(rows, "async", "load", *TARGET_LOW)
        parts = [f"{design_name(r['variant'], r.get('poller'))} "
                 f"{fmt(num(r, 'server_cpu_per_delivery_us'))} us "
                 f"({fmt(scaled(r, 'server_cpu_per_delivery_us', send_us))} x send()), p99 "
                 f"{fmt(scaled(r, 'p99_us', 1000))} ms" for r in pl]
        if sel:
            parts.insert(0, f"select() (the load sweep's run) "
                            f"{fmt(num(sel, 'server_cpu_per_delivery_us'))} us "
                            f"({fmt(scaled(sel, 'server_cpu_per_delivery_us', send_us))} x "
                            f"send()), p99 {fmt(scaled(sel, 'p99_us', 1000))} ms")
        lines += [f"**At {TARGET_LOW[0]} clients x {TARGET_LOW[1]} msg/s**, chat-async's CPU "
                  "per delivery by poller: " + "; ".join(parts) + ". One turn carries one "
                  f"message to {TARGET_LOW[0]} clients here, so the poller's part is its turn "
                  f"at ~{TARGET_LOW[0]} fds divided by {TARGET_LOW[0]} (table above): small "
                  "against the send()s, and within the run-to-run noise of a busy machine.", ""]
