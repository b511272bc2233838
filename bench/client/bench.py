#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""Client benchmark: ahttp's client::session against wrk, python aiohttp, curl --parallel and
python requests, all fetching from the same nginx on loopback (issue 3).

Started by bench/client/run.sh (`make bench` runs it after the server benchmark):

    /usr/bin/python3 bench/client/bench.py <build-dir>

nginx (one worker, `return 200 "hello"`) is pinned to CPU 0, every client to CPU 1. Two
experiments, each client run CBENCH_ROUNDS times, interleaved, median reported:

1. Throughput: CBENCH_REQUESTS (20,000) GETs at concurrency CBENCH_CONCURRENCY (100):
   ahttp_client_bench (100 coroutines, one session, one io_context), wrk -t1 -c100 (time-bound:
   CBENCH_WRK_DURATION s, its own request count), python aiohttp (TCPConnector(limit=100), 100
   worker coroutines), curl --parallel --parallel-max 100 (one --config file of 20,000 URLs).
2. The seed's experiment: 600 GETs over three paths (`/`, `/test/`, `/aaa/` x 200): ahttp
   (600 coroutines at once, connector limit 100, as the seed's asyncio.gather over aiohttp's
   default pool), python aiohttp (the seed's gather, limit 100), python requests with
   ThreadPoolExecutor(5), python requests serial.

nginx caps every client near the same req/s on this machine, so the figure that compares clients
is the client's CPU time per request: utime+stime of the client process (its threads and
children included) from getrusage(RUSAGE_CHILDREN) deltas around each run, divided by the
requests it completed. Clients that report their own CPU over the requests only (ahttp, the python
ones) get a second column without process start-up. A run during which other processes used more
than OTHER_CPU_WARN % of a CPU is repeated (CBENCH_RETRIES times, least disturbed attempt kept).

Environment: CBENCH_REQUESTS (20000), CBENCH_CONCURRENCY (100), CBENCH_ROUNDS (3),
CBENCH_WRK_DURATION (2), CBENCH_RETRIES (2), CBENCH_TIMEOUT (s per run before it is killed, 180),
CBENCH_CLIENTS (comma list of run names, default all), CBENCH_OUTPUT (markdown path, default
bench/client/results.md). Raw figures go to <build-dir>/bench_client/results.json.

Only the standard library is used; nginx runs in its own process group and is killed, and the
temporary directory removed, on exit, errors and Ctrl-C included. Loopback only.
"""

import datetime
import json
import os
import re
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
PY_CLIENT = ROOT / "bench" / "client" / "py_client.py"
PYTHON = "/usr/bin/python3"  # Debian's, with python3-aiohttp and python3-requests
HOST = "127.0.0.1"
SERVER_CPU = "0"
CLIENT_CPU = "1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
BODY = b"hello"
SEED_PATHS = ["/", "/test/", "/aaa/"]
SEED_REQUESTS = 600
SEED_POOL = 100  # aiohttp's default TCPConnector limit, which the seed used
OTHER_CPU_WARN = 10.0



def log(msg):
    print(f"[client-bench] {msg}", flush=True)


def cpu_ticks(pid):
    """utime+stime of a process (all threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def voluntary_switches(pid):
    """How often a process went to sleep of its own accord (each time it was woken again)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    return 0


def busy_ticks():
    """user+nice+system ticks of all CPUs."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[1]) + int(fields[2]) + int(fields[3])



def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]



# ---------------------------------------------------------------------------------------------
# nginx


