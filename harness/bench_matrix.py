"""bench_matrix - which runs `make bench` does, and how long each should take.

Four kinds of run, each against a fresh server:

  load          open-loop load at a fixed rate; per variant and client count, rates go up
                until the first latency-saturated run (p99 over 100 ms, or anything lost),
                then stop; a CPU-bound run (server at 95% of its core or more) does not stop
                the sweep: what the server does with no CPU left is part of the picture
  idle          silent connected clients: the cost of doing nothing, and peak memory
  timeout-load  chat-threaded only: load at one point for each --timeout-ms value
  timeout-idle  chat-threaded only: silent clients for each --timeout-ms value
  poller-load   chat-async with --poller poll / epoll at the target point 100 x 200 msg/s,
                beside the select() run of the load sweep: what the poller changes
  scale-load    past 1000 clients: 1000 .. 10,000 clients at one fixed rate per client
                (SCALE_RATE_PER_CLIENT), per server and --poller; every point is measured
                (a latency-saturated one does not stop the series: each is a different
                number of clients)
  scale-idle    past 1000 clients: silent clients, idle CPU and memory, per --poller

The scale runs join thousands of clients first. Every join and rename line goes to everyone
already in the room, so joining N clients costs the server about N^2 lines: at 10,000 that is
10^8 lines and tens of seconds, which estimate_s() counts (JOIN_S_PER_CLIENT_SQUARED).

The quick matrix keeps `make bench` near five minutes on two cores; --full measures more
points for longer. Around 3 million deliveries per second (e.g. 100 clients x 30000 msg/s)
chat-loadgen itself nears a full core on a typical machine: past that, the data's
instrument_ok column (and REPORT.md) says the instrument, not the server, is the limit. Rates are messages per second over all senders; every message is
delivered to all clients, so deliveries per second = rate x clients.
"""

from dataclasses import dataclass, field

VARIANTS = ("async", "threaded", "hybrid")

# The two limits a load run can reach. Latency: p99 beyond this (or any loss) marks a load
# run latency-saturated, and ends its sweep. CPU: the server (pinned to one CPU) used at least
# this much of that core over the window; it may still keep latency flat by batching.
SATURATION_P99_MS = 100.0
CPU_BOUND_PCT = 95.0

# The points the targets in REPORT.md are stated at; both matrices include them.
TARGET_LOW = (100, 200)      # clients, messages/s
TARGET_HIGH = (100, 3000)
TARGET_IRC_HIGH = (100, 1000)
# Past 1000 clients: the target point is 5000 clients x 20 msg/s in all (100,000 deliveries/s),
# and every scale-load run offers the same rate per client, so that point is on the curve.
TARGET_SCALE = (5000, 20)
SCALE_RATE_PER_CLIENT = TARGET_SCALE[1] / TARGET_SCALE[0]      # 0.004 msg/s
TARGET_SCALE_IDLE = 10000
# The scale targets, as multiples of the calibrated floor (REPORT.md states and checks them).
SCALE_P99_FANOUTS = 1.5        # p99 within 1.5 x one fan-out (clients x one send())
SCALE_CPU_SENDS = 1.2          # CPU per delivery within 1.2 x one send() at TARGET_SCALE
SCALE_IDLE_PCT = 0.5           # idle CPU at TARGET_SCALE_IDLE silent clients, % of a core
EPOLL_LOW_CPU_SENDS = 1.10     # chat-async --poller epoll at TARGET_LOW
# chat-threaded needs one thread per client, each waking on its receive timeout even when
# idle: at 3000 clients that is about 54,000 wake-ups per second (with the kernel's 56 ms for
# the default 50 ms timeout), most of a core before anyone says anything; at 10,000 it would
# need several cores, and joining took about 245 s in a trial. So its scale runs stop here.
THREADED_SCALE_MAX = 3000
# chat-hybrid has a sending thread per client too: 10,000 silent clients had not finished
# joining after 4 minutes in a trial, so it stops at the same count.
HYBRID_SCALE_MAX = 3000
# Seconds of join per client squared, measured on a 2-core VM (chat-async: 10,000 clients in
# 40-65 s; chat-threaded and chat-hybrid about 2x slower per client squared at 3000).
JOIN_S_PER_CLIENT_SQUARED = {"async": 6.5e-7, "hybrid": 1.6e-6, "threaded": 1.9e-6}

QUICK = {
    "warmup_s": 0.5,
    "duration_s": 2.0,
    "drain_s": 1.0,
    "load": {
        10: [200, 1000, 3000, 10000, 30000],
        100: [200, 1000, 3000, 10000, 30000],
        1000: [20, 100, 300, 1000, 3000],
    },
    "idle_clients": [10, 100, 1000],
    "timeouts_ms": [1, 5, 25, 100, 250],
    "timeout_clients": 100,
    "timeout_rate": 200,
    "poller_load": [("async", "epoll")],
    # (variant, poller, client counts); "" = the server's default (select, or chat-threaded)
    "scale_load": [("async", "epoll", [1000, 3000, 5000])],
    "scale_idle": [("async", "epoll", [1000, 3000])],
    "pollcost_batches": 101,
}

