#!/usr/bin/env python3
"""Self-tests of the harness itself (no chat server needed): the .scn parser, text templates,
the strict line reader, and that every bundled scenario parses.

    python3 harness/test_harness.py
"""

import os
import socket
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import chatdriver  # noqa: E402
import run_scenarios  # noqa: E402
import scnfile  # noqa: E402
from chatdriver import Client, ExpectTimeout, ScenarioFailure  # noqa: E402


class TemplateTest(unittest.TestCase):
    def render(self, text, **variables):
        return scnfile.Template(text, "t:1", allow_i=True).render(variables)

    def test_escapes(self):
        self.assertEqual(self.render(r"a\tb\s\r\n\0\e\x7f\\\{\}"), b"a\tb \r\n\x00\x1b\x7f\\{}")

    def test_utf8_and_repeat(self):
        self.assertEqual(self.render("{é*3}x"), "ééé".encode() + b"x")
        self.assertEqual(self.render(r"{\s*2}{ab*2}"), b"  abab")

    def test_variables(self):
        self.assertEqual(self.render("p{port} {i}", port=5, i=7), b"p5 7")
        with self.assertRaises(ScenarioFailure):
            self.render("{held_port}")

    def test_mistakes(self):
        for bad in ["{x*}", "{nope}", "\\q", "{unclosed", "\\x4", "end\\"]:
            with self.assertRaises(scnfile.ScnError, msg=bad) as cm:
                scnfile.Template(bad, "f.scn:3")
            self.assertTrue(str(cm.exception).startswith("f.scn:3: "))


class ParserTest(unittest.TestCase):
    def parse(self, text):
        return scnfile.parse_text(text, "f.scn")

    def error(self, text):
        with self.assertRaises(scnfile.ScnError) as cm:
            self.parse(text)
        return str(cm.exception)

    def test_good(self):
        sc = self.parse("# c\nname: ok_one\ntags: brb, x\nserver-args: --backlog 8\n\n"
                        "a join guest1 1\na send hi\na expect@2.5 <guest1> hi\n"
                        "a expect-repeat 3..5 l{i}\nserver stop\n")
        self.assertEqual((sc.name, sc.tags, len(sc.steps)), ("ok_one", ["brb", "x"], 5))
        self.assertEqual(sc.steps[2].timeout, 2.5)
        self.assertEqual(list(sc.steps[3].arg[0]), [3, 4, 5])

    def test_errors_name_the_line(self):
        self.assertIn("f.scn:2: unknown client step 'frob'", self.error("name: x\na frob"))
        self.assertIn("f.scn:2: client 'b' is used before", self.error("name: x\nb send hi"))
        self.assertIn("missing 'name:'", self.error("a connect"))
        self.assertIn("f.scn:3: header line", self.error("name: x\na connect\ntags: y"))
        self.assertIn("f.scn:2: unknown header", self.error("name: x\nfoo: 1\na connect"))
        self.assertIn("does not take a @SECONDS", self.error("name: x\na connect\na send@1 x"))
        self.assertIn("bad regular expression", self.error("name: x\na connect\na expect-re ("))
        self.assertIn("'signal' takes", self.error("name: x\nserver signal FOO"))

    def test_bundled_scenarios_parse(self):
        scenarios = run_scenarios.load_scenarios()
        self.assertGreater(len(scenarios), 50)
        for sc in scenarios:
            if "brb" not in sc.tags and sc.path.endswith(".scn"):
                for st in sc.steps:
                    text = st.source.lower()
                    self.assertFalse(" /brb" in text or " /back" in text,
                                     "%s uses /brb or /back without the brb tag" % st.where)


class FakeServer:
    """A TCP listener on 127.0.0.1 that sends fixed bytes to its first client."""

    def __init__(self, payload, close=False):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.host = "127.0.0.1"
        self.scale = 0.2
        self.proc = None

        self.conn = None

        def serve():
            conn, _ = self.sock.accept()
            conn.sendall(payload)
            if close:
                conn.close()
            else:
                self.conn = conn
        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()

    def close(self):
        self.thread.join(2)
        if self.conn:
            self.conn.close()
        self.sock.close()


class ClientTest(unittest.TestCase):
    def test_strict_order_and_messages(self):
        srv = FakeServer(b"one\ntwo\nthree\n")
        self.addCleanup(srv.close)
        c = Client(srv, "a")
        self.addCleanup(c.close)
        self.assertEqual(c.expect(r"o(n)e").group(1), "n")
        with self.assertRaises(ScenarioFailure) as cm:
            c.expect_line("three")          # the next line is "two": no skipping
        self.assertIn("expected 'three', got 'two'", str(cm.exception))
        c.expect_line("three")
        with self.assertRaises(ExpectTimeout):
            c.expect_line("four", timeout=0.5)
        c.expect_silence(100)
        self.assertEqual(c.lines_read, 3)
        c.close()

    def test_closed(self):
        srv = FakeServer(b"bye\n", close=True)
        self.addCleanup(srv.close)
        c = Client(srv, "a")
        self.addCleanup(c.close)
        with self.assertRaises(ScenarioFailure) as cm:
            c.expect_closed()
        self.assertIn("got 'bye'", str(cm.exception))
        self.assertEqual(c.expect_closed(), "closed")

    def test_sanitizer_excerpt(self):
        text = "log\n==1==WARNING: ThreadSanitizer: data race\n  at x\nSUMMARY: ThreadSanitizer\nlog\n"
        self.assertEqual(chatdriver.sanitizer_excerpt(text).split("\n")[-1],
                         "SUMMARY: ThreadSanitizer")
        self.assertIsNone(chatdriver.sanitizer_excerpt("all fine\n"))


class OutcomeTest(unittest.TestCase):
    SERVER = os.path.join(os.path.dirname(HERE), "bin", "chat-async")

    @unittest.skipUnless(os.access(SERVER, os.X_OK), "bin/chat-async is not built")
    def test_failed_expect_after_the_scenarios_own_sigterm_is_a_failure(self):
        sc = scnfile.parse_text("name: wrong_after_term\na join guest1 1\n"
                                "server signal TERM\na expect * not what it says\n", "f.scn")
        result = run_scenarios.run_one(self.SERVER, sc)
        self.assertFalse(result["passed"])
        self.assertEqual(result["kind"], "fail", result["message"])
        self.assertIn("* server is shutting down", result["message"])


if __name__ == "__main__":
    unittest.main()
