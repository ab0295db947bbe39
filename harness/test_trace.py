#!/usr/bin/env python3
"""Unit tests of the strace parser (trace_parse) and of what is read from it (trace_model),
on the committed sample traces in testdata/trace/ and on hand-written lines. No server,
no strace, no gnuplot needed.

    python3 harness/test_trace.py          (make trace-unit; make test runs it too)
"""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import trace_model  # noqa: E402
import trace_parse  # noqa: E402

DATA = os.path.join(HERE, "testdata", "trace")
TEXT = "one line to fan out"
ROOM_LINE = "<guest1> " + TEXT


def parse_text(text):
    return trace_parse.parse(text.strip("\n").split("\n"))


class SplitLinesTest(unittest.TestCase):
    """<unfinished ...> and <... NAME resumed> lines, interleaved across threads."""

    LINES = r"""
12427 1796160654.402949 futex(0x561dcbe81e60, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>
12428 1796160654.402979 <... futex resumed>) = 0 <0.302283>
12427 1796160654.402990 <... futex resumed>) = 1 <0.000031>
12425 1796160654.100993 accept4(5,  <unfinished ...>
12434 1796160654.101016 set_robust_list(0x7f1d72ac29a0, 24 <unfinished ...>
12425 1796160654.101027 <... accept4 resumed>0x7ffd890a4d30, [16], SOCK_CLOEXEC) = -1 EAGAIN (Resource temporarily unavailable) <0.000025>
12434 1796160654.101071 <... set_robust_list resumed>) = 0 <0.000047>
12425 1796160654.705789 recvfrom(11,  <unfinished ...>
12428 1796160654.705798 futex(0x561dcbe81e10, FUTEX_WAKE_PRIVATE, 1) = 0 <0.000019>
12425 1796160654.705855 <... recvfrom resumed>"", 4096, MSG_DONTWAIT, NULL, NULL) = 0 <0.000060>
"""

    def setUp(self):
        self.calls, self.notes, self.skipped = parse_text(self.LINES)
        self.by = {(c.tid, c.name, round(c.start, 6)): c for c in self.calls}

    def test_every_line_understood(self):
        self.assertEqual(self.skipped, 0)
        self.assertEqual(len(self.calls), 6)        # 4 calls in two halves, 1 whole, 1 half

    def test_joined_call_keeps_entry_time_and_duration(self):
        c = self.by[(12427, "futex", 1796160654.402949)]
        self.assertTrue(c.split)
        self.assertEqual(c.args, "0x561dcbe81e60, FUTEX_WAKE_PRIVATE, 1")
        self.assertEqual((c.value, c.errno, c.dur), (1, None, 0.000031))
        self.assertAlmostEqual(c.end, 1796160654.402980, places=6)

    def test_args_of_both_halves_are_joined(self):
        c = self.by[(12425, "accept4", 1796160654.100993)]
        self.assertEqual(c.arg(0), "5")
        self.assertEqual(c.arg(2), "[16]")
        self.assertEqual(c.arg(3), "SOCK_CLOEXEC")
        self.assertEqual((c.value, c.errno), (-1, "EAGAIN"))
        r = self.by[(12425, "recvfrom", 1796160654.705789)]
        self.assertEqual(split := trace_parse.split_args(r.args), ["11", '""', "4096",
                                                                  "MSG_DONTWAIT", "NULL", "NULL"])
        self.assertEqual(len(split), 6)
        self.assertEqual(r.value, 0)

    def test_resumed_without_start_is_a_call_in_progress_at_attach(self):
        c = self.by.get((12428, "futex", round(1796160654.402979 - 0.302283, 6)))
        self.assertIsNotNone(c, [x for x in self.calls if x.tid == 12428])
        self.assertEqual((c.args, c.value), ("", 0))
        self.assertAlmostEqual(c.end, 1796160654.402979, places=6)

    def test_sorted_by_start(self):
        starts = [c.start for c in self.calls]
        self.assertEqual(starts, sorted(starts))


