#!/usr/bin/env python3
"""Self-tests of the harness itself (no chat server needed): the .scn parser, text templates,
the strict line reader, and that every bundled scenario parses.

    python3 harness/test_harness.py
"""

import os
import socket
import stat
import sys
import tempfile
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

    def test_a_helper_script_in_a_scenario_directory_is_named_as_the_cause(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "mytool.py"), "w") as f:
                f.write("import sys\nopen(sys.argv[5])\n")
            with self.assertRaises(run_scenarios.UsageError) as e:
                run_scenarios.load_scenarios([d])
            self.assertIn("every *.py in a scenario directory is loaded as a scenario",
                          str(e.exception))
            self.assertIn("_mytool.py", str(e.exception))
            os.rename(os.path.join(d, "mytool.py"), os.path.join(d, "_mytool.py"))
            self.assertEqual(run_scenarios.load_scenarios([d]), [])


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


class ScriptedServer:
    """A TCP listener on 127.0.0.1 that plays a script per connection, in accept order: each
    step is ("send", bytes), ("recv_line",) or ("close",). Clients made with it share its
    `clients` list, as with a real chatdriver.Server."""

    def __init__(self, *scripts):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(len(scripts))
        self.host, self.port = "127.0.0.1", self.sock.getsockname()[1]
        self.scale = 0.2
        self.proc = None
        self.clients = []
        self.conns = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(scripts,), daemon=True)
        self.thread.start()

    def _serve(self, scripts):
        conns = []
        for _ in scripts:
            conn, _ = self.sock.accept()
            conns.append(conn)
            self.conns.append(conn)
        for conn, script in zip(conns, scripts):
            for step in script:
                if step[0] == "send":
                    conn.sendall(step[1])
                elif step[0] == "recv_line":
                    data = b""
                    while not data.endswith(b"\n"):
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                elif step[0] == "close":
                    conn.close()
        self.done.set()

    def close(self):
        self.thread.join(2)
        for conn in self.conns:
            conn.close()
        self.sock.close()


WELCOME = b"* welcome %s, 2 users online, type /help for commands\n"

# A stand-in server process: prints its listening line, greets one client, and exits with
# status 3 once the client has sent a line.
EXITING_SERVER = r"""#!%s
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print("listening on 127.0.0.1:%%d" %% s.getsockname()[1], flush=True)
conn, _ = s.accept()
conn.sendall(b"* welcome guest1, 1 users online, type /help for commands\n")
conn.recv(100)
sys.exit(3)
""" % sys.executable


class WhyClosedTest(unittest.TestCase):
    """A failure on a closed connection says why it closed, when the driver can tell."""

    def failure(self, client, expected="* guest1 is back"):
        with self.assertRaises(ScenarioFailure) as cm:
            client.expect_line(expected)
        return str(cm.exception)

    def test_cut_off_as_too_slow_seen_by_another_client(self):
        # The server closes guest1 and tells the room; b has not read the line yet.
        srv = ScriptedServer([("send", WELCOME % b"guest1"), ("close",)],
                             [("send", WELCOME % b"guest2"),
                              ("send", b"* guest1 has quit (too slow)\n")])
        self.addCleanup(srv.close)
        a, b = Client(srv, "a"), Client(srv, "b")
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        srv.done.wait(2)
        a.expect(chatdriver.WELCOME_RE)
        msg = self.failure(a)
        self.assertIn("expected '* guest1 is back', got the connection closed: the server cut "
                      "guest1 off as too slow (b received '* guest1 has quit (too slow)')", msg)
        # The same once b has read it.
        b.expect(chatdriver.WELCOME_RE)
        b.expect_line("* guest1 has quit (too slow)")
        self.assertIn("cut guest1 off as too slow (b received", a.why_closed(wait=0))

    def test_rename_is_followed(self):
        srv = ScriptedServer([("send", WELCOME % b"guest1"),
                              ("send", b"* guest1 is now known as alice\n"), ("close",)],
                             [("send", b"* alice has quit (too slow)\n")])
        self.addCleanup(srv.close)
        a, b = Client(srv, "a"), Client(srv, "b")
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        srv.done.wait(2)
        a.expect(chatdriver.WELCOME_RE)
        a.expect_line("* guest1 is now known as alice")
        self.assertIn("the server cut alice off as too slow (b received", self.failure(a))

    def test_own_quit(self):
        srv = ScriptedServer([("send", WELCOME % b"guest1"), ("recv_line",), ("close",)])
        self.addCleanup(srv.close)
        a = Client(srv, "a")
        self.addCleanup(a.close)
        a.expect(chatdriver.WELCOME_RE)
        a.send("/QUIT see you")
        msg = self.failure(a, "* guest1 has quit (see you)")
        self.assertIn("got the connection closed: this client had sent '/QUIT see you' itself",
                      msg)

    def test_unknown_reason_says_only_closed(self):
        srv = ScriptedServer([("send", WELCOME % b"guest1"), ("close",)])
        self.addCleanup(srv.close)
        a = Client(srv, "a")
        self.addCleanup(a.close)
        a.expect(chatdriver.WELCOME_RE)
        msg = self.failure(a)
        self.assertIn("got the connection closed", msg)
        self.assertNotIn("too slow", msg)
        self.assertNotIn("sent", msg)

    def test_server_process_exited(self):
        fd, path = tempfile.mkstemp(suffix=".py")
        self.addCleanup(os.unlink, path)
        with os.fdopen(fd, "w") as f:
            f.write(EXITING_SERVER)
        os.chmod(path, stat.S_IRWXU)
        srv = chatdriver.Server(path, timeout_scale=0.5)
        self.addCleanup(srv.cleanup)
        a = Client(srv, "a")
        self.addCleanup(a.close)
        a.expect(chatdriver.WELCOME_RE)
        a.send("hello")
        msg = self.failure(a, "<guest1> hello")
        self.assertIn("got the connection closed: the server process had exited "
                      "(exit status 3)", msg)


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
