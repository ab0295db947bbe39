#!/usr/bin/env python3
"""measure_flush.py - how long does /back take to deliver N held lines? (BRB lab, question 1)

    python3 labs/brb/measure_flush.py --server bin/chat-async
    python3 labs/brb/measure_flush.py --server bin/chat-threaded --lines 4000 --runs 7
    python3 labs/brb/measure_flush.py --server bin/chat-threaded --server-args '--timeout-ms 200'
    python3 labs/brb/measure_flush.py --server bin/chat-threaded --bob-chat    # question 3

Each run starts a fresh server (--port 0 --quiet plus --server-args) and two clients, alice and
bob. Alice goes away; bob says N lines and waits until the server has echoed all of them back
to him, so that all N are held for alice. Then alice sends /back, and the script times, from the
moment /back leaves the client:

    first   until the first held line arrives
    last    until the last held line arrives
    back    until alice's own "* alice is back" line arrives
    bob     until bob, who never went away, gets that same back line

and checks that alice got exactly the N lines, in order. With --bob-chat, bob also says one
line of his own as soon as alice's first held line has arrived (her flush has begun), and

    bob chat  is how long, from the moment he sent it, his own line takes to come back to him

(question 3: what one client's flush costs the others). It prints one row per run and the
median of each column. Bob reads in a process of his own, so his times are not held up by
alice's reading. Standard library only; alice's times include her own reading (in Python,
most of "last"), so compare variants on the same machine, one at a time.
"""

import argparse
import multiprocessing
import os
import shlex
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "harness"))

from chatdriver import Client, ScenarioFailure, Server  # noqa: E402


def one_run(binary, lines, server_args, bob_chat=False):
    srv = Server(binary, ["--quiet"] + server_args)
    try:
        alice = Client(srv, "alice")
        alice.join()
        alice.rename("alice")
        bob = Client(srv, "bob")
        bob.join()
        alice.expect_line("* %s has joined" % bob.nick)
        old_nick = bob.nick
        bob.rename("bob")
        alice.expect_line("* %s is now known as bob" % old_nick)
        alice.send("/brb measuring")
        alice.expect_line("* alice is away (measuring)")
        bob.expect_line("* alice is away (measuring)")

        # Bob says the lines in chunks and reads his echoes as he goes (a client that never
        # read would be cut off as too slow).
        texts = ["held line %d of %d" % (i, lines) for i in range(1, lines + 1)]
        for start in range(0, lines, 100):
            chunk = texts[start:start + 100]
            bob.send_raw("".join(t + "\n" for t in chunk))
            for t in chunk:
                bob.expect_line("<bob> " + t)

        # Bob reads in a process of his own, so that his times are measured while alice is
        # still reading (when the back line comes, and when his own chat line comes back),
        # and neither client waits for the other's turn at the Python interpreter: in one
        # process, bob's times would be mostly alice's reading. time.monotonic() is the
        # same clock in both processes.
        bob_said = {}
        chat = "<bob> said during the flush"

        def watch(report):
            seen = {}
            while len(seen) < (2 if bob_chat else 1):
                line = bob.read_line(timeout=30)
                if line is None:
                    break
                if line in ("* alice is back", chat):
                    seen[line] = time.monotonic()
            report.send(seen)
        fork = multiprocessing.get_context("fork")
        from_watcher, to_parent = fork.Pipe(duplex=False)
        watcher = fork.Process(target=watch, args=(to_parent,), daemon=True)
        watcher.start()
        to_parent.close()
        t0 = time.monotonic()
        alice.send("/back")
        first = None
        for n, t in enumerate(texts):
            alice.expect_line("<bob> " + t, timeout=30)
            if n == 0:
                first = time.monotonic() - t0
                if bob_chat:
                    bob_said["at"] = time.monotonic()
                    bob.send(chat[len("<bob> "):])
        last = time.monotonic() - t0
        alice.expect_line("* alice is back", timeout=30)
        back = time.monotonic() - t0
        seen_by_bob = from_watcher.recv() if from_watcher.poll(35) else {}
        watcher.join(5)
        if watcher.is_alive():
            watcher.terminate()
        if "* alice is back" not in seen_by_bob or (bob_chat and chat not in seen_by_bob):
            raise RuntimeError("bob never saw '* alice is back' (or his own line)")
        others = seen_by_bob["* alice is back"] - t0
        row = [first, last, back, others]
        if bob_chat:
            row.append(seen_by_bob[chat] - bob_said["at"])
        alice.close()
        bob.close()
        srv.stop()
        return row
    finally:
        srv.cleanup()


def main(argv=None):
    p = argparse.ArgumentParser(description="Time the /back flush of held lines.")
    p.add_argument("--server", required=True, help="the server binary, e.g. bin/chat-async")
    p.add_argument("--lines", type=int, default=4000,
                   help="lines held while away (default 4000; at most --backlog)")
    p.add_argument("--runs", type=int, default=5, help="runs (default 5)")
    p.add_argument("--server-args", default="", metavar="ARGS",
                   help="more server options, in one quoted string")
    p.add_argument("--bob-chat", action="store_true",
                   help="bob also says a line once alice's flush has begun, and times it "
                        "(question 3)")
    args = p.parse_args(argv)
    if args.lines < 1 or args.runs < 1:
        p.error("--lines and --runs must be at least 1")

    print("%s, %d held lines, %d runs" % (args.server, args.lines, args.runs))
    cols = ["first ms", "last ms", "back ms", "bob ms"] + (["bob chat ms"] if args.bob_chat
                                                          else [])
    print("%6s" % "run" + "".join(" %11s" % c for c in cols))
    rows = []
    for run in range(1, args.runs + 1):
        try:
            row = one_run(args.server, args.lines, shlex.split(args.server_args),
                          args.bob_chat)
        except (ScenarioFailure, RuntimeError, OSError) as e:
            print("measure_flush: run %d: %s" % (run, e), file=sys.stderr)
            return 1
        rows.append(row)
        print("%6d" % run + "".join(" %11.2f" % (x * 1e3) for x in row), flush=True)
    med = [statistics.median(r[i] for r in rows) * 1e3 for i in range(len(cols))]
    print("%6s" % "median" + "".join(" %11.2f" % x for x in med))
    return 0


if __name__ == "__main__":
    sys.exit(main())