class LineFormsTest(unittest.TestCase):
    def test_results(self):
        calls, _, skipped = parse_text(r"""
1 1700000000.000100 fcntl(7, F_GETFL) = 0x2 (flags O_RDWR) <0.000009>
1 1700000000.000200 pselect6(6, [3 5], [], NULL, NULL, NULL) = 1 (in [5]) <0.300000>
1 1700000000.000300 recvfrom(7, 0x55a3c7ebe2c1, 4096, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.055858>
1 1700000000.000400 poll([{fd=3, events=POLLIN}, {fd=5, events=POLLIN}], 2, -1) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.692633>
1 1700000000.000500 brk(NULL)       = 0x557c4111b000 <0.000013>
""")
        self.assertEqual(skipped, 0)
        got = [(c.name, c.value, c.errno) for c in calls]
        self.assertEqual(got, [("fcntl", 2, None), ("pselect6", 1, None),
                               ("recvfrom", -1, "EAGAIN"),
                               ("poll", None, "ERESTART_RESTARTBLOCK"),
                               ("brk", 0x557c4111b000, None)])
        self.assertEqual(calls[1].ret, "1 (in [5])")

    def test_string_that_looks_like_a_result(self):
        calls, _, _ = parse_text(
            r'7 1700000000.5 sendto(9, "x) = 5 <0.1> \"q\" (y)\n", 21, MSG_NOSIGNAL, NULL, 0)'
            r' = 21 <0.000030>')
        c = calls[0]
        self.assertEqual((c.value, c.dur), (21, 0.00003))
        self.assertEqual(c.arg(1), r'"x) = 5 <0.1> \"q\" (y)\n"')
        self.assertEqual(c.fd(), 9)

    def test_signals_exits_and_calls_that_never_return(self):
        calls, notes, skipped = parse_text(r"""
strace: Process 103 attached
103 1700000000.001000 futex(0x55cc30, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>
100 1700000000.002000 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---
100 1700000000.003000 exit_group(0)                     = ?
103 1700000000.003100 +++ exited with 0 +++
100 1700000000.003200 +++ exited with 0 +++
""")
        self.assertEqual(skipped, 1)                 # strace's own message
        self.assertEqual([(n.tid, n.kind) for n in notes],
                         [(100, "signal"), (103, "exit"), (100, "exit")])
        self.assertTrue(notes[0].text.startswith("SIGTERM"))
        fut = [c for c in calls if c.name == "futex"][0]
        self.assertFalse(fut.returned)
        self.assertIsNone(fut.end)
        ex = [c for c in calls if c.name == "exit_group"][0]
        self.assertEqual((ex.ret, ex.value, ex.dur), ("?", None, None))

    def test_other_prefixes(self):
        calls, _, skipped = parse_text(r"""
[pid  4242] 1700000000.000100 write(4, "x", 1) = 1 <0.000013>
1700000000.000200 close(3) = 0 <0.000005>
""")
        self.assertEqual(skipped, 0)
        self.assertEqual([(c.tid, c.name) for c in calls], [(4242, "write"), (0, "close")])

    def test_unfinished_at_end_of_file(self):
        calls, _, _ = parse_text("5 1700000000.1 pselect6(17, [3 5], NULL, NULL, NULL, NULL"
                                 " <unfinished ...>")
        self.assertEqual((calls[0].name, calls[0].ret, calls[0].args),
                         ("pselect6", None, "17, [3 5], NULL, NULL, NULL, NULL"))

    def test_split_args(self):
        self.assertEqual(trace_parse.split_args('3, [{fd=3, events=POLLIN}, {fd=5}], "a,\\"b", 2'),
                         ["3", "[{fd=3, events=POLLIN}, {fd=5}]", '"a,\\"b"', "2"])
        self.assertEqual(trace_parse.split_args(""), [])


