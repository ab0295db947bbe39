#!/usr/bin/env python3
"""soak - churn clients against one chat server for a while and check that nothing drifts.

    python3 harness/soak.py --server bin/chat-async --secs 60 [--seed S]

A few steady observers join first, read everything and never leave. Meanwhile worker threads
run short client stories, chosen at random from the seed: chatters, floods (small and big),
nickname races, /brb and /back, invalid input, resets (RST) and closes mid-line, slow
readers. Every few seconds the churn pauses until no churn client is left; then the server's
fd count and thread count (/proc/PID) must be back at their baseline and its memory must not
keep growing. At the end the server gets SIGTERM and must exit 0.

What is checked, throughout:
  - the observers receive the same room lines in the same order (compared line by line);
  - every churn client's room lines, from its own join line on, are exactly the matching
    stretch of the observers' lines: nothing lost, duplicated or reordered (an away client's
    held lines arrive at /back, and "* N lines were dropped" skips exactly N lines);
  - a client that /quits gets every line up to its own quit line, including all its own
    chat lines; a client that resets or closes gets "* NICK has quit (connection closed)";
  - while away, a client receives no room line; nickname races have exactly one winner;
  - errors come back for bad input; no observer is ever cut off;
  - fds and threads return to their baseline at every pause; memory levels off (no growth
    in the second half of the run) and stays within what --backlog and --sendq allow;
  - nothing alarming on the server's stderr;
  - the server exits 0 on SIGTERM, and every observer gets "* server is shutting down".

The seed is printed first; a failure prints the command that runs the same stories again
(thread timing still differs from run to run). Every wait is bounded, and so is the run:
--secs of churn plus at most a fixed grace per pause and for the shutdown. Exit status: 0
passed, 1 failed, 2 usage. Standard library only; talks only to 127.0.0.1.
"""

import argparse
import collections
import os
import random
import re
import select
import shlex
import signal
import socket
import sys
import threading
import time

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
if HARNESS_DIR not in sys.path:
    sys.path.insert(0, HARNESS_DIR)

import chatdriver  # noqa: E402
from chatdriver import Server, ScenarioFailure  # noqa: E402

# The server is started with its defaults (--backlog 4096, --sendq 1 MiB: what users run)
# unless --server-args says otherwise; big floods are longer than the backlog, so away
# clients do lose lines and clients that stop reading are pushed out.
DEFAULT_SERVER_ARGS = "--max-clients 200"

OBSERVERS = 3
WORKERS = 6
CYCLE_SECS = 15.0           # churn between two pauses (shorter runs: a quarter of --secs)
SETTLE_SECS = 10.0          # a pause waits this long (x scale) for fds/threads to settle
ACTION_SECS = 30.0          # one story may take this long (x scale)
READ_TIMEOUT = 10.0         # one expected line may take this long (x scale)
RSS_SLACK_KIB = 4096        # memory may wobble this much in the second half of a run...
RSS_SLACK_FRACTION = 0.10   # ...or this fraction of it, whichever is more

# Server stderr lines that mean trouble. Peers that vanish (reset, broken pipe) are normal.
ERROR_RE = re.compile(r"sanitizer|runtime error|out of memory|assert|abort|double free|"
                      r"corrupt|segmentation|\berror\b|failed|cannot", re.I)
PEER_NOISE_RE = re.compile(r"connection reset by peer|broken pipe|ECONNRESET|EPIPE", re.I)

# Direct replies: never logged, never part of the room's order.
DIRECT_RE = re.compile(r"! .*|\* welcome .*|\* history: \d+ lines|\* end of history|"
                       r"\* \d+ users online: .*|\* commands: .*|"
                       r"\* \d+ lines were dropped while you were away")
DROPPED_RE = re.compile(r"\* (\d+) lines were dropped while you were away")
RENAME_RE = re.compile(r"\* ([A-Za-z][A-Za-z0-9_-]*) is now known as ([A-Za-z][A-Za-z0-9_-]*)")


class SoakFailure(Exception):
    """A check failed; the message says which and what was seen."""


def proc_stats(pid):
    """(rss KiB, threads, open fds) of a process, from /proc; None if it is gone."""
    try:
        rss = threads = None
        with open("/proc/%d/status" % pid) as f:
            for row in f:
                if row.startswith("VmRSS:"):
                    rss = int(row.split()[1])
                elif row.startswith("Threads:"):
                    threads = int(row.split()[1])
        fds = len(os.listdir("/proc/%d/fd" % pid))
        return rss, threads, fds
    except (OSError, ValueError, IndexError):
        return None


