"""scnfile - the plain-text scenario format (*.scn): parser and interpreter.

The format is described in harness/README.md. In short:

    # comment
    name: nick_change_broadcast
    tags: brb                          (optional, comma or space separated)
    server-args: --backlog 8           (optional)
    start: no                          (optional: do not start a server before the steps)

    a join guest1 1                    CLIENT VERB ARGUMENTS
    a send /nick alice
    a expect * guest1 is now known as alice
    server stop                        server VERB ARGUMENTS

parse_file(path) returns a ScnScenario, or raises ScnError("file:line: message").
"""

import re
import shlex
import signal
import time

import chatdriver
from chatdriver import ScenarioFailure, ExpectTimeout

NAME_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
ACTOR_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MAX_REPEAT = 10_000_000         # bytes or lines one {TEXT*N} or repeat step may produce
MAX_LINES_REPEAT = 100_000
VARIABLES = ("port", "host", "held_port", "free_port")


class ScnError(Exception):
    """A mistake in a .scn file; the message starts with file:line."""


# ---- text templates: escapes, {variables}, {TEXT*N} ------------------------------------------

ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "0": b"\x00", "e": b"\x1b", "s": b" ",
           "\\": b"\\", "{": b"{", "}": b"}"}


class Template:
    """Text with escapes (\\n \\r \\t \\0 \\e \\s \\\\ \\{ \\} \\xHH), variables ({port},
    {host}, {held_port}, and {i} in repeat steps) and repetition ({TEXT*N}).
    render(variables) gives bytes."""

    def __init__(self, text, where, allow_i=False):
        self.source = text
        self.parts = self._parse(text, where, allow_i)

    @staticmethod
    def _parse(text, where, allow_i):
        parts = []
        lit = bytearray()
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\\":
                if i + 1 >= len(text):
                    raise ScnError("%s: a lone backslash at the end (write \\\\ for one)" % where)
                e = text[i + 1]
                if e == "x":
                    hexd = text[i + 2:i + 4]
                    if not re.fullmatch(r"[0-9A-Fa-f]{2}", hexd):
                        raise ScnError("%s: \\x needs two hex digits, got %r" % (where, hexd))
                    lit.append(int(hexd, 16))
                    i += 4
                    continue
                if e not in ESCAPES:
                    raise ScnError("%s: unknown escape \\%s (known: \\n \\r \\t \\0 \\e \\s "
                                   "\\\\ \\{ \\} \\xHH)" % (where, e))
                lit += ESCAPES[e]
                i += 2
                continue
            if c == "{":
                j = i + 1
                while j < len(text) and text[j] != "}":
                    j += 2 if text[j] == "\\" else 1
                if j >= len(text):
                    raise ScnError("%s: '{' without '}' (write \\{ for a brace)" % where)
                inner = text[i + 1:j]
                if lit:
                    parts.append(bytes(lit))
                    lit = bytearray()
                if inner == "i" and allow_i:
                    parts.append(("var", "i"))
                elif inner in VARIABLES:
                    parts.append(("var", inner))
                elif "*" in inner:
                    body, _, count = inner.rpartition("*")
                    if not count.isdigit() or not body:
                        raise ScnError("%s: {%s} should be {TEXT*N} with N a number"
                                       % (where, inner))
                    sub = Template(body, where, allow_i)
                    n = int(count)
                    if n > MAX_REPEAT:
                        raise ScnError("%s: {%s}: at most %d repetitions" % (where, inner,
                                                                             MAX_REPEAT))
                    parts.append(("rep", sub, n))
                else:
                    known = ", ".join("{%s}" % v for v in VARIABLES + (("i",) if allow_i else ()))
                    raise ScnError("%s: unknown {%s} (known: %s, {TEXT*N}; write \\{ for a "
                                   "brace)" % (where, inner, known))
                i = j + 1
                continue
            lit += c.encode("utf-8")
            i += 1
        if lit:
            parts.append(bytes(lit))
        return parts

    def render(self, variables):
        out = bytearray()
        for p in self.parts:
            if isinstance(p, bytes):
                out += p
            elif p[0] == "var":
                if p[1] not in variables:
                    raise ScenarioFailure("{%s} is not defined yet ({held_port} needs "
                                          "'server hold-port' and {free_port} needs "
                                          "'server find-free-port' first)" % p[1])
                out += str(variables[p[1]]).encode()
            else:
                out += p[1].render(variables) * p[2]
        return bytes(out)


# ---- the steps -------------------------------------------------------------------------------

