"""1100 connections with --max-clients 2000 (PROTOCOL.md, --max-clients):

    connected clients allowed (the select() designs also refuse any fd >= FD_SETSIZE)

select() cannot watch a descriptor >= FD_SETSIZE (1024), so chat-async and chat-hybrid must
refuse those connections cleanly with "! server full (max N users)" and close them (any N is
accepted here); chat-threaded may accept all 1100, and with --poller poll or epoll (given to
the runner with --server-arg) the event-loop servers must accept all 1100. Either way every connection gets either the
welcome or the full line, and the server still works afterwards.

Connections are opened in batches, each connection's first line is read before the next batch,
so the listen queue never overflows.
"""

import re
import time

from chatdriver import WELCOME_RE, ScenarioFailure

NAME = "many_connections_1100"
TAGS = []
TIME_LIMIT = 120

TOTAL = 1100
BATCH = 50
FULL_RE = re.compile(r"! server full \(max \d+ users\)")
QUIT_RE = re.compile(r"\* guest\d+ has quit \(connection closed\)")


def uncapped(ctx):
    """The poller named on the runner's --server-arg, if it is one without FD_SETSIZE."""
    args = ctx.server_args
    for i, a in enumerate(args[:-1]):
        if a == "--poller" and args[i + 1] in ("poll", "epoll"):
            return args[i + 1]
    return None


def run(server_binary, ctx):
    srv = ctx.start_server(["--max-clients", "2000"])
    accepted, refused = [], []
    for start in range(0, TOTAL, BATCH):
        batch = [ctx.client(srv, "conn%d" % (start + i + 1))
                 for i in range(min(BATCH, TOTAL - start))]
        for c in batch:
            line = c._next_for("the welcome or '! server full (max N users)'", 10)
            if WELCOME_RE.fullmatch(line):
                accepted.append(c)
            elif FULL_RE.fullmatch(line):
                refused.append(c)
            else:
                raise ScenarioFailure("%s: expected the welcome or '! server full (max N "
                                      "users)' as the first line, got %r" % (c.name, line))
        for c in refused[-BATCH:]:
            if c.sock is not None:
                c.expect_closed(10)
                c.close()
    if not accepted:
        raise ScenarioFailure("no connection was accepted")
    if refused and uncapped(ctx):
        raise ScenarioFailure("%d of %d connections refused, although --poller %s has no "
                              "FD_SETSIZE cap" % (len(refused), TOTAL, uncapped(ctx)))
    # Everybody leaves: half close politely, half reset.
    for i, c in enumerate(accepted):
        if i % 2:
            c.reset()
        else:
            c.close()

    # The server still works: a newcomer joins and chats (quit lines of the others may still
    # be arriving in between). A server that lets its clients leave in the background may
    # still count some of them for a moment and refuse with "server full": that is evidence
    # to wait on, so try again, for a bounded time, until the newcomer is welcomed.
    for attempt in range(60):
        new = ctx.client(srv, "newcomer%d" % attempt)
        first = new._next_for("the welcome or '! server full (max N users)'", 30)
        if not FULL_RE.fullmatch(first):
            break
        new.expect_closed(10)
        new.close()
        time.sleep(0.5)                     # back off before asking again (bounded: 60 tries)
    else:
        raise ScenarioFailure("newcomer: still refused as full after every client left")
    m = WELCOME_RE.fullmatch(first)
    if not m:
        raise ScenarioFailure("newcomer: expected the welcome, got %r" % first)
    nick = m.group(1)
    new.read_until(lambda l: l == "* %s has joined" % nick, timeout=30, max_lines=TOTAL + 30,
                   what="its own join line")
    new.send("still alive")
    skipped, _ = new.read_until(lambda l: l == "<%s> still alive" % nick, timeout=60,
                                max_lines=TOTAL + 10, what="its own '<%s> still alive'" % nick)
    for l in skipped:
        if not QUIT_RE.fullmatch(l):
            raise ScenarioFailure("newcomer: expected only quit lines before its own chat line, "
                                  "got %r" % l)
    new.send("/quit")
    new.read_until(lambda l: l == "* %s has quit" % nick, timeout=30, max_lines=TOTAL + 10,
                   what="its own quit line")
    new.expect_closed()
