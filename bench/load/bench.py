#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""Load benchmark: ahttp against nginx, h2o and a raw epoll reference, on loopback only.

Started by bench/load/run.sh (which builds the raw epoll reference first):

    /usr/bin/python3 bench/load/bench.py <build-dir>

Every server is pinned to CPU 0 and every wrk run to CPU 1. Servers run side by side for the whole
run; workloads are interleaved across servers, BENCH_ROUNDS times, and the median of each metric is
reported. The figure that matters on two cores is server CPU time per request (utime+stime from
/proc/PID/stat divided by the requests wrk completed): a single wrk thread saturates its core before
a good server does, so req/s without pipelining mostly measures wrk. The idle test opens
BENCH_IDLE_CONNS keep-alive connections (one request each, then idle) and reports the server's VmRSS
growth per connection. Results go to BENCHMARKS.md at the repository root (BENCH_OUTPUT overrides)
and, per run, to <build-dir>/bench_load/results.json. Everything from the MANUAL_MARKER line on
in the existing report (hand-written analysis) is kept, after the regenerated part.

Environment: BENCH_DURATION (s per wrk run, default 10), BENCH_ROUNDS (default 3), BENCH_SERVERS
(comma list of ahttp,nginx,h2o,raw; default all), BENCH_IDLE_CONNS (default 10000, 0 skips),
BENCH_WARMUP (s of warm-up per server, default 1), BENCH_RETRIES (reruns of a run during which
other processes used more than OTHER_CPU_WARN % of a CPU, default 2; the least disturbed attempt
is kept), BENCH_OUTPUT (markdown path).

Only the standard library is used. Every process started here is in its own process group and is
killed, and every temporary directory removed, on exit, errors and Ctrl-C included.
"""

import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchlib import children_cpu_s, env_int, median_of, on_signal, tool_version  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LUA_PIPELINE = ROOT / "bench" / "load" / "pipeline.lua"
HOST = "127.0.0.1"  # loopback only, always
SERVER_CPU = "0"
WRK_CPU = "1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
TEXT_BODY = b"Hello, World!"
JSON_BODY = b'{"message":"Hello, World!"}'
NOFILE = 65536
OTHER_CPU_WARN = 10.0  # % of one CPU used by unrelated processes during a run: flagged as noisy

WORKLOADS = [
    {"key": "root_c50", "title": "`GET /`, 50 connections", "path": "/", "conns": 50, "depth": 1},
    {"key": "root_c256", "title": "`GET /`, 256 connections", "path": "/", "conns": 256,
     "depth": 1},
    {"key": "json_c50", "title": "`GET /json`, 50 connections", "path": "/json", "conns": 50,
     "depth": 1},
    {"key": "pipe16_c50", "title": "`GET /` pipelined, depth 16, 50 connections", "path": "/",
     "conns": 50, "depth": 16},
]
SERVER_ORDER = ["ahttp", "nginx", "h2o", "raw"]
LABELS = {"ahttp": "ahttp", "nginx": "nginx", "h2o": "h2o", "raw": "raw epoll"}



def log(msg):
    print(f"[bench] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# /proc helpers


def cpu_ticks(pid):
    """utime+stime of the whole process (every thread), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def busy_ticks():
    """user+nice+system ticks of all CPUs (irq and softirq time excluded: not charged to tasks)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[1]) + int(fields[2]) + int(fields[3])



def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def free_port(taken):
    """A port nothing listens on now: bind port 0, read it, close (tiny race, loopback only)."""
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port not in taken:
            taken.add(port)
            return port


# ---------------------------------------------------------------------------------------------
# Minimal HTTP/1.1 client for sanity checks and the idle-connection test


def read_response(sock):
    """Reads one response with a Content-Length body. Returns (status, headers, body, nbytes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the response head")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed in the response body")
        rest += chunk
    return status, headers, rest[:length], len(head) + 4 + length


def request_bytes(port, path):
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()


def http_get(port, path, timeout=5.0):
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(request_bytes(port, path))
        return read_response(s)


# ---------------------------------------------------------------------------------------------
# Servers


