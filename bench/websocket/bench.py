#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""WebSocket echo benchmark (issue 5): round trips per second with 1 and 100 connections,
ahttp's server vs python3-aiohttp's vs node `ws`, and a raw epoll echo in C as the floor
(bench/reference/raw_ws_echo.c, built by run.sh), all driven by the same client
(bench/ahttp_ws_bench: ahttp's ws_connect, one io_context), side by side in one run.

    /usr/bin/python3 bench/websocket/bench.py <build-dir>

Each server is pinned to CPU 0 and the driver to CPU 1. For each connection count, the servers
run WSBENCH_ROUNDS times (default 3), interleaved, for WSBENCH_SECONDS (default 3) each; the
median is reported with the server's CPU time per round trip (utime+stime from /proc/PID/stat
over the run ÷ round trips), which stays comparable when the driver saturates first.
32-byte text messages, no compression. Loopback only; servers are stopped on exit.
Environment: WSBENCH_ROUNDS, WSBENCH_SECONDS, WSBENCH_CONNECTIONS ("1,100"),
WSBENCH_OUTPUT (markdown, default bench/websocket/results.md).
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchlib import env_int, tool_version  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "bench" / "websocket"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU = "0"
AIOHTTP_MMAP = "aiohttp, reads mmapped"
AIOHTTP_HEAP = "aiohttp, reads on heap"
RAW = "raw epoll echo (floor)"
CLIENT_CPU = "1"


