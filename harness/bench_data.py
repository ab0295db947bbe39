"""bench_data - looking things up in the rows of data.csv (all values are text there)."""

import math

from bench_matrix import CPU_BOUND_PCT


def num(row, key):
    """The field as a float, or None when empty or not a number."""
    if row is None:
        return None
    try:
        value = float(row.get(key, ""))
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def ok_rows(rows, variant=None, kind=None, clients=None):
    out = []
    for r in rows:
        if r.get("status") != "ok":
            continue
        if variant is not None and r["variant"] != variant:
            continue
        if kind is not None and r["kind"] != kind:
            continue
        if clients is not None and int(float(r["clients"])) != clients:
            continue
        out.append(r)
    return out


def find(rows, variant, kind, clients, rate=None, timeout_ms=None):
    """The completed run matching exactly, or None."""
    for r in ok_rows(rows, variant, kind, clients):
        if rate is not None and num(r, "rate") != float(rate):
            continue
        if timeout_ms is not None and num(r, "timeout_ms") != float(timeout_ms):
            continue
        return r
    return None


def upgrade(row):
    """A row of an older data.csv, in today's columns. Before the two limits were told apart
    there was one `saturated` column, meaning what `saturated_latency` means now;
    `saturated_cpu` can be computed from the CPU figure those runs already had. The send
    counters and context switches cannot be: they stay empty, and the report says so."""
    if "saturated_latency" not in row:
        row["saturated_latency"] = row.get("saturated", "")
    if "saturated_cpu" not in row:
        cpu, rate = num(row, "server_cpu_pct"), num(row, "rate")
        row["saturated_cpu"] = int(cpu >= CPU_BOUND_PCT) if cpu is not None and rate else ""
    for key in ("server_send_calls", "server_lines_sent", "lines_per_send", "wakeups_per_line",
                "server_ctxsw_voluntary", "server_ctxsw_involuntary", "poller", "cpu_per_send",
                "fanout_us", "p99_per_fanout"):
        row.setdefault(key, "")
    return row


def scale_rows(rows, kind, variant=None, poller=None):
    """Completed scale-load or scale-idle runs (or poller-load), clients ascending."""
    out = [r for r in ok_rows(rows, variant, kind)
           if poller is None or (r.get("poller") or "") == poller]
    return sorted(out, key=lambda r: num(r, "clients"))


def scale_series(rows, kind):
    """The (variant, poller) pairs that have rows of this kind, in a fixed order."""
    order = {"async": 0, "hybrid": 1, "threaded": 2}
    porder = {"select": 0, "": 0, "poll": 1, "epoll": 2}
    pairs = {(r["variant"], r.get("poller") or "") for r in rows if r["kind"] == kind}
    return sorted(pairs, key=lambda p: (order.get(p[0], 9), porder.get(p[1], 9)))


def design_name(variant, poller):
    """'chat-async --poller epoll', or 'chat-threaded' (which has no poller)."""
    if variant == "threaded" or not poller:
        return f"chat-{variant}"
    return f"chat-{variant} --poller {poller}"


def unsaturated(row):
    """Not latency-saturated: p99 within the limit and nothing lost."""
    return row is not None and row.get("saturated_latency") in ("0", 0)


def cpu_bound(row):
    """The server used CPU_BOUND_PCT of its core or more over the window."""
    return row is not None and row.get("saturated_cpu") in ("1", 1)


def has(rows, key):
    """Whether any completed run has a value for key (older runs lack the newer columns)."""
    return any(num(r, key) is not None for r in ok_rows(rows))


def series(rows, variant, clients, key, only_unsaturated=True):
    """[(rate, value)] of load runs, rate ascending."""
    points = []
    for r in ok_rows(rows, variant, "load", clients):
        if only_unsaturated and not unsaturated(r):
            continue
        v = num(r, key)
        if v is not None:
            points.append((num(r, "rate"), v))
    return sorted(points)


def variants_in(rows):
    order = ["async", "threaded", "hybrid"]
    present = {r["variant"] for r in rows}
    return [v for v in order if v in present]


def load_clients(rows):
    return sorted({int(float(r["clients"])) for r in ok_rows(rows, kind="load")})


def crossing(a, b):
    """Where two curves [(x, y)] cross, comparing them at the x values both have.

    Returns (x, which_was_cheaper_before) for the first sign change of log(ya / yb),
    interpolated in log-log space, or None when they do not cross in the common range."""
    common = sorted(set(x for x, _ in a) & set(x for x, _ in b))
    ya, yb = dict(a), dict(b)
    prev = None
    for x in common:
        if ya[x] <= 0 or yb[x] <= 0:
            continue
        d = math.log(ya[x] / yb[x])
        if prev is not None and (prev[1] < 0) != (d < 0) and d != 0:
            x0, d0 = prev
            t = d0 / (d0 - d)
            xc = math.exp(math.log(x0) + t * (math.log(x) - math.log(x0)))
            return xc, ("first" if d0 < 0 else "second")
        prev = (x, d)
    return None


def fmt(value, digits=3):
    """A number for prose: 3 significant digits, no exponent for ordinary sizes."""
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) < 1e-3:
        # Wake-ups per line can be this small; 0.00003 reads better than 3e-05.
        decimals = digits - 1 - math.floor(math.log10(abs(value)))
        return f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return f"{value:.{digits}g}"


def scaled(row, key, divisor):
    """num(row, key) / divisor, or None when the field is empty."""
    v = num(row, key)
    return None if v is None else v / divisor
