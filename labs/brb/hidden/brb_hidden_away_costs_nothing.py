"""Many away clients cost (almost) nothing per posted line (labs/brb/README.md, question 4).

Counted by the kernel, not timed: the context switches of every thread of the server
(voluntary and not, /proc/PID/task/*/status) while one client posts LINES lines, one at a
time, each read by every present client before the next. Twice, in the same run: first
with PRESENT clients, then with AWAY more connected and away. An away client's thread has
nothing to do for a line it may not take, so the second count per line may exceed the first
by at most a small margin; a server that wakes every client's thread for every line (or an
away thread that keeps polling) pays about AWAY/PRESENT times more.
"""

from chatdriver import Collector, ScenarioFailure, context_switches

NAME = "brb_hidden_away_costs_nothing"
TAGS = ["brb", "hidden"]
TIME_LIMIT = 120

PRESENT = 4
AWAY = 32
LINES = 40
MAX_RATIO = 2.0         # away clients may cost this many times the baseline, per line


def post_lines(poster, collectors, pid, phase):
    before = context_switches(pid)
    for i in range(1, LINES + 1):
        text = "%s line %d" % (phase, i)
        poster.send(text)
        for col in collectors:
            col.wait_for_line("<guest1> " + text, 10)
    return (context_switches(pid) - before) / LINES


def run(server_binary, ctx):
    srv = ctx.start_server()
    pid = srv.proc.pid
    present = []
    for i in range(PRESENT):
        c = ctx.client(srv, "present%d" % (i + 1))
        c.join("guest%d" % (i + 1), i + 1)
        for earlier in present:
            earlier.expect_line("* guest%d has joined" % (i + 1))
        present.append(c)
    collectors = [Collector(c, 100) for c in present]
    baseline = post_lines(present[0], collectors, pid, "baseline")

    away = []
    for i in range(AWAY):
        nick = "guest%d" % (PRESENT + i + 1)
        c = ctx.client(srv, "away%d" % (i + 1))
        c.join(nick)
        c.send("/brb")
        c.expect_line("* %s is away" % nick)
        for col in collectors:
            col.wait_for_line("* %s is away" % nick, 10)
        away.append(c)
    with_away = post_lines(present[0], collectors, pid, "with away")
    for col in collectors:
        col.stop()
    if with_away > MAX_RATIO * baseline + 2:
        raise ScenarioFailure(
            "the server's threads switched %.1f times per posted line with %d of %d clients "
            "away, against %.1f with the %d present clients alone (at most %.1fx allowed): "
            "the away clients' threads are woken (or keep polling) for lines they may not take"
            % (with_away, AWAY, AWAY + PRESENT, baseline, PRESENT, MAX_RATIO))
    # They are still fine: one of them comes back to exactly its stretch.
    last = away[-1]
    last.send("/back")
    for i in range(1, LINES + 1):
        last.expect_line("<guest1> with away line %d" % i)
    last.expect_line("* guest%d is back" % (PRESENT + AWAY))
