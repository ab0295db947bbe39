"""bench_matrix - which runs `make bench` does, and how long each should take.

Four kinds of run, each against a fresh server:

  load          open-loop load at a fixed rate; per variant and client count, rates go up
                until the first latency-saturated run (p99 over 100 ms, or anything lost),
                then stop; a CPU-bound run (server at 95% of its core or more) does not stop
                the sweep: what the server does with no CPU left is part of the picture
  idle          silent connected clients: the cost of doing nothing, and peak memory
  timeout-load  chat-threaded only: load at one point for each --timeout-ms value
  timeout-idle  chat-threaded only: silent clients for each --timeout-ms value

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
}


@dataclass
class Run:
    variant: str
    kind: str                  # load, idle, timeout-load, timeout-idle
    clients: int
    rate: float                # 0 for idle runs
    timeout_ms: int = 0        # 0 = the server's default (chat-threaded: 50)
    warmup_s: float = 0.0
    duration_s: float = 0.0
    drain_s: float = 0.0
    series: tuple = field(default=())  # a series stops at its first latency-saturated run

    def describe(self):
        text = f"{self.variant:<8} {self.kind:<12} clients={self.clients:<4}"
        if self.rate:
            text += f" rate={self.rate:g}"
        if self.timeout_ms:
            text += f" timeout={self.timeout_ms}ms"
        return text

    def estimate_s(self):
        """Expected wall time: schedule, drain if any, start-up, and connecting clients."""
        drain = 0.1 if self.rate else 0.0
        return self.warmup_s + self.duration_s + drain + 0.3 + self.clients * 0.0005


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
    return runs


def timeouts(full):
    return (FULL if full else QUICK)["timeouts_ms"]