class Step:
    def __init__(self, where, lineno, actor, verb, timeout, arg, source):
        self.where = where          # "file:line"
        self.lineno = lineno
        self.actor = actor          # client name, or "server"
        self.verb = verb
        self.timeout = timeout      # seconds from "@S", or None
        self.arg = arg              # verb-specific, filled by the parser
        self.source = source        # the line as written


def _count(text, where, what, limit):
    if not text.isdigit() or not 0 < int(text) <= limit:
        raise ScnError("%s: %s must be a number from 1 to %d, got %r" % (where, what, limit,
                                                                         text))
    return int(text)


class Pattern:
    """A regular expression that may name variables ({port}, {host}, {held_port},
    {free_port}); they are replaced by their (escaped) values when the step runs."""

    VAR_RE = re.compile(r"\{(%s)\}" % "|".join(VARIABLES))

    def __init__(self, text, where):
        self.source = text
        try:
            self.compiled = re.compile(self.VAR_RE.sub("0", text))
        except re.error as e:
            raise ScnError("%s: bad regular expression %r: %s" % (where, text, e))
        if not self.VAR_RE.search(text):
            self.compiled = re.compile(text)

    def get(self, variables):
        if not self.VAR_RE.search(self.source):
            return self.compiled

        def value(m):
            if m.group(1) not in variables:
                raise ScenarioFailure("{%s} is not defined yet" % m.group(1))
            return re.escape(str(variables[m.group(1)]))
        return re.compile(self.VAR_RE.sub(value, self.source))


def _regex(text, where):
    if not text:
        raise ScnError("%s: a regular expression is needed" % where)
    return Pattern(text, where)


def _need(rest, where, verb, what):
    if not rest:
        raise ScnError("%s: '%s' needs %s" % (where, verb, what))
    return rest


def _none(rest, where, verb):
    if rest:
        raise ScnError("%s: '%s' takes no argument, got %r" % (where, verb, rest))
    return None


def _count_and_template(rest, where, verb):
    """"N TEMPLATE" ({i} = 1..N) or "A..B TEMPLATE" ({i} = A..B)."""
    n, _, tmpl = rest.partition(" ")
    _need(tmpl.strip(), where, verb, "a count and a line template, e.g. '%s 100 line {i}' or "
          "'%s 6..25 line {i}'" % (verb, verb))
    if ".." in n:
        a, _, b = n.partition("..")
        first = _count(a, where, "the first number", MAX_LINES_REPEAT)
        last = _count(b, where, "the last number", MAX_LINES_REPEAT)
        if last < first or last - first >= MAX_LINES_REPEAT:
            raise ScnError("%s: %s: the range %s is empty or too long" % (where, verb, n))
    else:
        first, last = 1, _count(n, where, "the count", MAX_LINES_REPEAT)
    return range(first, last + 1), Template(tmpl.strip(), where, True)


