"""The post of an away line cuts off a slow client: its quit line is held for the one who went
away (PROTOCOL.md, Commands: "/brb [MESSAGE]: broadcast the away line. From the line after
it, nothing from the room is sent to this client").

An observer, USERS ordinary users and, last, a client that never reads (a tiny receive buffer
and a small segment size, so that the kernel buffers only some tens of KB for it). From then
on the only posts are away lines: batches of users send "/brb <long message>" and "/who" at
once, until one away line takes the slow client past --sendq. That post logs the away line
of a user U and, right after it, "* SLOW has quit (too slow)". The quit line comes after U's
away line, so it is held for U:

  - everyone who is present sees every line in the same order (the observer's), and each
    user, after its own away line, gets nothing but its /who reply (which for U no longer
    lists the slow client) until it comes back;
  - U's /back gives it the quit line first, then the away lines posted after it, then its own
    back line;
  - the slow client got a prefix of the room's lines, never its own quit line, and was
    disconnected.

What fails it: a hold set from the log's end after the away line was posted
(stop_at = roomlog_next() instead of the away line's number + 1): U then takes the quit line
before its /who reply, and does not get it back on /back.
"""

import re

from chatdriver import ScenarioFailure, show

NAME = "brb_hidden_away_line_cuts_off_slow"
TAGS = ["brb", "hidden"]
TIME_LIMIT = 120

SENDQ = 8192
USERS = 200             # enough away lines (~530 bytes each) to fill the slow client's
                        # kernel buffers (about 50 KB at MSS 536) and --sendq twice over
BATCH = 10              # users that go away at once
SLOW_RCVBUF = 2048
SLOW_MSS = 536          # the server's send buffer for it is sized from its MSS
ARGS = ["--sendq", str(SENDQ), "--replay", "0"]
WHO_RE = re.compile(r"\* (\d+) users online: (.*)")


def message(nick):
    """The longest /brb message that fits a 512-byte client line."""
    return ("%s gone " % nick).ljust(507, "z")


def away_line(nick):
    return "* %s is away (%s)" % (nick, message(nick))


def parse_who(client, line, what):
    m = WHO_RE.fullmatch(line) if line is not None else None
    if not m:
        raise ScenarioFailure("%s: expected its /who reply %s, got %s"
                              % (client.name, what, show(line)))
    names = m.group(2).split(", ")
    if int(m.group(1)) != len(names):
        raise ScenarioFailure("%s: /who reply counts %s users but lists %d: %s"
                              % (client.name, m.group(1), len(names), show(line)))
    return names