# ---- one client ----------------------------------------------------------------------------

class SoakClient:
    """A TCP client that records every line it reads (with the time it arrived)."""

    def __init__(self, soak, name, rcvbuf=None):
        self.soak = soak
        self.name = name
        self.lines = []             # (monotonic time, line) for every line read
        self.buf = b""              # an unfinished line
        self.pending = collections.deque()  # complete lines received, not read yet
        self.eof = None             # None while open, else "closed"/"reset"/"error: ..."
        self.nick = None            # current nick, once joined
        self.join_line = None
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(soak.scaled(READ_TIMEOUT))
        try:
            s.connect((chatdriver.HOST, soak.server.port))
        except OSError as e:
            s.close()
            raise SoakFailure("%s: cannot connect: %s" % (name, e))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        self.sock = s
        soak.count("connections")

    def send(self, data, allow_closed=False):
        """Send a str line (a "\\n" is added) or raw bytes, within the read timeout."""
        if isinstance(data, str):
            data = data.encode() + b"\n"
        deadline = time.monotonic() + self.soak.scaled(READ_TIMEOUT)
        view = memoryview(data)
        while view:
            if time.monotonic() > deadline:
                raise SoakFailure("%s: could not send within %.0fs: the server is not reading"
                                  % (self.name, self.soak.scaled(READ_TIMEOUT)))
            try:
                n = self.sock.send(view)
                view = view[n:]
            except (BlockingIOError, InterruptedError):
                select.select([], [self.sock], [], 0.1)
            except OSError as e:
                if allow_closed:
                    return False
                raise SoakFailure("%s: send failed: %s" % (self.name, e))
        return True

    def _fill(self, deadline):
        left = max(0.0, deadline - time.monotonic())
        r, _, _ = select.select([self.sock], [], [], min(left, 0.2))
        if not r:
            return
        try:
            chunk = self.sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionResetError:
            self.eof = "reset"
            return
        except OSError as e:
            self.eof = "error: %s" % e
            return
        if not chunk:
            self.eof = "closed"
        # Split once per chunk (not once per line): a flood brings megabytes at a time.
        if b"\n" in chunk:
            *complete, self.buf = (self.buf + chunk).split(b"\n")
            self.pending.extend(complete)
        else:
            self.buf += chunk

    def read_line(self, deadline):
        """The next line, or None at EOF; SoakFailure if none arrives before the deadline."""
        while not self.pending:
            if self.eof:
                return None
            if time.monotonic() >= deadline:
                last = " | ".join(l for _, l in self.lines[-3:])
                raise SoakFailure("%s: no line within the time allowed (last lines: %s)"
                                  % (self.name, last))
            self._fill(deadline)
        line = self.pending.popleft().decode("utf-8", "surrogateescape")
        self.lines.append((time.monotonic(), line))
        return line

    def read_available(self):
        """Read every line that has already arrived, without waiting for more."""
        self._fill(time.monotonic())
        while self.pending:
            self._follow_rename(self.read_line(time.monotonic()))

    def read_until(self, predicate, what, timeout=READ_TIMEOUT, max_lines=2_000_000):
        """Read lines until predicate(line); the matching line. Fails at EOF or timeout."""
        deadline = time.monotonic() + self.soak.scaled(timeout)
        for _ in range(max_lines):
            line = self.read_line(deadline)
            if line is None:
                raise SoakFailure("%s: waiting for %s, the connection %s (last lines: %s)"
                                  % (self.name, what, self.eof,
                                     " | ".join(l for _, l in self.lines[-3:])))
            self._follow_rename(line)
            if predicate(line):
                return line
        raise SoakFailure("%s: %s did not come within %d lines" % (self.name, what, max_lines))

    def read_to_eof(self, timeout=READ_TIMEOUT):
        deadline = time.monotonic() + self.soak.scaled(timeout)
        while self.read_line(deadline) is not None:
            self._follow_rename(self.lines[-1][1])

    def _follow_rename(self, line):
        m = RENAME_RE.fullmatch(line)
        if m and m.group(1) == self.nick:
            self.nick = m.group(2)

    def join(self):
        """Welcome, optional history, own join line. Returns the nick."""
        deadline = time.monotonic() + self.soak.scaled(READ_TIMEOUT)
        line = self.read_line(deadline)
        m = chatdriver.WELCOME_RE.fullmatch(line or "")
        if not m:
            raise SoakFailure("%s: expected the welcome, got %r" % (self.name, line))
        nick = m.group(1)
        line = self.read_line(deadline)
        h = chatdriver.HISTORY_RE.fullmatch(line or "")
        if h:
            for _ in range(int(h.group(1))):
                self.read_line(deadline)
            if self.read_line(deadline) != "* end of history":
                raise SoakFailure("%s: history without its end line" % self.name)
            line = self.read_line(deadline)
        if line != "* %s has joined" % nick:
            raise SoakFailure("%s: expected '* %s has joined', got %r" % (self.name, nick, line))
        self.nick = nick
        self.join_line = line
        self.join_index = len(self.lines) - 1
        return nick

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def reset(self):
        """Abrupt close: SO_LINGER 0 sends RST instead of FIN."""
        if self.sock is not None:
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self.close()

    def room_items(self):
        """What this client received from its own join line on, as room lines and drop
        markers ("skip", N): direct replies left out."""
        items = []
        for _, line in self.lines[self.join_index:]:
            d = DROPPED_RE.fullmatch(line)
            if d:
                items.append(("skip", int(d.group(1))))
            elif not DIRECT_RE.fullmatch(line):
                items.append(line)
        return items