class Nginx:
    def __init__(self, tmp):
        self.dir = Path(tmp) / "nginx"
        self.dir.mkdir()
        self.port = free_port()
        self.proc = None
        self.worker = None
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.binary = binary
        self.version = tool_version([binary, "-v"]).replace("nginx version: ", "")
        d = self.dir
        temp_paths = "\n".join(f"    {kind}_temp_path {d}/{kind};"
                               for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (d / "nginx.conf").write_text(f"""\
daemon off;
master_process on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
{temp_paths}
    server {{
        listen {HOST}:{self.port} backlog=4096;
        location / {{ default_type text/plain; return 200 "hello"; }}
    }}
}}
""")

    def start(self, timeout=15.0):
        logf = open(self.dir / "stdout.log", "wb")
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, self.binary, "-p", f"{self.dir}/", "-e",
             f"{self.dir}/error.log", "-c", f"{self.dir}/nginx.conf"],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
            start_new_session=True)
        logf.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited with status {self.proc.returncode}")
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx not accepting on {HOST}:{self.port}")
                time.sleep(0.05)
        while time.monotonic() < deadline:
            out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                                 text=True).stdout.split()
            if out:
                self.worker = int(out[0])
                return
            time.sleep(0.05)
        raise RuntimeError("nginx master has no worker")

    def check(self):
        for path in SEED_PATHS:
            with socket.create_connection((HOST, self.port), timeout=5) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
                          .encode())
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            if not data.startswith(b"HTTP/1.1 200") or not data.endswith(b"\r\n\r\n" + BODY):
                raise RuntimeError(f"GET {path} answered {data[:200]!r}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # no worker outlives its master
        except ProcessLookupError:
            pass
        self.proc = None


# ---------------------------------------------------------------------------------------------
# Clients: each returns (argv, parser); parser(stdout, stderr, wall) -> dict with at least
# requests, errors, seconds, and loop_cpu_s when the client measures itself.


def parse_self_report(stdout, stderr, wall):
    line = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    try:
        r = json.loads(line)
    except ValueError:
        raise RuntimeError(f"no JSON result: {stdout.strip()[:200]} {stderr.strip()[:200]}")
    ok = r.get("statuses", {}).get("200", 0)
    out = {"requests": ok, "errors": r["errors"] + (r["requests"] - ok), "seconds": r["seconds"],
           "loop_cpu_s": r["cpu_seconds"]}
    if r.get("first_error") or r.get("failure"):
        out["note"] = r.get("failure") or r.get("first_error")
    return out


UNIT_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk(stdout, stderr, wall):
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", stdout)
    if not m:
        raise RuntimeError(f"no request count in wrk output: {stdout[-300:]} {stderr[-300:]}")
    requests = int(m.group(1))
    errors = 0
    m2 = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                   stdout)
    if m2:
        errors += sum(int(x) for x in m2.groups())
    m3 = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    if m3:
        errors += int(m3.group(1))
    return {"requests": requests - (int(m3.group(1)) if m3 else 0), "errors": errors,
            "seconds": float(m.group(2)) * UNIT_S[m.group(3)]}


def parse_raw(stdout, stderr, wall):
    m = re.search(r"(\d+) requests in ([\d.]+) s", stdout)
    if not m:
        raise RuntimeError(f"no result from raw_client: {stdout[-300:]} {stderr[-300:]}")
    return {"requests": int(m.group(1)), "errors": 0, "seconds": float(m.group(2))}


def parse_curl(stdout, stderr, wall):
    codes = stderr.split()
    ok = sum(1 for c in codes if c == "200")
    return {"requests": ok, "errors": len(codes) - ok, "seconds": wall}


def write_curl_config(path, urls, n):
    with open(path, "w") as f:
        # Per-URL options in a config apply to every URL of the operation.
        f.write('write-out = "%{stderr}%{http_code}\\n"\n')
        for i in range(n):
            f.write(f'url = "{urls[i % len(urls)]}"\n')