class SampleMixin:
    NAME, MAIN = None, None

    @classmethod
    def setUpClass(cls):
        path = os.path.join(DATA, cls.NAME + "-fanout.strace")
        with open(path) as f:
            cls.calls, cls.notes, cls.skipped = trace_parse.parse(f)
        cls.model = trace_model.Model(cls.calls, cls.notes, cls.MAIN)
        cls.line = cls.model.find_line(TEXT, ROOM_LINE)

    def lanes(self):
        return [label for _, label in self.model.lanes]

    def test_parses_whole_sample(self):
        self.assertEqual(self.skipped, 0)
        self.assertGreater(sum(c.split for c in self.calls), 50)
        self.assertGreater(len({c.tid for c in self.calls if c.split}), 5)

    def test_lanes_named_by_what_threads_do(self):
        self.assertEqual(self.lanes(), [self.MAIN] + ["client %d" % k for k in range(1, 9)])

    def test_line_delivered_once_to_every_client(self):
        self.assertIsNotNone(self.line)
        d = self.line["deliveries"]
        self.assertEqual(sorted(x.client for x in d), list(range(1, 9)))
        for x in d:
            self.assertGreaterEqual(x.end, self.line["arrival"].end)

    def test_timeline_and_chrome_trace(self):
        arrival = self.line["arrival"].end
        t0, t1 = self.calls[0].start, max(c.end or c.start for c in self.calls)
        tl = self.model.timeline(self.line, t0, t1)
        self.assertEqual(sum(1 for m in tl["marks"] if m[2] == "delivery"), 8)
        self.assertEqual(len(tl["deliveries"]), 8)
        for lane, a, b, wait in tl["bars"]:
            self.assertLessEqual(a, b)
            self.assertIn(wait, trace_model.WAIT_ORDER)
        doc = self.model.chrome_trace(self.line, t0, t1, "test", [(arrival, "arrives")])
        doc = json.loads(json.dumps(doc))
        ev = doc["traceEvents"]
        names = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
        self.assertEqual(names, set(self.lanes()))
        spans = [e for e in ev if e["ph"] == "X"]
        self.assertTrue(spans)
        self.assertTrue(all(e["ts"] >= 0 and e["dur"] > 0 for e in spans))
        self.assertEqual(sum(1 for e in spans if "[delivers the line" in e["name"]), 8)
        starts = sorted(e["id"] for e in ev if e["ph"] == "s")
        self.assertEqual(starts, sorted(e["id"] for e in ev if e["ph"] == "f"))


class HybridSampleTest(SampleMixin, unittest.TestCase):
    """chat-hybrid: the select() thread receives, wakes client 1's thread, which posts and
    wakes every other client thread (condition variables), and each one sends."""
    NAME, MAIN = "hybrid", "reader (select)"

    def test_reader_receives_each_client_thread_sends_its_own(self):
        m = self.model
        self.assertEqual(m.label_of[self.line["arrival"].tid], self.MAIN)
        self.assertEqual(self.line["arrival"].name, "recvfrom")
        for d in self.line["deliveries"]:
            self.assertEqual(m.label_of[d.tid], "client %d" % d.client)

    def test_handoffs_reader_to_client_1_then_to_the_others(self):
        m = self.model
        pairs = [(m.label_of[a.tid], m.label_of[b.tid], b.wait) for a, b in m.handoffs()]
        self.assertEqual(pairs[0], (self.MAIN, "client 1", "cond"))
        cond_woken = {b for a, b, w in pairs if a == "client 1" and w == "cond"}
        self.assertGreaterEqual(len(cond_woken), 5)

    def test_counts(self):
        arrival, last = self.line["arrival"], self.line["deliveries"][-1]
        t = self.model.tally(arrival.start, last.end)
        self.assertEqual(t["by_name"]["sendto"], 8)
        self.assertEqual(t["by_name"]["recvfrom"], 1)
        self.assertGreater(t["futex_calls"], 8)
        self.assertEqual(t["timeout_wakeups"], 0)
        self.assertEqual(t["empty_wakeups"], 0)
        self.assertGreaterEqual(t["wakeups"], 8)           # at least every client thread
        self.assertIsNone(self.model.timeout_period_ms())
        # The sample ends with every thread asleep: nothing returns after the last delivery.
        self.assertEqual(self.model.tally(last.end + 1e-6, last.end + 1)["syscalls"], 0)