# ---- the observers -------------------------------------------------------------------------

class Observer(threading.Thread):
    """Joins, then reads everything until the server closes the connection."""

    def __init__(self, soak, index):
        super().__init__(daemon=True, name="observer%d" % index)
        self.soak = soak
        self.client = SoakClient(soak, "observer%d" % index)
        self.client.join()
        self.lines = []             # room lines from its own join line on
        self.joins = {}             # join line -> index in self.lines (observer 0 only)
        self.cond = threading.Condition()
        self.ended = None

    def run(self):
        c = self.client
        self.lines.append(c.join_line)
        try:
            while time.monotonic() < self.soak.hard_deadline:
                while not c.pending and not c.eof and \
                        time.monotonic() < self.soak.hard_deadline:
                    c._fill(self.soak.hard_deadline)
                if not c.pending:
                    break
                new = [l.decode("utf-8", "surrogateescape") for l in c.pending]
                c.pending.clear()
                with self.cond:
                    for line in new:
                        if line.endswith(" has joined"):
                            self.joins[line] = len(self.lines)
                        self.lines.append(line)
                    self.cond.notify_all()
        except Exception as e:      # reported through soak.fail
            self.soak.fail("observer %s: %r" % (c.name, e))
        if c.eof and not self.soak.shutting_down:
            # An observer reads everything and never leaves: only the shutdown may end it.
            self.soak.fail("%s: the server closed the connection of an observer (%s; its "
                           "last lines: %s)" % (c.name, c.eof, " | ".join(self.lines[-3:])))
        with self.cond:
            self.ended = c.eof or "the soak's time ran out"
            self.cond.notify_all()

    def wait_for(self, predicate, timeout):
        """Wait until predicate() is true (called with the lock held); False on timeout."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0 or self.ended:
                    return predicate()
                self.cond.wait(min(left, 0.2))
            return True


# ---- the soak ------------------------------------------------------------------------------

class Soak:
    def __init__(self, args):
        self.args = args
        self.scale = args.timeout_scale
        self.seed = args.seed
        self.failures = []
        self.lock = threading.Lock()
        self.counts = {}
        self.stop = threading.Event()           # the churn is over (time up or a failure)
        self.pause = threading.Event()          # workers finish their story and wait
        self.idle = threading.Semaphore(0)      # a worker saying "I am paused"
        self.resume = threading.Event()
        self.last_number = 0
        self.checks = 0
        self.hard_deadline = time.monotonic() + args.secs + 120 * self.scale + 60
        self.server = None
        self.observers = []
        self.shutting_down = False              # SIGTERM sent: observers may now see EOF

    def scaled(self, seconds):
        return seconds * self.scale

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + n

    def fail(self, message):
        with self.lock:
            self.failures.append(message)
        self.stop.set()

    def next_id(self):
        """A number no other story gets: nicknames chosen by the soak never collide."""
        with self.lock:
            self.last_number += 1
            return self.last_number

    def checked(self, n=1):
        with self.lock:
            self.checks += n

    # -- the reference order -----------------------------------------------------------------
    def verify_client(self, c, must_end_with=None):
        """c's room lines from its join on must be the same stretch of observer 0's lines."""
        ref = self.observers[0]
        items = c.room_items()
        if not ref.wait_for(lambda: c.join_line in ref.joins, self.scaled(READ_TIMEOUT)):
            raise SoakFailure("%s: the observers never saw %r" % (c.name, c.join_line))
        with ref.cond:
            start = ref.joins[c.join_line]
        # Cut the client's lines into runs between "N lines were dropped" markers; each run
        # must equal the observers' lines at its position. Slices compare at C speed, which
        # keeps this thread from starving the observers of the interpreter during floods.
        runs, pos, run = [], start, []
        for item in items:
            if isinstance(item, tuple):
                if run:
                    runs.append((pos, run))
                    pos += len(run)
                    run = []
                pos += item[1]
            else:
                run.append(item)
        if run:
            runs.append((pos, run))
            pos += len(run)
        end = pos
        if not ref.wait_for(lambda: len(ref.lines) >= end, self.scaled(READ_TIMEOUT)):
            with ref.cond:
                have = len(ref.lines)
            raise SoakFailure("%s received %d room lines after its join that the observers "
                              "never got (they have %d lines, %d needed)"
                              % (c.name, end - have, have, end))
        lines = ref.lines       # appended to by the observer; what is there stays put
        for at, run in runs:
            if lines[at:at + len(run)] != run:
                k = next(k for k, (x, y) in enumerate(zip(run, lines[at:at + len(run)]))
                         if x != y)
                raise SoakFailure(
                    "%s: room line %d after its join is %r, the observers have %r there "
                    "(lost, duplicated or reordered)" % (c.name, at + k - start, run[k],
                                                         lines[at + k]))
        if must_end_with is not None and (not items or items[-1] != must_end_with):
            raise SoakFailure("%s: the last room line should be %r, got %r"
                              % (c.name, must_end_with, items[-1] if items else None))
        self.checked()

    def expect_in_reference(self, line, after_join, what):
        """Wait until observer 0 has `line` somewhere after the join line `after_join`."""
        ref = self.observers[0]

        def seen():
            start = ref.joins.get(after_join)
            return start is not None and line in ref.lines[start:]
        if not ref.wait_for(seen, self.scaled(READ_TIMEOUT)):
            raise SoakFailure("the observers never got %r (%s)" % (line, what))
        self.checked()

    # -- the stories ---------------------------------------------------------------------------
    def new_client(self, name, rcvbuf=None):
        c = SoakClient(self, name, rcvbuf)
        c.join()
        self.count("joins")
        return c

    def finish(self, c, rng, tokens=()):
        """End a client one of three ways, and check what it and the room saw."""
        how = rng.choice(("quit", "quit", "close", "reset"))
        if how == "quit":
            msg = rng.choice(("", " bye", " see you"))
            nick = c.nick
            c.send("/quit" + msg)
            quit_line = "* %s has quit%s" % (nick, " (%s)" % msg.strip() if msg else "")
            c.read_to_eof()
            c.close()
            self.verify_client(c, must_end_with=quit_line)
            received = {l for _, l in c.lines}
            for t in tokens:
                if "<%s> %s" % (t[0], t[1]) not in received:
                    raise SoakFailure("%s: its own line %r never came back before its quit"
                                      % (c.name, t[1]))
            self.count("quit")
        else:
            nick = c.nick
            (c.close if how == "close" else c.reset)()
            self.verify_client(c)
            self.expect_in_reference("* %s has quit (connection closed)" % nick, c.join_line,
                                     "%s did %s" % (c.name, how))
            self.count(how)

    def chat(self, c, rng, tag, n):
        """Send n chat lines and read until the last one comes back. Returns (nick, text)."""
        sent = []
        for i in range(n):
            pad = rng.randrange(0, 60)      # never a trailing blank: the server trims those
            text = "%s-%d%s" % (tag, i, " " + "x" * pad if pad else "")
            c.send(text)
            sent.append((c.nick, text))
        last = "<%s> %s" % sent[-1]
        c.read_until(lambda l: l == last, "its own line %r" % sent[-1][1])
        self.count("chat lines", n)
        return sent

    def story_chatter(self, rng, wid):
        c = self.new_client("w%d-chatter" % wid)
        if rng.random() < 0.5:
            name = "chat%d" % self.next_id()
            c.send("/nick " + name)
            c.read_until(lambda l: l.endswith(" is now known as " + name), "its rename")
        sent = self.chat(c, rng, "w%d" % wid, rng.randrange(1, 8))
        self.finish(c, rng, sent)

    def story_flood(self, rng, wid, big=False):
        """A burst of short lines in one write; or a big flood (megabytes, more lines than
        --backlog) sent in batches, each after the previous one came back: as fast as a
        reader that keeps up can take it, so that only clients that stop reading fall out."""
        c = self.new_client("w%d-flood" % wid)
        n = rng.randrange(4500, 9000) if big else rng.randrange(50, 300)
        width = (self.args.big_flood_width or rng.choice((100, 300))) if big else 20
        batch = 200 if big else n
        lines = ["w%d-f%d %s" % (wid, i, "y" * width) for i in range(n)]
        for first in range(0, n, batch):
            part = lines[first:first + batch]
            c.send("".join(l + "\n" for l in part).encode())
            last = "<%s> %s" % (c.nick, part[-1])
            c.read_until(lambda l: l == last, "the end of its flood", timeout=ACTION_SECS)
        got = [l for _, l in c.lines if l.startswith("<%s> w%d-f" % (c.nick, wid))]
        if got != ["<%s> %s" % (c.nick, l) for l in lines]:
            raise SoakFailure("%s: its flood came back incomplete or out of order (%d of %d)"
                              % (c.name, len(got), n))
        self.count("big floods" if big else "floods")
        self.count("chat lines", n)
        self.finish(c, rng)

    def story_nick_race(self, rng, wid):
        a = self.new_client("w%d-raceA" % wid)
        b = self.new_client("w%d-raceB" % wid)
        name = "race%d" % self.next_id()
        old = {a: a.nick, b: b.nick}
        for c in (a, b):
            c.send("/nick " + name)
        outcome = {}
        for c in (a, b):
            won = "* %s is now known as %s" % (old[c], name)
            lost = "! nickname in use: %s" % name
            outcome[c] = c.read_until(lambda l: l in (won, lost), "the outcome of /nick %s"
                                      % name) == won
        if sum(outcome.values()) != 1:
            raise SoakFailure("nick race for %s: %d winners (%s got it: %s, %s got it: %s)"
                              % (name, sum(outcome.values()), a.name, outcome[a], b.name,
                                 outcome[b]))
        winner = a if outcome[a] else b
        loser = b if winner is a else a
        win_line = "* %s is now known as %s" % (old[winner], name)
        # The loser sees the winner's rename line, before or after its own error reply.
        if win_line not in (l for _, l in loser.lines):
            loser.read_until(lambda l: l == win_line, "the winner's rename line")
        self.count("nick races")
        self.checked()
        self.finish(a, rng)
        self.finish(b, rng)

    def story_away(self, rng, wid):
        c = self.new_client("w%d-away" % wid)
        msg = rng.choice(("", " lunch"))
        c.send("/brb" + msg)
        away_line = "* %s is away%s" % (c.nick, " (%s)" % msg.strip() if msg else "")
        c.read_until(lambda l: l == away_line, "its away line")
        away_at = c.lines[-1][0]
        if rng.random() < 0.3:
            c.send("/who")
            c.read_until(lambda l: re.fullmatch(r"\* \d+ users online: .*", l) is not None,
                         "the /who reply while away")
        # Stay away while the others talk; then come back one of two ways.
        self.stop.wait(rng.uniform(0.2, 3.0))
        c.read_available()          # whatever arrived while away, read before /back
        back_sent = time.monotonic()
        if rng.random() < 0.5:
            c.send("/back")
            back_line = "* %s is back" % c.nick
            c.read_until(lambda l: l == back_line, "its back line", timeout=ACTION_SECS)
            sent = []
        else:
            sent = self.chat(c, rng, "w%d-back" % wid, 1)
        held = [l for t, l in c.lines if away_at < t < back_sent and not DIRECT_RE.fullmatch(l)]
        if held:
            raise SoakFailure("%s: got room line %r while away" % (c.name, held[0]))
        self.count("away")
        self.checked()
        self.finish(c, rng, sent)

    def story_bad_input(self, rng, wid):
        c = self.new_client("w%d-bad" % wid)
        cases = [
            (b"z" * rng.randrange(513, 2000) + b"\n", "! line too long (max 512 bytes)"),
            (b"\x1b[31mred\n",
             "! invalid text: control characters and invalid UTF-8 are not allowed"),
            (b"\xc0\xafoverlong\n",
             "! invalid text: control characters and invalid UTF-8 are not allowed"),
            (b"/frob it\n", "! unknown command: /frob (type /help)"),
            (b"/nick 9lives\n", "! invalid nickname: 9lives (1-16 letters, digits, _ or -, "
                                "starting with a letter)"),
            (b"/back\n", "! you are not away"),
        ]
        rng.shuffle(cases)
        for data, reply in cases[:rng.randrange(1, len(cases) + 1)]:
            # Sent in random pieces: the server must not care where packets are cut.
            cut = rng.randrange(1, len(data))
            c.send(data[:cut])
            c.send(data[cut:])
            c.read_until(lambda l: l == reply, "the reply %r" % reply)
            self.checked()
        self.count("bad input")
        self.finish(c, rng)

    def story_abrupt(self, rng, wid):
        """Join, maybe say something, then vanish in the middle of a line."""
        c = self.new_client("w%d-abrupt" % wid)
        if rng.random() < 0.5:
            self.chat(c, rng, "w%d-a" % wid, 1)
        c.send(b"half a line that never ends")
        nick = c.nick
        (c.reset if rng.random() < 0.5 else c.close)()
        self.verify_client(c)
        self.expect_in_reference("* %s has quit (connection closed)" % nick, c.join_line,
                                 "%s vanished mid-line" % c.name)
        self.count("abrupt")

    def story_slow_reader(self, rng, wid):
        """Stop reading for a while with a tiny receive buffer; then read again or leave."""
        c = self.new_client("w%d-slow" % wid, rcvbuf=2048)
        self.stop.wait(rng.uniform(0.5, 4.0))
        nick = c.nick
        too_slow = "* %s has quit (too slow)" % nick
        if rng.random() < 0.5:
            # Catch up: read until its own quit line, or until the server has cut it off.
            c.send("/quit", allow_closed=True)
            c.read_to_eof(timeout=ACTION_SECS)
            c.close()
            self.verify_client(c)
            if any(l == too_slow for _, l in c.lines):
                self.count("cut off as too slow")
        else:
            c.close()
            self.verify_client(c)
        self.count("slow readers")

    STORIES = (("chatter", 30), ("flood", 10), ("big_flood", 1), ("nick_race", 8),
               ("away", 12), ("bad_input", 8), ("abrupt", 10), ("slow_reader", 4))

    def worker(self, wid):
        rng = random.Random("%s-%d" % (self.seed, wid))
        names = [n for n, _ in self.STORIES]
        weights = [w for _, w in self.STORIES]
        while not self.stop.is_set():
            if self.pause.is_set():
                self.idle.release()
                self.resume.wait(self.scaled(SETTLE_SECS) * 3 + 30)
                continue
            story = rng.choices(names, weights)[0]
            try:
                if story == "big_flood":
                    self.story_flood(rng, wid, big=True)
                else:
                    getattr(self, "story_" + story)(rng, wid)
                self.count("stories")
            except SoakFailure as e:
                self.fail("%s (story %s)" % (e, story))
            except Exception as e:      # a bug in the soak itself: still a failure
                self.fail("worker %d, story %s: %r" % (wid, story, e))
            self.stop.wait(rng.uniform(0, 0.05))    # a user's pause between two visits

    # -- resources -----------------------------------------------------------------------------
    def settle(self, baseline, label):
        """Wait until the server's fds and threads are back at the baseline; its stats."""
        pid = self.server.proc.pid
        deadline = time.monotonic() + self.scaled(SETTLE_SECS)
        stats = proc_stats(pid)
        while stats and (stats[1], stats[2]) != (baseline[1], baseline[2]):
            if time.monotonic() > deadline:
                raise SoakFailure("%s: the server did not return to its baseline within %.0fs: "
                                  "%d threads and %d fds, baseline %d threads and %d fds"
                                  % (label, self.scaled(SETTLE_SECS), stats[1], stats[2],
                                     baseline[1], baseline[2]))
            # Polling the evidence itself: /proc changes when the server closes an fd or
            # ends a thread, and there is nothing else to wait on.
            time.sleep(0.05)
            stats = proc_stats(pid)
        if stats is None:
            raise SoakFailure("%s: the server is gone (%s)" % (label, self.server._status_text()))
        self.checked()
        return stats

    def pause_workers(self, workers):
        self.resume.clear()
        self.pause.set()
        deadline = time.monotonic() + self.scaled(ACTION_SECS) + 10
        for w in workers:
            left = deadline - time.monotonic()
            if not w.is_alive():
                continue
            if not self.idle.acquire(timeout=max(left, 0.01)):
                raise SoakFailure("a worker did not finish its story within %.0fs"
                                  % self.scaled(ACTION_SECS))

    def resume_workers(self):
        self.pause.clear()
        self.resume.set()

    # -- the whole run -------------------------------------------------------------------------
    def run(self):
        a = self.args
        server_args = shlex.split(a.server_args)
        self.server = Server(a.server, server_args, self.scale)
        pid = self.server.proc.pid
        print("soak: %s (pid %d) %s, %d s, seed %s" % (a.server, pid, " ".join(server_args),
                                                       a.secs, self.seed), flush=True)
        for i in range(OBSERVERS):
            obs = Observer(self, i)
            self.observers.append(obs)
        for obs in self.observers:
            obs.start()
        last_join = self.observers[-1].client.join_line
        for obs in self.observers[:-1]:
            if not obs.wait_for(lambda o=obs: last_join in o.lines, self.scaled(READ_TIMEOUT)):
                raise SoakFailure("%s never saw %r" % (obs.client.name, last_join))
        baseline = proc_stats(pid)
        print("baseline: rss %d KiB, %d threads, %d fds" % baseline, flush=True)

        workers = [threading.Thread(target=self.worker, args=(i,), daemon=True,
                                    name="worker%d" % i) for i in range(a.workers)]
        for w in workers:
            w.start()
        end = time.monotonic() + a.secs
        cycle = min(CYCLE_SECS, max(a.secs / 4.0, 1.0))
        rss_points = []
        n = 0
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= end:
                break
            self.stop.wait(min(cycle, end - now))
            if self.stop.is_set():
                break
            n += 1
            self.pause_workers(workers)
            stats = self.settle(baseline, "pause %d" % n)
            rss_points.append(stats[0])
            with self.lock:
                summary = ", ".join("%s %d" % kv for kv in sorted(self.counts.items()))
            print("pause %d at %.0fs: rss %d KiB, %d threads, %d fds; %s"
                  % (n, a.secs - max(0.0, end - time.monotonic()), stats[0], stats[1], stats[2],
                     summary), flush=True)
            self.resume_workers()
        self.stop.set()
        self.resume_workers()
        for w in workers:
            w.join(self.scaled(ACTION_SECS) + 10)
            if w.is_alive():
                raise SoakFailure("%s did not stop within %.0fs" % (w.name,
                                                                   self.scaled(ACTION_SECS)))
        if self.failures:
            return
        final = self.settle(baseline, "after the churn")
        rss_points.append(final[0])
        print("after the churn: rss %d KiB, %d threads, %d fds" % final, flush=True)
        self.check_memory(baseline, rss_points)
        self.check_shutdown()
        self.check_stderr()

    def check_memory(self, baseline, points):
        """Memory must level off: from the pause in the middle of the run to the last one it
        may not grow by more than the slack (a leak grows with the churn; a log and output
        buffers filling up, or the allocator's per-thread arenas, level off early). It must
        also stay within what --backlog and --sendq allow. Small leaks are the business of
        ASan and valgrind (make sanitize, make memcheck), which see every byte."""
        middle, last = points[len(points) // 2], points[-1]
        slack = max(RSS_SLACK_KIB, int(middle * RSS_SLACK_FRACTION))
        if last > middle + slack:
            raise SoakFailure("server memory keeps growing: rss %d KiB in the middle of the run, "
                              "%d KiB at the end (all pauses: %s)" % (middle, last, points))
        backlog = self.server_option("--backlog", 4096)
        sendq = self.server_option("--sendq", 1 << 20)
        bound = baseline[0] + (backlog * 700 + OBSERVERS * sendq) // 1024 + 16384
        if max(points) > bound:
            raise SoakFailure("server memory %d KiB is above what --backlog and --sendq allow "
                              "(about %d KiB)" % (max(points), bound))
        self.checked(2)

    def server_option(self, flag, default):
        words = shlex.split(self.args.server_args)
        if flag in words and words.index(flag) + 1 < len(words):
            return int(words[words.index(flag) + 1])
        return default

    def check_shutdown(self):
        self.shutting_down = True
        self.server.proc.send_signal(signal.SIGTERM)
        rc = self.server.wait(chatdriver.STOP_TIMEOUT * self.scale)
        if rc is None:
            self.server.kill()
            raise SoakFailure("the server did not exit within %.0fs of SIGTERM"
                              % (chatdriver.STOP_TIMEOUT * self.scale))
        self.server.exit_checked = True
        if rc != 0:
            raise SoakFailure("the server %s after SIGTERM, expected exit status 0"
                              % self.server._status_text())
        for obs in self.observers:
            obs.join(self.scaled(READ_TIMEOUT))
            if obs.lines[-1:] != ["* server is shutting down"]:
                raise SoakFailure("%s: the last line was %r, not the shutdown notice"
                                  % (obs.client.name, obs.lines[-1:]))
        # The observers must agree, line for line, from the moment all of them were there.
        ref = self.observers[0].lines
        start_line = self.observers[-1].client.join_line
        base = ref[ref.index(start_line):]
        for obs in self.observers[1:]:
            mine = obs.lines[obs.lines.index(start_line):]
            if mine != base:
                i = next((k for k, (x, y) in enumerate(zip(mine, base)) if x != y),
                         min(len(mine), len(base)))
                raise SoakFailure("%s and %s disagree at room line %d: %r vs %r (%d and %d "
                                  "lines)" % (obs.client.name, self.observers[0].client.name, i,
                                              mine[i] if i < len(mine) else None,
                                              base[i] if i < len(base) else None,
                                              len(mine), len(base)))
        self.count("room lines seen by every observer", len(base))
        self.checked(3)

    def check_stderr(self):
        bad = [l for l in self.server.stderr_text().splitlines()
               if ERROR_RE.search(l) and not PEER_NOISE_RE.search(l)]
        if bad:
            raise SoakFailure("the server's stderr has %d alarming lines, the first: %s"
                              % (len(bad), bad[0]))
        self.checked()


def main(argv=None):
    p = argparse.ArgumentParser(description="Churn clients against a chat server and check "
                                "order, loss, resources and shutdown.")
    p.add_argument("--server", required=True, help="the server binary, e.g. bin/chat-async")
    p.add_argument("--secs", type=float, default=60, help="seconds of churn (default 60)")
    p.add_argument("--seed", help="seed of the random stories (default: a fresh one)")
    p.add_argument("--workers", type=int, default=WORKERS,
                   help="client stories running at once (default %d)" % WORKERS)
    p.add_argument("--server-args", default=DEFAULT_SERVER_ARGS,
                   help="arguments for the server (default: %s)" % DEFAULT_SERVER_ARGS)
    p.add_argument("--timeout-scale", type=float, default=1.0, metavar="F",
                   help="multiply every timeout by F (slow machines, sanitizer builds)")
    p.add_argument("--big-flood-width", type=int, metavar="BYTES",
                   help="text bytes per line of a big flood (default: 100 or 300 at random)")
    p.add_argument("--keep-stderr", metavar="FILE",
                   help="on failure, copy the server's stderr (its log) to FILE")
    args = p.parse_args(argv)
    if args.secs <= 0 or args.secs > 24 * 3600 or args.workers < 1 or args.workers > 64 \
            or args.timeout_scale <= 0 or not 0 <= (args.big_flood_width or 0) <= 500:
        p.error("--secs must be in (0, 86400], --workers in 1..64, --timeout-scale > 0, "
                "--big-flood-width in 1..500")
    if not (os.path.isfile(args.server) and os.access(args.server, os.X_OK)):
        print("error: %s is not an executable file (build it with make)" % args.server,
              file=sys.stderr)
        return 2
    if args.seed is None:
        args.seed = str(random.SystemRandom().randrange(10**9))
    print("soak seed %s" % args.seed, flush=True)
    chatdriver.raise_fd_limit()

    soak = Soak(args)
    t0 = time.monotonic()
    try:
        soak.run()
    except (SoakFailure, ScenarioFailure) as e:
        soak.fail(str(e))
    finally:
        soak.stop.set()
        soak.shutting_down = True       # from here on, observers losing the server is expected
        if soak.server is not None:
            if soak.failures and args.keep_stderr:
                with open(args.keep_stderr, "w") as f:
                    f.write(soak.server.stderr_text())
                print("server stderr kept in %s" % args.keep_stderr)
            soak.server.cleanup()
    took = time.monotonic() - t0
    with soak.lock:
        summary = ", ".join("%s %d" % kv for kv in sorted(soak.counts.items()))
    print("soak %s: %.0f s, %s" % (os.path.basename(args.server), took, summary))
    if soak.failures:
        for f in soak.failures[:5]:
            print("FAIL soak: %s" % f)
        repro = ["python3", os.path.relpath(os.path.abspath(__file__)), "--server", args.server,
                 "--secs", "%g" % args.secs, "--seed", args.seed]
        if args.workers != WORKERS:
            repro += ["--workers", str(args.workers)]
        if args.server_args != DEFAULT_SERVER_ARGS:
            repro += ["--server-args", args.server_args]
        if args.timeout_scale != 1.0:
            repro += ["--timeout-scale", "%g" % args.timeout_scale]
        if args.big_flood_width:
            repro += ["--big-flood-width", str(args.big_flood_width)]
        print("  reproduce (same stories; thread timing differs): %s"
              % " ".join(shlex.quote(w) for w in repro))
        print("%d passed, %d failed" % (soak.checks, len(soak.failures)))
        return 1
    print("%d passed, 0 failed" % soak.checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
