#!/usr/bin/env python3
"""measure_wakeups.py - what does one posted line cost the server's threads, with many
clients away? (BRB lab, question 4)

    python3 labs/brb/measure_wakeups.py --server bin/chat-hybrid
    python3 labs/brb/measure_wakeups.py --server bin/chat-hybrid --clients 100 --away 90
    python3 labs/brb/measure_wakeups.py --server bin/chat-threaded --lines 100

One server, two phases in the same run. First --clients clients connect and none is away;
then --away of them send /brb. In each phase one client posts --lines lines, one at a time,
each read by every present client before the next, and the script counts, from the kernel's
accounting, the context switches of every thread of the server (voluntary and involuntary,
/proc/PID/task/*/status): a thread that goes to sleep and is woken again costs one. It prints
the switches per posted line in each phase and their ratio. Counting, not timing: the figure
does not depend on the machine's speed, though a time-driven design (chat-threaded's receive
timeouts) also pays for the time the phase lasts, which it prints too.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "harness"))

from chatdriver import Client, Collector, Server, context_switches  # noqa: E402


def phase(pid, poster, collectors, lines, name):
    t0 = time.monotonic()
    before = context_switches(pid)
    for i in range(1, lines + 1):
        text = "%s %d" % (name, i)
        poster.send(text)
        for col in collectors:
            col.wait_for_line("<guest1> " + text, 30)
    return (context_switches(pid) - before) / lines, time.monotonic() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description="Count the server's context switches per posted "
                                            "line, with none and with many clients away.")
    p.add_argument("--server", required=True, help="the server binary, e.g. bin/chat-hybrid")
    p.add_argument("--clients", type=int, default=100, help="clients connected (default 100)")
    p.add_argument("--away", type=int, default=90, help="of them, away in phase 2 (default 90)")
    p.add_argument("--lines", type=int, default=200, help="lines posted per phase (default 200)")
    p.add_argument("--server-args", default="", metavar="ARGS",
                   help="more server options, in one quoted string")
    args = p.parse_args(argv)
    if not 0 <= args.away < args.clients or args.lines < 1:
        p.error("need 0 <= --away < --clients and --lines >= 1")

    srv = Server(args.server, ["--quiet", "--max-clients", str(args.clients + 10)] +
                 args.server_args.split())
    try:
        clients = []
        for i in range(args.clients):
            c = Client(srv, "c%d" % (i + 1))
            c.join("guest%d" % (i + 1))
            clients.append(c)
        collectors = [Collector(c, 3600) for c in clients]
        last_join = "* guest%d has joined" % args.clients
        for col in collectors[:-1]:         # the last one read its own join line already
            col.wait_for_line(last_join, 60)
        none_away, t_none = phase(srv.proc.pid, clients[0], collectors, args.lines, "phase1")

        away = clients[args.clients - args.away:]
        for col in collectors[args.clients - args.away:]:
            col.stop()
        present = collectors[:args.clients - args.away]
        for c in away:
            c.send("/brb")
            mine = "* %s is away" % c.nick
            c.read_until(lambda line, mine=mine: line == mine, 30)
        last_away = "* %s is away" % away[-1].nick
        for col in present:
            col.wait_for_line(last_away, 60)
        with_away, t_away = phase(srv.proc.pid, clients[0], present, args.lines, "phase2")
        for col in present:
            col.stop()

        print("%s: %d clients, %d lines per phase" % (args.server, args.clients, args.lines))
        print("  none away:    %8.1f context switches per posted line (phase took %.2fs)"
              % (none_away, t_none))
        print("  %3d away:     %8.1f context switches per posted line (phase took %.2fs)"
              % (args.away, with_away, t_away))
        print("  ratio:        %8.2f (away / none away)" % (with_away / none_away
                                                           if none_away else float("nan")))
        for c in clients:
            c.close()
        srv.stop()
    finally:
        srv.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
