"""A client that never reads, while another floods the room (PROTOCOL.md, Guarantees):

    A client that stops reading never delays anyone else. Once it is more than --backlog lines
    behind, or its unsent output exceeds --sendq, it is disconnected and the room gets
    "* NICK has quit (too slow)".

Three clients: a flooder, a reader and a non-reader (with a tiny receive buffer). The flooder
sends chat lines, in batches, while it and the reader keep reading, until the room says
"* guest3 has quit (too slow)" (at most MAX_FLOOD_BYTES: the kernel alone buffers a few MB for
a socket that does not read, so the flood has to be larger than that plus --sendq before the
server can tell). Then it sends "end of flood". The reader and the flooder must get every
flood line exactly once and in order, exactly one too-slow line, and the end line; the
non-reader must be disconnected, and what it did get must be the start of the flood, in order.

Two variants: one where --backlog (64 lines) is what runs out, one where --sendq (64 KiB) is
(the backlog is then far larger than the flood).
"""

import threading

from chatdriver import Collector, ScenarioFailure

LINE_PAYLOAD = 480                      # bytes of text per flood line
MAX_FLOOD_BYTES = 24 * 1024 * 1024
MAX_LINES = MAX_FLOOD_BYTES // (LINE_PAYLOAD + 8)
BATCH = 64                              # lines per write
WINDOW = 2048                           # lines in flight at most (1 MB)
TIME_LIMIT = 150
TOO_SLOW = "* guest3 has quit (too slow)"
END = "<guest1> end of flood"


def flood_line(n):
    return "%06d %s" % (n, "x" * LINE_PAYLOAD)


def slow_reader(ctx, server_args):
    srv = ctx.start_server(server_args)
    flooder = ctx.client(srv, "flooder")
    flooder.join("guest1", 1)
    reader = ctx.client(srv, "reader")
    reader.join("guest2", 2)
    flooder.expect_line("* guest2 has joined")
    lazy = ctx.client(srv, "nonreader", rcvbuf=2048)
    lazy.join("guest3", 3)              # reads its welcome, then never reads again
    flooder.expect_line("* guest3 has joined")
    reader.expect_line("* guest3 has joined")

    readers = [Collector(flooder, 120), Collector(reader, 120)]
    stop = threading.Event()
    sent = {"lines": 0, "error": None}

    def flood():
        try:
            n = 0
            while n < MAX_LINES and not stop.is_set():
                # At most WINDOW lines sent but not yet read by the flooder and the reader: the
                # harness (Python) must never itself become a slow reader, and not much should
                # still be queued when the too-slow line is seen.
                for col in readers:
                    col.wait_for(lambda ls: len(ls) >= n - WINDOW, 60,
                                 "the flood lines (at most %d in flight)" % WINDOW)
                flooder.send_raw("".join(flood_line(i) + "\n" for i in range(n + 1, n + BATCH + 1)),
                                 timeout=30)
                n += BATCH
                sent["lines"] = n
            flooder.send("end of flood")
        except Exception as e:          # reported below
            sent["error"] = e

    sender = threading.Thread(target=flood, daemon=True)
    sender.start()
    # Wait for the too-slow line, or for the end of a flood that reached MAX_LINES.
    scan = {"i": 0}

    def cut_or_end(lines):
        while scan["i"] < len(lines):
            if lines[scan["i"]] in (TOO_SLOW, END):
                return True
            scan["i"] += 1
        return False
    try:
        lines = readers[1].wait_for(cut_or_end, 120, "%r (or the end of the flood)" % TOO_SLOW)
        if lines[scan["i"]] == END:
            readers[1].wait_for(lambda ls: TOO_SLOW in ls[scan["i"]:], 5,
                                "%r: the client that never reads was not disconnected after "
                                "a flood of %d MB" % (TOO_SLOW, MAX_FLOOD_BYTES >> 20))
    finally:
        stop.set()
        sender.join(30 * ctx.scale)
    if sent["error"]:
        raise ScenarioFailure("the flooder could not send: %s" % sent["error"])
    total = sent["lines"]
    results = [col.wait_for_line(END, 60) for col in readers]
    for col in readers:
        col.stop()

    for client, lines in zip((flooder, reader), results):
        n = 0
        for pos, line in enumerate(lines):
            if line in (TOO_SLOW, END):
                continue
            n += 1
            if line != "<guest1> " + flood_line(n):
                raise ScenarioFailure("%s: line %d should be flood line %d, got %r (lost, "
                                      "duplicated or out of order)" % (client.name, pos + 1, n,
                                                                       line[:60]))
        if n != total or lines.count(TOO_SLOW) != 1 or lines[-1] != END:
            raise ScenarioFailure("%s: got %d flood lines (expected %d), %r %d times (expected "
                                  "once), last line %r" % (client.name, n, total, TOO_SLOW,
                                                           lines.count(TOO_SLOW), lines[-1][:60]))

    # The non-reader: everything it got is the start of the flood, then the server closed it.
    got = Collector(lazy, 60)
    lines = got.wait_for(lambda ls: got.done, 60,
                         "the server to close the connection of the client that never reads")
    got.stop()
    if not lazy.closed:
        raise ScenarioFailure("nonreader: the server did not disconnect the client that never "
                              "reads")
    for pos, line in enumerate(lines):
        if line != "<guest1> " + flood_line(pos + 1):
            raise ScenarioFailure("nonreader: line %d should be flood line %d, got %r"
                                  % (pos + 1, pos + 1, line[:60]))
    if len(lines) >= total:
        raise ScenarioFailure("nonreader: got the whole flood although it never read")


SCENARIOS = [
    dict(name="slow_reader_cut_off_backlog", tags=[], time_limit=TIME_LIMIT,
         run=lambda binary, ctx: slow_reader(ctx, ["--backlog", "64"])),
    dict(name="slow_reader_cut_off_sendq", tags=[], time_limit=TIME_LIMIT,
         run=lambda binary, ctx: slow_reader(ctx, ["--backlog", "100000", "--sendq", "65536"])),
]
