"""Concurrent senders: 4 clients send 200 lines each, all at the same time, as fast as they
can. Every client must see all 800 lines, exactly once each, every sender's lines in the order
it sent them, and all clients in the SAME order (PROTOCOL.md, Guarantees)."""

import threading

from chatdriver import Collector, ScenarioFailure

NAME = "concurrent_senders_same_order"
TAGS = []

SENDERS = 4
LINES = 200
BATCH = 10          # lines per write: small writes interleave the senders more


def run(server_binary, ctx):
    srv = ctx.start_server()
    clients = []
    for i in range(SENDERS):
        c = ctx.client(srv, "sender%d" % (i + 1))
        c.join("guest%d" % (i + 1), i + 1)
        for earlier in clients:
            earlier.expect_line("* guest%d has joined" % (i + 1))
        clients.append(c)

    collectors = [Collector(c, 60) for c in clients]
    start = threading.Barrier(SENDERS)
    errors = []

    def send_all(c, i):
        try:
            start.wait(10)
            for first in range(1, LINES + 1, BATCH):
                c.send_raw(b"".join(b"line %d of sender %d\n" % (n, i)
                                    for n in range(first, min(first + BATCH, LINES + 1))))
        except Exception as e:          # reported below
            errors.append("%s: %s" % (c.name, e))

    threads = [threading.Thread(target=send_all, args=(c, i + 1), daemon=True)
               for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30 * ctx.scale)
    if errors:
        raise ScenarioFailure("sending failed: " + "; ".join(errors))

    total = SENDERS * LINES
    orders = []
    for c, col in zip(clients, collectors):
        lines = col.wait_for(lambda ls: len(ls) >= total, 30,
                             "%d chat lines (%d senders x %d)" % (total, SENDERS, LINES))
        col.stop()
        orders.append(lines[:total])
        if len(lines) > total:
            raise ScenarioFailure("%s: got %d lines, expected %d; extra: %r"
                                  % (c.name, len(lines), total, lines[total:total + 3]))

    for c, lines in zip(clients, orders):
        next_n = {i: 1 for i in range(1, SENDERS + 1)}
        for pos, line in enumerate(lines):
            ok = False
            for i in range(1, SENDERS + 1):
                if line == "<guest%d> line %d of sender %d" % (i, next_n[i], i):
                    next_n[i] += 1
                    ok = True
                    break
            if not ok:
                raise ScenarioFailure(
                    "%s: line %d is %r; expected the next line of some sender (%s): a line was "
                    "lost, duplicated or reordered"
                    % (c.name, pos + 1, line,
                       ", ".join("sender %d: line %d" % (i, n) for i, n in next_n.items())))
    for c, lines in zip(clients[1:], orders[1:]):
        if lines != orders[0]:
            pos = next(i for i, (x, y) in enumerate(zip(orders[0], lines)) if x != y)
            raise ScenarioFailure("%s and %s saw the room lines in different orders: line %d is "
                                  "%r for one and %r for the other"
                                  % (clients[0].name, c.name, pos + 1, orders[0][pos], lines[pos]))
