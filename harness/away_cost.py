"""What away clients cost a server per posted line, counted by the kernel (not timed).

Shared by the BRB cost scenarios (public: harness/scenarios/brb_away_costs_nothing.py; the
instructor's hidden one asks the same with more clients). The context switches of every
thread of the server (voluntary and not, /proc/PID/task/*/status) while one client posts
LINES lines, one at a time, each read by every present client before the next. Twice, in
the same run: first with PRESENT clients, then with AWAY more connected and away. An away
client's thread has nothing to do for a line it may not take, so the second count per line
may exceed the first by a small margin only; a server that wakes every client's thread for
every line (or an away thread that keeps polling) pays about AWAY/PRESENT times more. A
ratio of two counts in one run: nothing here depends on how fast the machine is.
"""

from chatdriver import Collector, ScenarioFailure, context_switches

MAX_RATIO = 2.0         # away clients may cost this many times the baseline, per line (+2)


def _post_lines(poster, collectors, pid, phase, lines):
    before = context_switches(pid)
    for i in range(1, lines + 1):
        text = "%s line %d" % (phase, i)
        poster.send(text)
        for col in collectors:
            col.wait_for_line("<guest1> " + text, 10)
    return (context_switches(pid) - before) / lines


def check_away_cost(ctx, present_count, away_count, lines):
    """Run the measurement against a server of ctx; raise ScenarioFailure if the away
    clients cost more than MAX_RATIO times the baseline per posted line. Then one away
    client comes back and must get exactly its stretch."""
    srv = ctx.start_server()
    pid = srv.proc.pid
    present = []
    for i in range(present_count):
        c = ctx.client(srv, "present%d" % (i + 1))
        c.join("guest%d" % (i + 1), i + 1)
        for earlier in present:
            earlier.expect_line("* guest%d has joined" % (i + 1))
        present.append(c)
    collectors = [Collector(c, 100) for c in present]
    baseline = _post_lines(present[0], collectors, pid, "baseline", lines)

    away = []
    for i in range(away_count):
        nick = "guest%d" % (present_count + i + 1)
        c = ctx.client(srv, "away%d" % (i + 1))
        c.join(nick)
        c.send("/brb")
        c.expect_line("* %s is away" % nick)
        for col in collectors:
            col.wait_for_line("* %s is away" % nick, 10)
        away.append(c)
    with_away = _post_lines(present[0], collectors, pid, "with away", lines)
    for col in collectors:
        col.stop()
    if with_away > MAX_RATIO * baseline + 2:
        raise ScenarioFailure(
            "the server's threads switched %.1f times per posted line with %d of %d clients "
            "away, against %.1f with the %d present clients alone (at most %.1fx allowed): "
            "the away clients' threads are woken (or keep polling) for lines they may not take"
            % (with_away, away_count, away_count + present_count, baseline, present_count,
               MAX_RATIO))
    last = away[-1]
    last.send("/back")
    for i in range(1, lines + 1):
        last.expect_line("<guest1> with away line %d" % i)
    last.expect_line("* guest%d is back" % (present_count + away_count))
