"""bench_runner - one benchmark run: a fresh server, one chat-loadgen run against it, and
the server stopped again. Returns the loadgen's record plus what the harness knows.

The server and the load generator are pinned to different CPUs (when there are two), so
neither steals the other's time and the server's CPU accounting is its own.

chat-loadgen --stats-signal sends the server SIGUSR1 at the start and at the end of the
measured window; the server answers each with one line on stderr (PROTOCOL.md, "Send
statistics"), and the difference of the two is the window's send() calls and lines.
"""

import json
import os
import re
import select
import signal
import subprocess
import tempfile
import time

LISTENING_RE = re.compile(rb"listening on [^:\s]+:(\d+)")
SEND_STATS_RE = re.compile(r"^chat-[\w-]+: send stats: calls=(\d+) lines=(\d+)$", re.M)
START_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 10.0
# Room for every client with margin; fds start near 5, so 1000 clients fit under FD_SETSIZE.
MAX_CLIENTS = 1100
# Enough room lines that 1000 clients joining and renaming (2000 lines) and a few seconds of
# a lagging reader never cut anyone off as "too slow".
BACKLOG = 16384


def _pin(cpu):
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


class RunFailed(Exception):
    pass


def _start_server(binary, timeout_ms, cpu, stderr_file, clients=0, poller=""):
    # Past 1000 clients (the scale runs) the room needs space for all of them; the server
    # raises its own open-file limit to the hard limit.
    max_clients = max(MAX_CLIENTS, clients + 100)
    args = [binary, "--port", "0", "--quiet", "--max-clients", str(max_clients),
            "--backlog", str(BACKLOG)]
    if timeout_ms:
        args += ["--timeout-ms", str(timeout_ms)]
    if poller:
        args += ["--poller", poller]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr_file,
                            stdin=subprocess.DEVNULL, preexec_fn=_pin(cpu))
    deadline = time.monotonic() + START_TIMEOUT_S
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            m = LISTENING_RE.search(seen)
            if m:
                return proc, int(m.group(1))
        if proc.poll() is not None:
            break
    _stop_server(proc)
    raise RunFailed(f"{binary} did not print 'listening on HOST:PORT' within "
                    f"{START_TIMEOUT_S:g} s (got {seen[:200]!r})")


def _stop_server(proc):
    """SIGTERM, then SIGKILL if it does not exit in time. Returns the exit status text."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)
            return "killed (no exit within 10 s of SIGTERM)"
    if proc.stdout:
        proc.stdout.close()
    rc = proc.returncode
    if rc < 0:
        return f"signal {signal.Signals(-rc).name}"
    return str(rc)


def window_send_stats(server_stderr):
    """(send() calls, lines) of the measured window, from the first two send stats lines the
    server printed (on the SIGUSR1 at the window's start and end), or None."""
    marks = [(int(c), int(n)) for c, n in SEND_STATS_RE.findall(server_stderr)]
    if len(marks) < 2:
        return None
    (c0, n0), (c1, n1) = marks[0], marks[1]
    return c1 - c0, n1 - n0


def execute(run, server_bin, loadgen_bin, cpus):
    """Do one run; returns a dict (the loadgen record + harness fields). Never raises for a
    failed run: the row then has status 'failed: ...'."""
    server_cpu, loadgen_cpu = cpus if cpus else (None, None)
    join_timeout = run.join_timeout_s()
    row = {"variant": run.variant, "kind": run.kind, "poller": run.poller,
           "timeout_ms": run.timeout_ms or "",
           "clients": run.clients, "rate": run.rate, "status": "ok", "server_exit": ""}
    with tempfile.TemporaryFile() as server_err:
        try:
            proc, port = _start_server(server_bin, run.timeout_ms, server_cpu, server_err,
                                       run.clients, run.poller)
        except (RunFailed, OSError) as e:
            row["status"] = f"failed: {e}"
            return row
        cmd = [loadgen_bin, "--port", str(port), "--server-pid", str(proc.pid),
               "--clients", str(run.clients), "--rate", f"{run.rate:g}",
               "--warmup", f"{run.warmup_s:g}", "--duration", f"{run.duration_s:g}",
               "--drain", f"{run.drain_s:g}", "--join-timeout", f"{join_timeout:g}",
               "--stats-signal", "--label", f"{run.variant}-{run.kind}"]
        limit = run.warmup_s + run.duration_s + run.drain_s + join_timeout + 15
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit,
                                 stdin=subprocess.DEVNULL, preexec_fn=_pin(loadgen_cpu))
            if out.returncode == 0:
                row.update(json.loads(out.stdout))
            else:
                row["status"] = f"failed: loadgen exit {out.returncode}: {out.stderr.strip()}"
        except subprocess.TimeoutExpired:
            row["status"] = f"failed: loadgen did not finish within {limit:g} s"
        except (OSError, ValueError) as e:
            row["status"] = f"failed: {e}"
        alive_at_end = proc.poll() is None
        row["server_exit"] = _stop_server(proc)
        if not alive_at_end:
            row["status"] = f"failed: server died during the run ({row['server_exit']})"
            if row["server_exit"] == "signal SIGUSR1":
                row["status"] += (": this server does not answer SIGUSR1 with its send "
                                  "stats (PROTOCOL.md); is it an older build?")
        server_err.seek(0)
        err = server_err.read().decode(errors="replace").strip()
        if err and row["status"] != "ok":
            row["status"] += f" / server stderr: {err[-300:]}"
        window = window_send_stats(err) if row["status"] == "ok" else None
        row["server_send_calls"], row["server_lines_sent"] = window or ("", "")
    row.pop("label", None)
    return row