class Server:
    def __init__(self, name, cmd, port, cwd=None, cpu_pid_fn=None, version=""):
        self.name = name
        self.cmd = cmd
        self.port = port
        self.cwd = cwd
        self.cpu_pid_fn = cpu_pid_fn  # proc -> pid whose CPU and RSS are measured
        self.version = version
        self.proc = None
        self.cpu_pid = None
        self.log_path = None
        self.notes = []
        self.response_bytes = {}

    def start(self, log_dir, timeout=15.0):
        self.log_path = Path(log_dir) / f"{self.name}.log"
        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                ["taskset", "-c", SERVER_CPU] + self.cmd,
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                cwd=self.cwd, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with status {self.proc.returncode}: {self.log_tail()}")
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log_text())
            if m and int(m.group(1)) != self.port:
                self.notes.append(f"asked for port {self.port}, listens on {m.group(1)}")
                self.port = int(m.group(1))
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"not accepting on {HOST}:{self.port} after {timeout:.0f} s: "
                                   f"{self.log_tail()}")
            time.sleep(0.05)
        self.cpu_pid = self.cpu_pid_fn(self.proc) if self.cpu_pid_fn else self.proc.pid
        affinity = os.sched_getaffinity(self.cpu_pid)
        if affinity != {int(SERVER_CPU)}:
            self.notes.append(f"measured process runs on CPUs {sorted(affinity)}")

    def check(self):
        """Both routes answer 200 with the expected body; records the response size on the wire."""
        for path, body in (("/", TEXT_BODY), ("/json", JSON_BODY)):
            status, headers, got, nbytes = http_get(self.port, path)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            if got != body:
                raise RuntimeError(f"GET {path} answered body {got!r}")
            ctype = headers.get("content-type", "")
            want = "text/plain" if path == "/" else "application/json"
            if not ctype.startswith(want):
                self.notes.append(f"GET {path} content-type is {ctype!r}")
            self.response_bytes[path] = nbytes

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self):
        return " | ".join(self.log_text().strip().splitlines()[-5:]) or "(no output)"

    def stop(self):
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)  # the whole group: nginx workers, h2o helpers
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # The leader is gone; make sure no group member (e.g. an nginx worker) outlives it.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        self.proc = None



def make_ahttp(build_dir, tmp, ports):
    binary = build_dir / "bench" / "ahttp_bench_server"
    if not os.access(binary, os.X_OK):
        return None, f"{binary} does not exist (not built yet)"
    port = free_port(ports)
    return Server("ahttp", [str(binary), "--port", str(port), "--workers", "1"], port,
                  version="ahttp (this tree)"), None


def make_nginx(build_dir, tmp, ports):
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]  # raised as far as allowed in main
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(binary, os.X_OK):
        return None, "nginx is not installed"
    port = free_port(ports)
    d = Path(tmp) / "nginx"
    d.mkdir()
    temp_paths = "\n".join(f"    {kind}_temp_path {d}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = f"""\
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile {nofile};
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections {min(20000, nofile)}; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
{temp_paths}
    server {{
        listen {HOST}:{port} backlog=4096;
        location = / {{ default_type text/plain; return 200 "Hello, World!"; }}
        location = /json {{
            default_type application/json; return 200 '{{"message":"Hello, World!"}}';
        }}
    }}
}}
"""
    (d / "nginx.conf").write_text(conf)

    def worker(proc):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            kids = children(proc.pid)
            if kids:
                return kids[0]
            time.sleep(0.05)
        raise RuntimeError("nginx master has no worker")

    cmd = [binary, "-p", f"{d}/", "-e", f"{d}/error.log", "-c", f"{d}/nginx.conf"]
    return Server("nginx", cmd, port, cpu_pid_fn=worker,
                  version=tool_version([binary, "-v"]).replace("nginx version: ", "")), None


def make_h2o(build_dir, tmp, ports):
    binary = shutil.which("h2o") or "/usr/bin/h2o"
    if not os.access(binary, os.X_OK):
        return None, "h2o is not installed"
    port = free_port(ports)
    d = Path(tmp) / "h2o"
    www = d / "www"
    www.mkdir(parents=True)
    (www / "index.txt").write_bytes(TEXT_BODY)
    (www / "message.json").write_bytes(JSON_BODY)
    # h2o 2.2 has no `return`: both routes are static files (h2o keeps them open in its file cache).
    conf = f"""\