FULL = {
    "warmup_s": 1.0,
    "duration_s": 5.0,
    "drain_s": 2.0,
    "load": {
        10: [100, 200, 500, 1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000, 100000],
        100: [100, 200, 500, 1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000],
        1000: [10, 20, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000],
    },
    "idle_clients": [10, 30, 100, 300, 1000],
    "timeouts_ms": [1, 2, 5, 10, 25, 50, 100, 250],
    "timeout_clients": 100,
    "timeout_rate": 200,
    "poller_load": [("async", "poll"), ("async", "epoll")],
    "scale_load": [("async", "select", [1000]),
                   ("async", "poll", [1000, 3000, 5000, 10000]),
                   ("async", "epoll", [1000, 3000, 5000, 10000]),
                   ("hybrid", "epoll", [1000, HYBRID_SCALE_MAX]),
                   ("threaded", "", [1000, THREADED_SCALE_MAX])],
    "scale_idle": [("async", "select", [1000]),
                   ("async", "poll", [1000, 3000, 10000]),
                   ("async", "epoll", [1000, 3000, 10000]),
                   ("hybrid", "epoll", [1000, HYBRID_SCALE_MAX]),
                   ("threaded", "", [1000, THREADED_SCALE_MAX])],
    "pollcost_batches": 301,
}

SCALE_KINDS = ("scale-load", "scale-idle")
# Each scale run joins its clients within this many seconds at most, or fails saying so.
SCALE_JOIN_TIMEOUT_FACTOR = 5.0


@dataclass
class Run:
    variant: str
    kind: str                  # load, idle, timeout-load, timeout-idle, poller-load,
                               # scale-load, scale-idle
    clients: int
    rate: float                # 0 for idle runs
    timeout_ms: int = 0        # 0 = the server's default (chat-threaded: 50)
    warmup_s: float = 0.0
    duration_s: float = 0.0
    drain_s: float = 0.0
    series: tuple = field(default=())  # a series stops at its first latency-saturated run
    poller: str = ""           # --poller given to the server; "" = its default (select)

    def describe(self):
        text = f"{self.variant:<8} {self.kind:<12} clients={self.clients:<4}"
        if self.poller:
            text += f" poller={self.poller}"
        if self.rate:
            text += f" rate={self.rate:g}"
        if self.timeout_ms:
            text += f" timeout={self.timeout_ms}ms"
        return text

    def estimate_s(self):
        """Expected wall time: schedule, drain if any, start-up, and connecting clients."""
        drain = 0.1 if self.rate else 0.0
        return self.warmup_s + self.duration_s + drain + 0.3 + self.clients * 0.0005 + \
            self.join_estimate_s()

    def join_estimate_s(self):
        """The N^2 join lines of a scale run (negligible below 1000 clients)."""
        if self.kind not in SCALE_KINDS:
            return 0.0
        return JOIN_S_PER_CLIENT_SQUARED.get(self.variant, 2e-6) * self.clients ** 2

    def join_timeout_s(self):
        """What chat-loadgen gets as --join-timeout: 30 s, or far more than a scale run's
        estimate."""
        return max(30.0, round(SCALE_JOIN_TIMEOUT_FACTOR * self.join_estimate_s() + 30))


def plan(full, variants):
    """The runs for the given variants, in execution order."""
    m = FULL if full else QUICK
    timing = dict(warmup_s=m["warmup_s"], duration_s=m["duration_s"], drain_s=m["drain_s"])
    runs = []
    for v in variants:
        for clients, rates in m["load"].items():
            for rate in rates:
                runs.append(Run(v, "load", clients, rate, series=(v, "load", clients), **timing))
        for clients in m["idle_clients"]:
            runs.append(Run(v, "idle", clients, 0, **timing))
        if v == "threaded":
            # All of one kind together, so data.csv rows of a plotted line stay contiguous;
            # idle first, so each load row can carry the idle CPU of its timeout.
            for t in m["timeouts_ms"]:
                runs.append(Run(v, "timeout-idle", m["timeout_clients"], 0, timeout_ms=t,
                                **timing))
            for t in m["timeouts_ms"]:
                runs.append(Run(v, "timeout-load", m["timeout_clients"], m["timeout_rate"],
                                timeout_ms=t, **timing))
        for variant, poller in m["poller_load"]:
            if variant == v:
                runs.append(Run(v, "poller-load", *TARGET_LOW, poller=poller, **timing))
    # The scale runs last: they take longest, and a quick look at the rest comes first.
    for kind, key in (("scale-load", "scale_load"), ("scale-idle", "scale_idle")):
        for variant, poller, counts in m[key]:
            if variant not in variants:
                continue
            for clients in counts:
                rate = round(clients * SCALE_RATE_PER_CLIENT, 6) if kind == "scale-load" else 0
                runs.append(Run(variant, kind, clients, rate, poller=poller, **timing))
    return runs


def pollcost_batches(full):
    return (FULL if full else QUICK)["pollcost_batches"]


def timeouts(full):
    return (FULL if full else QUICK)["timeouts_ms"]
