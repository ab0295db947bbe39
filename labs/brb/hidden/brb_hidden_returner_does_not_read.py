"""A client comes back to megabytes of held lines and does not read them, while the others
chat (PROTOCOL.md, Guarantees: "A client that stops reading never delays anyone else").

The returner holds HELD_LINES lines of about 450 bytes (several MB: more than the kernel
buffers between the server and a client whose receive buffer is tiny), sends /back, and then
reads nothing. Meanwhile the two others keep chatting: each of their lines must reach both of
them at once, as if nobody were flushing. Then the returner starts reading and must get every
held line, in order, its back line, and the chat lines, as a client that was never cut off.

What fails it: a flush that sends while holding a lock the others need (chat-threaded: the
board's lock, shared or not; chat-hybrid: the board lock), and a flush that waits for the
client or loops until it reads (chat-async: the one thread that serves everyone).
"""

from chatdriver import Collector, ScenarioFailure

NAME = "brb_hidden_returner_does_not_read"
TAGS = ["brb", "hidden"]
TIME_LIMIT = 120

HELD_LINES = 12000
BATCH = 500
CHAT_LINES = 10
# The default --sendq (1 MiB): the flush is several buffers long, so the part of the server
# that refills the buffer as it drains runs while the kernel is full.
ARGS = ["--backlog", str(HELD_LINES + 100)]


def held(n):
    return "held %05d %s" % (n, "h" * 440)


def run(server_binary, ctx):
    srv = ctx.start_server(ARGS)
    back = ctx.client(srv, "returner", rcvbuf=4096)
    back.join("guest1", 1)
    a = ctx.client(srv, "a")
    a.join("guest2", 2)
    back.expect_line("* guest2 has joined")
    b = ctx.client(srv, "b")
    b.join("guest3", 3)
    back.expect_line("* guest3 has joined")
    a.expect_line("* guest3 has joined")
    back.send("/brb")
    for c in (back, a, b):
        c.expect_line("* guest1 is away")

    readers = [Collector(a, 100), Collector(b, 100)]
    for first in range(1, HELD_LINES + 1, BATCH):
        last = min(first + BATCH, HELD_LINES + 1) - 1
        b.send_raw("".join(held(i) + "\n" for i in range(first, last + 1)), timeout=30)
        for col in readers:
            col.wait_for_line("<guest3> " + held(last), 30)

    back.send("/back")
    for col in readers:
        col.wait_for_line("* guest1 is back", 30)
    # The returner reads nothing now; everybody else must not notice.
    for i in range(1, CHAT_LINES + 1):
        who, nick = (a, "guest2") if i % 2 else (b, "guest3")
        who.send("chat %d while guest1 flushes" % i)
        for col in readers:
            col.wait_for_line("<%s> chat %d while guest1 flushes" % (nick, i), 5)
    for col in readers:
        col.stop()

    # Now it reads: everything it is owed, in order, and it was never cut off.
    for i in range(1, HELD_LINES + 1):
        line = back.read_line(30)
        if line != "<guest3> " + held(i):
            raise ScenarioFailure("returner: held line %d should be %r, got %r"
                                  % (i, ("<guest3> " + held(i))[:40],
                                     line if line is None else line[:60]))
    back.expect_line("* guest1 is back", 30)
    for i in range(1, CHAT_LINES + 1):
        nick = "guest2" if i % 2 else "guest3"
        back.expect_line("<%s> chat %d while guest1 flushes" % (nick, i), 30)
    back.send("/who")
    back.expect_line("* 3 users online: guest1, guest2, guest3", 10)