listen:
  host: {HOST}
  port: {port}
num-threads: 1
max-connections: 20000
http1-request-timeout: 120
user: root
pid-file: {d}/h2o.pid
error-log: {d}/error.log
file.etag: OFF
hosts:
  default:
    paths:
      /json:
        file.file: {www}/message.json
      /:
        file.file: {www}/index.txt
"""
    (d / "h2o.conf").write_text(conf)
    return Server("h2o", [binary, "-c", str(d / "h2o.conf")], port,
                  version=tool_version([binary, "--version"]).replace("h2o version ", "")), None


def make_raw(build_dir, tmp, ports):
    binary = build_dir / "bench_load" / "raw_epoll"
    if not os.access(binary, os.X_OK):
        return None, f"{binary} does not exist (run.sh builds it from bench/reference/raw_epoll.c)"
    port = free_port(ports)
    return Server("raw", [str(binary), "--port", str(port)], port,
                  version="bench/reference/raw_epoll.c, cc -O2"), None


FACTORIES = {"ahttp": make_ahttp, "nginx": make_nginx, "h2o": make_h2o, "raw": make_raw}


# ---------------------------------------------------------------------------------------------
# wrk

UNIT_US = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}


def parse_wrk(out):
    r = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", out)
    if not m:
        raise RuntimeError("no request count in wrk output")
    r["requests"] = int(m.group(1))
    r["elapsed_s"] = float(m.group(2)) * UNIT_US[m.group(3)] / 1e6
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else r["requests"] / r["elapsed_s"]
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", out,
                                       re.M):
        # wrk 4.1 prints 0.00us for high percentiles under pipelining: not a measurement.
        r[f"p{pct}_us"] = float(value) * UNIT_US[unit] if float(value) > 0 else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    return r


def run_wrk(server, wl, duration):
    url = f"http://{HOST}:{server.port}{wl['path']}"
    cmd = ["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{wl['conns']}", f"-d{duration}s",
           "--latency"]
    if wl["depth"] > 1:
        cmd += ["-s", str(LUA_PIPELINE), url, "--", str(wl["depth"])]
    else:
        cmd += [url]
    busy0, wrk0 = busy_ticks(), children_cpu_s()
    before = cpu_ticks(server.cpu_pid)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    wall = time.monotonic() - t0
    after = cpu_ticks(server.cpu_pid)
    busy1, wrk1 = busy_ticks(), children_cpu_s()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk exited {proc.returncode}: {proc.stderr.strip()[:300]}")
    r = parse_wrk(proc.stdout)
    cpu_s = (after - before) / CLK_TCK
    r["server_cpu_s"] = cpu_s
    r["server_cpu_pct"] = 100.0 * cpu_s / wall
    r["cpu_us_per_req"] = cpu_s * 1e6 / r["requests"] if r["requests"] else float("nan")
    r["wrk_cpu_pct"] = 100.0 * (wrk1 - wrk0) / wall
    # Whatever else ran on the machine meanwhile (builds, other tests) skews the comparison.
    other_s = (busy1 - busy0) / CLK_TCK - cpu_s - (wrk1 - wrk0)
    r["other_cpu_pct"] = max(0.0, 100.0 * other_s / wall)
    r["wrk_output"] = proc.stdout
    return r


# ---------------------------------------------------------------------------------------------
# Idle keep-alive connections


def idle_test(server, count, budget_s=90.0):
    """Opens `count` connections, each completing one keep-alive GET, then leaves them idle."""
    pid = server.cpu_pid
    time.sleep(0.5)
    rss0, fds0 = vm_rss_kib(pid), fd_count(pid)
    socks = []
    error = None
    req = request_bytes(server.port, "/")
    t0 = time.monotonic()
    try:
        try:
            while len(socks) < count:
                if time.monotonic() - t0 > budget_s:
                    error = f"time budget of {budget_s:.0f} s ran out"
                    break
                s = socket.create_connection((HOST, server.port), timeout=5)
                socks.append(s)
                s.sendall(req)
                status, _, _, _ = read_response(s)
                if status != 200:
                    error = f"status {status}"
                    break
        except OSError as e:
            error = f"after {len(socks)} connections: {e}"
        open_s = time.monotonic() - t0
        time.sleep(1.0)  # let the server settle
        alive = server.alive()
        rss1 = vm_rss_kib(pid) if alive else None
        fds1 = fd_count(pid) if alive else None
    finally:
        for s in socks:
            s.close()
    time.sleep(1.0)
    opened = len(socks)
    if not alive:
        error = (error or "") + " server died"
    res = {"requested": count, "opened": opened, "open_s": open_s, "rss_before_kib": rss0,
           "rss_after_kib": rss1, "fds_before": fds0, "fds_after": fds1, "error": error}
    if rss1 is not None and opened:
        res["bytes_per_conn"] = (rss1 - rss0) * 1024 / opened
        res["fds_held"] = fds1 - fds0
    return res


# ---------------------------------------------------------------------------------------------
# Report


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_lat(us):
    if us is None:
        return "n/a"
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def fmt_ratio(a, b):
    if a is None or b is None or not b:
        return "n/a"
    return f"{a / b:.2f}"



def machine_info():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {"nproc": nproc, "model": model, "kernel": os.uname().release, "loadavg": load}


def command_line(build_arg):
    env = " ".join(f"{k}={os.environ[k]}" for k in
                   ("BENCH_DURATION", "BENCH_ROUNDS", "BENCH_SERVERS", "BENCH_IDLE_CONNS",
                    "BENCH_WARMUP", "BENCH_RETRIES") if os.environ.get(k, "").strip())
    cmd = f"bash bench/load/run.sh {build_arg}"
    return f"{env} {cmd}".strip()


# Everything from this line to the end of BENCHMARKS.md is hand-written (profiles, analysis) and is
# carried over when the report is regenerated.
MANUAL_MARKER = "<!-- Hand-written sections below: bench.py keeps them when it regenerates the above. -->"


def keep_manual_part(output, report):
    """Returns `report` followed by the hand-written part of the existing `output`, if any."""
    try:
        previous = output.read_text()
    except OSError:
        return report
    at = previous.find(MANUAL_MARKER)
    if at < 0:
        return report
    return report.rstrip("\n") + "\n\n" + previous[at:]


def render(meta, servers, skipped, results, idle):
    names = [s.name for s in servers]
    out = []
    w = out.append
    w("# ahttp benchmarks\n")
    w("<!-- Generated by bench/load/bench.py (`make bench`); rerun to refresh. -->\n")
    w(f"- Date: {meta['date']}")
    w(f"- Machine: {meta['machine']['nproc']} CPUs, {meta['machine']['model']}, Linux "
      f"{meta['machine']['kernel']} (load average at start: {meta['machine']['loadavg']})")
    w(f"- Command: `{meta['command']}` (`make bench` runs `bash bench/load/run.sh build/release`)")
    w(f"- Each wrk run: `taskset -c {WRK_CPU} wrk -t1 -cN -d{meta['duration']}s --latency`; "
      f"{meta['rounds']} round(s) interleaved across servers, median of each metric reported; "
      f"servers pinned with `taskset -c {SERVER_CPU}`, one worker/thread each, loopback only.")
    w(f"- wrk: {meta['wrk_version']}")
    w("")
    w("CPU µs/req is the server's utime+stime (all threads, from `/proc/PID/stat`) over the run "
      "divided by the requests wrk completed; for nginx it is the worker process. On two cores one "
      "wrk thread saturates its core before a good server saturates its own, so req/s without "
      "pipelining mostly measures wrk: compare servers on CPU µs/req. *Server CPU* is the share "
      "of its core the server used during the run and *wrk CPU* the same for wrk: the one near "
      "100% was the bottleneck. A run during which other processes used more than "
      f"{OTHER_CPU_WARN:.0f}% of a CPU is repeated (up to BENCH_RETRIES times, least disturbed "
      "attempt kept) and flagged below its table if it stayed disturbed.\n")
    w("## Servers\n")
    w("| server | version | measured process | bytes on the wire for `GET /` |")
    w("|---|---|---|---|")
    for s in servers:
        proc = "nginx worker (master's child)" if s.name == "nginx" else "the server process"
        w(f"| {LABELS[s.name]} | {s.version} | {proc} | {s.response_bytes.get('/', 'n/a')} |")
    for name, why in skipped:
        w(f"| {LABELS[name]} | skipped: {why} | | |")
    w("")
    notes = [f"{LABELS[s.name]}: {n}" for s in servers for n in s.notes]
    if "h2o" in names:
        notes.append("h2o 2.2 has no `return` directive: it serves both routes as static files "
                     "(`file.file`, ETag off), so its responses carry Last-Modified and "
                     "Accept-Ranges headers.")
    for n in notes:
        w(f"- {n}")
    if notes:
        w("")

    medians = {}
    for wl in WORKLOADS:
        w(f"## {wl['title']}\n")
        w("| server | req/s | p50 | p99 | CPU µs/req | server CPU | wrk CPU |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for s in servers:
            runs = [r for r in results.get((s.name, wl["key"]), []) if "error" not in r]
            errs = [r["error"] for r in results.get((s.name, wl["key"]), []) if "error" in r]
            if not runs:
                w(f"| {LABELS[s.name]} | failed: {'; '.join(errs) or 'not run'} | | | | | |")
                continue
            m = {k: median_of(runs, k) for k in ("rps", "p50_us", "p99_us", "cpu_us_per_req",
                                                 "server_cpu_pct", "wrk_cpu_pct")}
            medians[(s.name, wl["key"])] = m
            cpu = f"{m['cpu_us_per_req']:.2f}"
            if len(runs) > 1:
                lo = min(r["cpu_us_per_req"] for r in runs)
                hi = max(r["cpu_us_per_req"] for r in runs)
                cpu += f" ({lo:.2f}–{hi:.2f})"
            w(f"| {LABELS[s.name]} | {fmt_int(m['rps'])} | {fmt_lat(m['p50_us'])} | "
              f"{fmt_lat(m['p99_us'])} | {cpu} | {m['server_cpu_pct']:.0f}% | "
              f"{m['wrk_cpu_pct']:.0f}% |")
        w("")
        bad = []
        for s in servers:
            for r in results.get((s.name, wl["key"]), []):
                if r.get("socket_errors") or r.get("non2xx"):
                    bad.append(f"{LABELS[s.name]} round {r['round']}: {r['socket_errors']} socket "
                               f"errors, {r['non2xx']} non-2xx responses")
                if "error" in r:
                    bad.append(f"{LABELS[s.name]} round {r['round']}: {r['error']}")
                elif r.get("other_cpu_pct", 0) > OTHER_CPU_WARN:
                    bad.append(f"{LABELS[s.name]} round {r['round']}: other processes used "
                               f"{r['other_cpu_pct']:.0f}% of a CPU during the run (noisy; "
                               f"least disturbed of {r.get('attempts', 1)} attempts)")
        if any("error" not in r and r.get("p99_us") is None
               for s in servers for r in results.get((s.name, wl["key"]), [])):
            bad.append("p99 n/a: wrk 4.1 sometimes prints 0.00us for it under pipelining (not a "
                       "measurement). wrk takes one latency sample per pipelined batch, so the "
                       "latencies here are a batch's.")
        for b in bad:
            w(f"- {b}")
        if bad:
            w("")
    if meta["rounds"] > 1:
        w("CPU µs/req shows the median and, in parentheses, the range over the rounds.\n")

    w("## Idle keep-alive connections\n")
    if not idle:
        w("Not run (BENCH_IDLE_CONNS=0).\n")
    else:
        w("Each connection sends one complete keep-alive `GET /`, reads the response, then stays "
          "idle; VmRSS of the measured process is read before opening and 1 s after the last "
          "one opened. Kernel socket memory is not in VmRSS.\n")
        w("| server | connections | RSS before | RSS after | bytes/connection | fds held |")
        w("|---|---:|---:|---:|---:|---:|")
        for s in servers:
            r = idle.get(s.name)
            if r is None:
                continue
            after = f"{r['rss_after_kib'] / 1024:.1f} MiB" if r["rss_after_kib"] else "n/a"
            bpc = f"{r['bytes_per_conn']:,.0f}" if "bytes_per_conn" in r else "n/a"
            w(f"| {LABELS[s.name]} | {r['opened']:,} | {r['rss_before_kib'] / 1024:.1f} MiB | "
              f"{after} | {bpc} | {r.get('fds_held', 'n/a')} |")
        w("")
        for s in servers:
            r = idle.get(s.name)
            if r and r.get("error"):
                w(f"- {LABELS[s.name]}: {r['error']}")
        if "nginx" in idle:
            w("- nginx allocates its `worker_connections` (20000) connection structures at start, "
              "so they are in its *before* figure.")
        w("- raw epoll keeps a 4 KiB read buffer per connection, by design of the reference.")
        w("")

    w("## ahttp ratios\n")
    if "ahttp" not in names:
        w("Not available: ahttp was not run.\n")
    else:
        w("Ratio = ahttp / other (for CPU µs/req lower is better, so < 1 means ahttp uses less "
          "CPU per request).\n")
        w("| workload | ahttp CPU µs/req | vs nginx | vs raw epoll |")
        w("|---|---:|---:|---:|")
        for wl in WORKLOADS:
            a = medians.get(("ahttp", wl["key"]), {}).get("cpu_us_per_req")
            n = medians.get(("nginx", wl["key"]), {}).get("cpu_us_per_req")
            r = medians.get(("raw", wl["key"]), {}).get("cpu_us_per_req")
            w(f"| {wl['title']} | {f'{a:.2f}' if a else 'n/a'} | {fmt_ratio(a, n)} | "
              f"{fmt_ratio(a, r)} |")
        w("")
        a = medians.get(("ahttp", "pipe16_c50"), {}).get("rps")
        n = medians.get(("nginx", "pipe16_c50"), {}).get("rps")
        r = medians.get(("raw", "pipe16_c50"), {}).get("rps")
        w(f"- Pipelined (depth 16) req/s: ahttp {fmt_int(a) if a else 'n/a'}; vs nginx "
          f"{fmt_ratio(a, n)}, vs raw epoll {fmt_ratio(a, r)} (> 1 means ahttp is faster).")
        i = idle.get("ahttp", {}).get("bytes_per_conn") if idle else None
        ni = idle.get("nginx", {}).get("bytes_per_conn") if idle else None
        w(f"- Idle keep-alive connection: ahttp {f'{i:,.0f}' if i is not None else 'n/a'} bytes "
          f"RSS each (nginx {f'{ni:,.0f}' if ni is not None else 'n/a'}).")
        w("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, max(NOFILE, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]



def main(argv):
    if len(argv) != 2:
        print("usage: bench.py <build-dir>", file=sys.stderr)
        return 2
    build_arg = argv[1]
    build_dir = Path(build_arg).resolve()
    duration = env_int("BENCH_DURATION", 10)
    rounds = env_int("BENCH_ROUNDS", 3)
    idle_conns = env_int("BENCH_IDLE_CONNS", 10000)
    warmup = env_int("BENCH_WARMUP", 1)
    retries = env_int("BENCH_RETRIES", 2)
    wanted = [s.strip() for s in os.environ.get("BENCH_SERVERS", ",".join(SERVER_ORDER)).split(",")
              if s.strip()]
    for s in wanted:
        if s not in FACTORIES:
            print(f"unknown server {s!r} in BENCH_SERVERS (known: {SERVER_ORDER})", file=sys.stderr)
            return 2
    output = Path(os.environ.get("BENCH_OUTPUT") or ROOT / "BENCHMARKS.md")
    signal.signal(signal.SIGINT, on_signal)  # even if started with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    nofile = raise_nofile()
    if idle_conns and nofile < idle_conns + 1000:
        log(f"RLIMIT_NOFILE is {nofile}: idle test lowered to {nofile - 1000} connections")
        idle_conns = max(0, nofile - 1000)

    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "command": command_line(build_arg),
        "duration": duration,
        "rounds": rounds,
        "wrk_version": tool_version(["wrk", "-v"]),
    }
    tmp = tempfile.mkdtemp(prefix="ahttp-bench-")
    os.chmod(tmp, 0o755)
    servers, started, skipped, results, idle = [], [], [], {}, {}
    ports = set()
    try:
        for name in [n for n in SERVER_ORDER if n in wanted]:
            server, why = FACTORIES[name](build_dir, tmp, ports)
            if server is None:
                log(f"skipping {name}: {why}")
                skipped.append((name, why))
                continue
            started.append(server)  # stopped in `finally` whatever happens next
            try:
                server.start(tmp)
                server.check()
            except Exception as e:  # noqa: BLE001 - report and go on with the others
                log(f"skipping {name}: {e}")
                skipped.append((name, f"failed to start or answer: {e}"))
                server.stop()
                continue
            log(f"{name} ready on {HOST}:{server.port} (measured pid {server.cpu_pid})")
            servers.append(server)
        if not servers:
            log("no server to benchmark")
            return 1

        if warmup > 0:
            for s in servers:
                try:
                    run_wrk(s, WORKLOADS[0], warmup)
                except Exception as e:  # noqa: BLE001
                    log(f"warm-up of {s.name} failed: {e}")

        total = rounds * len(WORKLOADS) * len(servers)
        done = 0
        for rnd in range(1, rounds + 1):
            for wl in WORKLOADS:
                for s in servers:
                    done += 1
                    key = (s.name, wl["key"])
                    if not s.alive():
                        results.setdefault(key, []).append(
                            {"round": rnd, "error": "server is not running"})
                        continue
                    try:
                        r = run_wrk(s, wl, duration)
                        tries = [r]
                        while r["other_cpu_pct"] > OTHER_CPU_WARN and len(tries) <= retries:
                            log(f"[{done}/{total}] {s.name} {wl['key']}: other processes used "
                                f"{r['other_cpu_pct']:.0f}% of a CPU, running it again")
                            time.sleep(2)
                            r = run_wrk(s, wl, duration)
                            tries.append(r)
                        r = min(tries, key=lambda t: t["other_cpu_pct"])
                        r["attempts"] = len(tries)
                    except Exception as e:  # noqa: BLE001
                        r = {"error": str(e)}
                        log(f"[{done}/{total}] {s.name} {wl['key']}: {e}")
                    else:
                        log(f"[{done}/{total}] round {rnd} {wl['key']:<10} {s.name:<6} "
                            f"{r['rps']:>12,.0f} req/s  p50 {fmt_lat(r.get('p50_us')):>9}  "
                            f"p99 {fmt_lat(r.get('p99_us')):>9}  "
                            f"{r['cpu_us_per_req']:6.2f} µs/req  cpu {r['server_cpu_pct']:3.0f}%  "
                            f"wrk {r['wrk_cpu_pct']:3.0f}%  other {r['other_cpu_pct']:3.0f}%")
                    r["round"] = rnd
                    results.setdefault(key, []).append(r)

        if idle_conns > 0:
            for s in servers:
                if not s.alive():
                    continue
                log(f"idle test: {idle_conns} connections to {s.name}")
                try:
                    idle[s.name] = idle_test(s, idle_conns)
                except Exception as e:  # noqa: BLE001
                    log(f"idle test of {s.name} failed: {e}")
                    continue
                r = idle[s.name]
                log(f"  {r['opened']} opened in {r['open_s']:.1f} s, "
                    f"{r.get('bytes_per_conn', float('nan')):,.0f} bytes/conn"
                    + (f" ({r['error']})" if r.get("error") else ""))

        for s in servers:
            if not s.alive():
                s.notes.append(f"exited during the run: {s.log_tail()}")

        report = render(meta, servers, skipped, results, idle)
        output.write_text(keep_manual_part(output, report))
        raw_dir = build_dir / "bench_load"
        raw_dir.mkdir(parents=True, exist_ok=True)
        with open(raw_dir / "results.json", "w") as f:
            json.dump({"meta": meta,
                       "skipped": skipped,
                       "runs": {f"{k[0]}/{k[1]}": v for k, v in results.items()},
                       "idle": idle}, f, indent=1)
        print()
        print(report)
        log(f"wrote {output} and {raw_dir / 'results.json'}")
        return 0
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); stopping servers")
        return 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        for s in started:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
