"""Memory stays bounded whatever clients send (PROTOCOL.md, Guarantees).

A client sends 48 MB without a newline, then 16,000 too-long lines. The server must answer with
exactly one too-long error per line, and its resident memory (VmRSS in /proc) must not grow by
anything like the amount received (at most GROWTH_LIMIT_KIB). Skipped under --sanitizer:
sanitizer allocators keep freed memory on purpose.
"""

from chatdriver import Collector, ScenarioFailure

NAME = "memory_bounded_under_garbage"
TAGS = []
TIME_LIMIT = 120

NO_NEWLINE_MB = 48
TOO_LONG_LINES = 16000
GROWTH_LIMIT_KIB = 32 * 1024
ERROR = "! line too long (max 512 bytes)"


def run(server_binary, ctx):
    srv = ctx.start_server()
    a = ctx.client(srv, "garbage")
    a.join("guest1", 1)
    b = ctx.client(srv, "witness")
    b.join("guest2", 2)
    a.expect_line("* guest2 has joined")
    before = srv.rss_kib()
    col = Collector(a, 100)
    chunk = b"z" * (1 << 20)
    for _ in range(NO_NEWLINE_MB):
        a.send_raw(chunk, timeout=30)
    a.send_raw(b"\n")
    line = b"q" * 600 + b"\n"
    for _ in range(TOO_LONG_LINES // 100):
        a.send_raw(line * 100, timeout=30)
    a.send("done")
    lines = col.wait_for(lambda ls: ls and ls[-1] == "<guest1> done", 60, "'<guest1> done'")
    col.stop()
    after = srv.rss_kib()
    if lines[:-1] != [ERROR] * (TOO_LONG_LINES + 1):
        bad = next((l for l in lines[:-1] if l != ERROR), None)
        raise ScenarioFailure("expected exactly %d too-long errors then '<guest1> done', got %d "
                              "lines%s" % (TOO_LONG_LINES + 1, len(lines),
                                           ", including %r" % bad if bad else ""))
    b.expect_line("<guest1> done", 10)
    if ctx.sanitizer or before is None or after is None:
        return
    if after - before > GROWTH_LIMIT_KIB:
        raise ScenarioFailure("the server's memory grew from %d KiB to %d KiB while a client sent "
                              "%d MB of garbage" % (before, after, NO_NEWLINE_MB + 10))
