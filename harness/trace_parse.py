"""trace_parse - read `strace -f -ttt -T` output into one record per system call.

    calls, notes = parse_file("results/trace/hybrid.strace")
    for c in calls:
        print(c.tid, c.name, c.start, c.end, c.value, c.errno)

strace prints one line per call, prefixed by the thread id (with -f) and the wall-clock
time of the call's entry (-ttt, seconds since the epoch) and ends it with the time spent
in the call (-T, `<0.000013>`). When another thread makes a call while one is still in
progress, strace splits the first one in two lines:

    12427 1796160654.402949 futex(0x561dcbe81e60, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>
    12428 1796160654.402979 <... futex resumed>) = 0 <0.302283>
    12427 1796160654.402990 <... futex resumed>) = 1 <0.000031>

parse() joins each `<unfinished ...>` with the `<... NAME resumed>` line of the same thread
into one Call whose start is the first line's time and whose duration is the -T value. A call
that never returns (exit_group, a thread killed in futex) is kept with ret None. Signals
(`--- SIGTERM {...} ---`) and exits (`+++ exited with 0 +++`) become Notes.

Accepted line prefixes: `TID TIME ...` (strace -f -o FILE), `[pid TID] TIME ...` (strace -f
to a terminal) and `TIME ...` (no -f: every call gets tid 0). Lines that fit none of these
(strace's own messages) are counted in `skipped` and otherwise ignored. Standard library only.
"""

import re

