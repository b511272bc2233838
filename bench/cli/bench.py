#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""CLI load-generator benchmark: `ahttp bench` against wrk, ab and (when installed) autocannon,
all loading the same nginx on loopback.

Started by bench/cli/run.sh:

    /usr/bin/python3 bench/cli/bench.py <build-dir>

nginx (one worker, `return 200 "hello"`, started by bench/client/bench.py's Nginx class) is
pinned to CPU 0 and every load generator to CPU 1 (taskset). Each tool runs for BENCH_DURATION
seconds (default 10) at 50 and at 256 connections; tools are interleaved, BENCH_ROUNDS times
(default 1), and the median is reported. Figures: req/s as the tool reports it, the median of
the ratios to wrk's req/s in the same round, and the tool's CPU time per request: utime+stime of the tool
process (getrusage(RUSAGE_CHILDREN) deltas around the run, start-up included) divided by the
requests it completed. nginx's CPU share shows whether the server or the tool was the limit.

Environment: BENCH_DURATION (10), BENCH_ROUNDS (1), BENCH_CONNECTIONS (comma list, "50,256"),
BENCH_TOOLS (comma list of ahttp,wrk,ab,autocannon; default all), BENCH_OUTPUT (markdown path,
default bench/cli/results.md; hand-written notes after bench/client/bench.py's MANUAL_MARKER line
are kept). Raw figures go to <build-dir>/bench_cli/results.json.

autocannon comes from bench/node (`make bench` runs `scripts/install-deps.sh --bench`, which
installs it from its package-lock.json), else from an `npx --no-install autocannon` that runs:
this script never downloads anything. Loopback only; nginx is killed on exit, errors and Ctrl-C.
"""

import datetime
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchlib import env_int  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def load_client_bench():
    """bench/client/bench.py as a module: its Nginx class and CPU accounting helpers."""
    spec = importlib.util.spec_from_file_location("client_bench",
                                                  ROOT / "bench" / "client" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cb = load_client_bench()
HOST = cb.HOST
CLIENT_CPU = cb.CLIENT_CPU



def log(msg):
    print(f"[cli-bench] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# Parsers: each returns {"requests": completed 2xx/3xx, "errors": n, "seconds": s}


def parse_ahttp(stdout, stderr, wall):
    out = json.loads(stdout)
    errors = sum(int(v) for v in out["errors"].values())
    return {"requests": int(out["completed"]) - int(out["errors"]["status_4xx_5xx"]),
            "errors": errors, "seconds": float(out["elapsed_s"]),
            "self_cpu_s": float(out["cpu_s"]),
            "p50_ms": out["latency_us"]["p50"] / 1e3, "p99_ms": out["latency_us"]["p99"] / 1e3}


def parse_wrk(stdout, stderr, wall):
    r = cb.parse_wrk(stdout, stderr, wall)
    for key, pat in (("p50_ms", r"^\s+50%\s+([\d.]+)(us|ms|s)"),
                     ("p99_ms", r"^\s+99%\s+([\d.]+)(us|ms|s)")):
        m = re.search(pat, stdout, re.M)
        if m:
            r[key] = float(m.group(1)) * cb.UNIT_S[m.group(2)] * 1e3
    return r


def parse_ab(stdout, stderr, wall):
    done = re.search(r"Complete requests:\s+(\d+)", stdout)
    taken = re.search(r"Time taken for tests:\s+([\d.]+) seconds", stdout)
    if not done or not taken:
        raise RuntimeError(f"no figures in ab output: {stdout[-300:]} {stderr[-300:]}")
    failed = re.search(r"Failed requests:\s+(\d+)", stdout)
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", stdout)
    errors = (int(failed.group(1)) if failed else 0) + (int(non2xx.group(1)) if non2xx else 0)
    r = {"requests": int(done.group(1)) - errors, "errors": errors,
         "seconds": float(taken.group(1))}
    for key, pct in (("p50_ms", "50"), ("p99_ms", "99")):
        m = re.search(rf"^\s+{pct}%\s+(\d+)", stdout, re.M)
        if m:
            r[key] = float(m.group(1))
    return r


def parse_autocannon(stdout, stderr, wall):
    out = json.loads(stdout)
    ok = int(out["2xx"]) + int(out.get("3xx", 0))
    errors = int(out.get("errors", 0)) + int(out.get("timeouts", 0)) + int(out.get("non2xx", 0))
    return {"requests": ok, "errors": errors, "seconds": float(out["duration"]),
            "p50_ms": float(out["latency"]["p50"]), "p99_ms": float(out["latency"]["p99"])}


# ---------------------------------------------------------------------------------------------


def autocannon_command():
    """bench/node's autocannon (`make bench` installs it), else one npx runs without
    downloading, else None."""
    local = ROOT / "bench" / "node" / "node_modules" / ".bin" / "autocannon"
    candidates = ([[str(local)]] if local.exists() else []) + (
        [["npx", "--no-install", "autocannon"]] if shutil.which("npx") else [])
    for command in candidates:
        try:
            r = subprocess.run(command + ["--version"], capture_output=True, text=True,
                               timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            return command
    return None


def make_runs(build_dir, url, conns, duration, wanted):
    runs, skipped = [], []
    ahttp = build_dir / "tools" / "ahttp" / "ahttp"

    def add(tool, c, argv, parser, how):
        runs.append({"tool": tool, "conns": c, "argv": argv, "parse": parser, "how": how})

    autocannon = autocannon_command() if "autocannon" in wanted else None
    if "autocannon" in wanted and autocannon is None:
        skipped.append(("autocannon", "not installed (`bash scripts/install-deps.sh --bench` "
                                      "installs it in bench/node; nothing is downloaded here)"))
    if "ahttp" in wanted and not os.access(ahttp, os.X_OK):
        skipped.append(("ahttp", f"{ahttp} is not built"))
    for c in conns:
        if "ahttp" in wanted and os.access(ahttp, os.X_OK):
            add("ahttp", c, [str(ahttp), "bench", "-d", f"{duration}s", "-c", str(c), "--json", url],
                parse_ahttp, f"`ahttp bench -d {duration}s -c C --json URL` (async mode: one "
                "event loop, one session with limit C)")
        if "wrk" in wanted:
            add("wrk", c, ["wrk", "-t1", f"-c{c}", f"-d{duration}s", "--latency", url], parse_wrk,
                f"`wrk -t1 -cC -d{duration}s --latency URL`")
        if "ab" in wanted:
            # -t before -n: ab's -t sets -n to 50000, a later -n overrides it.
            add("ab", c, ["ab", "-q", "-k", "-c", str(c), "-t", str(duration), "-n", "100000000",
                          url], parse_ab,
                f"`ab -k -c C -t {duration} -n 100000000 URL` (keep-alive)")
        if autocannon:
            add("autocannon", c, autocannon + ["-j", "-c", str(c), "-d", str(duration), url],
                parse_autocannon, f"`autocannon -j -c C -d {duration} URL`")
    return runs, skipped


def run_tool(run, nginx, timeout):
    cmd = ["taskset", "-c", CLIENT_CPU] + run["argv"]
    busy0, child0, srv0 = cb.busy_ticks(), cb.children_cpu_s(), cb.cpu_ticks(nginx.worker)
    sleeps0 = cb.voluntary_switches(nginx.worker)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    busy1, child1, srv1 = cb.busy_ticks(), cb.children_cpu_s(), cb.cpu_ticks(nginx.worker)
    sleeps1 = cb.voluntary_switches(nginx.worker)
    if proc.returncode != 0:
        raise RuntimeError(f"{run['tool']} exited {proc.returncode}: {proc.stderr.strip()[:300]}")
    r = run["parse"](proc.stdout, proc.stderr, wall)
    cpu_s = child1 - child0
    srv_s = (srv1 - srv0) / cb.CLK_TCK
    req = r["requests"]
    r["wall_s"] = wall
    r["cpu_s"] = cpu_s
    r["rps"] = req / r["seconds"] if r["seconds"] > 0 else float("nan")
    r["cpu_us_per_req"] = cpu_s * 1e6 / req if req else float("nan")
    r["tool_cpu_pct"] = 100.0 * cpu_s / wall
    r["server_cpu_pct"] = 100.0 * srv_s / wall
    r["server_us_per_req"] = srv_s * 1e6 / req if req else float("nan")
    r["server_wakeups_per_req"] = (sleeps1 - sleeps0) / req if req else float("nan")
    other_s = (busy1 - busy0) / cb.CLK_TCK - cpu_s - srv_s
    r["other_cpu_pct"] = max(0.0, 100.0 * other_s / wall)
    return r


def median(results, key):
    values = [r[key] for r in results if key in r and r[key] == r[key]]
    return statistics.median(values) if values else float("nan")


def fmt(x, spec):
    return "n/a" if x != x else format(x, spec)


def render(meta, runs, results, skipped):
    lines = ["# `ahttp bench` against wrk, ab and autocannon", "",
             f"Generated by `bench/cli/run.sh` on {meta['date']} ({meta['host']}, "
             f"{meta['cpus']} CPUs). nginx {meta['nginx']} (1 worker, `return 200 \"hello\"`) "
             f"on CPU 0, each tool on CPU 1; {meta['duration']} s per run, {meta['rounds']} "
             "round(s), median shown.", "",
             "Tool CPU is utime+stime of the tool's process (getrusage of children, start-up "
             "included) divided by the requests it completed; for ahttp the figure in brackets "
             "is the sending thread's own CPU as `ahttp bench --json` reports it (`cpu_s`).", "",
             "Other CPU % is what the rest of the machine used meanwhile (out of 200 %): a high "
             "figure means the run shared its cores and req/s is low for every tool alike.", "",
             "nginx wake-ups/req is how often nginx went to sleep in epoll and had to be woken "
             "(its voluntary context switches) per request: a tool whose requests arrive "
             "together wakes it once for many.", "",
             "| Tool | Connections | req/s | vs wrk | tool CPU µs/req | tool CPU % | "
             "nginx CPU % | nginx wake-ups/req | other CPU % | p50 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in meta["conns"]:
        wrk_runs = results.get(("wrk", c), [])
        for run in runs:
            if run["conns"] != c:
                continue
            rs = results.get((run["tool"], c), [])
            if not rs:
                continue
            rps = median(rs, "rps")
            # Each round's ratio to wrk's run of the same round (minutes apart at most), then
            # the median: the machine's drift between rounds cancels out.
            paired = [r["rps"] / w["rps"] for r, w in zip(rs, wrk_runs) if w["rps"]]
            ratio = statistics.median(paired) if paired else float("nan")
            cpu = fmt(median(rs, "cpu_us_per_req"), ".1f")
            if "self_cpu_s" in rs[0]:
                self_us = statistics.median(
                    r["self_cpu_s"] * 1e6 / r["requests"] for r in rs if r["requests"])
                cpu += f" ({self_us:.1f})"
            lines.append(
                f"| {run['tool']} | {c} | {fmt(rps, ',.0f')} | "
                f"{fmt(ratio, '.2f')}× | {cpu} | {fmt(median(rs, 'tool_cpu_pct'), '.0f')} | "
                f"{fmt(median(rs, 'server_cpu_pct'), '.0f')} | "
                f"{fmt(median(rs, 'server_wakeups_per_req'), '.3f')} | "
                f"{fmt(median(rs, 'other_cpu_pct'), '.0f')} | "
                f"{fmt(median(rs, 'p50_ms'), '.2f')} | {fmt(median(rs, 'p99_ms'), '.2f')} | "
                f"{int(median(rs, 'errors'))} |")
    lines += ["", "Commands:", ""]
    seen = set()
    for run in runs:
        if run["tool"] not in seen:
            seen.add(run["tool"])
            lines.append(f"- {run['tool']}: {run['how']}")
    for tool, why in skipped:
        lines.append(f"- {tool}: skipped — {why}")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} <build-dir>", file=sys.stderr)
        return 2
    build_dir = Path(argv[1]).resolve()
    duration = env_int("BENCH_DURATION", 10)
    rounds = env_int("BENCH_ROUNDS", 1)
    conns = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "50,256").split(",") if c]
    wanted = set(os.environ.get("BENCH_TOOLS", "ahttp,wrk,ab,autocannon").split(","))
    output = Path(os.environ.get("BENCH_OUTPUT", ROOT / "bench" / "cli" / "results.md"))
    tmp = tempfile.mkdtemp(prefix="ahttp-cli-bench-")
    nginx = cb.Nginx(tmp)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        nginx.start()
        nginx.check()
        url = f"http://{HOST}:{nginx.port}/"
        runs, skipped = make_runs(build_dir, url, conns, duration, wanted)
        meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "host": os.uname().nodename, "cpus": os.cpu_count(), "nginx": nginx.version,
                "duration": duration, "rounds": rounds, "conns": conns}
        results = {}
        for rnd in range(rounds):
            for run in runs:
                r = run_tool(run, nginx, timeout=duration * 3 + 60)
                log(f"round {rnd + 1} {run['tool']:10s} c={run['conns']:<4d} "
                    f"{r['rps']:10,.0f} req/s  cpu {r['cpu_us_per_req']:6.1f} us/req  tool "
                    f"{r['tool_cpu_pct']:3.0f}%  nginx {r['server_cpu_pct']:3.0f}%  other "
                    f"{r['other_cpu_pct']:3.0f}%  errors {r['errors']}")
                results.setdefault((run["tool"], run["conns"]), []).append(r)
        report = render(meta, runs, results, skipped)
        output.write_text(cb.keep_manual_part(output, report))  # notes after the marker stay
        raw_dir = build_dir / "bench_cli"
        raw_dir.mkdir(parents=True, exist_ok=True)
        with open(raw_dir / "results.json", "w") as f:
            json.dump({"meta": meta, "skipped": skipped,
                       "runs": [{k: v for k, v in run.items() if k != "parse"} for run in runs],
                       "results": {f"{t}/{c}": v for (t, c), v in results.items()}}, f, indent=1)
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