def log(msg):
    print(f"[ws-bench] {msg}", flush=True)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def base_environment():
    """This process's environment without malloc settings, which would undo the pinning."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}


def start(cmd, env):
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU] + cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**base_environment(), **env})
    line = proc.stdout.readline()
    match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"{cmd[0]} did not start: {line!r} {proc.stderr.read()}")
    return proc, int(match.group(1))


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    if len(sys.argv) != 2:
        print("usage: bench.py <build-dir>", file=sys.stderr)
        return 2
    build = Path(sys.argv[1]).resolve()
    driver = build / "bench" / "ahttp_ws_bench"
    rounds = env_int("WSBENCH_ROUNDS", 3)
    seconds = env_int("WSBENCH_SECONDS", 3)
    counts = [int(c) for c in os.environ.get("WSBENCH_CONNECTIONS", "1,100").split(",")]
    output = Path(os.environ.get("WSBENCH_OUTPUT", HERE / "results.md"))
    aiohttp = ["/usr/bin/python3", str(HERE / "aiohttp_echo.py")]
    # CPython reads a socket into a fresh 256 KiB bytes object. glibc serves that with mmap
    # (then mremap, munmap: three extra syscalls per message) until a large enough free raises
    # its dynamic mmap threshold, which happens at random in a run; aiohttp's rate then triples.
    # Both states are pinned here, so the comparison does not depend on which one a run drew.
    servers = {
        "ahttp": ([str(build / "bench" / "ahttp_bench_server")], {}),
        AIOHTTP_MMAP: (aiohttp, {"MALLOC_MMAP_THRESHOLD_": "131072"}),
        AIOHTTP_HEAP: (aiohttp, {"MALLOC_MMAP_THRESHOLD_": "1048576",
                                 "MALLOC_TRIM_THRESHOLD_": "4194304"}),
        "node ws": (["node", str(HERE / "node_ws_echo.mjs")], {}),
        # What any server pays on this machine's kernel: one read and one write per message.
        RAW: ([str(build / "bench_websocket" / "raw_ws_echo")], {}),
    }
    missing = [cmd[0] for cmd, _ in servers.values() if shutil.which(cmd[0]) is None]
    if missing:
        print(f"bench.py: not built: {', '.join(missing)} (run.sh builds the floor)",
              file=sys.stderr)
        return 2
    results = {}  # (server, connections) -> list of runs
    for connections in counts:
        for r in range(rounds):
            for name, (cmd, env) in servers.items():
                proc, port = start(cmd, env)
                try:
                    before = cpu_ticks(proc.pid)
                    run = subprocess.run(
                        ["taskset", "-c", CLIENT_CPU, str(driver), f"ws://127.0.0.1:{port}/ws",
                         str(connections), str(seconds)],
                        capture_output=True, text=True, timeout=seconds * 10 + 60)
                    after = cpu_ticks(proc.pid)
                finally:
                    stop(proc)
                if run.returncode != 0:
                    raise RuntimeError(f"driver failed against {name}: {run.stderr}")
                figures = json.loads(run.stdout)
                figures["server_cpu_s"] = (after - before) / CLK_TCK
                results.setdefault((name, connections), []).append(figures)
                log(f"{name:22} c={connections:<3} round {r + 1}: "
                    f"{figures['round_trips_per_s']:9.0f} rt/s, "
                    f"{1e6 * figures['server_cpu_s'] / max(1, figures['round_trips']):6.1f} "
                    f"µs server CPU/rt")

    def median(runs, key):
        values = sorted(run[key] for run in runs)
        return values[len(values) // 2]

    lines = [
        "# WebSocket echo benchmark",
        "",
        f"Produced by `bash bench/websocket/run.sh {sys.argv[1]}` on "
        f"{datetime.date.today().isoformat()} ({rounds} rounds of {seconds} s, medians; "
        "32-byte text messages, no compression; server on CPU 0, driver on CPU 1).",
        "",
        f"Peers: python3-aiohttp {tool_version(['/usr/bin/python3', '-c', 'import aiohttp; print(aiohttp.__version__)'])}, "
        f"node {tool_version(['node', '--version'])} with ws.",
        "",
        "| connections | server | round trips/s | server CPU µs/rt | CPU vs floor | p50 µs | p99 µs "
        "| vs ahttp (rt/s) |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def cpu_per_rt(name, connections):
        runs = results[(name, connections)]
        return median(
            [{"v": 1e6 * x["server_cpu_s"] / max(1, x["round_trips"])} for x in runs], "v")

    for connections in counts:
        base = median(results[("ahttp", connections)], "round_trips_per_s")
        floor = cpu_per_rt(RAW, connections)
        for name in servers:
            runs = results[(name, connections)]
            rate = median(runs, "round_trips_per_s")
            cpu = cpu_per_rt(name, connections)
            lines.append(
                f"| {connections} | {name} | {rate:,.0f} | {cpu:.1f} | "
                f"{f'{cpu / floor:.2f}×' if floor > 0 else 'n/a'} | "
                f"{median(runs, 'p50_us'):.0f} | {median(runs, 'p99_us'):.0f} | "
                f"{base / rate:.2f}× |")
    lines.append("")
    lines.append("\"vs ahttp\" is ahttp's rate divided by the server's: how many times faster ahttp "
                 "is (1.00× for ahttp itself). With one driver core, ahttp's own figure is bounded "
                 "by the driver; the CPU column compares the servers' own cost.")
    lines.append("")
    lines.append("The raw epoll echo (bench/reference/raw_ws_echo.c, C, level-triggered epoll, one "
                 "read and one write per message, no conformance checks) is the floor: what the "
                 "kernel's loopback path costs any server here. The best ratio any server can "
                 "reach over another is that server's \"CPU vs floor\".")
    lines.append("")
    lines.append("aiohttp runs twice. CPython reads a socket into a new 256 KiB buffer; glibc "
                 "maps each one with mmap (plus mremap and munmap: three more syscalls per "
                 "message) until a large free raises its dynamic mmap threshold, which a run may "
                 "or may not draw. \"reads mmapped\" pins the first state "
                 "(MALLOC_MMAP_THRESHOLD_=131072, glibc's initial value), \"reads on heap\" the "
                 "second (MALLOC_MMAP_THRESHOLD_=1048576, MALLOC_TRIM_THRESHOLD_=4194304).")
    output.write_text("\n".join(lines) + "\n")
    log(f"wrote {output}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
