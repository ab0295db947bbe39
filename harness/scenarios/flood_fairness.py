"""One client flooding cannot starve the others (PROTOCOL.md, Guarantees).

The flooder sends chat lines as fast as the readers keep up (up to MAX_LINES). Once the flood
is visibly under way, another client sends "ping". The ping must come back while the flood is still going
on (the flooder stops as soon as the ping has been seen, then sends "end of flood"); both
clients must see the same lines in the same order, the flood in order, nothing lost. No speed
is measured: only whether the ping overtook the rest of the flood.
"""

import threading

from chatdriver import Collector, ScenarioFailure

NAME = "flood_does_not_starve_others"
TAGS = []
TIME_LIMIT = 120

MAX_LINES = 40000
BATCH = 100
WINDOW = 2000           # lines in flight at most (~440 KB: under --backlog and --sendq)
PAYLOAD = "f" * 200


def seen(text):
    """A wait_for predicate: text occurs among the lines (scans each line once)."""
    state = {"i": 0}

    def pred(lines):
        while state["i"] < len(lines):
            if lines[state["i"]] == text:
                return True
            state["i"] += 1
        return False
    return pred


def run(server_binary, ctx):
    srv = ctx.start_server()
    flooder = ctx.client(srv, "flooder")
    flooder.join("guest1", 1)
    other = ctx.client(srv, "other")
    other.join("guest2", 2)
    flooder.expect_line("* guest2 has joined")
    cols = [Collector(flooder, 100), Collector(other, 100)]
    stop = threading.Event()
    sent = {"lines": 0, "error": None}

    def flood():
        try:
            n = 0
            while n < MAX_LINES and not stop.is_set():
                # The readers are Python and slower than the server: keep them within WINDOW
                # lines of the flood, or they would rightly be cut off as too slow.
                for col in cols:
                    col.wait_for(lambda ls: len(ls) >= n - WINDOW, 60,
                                 "the flood lines (at most %d in flight)" % WINDOW)
                flooder.send_raw("".join("flood %d %s\n" % (i, PAYLOAD)
                                         for i in range(n + 1, n + BATCH + 1)), timeout=30)
                n += BATCH
                sent["lines"] = n
            flooder.send("end of flood")
        except Exception as e:          # reported below
            sent["error"] = e

    t = threading.Thread(target=flood, daemon=True)
    t.start()
    cols[1].wait_for(seen("<guest1> flood %d %s" % (BATCH, PAYLOAD)), 30, "the flood to start")
    other.send("ping")
    cols[1].wait_for(seen("<guest2> ping"), 60, "its own '<guest2> ping' during the flood")
    stop.set()
    t.join(30 * ctx.scale)
    if sent["error"]:
        raise ScenarioFailure("the flooder could not send: %s" % sent["error"])
    streams = [c.wait_for(seen("<guest1> end of flood"), 60, "'<guest1> end of flood'")
               for c in cols]
    for c in cols:
        c.stop()
    total = sent["lines"]
    ping_at = streams[1].index("<guest2> ping")
    flood_before_ping = sum(1 for l in streams[1][:ping_at] if l.startswith("<guest1> flood "))
    if flood_before_ping >= MAX_LINES:
        raise ScenarioFailure("the ping came back only after the whole flood (%d lines): the "
                              "flooder starved the other client" % MAX_LINES)
    for c, lines in zip(("flooder", "other"), streams):
        n = 0
        for pos, line in enumerate(lines):
            if line in ("<guest2> ping", "<guest1> end of flood"):
                continue
            n += 1
            if line != "<guest1> flood %d %s" % (n, PAYLOAD):
                raise ScenarioFailure("%s: line %d should be flood line %d, got %r"
                                      % (c, pos + 1, n, line[:50]))
        if n != total or lines.count("<guest2> ping") != 1 or len(lines) != total + 2:
            raise ScenarioFailure("%s: expected %d flood lines, one ping and the end line; got "
                                  "%d lines (%d flood)" % (c, total, len(lines), n))
    if streams[0] != streams[1]:
        raise ScenarioFailure("the two clients saw the room lines in different orders")
