"""bench_limits - the two limits a load sweep can reach, and the batching between them.

Latency: a run is latency-saturated when p99 passes SATURATION_P99_MS or anything is lost
(data.csv `saturated_latency`); that ends a sweep. CPU: a run is CPU-bound when the server,
pinned to one CPU, used CPU_BOUND_PCT of that core or more over the window (`saturated_cpu`).
A server can be CPU-bound long before it is latency-saturated: with no CPU left, every turn of
its loop (or every wake-up of a thread) finds more lines waiting and sends them together, so
each line costs less and latency stays flat. REPORT.md states both limits for every sweep;
these functions compute the words, so no sentence says "not saturated" without saying which.
"""

from bench_data import cpu_bound, fmt, num, ok_rows, unsaturated
from bench_matrix import CPU_BOUND_PCT, SATURATION_P99_MS


def load_runs(rows, variant, clients):
    """The completed load runs of one sweep, rate ascending."""
    return sorted(ok_rows(rows, variant, "load", clients), key=lambda r: num(r, "rate"))


def rate_text(r):
    return (f"{fmt(num(r, 'rate'))} msg/s "
            f"({fmt(num(r, 'offered_deliveries_per_s'))} deliveries/s)")


def first_cpu_bound(runs):
    """The first CPU-bound run of a sweep, or None."""
    return next((r for r in runs if cpu_bound(r)), None)


def first_latency_saturated(runs):
    return next((r for r in runs if not unsaturated(r)), None)


def latency_reasons(r):
    why = []
    if (num(r, "lost") or 0) > 0:
        why.append(f"{r['lost']} deliveries lost")
    if (num(r, "disconnected") or 0) > 0:
        why.append(f"{r['disconnected']} clients cut off")
    if (num(r, "p99_us") or 0) > SATURATION_P99_MS * 1000:
        why.append(f"p99 {fmt(num(r, 'p99_us') / 1000)} ms")
    return ", ".join(why) or "messages could not be sent"


def cpu_phrase(runs):
    """What the sweep says about the CPU limit, as a clause."""
    measured = [r for r in runs if num(r, "server_cpu_pct") is not None]
    if not measured:
        return "its CPU was not measured"
    first = first_cpu_bound(measured)
    if first is None:
        top = max(measured, key=lambda r: num(r, "server_cpu_pct"))
        return (f"not CPU-bound in the measured range: at most "
                f"{fmt(num(top, 'server_cpu_pct'))}% of its core "
                f"(at {fmt(num(top, 'rate'))} msg/s)")
    later = [r for r in measured if num(r, "rate") > num(first, "rate")]
    bound_later = [r for r in later if cpu_bound(r)]
    limit = f"CPU-bound (>= {fmt(CPU_BOUND_PCT)}% of its core)"
    pct = f"{fmt(num(first, 'server_cpu_pct'))}%"
    if not later:
        return f"{limit} only at the highest rate measured, {rate_text(first)}: {pct}"
    if len(bound_later) == len(later):
        return f"{limit} from {rate_text(first)} on ({pct} there)"
    if not bound_later:
        rates = "rate" if len(later) == 1 else "rates"
        return (f"{limit} at {rate_text(first)}: {pct}, but not at the {len(later)} higher "
                f"{rates} measured")
    return (f"{limit} at {rate_text(first)}: {pct}, and at {len(bound_later)} of the "
            f"{len(later)} higher rates measured")


def latency_phrase(runs):
    """What the sweep says about the latency limit, as a sentence part."""
    good = [r for r in runs if unsaturated(r)]
    bad = first_latency_saturated(runs)
    if bad is None:
        top = good[-1]
        return (f"p99 {fmt(num(top, 'p99_us') / 1000)} ms at {rate_text(top)}, the highest "
                f"rate measured: not latency-saturated in the measured range (p99 within "
                f"{fmt(SATURATION_P99_MS)} ms, nothing lost)")
    text = ""
    if good:
        top = good[-1]
        text = f"p99 {fmt(num(top, 'p99_us') / 1000)} ms at {rate_text(top)}; "
    return text + f"latency-saturated at {rate_text(bad)}: {latency_reasons(bad)}"


def ratio_text(a, b, unit="", digits=3):
    """'A -> B unit' for prose, or None when either is missing."""
    if a is None or b is None:
        return None
    return f"{fmt(a, digits)} -> {fmt(b, digits)}{unit}"


def carried_by(runs):
    """After a sweep becomes CPU-bound, what carries the extra load: a dict of the figures
    from the first CPU-bound run to the highest rate still within the latency limit, or None
    when there is no such pair of runs."""
    first = first_cpu_bound(runs)
    if first is None:
        return None
    within = [r for r in runs if unsaturated(r) and num(r, "rate") >= num(first, "rate")]
    top = within[-1] if within else None
    return {"first": first, "top": top, "saturated": first_latency_saturated(
        [r for r in runs if num(r, "rate") > num(first, "rate")])}
