"""At the open-file limit the server refuses politely and keeps serving everyone else
(PROTOCOL.md, --max-clients).

The server may open only 64 files (soft and hard limit, so it cannot raise its own), and
--max-clients 1000 is far above that. Every connection must get either the welcome or
"! server full (max N users)" and then be closed; after the burst, the clients that got in
still chat with each other. With --poller poll or epoll this is the only limit; with select
FD_SETSIZE is further away than 64, so the same path is taken.
"""

import re

from chatdriver import WELCOME_RE, ScenarioFailure

NAME = "fd_limit_refuses_politely"
TAGS = []
TIME_LIMIT = 60

NOFILE = 64
TOTAL = 100
FULL_RE = re.compile(r"! server full \(max \d+ users\)")


def run(server_binary, ctx):
    srv = ctx.start_server(["--max-clients", "1000", "--quiet"], nofile=NOFILE)
    accepted, refused = [], []
    for i in range(TOTAL):
        c = ctx.client(srv, "conn%d" % (i + 1))
        line = c._next_for("the welcome or '! server full (max N users)'", 10)
        if WELCOME_RE.fullmatch(line):
            accepted.append((c, WELCOME_RE.fullmatch(line).group(1)))
        elif FULL_RE.fullmatch(line):
            c.expect_closed(10)
            c.close()
            refused.append(c)
        else:
            raise ScenarioFailure("%s: expected the welcome or '! server full (max N users)' "
                                  "as the first line, got %r" % (c.name, line))
    if not refused:
        raise ScenarioFailure("%d connections with %d open files allowed: none was refused"
                              % (TOTAL, NOFILE))
    if len(accepted) < 2:
        raise ScenarioFailure("only %d connection(s) accepted" % len(accepted))
    # Everyone still served: the first one speaks, the last one hears it.
    (first, first_nick), (last, last_nick) = accepted[0], accepted[-1]
    first.send("still here")
    last.read_until(lambda l: l == "<%s> still here" % first_nick, timeout=10,
                    max_lines=TOTAL * 2, what="the first client's line")
    first.read_until(lambda l: l == "<%s> still here" % first_nick, timeout=10,
                     max_lines=TOTAL * 2, what="its own line")
