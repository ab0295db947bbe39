"""chatdriver - start a chatlab server and drive scripted clients against it.

Used by run_scenarios.py and by the Python scenarios in scenarios/*.py. Standard library only.

    server = Server("bin/chat-async", ["--backlog", "8"])   # starts it, waits for "listening on"
    alice = Client(server, "alice")                           # connects
    alice.join("guest1", 1)                                   # welcome, history, own join line
    alice.send("/nick alice")
    alice.expect_line("* guest1 is now known as alice")
    alice.close()
    server.stop()                                             # SIGTERM, must exit 0

Every wait has a timeout (seconds, multiplied by timeout_scale) and every failure raises a
ScenarioFailure whose message says what was expected and what arrived instead.
"""

import collections
import os
import re
import resource
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time

DEFAULT_TIMEOUT = 5.0       # seconds to wait for an expected line (times timeout_scale)
START_TIMEOUT = 5.0         # seconds for the server to print "listening on HOST:PORT"
STOP_TIMEOUT = 5.0          # seconds for the server to exit after SIGTERM
HOST = "127.0.0.1"

LISTENING_RE = re.compile(r"listening on (\d{1,3}(?:\.\d{1,3}){3}):([1-9]\d{0,4})")
WELCOME_RE = re.compile(r"\* welcome ([A-Za-z][A-Za-z0-9_-]{0,15}), (\d+) users online, "
                        r"type /help for commands")
HISTORY_RE = re.compile(r"\* history: (\d+) lines")
RENAME_RE = re.compile(r"\* (\S+) is now known as (\S+)")
TOO_SLOW_RE = re.compile(r"\* (\S+) has quit \(too slow\)")
QUIT_LINE_RE = re.compile(rb"^[ \t]*(/quit(?:[ \t][^\n]*)?)(?=\n)", re.I | re.M)
# How long a failure message waits for evidence of why a connection closed (the room's
# "* NICK has quit (too slow)" may still be on its way to the other clients), times the scale.
WHY_CLOSED_WAIT = 0.3

# A sanitizer report in the server's stderr (ThreadSanitizer, AddressSanitizer, LeakSanitizer,
# UndefinedBehaviorSanitizer).
SANITIZER_RE = re.compile(
    r"(?:WARNING|ERROR): (?:ThreadSanitizer|AddressSanitizer|LeakSanitizer|"
    r"UndefinedBehaviorSanitizer|MemorySanitizer)|runtime error:")


class ScenarioFailure(AssertionError):
    """A scenario did not go as expected. `kind` is one of fail, timeout, crash."""
    kind = "fail"

    def __init__(self, message, kind=None):
        super().__init__(message)
        if kind:
            self.kind = kind


class ExpectTimeout(ScenarioFailure):
    """The expected thing did not happen within the time allowed."""
    kind = "timeout"


class ServerCrash(ScenarioFailure):
    """The server died, exited with the wrong status, or printed a sanitizer report."""
    kind = "crash"


def raise_fd_limit():
    """Raise the soft RLIMIT_NOFILE to the hard limit (inherited by servers we start), so that
    a scenario can open 1100+ connections."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        pass


def context_switches(pid):
    """Context switches, voluntary and not, summed over every thread of process pid, from the
    kernel's accounting (/proc/PID/task/*/status): a thread put to sleep and woken costs one."""
    total = 0
    task_dir = "/proc/%d/task" % pid
    for tid in os.listdir(task_dir):
        try:
            with open(os.path.join(task_dir, tid, "status")) as f:
                for row in f:
                    if row.startswith(("voluntary_ctxt_switches:",
                                       "nonvoluntary_ctxt_switches:")):
                        total += int(row.split()[1])
        except OSError:
            pass            # a thread that ended meanwhile
    return total


