#!/usr/bin/env python3
"""Run the black-box scenario suite against one chat server binary.

    python3 harness/run_scenarios.py --server bin/chat-async
    python3 harness/run_scenarios.py --server bin/chat-async -k nick --timeout-scale 2
    python3 harness/run_scenarios.py --server bin/tsan/chat-hybrid --sanitizer --timeout-scale 3

Each scenario gets a fresh server. One line per scenario (PASS/FAIL), then 'N passed, M failed'.
Exit status: 0 all passed, 1 some failed, 2 usage error (bad option, missing binary, a scenario
file that does not parse). See harness/README.md.

A grader can import this file and call run_one(server, scenario, timeout_scale).
"""

import argparse
import importlib.util
import json
import os
import shlex
import socket
import sys
import threading
import time
import traceback

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
if HARNESS_DIR not in sys.path:
    sys.path.insert(0, HARNESS_DIR)

import chatdriver  # noqa: E402
import scnfile  # noqa: E402
from chatdriver import Client, Server, ScenarioFailure, ServerCrash, ExpectTimeout  # noqa: E402

DEFAULT_SCENARIO_DIR = os.path.join(HARNESS_DIR, "scenarios")
SCENARIO_TIME_LIMIT = 120.0     # seconds per scenario (times --timeout-scale), a last resort


class UsageError(Exception):
    pass


# ---- what a scenario sees: the context ------------------------------------------------------

