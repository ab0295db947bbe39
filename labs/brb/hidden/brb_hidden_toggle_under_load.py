"""While two clients send 300 lines each as fast as they can, a third goes away and comes back
20 times without waiting. Once everyone is done, the toggling client must have received
exactly what a client that never went away received, line for line: every held line once, in
the room's order, with its own away and back lines where the room put them. Races between a
/back and lines being posted at the same moment show up here as lost, doubled or reordered
lines (or as a ThreadSanitizer report)."""

import threading
import time

from chatdriver import Collector, ScenarioFailure

NAME = "brb_hidden_toggle_under_load"
TAGS = ["brb", "hidden"]

LINES = 300         # per sender
TOGGLES = 20        # /brb + /back pairs


def run(server_binary, ctx):
    srv = ctx.start_server()
    names = ["observer", "toggler", "sender1", "sender2"]
    clients = []
    for i, name in enumerate(names):
        c = ctx.client(srv, name)
        c.join("guest%d" % (i + 1), i + 1)
        for earlier in clients:
            earlier.expect_line("* guest%d has joined" % (i + 1))
        clients.append(c)
    observer, toggler, senders = clients[0], clients[1], clients[2:]
    # Once by hand first: without a working /brb and /back there is nothing to measure.
    for command, line in (("/brb", "* guest2 is away"), ("/back", "* guest2 is back")):
        toggler.send(command)
        for c in [toggler] + [c for c in clients if c is not toggler]:
            c.expect_line(line)
    collectors = [Collector(c, 60) for c in clients]
    errors = []
    start = threading.Barrier(len(senders) + 1)

    def send_lines(c, n):
        try:
            start.wait(10)
            for first in range(1, LINES + 1, 5):
                c.send_raw(b"".join(b"line %d from sender %d\n" % (k, n)
                                    for k in range(first, min(first + 5, LINES + 1))))
        except Exception as e:          # reported below
            errors.append("%s: %s" % (c.name, e))

    def toggle():
        try:
            start.wait(10)
            for _ in range(TOGGLES):
                toggler.send("/brb")
                time.sleep(0.003)
                toggler.send("/back")
                time.sleep(0.003)
        except Exception as e:          # reported below
            errors.append("toggler: %s" % e)

    threads = [threading.Thread(target=send_lines, args=(c, i + 1), daemon=True)
               for i, c in enumerate(senders)]
    threads.append(threading.Thread(target=toggle, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30 * ctx.scale)
    if errors:
        raise ScenarioFailure("sending failed: " + "; ".join(errors))

    total = len(senders) * LINES + 2 * TOGGLES
    collectors[0].wait_for(lambda ls: len(ls) >= total, 30,
                           "%d room lines (%d chat lines, %d away and back lines)"
                           % (total, len(senders) * LINES, 2 * TOGGLES))
    collectors[1].wait_for(lambda ls: len(ls) >= total and ls[-1] == "* guest2 is back", 30,
                           "the same %d room lines as the observer, ending with its last back "
                           "line" % total)
    time.sleep(0.2 * ctx.scale)           # anything extra would arrive now
    for col in collectors:
        col.stop()
    want, got = collectors[0].lines, collectors[1].lines
    replies = [line for line in got if line.startswith("!")]
    if replies:
        raise ScenarioFailure("toggler: got the error %r: its /brb and /back were not applied "
                              "in the order it sent them" % replies[0])
    if got != want:
        pos = next((i for i, (x, y) in enumerate(zip(want, got)) if x != y),
                   min(len(want), len(got)))
        raise ScenarioFailure(
            "toggler and observer differ at room line %d: observer %r, toggler %r "
            "(observer %d lines, toggler %d): a held line was lost, doubled or reordered"
            % (pos + 1, want[pos] if pos < len(want) else "(nothing)",
               got[pos] if pos < len(got) else "(nothing)", len(want), len(got)))
    if len(want) != total:
        raise ScenarioFailure("observer: %d room lines, expected %d" % (len(want), total))