def make_runs(build_dir, tmp, nginx, n, c, wrk_duration):
    base = f"http://{HOST}:{nginx.port}"
    url = base + "/"
    seed_urls = [base + p for p in SEED_PATHS]
    binary = build_dir / "bench" / "ahttp_client_bench"
    curl_cfg = Path(tmp) / "curl_urls.cfg"
    write_curl_config(curl_cfg, [url], n)
    skipped = []
    has_ahttp = os.access(binary, os.X_OK)
    if not has_ahttp:
        skipped.append(("ahttp", f"{binary} does not exist (not built yet)"))
    has_curl = shutil.which("curl") is not None
    runs = []

    def add(key, experiment, label, argv, parser, how):
        runs.append({"key": key, "experiment": experiment, "label": label, "argv": argv,
                     "parse": parser, "how": how})

    if has_ahttp:
        add("ahttp", "throughput", "ahttp client::session",
            [str(binary), url, "-n", str(n), "-c", str(c), "--limit", str(c)],
            parse_self_report, f"`ahttp_client_bench URL -n {n} -c {c} --limit {c}`: {c} "
            "coroutines on one io_context, one session")
    add("wrk", "throughput", "wrk", ["wrk", "-t1", f"-c{c}", f"-d{wrk_duration}s", url],
        parse_wrk, f"`wrk -t1 -c{c} -d{wrk_duration}s` (time-bound: its own request count)")
    add("aiohttp", "throughput", "python aiohttp",
        [PYTHON, str(PY_CLIENT), "aiohttp-workers", url, "-n", str(n), "-c", str(c)],
        parse_self_report, f"`py_client.py aiohttp-workers`: TCPConnector(limit={c}), {c} "
        "worker coroutines, one ClientSession")
    raw = build_dir / "bench_client" / "raw_client"
    if os.access(raw, os.X_OK):
        add("raw", "throughput", "raw C client (floor)",
            [str(raw), HOST, str(nginx.port), "/", str(n), str(c)], parse_raw,
            f"`raw_client {HOST} PORT / {n} {c}` (bench/reference/raw_client.c): C, "
            "level-triggered epoll, one write and one read per request, nothing else; the "
            "floor any client pays here")
    else:
        skipped.append(("raw", f"{raw} does not exist (run.sh builds it)"))
    if has_curl:
        add("curl", "throughput", "curl --parallel",
            ["curl", "--no-progress-meter", "--parallel", "--parallel-max", str(c), "--config",
             str(curl_cfg)], parse_curl,
            f"`curl --parallel --parallel-max {c} --config FILE` ({n} URLs, status codes "
            "written with `-w %{stderr}%{http_code}`, bodies to /dev/null)")
    else:
        skipped.append(("curl", "curl is not installed"))
    if has_ahttp:
        add("seed-ahttp", "seed", "ahttp async",
            [str(binary), *seed_urls, "-n", str(SEED_REQUESTS), "-c", str(SEED_REQUESTS),
             "--limit", str(SEED_POOL)], parse_self_report,
            f"`ahttp_client_bench URL×3 -n {SEED_REQUESTS} -c {SEED_REQUESTS} --limit "
            f"{SEED_POOL}`: all {SEED_REQUESTS} at once over a pool of {SEED_POOL}, as the seed")
    add("seed-aiohttp", "seed", "python aiohttp",
        [PYTHON, str(PY_CLIENT), "aiohttp-gather", *seed_urls, "-n", str(SEED_REQUESTS), "-c",
         str(SEED_POOL)], parse_self_report,
        f"the seed's asyncio.gather of {SEED_REQUESTS} tasks, TCPConnector(limit={SEED_POOL})")
    add("seed-threads", "seed", "python requests threads(5)",
        [PYTHON, str(PY_CLIENT), "requests-threads", *seed_urls, "-n", str(SEED_REQUESTS), "-c",
         "5"], parse_self_report, "one requests.Session, ThreadPoolExecutor(max_workers=5)")
    add("seed-serial", "seed", "python requests serial",
        [PYTHON, str(PY_CLIENT), "requests-serial", *seed_urls, "-n", str(SEED_REQUESTS), "-c",
         "1"], parse_self_report, "one requests.Session, one request after the other")
    return runs, skipped


def run_client(run, nginx, timeout):
    cmd = ["taskset", "-c", CLIENT_CPU] + run["argv"]
    busy0, child0, srv0 = busy_ticks(), children_cpu_s(), cpu_ticks(nginx.worker)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    busy1, child1, srv1 = busy_ticks(), children_cpu_s(), cpu_ticks(nginx.worker)
    r = run["parse"](proc.stdout, proc.stderr, wall)
    if proc.returncode != 0 and not r.get("errors"):
        raise RuntimeError(f"exited {proc.returncode}: {proc.stderr.strip()[:300]}")
    cpu_s = child1 - child0
    srv_s = (srv1 - srv0) / CLK_TCK
    req = r["requests"]
    r["wall_s"] = wall
    r["cpu_s"] = cpu_s
    r["rps"] = req / r["seconds"] if r["seconds"] > 0 else float("nan")
    r["cpu_us_per_req"] = cpu_s * 1e6 / req if req else float("nan")
    if "loop_cpu_s" in r:
        r["loop_cpu_us_per_req"] = r["loop_cpu_s"] * 1e6 / req if req else float("nan")
    r["client_cpu_pct"] = 100.0 * cpu_s / wall
    r["server_cpu_pct"] = 100.0 * srv_s / wall
    r["server_us_per_req"] = srv_s * 1e6 / req if req else float("nan")
    other_s = (busy1 - busy0) / CLK_TCK - cpu_s - srv_s
    r["other_cpu_pct"] = max(0.0, 100.0 * other_s / wall)
    r["returncode"] = proc.returncode
    return r