class Context:
    """Handed to every scenario's run(server_binary, ctx). It starts servers and clients and
    remembers them, so that the runner can check and clean up everything afterwards."""

    def __init__(self, binary, timeout_scale=1.0, sanitizer=False, server_args=()):
        self.binary = binary
        self.server_args = list(server_args)
        self.scale = timeout_scale
        self.sanitizer = sanitizer
        self.servers = []
        self.clients = []
        self._held = []
        self._lock = threading.Lock()

    def timeout(self, seconds=None):
        """A timeout in seconds, scaled by --timeout-scale (None: the default 5 s)."""
        return (chatdriver.DEFAULT_TIMEOUT if seconds is None else seconds) * self.scale

    def start_server(self, args=(), env=None, nofile=None):
        """Start the server under test with `--port 0 ARGS` (and the runner's --server-arg
        words), at most `nofile` open files if given; returns a running Server."""
        srv = Server(self.binary, list(args) + self.server_args, self.scale, start=False,
                     env=env, nofile=nofile)
        with self._lock:
            self.servers.append(srv)
        srv.start()
        return srv

    def run_binary(self, args):
        """Start the binary with exactly ARGS (for command-line checks); returns the Server,
        whose exit the scenario should check with expect_exit()."""
        srv = Server(self.binary, (), self.scale, start=False)
        with self._lock:
            self.servers.append(srv)
        return srv.run(args)

    def client(self, server, name="client", **kwargs):
        """Connect a new client to server (kwargs: rcvbuf=BYTES, connect=False)."""
        connect = kwargs.pop("connect", True)
        c = Client(server, name, connect=False, **kwargs)
        with self._lock:
            self.clients.append(c)
        if connect:
            c.connect()
        return c

    def hold_port(self):
        """Bind and listen on a free loopback port, held until the scenario ends."""
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((chatdriver.HOST, 0))
        s.listen(1)
        self._held.append(s)
        return s.getsockname()[1]

    def free_port(self):
        """A loopback port that was free a moment ago (bound to port 0, then released)."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((chatdriver.HOST, 0))
            return s.getsockname()[1]

    # -- used by the runner --------------------------------------------------------------
    def died(self):
        """The first server that exited although the scenario did not expect it, or None."""
        for srv in self.servers:
            if (srv.proc is not None and not srv.alive() and not srv.exit_checked
                    and not srv.stopped_as_asked()):
                return srv
        return None

    def finish(self):
        """After a scenario's steps: close the clients, then every running server must exit 0
        on SIGTERM, and no server may have written more than its listening line to stdout."""
        for c in self.clients:
            c.close()
        for srv in self.servers:
            if srv.proc is None:
                continue
            srv.stop()
            if srv.listening_line is not None and srv.extra_stdout():
                raise ScenarioFailure("the server wrote to stdout after its listening line: %s"
                                      % chatdriver.show(srv.extra_stdout(), 200))

    def sanitizer_report(self):
        for srv in self.servers:
            rep = srv.sanitizer_report()
            if rep:
                return rep
        return None

    def cleanup(self):
        for c in self.clients:
            try:
                c.close()
            except OSError:
                pass
        for srv in self.servers:
            srv.cleanup()
        for s in self._held:
            s.close()
        self._held = []


# ---- loading scenarios ---------------------------------------------------------------------

class PyScenario:
    """A scenario written in Python: a module with NAME, TAGS and run(server_binary, ctx), or
    with SCENARIOS = [dict(name=..., tags=[...], run=function), ...]."""

    def __init__(self, name, tags, func, path, time_limit=None):
        self.name = name
        self.tags = list(tags)
        self.func = func
        self.path = path
        self.time_limit = time_limit

    def run(self, binary, ctx):
        self.func(binary, ctx)


def _load_module(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location("chatlab_scenario_" + stem, path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
    except Exception:
        raise UsageError("%s: cannot load (every *.py in a scenario directory is loaded as a "
                         "scenario: keep a helper elsewhere or name it _%s.py):\n%s"
                         % (path, stem, traceback.format_exc(limit=3)))
    found = []
    limit = getattr(mod, "TIME_LIMIT", None)
    if hasattr(mod, "SCENARIOS"):
        for entry in mod.SCENARIOS:
            found.append(PyScenario(entry["name"], entry.get("tags", ()), entry["run"], path,
                                    entry.get("time_limit", limit)))
    elif hasattr(mod, "NAME") and hasattr(mod, "run"):
        found.append(PyScenario(mod.NAME, getattr(mod, "TAGS", ()), mod.run, path, limit))
    else:
        raise UsageError("%s: a Python scenario needs NAME and run(server_binary, ctx) "
                         "(or SCENARIOS)" % path)
    for sc in found:
        if not scnfile.NAME_RE.fullmatch(sc.name):
            raise UsageError("%s: bad scenario name %r" % (path, sc.name))
    return found


def load_scenarios(dirs=None):
    """Every scenario in the directories (*.scn and *.py not starting with '_'), by name.
    Raises UsageError for a file that does not parse or a name used twice."""
    dirs = dirs or [DEFAULT_SCENARIO_DIR]
    scenarios = {}
    for d in dirs:
        if not os.path.isdir(d):
            raise UsageError("no scenario directory %s" % d)
        for fn in sorted(os.listdir(d)):
            path = os.path.join(d, fn)
            if fn.startswith(("_", ".")):
                continue
            if fn.endswith(".scn"):
                try:
                    found = [scnfile.parse_file(os.path.relpath(path))]
                except scnfile.ScnError as e:
                    raise UsageError(str(e))
            elif fn.endswith(".py"):
                found = _load_module(os.path.relpath(path))
            else:
                continue
            for sc in found:
                if sc.name in scenarios:
                    raise UsageError("scenario name %s is used by both %s and %s"
                                     % (sc.name, scenarios[sc.name].path, sc.path))
                scenarios[sc.name] = sc
    return [scenarios[n] for n in sorted(scenarios)]


def find_scenario(name, dirs=None):
    for sc in load_scenarios(dirs):
        if sc.name == name:
            return sc
    raise UsageError("no scenario named %s" % name)


# ---- running one scenario ------------------------------------------------------------------

def run_one(server, scenario, timeout_scale=1.0, sanitizer=False, server_args=()):
    """Run one scenario (an object from load_scenarios(), or its name) against the server
    binary. Returns a dict: name, tags, passed, seconds, message, kind (pass, fail, timeout,
    crash), file."""
    if isinstance(scenario, str):
        scenario = find_scenario(scenario)
    ctx = Context(server, timeout_scale, sanitizer, server_args)
    outcome = {}

    def body():
        try:
            scenario.run(server, ctx)
            outcome["ok"] = True
        except BaseException as e:      # reported below
            outcome["error"] = e
            outcome["trace"] = traceback.format_exc(limit=4)

    t0 = time.monotonic()
    limit = (scenario.time_limit if getattr(scenario, "time_limit", None) else
             SCENARIO_TIME_LIMIT) * timeout_scale
    worker = threading.Thread(target=body, daemon=True)
    worker.start()
    worker.join(limit)
    kind, message = "pass", ""
    try:
        if worker.is_alive():
            kind, message = "timeout", "the scenario did not finish within %.0fs" % limit
            ctx.cleanup()
            worker.join(10)
        elif "error" in outcome:
            kind, message = _describe(outcome["error"], outcome["trace"])
        if kind != "crash":
            dead = ctx.died()
            if dead is not None:
                note = "; before that: " + message if message else ""
                kind, message = "crash", "server crash: the server %s during the scenario%s%s" % (
                    dead._status_text(), note, dead._stderr_note())
        if kind == "pass":
            try:
                ctx.finish()
            except ScenarioFailure as e:
                kind, message = _describe(e, None)
        if sanitizer:
            rep = ctx.sanitizer_report()
            if rep:
                prefix = message + "\n" if message else ""
                kind, message = "crash", "%ssanitizer report in server stderr:\n%s" % (
                    prefix, "\n".join("    " + r for r in rep.split("\n")))
    finally:
        ctx.cleanup()
    return {"name": scenario.name, "tags": list(scenario.tags), "passed": kind == "pass",
            "seconds": round(time.monotonic() - t0, 3), "message": message, "kind": kind,
            "file": scenario.path}


def _describe(error, trace):
    if isinstance(error, ScenarioFailure):
        kind = error.kind
        prefix = {"timeout": "timeout: ", "crash": "server crash: "}.get(kind, "")
        return kind, prefix + str(error)
    if isinstance(error, KeyboardInterrupt):
        return "fail", "interrupted"
    return "fail", "error in the scenario itself: %r\n%s" % (error, trace or "")


# ---- command line --------------------------------------------------------------------------

def repro_command(args, name):
    words = ["python3", os.path.relpath(os.path.abspath(__file__)), "--server", args.server,
             "--name", name]
    if args.timeout_scale != 1.0:
        words += ["--timeout-scale", str(args.timeout_scale)]
    for a in args.server_arg or []:
        words.append("--server-arg=" + a)
    if args.sanitizer:
        words.append("--sanitizer")
    for d in args.scenarios or []:
        words += ["--scenarios", d]
    env = ["%s=%s" % (k, shlex.quote(os.environ[k])) for k in
           ("TSAN_OPTIONS", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS") if k in os.environ]
    return " ".join(env + [shlex.quote(w) for w in words])


def select_scenarios(scenarios, args):
    chosen = []
    for sc in scenarios:
        if args.k and not any(k in sc.name for k in args.k):
            continue
        if args.name and sc.name not in args.name:
            continue
        if args.tag and not set(args.tag) & set(sc.tags):
            continue
        if args.exclude_tag and set(args.exclude_tag) & set(sc.tags):
            continue
        chosen.append(sc)
    return chosen


def main(argv=None):
    p = argparse.ArgumentParser(description="Run the chatlab scenario suite against a server.")
    p.add_argument("--server", help="the server binary, e.g. bin/chat-async")
    p.add_argument("-k", action="append", metavar="SUBSTRING",
                   help="only scenarios whose name contains SUBSTRING (repeatable)")
    p.add_argument("--name", action="append", metavar="NAME",
                   help="only the scenario with exactly this name (repeatable)")
    p.add_argument("--tag", action="append", metavar="T",
                   help="only scenarios tagged T (repeatable: any of them)")
    p.add_argument("--exclude-tag", action="append", metavar="T",
                   help="leave out scenarios tagged T (repeatable)")
    p.add_argument("--scenarios", action="append", metavar="DIR",
                   help="scenario directory (repeatable; default harness/scenarios)")
    p.add_argument("--timeout-scale", type=float, default=1.0, metavar="F",
                   help="multiply every timeout by F (slow machines, sanitizer builds)")
    p.add_argument("--sanitizer", action="store_true",
                   help="also fail a scenario when the server's stderr has a sanitizer report")
    p.add_argument("--server-arg", action="append", metavar="ARG",
                   help="append ARG to every server the scenarios start (repeatable), "
                        "e.g. --server-arg=--poller --server-arg=epoll")
    p.add_argument("--list", action="store_true", help="list the selected scenarios and exit")
    p.add_argument("--json", metavar="FILE", help="write per-scenario results to FILE")
    args = p.parse_args(argv)

    if args.timeout_scale <= 0:
        p.error("--timeout-scale must be more than 0")
    try:
        scenarios = select_scenarios(load_scenarios(args.scenarios), args)
    except UsageError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    if args.list:
        for sc in scenarios:
            tags = " [%s]" % ", ".join(sc.tags) if sc.tags else ""
            print("%s%s  (%s)" % (sc.name, tags, os.path.relpath(sc.path)))
        return 0
    if not args.server:
        p.error("--server BINARY is required")
    if not (os.path.isfile(args.server) and os.access(args.server, os.X_OK)):
        print("error: %s is not an executable file (build it with make)" % args.server,
              file=sys.stderr)
        return 2
    if not scenarios:
        print("error: no scenario matches the filters", file=sys.stderr)
        return 2

    results = []
    try:
        for sc in scenarios:
            r = run_one(args.server, sc, args.timeout_scale, args.sanitizer,
                        args.server_arg or ())
            results.append(r)
            if r["passed"]:
                print("PASS %s (%.1fs)" % (r["name"], r["seconds"]), flush=True)
            else:
                first, _, rest = r["message"].partition("\n")
                print("FAIL %s: %s" % (r["name"], first))
                if rest:
                    print("\n".join("  " + l if not l.startswith("  ") else l
                                    for l in rest.rstrip("\n").split("\n")))
                print("  reproduce: %s" % repro_command(args, r["name"]), flush=True)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    passed = sum(r["passed"] for r in results)
    failed = len(results) - passed
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"server": args.server, "server_args": args.server_arg or [],
                       "timeout_scale": args.timeout_scale,
                       "sanitizer": args.sanitizer, "passed": passed, "failed": failed,
                       "results": results}, f, indent=2)
            f.write("\n")
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and len(results) == len(scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