def describe_status(returncode):
    """'exit status 3' or 'killed by signal SIGSEGV' for a Popen returncode."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return "killed by signal " + signal.Signals(-returncode).name
        except ValueError:
            return "killed by signal %d" % -returncode
    return "exit status %d" % returncode


def show(data, limit=120):
    """A short, printable form of a line or bytes for error messages."""
    text = repr(data)
    if len(text) > limit:
        text = text[:limit - 15] + "...(%d chars)" % len(data)
    return text


def tail_text(text, lines=8):
    """The last few lines of a text, indented, for error messages ('' if empty)."""
    rows = text.rstrip("\n").split("\n")[-lines:]
    rows = [r if len(r) <= 200 else r[:190] + "..." for r in rows]
    return "\n".join("    " + r for r in rows) if text.strip() else ""


def sanitizer_excerpt(text, lines=40):
    """The first sanitizer report in text (up to its SUMMARY line, at most `lines` lines), or
    None."""
    m = SANITIZER_RE.search(text)
    if not m:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    rows = text[start:].split("\n")[:lines]
    for i, row in enumerate(rows):
        if row.startswith("SUMMARY:"):
            rows = rows[:i + 1]
            break
    return "\n".join(rows)


class Server:
    """One server process.

    Server(binary, extra_args, timeout_scale) starts `binary --port 0 EXTRA_ARGS` (no --port 0
    if EXTRA_ARGS has its own --port), with stderr going to a file (self.stderr_path) and
    stdout to a pipe, and waits for its one stdout line `listening on HOST:PORT`.
    With start=False, call start() or run() yourself.
    """

    def __init__(self, binary, extra_args=(), timeout_scale=1.0, start=True, env=None,
                 nofile=None):
        self.binary = binary
        self.nofile = nofile            # RLIMIT_NOFILE (soft and hard) for the server, or None
        self.extra_args = [str(a) for a in extra_args]
        self.scale = timeout_scale
        self.env = env
        self.proc = None
        self.host = None
        self.port = None
        self.args = None
        self.stderr_path = None
        self.listening_line = None
        self.exit_checked = False       # the scenario itself expected the exit
        self.asked_to_stop = False      # the scenario sent it SIGTERM or SIGINT
        self.clients = []               # every Client made for this server (why_closed())
        self._stdout = bytearray()
        self._stdout_thread = None
        if start:
            self.start()

    # -- starting ------------------------------------------------------------------------
    def _spawn(self, args):
        raise_fd_limit()
        fd, self.stderr_path = tempfile.mkstemp(prefix="chatlab-stderr-", suffix=".log")
        self.args = [self.binary] + list(args)
        self.exit_checked = False
        self._stdout = bytearray()
        try:
            # start_new_session: a Ctrl-C in the terminal reaches the runner, not the server.
            # Popen restores SIGPIPE to its default in the child, as in a normal shell.
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=fd, close_fds=True,
                                         start_new_session=True, env=self.env,
                                         preexec_fn=self._limit_fds if self.nofile else None)
        except OSError as e:
            raise ScenarioFailure("cannot start %s: %s" % (self.binary, e))
        finally:
            os.close(fd)

    def _limit_fds(self):
        """In the child, before exec: both limits, so the server cannot raise its own."""
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))

    def _drain_stdout(self):
        """Collect whatever else the server writes on stdout (so it can never block)."""
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self._stdout += chunk

    def start(self):
        """Start the server and wait for `listening on HOST:PORT`."""
        args = list(self.extra_args)
        if "--port" not in args:
            args = ["--port", "0"] + args
        self._spawn(args)
        limit = START_TIMEOUT * self.scale
        deadline = time.monotonic() + limit
        fd = self.proc.stdout.fileno()
        data = b""
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise ServerCrash("server did not print 'listening on HOST:PORT' within %.1fs "
                                  "(stdout so far: %s)%s" % (limit, show(data), self._stderr_note()))
            if not poller.poll(left * 1000):
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                self.wait(1.0 * self.scale)
                raise ServerCrash("server %s before printing 'listening on HOST:PORT' "
                                  "(stdout: %s)%s" % (self._status_text(), show(data),
                                                      self._stderr_note()))
            data += chunk
        line, _, rest = data.partition(b"\n")
        self._stdout += data
        self.listening_line = line.decode("utf-8", "replace")
        m = LISTENING_RE.fullmatch(self.listening_line)
        if not m:
            self.kill()
            raise ScenarioFailure("the first stdout line should be 'listening on HOST:PORT', "
                                  "got %s" % show(self.listening_line))
        self.host, self.port = m.group(1), int(m.group(2))
        self._stdout_thread = threading.Thread(target=self._drain_stdout, daemon=True)
        self._stdout_thread.start()
        return self

    def run(self, args):
        """Start the binary with exactly ARGS (no --port 0, no waiting for the listening
        line): for command-line checks such as --help. Use wait()/expect_exit() next."""
        self._spawn([str(a) for a in args])
        self._stdout_thread = threading.Thread(target=self._drain_stdout, daemon=True)
        self._stdout_thread.start()
        return self

    # -- looking at it -------------------------------------------------------------------
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        """Everything the server wrote on stderr so far."""
        if not self.stderr_path:
            return ""
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stdout_text(self):
        """Everything the server wrote on stdout, the listening line included. Complete once
        the process has exited."""
        if self._stdout_thread and not self.alive():
            self._stdout_thread.join(2.0)
        return bytes(self._stdout).decode("utf-8", "replace")

    def extra_stdout(self):
        """What a started server wrote on stdout after its listening line (should be nothing)."""
        return self.stdout_text().partition("\n")[2]

    def _status_text(self):
        return "exited (%s)" % describe_status(self.proc.returncode) if self.proc else "not started"

    def _stderr_note(self):
        t = tail_text(self.stderr_text())
        return "\n  server stderr (last lines):\n" + t if t else ""

    def sanitizer_report(self):
        return sanitizer_excerpt(self.stderr_text())

    def rss_kib(self):
        """The server's resident memory in KiB (from /proc), or None."""
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for row in f:
                    if row.startswith("VmRSS:"):
                        return int(row.split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return None

    # -- stopping ------------------------------------------------------------------------
    def send_signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)
            if sig in (signal.SIGTERM, signal.SIGINT):
                self.asked_to_stop = True

    def stopped_as_asked(self):
        """The scenario sent SIGTERM/SIGINT and the server exited 0, as it must: no crash."""
        return self.asked_to_stop and not self.alive() and self.proc.returncode == 0

    def wait(self, timeout):
        """Wait up to timeout seconds for the process to exit; its returncode or None."""
        try:
            return self.proc.wait(timeout=max(timeout, 0.01))
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """SIGKILL the server and anything it started (it leads its own process group)."""
        if self.proc is None:
            return
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            self.wait(5.0)

    def expect_exit(self, status=0, timeout=None, what="exit"):
        """Wait for the process to exit and check its status; kill it and fail otherwise."""
        limit = (timeout if timeout is not None else STOP_TIMEOUT) * self.scale
        rc = self.wait(limit)
        if rc is None:
            self.kill()
            raise ServerCrash("server did not %s within %.1fs (killed it)%s"
                              % (what, limit, self._stderr_note()))
        self.exit_checked = True
        if rc != status:
            raise ServerCrash("server %s, expected exit status %d%s"
                              % (self._status_text(), status, self._stderr_note()))
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=None):
        """Send SIGTERM (or sig) and require exit status 0 within the stop timeout."""
        if self.proc is None:
            return
        if not self.alive():
            if self.exit_checked:
                return
            raise ServerCrash("server had already %s before it was stopped%s"
                              % (self._status_text(), self._stderr_note()))
        self.proc.send_signal(sig)
        self.expect_exit(0, timeout, what="exit after %s" % signal.Signals(sig).name)

    def cleanup(self):
        """Kill the process if still running and remove the stderr file."""
        self.kill()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self.stderr_path:
            try:
                os.unlink(self.stderr_path)
            except OSError:
                pass
            self.stderr_path = None