def _join(rest, where, verb):
    words = rest.split()
    if len(words) > 2 or (words and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", words[0])):
        raise ScnError("%s: 'join' takes [NICK [USERS]], got %r" % (where, rest))
    nick = words[0] if words else None
    users = _count(words[1], where, "USERS", 1_000_000) if len(words) == 2 else None
    return nick, users


def _signal(rest, where, verb):
    name = rest.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    if name not in ("SIGTERM", "SIGINT", "SIGHUP", "SIGPIPE", "SIGUSR1", "SIGUSR2", "SIGKILL"):
        raise ScnError("%s: 'signal' takes TERM, INT, HUP, PIPE, USR1, USR2 or KILL, got %r"
                       % (where, rest))
    return getattr(signal, name)


def _args(rest, where, verb):
    try:
        words = shlex.split(rest)
    except ValueError as e:
        raise ScnError("%s: %s" % (where, e))
    return [Template(w, where) for w in words]


def _exit_status(rest, where, verb):
    if not rest.isdigit() or int(rest) > 255:
        raise ScnError("%s: 'expect-exit' takes an exit status 0-255, got %r" % (where, rest))
    return int(rest)


def _silence(rest, where, verb):
    return _count(rest, where, "the milliseconds", 60_000)


# verb -> (argument parser, may carry "@SECONDS")
CLIENT_VERBS = {
    "connect":        (_none, False),
    "join":           (_join, True),
    "send":           (lambda r, w, v: Template(r, w), False),
    "send-raw":       (lambda r, w, v: Template(_need(r, w, v, "the bytes to send"), w), False),
    "send-bytewise":  (lambda r, w, v: Template(_need(r, w, v, "a line"), w), False),
    "send-repeat":    (_count_and_template, False),
    "expect":         (lambda r, w, v: Template(_need(r, w, v, "the expected line"), w), True),
    "expect-re":      (lambda r, w, v: _regex(r, w), True),
    "expect-repeat":  (_count_and_template, True),
    "expect-silence": (_silence, False),
    "expect-closed":  (_none, True),
    "close":          (_none, False),
    "reset":          (_none, False),
}
SERVER_VERBS = {
    "start":              (_args, False),
    "exec":               (lambda r, w, v: _args(_need(r, w, v, "arguments"), w, v), False),
    "signal":             (_signal, False),
    "stop":               (_none, True),
    "expect-exit":        (_exit_status, True),
    "expect-stdout-re":   (lambda r, w, v: _regex(r, w), False),
    "expect-stderr-re":   (lambda r, w, v: _regex(r, w), False),
    "expect-stderr-empty": (_none, False),
    "hold-port":          (_none, False),
    "find-free-port":     (_none, False),
}
HEADER_KEYS = ("name", "tags", "server-args", "start")


class ScnScenario:
    """A scenario read from a .scn file."""

    def __init__(self, path):
        self.path = path
        self.name = None
        self.tags = []
        self.server_args = []
        self.start = True
        self.steps = []

    def __repr__(self):
        return "ScnScenario(%s)" % self.name

    # -- running -------------------------------------------------------------------------
    def run(self, binary, ctx):
        state = {"server": None, "listening": None, "clients": {}, "vars": {}}
        if self.start:
            self._start_server(ctx, state, [a.render({}).decode() for a in self.server_args])
        for step in self.steps:
            try:
                self._do(step, ctx, state)
            except ScenarioFailure as e:
                raise type(e)("at %s `%s`: %s" % (step.where, step.source, e), e.kind)

    def _start_server(self, ctx, state, args):
        srv = ctx.start_server(args)
        state["server"] = state["listening"] = srv
        state["vars"]["port"] = srv.port
        state["vars"]["host"] = srv.host

    def _do(self, step, ctx, state):
        v = step.verb
        t = step.timeout
        if step.actor == "server":
            srv = state["server"]
            if v == "start":
                if srv is not None and srv.alive():
                    raise ScenarioFailure("a server is already running")
                self._start_server(ctx, state, [a.render(state["vars"]).decode("utf-8",
                                                                               "surrogateescape")
                                                for a in step.arg])
                return
            if v == "exec":
                state["server"] = ctx.run_binary([a.render(state["vars"]).decode(
                    "utf-8", "surrogateescape") for a in step.arg])
                return
            if v == "hold-port":
                state["vars"]["held_port"] = ctx.hold_port()
                return
            if v == "find-free-port":
                state["vars"]["free_port"] = ctx.free_port()
                return
            if srv is None:
                raise ScenarioFailure("no server: use 'server start' or 'server exec' first")
            if v == "signal":
                srv.send_signal(step.arg)
            elif v == "stop":
                srv.stop(timeout=t)
            elif v == "expect-exit":
                srv.expect_exit(step.arg, timeout=t)
            elif v in ("expect-stdout-re", "expect-stderr-re"):
                which = "stdout" if v == "expect-stdout-re" else "stderr"
                text = srv.stdout_text() if which == "stdout" else srv.stderr_text()
                pattern = step.arg.get(state["vars"])
                if not pattern.search(text):
                    raise ScenarioFailure("expected server %s to contain /%s/, got %s"
                                          % (which, pattern.pattern,
                                             chatdriver.show(text, 300)))
            elif v == "expect-stderr-empty":
                text = srv.stderr_text()
                if text:
                    raise ScenarioFailure("expected nothing on server stderr, got %s"
                                          % chatdriver.show(text, 300))
            return

        clients = state["clients"]
        if v in ("connect", "join"):
            if step.actor in clients and clients[step.actor].sock is not None:
                raise ScenarioFailure("client %s is already connected" % step.actor)
            if state["listening"] is None:
                raise ScenarioFailure("no server to connect to")
            c = ctx.client(state["listening"], step.actor)
            clients[step.actor] = c
            if v == "join":
                c.join(step.arg[0], step.arg[1], timeout=t)
            return
        c = clients[step.actor]
        variables = state["vars"]
        if v == "send":
            c.send_raw(step.arg.render(variables) + b"\n")
        elif v == "send-raw":
            c.send_raw(step.arg.render(variables))
        elif v == "send-bytewise":
            for b in step.arg.render(variables) + b"\n":
                c.send_raw(bytes([b]))
        elif v == "send-repeat":
            numbers, tmpl = step.arg
            data = b"".join(tmpl.render(dict(variables, i=i)) + b"\n" for i in numbers)
            c.send_raw(data)
        elif v == "expect":
            c.expect_line(step.arg.render(variables).decode("utf-8", "surrogateescape"), t)
        elif v == "expect-re":
            c.expect(step.arg.get(variables), t)
        elif v == "expect-repeat":
            numbers, tmpl = step.arg
            for i in numbers:
                c.expect_line(tmpl.render(dict(variables, i=i)).decode("utf-8",
                                                                       "surrogateescape"), t)
        elif v == "expect-silence":
            c.expect_silence(step.arg)
        elif v == "expect-closed":
            c.expect_closed(t)
        elif v == "close":
            c.close()
        elif v == "reset":
            c.reset()


def parse_file(path):
    with open(path, encoding="utf-8") as f:
        return parse_text(f.read(), path)


def parse_text(text, path="<text>"):
    """Parse the text of a .scn file. Raises ScnError with 'path:line: ...' on a mistake."""
    sc = ScnScenario(path)
    seen_keys = set()
    connected = set()
    header_done = False
    for lineno, raw in enumerate(text.split("\n"), 1):
        where = "%s:%d" % (path, lineno)
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        first = line.split(None, 1)[0]
        if first.endswith(":"):                 # a header line "key: value"
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if header_done:
                raise ScnError("%s: header line '%s:' after the first step (headers come "
                               "first)" % (where, key))
            if key not in HEADER_KEYS:
                raise ScnError("%s: unknown header '%s:' (known: %s)"
                               % (where, key, ", ".join(k + ":" for k in HEADER_KEYS)))
            if key in seen_keys:
                raise ScnError("%s: header '%s:' given twice" % (where, key))
            seen_keys.add(key)
            if key == "name":
                if not NAME_RE.fullmatch(value):
                    raise ScnError("%s: name must be lower case letters, digits and _, got %r"
                                   % (where, value))
                sc.name = value
            elif key == "tags":
                sc.tags = [t for t in re.split(r"[,\s]+", value) if t]
                for t in sc.tags:
                    if not NAME_RE.fullmatch(t):
                        raise ScnError("%s: bad tag %r" % (where, t))
            elif key == "server-args":
                sc.server_args = _args(value, where, "server-args")
            elif key == "start":
                if value not in ("yes", "no"):
                    raise ScnError("%s: start: takes yes or no, got %r" % (where, value))
                sc.start = value == "yes"
            continue
        header_done = True
        words = line.split(None, 2)
        actor = words[0]
        if len(words) < 2:
            raise ScnError("%s: a step is 'CLIENT VERB [ARGUMENTS]' or 'server VERB "
                           "[ARGUMENTS]', got %r" % (where, line))
        verb_word = words[1]
        rest = words[2].strip() if len(words) > 2 else ""
        verb, _, at = verb_word.partition("@")
        timeout = None
        table = SERVER_VERBS if actor == "server" else CLIENT_VERBS
        if actor != "server" and not ACTOR_RE.fullmatch(actor):
            raise ScnError("%s: %r is not a client name (letters, digits, _)" % (where, actor))
        if verb not in table:
            raise ScnError("%s: unknown %s step '%s' (known: %s)"
                           % (where, "server" if actor == "server" else "client", verb,
                              ", ".join(sorted(table))))
        parse_arg, timed = table[verb]
        if at:
            if not timed:
                raise ScnError("%s: '%s' does not take a @SECONDS timeout" % (where, verb))
            try:
                timeout = float(at)
            except ValueError:
                timeout = -1
            if not 0 < timeout <= 600:
                raise ScnError("%s: @%s: the timeout must be seconds, more than 0 and at most "
                               "600" % (where, at))
        arg = parse_arg(rest, where, verb)
        if actor != "server":
            if verb in ("connect", "join"):
                connected.add(actor)
            elif actor not in connected:
                raise ScnError("%s: client '%s' is used before 'connect' or 'join'"
                               % (where, actor))
        elif verb == "start" and sc.start and not any(s.actor == "server" and s.verb in
                                                      ("stop", "expect-exit") for s in sc.steps):
            raise ScnError("%s: 'server start' while the server started by the header is "
                           "still running (use 'start: no', or stop it first)" % where)
        sc.steps.append(Step(where, lineno, actor, verb, timeout, arg, line))
    if sc.name is None:
        raise ScnError("%s:1: missing 'name:' header" % path)
    if not sc.steps:
        raise ScnError("%s: no steps" % path)
    return sc