def run(server_binary, ctx):
    srv = ctx.start_server(ARGS)
    obs = ctx.client(srv, "observer")
    obs.join("guest1", 1)
    users = []
    for i in range(USERS):
        u = ctx.client(srv, "user%d" % (i + 1))
        u.join("guest%d" % (i + 2), i + 2)
        users.append(u)
    slow_nick = "guest%d" % (USERS + 2)
    slow = ctx.client(srv, "slow", rcvbuf=SLOW_RCVBUF, mss=SLOW_MSS)
    slow.join(slow_nick, USERS + 2)         # and never reads again
    for n, c in enumerate([obs] + users):
        for k in range(n + 2, USERS + 3):
            c.expect_line("* guest%d has joined" % k)

    quit_line = "* %s has quit (too slow)" % slow_nick
    log = []                    # the room's lines after the slow client's join, as obs saw them
    seen = {u: 0 for u in users}    # how much of log each user has read
    pos = {}                    # user -> index of its away line in log
    by_line = {away_line(u.nick): u for u in users}
    cutter = None
    batches = [users[i:i + BATCH] for i in range(0, USERS, BATCH)]
    for b, batch in enumerate(batches):
        for u in batch:
            u.send("/brb " + message(u.nick) + "\n/who")
        # The observer: this batch's away lines (in the server's order), maybe the quit line.
        want = set(away_line(u.nick) for u in batch)
        while want:
            line = obs.read_line(10)
            if line is None:
                raise ScenarioFailure("observer: %s" % obs.closed_text())
            if line in want:
                want.discard(line)
                pos[by_line[line]] = len(log)
            elif line == quit_line:
                if cutter is not None or not log or log[-1] not in by_line:
                    raise ScenarioFailure("observer: %s should come once, right after an away "
                                          "line, got it after %s"
                                          % (show(quit_line), show(log[-1] if log else None)))
                cutter = by_line[log[-1]]
            else:
                raise ScenarioFailure("observer: expected the away lines of %s (or %s), got %s"
                                      % (", ".join(u.nick for u in batch), show(quit_line),
                                         show(line)))
            log.append(line)
        # Nothing else was posted: a /who shows whether the quit line followed the last one.
        obs.send("/who")
        line = obs.read_line(10)
        if line == quit_line:
            if cutter is not None or log[-1] not in by_line:
                raise ScenarioFailure("observer: %s came twice or not right after an away "
                                      "line" % show(quit_line))
            cutter = by_line[log[-1]]
            log.append(line)
            line = obs.read_line(10)
        names = parse_who(obs, line, "after the away lines")
        if (slow_nick in names) == (cutter is not None):
            raise ScenarioFailure("observer: /who %s the slow client %s, yet %s: %s"
                                  % ("lists" if slow_nick in names else "does not list",
                                     slow_nick, "its quit line came" if cutter
                                     else "no quit line came", show(line)))

        # Every user: the room's lines in the observer's order up to its own away line, then
        # (for those who just went away) its /who reply and nothing held.
        for u in users:
            if u in pos and seen[u] > pos[u]:
                continue                    # away since an earlier batch: gets nothing
            end = pos[u] + 1 if u in pos else len(log)
            for k in range(seen[u], end):
                u.expect_line(log[k])
            seen[u] = end
            if u not in pos:
                continue
            what = "right after its away line (room lines are held from there on)"
            reply = u.read_line(5)
            if reply == quit_line and u is cutter:
                what += ": the quit line its away line's post logged right after it is " \
                        "held too"
            names = parse_who(u, reply, what)
            if u.nick + " (away)" not in names:
                raise ScenarioFailure("%s: /who after its /brb should show %s, got %s"
                                      % (u.name, u.nick + " (away)", show(reply)))
            if u is cutter and slow_nick in names:
                raise ScenarioFailure("%s: /who lists %s, whose quit line came right after %s's "
                                      "away line: %s" % (u.name, slow_nick, u.nick, show(reply)))
            if cutter is None and slow_nick not in names:
                raise ScenarioFailure("%s: /who does not list %s, who has not quit: %s"
                                      % (u.name, slow_nick, show(reply)))
        if cutter is not None:
            break
    if cutter is None:
        raise ScenarioFailure("%s was never cut off as too slow, after %d away lines of %d "
                              "bytes (--sendq %d): it does not read at all"
                              % (slow_nick, len(log), len(away_line(users[-1].nick)) + 1,
                                 SENDQ))

    # The one whose away line cut the slow client off: nothing was delivered past its away
    # line (held lines are not even peeked at by a later /who)...
    cutter.expect_silence(100)
    cutter.send("/back")
    # ...and on /back: the quit line first, then whatever followed it, then its back line.
    for k in range(pos[cutter] + 1, len(log)):
        cutter.expect_line(log[k])
    cutter.expect_line("* %s is back" % cutter.nick)
    obs.expect_line("* %s is back" % cutter.nick)
    for u in users:
        if u is not cutter and u not in pos:
            for k in range(seen[u], len(log)):
                u.expect_line(log[k])
            u.expect_line("* %s is back" % cutter.nick)

    # The slow client: a prefix of the room's lines, never its own quit line, then closed.
    got = []
    while True:
        line = slow.read_line(10)
        if line is None:
            break
        got.append(line)
    if got != log[:len(got)] or quit_line in got:
        bad = next((k for k in range(len(got)) if k >= len(log) or got[k] != log[k]), len(got))
        raise ScenarioFailure("slow: line %d should be %s, got %s" % (
            bad + 1, show(log[bad]) if bad < len(log) else "nothing",
            show(got[bad]) if bad < len(got) else "nothing"))
