#!/usr/bin/env python3
"""Black-box tests of bin/chat-client, driven through a pseudo-terminal.

Run from the repository root:  python3 client/tests/test_client.py [NAME...]

Each test starts a real server (bin/chat-async --port 0 --quiet), a "peer" that is just a
TCP socket speaking the protocol, and the client under test on a pty. What the client draws
is fed to a tiny terminal emulator (Screen) so the tests can check what a person would see:
the rows of text and where the cursor is. Every wait is for evidence (a row on the screen, a
line at the peer, the process exiting) and gives up after TIMEOUT seconds.

Environment: CHAT_CLIENT and CHAT_SERVER override the binaries, CHAT_TEST_TIMEOUT the wait.
Prints one line per test and ends with "N passed, M failed"; exit status 1 on any failure.
Standard library only.
"""

import codecs
import fcntl
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT = os.environ.get("CHAT_CLIENT", os.path.join(ROOT, "bin", "chat-client"))
SERVER = os.environ.get("CHAT_SERVER", os.path.join(ROOT, "bin", "chat-async"))
TIMEOUT = float(os.environ.get("CHAT_TEST_TIMEOUT", "10"))
COLUMNS, ROWS = 80, 24

# Exit statuses, as documented in client/README.md and `chat-client --help`.
EXIT_LEFT, EXIT_CANNOT_CONNECT, EXIT_USAGE, EXIT_CONNECTION_LOST, EXIT_SERVER_FULL = 0, 1, 2, 3, 4

UP, DOWN, LEFT, RIGHT = b"\x1b[A", b"\x1b[B", b"\x1b[D", b"\x1b[C"
CTRL_D = b"\x04"


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def deadline_after(seconds=None):
    return time.monotonic() + (TIMEOUT if seconds is None else seconds)


# ---- a terminal emulator just big enough for what chat-client sends ----------------------

