#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Per-request costs of a server answering `GET /` on loopback (see BENCHMARKS.md, "Where the time
# goes"): syscalls (strace -c), heap allocations (LD_PRELOAD counter) and user-space instructions
# (callgrind). Counts, not times: they do not depend on how busy the machine is.
# Usage: bash bench/profile/per_request.sh SERVER [ARGS...]
#   e.g. bash bench/profile/per_request.sh build/release/bench/ahttp_bench_server
# The server must print "listening on 127.0.0.1:PORT" (the bench servers and raw_epoll do).
# Needs wrk, strace, valgrind (callgrind_control, callgrind_annotate), cc, taskset.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 SERVER [ARGS...]" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=("$@")
work=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cc -O2 -shared -fPIC -o "$work/count_allocs.so" "$here/count_allocs.c"

# start_server [PREFIX...] : starts "PREFIX... SERVER ARGS" on CPU 0, sets pid and port.
start_server() {
    : >"$work/out"
    taskset -c 0 "$@" "${server[@]}" >"$work/out" 2>"$work/err" &
    pid=$!
    for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
    port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/out")
    [[ -n $port ]] || { echo "server did not start: $(cat "$work/err")" >&2; exit 1; }
}
# load SECONDS : wrk on CPU 1, prints the number of requests completed.
load() {
    taskset -c 1 wrk -t1 -c50 -d"$1"s "http://127.0.0.1:$port/" | awk '/requests in/ {print $1}'
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

# Syscalls.
start_server
load 1 >/dev/null
strace -c -f -p "$pid" -o "$work/strace" 2>/dev/null &
tracer=$!
sleep 0.5
requests=$(load 2)
sleep 0.5
kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
stop_server
echo "syscalls per request ($requests requests):"
awk -v r="$requests" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
    n = $4; if (n / r >= 0.01) printf "  %-14s %.2f\n", $NF, n / r }' "$work/strace"

# Allocations.
start_server env LD_PRELOAD="$work/count_allocs.so"
load 1 >/dev/null
kill -USR2 "$pid"; sleep 0.2
requests=$(load 2)
kill -USR2 "$pid"; sleep 0.2
stop_server
grep '^allocs:' "$work/err" | tail -2 | tr -c '0-9\n' ' ' | awk -v r="$requests" '
    NR == 1 { m = $1; a = $2; f = $3 }
    NR == 2 { printf "allocations per request (%d requests): malloc %.2f, aligned %.2f, free %.2f\n",
              r, ($1 - m) / r, ($2 - a) / r, ($3 - f) / r }'

# User-space instructions.
start_server valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" --dump-instr=no
load 1 >/dev/null
callgrind_control -z "$pid" >/dev/null 2>&1
requests=$(load 4)
callgrind_control -d "$pid" >/dev/null 2>&1
sleep 1
stop_server
dump=$(ls -t "$work"/cg.out.* | head -1)
instructions=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "user-space instructions per request ($requests requests): $((instructions / requests))"