class Client:
    """One TCP client of a server, reading the server's lines strictly in order.

    expect(regex) fails unless the NEXT unread line matches; it never skips lines.
    Lines are decoded as UTF-8 (invalid bytes are kept as surrogate escapes).
    """

    def __init__(self, server, name="client", timeout_scale=None, connect=True, rcvbuf=None,
                 host=None, port=None, mss=None):
        self.name = name
        self.host = host or (server.host if server else HOST)
        self.port = port or (server.port if server else None)
        self.server = server
        self.scale = timeout_scale if timeout_scale is not None else \
            (server.scale if server else 1.0)
        self.rcvbuf = rcvbuf
        self.mss = mss              # TCP_MAXSEG before connecting: the server's send buffer
        self.sock = None            # to this client is sized from it (small: fills sooner)
        self.buf = b""
        self.closed = None          # None while open; "closed" (EOF) or "reset" once it ended
        self.lines_read = 0
        self.last_lines = collections.deque(maxlen=6)
        self.nick = None            # from join(), rename(), or the welcome and rename lines read
        self.sent_quit = None       # the /quit line this client sent, if it sent one
        self.too_slow_seen = set()  # nicks this client read "* NICK has quit (too slow)" about
        siblings = getattr(server, "clients", None)
        if isinstance(siblings, list):
            siblings.append(self)
        if connect:
            self.connect()

    def __repr__(self):
        return "Client(%s)" % self.name

    def timeout(self, seconds=None):
        """A timeout in seconds, scaled (None means the default)."""
        return (DEFAULT_TIMEOUT if seconds is None else seconds) * self.scale

    # -- connecting and sending ----------------------------------------------------------
    def connect(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        if self.mss:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, self.mss)
        s.settimeout(self.timeout())
        try:
            s.connect((self.host, self.port))
        except OSError as e:
            s.close()
            raise ScenarioFailure("%s: cannot connect to %s:%s: %s%s"
                                  % (self.name, self.host, self.port, e, self._server_note()))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = s
        self._poller = select.poll()
        self._poller.register(s.fileno(), select.POLLIN)
        return self

    def send(self, text):
        """Send one line: text plus "\\n"."""
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogateescape")
        self.send_raw(text + b"\n")

    def send_raw(self, data, timeout=None):
        """Send bytes exactly as given (no newline added)."""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        if self.sock is None:
            raise ScenarioFailure("%s: send on a connection that is not open" % self.name)
        for m in QUIT_LINE_RE.finditer(data):
            self.sent_quit = m.group(1).strip().decode("utf-8", "surrogateescape")
        self.sock.settimeout(self.timeout(timeout) + len(data) / 1e6)
        try:
            self.sock.sendall(data)
        except socket.timeout:
            raise ExpectTimeout("%s: could not send %d bytes within %.1fs (the server is not "
                                "reading)" % (self.name, len(data), self.sock.gettimeout()))
        except OSError as e:
            why = self.why_closed()
            raise ScenarioFailure("%s: send failed: %s (%s)%s"
                                  % (self.name, e, why or "the server closed the connection?",
                                     "" if why else self._server_note()))

    # -- receiving -----------------------------------------------------------------------
    def _fill(self, deadline):
        """Read more bytes into self.buf; False on timeout. Sets self.closed at EOF/reset."""
        left = deadline - time.monotonic()
        if left < 0:
            left = 0
        if not self._poller.poll(left * 1000):
            return False
        try:
            chunk = self.sock.recv(262144, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return True
        except ConnectionResetError:
            self.closed = "reset"
            return True
        except OSError as e:
            self.closed = "error: %s" % e
            return True
        if not chunk:
            self.closed = "closed"
        self.buf += chunk
        return True

    def has_line(self):
        return b"\n" in self.buf

    def read_line(self, timeout=None):
        """The next line (str, without "\\n"); None if the connection ended first.
        Raises ExpectTimeout if nothing complete arrives in time."""
        limit = self.timeout(timeout)
        deadline = time.monotonic() + limit
        while b"\n" not in self.buf:
            if self.closed or self.sock is None:
                return None
            if not self._fill(deadline) and time.monotonic() >= deadline:
                raise ExpectTimeout("%s: no line within %.1fs%s"
                                    % (self.name, limit, self._context()))
        raw, _, self.buf = self.buf.partition(b"\n")
        line = raw.decode("utf-8", "surrogateescape")
        self._saw(line)
        return line

    def _saw(self, line):
        """Account for one line read: the count, the last lines, and what failure messages
        need later (this client's nick, who was cut off as too slow)."""
        self.lines_read += 1
        self.last_lines.append(line)
        if line.startswith("* "):
            m = WELCOME_RE.fullmatch(line)
            if m and self.nick is None:
                self.nick = m.group(1)
            m = RENAME_RE.fullmatch(line)
            if m and m.group(1) == self.nick:
                self.nick = m.group(2)
            m = TOO_SLOW_RE.fullmatch(line)
            if m:
                self.too_slow_seen.add(m.group(1))

    def _next_for(self, what, timeout):
        limit = self.timeout(timeout)
        try:
            line = self.read_line(timeout)
        except ExpectTimeout:
            raise ExpectTimeout("%s: expected %s within %.1fs, got nothing%s"
                                % (self.name, what, limit, self._context()))
        if line is None:
            raise ScenarioFailure("%s: expected %s, got %s%s"
                                  % (self.name, what, self.closed_text(), self._context()))
        return line

    def expect(self, regex, timeout=None):
        """The next line must match regex (whole line). Returns the match object."""
        pattern = regex if hasattr(regex, "fullmatch") else re.compile(regex)
        what = "a line matching /%s/" % pattern.pattern
        line = self._next_for(what, timeout)
        m = pattern.fullmatch(line)
        if not m:
            raise ScenarioFailure("%s: expected %s, got %s%s"
                                  % (self.name, what, show(line), self._context(skip_last=1)))
        return m

    def expect_line(self, text, timeout=None):
        """The next line must be exactly text."""
        line = self._next_for(show(text), timeout)
        if line != text:
            raise ScenarioFailure("%s: expected %s, got %s%s"
                                  % (self.name, show(text), show(line),
                                     self._context(skip_last=1)))
        return line

    def expect_lines(self, texts, timeout=None):
        for t in texts:
            self.expect_line(t, timeout)

    def expect_closed(self, timeout=None):
        """The server must close the connection (EOF or reset) before sending another line."""
        limit = self.timeout(timeout)
        deadline = time.monotonic() + limit
        while not self.closed:
            if b"\n" in self.buf:
                break
            if not self._fill(deadline) and time.monotonic() >= deadline:
                raise ExpectTimeout("%s: expected the server to close the connection within "
                                    "%.1fs, it is still open%s" % (self.name, limit,
                                                                    self._context()))
        if b"\n" in self.buf:
            line = self.read_line(0)
            raise ScenarioFailure("%s: expected the connection to close, got %s%s"
                                  % (self.name, show(line), self._context(skip_last=1)))
        if self.buf:
            raise ScenarioFailure("%s: the connection closed after an unterminated line %s"
                                  % (self.name, show(self.buf)))
        return self.closed

    def expect_silence(self, ms):
        """No complete line may arrive during ms milliseconds (scaled)."""
        deadline = time.monotonic() + ms / 1000.0 * self.scale
        while b"\n" not in self.buf and not self.closed and time.monotonic() < deadline:
            self._fill(deadline)
        if b"\n" in self.buf:
            line = self.read_line(0)
            raise ScenarioFailure("%s: expected no line for %d ms, got %s%s"
                                  % (self.name, ms, show(line), self._context(skip_last=1)))

    def read_until(self, predicate, timeout=None, max_lines=100000, what="a matching line"):
        """Read lines until predicate(line) is true; return the lines read before it and the
        matching line. Bounded by max_lines and the timeout (for the whole wait)."""
        limit = self.timeout(timeout)
        deadline = time.monotonic() + limit
        skipped = []
        for _ in range(max_lines):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                line = self.read_line(left / self.scale)
            except ExpectTimeout:
                break
            if line is None:
                raise ScenarioFailure("%s: expected %s, got %s%s"
                                      % (self.name, what, self.closed_text(), self._context()))
            if predicate(line):
                return skipped, line
            skipped.append(line)
        raise ExpectTimeout("%s: expected %s within %.1fs (%d lines read meanwhile)%s"
                            % (self.name, what, limit, len(skipped), self._context()))

    # -- convenience ---------------------------------------------------------------------
    def join(self, nick=None, users=None, timeout=None):
        """Expect the welcome (for nick and users if given), skip any history block, and
        expect the client's own join line. Returns the nick."""
        m = self.expect(WELCOME_RE, timeout)
        if nick is not None and m.group(1) != nick or users is not None and int(m.group(2)) != users:
            raise ScenarioFailure("%s: expected the welcome for %s with %s users online, got %s"
                                  % (self.name, nick or "any nick", users if users is not None
                                     else "any number of", show(m.group(0))))
        got = m.group(1)
        line = self._next_for("'* history: K lines' or '* %s has joined'" % got, timeout)
        h = HISTORY_RE.fullmatch(line)
        if h:
            for _ in range(int(h.group(1))):
                self._next_for("a history line", timeout)
            self.expect_line("* end of history", timeout)
            line = self._next_for("'* %s has joined'" % got, timeout)
        if line != "* %s has joined" % got:
            raise ScenarioFailure("%s: expected %s, got %s" % (self.name, show("* %s has joined"
                                                                           % got), show(line)))
        self.nick = got
        return got

    def rename(self, nick, timeout=None):
        """/nick NICK and wait for its own rename line (other clients also get it)."""
        old = self.nick
        self.send("/nick " + nick)
        self.expect_line("* %s is now known as %s" % (old, nick), timeout)
        self.nick = nick

    # -- closing -------------------------------------------------------------------------
    def close(self):
        """Graceful close (FIN)."""
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def reset(self):
        """Abrupt close: SO_LINGER 0 makes the kernel send RST instead of FIN."""
        if self.sock is not None:
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self.close()

    # -- error context -------------------------------------------------------------------
    def closed_text(self):
        """'the connection closed', and why when that is known, for failure messages."""
        why = self.why_closed()
        if why:
            return "the connection %s: %s" % (self.closed or "closed", why)
        return "the connection %s%s" % (self.closed or "closed", self._server_note())

    def why_closed(self, wait=None):
        """Why this client's connection ended, as far as the driver can tell, or "":
        the client sent /quit itself; the server process exited; the server cut this client
        off as too slow (some client of the same server received '* NICK has quit (too
        slow)' about it, or has it unread in its socket); the server was shutting down; the
        server was full. Waits up to WHY_CLOSED_WAIT seconds (scaled) for the too-slow line
        or the server's exit to show up, since both can trail the close itself."""
        if self.sent_quit is not None:
            return "this client had sent %s itself" % show(self.sent_quit)
        srv = self.server
        wait = WHY_CLOSED_WAIT * self.scale if wait is None else wait
        deadline = time.monotonic() + wait
        while True:
            if isinstance(srv, Server) and srv.proc is not None and not srv.alive():
                how = "the server process had exited (%s)" % describe_status(srv.proc.returncode)
                if srv.asked_to_stop:
                    how += " after the scenario sent it SIGTERM/SIGINT"
                return how
            who = self._too_slow_witness()
            if who is not None:
                return "the server cut %s off as too slow (%s received %s)" % (
                    self.nick, who, show("* %s has quit (too slow)" % self.nick))
            if time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        last = list(self.last_lines)
        if "* server is shutting down" in last:
            return "the server was shutting down (this client received its notice)"
        if last and last[-1].startswith("! server full"):
            return "the server was full (%s)" % show(last[-1])
        return ""

    def _too_slow_witness(self):
        """The name of a client of the same server that has received (read, buffered or still
        unread in its socket) '* NICK has quit (too slow)' about this client, or None."""
        if not self.nick:
            return None
        line = "* %s has quit (too slow)" % self.nick
        wanted = line.encode() + b"\n"
        siblings = getattr(self.server, "clients", None) or [self]
        for c in siblings:
            if self.nick in c.too_slow_seen or wanted in c.buf or line in c.last_lines:
                return c.name
            if c is not self and c.sock is not None and not c.closed:
                try:
                    peek = c.sock.recv(1 << 20, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except OSError:
                    continue
                if wanted in c.buf[-len(wanted):] + peek:
                    return c.name
        return None

    def _context(self, skip_last=0):
        lines = list(self.last_lines)
        if skip_last:
            lines = lines[:-skip_last]
        parts = []
        if lines:
            parts.append("\n  last lines read by %s before it: %s"
                         % (self.name, " | ".join(show(l, 80) for l in lines[-4:])))
        if self.buf:
            parts.append("\n  unterminated data: %s" % show(self.buf))
        return "".join(parts)

    def _server_note(self):
        if self.server is not None and self.server.proc is not None and not self.server.alive() \
                and not self.server.exit_checked:
            return "\n  the server has %s" % self.server._status_text()
        return ""


class Collector:
    """Reads every line of a client in a background thread (for floods, where the strict
    expect() style would be too slow or a client must keep reading while others send).

    Do not call the client's expect methods while a collector runs on it.
    """

    def __init__(self, client, seconds):
        self.client = client
        self.lines = []
        self.done = False           # the connection ended or the time ran out
        self.error = None
        self.cond = threading.Condition()
        self._stop = False
        self._deadline = time.monotonic() + seconds * client.scale
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        c = self.client
        try:
            while not self._stop and time.monotonic() < self._deadline:
                c._fill(min(self._deadline, time.monotonic() + 0.05))
                if b"\n" in c.buf:
                    *complete, c.buf = c.buf.split(b"\n")
                    new = [l.decode("utf-8", "surrogateescape") for l in complete]
                    for line in new:
                        c._saw(line)
                    with self.cond:
                        self.lines.extend(new)
                        self.cond.notify_all()
                if c.closed:
                    break
        except Exception as e:      # reported by wait_for
            self.error = e
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def wait_for(self, predicate, timeout, what):
        """Wait until predicate(lines) is true (checked after every batch of lines)."""
        limit = timeout * self.client.scale
        deadline = time.monotonic() + limit
        with self.cond:
            while not predicate(self.lines):
                left = deadline - time.monotonic()
                if self.done or left <= 0:
                    how = (self.client.closed_text() if self.client.closed
                           else "nothing more within %.1fs" % limit)
                    last = " | ".join(show(l, 80) for l in self.lines[-3:])
                    raise (ScenarioFailure if self.client.closed else ExpectTimeout)(
                        "%s: expected %s, got %s (%d lines read, last: %s)"
                        % (self.client.name, what, how, len(self.lines), last))
                self.cond.wait(min(left, 0.2))
            return list(self.lines)

    def wait_for_line(self, text, timeout):
        """Wait until a line equal to text has arrived (anywhere after the lines already
        checked by earlier wait_for_line calls); returns all lines so far."""
        state = {"i": getattr(self, "_scanned", 0)}

        def found(lines):
            while state["i"] < len(lines):
                if lines[state["i"]] == text:
                    return True
                state["i"] += 1
            return False
        lines = self.wait_for(found, timeout, show(text))
        self._scanned = state["i"] + 1
        return lines

    def stop(self):
        self._stop = True
        self.thread.join(5.0)
