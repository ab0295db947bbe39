"""trace_model - what the system calls of a traced chat server mean, thread by thread.

    calls, notes = trace_parse.parse_file("results/trace/hybrid.strace")
    model = Model(calls, notes, main_label="select thread")
    line = model.find_line("one line to fan out", "<guest1> one line to fan out")
    counts = model.measure(line, client_send, all_received, silence_end)

Everything here is computed from the trace alone, from outside the server: no knowledge of
the server's sources, only of the system calls every design is built from.

**Operations.** Each Call becomes an Op with a kind:

| kind | what | wake-up? |
|---|---|---|
| `recv` | recv/recvfrom/recvmsg/read returned data (`recv-eof`: 0, the peer closed) | if it slept |
| `recv-timeout` | a blocking receive returned EAGAIN after sleeping: SO_RCVTIMEO ran out | always |
| `recv-nothing` | a non-blocking receive (MSG_DONTWAIT, O_NONBLOCK) found nothing | never |
| `send` | send/sendto/sendmsg/write/writev on a socket or pipe | never |
| `poll` | select/pselect6/poll/ppoll/epoll_wait/epoll_pwait returned (`poll-timeout`: 0 ready) | if it slept |
| `futex-wait` | FUTEX_WAIT*: `cond` (glibc condition variable: FUTEX_WAIT_BITSET), `lock` (mutex: FUTEX_WAIT with 2), `join`, `other` | if it returned 0 or ETIMEDOUT |
| `futex-wake` | FUTEX_WAKE*/REQUEUE: the value is how many threads it woke | never |
| `accept` | accept/accept4 | if it slept |
| `other` | anything else (mmap, setsockopt, ...) | never |

A call *slept* when it is a waiting call (the table's last column) and took at least
SLEPT_MIN_S, except futex waits, which tell by their result: 0 (woken) or ETIMEDOUT slept,
EAGAIN (the value had already changed) did not. A **wake-up** is a call that slept and
returned. A wake-up **found nothing to do** when the thread moved no data (no receive of
data or EOF, no send, no accept) from that wake-up until it next went to sleep (a wait for
a lock on the way does not count as going to sleep).

**Threads.** Lanes are named from what the threads do: the process's first thread gets
`main_label`; a thread whose first socket I/O is on the k-th accepted connection is
`client k` (the harness connects its clients one by one, so accept order is client order);
any other thread is `thread N`.
"""

import re
import statistics

SLEPT_MIN_S = 0.0002      # a waiting call shorter than this is taken not to have slept

RECV_CALLS = {"recv", "recvfrom", "recvmsg", "read", "readv"}
SEND_CALLS = {"send", "sendto", "sendmsg", "sendmmsg", "write", "writev"}
POLL_CALLS = {"select", "_newselect", "pselect6", "poll", "ppoll", "epoll_wait", "epoll_pwait",
              "epoll_pwait2"}
ACCEPT_CALLS = {"accept", "accept4"}
SLEEP_CALLS = {"nanosleep", "clock_nanosleep", "rt_sigtimedwait", "rt_sigsuspend", "pause",
               "wait4", "waitid"}
FUTEX_WAIT_OPS = {"FUTEX_WAIT", "FUTEX_WAIT_BITSET", "FUTEX_LOCK_PI", "FUTEX_LOCK_PI2",
                  "FUTEX_WAIT_REQUEUE_PI"}
FUTEX_WAKE_OPS = {"FUTEX_WAKE", "FUTEX_WAKE_BITSET", "FUTEX_WAKE_OP", "FUTEX_REQUEUE",
                  "FUTEX_CMP_REQUEUE", "FUTEX_UNLOCK_PI", "FUTEX_CMP_REQUEUE_PI"}

# What a sleeping thread is waiting in, for the timeline's bars.
WAIT_RECV, WAIT_POLL, WAIT_COND, WAIT_LOCK, WAIT_OTHER = "recv", "poll", "cond", "lock", "other"
WAIT_ORDER = [WAIT_RECV, WAIT_POLL, WAIT_COND, WAIT_LOCK, WAIT_OTHER]
# Marks on the timeline, in legend order (their legend texts are in plots/trace.gp).
MARK_ORDER = ["recv", "recv-nothing", "send", "poll", "recv-timeout", "woken", "wake",
              "delivery"]
LISTEN, CLIENT, PIPE, FILE, OTHER_FD = "listen", "client", "pipe", "file", "other"


