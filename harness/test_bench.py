#!/usr/bin/env python3
"""Self-tests of the bench's scale section: the plan, the derived columns, the targets and the
report, from synthetic rows (no server runs, no timing asserted)."""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402
import bench_data  # noqa: E402
import bench_matrix  # noqa: E402
import bench_report  # noqa: E402
import bench_targets  # noqa: E402

CALIBRATION = {"send_size": 64, "send_cpu_ns": 2000.0, "rtt_p50_us": 10.0, "rtt_p99_us": 20.0,
               "rcvtimeo_wakeup_cpu_ns": 16000.0, "cond_wake_cpu_ns": 1500.0,
               "cond_wake_latency_us": 1.5, "effective_timeout_ms": {"50": 56.0}}


def row(variant, kind, clients, rate=0, poller="", **fields):
    r = {k: "" for k in bench.FIELDS}
    r.update(variant=variant, kind=kind, poller=poller, clients=clients, rate=rate,
             status="ok", server_exit="0")
    r.update(fields)
    bench.add_derived(r, CALIBRATION)
    return {k: str(v) for k, v in r.items()}


class PlanTest(unittest.TestCase):
    def test_quick_has_a_small_scale_run_and_full_the_10000_set(self):
        quick = bench_matrix.plan(False, bench_matrix.VARIANTS)
        full = bench_matrix.plan(True, bench_matrix.VARIANTS)
        q = {(r.variant, r.poller, r.clients) for r in quick if r.kind == "scale-load"}
        self.assertIn(("async", "epoll", bench_matrix.TARGET_SCALE[0]), q)
        self.assertFalse(any(r.clients >= 10000 for r in quick))
        f = [r for r in full if r.kind in bench_matrix.SCALE_KINDS]
        self.assertIn(("async", "epoll", 10000), {(r.variant, r.poller, r.clients) for r in f})
        # select never past FD_SETSIZE, chat-threaded never past its stated stop
        self.assertFalse(any(r.poller == "select" and r.clients > 1000 for r in f))
        self.assertFalse(any(r.variant == "threaded" and
                             r.clients > bench_matrix.THREADED_SCALE_MAX for r in f))

    def test_scale_rate_is_fixed_per_client_and_hits_the_target_point(self):
        for r in bench_matrix.plan(True, ["async"]):
            if r.kind == "scale-load":
                self.assertAlmostEqual(r.rate / r.clients, bench_matrix.SCALE_RATE_PER_CLIENT)
                if r.clients == bench_matrix.TARGET_SCALE[0]:
                    self.assertEqual(r.rate, bench_matrix.TARGET_SCALE[1])

    def test_joins_get_time_in_proportion_to_clients_squared(self):
        small = bench_matrix.Run("async", "scale-load", 1000, 4)
        big = bench_matrix.Run("async", "scale-load", 10000, 40)
        self.assertAlmostEqual(big.join_estimate_s() / small.join_estimate_s(), 100)
        self.assertGreater(big.join_timeout_s(), big.join_estimate_s())
        self.assertEqual(bench_matrix.Run("async", "load", 100, 200).join_timeout_s(), 30)


class DerivedTest(unittest.TestCase):
    def test_multiples_of_the_floor(self):
        r = row("async", "scale-load", 5000, 20, "epoll", p99_us=15000,
                server_cpu_per_delivery_us=2.2)
        self.assertAlmostEqual(float(r["fanout_us"]), 10000)
        self.assertAlmostEqual(float(r["p99_per_fanout"]), 1.5)
        self.assertAlmostEqual(float(r["cpu_per_send"]), 1.1)


class TargetsTest(unittest.TestCase):
    def rows(self):
        return [
            row("async", "scale-load", 5000, 20, "epoll", p99_us=14000, p50_us=8000,
                server_cpu_per_delivery_us=2.6, lost=0, expected=1000, disconnected=0,
                sent=10, scheduled=10, server_cpu_pct=50),
            row("async", "scale-idle", 1000, 0, "epoll", server_cpu_pct=0.01,
                server_peak_rss_kib=6000, server_threads=1),
            row("async", "scale-idle", 10000, 0, "epoll", server_cpu_pct=0.04,
                server_peak_rss_kib=51000, server_threads=1),
            row("async", "poller-load", 100, 200, "epoll", server_cpu_per_delivery_us=2.1),
        ]

    def test_verdicts_follow_the_multiples(self):
        got = {t["target"]: t for t in bench_targets.evaluate_scale(self.rows(), CALIBRATION)}
        verdicts = [t["verdict"] for t in got.values()]
        self.assertEqual(len(got), 6)
        # p99 14 ms < 1.5 x 10 ms; CPU 2.6 us > 1.2 x 2 us; idle 0.04% < 0.5%; 2.1 <= 2.2
        self.assertEqual(verdicts, [bench_targets.MET, bench_targets.MET, bench_targets.MISSED,
                                    bench_targets.MET, "stated", bench_targets.MET])
        memory = [t for t in got.values() if "memory" in t["target"]][0]
        self.assertIn("5 KiB per client", memory["measured"])

    def test_nothing_measured_is_said_so(self):
        targets = bench_targets.evaluate_scale([], CALIBRATION, [])
        self.assertTrue(all(t["verdict"] == bench_targets.NONE for t in targets))


class ReportTest(unittest.TestCase):
    MACHINE = {"matrix": "quick", "date": "today"}

    def write(self, rows, pollcost=()):
        with tempfile.TemporaryDirectory() as d:
            path = bench_report.write(rows, self.MACHINE, CALIBRATION, [], d, list(pollcost))
            with open(path) as f:
                return f.read()

    def test_copes_with_data_that_lacks_the_scale_rows(self):
        old = {k: "" for k in bench.FIELDS if k not in ("poller", "cpu_per_send")}
        old.update(variant="async", kind="idle", clients="10", rate="0", status="ok",
                   server_cpu_pct="0", server_peak_rss_kib="1000", server_threads="1",
                   server_fds="5")
        text = self.write([bench_data.upgrade(old)])
        self.assertIn("## 9. Past 1000 clients", text)
        self.assertIn("has no scale runs", text)
        self.assertIn("has no `pollcost.csv`", text)

    def test_writes_the_scale_section_from_data(self):
        pollcost = [{"poller": p, "fds": str(n), "turn_ns": str(t)} for p, n, t in
                    (("select", 10, 700), ("select", 1000, 35000), ("epoll", 10, 240),
                     ("epoll", 10000, 240))]
        text = self.write(TargetsTest().rows(), pollcost)
        self.assertIn("| chat-async --poller epoll | 5,000 |", text)
        self.assertIn("select: 34.6 ns more per watched fd", text)
        self.assertIn("epoll: flat", text)
        self.assertIn("Where chat-threaded stops", text)


if __name__ == "__main__":
    unittest.main()