# ---------------------------------------------------------------------------------------------
# Report



def used_runs(runs):
    """The rounds a median is taken over: the undisturbed ones if there are any, else all."""
    ok = [r for r in runs if "error" not in r]
    quiet = [r for r in ok if r.get("other_cpu_pct", 0) <= OTHER_CPU_WARN]
    return quiet or ok


def fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "n/a"


def render(meta, runs, results, skipped):
    out = []
    w = out.append
    w("# Client benchmark (issue 3)\n")
    w("<!-- Generated by bench/client/bench.py (`bash bench/client/run.sh BUILD_DIR`, also run by "
      "`make bench`); rerun to refresh. -->\n")
    w(f"- Date: {meta['date']}")
    w(f"- Machine: {meta['machine']}; load average at start: {meta['loadavg']}")
    w(f"- Command: `{meta['command']}`")
    w(f"- Target: nginx {meta['nginx']}, one worker pinned to CPU {SERVER_CPU} (`taskset -c "
      f"{SERVER_CPU}`), `return 200 \"hello\"`, keep-alive, loopback only. Every client pinned to "
      f"CPU {CLIENT_CPU}.")
    w(f"- {meta['rounds']} round(s), clients interleaved within each round; medians reported "
      "(range of CPU µs/req over rounds in parentheses), over the undisturbed rounds when there "
      "is at least one (*rounds* column: used/run).")
    w(f"- {meta['wrk']}; {meta['curl']}; python aiohttp {meta['aiohttp']}, requests "
      f"{meta['requests_version']}.")
    w("")
    w("**client CPU µs/req** is the client process's utime+stime (all threads; "
      "`getrusage(RUSAGE_CHILDREN)` deltas around the run) divided by the requests it completed "
      "with a 200, start-up included. **loop CPU µs/req** is the same measured by the client "
      "itself over the requests only (`getrusage(RUSAGE_SELF)`; ahttp and the python clients). "
      "nginx serves everyone at about the same rate on this machine, so CPU per request is what "
      "tells the clients apart; req/s says who was the bottleneck. **CPU/req vs wrk** = client "
      "CPU µs/req ÷ wrk's (< 1: cheaper than wrk); **req/s vs aiohttp** = req/s ÷ python "
      "aiohttp's in the same experiment. *client CPU* and *nginx CPU* are the share of their core "
      "each used during the run.\n")

    medians = {}
    for run in runs:
        rs = used_runs(results.get(run["key"], []))
        if rs:
            medians[run["key"]] = {k: median_of(rs, k) for k in (
                "requests", "errors", "seconds", "rps", "cpu_us_per_req", "loop_cpu_us_per_req",
                "client_cpu_pct", "server_cpu_pct", "server_us_per_req")}

    for experiment, title, wrk_key, aio_key in (
            ("throughput", f"{meta['requests']:,} GETs at concurrency {meta['concurrency']}",
             "wrk", "aiohttp"),
            ("seed", f"The seed's {SEED_REQUESTS} GETs (`/`, `/test/`, `/aaa/` × 200)", "wrk",
             "seed-aiohttp")):
        w(f"## {title}\n")
        w("| client | requests | errors | seconds | req/s | client CPU µs/req | loop CPU µs/req "
          "| CPU/req vs wrk | req/s vs aiohttp | client CPU | nginx CPU | rounds |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        wrk_cpu = medians.get(wrk_key, {}).get("cpu_us_per_req")
        aio_rps = medians.get(aio_key, {}).get("rps")
        for run in [r for r in runs if r["experiment"] == experiment]:
            m = medians.get(run["key"])
            if m is None:
                errs = [r["error"] for r in results.get(run["key"], []) if "error" in r]
                w(f"| {run['label']} | failed: {'; '.join(errs) or 'not run'} | | | | | | | | | | |")
                continue
            rs = used_runs(results[run["key"]])
            cpu = fmt(m["cpu_us_per_req"], ".1f")
            if len(rs) > 1:
                lo = min(r["cpu_us_per_req"] for r in rs)
                hi = max(r["cpu_us_per_req"] for r in rs)
                cpu += f" ({lo:.1f}–{hi:.1f})"
            w(f"| {run['label']} | {m['requests']:,.0f} | {m['errors']:,.0f} | "
              f"{m['seconds']:.3f} | {m['rps']:,.0f} | {cpu} | "
              f"{fmt(m['loop_cpu_us_per_req'], '.1f')} | "
              f"{ratio(m['cpu_us_per_req'], wrk_cpu)} | {ratio(m['rps'], aio_rps)} | "
              f"{m['client_cpu_pct']:.0f}% | {m['server_cpu_pct']:.0f}% | "
              f"{len(rs)}/{len(results[run['key']])} |")
        w("")
        for run in [r for r in runs if r["experiment"] == experiment]:
            w(f"- {run['label']}: {run['how']}.")
        if experiment == "seed":
            w("- CPU/req vs wrk compares with wrk's figure from the throughput experiment; in "
              "this short experiment the python clients' process CPU is mostly interpreter "
              "start-up and imports (see loop CPU), and nginx CPU has a 10 ms resolution.")
        notes = []
        for run in [r for r in runs if r["experiment"] == experiment]:
            for r in results.get(run["key"], []):
                if "error" in r:
                    notes.append(f"{run['label']} round {r['round']}: {r['error']}")
                    continue
                if r.get("errors"):
                    notes.append(f"{run['label']} round {r['round']}: {r['errors']} errors"
                                 + (f" ({r['note']})" if r.get("note") else ""))
                if r.get("other_cpu_pct", 0) > OTHER_CPU_WARN:
                    notes.append(f"{run['label']} round {r['round']}: other processes used "
                                 f"{r['other_cpu_pct']:.0f}% of a CPU during the run (least "
                                 f"disturbed of {r.get('attempts', 1)} attempts)")
        for note in notes:
            w(f"- {note}")
        w("")

    for name, why in skipped:
        w(f"- skipped {name}: {why}")
    if skipped:
        w("")

    w("## Issue 3 targets\n")
    a = medians.get("ahttp", {})
    wk = medians.get("wrk", {})
    ai = medians.get("aiohttp", {})
    if a and wk:
        met = "met" if a["cpu_us_per_req"] <= wk["cpu_us_per_req"] else "NOT met"
        w(f"- ahttp client CPU µs/req ≤ wrk's: {a['cpu_us_per_req']:.1f} vs "
          f"{wk['cpu_us_per_req']:.1f} (ratio {ratio(a['cpu_us_per_req'], wk['cpu_us_per_req'])}) "
          f"— **{met}**.")
    if a and ai:
        x = a["rps"] / ai["rps"] if ai["rps"] else float("nan")
        met = "met" if x >= 20 else "NOT met"
        w(f"- ahttp req/s ≥ 20× python aiohttp's: {a['rps']:,.0f} vs {ai['rps']:,.0f} "
          f"({x:.1f}×) — **{met}**.")
    raw = medians.get("raw", {})
    if raw and ai and ai["rps"] and ai["cpu_us_per_req"]:
        w(f"- the floor (raw C client): {raw['rps'] / ai['rps']:.1f}× aiohttp's req/s, "
          f"{ai['cpu_us_per_req'] / raw['cpu_us_per_req']:.1f}× less CPU per request"
          + (f"; ahttp's CPU per request is {ratio(a['cpu_us_per_req'], raw['cpu_us_per_req'])}"
             "× the floor's" if a else "") + ".")
    w("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------


# Everything from this line on in results.md is hand-written (build, profile, analysis) and is
# carried over when the report is regenerated.
MANUAL_MARKER = "<!-- Hand-written notes below: bench.py keeps them when it regenerates the above. -->"


def keep_manual_part(output, report):
    try:
        previous = output.read_text()
    except OSError:
        return report + "\n"
    at = previous.find(MANUAL_MARKER)
    if at < 0:
        return report + "\n"
    return report.rstrip("\n") + "\n\n" + previous[at:]



def py_version(module):
    try:
        return subprocess.run([PYTHON, "-c", f"import {module}; print({module}.__version__)"],
                              capture_output=True, text=True, timeout=30).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def main(argv):
    if len(argv) != 2:
        print("usage: bench.py <build-dir>", file=sys.stderr)
        return 2
    build_arg = argv[1]
    build_dir = Path(build_arg).resolve()
    n = env_int("CBENCH_REQUESTS", 20000)
    c = env_int("CBENCH_CONCURRENCY", 100)
    rounds = env_int("CBENCH_ROUNDS", 3)
    wrk_duration = env_int("CBENCH_WRK_DURATION", 2)
    retries = env_int("CBENCH_RETRIES", 2)
    timeout = env_int("CBENCH_TIMEOUT", 180)
    wanted = {s.strip() for s in os.environ.get("CBENCH_CLIENTS", "").split(",") if s.strip()}
    output = Path(os.environ.get("CBENCH_OUTPUT") or ROOT / "bench" / "client" / "results.md")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        loadavg = " ".join(f.read().split()[:3])
    env = " ".join(f"{k}={os.environ[k]}" for k in sorted(os.environ)
                   if k.startswith("CBENCH_") and os.environ[k].strip())
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, {model}, Linux {os.uname().release}",
        "loadavg": loadavg,
        "command": f"{env} bash bench/client/run.sh {build_arg}".strip(),
        "requests": n, "concurrency": c, "rounds": rounds,
        "wrk": tool_version(["wrk", "-v"]).split(" [")[0],
        "curl": tool_version(["curl", "--version"]).split(" (")[0],
        "aiohttp": py_version("aiohttp"), "requests_version": py_version("requests"),
    }
    tmp = tempfile.mkdtemp(prefix="ahttp-client-bench-")
    os.chmod(tmp, 0o755)
    nginx = Nginx(tmp)
    meta["nginx"] = nginx.version
    results = {}
    try:
        nginx.start()
        nginx.check()
        log(f"nginx ready on {HOST}:{nginx.port} (worker pid {nginx.worker})")
        runs, skipped = make_runs(build_dir, tmp, nginx, n, c, wrk_duration)
        if wanted:
            runs = [r for r in runs if r["key"] in wanted]
        for name, why in skipped:
            log(f"skipping {name}: {why}")
        # Warm-up: nginx's caches and the machine's frequency, not measured.
        subprocess.run(["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{c}", "-d1s",
                        f"http://{HOST}:{nginx.port}/"], capture_output=True, timeout=60)
        total, done = rounds * len(runs), 0
        for rnd in range(1, rounds + 1):
            for run in runs:
                done += 1
                if not nginx.alive():
                    raise RuntimeError("nginx is not running")
                try:
                    tries = [run_client(run, nginx, timeout)]
                    while tries[-1]["other_cpu_pct"] > OTHER_CPU_WARN and len(tries) <= retries:
                        log(f"[{done}/{total}] {run['key']}: other processes used "
                            f"{tries[-1]['other_cpu_pct']:.0f}% of a CPU, running it again")
                        time.sleep(2)
                        tries.append(run_client(run, nginx, timeout))
                    r = min(tries, key=lambda t: t["other_cpu_pct"])
                    r["attempts"] = len(tries)
                except Exception as e:  # noqa: BLE001 - report and go on
                    r = {"error": str(e)[:300]}
                    log(f"[{done}/{total}] {run['key']}: {r['error']}")
                else:
                    loop = r.get("loop_cpu_us_per_req")
                    log(f"[{done}/{total}] round {rnd} {run['key']:<13} {r['requests']:>7} req "
                        f"{r['errors']:>3} err {r['rps']:>9,.0f} req/s "
                        f"{r['cpu_us_per_req']:7.1f} µs/req"
                        + (f" (loop {loop:6.1f})" if loop is not None else "")
                        + f"  client {r['client_cpu_pct']:3.0f}%  nginx "
                        f"{r['server_cpu_pct']:3.0f}%  other {r['other_cpu_pct']:3.0f}%")
                r["round"] = rnd
                results.setdefault(run["key"], []).append(r)

        report = render(meta, runs, results, skipped)
        output.write_text(keep_manual_part(output, report))
        raw_dir = build_dir / "bench_client"
        raw_dir.mkdir(parents=True, exist_ok=True)
        with open(raw_dir / "results.json", "w") as f:
            json.dump({"meta": meta, "skipped": skipped,
                       "runs": [{k: v for k, v in run.items() if k != "parse"} for run in runs],
                       "results": results}, f, indent=1)
        print()
        print(report)
        log(f"wrote {output} and {raw_dir / 'results.json'}")
        return 0
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); stopping nginx")
        return 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        nginx.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