PREFIX_RE = re.compile(r"^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(\d+\.\d+)\s+(.*)$")
DURATION_RE = re.compile(r"\s+<(\d+\.\d+)>$")
START_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\((.*)$")
RESUMED_RE = re.compile(r"^<\.\.\. ([A-Za-z_][A-Za-z0-9_]*) resumed>(.*)$")
UNFINISHED = " <unfinished ...>"
# The separator between the call and its result: `) = ` (strace pads it to a column with
# spaces). A string argument may contain the same characters, so the LAST one counts: what
# follows the real one (a number, an errno, a short explanation) never contains it.
RESULT_SEP_RE = re.compile(r"\)\s+= ")
ERRNO_RE = re.compile(r"^E[A-Z0-9_]+$")


class Call:
    """One system call of one thread.

    tid      thread id (the pid strace prints)
    name     e.g. "recvfrom"
    args     the argument text between the parentheses, as strace printed it (joined when
             the call was split); strings are escaped and may be truncated ("..."
    ret      the result text after "= " without the duration ("-1 EAGAIN (Resource ...)",
             "1 (in [9])", "?"), or None when the call never returned in the trace
    value    the result as an int (hex and negative allowed), None if "?" or unparsable
    errno    "EAGAIN", "ETIMEDOUT", "ERESTART_RESTARTBLOCK", ... or None
    start    entry time, seconds since the epoch
    dur      seconds spent in the call (-T), None if unknown
    split    True when strace printed it as <unfinished ...> + resumed
    lineno   line number (1-based) of its first line
    """

    __slots__ = ("tid", "name", "args", "ret", "value", "errno", "start", "dur", "split",
                 "lineno")

    def __init__(self, tid, name, args, ret, start, dur, split=False, lineno=0):
        self.tid = tid
        self.name = name
        self.args = args
        self.ret = ret
        self.start = start
        self.dur = dur
        self.split = split
        self.lineno = lineno
        self.value, self.errno = parse_result(ret)

    @property
    def end(self):
        """Return time (start + duration), or None when unknown."""
        if self.dur is None or self.start is None:
            return None
        return self.start + self.dur

    @property
    def returned(self):
        return self.ret is not None

    def arg(self, i):
        """The i-th top-level argument as text ('' if there are fewer)."""
        parts = split_args(self.args)
        return parts[i] if i < len(parts) else ""

    def fd(self):
        """The first argument as an int if it is a number (the fd of most I/O calls)."""
        m = re.match(r"\s*(-?\d+)\b", self.args)
        return int(m.group(1)) if m else None

    def __repr__(self):
        return "Call(%d %s(%s) = %s <%s>)" % (self.tid, self.name, self.args[:40], self.ret,
                                             self.dur)


class Note:
    """A line that is not a system call: kind "signal" (`--- SIGTERM {...} ---`) or "exit"
    (`+++ exited with 0 +++`, `+++ killed by SIGKILL +++`)."""

    __slots__ = ("tid", "time", "kind", "text", "lineno")

    def __init__(self, tid, time, kind, text, lineno=0):
        self.tid, self.time, self.kind, self.text, self.lineno = tid, time, kind, text, lineno

    def __repr__(self):
        return "Note(%d %s %s)" % (self.tid, self.kind, self.text)


def parse_result(ret):
    """(value, errno) from a result text such as "-1 EAGAIN (Resource temporarily
    unavailable)", "0x55a3 (flags O_RDWR)", "? ERESTART_RESTARTBLOCK (Interrupted...)"."""
    if ret is None:
        return None, None
    words = ret.split()
    if not words:
        return None, None
    try:
        value = int(words[0], 0)
    except ValueError:
        value = None
    errno = words[1] if len(words) > 1 and ERRNO_RE.match(words[1]) else None
    return value, errno


def split_args(text):
    """Split an argument list at its top-level commas, respecting "strings", [lists],
    {structs} and (parentheses). Each part is stripped."""
    parts, depth, cur, i, quote = [], 0, [], 0, False
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\" and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
            cur.append(ch)
        elif ch in "([{":
            depth += 1
            cur.append(ch)
        elif ch in ")]}":
            depth -= 1
            cur.append(ch)
        elif ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    last = "".join(cur).strip()
    if last or parts:
        parts.append(last)
    return parts


def _split_result(text):
    """'fd, buf, 4) = 6 <0.1>' (duration already removed) -> ('fd, buf, 4', '6').
    Without a result (the call is still unfinished or the text is odd): (text, None)."""
    matches = list(RESULT_SEP_RE.finditer(text))
    if not matches:
        return text, None
    m = matches[-1]
    return text[:m.start()], text[m.end():].strip()


class _Pending:
    __slots__ = ("name", "args", "start", "lineno")

    def __init__(self, name, args, start, lineno):
        self.name, self.args, self.start, self.lineno = name, args, start, lineno


def parse(lines):
    """Parse strace output (an iterable of lines). Returns (calls, notes, skipped):
    calls sorted by start time, notes in file order, skipped = lines not understood."""
    calls, notes, skipped = [], [], 0
    pending = {}                       # tid -> _Pending: the call split by <unfinished ...>

    def finish_pending(tid):
        p = pending.pop(tid, None)
        if p is not None:
            calls.append(Call(tid, p.name, p.args, None, p.start, None, True, p.lineno))

    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        m = PREFIX_RE.match(line)
        if not m:
            if line.strip():
                skipped += 1
            continue
        tid = int(m.group(1) or m.group(2) or 0)
        ts = float(m.group(3))
        body = m.group(4)

        if body.startswith("--- ") and body.endswith(" ---"):
            notes.append(Note(tid, ts, "signal", body[4:-4], lineno))
            continue
        if body.startswith("+++ ") and body.endswith(" +++"):
            finish_pending(tid)            # a call the thread never returned from
            notes.append(Note(tid, ts, "exit", body[4:-4], lineno))
            continue

        dur = None
        d = DURATION_RE.search(body)
        if d:
            dur = float(d.group(1))
            body = body[:d.start()]

        r = RESUMED_RE.match(body)
        if r:
            name, rest = r.group(1), r.group(2)
            p = pending.pop(tid, None)
            if p is None or p.name != name:
                if p is not None:          # should not happen: keep the older one as is
                    calls.append(Call(tid, p.name, p.args, None, p.start, None, True, p.lineno))
                # A call already in progress when strace attached (-p): its start is
                # known only from the duration.
                p = _Pending(name, "", ts - dur if dur is not None else None, lineno)
            if rest.endswith(UNFINISHED.strip()) and " = " not in rest:
                # "<... NAME resumed> <unfinished ...>": printed again, still unfinished.
                p.args += rest[:-len(UNFINISHED.strip())].rstrip()
                pending[tid] = p
                continue
            args, ret = _split_result(p.args + rest)
            if ret is None:                # odd: no result; keep what we have
                args = (p.args + rest).rstrip(")")
            calls.append(Call(tid, name, args, ret, p.start, dur, True, p.lineno))
            continue

        s = START_RE.match(body)
        if not s:
            skipped += 1
            continue
        name, rest = s.group(1), s.group(2)
        if rest.endswith(UNFINISHED):
            finish_pending(tid)            # a thread cannot have two calls in progress
            pending[tid] = _Pending(name, rest[:-len(UNFINISHED)], ts, lineno)
            continue
        args, ret = _split_result(rest)
        if ret is None:
            skipped += 1
            continue
        calls.append(Call(tid, name, args, ret, ts, dur, False, lineno))

    for tid in list(pending):
        finish_pending(tid)
    calls.sort(key=lambda c: (c.start if c.start is not None else 0.0, c.lineno))
    return calls, notes, skipped


def parse_file(path):
    """parse() on a file; returns (calls, notes) and raises ValueError if nothing parsed."""
    with open(path, encoding="utf-8", errors="replace") as f:
        calls, notes, skipped = parse(f)
    if not calls:
        raise ValueError("%s: no system calls found (%d lines not understood)" % (path, skipped))
    return calls, notes