class ThreadedSampleTest(SampleMixin, unittest.TestCase):
    """chat-threaded: client 1's thread receives and echoes at once; the others find the
    line when their receive times out, and keep timing out in the silence."""
    NAME, MAIN = "threaded", "main (accept)"

    def test_timeouts_and_late_pickup(self):
        m = self.model
        arrival, deliveries = self.line["arrival"], self.line["deliveries"]
        self.assertEqual(m.label_of[arrival.tid], "client 1")
        self.assertEqual(m.label_of[deliveries[0].tid], "client 1")
        for d in deliveries[1:]:
            before = m.by_tid[d.tid][:m.by_tid[d.tid].index(d)]
            woke = [op for op in before if op.wakeup][-1]
            self.assertEqual(woke.kind, "recv-timeout")  # it found the line after a timeout
            self.assertFalse(m.empty_wakeup(woke))
        self.assertTrue(40 <= m.timeout_period_ms() <= 80, m.timeout_period_ms())

    def test_silence_wakeups_are_empty_timeouts(self):
        last = self.line["deliveries"][-1].end
        t = self.model.tally(last + 0.001, max(c.end or 0 for c in self.calls))
        self.assertGreaterEqual(t["wakeups"], 8)
        self.assertEqual(t["wakeups"], t["timeout_wakeups"])
        self.assertEqual(t["wakeups"], t["empty_wakeups"])
        self.assertEqual(set(t["by_name"]), {"recvfrom"})


class ClassifyTest(unittest.TestCase):
    def model(self, text):
        calls, notes, _ = parse_text(text)
        return trace_model.Model(calls, notes)

    def test_futex_kinds(self):
        m = self.model(r"""
1 1700000000.000100 execve("x", ["x"], 0x1 /* 1 var */) = 0 <0.000100>
2 1700000000.001000 futex(0xa0, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = 0 <0.010000>
3 1700000000.001000 futex(0xb0, FUTEX_WAIT_PRIVATE, 2, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>
4 1700000000.001000 futex(0xc0, FUTEX_WAIT_PRIVATE, 2, NULL) = -1 ETIMEDOUT (Connection timed out) <0.050000>
1 1700000000.010900 futex(0xa0, FUTEX_WAKE_PRIVATE, 1) = 1 <0.000020>
""")
        ops = {op.tid: op for op in m.ops}
        self.assertEqual((ops[2].wait, ops[2].slept, ops[2].timeout), ("cond", True, False))
        self.assertEqual((ops[3].wait, ops[3].slept), ("lock", False))
        self.assertEqual((ops[4].wait, ops[4].slept, ops[4].timeout), ("lock", True, True))
        self.assertEqual((ops[1].kind, ops[1].woken), ("futex-wake", 1))
        self.assertEqual([(a.tid, b.tid) for a, b in m.handoffs()], [(1, 2)])

    def test_nonblocking_fd_and_dontwait_never_sleep(self):
        m = self.model(r"""
1 1700000000.000100 execve("x", ["x"], 0x1 /* 1 var */) = 0 <0.000100>
1 1700000000.000200 accept4(5, {sa_family=AF_INET}, [16], SOCK_CLOEXEC) = 7 <0.000010>
1 1700000000.000300 fcntl(7, F_SETFL, O_RDWR|O_NONBLOCK) = 0 <0.000010>
1 1700000000.000400 recvfrom(7, 0x1, 4096, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000900>
1 1700000000.001400 accept4(5, {sa_family=AF_INET}, [16], SOCK_CLOEXEC) = 8 <0.000010>
1 1700000000.001500 recvfrom(8, 0x1, 4096, MSG_DONTWAIT, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000900>
1 1700000000.002500 recvfrom(8, 0x1, 4096, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.050000>
2 1700000000.052600 close(8) = 0 <0.000010>
2 1700000000.052700 accept4(5, {sa_family=AF_INET}, [16], SOCK_CLOEXEC) = 8 <0.000010>
2 1700000000.052800 sendto(8, "x\n", 2, MSG_NOSIGNAL, NULL, 0) = 2 <0.000010>
""")
        recv = [op for op in m.ops if op.name == "recvfrom"]
        self.assertEqual([(op.kind, op.slept, op.client) for op in recv],
                         [("recv-nothing", False, 1), ("recv-nothing", False, 2),
                          ("recv-timeout", True, 2)])
        self.assertTrue(m.empty_wakeup(recv[2]))      # thread 1 did nothing after it
        self.assertEqual((m.ops[-1].kind, m.ops[-1].client), ("send", 3))  # fd 8 reused


if __name__ == "__main__":
    unittest.main(verbosity=1)