class Op:
    """One classified system call (see the module's table)."""

    __slots__ = ("call", "tid", "name", "start", "end", "dur", "kind", "wait", "slept",
                 "timeout", "fd", "fdkind", "client", "nonblock", "futex_addr", "futex_op",
                 "woken", "index")

    def __init__(self, call):
        self.call = call
        self.tid = call.tid
        self.name = call.name
        self.start = call.start
        self.end = call.end
        self.dur = call.dur
        self.kind = "other"
        self.wait = None          # WAIT_* when this is a call that can sleep
        self.slept = False
        self.timeout = False      # it slept until a timeout ran out
        self.fd = None
        self.fdkind = None
        self.client = None        # 1-based accept order of the connection it touches
        self.nonblock = False
        self.futex_addr = None
        self.futex_op = None
        self.woken = 0            # futex-wake: how many threads it woke
        self.index = 0            # position in its thread's list

    @property
    def wakeup(self):
        return self.slept and self.end is not None

    @property
    def work(self):
        """It moved data: a receive of data or EOF, a send, an accepted connection."""
        return self.kind in ("recv", "recv-eof", "accept") or \
            (self.kind == "send" and (self.call.value or 0) > 0)

    def __repr__(self):
        return "Op(%d %s %s slept=%s %s)" % (self.tid, self.kind, self.name, self.slept,
                                             self.call.ret)


def _futex_parts(call):
    parts = [p.strip() for p in call.args.split(",")]
    addr = parts[0] if parts else ""
    ops = parts[1].split("|") if len(parts) > 1 else []
    base = ops[0].replace("_PRIVATE", "") if ops else ""
    private = bool(ops) and ops[0].endswith("_PRIVATE")
    try:
        val = int(parts[2], 0) if len(parts) > 2 else None
    except ValueError:
        val = None
    return addr, base, private, val