class Screen:
    """Rows of characters and a cursor. Understands printable text (UTF-8), CR, LF, BS, BEL
    and the CSI sequences K (erase), C/D (cursor right/left), H (home), J (erase screen) and
    m (colours, ignored here: tests check colours in the raw bytes)."""

    def __init__(self, columns=COLUMNS, rows=ROWS):
        self.columns, self.rows = columns, rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.scrolled_off = []        # rows that left the top, so nothing is missed
        self.row = self.col = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.state, self.params = None, ""
        self.bells = 0
        self.stray_controls = []      # control characters a terminal would have obeyed

    def feed(self, data):
        for ch in self.decoder.decode(data):
            self._put(ch)

    def _put(self, ch):
        if self.state == "esc":
            self.state = "csi" if ch == "[" else None
            self.params = ""
            if ch != "[":
                self.stray_controls.append("ESC " + ch)
            return
        if self.state == "csi":
            if "\x40" <= ch <= "\x7e":
                self.state = None
                self._csi(self.params, ch)
            else:
                self.params += ch
            return
        if ch == "\x1b":
            self.state = "esc"
        elif ch == "\r":
            self.col = 0
        elif ch == "\n":
            self._line_feed()
        elif ch == "\b":
            self.col = max(0, self.col - 1)
        elif ch == "\a":
            self.bells += 1
        elif ch < " " or "\x7f" <= ch <= "\x9f":
            self.stray_controls.append(repr(ch))
        else:
            if self.col >= self.columns:      # the terminal wraps before the next character
                self.col = 0
                self._line_feed()
            self.grid[self.row][self.col] = ch
            self.col += 1

    def _line_feed(self):
        if self.row == self.rows - 1:
            self.scrolled_off.append("".join(self.grid.pop(0)).rstrip())
            self.grid.append([" "] * self.columns)
        else:
            self.row += 1

    def _csi(self, params, final):
        numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        n = numbers[0] if numbers and numbers[0] > 0 else 1
        if final == "K":
            for c in range(min(self.col, self.columns), self.columns):
                self.grid[self.row][c] = " "
        elif final == "C":
            self.col = min(self.columns - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "H":
            self.row = (numbers[0] - 1) if len(numbers) > 0 and numbers[0] > 0 else 0
            self.col = (numbers[1] - 1) if len(numbers) > 1 and numbers[1] > 0 else 0
        elif final == "J" and numbers and numbers[0] == 2:
            self.grid = [[" "] * self.columns for _ in range(self.rows)]

    def line(self, row):
        return "".join(self.grid[row]).rstrip()

    def cursor_line(self):
        return self.line(self.row)

    def all_lines(self):
        return self.scrolled_off + [self.line(r) for r in range(self.rows)]

    def has_line(self, text):
        return text in self.all_lines()

    def dump(self):
        rows = [self.line(r) for r in range(self.rows)]
        while rows and not rows[-1] and len(rows) - 1 > self.row:
            rows.pop()
        marked = ["%s %r" % (">" if i == self.row else " ", r) for i, r in enumerate(rows)]
        return "\n".join(marked) + "\n  cursor at row %d column %d" % (self.row, self.col)


# ---- the pieces a test puts together ------------------------------------------------------

class Resources:
    """Everything a test started, stopped at the end whatever happened."""

    def __init__(self):
        self.cleanups = []

    def add(self, cleanup):
        self.cleanups.append(cleanup)

    def close(self):
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:
                pass


def stop_process(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=TIMEOUT)


class Server:
    def __init__(self, res, *extra):
        check(os.access(SERVER, os.X_OK), "server binary missing: %s (make bin/chat-async)" % SERVER)
        self.proc = subprocess.Popen([SERVER, "--port", "0", "--quiet", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        res.add(lambda: stop_process(self.proc))
        res.add(self.proc.stdout.close)
        line = self._read_line()
        match = re.match(rb"listening on ([0-9.]+):(\d+)$", line.strip())
        check(match, "server did not say 'listening on HOST:PORT', said %r" % line)
        self.port = int(match.group(2))

    def _read_line(self):
        fd, data, end = self.proc.stdout.fileno(), b"", deadline_after()
        while not data.endswith(b"\n"):
            left = end - time.monotonic()
            check(left > 0, "server printed no listening line in time")
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 256)
                check(chunk, "server exited before listening")
                data += chunk
        return data

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)


class Peer:
    """Another user of the room: a plain socket, so the test sees exactly what was sent."""

    def __init__(self, res, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        res.add(self.sock.close)
        self.buffer, self.lines, self.seen = b"", [], 0
        self.nick = self.expect(lambda l: l.startswith("* welcome ")).split()[2].rstrip(",")
        self.expect("* %s has joined" % self.nick)

    def send(self, text):
        self.sock.sendall(text.encode() + b"\n")

    def expect(self, wanted):
        """The next line (after the last one expected) equal to `wanted`, or for which the
        function `wanted` is true."""
        matches = wanted if callable(wanted) else (lambda line: line == wanted)
        end = deadline_after()
        while True:
            for i in range(self.seen, len(self.lines)):
                if matches(self.lines[i]):
                    self.seen = i + 1
                    return self.lines[i]
            left = end - time.monotonic()
            check(left > 0, "peer never received %r; it got %r" % (wanted, self.lines[-8:]))
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            check(data, "server closed the peer's connection waiting for %r" % (wanted,))
            self.buffer += data
            *complete, self.buffer = self.buffer.split(b"\n")
            self.lines += [l.decode("utf-8", "replace") for l in complete]


class TtyClient:
    """chat-client with stdin and stdout on a pseudo-terminal, stderr on a pipe."""

    def __init__(self, res, *args, env_extra=None):
        self.master, self.slave = os.openpty()
        res.add(lambda: os.close(self.master))
        res.add(lambda: os.close(self.slave))
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.initial_modes = termios.tcgetattr(self.slave)
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        env.update({"TERM": "xterm", "LC_ALL": "C.UTF-8"}, **(env_extra or {}))
        self.proc = subprocess.Popen([CLIENT, *args], stdin=self.slave, stdout=self.slave,
                                     stderr=subprocess.PIPE, env=env, start_new_session=True)
        res.add(lambda: stop_process(self.proc))
        res.add(self.proc.stderr.close)
        self.screen, self.raw = Screen(), b""

    def _pump(self, seconds):
        """Take what the client wrote within `seconds` (returns as soon as something came)."""
        if select.select([self.master], [], [], max(0, seconds))[0]:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            self.raw += data
            self.screen.feed(data)

    def type(self, data):
        os.write(self.master, data)

    def wait_for(self, condition, what):
        end = deadline_after()
        while not condition():
            left = end - time.monotonic()
            check(left > 0, "timed out waiting for %s; the screen:\n%s" % (what, self.screen.dump()))
            if self.proc.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                raise TestFailure("client exited (%s) while waiting for %s; stderr %r; the "
                                  "screen:\n%s" % (self.proc.returncode, what,
                                                   self.proc.stderr.read(), self.screen.dump()))
            self._pump(min(left, 0.2))

    def wait_for_prompt(self, text):
        """The cursor row reads exactly `text` (prompt plus typed line, trailing spaces cut)."""
        self.wait_for(lambda: self.screen.cursor_line() == text, "the input row %r" % text)

    def wait_exit(self):
        """Keep reading the pty (so the client never blocks writing) until it exits."""
        end = deadline_after()
        while self.proc.poll() is None:
            left = end - time.monotonic()
            check(left > 0, "client did not exit; the screen:\n%s" % self.screen.dump())
            self._pump(min(left, 0.1))
        while select.select([self.master], [], [], 0)[0]:
            before = len(self.raw)
            self._pump(0)
            if len(self.raw) == before:
                break
        self.stderr = self.proc.stderr.read().decode("utf-8", "replace")
        return self.proc.returncode

    def check_terminal_restored(self):
        check(termios.tcgetattr(self.slave) == self.initial_modes,
              "terminal modes not restored after exit")


def run_piped(args, stdin_data=b"", timeout=None):
    """chat-client with pipes everywhere. Returns (status, stdout bytes, stderr text)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    proc = subprocess.run([CLIENT, *args], input=stdin_data, capture_output=True, env=env,
                          timeout=timeout or TIMEOUT)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def closed_port():
    """A port nobody listens on: bind one, note it, close it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def joined(res, *server_args):
    """A server and a peer already in the room."""
    server = Server(res, *server_args)
    return server, Peer(res, server.port)


def client_in_room(res, server, peer, *args):
    """A tty client that has joined (the peer saw it arrive); returns it and its nick."""
    client = TtyClient(res, *args, "127.0.0.1", str(server.port))
    nick = peer.expect(lambda l: l.endswith(" has joined")).split()[1]
    client.wait_for(lambda: client.screen.cursor_line().startswith(nick + ">"), "the prompt")
    return client, nick


# ---- the tests ----------------------------------------------------------------------------

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def bad_usage_exits_2(res):
    for args, complaint in ([["--bogus"], "unknown option"],
                            [["--nick", "no spaces"], "invalid nickname"],
                            [["--nick"], "needs a NAME"],
                            [["--color=purple"], "auto, always or never"],
                            [["127.0.0.1", "99999"], "invalid port"],
                            [["a", "1", "b"], "unexpected argument"]):
        status, out, err = run_piped(args)
        check(status == EXIT_USAGE, "%s: status %s, want %d" % (args, status, EXIT_USAGE))
        check(complaint in err and "usage:" in err, "%s: stderr %r" % (args, err))
    status, out, err = run_piped(["--help"])
    check(status == 0 and b"usage:" in out, "--help: status %s, %r" % (status, out[:80]))
    for code in range(0, 6):
        check(re.search(rb"^\s+%d\s" % code, out, re.M), "--help does not document status %d" % code)
    status, out, err = run_piped(["--version"])
    check(status == 0 and out.startswith(b"chat-client"), "--version: %s %r" % (status, out))


@test
def cannot_connect_exits_1(res):
    port = closed_port()
    status, out, err = run_piped(["127.0.0.1", str(port)])
    check(status == EXIT_CANNOT_CONNECT, "status %s, want %d" % (status, EXIT_CANNOT_CONNECT))
    check("cannot connect" in err and str(port) in err, "stderr %r" % err)


@test
def half_typed_line_survives_incoming_lines(res):
    server, peer = joined(res)
    client = TtyClient(res, "--nick", "alice", "127.0.0.1", str(server.port))
    peer.expect(lambda l: l.endswith(" is now known as alice"))
    client.wait_for_prompt("alice>")

    client.type(b"hello wor")
    client.wait_for_prompt("alice> hello wor")
    peer.send("first interruption")
    peer.send("second interruption")
    client.wait_for(lambda: client.screen.has_line("<%s> second interruption" % peer.nick),
                    "the peer's lines")
    client.wait_for_prompt("alice> hello wor")
    rows = client.screen
    check(rows.line(rows.row - 1) == "<%s> second interruption" % peer.nick and
          rows.line(rows.row - 2) == "<%s> first interruption" % peer.nick,
          "incoming lines not printed above the input row:\n" + rows.dump())
    check(rows.col == len("alice> hello wor"), "cursor not after the typed text:\n" + rows.dump())

    client.type(b"ld\r")
    peer.expect("<alice> hello world")
    client.wait_for(lambda: client.screen.has_line("<alice> hello world"), "our own line echoed")
    client.wait_for_prompt("alice>")

    # Editing in the middle of the line while a message arrives.
    client.type(b"abc" + LEFT + LEFT)
    client.wait_for(lambda: client.screen.col == len("alice> a"), "the cursor after 'a'")
    peer.send("third interruption")
    client.wait_for(lambda: client.screen.has_line("<%s> third interruption" % peer.nick),
                    "the third line")
    client.wait_for_prompt("alice> abc")
    check(client.screen.col == len("alice> a"), "cursor moved:\n" + client.screen.dump())
    client.type(b"X\r")
    peer.expect("<alice> aXbc")


@test
def long_typed_line_scrolls_and_is_sent_whole(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    text = "".join("%03d-" % i for i in range(40))      # 160 characters, two screens wide
    client.type(text.encode())
    client.wait_for(lambda: client.screen.cursor_line().endswith(text[-20:]), "the line's end")
    check(len(client.screen.cursor_line()) < COLUMNS, "input row wrapped:\n" + client.screen.dump())
    client.type(b"\x01")                                # Ctrl-A: back to the start
    client.wait_for(lambda: client.screen.cursor_line().startswith(nick + "> 000-001-"),
                    "the line's start")
    client.type(b"\r")
    peer.expect("<%s> %s" % (nick, text))


@test
def colours_on_a_terminal(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    peer.send("hello")
    peer.send("again")
    client.type(b"/nosuch\r")
    client.wait_for(lambda: client.screen.has_line("! unknown command: /nosuch (type /help)"),
                    "the error line")
    chat = re.findall(rb"<\x1b\[(\d+)m" + peer.nick.encode() + rb"\x1b\[0m> (hello|again)",
                      client.raw)
    check(len(chat) == 2, "peer's nick not coloured: %r" % client.raw[-300:])
    check(chat[0][0] == chat[1][0] and chat[0][0] != b"31", "nick colour not stable: %r" % chat)
    check(b"\x1b[2m* welcome " in client.raw, "notices not dimmed")
    check(b"\x1b[1;31m! unknown command" in client.raw, "errors not highlighted")


@test
def plain_text_when_piped(res):
    server, peer = joined(res)
    script = b"hello from a script\n/nosuch\n"
    status, out, err = run_piped(["127.0.0.1", str(server.port)], script)
    check(status == EXIT_LEFT, "status %s, stderr %r" % (status, err))
    check(b"\x1b" not in out, "escape codes in piped output: %r" % out)
    lines = out.decode().splitlines()
    nick = lines[0].split()[2].rstrip(",")
    for wanted in ("<%s> hello from a script" % nick, "! unknown command: /nosuch (type /help)",
                   "* %s has quit" % nick):
        check(wanted in lines, "%r missing from %r" % (wanted, lines))
    check(lines[-1] == "* %s has quit" % nick, "end of input did not /quit: %r" % lines[-1])
    peer.expect("<%s> hello from a script" % nick)

    status, out, err = run_piped(["--color=always", "127.0.0.1", str(server.port)], b"hi\n")
    check(status == EXIT_LEFT and b"\x1b[2m* welcome" in out, "--color=always: %r" % out[:100])


@test
def away_state_in_the_prompt(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.type(b"/brb lunch\r")
    peer.expect("* %s is away (lunch)" % nick)
    client.wait_for_prompt("%s (away)>" % nick)
    check(b"\x1b[1;33m(away)" in client.raw, "away marker not highlighted")
    client.type(b"/back\r")
    client.wait_for_prompt("%s>" % nick)
    client.type(b"/nick bob\r")
    client.wait_for_prompt("bob>")
    client.type(b"/brb\r")
    client.wait_for_prompt("bob (away)>")
    client.type(b"speaking ends the absence\r")       # the server does an implicit /back
    peer.expect("<bob> speaking ends the absence")
    client.wait_for_prompt("bob>")


@test
def history_recall_with_up_arrow(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.type(b"first line\r")
    peer.expect("<%s> first line" % nick)
    client.type(b"second line\r")
    peer.expect("<%s> second line" % nick)
    client.wait_for_prompt(nick + ">")
    client.type(b"draft")
    client.type(UP)
    client.wait_for_prompt(nick + "> second line")
    client.type(UP)
    client.wait_for_prompt(nick + "> first line")
    client.type(UP)                                    # nothing older: stays, rings the bell
    client.wait_for(lambda: client.screen.bells > 0, "the bell")
    client.type(DOWN)
    client.wait_for_prompt(nick + "> second line")
    client.type(DOWN)
    client.wait_for_prompt(nick + "> draft")
    client.type(b"\x15" + UP + UP + b" again\r")       # Ctrl-U, recall, edit, send
    peer.expect("<%s> first line again" % nick)


@test
def quit_command_exits_0(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.type(b"/quit see you\r")
    peer.expect("* %s has quit (see you)" % nick)
    status = client.wait_exit()
    check(status == EXIT_LEFT, "status %s, stderr %r" % (status, client.stderr))
    check(client.stderr == "", "unexpected stderr %r" % client.stderr)
    check(client.screen.has_line("* %s has quit (see you)" % nick), "own quit line not shown")
    client.check_terminal_restored()


@test
def ctrl_d_exits_0(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.type(CTRL_D)
    peer.expect("* %s has quit" % nick)
    status = client.wait_exit()
    check(status == EXIT_LEFT, "status %s, stderr %r" % (status, client.stderr))
    client.check_terminal_restored()


@test
def ctrl_c_leaves_too(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.type(b"unsent words\x03")
    peer.expect("* %s has quit" % nick)
    status = client.wait_exit()
    check(status == EXIT_LEFT, "status %s, stderr %r" % (status, client.stderr))
    check(not any(l.startswith("<") for l in peer.lines), "half line was sent: %r" % peer.lines)
    client.check_terminal_restored()


@test
def server_that_ignores_quit_is_left_after_a_bounded_wait(res):
    # A server that welcomes us and then never answers nor closes.
    listener = socket.socket()
    res.add(listener.close)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(TIMEOUT)
    received = []

    def mute_server():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"* welcome guest1, 1 users online, type /help for commands\n")
            conn.settimeout(TIMEOUT)
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                received.append(data)

    thread = threading.Thread(target=mute_server, daemon=True)
    thread.start()
    started = time.monotonic()
    status, out, err = run_piped(["127.0.0.1", str(listener.getsockname()[1])])
    thread.join(TIMEOUT)
    check(status == EXIT_LEFT, "status %s, stderr %r" % (status, err))
    check(b"".join(received) == b"/quit\n", "server got %r" % received)
    check("did not close" in err, "stderr %r" % err)
    check(time.monotonic() - started < TIMEOUT, "waited too long")


@test
def server_gone_exits_3(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.type(b"half typed")
    client.wait_for_prompt(nick + "> half typed")
    server.terminate()
    status = client.wait_exit()
    check(status == EXIT_CONNECTION_LOST, "status %s, stderr %r" % (status, client.stderr))
    check("server shut down" in client.stderr, "stderr %r" % client.stderr)
    check(client.screen.has_line("* server is shutting down"), "notice not shown")
    client.check_terminal_restored()


@test
def server_full_exits_4(res):
    server, peer = joined(res, "--max-clients", "1")
    client = TtyClient(res, "--nick", "late", "127.0.0.1", str(server.port))
    status = client.wait_exit()
    check(status == EXIT_SERVER_FULL, "status %s, stderr %r" % (status, client.stderr))
    check("server full (max 1 users)" in client.stderr, "stderr %r" % client.stderr)
    client.check_terminal_restored()


@test
def killed_by_sigterm_restores_terminal(res):
    server, peer = joined(res)
    client, nick = client_in_room(res, server, peer)
    client.proc.send_signal(signal.SIGTERM)
    status = client.wait_exit()
    check(status == -signal.SIGTERM, "status %s, want death by SIGTERM" % status)
    client.check_terminal_restored()


class HostileServer:
    """Sends whatever bytes the test likes to the first client, then closes."""

    def __init__(self, res, payload):
        self.listener = socket.socket()
        res.add(self.listener.close)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.payload = payload

    def serve(self):
        """Accept and send in a thread: the test must keep reading the client's output
        meanwhile, or a client blocked on a full terminal would stop reading the socket."""
        def send():
            conn, _ = self.listener.accept()
            with conn:
                conn.sendall(self.payload)
                conn.shutdown(socket.SHUT_WR)
        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        return thread


HOSTILE = (b"* welcome evil, 1 users online, type /help for commands\n"
           b"<evil> \x1b[2J\x1b]0;pwned\x07 bell\x00nul \xff\xfe bad \xc2\x9b c1 \xe2\x82\xac ok\n"
           + b"A" * 200000 + b"\n"
           b"<evil> after the long line\n"
           b"no newline at the end")


@test
def hostile_bytes_are_neutralised_on_a_terminal(res):
    hostile = HostileServer(res, HOSTILE)
    client = TtyClient(res, "127.0.0.1", str(hostile.port))
    sender = hostile.serve()
    status = client.wait_exit()
    sender.join(TIMEOUT)
    check(status == EXIT_CONNECTION_LOST, "status %s, stderr %r" % (status, client.stderr))
    for bad in (b"\x1b[2J", b"\x1b]", b"\x00", b"\x07", b"\xff", b"\xc2\x9b"):
        check(bad not in client.raw, "%r reached the terminal" % bad)
    check(not client.screen.stray_controls, "controls: %r" % client.screen.stray_controls[:5])
    lines = client.screen.all_lines()
    check("<evil> ?[2J?]0;pwned? bell?nul ?? bad ?? c1 \u20ac ok" in lines,
          "sanitised line not shown as expected:\n" + client.screen.dump())
    check(any(l.endswith("AAAA [...]") for l in lines), "cut marker missing")
    for wanted in ("<evil> after the long line", "no newline at the end"):
        check(wanted in lines, "%r not shown:\n%s" % (wanted, client.screen.dump()))


@test
def hostile_bytes_pass_verbatim_when_piped(res):
    hostile = HostileServer(res, HOSTILE)
    # stdin stays open (we hold the pipe's write end): end of input would send /quit, and
    # this test is about the server closing first.
    stdin_read, stdin_write = os.pipe()
    res.add(lambda: os.close(stdin_write))
    proc = subprocess.Popen([CLIENT, "127.0.0.1", str(hostile.port)], stdin=stdin_read,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(stdin_read)
    res.add(lambda: stop_process(proc))
    sender = hostile.serve()
    out, err = proc.communicate(timeout=TIMEOUT)
    sender.join(TIMEOUT)
    check(proc.returncode == EXIT_CONNECTION_LOST, "status %s, %r" % (proc.returncode, err))
    lines = out.split(b"\n")
    check(lines[1] == HOSTILE.split(b"\n")[1], "line not verbatim: %r" % lines[1])
    check(lines[2] == b"A" * 65536, "long line not cut to 64 KiB: %d bytes" % len(lines[2]))
    check(lines[3:] == [b"<evil> after the long line", b"no newline at the end", b""],
          "rest: %r" % lines[3:])


# ---- runner -------------------------------------------------------------------------------

def main():
    wanted = sys.argv[1:]
    selected = [t for t in TESTS if not wanted or t.__name__ in wanted]
    passed = failed = 0
    for fn in selected:
        res = Resources()
        started = time.monotonic()
        try:
            fn(res)
        except TestFailure as e:
            failed += 1
            print("FAIL %s: %s" % (fn.__name__, e))
        except Exception:
            failed += 1
            print("FAIL %s: %s" % (fn.__name__, traceback.format_exc().strip()))
        else:
            passed += 1
            print("ok   %s (%.1fs)" % (fn.__name__, time.monotonic() - started))
        finally:
            res.close()
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
