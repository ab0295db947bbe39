"""SIGPIPE never kills the server (PROTOCOL.md, Command line).

A client with a tiny receive buffer stops reading while another sends 4 MB of chat lines, so
the server has output waiting for it (a roomy --sendq and --backlog keep it from being cut off
as too slow); then that client resets its connection. Writing to a reset connection raises
SIGPIPE, which kills a process that does not ignore it (or use MSG_NOSIGNAL). The room must get
"* guest2 has quit (connection closed)", and the server must go on working and exit 0 on
SIGTERM.
"""

from chatdriver import Collector, ScenarioFailure

NAME = "sigpipe_reset_with_pending_output"
TAGS = []
TIME_LIMIT = 120

LINES = 8000
PAYLOAD = "p" * 500


def run(server_binary, ctx):
    srv = ctx.start_server(["--sendq", "33554432", "--backlog", "50000"])
    a = ctx.client(srv, "sender")
    a.join("guest1", 1)
    victim = ctx.client(srv, "victim", rcvbuf=2048)
    victim.join("guest2", 2)
    a.expect_line("* guest2 has joined")
    col = Collector(a, 100)
    for first in range(1, LINES + 1, 100):
        a.send_raw("".join("%d %s\n" % (n, PAYLOAD) for n in range(first, first + 100)),
                   timeout=30)
    last = "<guest1> %d %s" % (LINES, PAYLOAD)
    col.wait_for(lambda ls: ls and ls[-1] == last, 60, "all %d of its lines back" % LINES)
    # Everything is logged; the victim's share is partly still in the server. Reset now.
    victim.reset()
    # A newcomer joins and chats; the victim's quit line may come before or after its join.
    b = ctx.client(srv, "newcomer")
    b.join("guest3")
    quit_line = "* guest2 has quit (connection closed)"
    lines = col.wait_for(lambda ls: quit_line in ls[LINES:] and "* guest3 has joined" in ls[LINES:],
                         30, "%r and '* guest3 has joined'" % quit_line)
    col.stop()
    if not srv.alive():
        raise ScenarioFailure("the server died when the client reset")
    if lines[:LINES] != ["<guest1> %d %s" % (n, PAYLOAD) for n in range(1, LINES + 1)]:
        raise ScenarioFailure("sender: its own lines did not all come back in order")
    if any(l.endswith("(too slow)") for l in lines):
        raise ScenarioFailure("the victim was cut off as too slow before it reset")
    b.send("alive?")
    b.read_until(lambda l: l == "<guest3> alive?", what="'<guest3> alive?'", max_lines=5)