class Model:
    """The trace of one server run: ops per thread, lane names, the line's path."""

    def __init__(self, calls, notes=(), main_label="main"):
        self.calls = calls
        self.notes = list(notes)
        self.main_tid = self._main_tid(calls)
        self.ops = []
        self._classify(calls)
        self.by_tid = {}
        for op in self.ops:
            lst = self.by_tid.setdefault(op.tid, [])
            op.index = len(lst)
            lst.append(op)
        self.lanes = self._lanes(main_label)       # [(tid, label)], top to bottom
        self.lane_of = {tid: i for i, (tid, _) in enumerate(self.lanes)}
        self.label_of = dict(self.lanes)

    # -- classification ------------------------------------------------------------------
    @staticmethod
    def _main_tid(calls):
        for c in calls:
            if c.name == "execve":
                return c.tid
        return calls[0].tid if calls else 0

    def _classify(self, calls):
        fds = {}            # fd -> [kind, client index or None, nonblocking]
        accepted = 0
        for c in calls:
            op = Op(c)
            name = c.name
            fd = c.fd() if name not in ("futex",) else None
            if fd is not None and fd in fds:
                op.fd, (op.fdkind, op.client, op.nonblock) = fd, fds[fd]
            elif fd is not None:
                op.fd = fd
            if name in RECV_CALLS:
                self._classify_recv(op, c)
            elif name in SEND_CALLS:
                op.kind = "send" if op.fdkind in (CLIENT, PIPE) else "other"
            elif name in POLL_CALLS:
                op.kind = "poll-timeout" if c.value == 0 else "poll"
                op.wait = WAIT_POLL
                op.slept = (c.dur or 0) >= SLEPT_MIN_S
                op.timeout = op.slept and c.value == 0
            elif name == "futex":
                self._classify_futex(op, c)
            elif name in ACCEPT_CALLS:
                if c.value is not None and c.value >= 0:
                    accepted += 1
                    fds[c.value] = [CLIENT, accepted, "SOCK_NONBLOCK" in c.args]
                    op.kind = "accept"
                if not op.nonblock:            # a blocking listening socket: accept() waits
                    op.wait = WAIT_OTHER
                    op.slept = (c.dur or 0) >= SLEPT_MIN_S
            elif name in SLEEP_CALLS:
                op.wait = WAIT_OTHER
                op.slept = (c.dur or 0) >= SLEPT_MIN_S
                op.timeout = op.slept
            # keep the fd table up to date
            if name == "socket" and c.value is not None and c.value >= 0:
                fds[c.value] = [LISTEN, None, "SOCK_NONBLOCK" in c.args]
            elif name in ("pipe", "pipe2") and c.value == 0:
                m = re.match(r"\s*\[(\d+),\s*(\d+)\]", c.args)
                if m:
                    nb = "O_NONBLOCK" in c.args
                    fds[int(m.group(1))] = [PIPE, None, nb]
                    fds[int(m.group(2))] = [PIPE, None, nb]
            elif name in ("open", "openat", "eventfd", "eventfd2", "epoll_create",
                          "epoll_create1", "timerfd_create", "signalfd4") and \
                    c.value is not None and c.value >= 0:
                fds[c.value] = [FILE if name.startswith("open") else OTHER_FD, None, False]
            elif name == "close" and fd is not None and c.value == 0:
                fds.pop(fd, None)
            elif name == "fcntl" and fd in fds and "F_SETFL" in c.args:
                fds[fd][2] = "O_NONBLOCK" in c.arg(2)
            elif name in ("dup2", "dup3") and c.value is not None and c.value >= 0 and fd in fds:
                fds[c.value] = list(fds[fd])
            self.ops.append(op)

    @staticmethod
    def _classify_recv(op, c):
        if op.fdkind not in (CLIENT, PIPE, LISTEN):
            return                          # a file: not part of the picture
        dontwait = "MSG_DONTWAIT" in c.args or op.nonblock
        if not dontwait:
            op.wait = WAIT_RECV if op.fdkind == CLIENT else WAIT_OTHER
        long_enough = (c.dur or 0) >= SLEPT_MIN_S
        if c.value is not None and c.value > 0:
            op.kind = "recv"
            op.slept = not dontwait and long_enough
        elif c.value == 0:
            op.kind = "recv-eof"
            op.slept = not dontwait and long_enough
        elif c.errno in ("EAGAIN", "EWOULDBLOCK"):
            if not dontwait and long_enough:
                op.kind, op.slept, op.timeout = "recv-timeout", True, True
            else:
                op.kind = "recv-nothing"
        else:
            op.kind = "recv-error"
            op.slept = not dontwait and long_enough

    @staticmethod
    def _classify_futex(op, c):
        addr, base, private, val = _futex_parts(c)
        op.futex_addr, op.futex_op = addr, base
        if base in FUTEX_WAIT_OPS:
            op.kind = "futex-wait"
            if base == "FUTEX_LOCK_PI" or base == "FUTEX_LOCK_PI2" or \
                    (base == "FUTEX_WAIT" and val == 2):
                op.wait = WAIT_LOCK
            elif base == "FUTEX_WAIT_BITSET" and private:
                op.wait = WAIT_COND
            else:
                op.wait = WAIT_OTHER           # pthread_join, semaphores, ...
            if c.ret is None:
                op.slept = False               # never returned (thread ended, or trace ended)
            elif c.value == 0 or c.errno in ("ETIMEDOUT", "EINTR"):
                op.slept = True
                op.timeout = c.errno == "ETIMEDOUT"
        elif base in FUTEX_WAKE_OPS:
            op.kind = "futex-wake"
            op.woken = max(c.value or 0, 0)

    # -- threads -------------------------------------------------------------------------
    def _lanes(self, main_label):
        client_of = {}
        for tid, ops in self.by_tid.items():
            if tid == self.main_tid:
                continue
            for op in ops:
                if op.fdkind == CLIENT and op.kind in ("recv", "recv-eof", "recv-timeout",
                                                       "recv-nothing", "send", "recv-error"):
                    client_of[tid] = op.client
                    break
        tids = sorted(self.by_tid, key=lambda t: self.by_tid[t][0].start or 0)
        lanes = [(self.main_tid, main_label)] if self.main_tid in self.by_tid else []
        clients = sorted((k, t) for t, k in client_of.items())
        seen = set()
        for k, t in clients:
            label = "client %d" % k
            if label in seen:
                label = "client %d (thread %d)" % (k, t)
            seen.add(label)
            lanes.append((t, label))
        n = 1
        for t in tids:
            if t != self.main_tid and t not in client_of:
                n += 1
                lanes.append((t, "thread %d" % n))
        return lanes

    # -- the line ------------------------------------------------------------------------
    def find_line(self, text, room_line):
        """The line's path: {'arrival': the receive that got `text`, 'deliveries': the sends
        of `room_line` after it, one per client (the first to each)}; None if not found."""
        arrival = None
        for op in self.ops:
            if op.kind == "recv" and op.fdkind == CLIENT and text in op.call.args:
                arrival = op
                break
        if arrival is None:
            return None
        deliveries, got = [], set()
        for op in self.ops:
            if op.kind == "send" and op.fdkind == CLIENT and op.start >= arrival.start and \
                    room_line in op.call.args and (op.call.value or 0) > 0 and \
                    op.client not in got:
                got.add(op.client)
                deliveries.append(op)
        deliveries.sort(key=lambda o: o.end)
        return {"arrival": arrival, "deliveries": deliveries}

    # -- futex hand-offs -----------------------------------------------------------------
    def handoffs(self):
        """[(wake op, woken op)]: each futex wake paired with the waits it ended (same
        address, another thread, waiting while the wake ran, returned 0 after it)."""
        waits = [op for op in self.ops if op.kind == "futex-wait" and op.slept and
                 op.call.value == 0 and op.end is not None]
        used, pairs = set(), []
        for wake in sorted((o for o in self.ops if o.kind == "futex-wake" and o.woken > 0 and
                            o.end is not None), key=lambda o: o.start):
            cands = [w for w in waits if id(w) not in used and w.futex_addr == wake.futex_addr
                     and w.tid != wake.tid and w.start <= wake.end and w.end >= wake.start]
            cands.sort(key=lambda w: w.end)
            for w in cands[:wake.woken]:
                used.add(id(w))
                pairs.append((wake, w))
        return pairs

    # -- counting ------------------------------------------------------------------------
    def empty_wakeup(self, op):
        """True if the thread moved no data from this wake-up until it next went to sleep.
        Waiting for a lock on the way is not going to sleep: it is part of the work."""
        ops = self.by_tid[op.tid]
        for later in ops[op.index:]:
            if later is not op and later.wait not in (None, WAIT_LOCK) and \
                    (later.slept or later.end is None):
                return True            # asleep again (what that call found is its own)
            if later.work:
                return False
        return True

    def window(self, t0, t1):
        """Ops that returned in [t0, t1]."""
        return [op for op in self.ops if op.end is not None and t0 <= op.end <= t1]

    def tally(self, t0, t1):
        ops = self.window(t0, t1)
        wake = [op for op in ops if op.wakeup]
        kinds = {}
        for op in ops:
            kinds[op.name] = kinds.get(op.name, 0) + 1
        return {
            "syscalls": len(ops),
            "by_name": dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
            "wakeups": len(wake),
            "timeout_wakeups": sum(1 for op in wake if op.timeout),
            "empty_wakeups": sum(1 for op in wake if self.empty_wakeup(op)),
            "futex_calls": sum(1 for op in ops if op.name == "futex"),
            "threads_woken": len({op.tid for op in wake}),
        }

    def timeout_period_ms(self):
        """Median time a socket timeout slept (chat-threaded's effective --timeout-ms)."""
        d = [op.dur for op in self.ops if op.kind == "recv-timeout" and op.dur]
        return round(statistics.median(d) * 1000, 2) if d else None

    def measure(self, line, client_send, all_received, silence_end):
        """The counts for one scene. Times are epoch seconds (the driver's time.time(), the
        same clock as strace -ttt). Fan-out window: from the client's send to the end of
        the last delivery; silence: from the moment every client had the line to the end
        of the silence."""
        arrival, deliveries = line["arrival"], line["deliveries"]
        last = deliveries[-1].end if deliveries else arrival.end
        fan = self.tally(client_send, last)
        quiet = self.tally(all_received, silence_end)
        n = max(len(deliveries), 1)
        return {
            "deliveries": len(deliveries),
            "arrival_to_first_delivery_ms": round((deliveries[0].end - arrival.end) * 1000, 3)
            if deliveries else None,
            "arrival_to_last_delivery_ms": round((last - arrival.end) * 1000, 3),
            "delivery_ms": {self.label_of.get(d.tid, str(d.tid)) + " -> client %d" % d.client:
                            round((d.end - arrival.end) * 1000, 3) for d in deliveries},
            "fanout": fan,
            "fanout_per_delivery": {"syscalls": round(fan["syscalls"] / n, 2),
                                    "wakeups": round(fan["wakeups"] / n, 2)},
            "silence": quiet,
            "silence_ms": round((silence_end - all_received) * 1000, 1),
            "threads": len(self.lanes),
            "timeout_period_ms": self.timeout_period_ms(),
            "arrival_thread": self.label_of.get(arrival.tid),
        }

    # -- the timeline --------------------------------------------------------------------
    def timeline(self, line, t_from, t_to):
        """Times in ms from the line's arrival (the end of the receive that got it).
        Returns {'bars': [(lane, t0, t1, wait)], 'marks': [(lane, t, kind)],
        'arrows': [(lane0, t0, lane1, t1, wait)], 'deliveries': [(lane, t, client)]}."""
        zero = line["arrival"].end
        ms = lambda t: (t - zero) * 1000.0          # noqa: E731
        bars, marks, arrows = [], [], []
        delivered = {id(d) for d in line["deliveries"]}
        for op in self.ops:
            lane = self.lane_of.get(op.tid)
            if lane is None or op.start is None:
                continue
            end = op.end if op.end is not None else t_to
            if end < t_from or op.start > t_to:
                continue
            if op.wait is not None and (op.slept or op.end is None) and \
                    (end - op.start) >= SLEPT_MIN_S:
                bars.append((lane, ms(max(op.start, t_from)), ms(min(end, t_to)), op.wait))
            if op.end is None or op.end > t_to:
                continue
            t = ms(op.end)
            if id(op) in delivered:
                marks.append((lane, t, "delivery"))
            elif op.kind in ("recv", "recv-eof"):
                marks.append((lane, t, "recv"))
            elif op.kind == "recv-nothing" and op.fdkind == CLIENT:
                marks.append((lane, t, "recv-nothing"))
            elif op.kind == "send":
                marks.append((lane, t, "send"))
            elif op.kind in ("poll", "poll-timeout"):
                marks.append((lane, t, "poll"))
            elif op.kind == "recv-timeout":
                marks.append((lane, t, "recv-timeout"))
            elif op.kind == "futex-wait" and op.slept:
                marks.append((lane, t, "woken"))
            elif op.kind == "futex-wake" and op.woken > 0:
                marks.append((lane, t, "wake"))
        for wake, woken in self.handoffs():
            if t_from <= wake.end <= t_to:
                arrows.append((self.lane_of[wake.tid], ms(wake.end), self.lane_of[woken.tid],
                               ms(woken.end), woken.wait))
        deliveries = [(self.lane_of[d.tid], ms(d.end), d.client) for d in line["deliveries"]]
        return {"bars": bars, "marks": marks, "arrows": arrows, "deliveries": deliveries}

    # -- Chrome trace-event JSON ---------------------------------------------------------
    def chrome_trace(self, line, t_from, t_to, process_name, instants=(), metadata=None):
        """A dict in the Trace Event Format (open in https://ui.perfetto.dev or
        chrome://tracing). ts/dur in microseconds from t_from. instants: [(time, name)]
        drawn across every thread (the line's arrival, the silence)."""
        us = lambda t: round((t - t_from) * 1e6, 3)   # noqa: E731
        pid = self.main_tid
        ev = [{"ph": "M", "name": "process_name", "pid": pid, "tid": self.main_tid,
               "args": {"name": process_name}}]
        for i, (tid, label) in enumerate(self.lanes):
            ev.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                       "args": {"name": label}})
            ev.append({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid,
                       "args": {"sort_index": i}})
        delivered = {id(d): d.client for d in line["deliveries"]}
        for op in self.ops:
            if op.start is None or op.start > t_to or (op.end or t_to) < t_from:
                continue
            end = op.end if op.end is not None else t_to
            name = op.name
            if op.kind == "recv-timeout":
                name += " (timeout)"
            elif op.kind == "futex-wait":
                name = "futex wait (%s)" % op.wait
            elif op.kind == "futex-wake":
                name = "futex wake (%d)" % op.woken
            args = {"args": op.call.args[:200], "ret": op.call.ret if op.call.ret is not None
                    else "(did not return)", "kind": op.kind}
            if op.client is not None:
                args["client"] = op.client
            if op.wakeup:
                args["wake_up"] = "empty" if self.empty_wakeup(op) else "found work"
            if op is line["arrival"]:
                name += " [the line arrives]"
            if id(op) in delivered:
                name += " [delivers the line to client %d]" % delivered[id(op)]
            ev.append({"ph": "X", "name": name, "cat": op.wait or op.kind, "pid": pid,
                       "tid": op.tid, "ts": us(max(op.start, t_from)),
                       "dur": max(us(min(end, t_to)) - us(max(op.start, t_from)), 0.001),
                       "args": args})
        for d in line["deliveries"]:
            ev.append({"ph": "i", "s": "t", "name": "delivered to client %d" % d.client,
                       "pid": pid, "tid": d.tid, "ts": us(d.end)})
        for t, name in instants:
            ev.append({"ph": "i", "s": "g", "name": name, "pid": pid, "tid": self.main_tid,
                       "ts": us(t)})
        for n, (wake, woken) in enumerate(self.handoffs(), 1):
            if wake.end < t_from or wake.end > t_to:
                continue
            ev.append({"ph": "s", "id": n, "name": "futex wake", "cat": "wake", "pid": pid,
                       "tid": wake.tid, "ts": us(wake.start)})
            ev.append({"ph": "f", "bp": "e", "id": n, "name": "futex wake", "cat": "wake",
                       "pid": pid, "tid": woken.tid, "ts": us(max(woken.end - 1e-6, wake.start))})
        out = {"traceEvents": ev, "displayTimeUnit": "ms"}
        if metadata:
            out["otherData"] = metadata
        return out
